// RapidCheck generators of whole scenarios: small scopes, swarm op mixes, boundary text.
#pragma once

#include <cstdint>

#include <rapidcheck.h>

#include "harness/model.h"
#include "harness/scenario.h"

namespace savefuzz {

struct GenOptions {
  Limits limits;               // the target's, from its hello
  std::size_t max_steps = 40;  // scenario length at the largest size
  bool controls = true;        // restart, crash, crash_during allowed
};

// A scenario: a set-up preamble drawn from small id pools, then steps whose arguments are drawn
// from a model of the state so far (mostly valid, authorized requests; a steady share of
// invalid, wrong-kind, forbidden, not-found, stale and malformed ones). Each scenario enables a
// random subset of op kinds and control steps (swarm testing).
rc::Gen<Scenario> scenario_gen(const GenOptions& options);

// Texts biased to where save paths break: empty, exactly the limit and one byte over, multi-byte
// UTF-8 around the limit and around 4 KiB, emoji and combining marks, CR/LF, quotes and
// backslashes, U+0000, long French medical text.
rc::Gen<std::string> text_gen(std::size_t limit);

// One request of `op` with arguments drawn from `model`: mostly valid and authorized, sometimes
// not. Call it inside a RapidCheck generator or property (it draws with operator*).
Request draw_request(const Model& model, Op op);

// Deterministic generation outside a property: the same seed, case and options give the same
// scenario.
Scenario generate_scenario(const GenOptions& options, std::uint64_t seed, std::uint64_t case_index);

}  // namespace savefuzz
