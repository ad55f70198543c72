// Runs scenario after scenario on as few target processes as it can (SPEC.md section 8's
// `reset`), and never lets a reset that keeps state pass for a bug of the save path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "harness/core/runner.h"
#include "harness/core/target.h"

namespace savefuzz {

inline constexpr std::size_t kDefaultFreshEvery = 64;

struct ReuseOptions {
  bool reset = true;                            // run the next scenario on a target that resets in place
  std::size_t fresh_every = kDefaultFreshEvery;  // but start a new one after this many scenarios
};

struct SessionRun {
  RunResult result;
  // When the finding is reset-clean: the scenarios the target ran since it started, joined by
  // reset steps, which shows it on a fresh target. Empty otherwise: the case itself shows it.
  std::optional<Scenario> joined;
};

class Session {
 public:
  Session(const TargetSource& source, ReuseOptions options) : source_(source), options_(options) {}

  // Runs `s` on the running target after a reset, or on a new one. A finding on a reused target
  // is run again on a new one: that verdict stands. If the new one passes, the reset is to blame:
  // the scenarios since that target started, joined by resets, are run on a new target and the
  // finding is what that shows: reset-clean, or the reset's own fault. Either way the finding's
  // target is not used again.
  SessionRun run(const Scenario& s, const RunnerOptions& runner);
  // A shrink try: on a reused target when it can, no second opinion, no data directory kept.
  RunResult try_run(const Scenario& s, const RunnerOptions& runner);

  StartStats stats() const;  // every target this session used
  // Findings on a reused target that neither a new target nor the joined scenario showed again.
  std::uint64_t unconfirmed() const { return unconfirmed_; }

 private:
  // The target for the next scenario: the current one when it may be reused, else a new one.
  Target& next(std::uint64_t seed, bool& reused);
  void retire();

  const TargetSource& source_;
  ReuseOptions options_;
  std::unique_ptr<Target> target_;
  std::vector<Scenario> since_start_;  // the scenarios the current target ran
  StartStats retired_;
  std::uint64_t unconfirmed_ = 0;
};

// Runs `s` on a new target. A divergence after a reset step that the steps after that reset do
// not show on a new target of their own is the reset's: the finding is renamed reset-clean.
RunResult run_checked(const Scenario& s, const TargetSource& source, const RunnerOptions& runner);

bool has_reset(const Scenario& s);
// The scenarios, in order, each after a reset step but the first.
Scenario join_with_resets(const std::vector<Scenario>& scenarios);

}  // namespace savefuzz
