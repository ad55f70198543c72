// Runs a scenario against a target and the model in lockstep; stops at the first divergence.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/core/features.h"
#include "harness/core/invariants.h"
#include "harness/core/response.h"
#include "harness/core/scenario.h"
#include "harness/core/target.h"

namespace savefuzz {

struct Finding {
  Invariant invariant;
  std::size_t step = 0;  // 1-based scenario step; 0 when the target failed to start
  std::string where;     // "step 4", "probe after step 4", "read-back after step 4", "final sweep after step 9", "start"
  Json request;          // what was sent (or the control step)
  Json expected;         // the allowed answer, or an array of them after a crash_during
  Json actual;           // the target's answer; null when it gave none
  std::string detail;    // one readable sentence
  std::string stderr_tail;
  std::string data_dir;  // kept for inspection
  // The diverging request was the harness's own read (a probe or the final sweep) after step
  // `step`, not a step of the scenario.
  bool harness_read = false;

  // Filled after the run (diagnose.h). The last step of the shortest prefix after which the
  // diverging read already fails (0: before any step), and that step; none when not localized.
  std::optional<std::size_t> first_visible{};
  Json first_visible_step{};
  // Fresh-target replays before it was reported: how many failed the same way, of how many.
  unsigned reproduced = 0, replays = 0;
  // The run that showed it, exchange by exchange, when it was recorded (RunnerOptions::record):
  // an array of {step, where, request, answer} and {step, where, control, outcome}; null otherwise.
  Json transcript{};
};

struct RunnerOptions {
  bool final_sweep = true;  // read back everything as everyone once the steps are done
  std::uint64_t seed = 0;   // picks the crash points of crash_during steps
  // Begin with target.reset() (in place when the target can, SPEC.md section 8) rather than
  // start(): the target may have run other scenarios before.
  bool reuse = false;
  bool keep_data = true;  // a finding keeps the target's data directory (shrink tries do not)
  // Keep every exchange and control step of the run in the finding (its transcript), for the
  // timeline of a report. Off for shrink tries: they are thrown away.
  bool record = false;
};

// What a run exercised: for campaign summaries ("every op and every error code seen?").
struct Coverage {
  std::array<std::uint64_t, kOpCount> ops{};              // requests sent, by op
  std::array<std::uint64_t, kErrorCodeCount + 1> answers{};  // [0] ok, then by ErrorCode + 1
  std::uint64_t malformed = 0;                             // requests the typed form cannot hold
  std::array<std::uint64_t, kControlKindCount> controls{};  // by StepKind, request excluded
  // SPEC.md section 5's fault steps, as they ran: crash_during steps killed at an exact sync call
  // and those killed at a timed point (no "at", or a target that cannot count syncs); storage
  // faults that fired, by StorageFault::On; fault steps whose n-th write or sync never came; and
  // targets that died on a fault and were started again.
  std::uint64_t sync_crashes = 0, timed_crashes = 0;
  std::array<std::uint64_t, 2> faults_fired{};
  std::uint64_t faults_missed = 0, fault_deaths = 0;
  SituationCounts situations{};  // features.h: what the scenario steps reached, by situation

  std::uint64_t& control(StepKind k) { return controls[static_cast<std::size_t>(k) - 1]; }
  std::uint64_t control(StepKind k) const { return controls[static_cast<std::size_t>(k) - 1]; }

  void add(const Coverage& o);
};

struct RunResult {
  std::optional<Finding> finding;
  // Set when the scenario has a step this target cannot run (a power_loss, a storage fault): the
  // scenario neither passed nor failed.
  std::optional<std::string> not_runnable;
  std::size_t requests = 0;  // requests sent to the target, hellos excluded
  Coverage coverage;
};

// Starts (or, with `reuse`, resets) `target`, runs `scenario`, and performs the final sweep. The
// target is left running.
RunResult run_scenario(const Scenario& scenario, Target& target, const RunnerOptions& options);

// Removes the data directory a finding kept, for a finding nothing will report: a repeat of one
// already saved, or a run a diagnosis replaced with its own. Kept directories live on a tmpfs by
// default, in memory: a night of fuzzing or a benchmark's thousands of findings would otherwise
// fill it with directories no report names.
void discard_data(const std::string& data_dir);

}  // namespace savefuzz
