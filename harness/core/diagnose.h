// From a failure to a diagnosis: where it first shows, the invariant that step breaks, the
// shortest scenario that still shows it, and whether it fails again on new targets.
#pragma once

#include <functional>
#include <optional>

#include "harness/core/runner.h"
#include "harness/core/scenario.h"
#include "harness/core/session.h"
#include "harness/core/shrink.h"
#include "harness/core/target.h"

namespace savefuzz {

inline constexpr unsigned kDefaultReproduce = 3;

Signature signature_of(const Finding& f);

struct Localization {
  std::size_t after_step = 0;  // the diverging read already fails right after this step (0: before any)
  Scenario scenario;           // steps 1..after_step, then the diverging read
  Finding finding;             // as that scenario shows it: the diagnosis
  std::size_t runs = 0;
};

// Finds the first step after which a divergence seen at a read (a scenario step, a probe or the
// final sweep) was already visible: the read is put after prefixes of `s`, by bisection, and
// each is run with `run` (no final sweep). Nothing when the finding is not at a read (a write's
// answer, a fault of the target, a reset), or when the scenario has resets.
std::optional<Localization> localize(const Scenario& s, const Finding& f,
                                     const std::function<RunResult(const Scenario&)>& run);

// Runs `s` `times` on new targets and counts the runs that fail with `sig`. With `transcript`,
// the first such run's transcript is put there.
unsigned count_reproductions(const Scenario& s, const Signature& sig, const TargetSource& target,
                             const RunnerOptions& runner, unsigned times, Json* transcript = nullptr);

struct DiagnoseOptions {
  bool shrink = true;
  bool localize = true;
  unsigned reproduce = kDefaultReproduce;  // new-target replays before the finding is reported
  ReuseOptions reuse;                      // shrink and localization tries on a target that resets
  std::function<bool()> stop;              // Ctrl-C: keep the best so far
};

struct Diagnosis {
  Scenario scenario;  // the shrunk scenario (or `failing` when not shrinking)
  Finding finding;    // as it shows it, localized, with its reproduction count
  std::size_t shrink_runs = 0, localize_runs = 0, reproduce_runs = 0;
};

// Localizes `finding` of `failing` and takes the invariant from there; shrinks from the
// localized scenario, keeping that invariant (or moving to a more specific one); localizes the
// result again; and replays it on new targets. The finding is always returned, flaky or not,
// with the data directory of the run that shows it: one `finding` kept is removed when that run
// is another (see discard_data).
Diagnosis diagnose(const Scenario& failing, const Finding& finding, const TargetSource& target,
                   const RunnerOptions& runner, const DiagnoseOptions& options);

}  // namespace savefuzz
