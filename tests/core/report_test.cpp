// Reports: a finding prints everything needed to replay it; JSON and JUnit are well formed.
#include <sstream>

#include <gtest/gtest.h>

#include "harness/core/duration.h"
#include "harness/core/report.h"
#include "harness/core/values.h"

namespace savefuzz {
namespace {

Report sample() {
  Report r;
  r.replay = {"build/dev/bin/savefuzz", "--target records --mutant lost-update"};
  r.target = "records (in-process) --mutant lost-update";
  Finding f{Invariant::no_lost_update, 9, "step 9", Json{{"op", "save_observation"}}, Json{{"ok", false}},
            Json{{"ok", true}}, "the answer differs", "line one\nline <two> & \"three\"\n", "/dev/shm/x"};
  r.outcomes.push_back({"corpus/a b.json", "stale", f, {}, 9, 0.5});
  r.outcomes.push_back({"corpus/ok.json", "fine", std::nullopt, {}, 12, 0.25});
  r.outcomes.push_back({"corpus/bad.json", "", std::nullopt, "corpus/bad.json: step 2: unknown control", 0, 0});
  return r;
}

TEST(Report, FindingPrintsInvariantClassStepAnswersAndTheReproduceLine) {
  Report r = sample();
  std::ostringstream out;
  print_outcome(out, r, r.outcomes[0]);
  std::string s = out.str();
  EXPECT_NE(s.find("invariant: no-lost-update (integrity breach)"), std::string::npos) << s;
  EXPECT_NE(s.find("at:        step 9"), std::string::npos);
  EXPECT_NE(s.find("expected:  {\"ok\":false}"), std::string::npos);
  EXPECT_NE(s.find("    | line <two>"), std::string::npos);
  EXPECT_NE(s.find("reproduce: build/dev/bin/savefuzz replay --target records --mutant lost-update 'corpus/a b.json'"),
            std::string::npos);
  EXPECT_NE(s.find("savefuzz: FINDING invariant=no-lost-update breach=integrity scenario=corpus/a b.json step=9 seed=0"),
            std::string::npos);
  std::ostringstream summary;
  print_summary(summary, r);
  EXPECT_NE(summary.str().find("SUMMARY: scenarios=3 passed=1 failed=1 errors=1 requests=21"), std::string::npos)
      << summary.str();
}

// A request with a 16 KiB text is shortened for the console at a character boundary: the
// report stays UTF-8 whichever character the cut falls in.
TEST(Report, ShortenedAnswersKeepWholeCharacters) {
  for (const std::string unit : {"\xC3\xA9", "\xF0\x9F\x98\xB7"}) {
    for (std::size_t lead = 0; lead < 4; ++lead) {
      Report r = sample();
      std::string text(lead, 'x');
      while (text.size() < 16384) text += unit;
      r.outcomes[0].finding->request = Json{{"op", "save_observation"}, {"motif", text}};
      std::ostringstream out;
      print_outcome(out, r, r.outcomes[0]);
      EXPECT_NE(out.str().find("bytes)"), std::string::npos) << "the request was not shortened";
      EXPECT_TRUE(valid_utf8(out.str())) << "lead " << lead;
    }
  }
}

// Where it first showed and how often it replayed: in the text, the JSON and the JUnit message.
TEST(Report, LocalizedAndReplayedFindingSaysWhereItFirstShowedAndWhetherItIsFlaky) {
  Report r = sample();
  Finding& f = *r.outcomes[0].finding;
  f.first_visible = 7;
  f.first_visible_step = Json{{"op", "update_appointment"}, {"as", "D1"}};
  f.reproduced = 1;
  f.replays = 3;
  std::ostringstream out;
  print_outcome(out, r, r.outcomes[0]);
  std::string s = out.str();
  EXPECT_NE(s.find("first:     first visible after step 7 (update_appointment): {\"op\":\"update_appointment\""),
            std::string::npos) << s;
  EXPECT_NE(s.find("replayed:  flaky 1/3 on new targets"), std::string::npos) << s;
  EXPECT_NE(s.find("step=9 first_visible=7 reproduced=1/3 seed=0"), std::string::npos) << s;
  Json j = report_json(r)["scenarios"][0]["finding"];
  EXPECT_EQ(j["first_visible"]["after_step"], 7);
  EXPECT_EQ(j["first_visible"]["step"]["op"], "update_appointment");
  EXPECT_EQ(j["reproduced"], (Json{{"failed", 1}, {"of", 3}, {"flaky", true}}));
  EXPECT_NE(junit_xml(r).find("at step 9, first visible after step 7 (update_appointment), flaky 1/3"), std::string::npos);
  f.reproduced = 3;
  EXPECT_EQ(reproduced_text(f), "reproduced 3/3");
  EXPECT_TRUE(report_json(r)["scenarios"][1]["finding"].is_null());
}

TEST(Report, JsonCarriesEveryOutcome) {
  Json j = report_json(sample());
  EXPECT_EQ(j["summary"], Json::parse(R"({"scenarios":3,"failed":1,"errors":1})"));
  EXPECT_EQ(j["scenarios"][0]["status"], "fail");
  EXPECT_EQ(j["scenarios"][0]["finding"]["invariant"], "no-lost-update");
  EXPECT_EQ(j["scenarios"][0]["finding"]["breach"], "integrity");
  EXPECT_EQ(j["scenarios"][1]["status"], "pass");
  EXPECT_EQ(j["scenarios"][2]["status"], "error");
}

TEST(Report, JunitEscapesTextAndCountsFailuresAndErrors) {
  std::string x = junit_xml(sample());
  EXPECT_NE(x.find("<testsuites name=\"savefuzz\" tests=\"3\" failures=\"1\" errors=\"1\""), std::string::npos) << x;
  EXPECT_NE(x.find("<failure type=\"no-lost-update\""), std::string::npos);
  EXPECT_NE(x.find("line &lt;two&gt; &amp; &quot;three&quot;"), std::string::npos);
  EXPECT_EQ(x.find("<two>"), std::string::npos);
  EXPECT_NE(x.find("<error message=\"corpus/bad.json: step 2: unknown control\"/>"), std::string::npos);
}

}  // namespace
}  // namespace savefuzz

namespace savefuzz {
namespace {

TEST(Durations, PrintInTheUnitPeopleWriteAndReadBack) {
  using std::chrono::milliseconds;
  for (auto [ms, text] : {std::pair{60'000, "60s"}, {600'000, "10m"}, {7'200'000, "2h"}, {1'500, "1500ms"},
                          {10'000, "10s"}, {5'400'000, "90m"}}) {
    EXPECT_EQ(format_duration(milliseconds(ms)), text);
    EXPECT_EQ(parse_duration(text), milliseconds(ms));
  }
  EXPECT_FALSE(parse_duration("10 minutes"));
  EXPECT_FALSE(parse_duration(""));
}

TEST(ReplayCommand, AddsSeedAndNoSweepOnlyWhenTheyDifferFromReplaysDefaults) {
  ReplayCommand c{"savefuzz", "--target records"};
  EXPECT_EQ(c.for_file("a.json"), "savefuzz replay --target records a.json");
  c.seed = 7;
  c.sweep = false;
  EXPECT_EQ(c.for_file("dir/it's.json"), "savefuzz replay --target records --seed 7 --no-sweep 'dir/it'\\''s.json'");
}

}  // namespace
}  // namespace savefuzz
