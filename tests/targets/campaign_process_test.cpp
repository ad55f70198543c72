// Campaigns through records-server: the finding (case, invariant, shrunk length) is the same
// with one worker or two, and with or without resets between cases; the case a finding names
// is generated again by the command it prints.
#include <atomic>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "harness/core/campaign.h"
#include "harness/core/scenario.h"
#include "harness/targets/target_options.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

struct Setting {
  unsigned jobs;
  bool reset;
};

struct Case {
  std::string mutant;
  std::uint64_t seed;  // one whose first failing case comes after a few passing ones, and whose
                       // next comes late enough that a second worker stops before it
};

CampaignResult campaign(const Case& c, Setting setting, const testing::TempDir& dir, std::string& out_text) {
  TargetOptions t;
  t.command = std::string(SAVEFUZZ_BIN_DIR) + "/records-server --mutant " + c.mutant;
  t.data_root = dir.path();
  validate(t);
  CampaignOptions o;
  o.target = target_source(t);
  o.findings_dir = dir.path() / ("findings-" + std::to_string(setting.jobs) + (setting.reset ? "r" : ""));
  o.progress = false;
  o.cases = 300;
  o.seed = c.seed;
  o.faults = FaultMix{};  // the seeds were chosen for the case stream without fault steps
  o.jobs = setting.jobs;
  o.reuse.reset = setting.reset;
  o.start_budget = 1.0;  // the schedule adapts to timing; off, every setting draws the same cases
  std::atomic<bool> stop{false};
  std::ostringstream out;
  CampaignResult r = run_campaign(o, "savefuzz", out, stop);
  out_text = out.str();
  return r;
}

class ProcessCampaign : public ::testing::TestWithParam<Case> {};

TEST_P(ProcessCampaign, FindsTheSameWhateverTheWorkersAndResets) {
  const Setting settings[] = {{1, true}, {2, true}, {1, false}};
  testing::TempDir dir;
  std::string first_out;
  CampaignResult first = campaign(GetParam(), settings[0], dir, first_out);
  ASSERT_EQ(first.findings.size(), 1u) << first_out;
  const SavedFinding& want = first.findings[0];
  ASSERT_GT(want.case_index, 0u) << "choose a seed whose first cases pass";
  EXPECT_GT(first.starts.resets, 0u) << "cases before the finding ran on one reset process";
  // The reported finding's data directory alone stays: not the reused process's, whose finding
  // was shown again on a new one, nor the unshrunk case's.
  EXPECT_EQ(testing::kept_data_dirs(dir.path()).size(), 1u);
  EXPECT_TRUE(std::filesystem::exists(want.finding.data_dir)) << want.finding.data_dir;
  // The found-by command names the case's shape with the schedule off.
  auto saved = load_scenario(want.file);
  ASSERT_TRUE(std::holds_alternative<Scenario>(saved));
  EXPECT_NE(std::get<Scenario>(saved).description.find(" --seed " + std::to_string(GetParam().seed) +
                                                       " --max-steps 40 --start-budget 100` (case " +
                                                       std::to_string(want.case_index) + ")"),
            std::string::npos)
      << std::get<Scenario>(saved).description;
  for (const Setting& s : {settings[1], settings[2]}) {
    std::string out;
    CampaignResult r = campaign(GetParam(), s, dir, out);
    std::string name = "--jobs " + std::to_string(s.jobs) + (s.reset ? "" : " --no-reset");
    ASSERT_EQ(r.findings.size(), 1u) << name << "\n" << out;
    EXPECT_EQ(r.findings[0].case_index, want.case_index) << name;
    EXPECT_EQ(r.findings[0].finding.invariant, want.finding.invariant) << name;
    EXPECT_EQ(r.findings[0].shrunk_steps, want.shrunk_steps) << name;
    EXPECT_EQ(r.findings[0].joined_cases, 0u) << name;
    if (!s.reset) {
      EXPECT_EQ(r.starts.resets, 0u);
    }
  }
  EXPECT_EQ(testing::kept_data_dirs(dir.path()).size(), 3u) << "one per campaign, whatever its workers found after the finding";
}

// One mutant the save path shows in a plain case, one that needs a crash (a new process).
INSTANTIATE_TEST_SUITE_P(Mutants, ProcessCampaign, ::testing::Values(Case{"lost-update", 5}, Case{"ack-before-commit", 4}),
                         [](const auto& param_info) {
                           std::string n = param_info.param.mutant;
                           std::replace(n.begin(), n.end(), '-', '_');
                           return n;
                         });

}  // namespace
}  // namespace savefuzz
