// Names and breach classes of the invariants (SPEC.md section 6).
#include "harness/core/invariants.h"

#include <array>

namespace savefuzz {
namespace {

struct Row {
  std::string_view name;
  Breach breach;
};

constexpr std::array<Row, kInvariantCount> kRows{{
    {"ack-durable", Breach::availability},
    {"share-preserves-observation", Breach::availability},
    {"appointment-update-preserves-observation", Breach::availability},
    {"exact-round-trip", Breach::integrity},
    {"all-or-nothing", Breach::integrity},
    {"no-lost-update", Breach::integrity},
    {"version-monotonic", Breach::integrity},
    {"explicit-errors", Breach::integrity},
    {"tenant-isolation", Breach::confidentiality},
    {"share-scope", Breach::confidentiality},
    {"target-alive", Breach::availability},
    {"protocol", Breach::integrity},
    {"scenario-expect", Breach::integrity},
    // State a reset kept shows up in the next scenario: data of one case read in another.
    {"reset-clean", Breach::integrity},
}};

}  // namespace

std::string_view invariant_name(Invariant i) { return kRows[static_cast<std::size_t>(i)].name; }

Breach breach_of(Invariant i) { return kRows[static_cast<std::size_t>(i)].breach; }

std::string_view breach_name(Breach b) {
  switch (b) {
    case Breach::availability: return "availability";
    case Breach::integrity: return "integrity";
    case Breach::confidentiality: return "confidentiality";
  }
  return "integrity";
}

}  // namespace savefuzz
