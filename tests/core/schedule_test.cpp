// The cost-aware schedule: nothing changes while starts cost nothing or the budget is off; when
// starts are dear it thins the cases with control steps first, then lengthens cases, and which
// case carries control steps depends on the seed and index alone.
#include "harness/core/schedule.h"

#include <gtest/gtest.h>

namespace savefuzz {
namespace {

constexpr double kBudget = 0.25;

// A target whose cases cost `work` seconds per base length, `control_starts` starts of `start`
// seconds each when they carry control steps, and one more start when they run on a new target.
struct FakeTarget {
  double work = 0.005, start = 0.01;
  std::uint64_t control_starts = 2;
  bool reused = true;
};

void run_cases(Schedule& schedule, const FakeTarget& t, std::uint64_t cases, std::uint64_t seed = 1) {
  for (std::uint64_t i = 0; i < cases; ++i) {
    CaseShape shape = schedule.shape(seed, i);
    double length = static_cast<double>(shape.max_steps) / 40.0;
    std::uint64_t starts = (shape.controls ? t.control_starts : 0) + (t.reused ? 0 : 1);
    double start_seconds = static_cast<double>(starts) * t.start;
    schedule.observe(shape, t.work * length + start_seconds, starts, start_seconds, t.reused);
  }
}

TEST(Schedule, StartsThatCostNothingChangeNothing) {
  Schedule schedule(GenOptions{}, kBudget);
  run_cases(schedule, FakeTarget{0.01, 0, 0, true}, 200);
  EXPECT_EQ(schedule.control_one_in(), 1u);
  EXPECT_EQ(schedule.max_steps(), 40u);
  EXPECT_EQ(schedule.start_share(), 0);
  for (std::uint64_t i = 0; i < 50; ++i) EXPECT_TRUE(schedule.shape(1, i).controls);
}

TEST(Schedule, ABudgetOfAllTheTimeIsNoSchedule) {
  Schedule schedule(GenOptions{}, 1.0);
  run_cases(schedule, FakeTarget{0.001, 0.1, 3, false}, 200);
  EXPECT_EQ(schedule.control_one_in(), 1u);
  EXPECT_EQ(schedule.max_steps(), 40u);
  EXPECT_GT(schedule.start_share(), 0.9);
}

TEST(Schedule, DearControlStepsAreThinnedBeforeCasesGrow) {
  // Two starts of 10 ms in a case of 5 ms work: 2/2^k <= (0.25/0.75) * 0.5 needs 2^k >= 12.
  Schedule schedule(GenOptions{}, kBudget);
  run_cases(schedule, FakeTarget{}, 400);
  EXPECT_EQ(schedule.control_one_in(), 16u);
  EXPECT_EQ(schedule.max_steps(), 40u) << "a reused target needs no longer cases";
  EXPECT_NEAR(schedule.mean_start_seconds(), 0.01, 1e-9);
  // Early cases ran before the first adjustment; the run as a whole is still well below the
  // 80 % it would spend starting processes with control steps in every case.
  EXPECT_LT(schedule.start_share(), 0.5);
}

TEST(Schedule, ATargetThatStartsForEveryCaseGetsLongerCases) {
  // No reset: each case starts a process (b = 1), so only longer cases spread that start.
  FakeTarget slow{0.01, 0.01, 1, false};
  Schedule schedule(GenOptions{}, kBudget);
  run_cases(schedule, slow, 400);
  EXPECT_GT(schedule.max_steps(), 40u);
  EXPECT_GT(schedule.control_one_in(), 1u);
}

TEST(Schedule, AnUnreachableBudgetGoesAsFarAsTheScheduleGoes) {
  Schedule schedule(GenOptions{}, kBudget);
  run_cases(schedule, FakeTarget{0.0001, 1.0, 3, false}, 40);
  EXPECT_EQ(schedule.control_one_in(), 4096u);
  EXPECT_EQ(schedule.max_steps(), 320u);
}

TEST(Schedule, WhichCasesCarryControlStepsDependsOnSeedAndIndexAlone) {
  Schedule a(GenOptions{}, kBudget), b(GenOptions{}, kBudget);
  run_cases(a, FakeTarget{}, 400, 7);
  run_cases(b, FakeTarget{}, 400, 9);  // a different history, the same level
  ASSERT_EQ(a.control_one_in(), b.control_one_in());
  std::size_t with = 0, differ = 0;
  for (std::uint64_t i = 0; i < 4096; ++i) {
    EXPECT_EQ(a.shape(7, i).controls, b.shape(7, i).controls) << "index " << i;
    with += a.shape(7, i).controls;
    differ += a.shape(7, i).controls != a.shape(8, i).controls;
  }
  EXPECT_NEAR(static_cast<double>(with) / 4096, 1.0 / static_cast<double>(a.control_one_in()), 0.03);
  EXPECT_GT(differ, 0u) << "another seed thins other cases";
}

TEST(Schedule, NoControlsStaysNoControls) {
  GenOptions base;
  base.controls = false;
  Schedule schedule(base, kBudget);
  run_cases(schedule, FakeTarget{0.01, 0.01, 0, false}, 100);
  for (std::uint64_t i = 0; i < 50; ++i) EXPECT_FALSE(schedule.shape(1, i).controls);
}

}  // namespace
}  // namespace savefuzz
