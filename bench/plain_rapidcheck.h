// The property-engine baseline: a plain RapidCheck state test of the save path, as one would write
// it by hand. Uniform choice among the ops and control steps, ids picked from the model, texts from
// RapidCheck's default string generator: no set-up world, no swarm, no boundary texts.
#pragma once

#include <chrono>
#include <cstdint>

#include "targets/records/mutants.h"

namespace savefuzz::bench {

struct Hunt {
  bool found = false;
  double seconds = 0;       // wall time to the first failure, or the whole budget
  std::uint64_t steps = 0;  // requests answered until then (control steps not counted)
};

// Runs the plain state test against the in-process target with `mutant` switched on, check after
// check (distinct seeds derived from `seed`, no shrinking), until one fails or `budget` runs out.
Hunt hunt_with_plain_rapidcheck(records::Mutant mutant, std::uint64_t seed, std::chrono::milliseconds budget);

}  // namespace savefuzz::bench
