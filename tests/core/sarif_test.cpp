// SARIF and the baseline: a result points at the diverging step's line, fingerprints ignore ids
// and values but not the invariant or the steps, and a baseline knows what it was built from.
#include <fstream>

#include <gtest/gtest.h>

#include "harness/core/sarif.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

Scenario share_then_save(const std::string& appointment, const std::string& motif) {
  Scenario s;
  s.name = "share-then-save";
  s.steps.push_back(Step::request(Call::of(Json{{"op", "create_practice"}, {"practice", "P1"}})));
  s.steps.push_back(Step::request(Call::of(Json{{"op", "share_document"}, {"as", "D1"}, {"document", "X1"}, {"with", "U1"}})));
  s.steps.push_back(Step::crash_during(
      Call::of(Json{{"op", "save_observation"}, {"as", "D1"}, {"appointment", appointment}, {"fields", {{"motif", motif}}}})));
  s.steps.push_back(Step::restart());
  return s;
}

std::string write(const std::filesystem::path& file, const std::string& text) {
  std::ofstream(file) << text;
  return file.string();
}

TEST(StepLines, FindsEachStepOfAHandWrittenFileWhateverItsLayout) {
  std::string text =
      "{\"savefuzz_scenario\": 1, \"name\": \"steps [not] here\",\n"
      " \"description\": \"a \\\"steps\\\": [ inside a string\",\n"
      " \"steps\": [\n"
      "   {\"op\": \"create_practice\",\n"
      "    \"practice\": \"P1\"},\n"
      "\n"
      "   {\"control\": \"restart\"}, {\"control\": \"crash\"},\n"
      "   {\"op\": \"read_observation\", \"fields\": [\"a]\", \"b\"]}\n"
      " ]}\n";
  EXPECT_EQ(step_lines(text), (std::vector<std::size_t>{4, 7, 7, 8}));
  EXPECT_TRUE(step_lines("{\"steps\": []}").empty());
  EXPECT_TRUE(step_lines("not json [ at all").empty());
}

TEST(Fingerprint, IgnoresIdsAndValuesButNotTheStepsOrTheInvariant) {
  std::string a = scenario_shape(share_then_save("A1", "douleur"));
  EXPECT_EQ(a, "create_practice share_document crash_during(save_observation) restart");
  EXPECT_EQ(a, scenario_shape(share_then_save("A7", "")));
  Scenario longer = share_then_save("A1", "x");
  longer.steps.push_back(Step::crash());
  EXPECT_NE(finding_fingerprint(Invariant::ack_durable, a), finding_fingerprint(Invariant::ack_durable, scenario_shape(longer)));
  EXPECT_NE(finding_fingerprint(Invariant::ack_durable, a), finding_fingerprint(Invariant::all_or_nothing, a));
  EXPECT_EQ(finding_fingerprint(Invariant::ack_durable, a).size(), 16u);
}

TEST(Sarif, OneResultPerFindingWithItsRuleStepLineAndFingerprint) {
  testing::TempDir dir;
  Scenario s = share_then_save("A1", "m");
  std::string file = (dir.path() / "f.json").string();
  ASSERT_FALSE(save_scenario(file, s));
  Finding f{Invariant::share_preserves_observation, 3, "probe after step 3", Json{{"op", "read_observation"}},
            Json{{"ok", true}}, Json{{"ok", false}}, "the motif is gone", {}, {}};
  SarifFinding sf = sarif_finding(f, file, "savefuzz replay --target records " + file);
  Json log = sarif_log({sf}, nullptr, "savefuzz run --target records");
  ASSERT_EQ(log["version"], "2.1.0");
  const Json& run = log["runs"][0];
  const Json& result = run["results"][0];
  EXPECT_EQ(result["ruleId"], "share-preserves-observation");
  EXPECT_EQ(run["tool"]["driver"]["rules"][result["ruleIndex"].get<std::size_t>()]["id"], "share-preserves-observation");
  // save_scenario writes one step a line after five lines of header: step 3 is on line 8.
  EXPECT_EQ(result["locations"][0]["physicalLocation"]["region"]["startLine"], 8);
  EXPECT_EQ(result["partialFingerprints"]["savefuzzFinding/v1"],
            finding_fingerprint(Invariant::share_preserves_observation, scenario_shape(s)));
  EXPECT_NE(result["message"]["text"].get<std::string>().find("the motif is gone"), std::string::npos);
  EXPECT_EQ(result["properties"]["breach"], "availability");
  EXPECT_FALSE(result.contains("baselineState"));
  EXPECT_EQ(run["invocations"][0]["commandLine"], "savefuzz run --target records");
}

TEST(Sarif, PathsBecomeUriReferences) {
  SarifFinding f{std::nullopt, "findings/fuzz/crash 1#x", 0, "m", "r"};
  Json log = sarif_log({f}, nullptr, "c");
  EXPECT_EQ(log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "findings/fuzz/crash%201%23x");
  EXPECT_EQ(log["runs"][0]["results"][0]["ruleId"], "fuzzer-crash");
}

TEST(Baseline, FromASarifLogKnowsItsFindingsAndNoOther) {
  testing::TempDir dir;
  std::string known = (dir.path() / "known.json").string(), other = (dir.path() / "other.json").string();
  ASSERT_FALSE(save_scenario(known, share_then_save("A1", "m")));
  Scenario longer = share_then_save("A2", "z");
  longer.steps.push_back(Step::crash());
  ASSERT_FALSE(save_scenario(other, longer));
  SarifFinding k{Invariant::ack_durable, known, 3, "m", "r"};
  write(dir.path() / "base.sarif", sarif_log({k}, nullptr, "c").dump());
  Baseline b = Baseline::load(dir.path() / "base.sarif");
  EXPECT_TRUE(b.contains(k));
  // Same steps, other ids and texts: still known.
  std::string renamed = (dir.path() / "renamed.json").string();
  ASSERT_FALSE(save_scenario(renamed, share_then_save("A9", "other text")));
  EXPECT_TRUE(b.contains(SarifFinding{Invariant::ack_durable, renamed, 3, "m", "r"}));
  EXPECT_FALSE(b.contains(SarifFinding{Invariant::ack_durable, other, 3, "m", "r"}));
  EXPECT_FALSE(b.contains(SarifFinding{Invariant::all_or_nothing, known, 3, "m", "r"}));
  Json log = sarif_log({k, SarifFinding{Invariant::ack_durable, other, 3, "m", "r"}}, &b, "c");
  EXPECT_EQ(log["runs"][0]["results"][0]["baselineState"], "unchanged");
  EXPECT_EQ(log["runs"][0]["results"][1]["baselineState"], "new");
}

TEST(Baseline, FromAFindingsFolderReadsTheInvariantFromTheDescription) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "findings");
  Scenario s = share_then_save("A1", "m");
  s.description = "Found by savefuzz run, shrunk from 30 to 4 steps: all-or-nothing (integrity breach) at step 3.";
  ASSERT_FALSE(save_scenario(dir.path() / "findings" / "a.json", s));
  Scenario hand = share_then_save("A1", "m");
  hand.steps.pop_back();
  hand.description = "written by hand";
  ASSERT_FALSE(save_scenario(dir.path() / "findings" / "b.json", hand));
  Baseline b = Baseline::load(dir.path() / "findings");
  EXPECT_EQ(b.size(), 2u);
  std::string again = (dir.path() / "again.json").string();
  ASSERT_FALSE(save_scenario(again, share_then_save("A5", "n")));
  EXPECT_TRUE(b.contains(SarifFinding{Invariant::all_or_nothing, again, 3, "m", "r"}));
  EXPECT_FALSE(b.contains(SarifFinding{Invariant::ack_durable, again, 3, "m", "r"}));
  // A hand-written scenario names no invariant: its shape matches a finding of any.
  std::string short_one = (dir.path() / "short.json").string();
  ASSERT_FALSE(save_scenario(short_one, hand));
  EXPECT_TRUE(b.contains(SarifFinding{Invariant::tenant_isolation, short_one, 2, "m", "r"}));
}

TEST(Baseline, RefusesWhatIsNeitherSarifNorScenarios) {
  testing::TempDir dir;
  write(dir.path() / "x.json", "{\"hello\": 1}");
  write(dir.path() / "y.json", "not json");
  EXPECT_THROW(Baseline::load(dir.path() / "x.json"), SetupError);
  EXPECT_THROW(Baseline::load(dir.path() / "y.json"), SetupError);
  EXPECT_THROW(Baseline::load(dir.path() / "missing.sarif"), SetupError);
}

}  // namespace
}  // namespace savefuzz
