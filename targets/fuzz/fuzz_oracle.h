// What the scenario fuzzers share: the target their environment names (target_options.h: the
// in-process reference, or $SAVEFUZZ_TARGET_CMD, with $SAVEFUZZ_MUTANT) and the model as the
// oracle. A divergence prints the finding and aborts, so libFuzzer keeps the input.
#pragma once

#include "harness/core/model.h"
#include "harness/core/scenario.h"

namespace savefuzz::fuzz {

// The target's limits, read once from its hello.
const Limits& target_limits();

// Runs `scenario` against the target, started or reset afresh; on a finding, prints it with `replay_hint`
// (how the crash file becomes a replayable scenario) and aborts.
void check_or_abort(const Scenario& scenario, const char* replay_hint);

}  // namespace savefuzz::fuzz
