// Names and breach classes of the invariants (SPEC.md section 6).
#include "harness/core/invariants.h"

#include <array>
#include <optional>

namespace savefuzz {
namespace {

struct Row {
  std::string_view name;
  Breach breach;
  std::string_view holds_when;  // SPEC.md section 6's words, or the harness's own for its four
};

constexpr std::array<Row, kInvariantCount> kRows{{
    {"ack-durable", Breach::availability,
     "every field value acknowledged by a save is what later reads return until another acknowledged save replaces it, across every other op, restart and crash"},
    {"share-preserves-observation", Breach::availability,
     "no share_document / unshare_document changes any observation"},
    {"appointment-update-preserves-observation", Breach::availability,
     "no update_appointment changes any observation"},
    {"exact-round-trip", Breach::integrity,
     "text comes back byte for byte; limits give `invalid`, never truncation"},
    {"all-or-nothing", Breach::integrity,
     "an error, and a crash_during, leaves no partial effect: a multi-field save is whole or absent"},
    {"no-lost-update", Breach::integrity,
     "a save with a stale base_version gets `conflict` and changes nothing"},
    {"version-monotonic", Breach::integrity,
     "version grows by exactly one per acknowledged save, and only then"},
    {"explicit-errors", Breach::integrity,
     "each response's ok / error code is the one SPEC.md section 4 prescribes"},
    {"tenant-isolation", Breach::confidentiality,
     "no principal reads an observation, document or appointment outside what SPEC.md section 3 allows"},
    {"share-scope", Breach::confidentiality,
     "a recipient reads exactly the documents currently shared with it, never an observation"},
    {"target-alive", Breach::availability,
     "the target answers every request and neither dies, hangs nor exits badly (SPEC.md section 1)"},
    {"protocol", Breach::integrity,
     "every answer is one JSON line with the request's id and exactly the keys SPEC.md prescribes, and the hello succeeds"},
    {"scenario-expect", Breach::integrity,
     "every `expect` written in the scenario holds"},
    // State a reset kept shows up in the next scenario: data of one case read in another.
    {"reset-clean", Breach::integrity,
     "after `reset` the target answers as a new one on an empty data directory would (SPEC.md section 8)"},
}};

}  // namespace

std::string_view invariant_name(Invariant i) { return kRows[static_cast<std::size_t>(i)].name; }

Breach breach_of(Invariant i) { return kRows[static_cast<std::size_t>(i)].breach; }

std::string_view invariant_text(Invariant i) { return kRows[static_cast<std::size_t>(i)].holds_when; }

std::optional<Invariant> invariant_named(std::string_view name) {
  for (std::size_t i = 0; i < kInvariantCount; ++i)
    if (kRows[i].name == name) return static_cast<Invariant>(i);
  return std::nullopt;
}

std::string_view breach_name(Breach b) {
  switch (b) {
    case Breach::availability: return "availability";
    case Breach::integrity: return "integrity";
    case Breach::confidentiality: return "confidentiality";
  }
  return "integrity";
}

}  // namespace savefuzz
