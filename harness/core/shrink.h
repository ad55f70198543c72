// Shrinking a failing scenario to the smallest one that fails the same way.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "harness/core/invariants.h"
#include "harness/core/scenario.h"

namespace savefuzz {

// What makes two failures "the same": the invariant and the kind of step it showed at
// (shrinking must not swap one bug for another).
struct Signature {
  Invariant invariant;
  std::string step_kind;  // "read", "write", "control" or "malformed": see step_kind_of
  bool operator==(const Signature&) const = default;
};

// The kind of a diverging step. Coarser than the op on purpose: removing a document may move the
// first divergence of a lost write from read_document to read_observation, still the same bug.
std::string step_kind_of(const Json& step);

struct ShrinkOptions {
  std::size_t max_runs = 5000;
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::function<bool()> stop;  // true: give up now (Ctrl-C), keeping the best so far
};

struct ShrinkResult {
  Scenario scenario;
  std::size_t runs = 0;
  Signature signature;  // how `scenario` fails: the one asked for, or a more specific one
};

// Whether a candidate failing with `got` shows the bug that fails with `wanted`: the same
// signature; the same invariant at a read instead of a write or the reverse (not for the
// catch-alls: explicit-errors, protocol, target-alive, scenario-expect); or an invariant that
// says more about the same lost value. Removing a crash_during (or making it a plain crash) can show that the value was simply
// lost (all-or-nothing -> ack-durable), or lost by an update or a share (-> their invariants);
// and removing a share or an update can show that the loss was not its doing (-> ack-durable).
bool same_bug(const Signature& wanted, const Signature& got);

// `fails(s)` runs s and returns its failure's signature, if it fails. Passes: remove chunks of
// steps (halving the chunk), then simplify what remains (drop expects, optional keys and
// fields, shorten texts, turn crash_during into a plain request or a plain crash), until nothing
// changes. A candidate is kept when same_bug(current, its signature); the signature moves with it.
ShrinkResult shrink(const Scenario& failing, const Signature& signature,
                    const std::function<std::optional<Signature>(const Scenario&)>& fails, const ShrinkOptions& options);

}  // namespace savefuzz
