// The cost-aware schedule: keeps the share of a campaign's time spent starting target processes
// under a budget. Each restart, crash and crash_during costs a start, and so does every case on
// a target that cannot reset; a Python service or a JVM takes 0.1-5 s to start, a step well under
// a millisecond. The schedule thins the cases that carry control steps and, when cases still
// start a process each, makes them longer. In-process targets start nothing: nothing changes.
#pragma once

#include <cstdint>
#include <mutex>

#include "harness/core/generate.h"

namespace savefuzz {

inline constexpr double kDefaultStartBudget = 0.25;

// What one case is generated with; a finding's "found by" line names it, so the case can be
// generated again from the seed alone.
struct CaseShape {
  bool controls = true;
  std::size_t max_steps = 40;
};

class Schedule {
 public:
  // `budget` in (0, 1]: the largest share of time in starts; 1 turns the schedule off.
  Schedule(const GenOptions& base, double budget);

  // Deterministic for a given (seed, index) and the schedule's current level: which cases carry
  // control steps is a hash of the index, not a coin tossed at run time.
  CaseShape shape(std::uint64_t seed, std::uint64_t index) const;
  GenOptions options(const CaseShape& shape) const;

  // After each case: the shape it had, its wall time, the process starts in it and the time
  // they took, and whether it ran on a reused (reset) target.
  void observe(const CaseShape& shape, double case_seconds, std::uint64_t starts, double start_seconds, bool reused);

  double start_share() const;       // over the whole run
  double mean_start_seconds() const;  // per start; 0 before the first
  std::uint64_t control_one_in() const;  // control steps in 1 of this many cases
  std::size_t max_steps() const;

 private:
  void adjust();  // under mu_

  GenOptions base_;
  double budget_;
  mutable std::mutex mu_;
  unsigned thin_ = 0;    // control steps in 1 of 2^thin_ cases
  unsigned longer_ = 0;  // max_steps = base << longer_
  std::uint64_t since_adjust_ = 0;
  double since_adjust_seconds_ = 0;
  // The cost model, per case at the configured length: time besides starts, the starts that
  // control steps cost in a case that carries them, the starts of cases on a new target.
  double work_seconds_ = 0;          // sum over cases, divided by the length factor
  std::uint64_t cases_ = 0, new_target_cases_ = 0, control_cases_ = 0;
  double control_starts_ = 0;        // sum over control cases, divided by the length factor
  double total_case_ = 0, total_start_ = 0;
  std::uint64_t starts_ = 0;
};

}  // namespace savefuzz
