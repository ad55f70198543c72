// Runs a scenario against a target and the model in lockstep; stops at the first divergence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/invariants.h"
#include "harness/scenario.h"
#include "harness/target.h"

namespace savefuzz {

struct Finding {
  Invariant invariant;
  std::size_t step = 0;  // 1-based scenario step; 0 when the target failed to start
  std::string where;     // "step 4", "probe after step 4", "final sweep after step 9", "start"
  Json request;          // what was sent (or the control step)
  Json expected;         // the allowed answer, or an array of them after a crash_during
  Json actual;           // the target's answer; null when it gave none
  std::string detail;    // one readable sentence
  std::string stderr_tail;
  std::string data_dir;  // kept for inspection
};

struct RunnerOptions {
  bool final_sweep = true;  // read back everything as everyone once the steps are done
  std::uint64_t seed = 0;   // picks the crash points of crash_during steps
};

struct RunResult {
  std::optional<Finding> finding;
  std::size_t requests = 0;  // requests sent to the target, hellos excluded
};

// Starts `target`, runs `scenario`, and performs the final sweep. The target is left running.
RunResult run_scenario(const Scenario& scenario, Target& target, const RunnerOptions& options);

// The crash point a crash_during at `step` uses under `seed` (stable: findings replay).
std::uint32_t crash_point(std::uint64_t seed, std::size_t step);

}  // namespace savefuzz
