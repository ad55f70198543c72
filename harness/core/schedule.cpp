// The schedule's controller: measured over windows of cases, adjusted in powers of two.
#include "harness/core/schedule.h"

#include <algorithm>

#include "harness/core/hash.h"

namespace savefuzz {
namespace {

constexpr unsigned kMaxThin = 12;   // control steps in at least 1 of 4096 cases: crashes stay tested
constexpr unsigned kMaxLonger = 3;  // cases up to 8x the configured length
constexpr std::uint64_t kWindowCases = 8;  // re-plan at most every 8 cases and 0.25 s
constexpr double kWindowSeconds = 0.25;
constexpr std::uint64_t kControlSalt = 0xc0a7'5c4e'd01e'0001ULL;

}  // namespace

Schedule::Schedule(const GenOptions& base, double budget) : base_(base), budget_(budget) {}

CaseShape Schedule::shape(std::uint64_t seed, std::uint64_t index) const {
  std::lock_guard lock(mu_);
  CaseShape s;
  s.max_steps = base_.max_steps << longer_;
  s.controls = base_.controls && (thin_ == 0 || splitmix64(seed ^ kControlSalt, index) % (1ULL << thin_) == 0);
  return s;
}

GenOptions Schedule::options(const CaseShape& shape) const {
  GenOptions g = base_;
  g.controls = shape.controls;
  g.max_steps = shape.max_steps;
  return g;
}

void Schedule::observe(const CaseShape& shape, double case_seconds, std::uint64_t starts, double start_seconds,
                       bool reused) {
  std::lock_guard lock(mu_);
  double length = static_cast<double>(shape.max_steps) / static_cast<double>(base_.max_steps);
  starts_ += starts;
  total_case_ += case_seconds;
  total_start_ += start_seconds;
  ++cases_;
  work_seconds_ += std::max(0.0, case_seconds - start_seconds) / length;
  std::uint64_t control_starts = starts - (reused || starts == 0 ? 0 : 1);
  new_target_cases_ += reused ? 0 : 1;
  if (shape.controls) {
    ++control_cases_;
    control_starts_ += static_cast<double>(control_starts) / length;
  }
  ++since_adjust_;
  since_adjust_seconds_ += case_seconds;
  if (since_adjust_ >= kWindowCases && since_adjust_seconds_ >= kWindowSeconds) adjust();
}

void Schedule::adjust() {
  since_adjust_ = 0;
  since_adjust_seconds_ = 0;
  if (budget_ >= 1 || starts_ == 0 || cases_ == 0) return;
  // Expected start time per case, at thinning 2^k and length factor L:
  //   S * (a * L / 2^k + b)   against   work T * L,
  // where S is a start's cost, a the starts of a control case (they grow with its length), b
  // the share of cases on a new target (1 without reset, about 1/fresh_every with it). The
  // schedule takes the first (L, k) that keeps S * (...) / (S * (...) + T * L) under the
  // budget: control steps in as many cases as it can, cases as short as it can.
  double S = total_start_ / static_cast<double>(starts_);
  double T = work_seconds_ / static_cast<double>(cases_);
  double a = control_cases_ ? control_starts_ / static_cast<double>(control_cases_) : 1;
  double b = static_cast<double>(new_target_cases_) / static_cast<double>(cases_);
  double ratio = budget_ / (1 - budget_);
  for (unsigned m = 0; m <= kMaxLonger; ++m) {
    double L = static_cast<double>(1u << m);
    for (unsigned k = 0; k <= kMaxThin; ++k) {
      if (S * (a * L / static_cast<double>(1u << k) + b) <= ratio * T * L) {
        longer_ = m;
        thin_ = k;
        return;
      }
    }
  }
  longer_ = kMaxLonger;  // the budget cannot be met: as close as the schedule goes
  thin_ = kMaxThin;
}

double Schedule::start_share() const {
  std::lock_guard lock(mu_);
  return total_case_ > 0 ? total_start_ / total_case_ : 0;
}

double Schedule::mean_start_seconds() const {
  std::lock_guard lock(mu_);
  return starts_ ? total_start_ / static_cast<double>(starts_) : 0;
}

std::uint64_t Schedule::control_one_in() const {
  std::lock_guard lock(mu_);
  return 1ULL << thin_;
}

std::size_t Schedule::max_steps() const {
  std::lock_guard lock(mu_);
  return base_.max_steps << longer_;
}

}  // namespace savefuzz
