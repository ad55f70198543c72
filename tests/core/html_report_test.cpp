// The HTML report is built from event lines: a finding's transcript becomes its timeline, its
// expected and actual answers a diff, and whatever the target answered is text, never markup.
#include <gtest/gtest.h>

#include "harness/core/html_report.h"
#include "harness/core/model_target.h"
#include "harness/core/runner.h"
#include "harness/core/scenario.h"

namespace savefuzz {
namespace {

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

TEST(JsonDiff, OneRowPerLeafOfEitherSideMarkingWhatDiffers) {
  Json expected{{"ok", true}, {"fields", {{"motif", "douleur"}, {"examen", ""}}}, {"version", 2}};
  Json actual{{"ok", true}, {"fields", {{"motif", ""}, {"examen", ""}}}, {"extra", 1}};
  auto rows = json_diff(expected, actual);
  ASSERT_EQ(rows.size(), 5u);
  std::map<std::string, DiffRow> by_path;
  for (auto& r : rows) by_path[r.path] = r;
  EXPECT_FALSE(by_path["ok"].differs());
  EXPECT_FALSE(by_path["fields.examen"].differs());
  EXPECT_TRUE(by_path["fields.motif"].differs());
  EXPECT_TRUE(by_path["version"].differs());
  EXPECT_FALSE(by_path["version"].present_actual);
  EXPECT_TRUE(by_path["extra"].differs());
  EXPECT_FALSE(by_path["extra"].present_expected);
  // No answer at all: every expected key is absent on the actual side.
  auto none = json_diff(expected, Json());
  EXPECT_EQ(none.size(), 4u);
  for (auto& r : none) EXPECT_TRUE(r.differs()) << r.path;
}

TEST(HtmlEscape, EscapesMarkupAndQuotes) {
  EXPECT_EQ(html_escape("<b a=\"1\" c='2'>&</b>"), "&lt;b a=&quot;1&quot; c=&#39;2&#39;&gt;&amp;&lt;/b&gt;");
}

Scenario parse(const std::string& text) {
  auto loaded = parse_scenario_text(text, "t.json");
  return std::get<Scenario>(loaded);
}

const char* const kScenario = R"({"savefuzz_scenario": 1, "name": "t", "steps": [
  {"op": "create_practice", "practice": "P1"},
  {"op": "create_practitioner", "practitioner": "D1", "practice": "P1", "name": "n", "specialty": "s"},
  {"control": "restart"},
  {"op": "create_practice", "practice": "P1", "expect": {"ok": true}},
  {"op": "create_practice", "practice": "P2"}
]})";

TEST(Transcript, RecordsEveryExchangeAndControlStepUpToTheDivergence) {
  Scenario s = parse(kScenario);
  ModelTarget target(true);
  RunnerOptions options{true, 1};
  options.record = true;
  RunResult r = run_scenario(s, target, options);
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::scenario_expect);
  const Json& t = r.finding->transcript;
  ASSERT_TRUE(t.is_array());
  ASSERT_EQ(t.size(), 4u);  // steps 1 to 4: the run stops at the expect that fails
  EXPECT_EQ(t[2]["control"], Json({{"control", "restart"}}));
  EXPECT_EQ(t[2]["outcome"], "done");
  EXPECT_EQ(t[3]["where"], "step 4");
  EXPECT_EQ(t[3]["answer"]["error"]["code"], "exists");
  EXPECT_EQ(t[0]["request"]["op"], "create_practice");

  options.record = false;
  ModelTarget again(true);
  RunResult quiet = run_scenario(s, again, options);
  ASSERT_TRUE(quiet.finding);
  EXPECT_TRUE(quiet.finding->transcript.is_null());
}

Json event(const std::string& kind, Json content, double at) {
  return {{"type", kind == "case" ? "test_case" : "info"}, {"event", kind}, {"content", std::move(content)},
          {"property", "savefuzz run --target x"}, {"run_start", 1000.0}, {"timestamp", 1000.0 + at}};
}

Json a_case(double at, std::uint64_t requests, Json features) {
  Json e = event("case", nullptr, at);
  e.erase("content");
  e["status"] = "passed";
  e["metadata"] = {{"requests", requests}};
  e["features"] = std::move(features);
  return e;
}

// A finding whose target answered with markup and a 20 KB text: a page must show both as text.
Json a_finding() {
  std::string hostile = "<script>alert(1)</script>";
  Json read{{"op", "read_observation"}, {"as", "D1"}, {"appointment", "A1"}};
  Json expected{{"ok", true}, {"fields", {{"motif", std::string(20000, 'a')}, {"conclusion", hostile}}}, {"version", 1}};
  Json actual{{"ok", true}, {"fields", {{"motif", std::string(19999, 'a') + "b"}, {"conclusion", ""}}}, {"version", 0}};
  Json transcript = Json::array();
  transcript.push_back({{"step", 1}, {"where", "step 1"}, {"request", {{"op", "create_practice"}, {"practice", hostile}}},
                        {"answer", {{"id", 1}, {"ok", true}}}});
  transcript.push_back({{"step", 1}, {"where", "step 1"}, {"request", {{"op", "create_practice"}, {"practice", "P2"}}},
                        {"answer", {{"id", 2}, {"ok", false}, {"error", {{"code", "unavailable"}, {"message", "m"}}}}},
                        {"storage_fault", {{"on", "sync"}, {"n", 1}, {"error", "EIO"}, {"fired", true}}}});
  transcript.push_back({{"step", 2}, {"where", "step 2"}, {"control", {{"control", "crash"}}}, {"outcome", "done"}});
  transcript.push_back({{"step", 2}, {"where", "final sweep after step 2"}, {"request", {{"op", "list_appointments"}, {"as", "D1"}}},
                        {"answer", {{"id", 2}, {"ok", true}, {"appointments", Json::array()}}}, {"harness_read", true}});
  transcript.push_back({{"step", 2}, {"where", "final sweep after step 2"}, {"request", read},
                        {"answer", actual}, {"harness_read", true}});
  return {{"invariant", "ack-durable"},
          {"breach", "availability"},
          {"where", "final sweep after step 2"},
          {"request", read},
          {"expected", expected},
          {"actual", actual},
          {"detail", "the answer differs from the model's prediction"},
          {"first_visible", {{"after_step", 2}, {"step", {{"control", "crash"}}}}},
          {"reproduced", {{"failed", 3}, {"of", 3}}},
          {"file", "findings/ack-durable-x.json"},
          {"reproduce", "savefuzz replay findings/ack-durable-x.json"},
          {"transcript", transcript}};
}

TEST(HtmlReport, AFindingShowsItsTimelineAndDiffAsTextOnly) {
  HtmlReport report;
  report.add(event("run_start", {{"command", "savefuzz run --target x"}}, 0));
  report.add(a_case(0.5, 10, {{"op:save_observation", 2}, {"situation:save-with-shared-document", 1}}));
  report.add(a_case(1.0, 12, {{"op:read_observation", 3}}));
  report.add(event("finding", a_finding(), 1.5));
  report.add(event("run_end", {{"cases", 2}, {"seconds", 2.0}}, 2));
  std::string page = report.html();

  EXPECT_EQ(report.findings(), 1u);
  EXPECT_EQ(report.cases(), 2u);
  EXPECT_EQ(count(page, "<script"), 0u) << "the target's text became markup";
  EXPECT_GE(count(page, "&lt;script&gt;alert(1)&lt;/script&gt;"), 2u);  // in the timeline and in the diff
  EXPECT_NE(page.find("id=\"finding-1\""), std::string::npos);
  EXPECT_EQ(count(page, "class=\"timeline\""), 1u);
  EXPECT_EQ(count(page, " diverging\""), 1u);
  EXPECT_EQ(count(page, " first-visible\""), 1u);  // the crash, step 2
  EXPECT_NE(page.find("1 read by savefuzz (final sweep after step 2) agreed with the model"), std::string::npos);
  EXPECT_NE(page.find("storage fault {&quot;on&quot;:&quot;sync&quot;,&quot;n&quot;:1,&quot;error&quot;:&quot;EIO&quot;} fired"),
            std::string::npos);
  // The diff: motif, conclusion and version differ; ok does not. The 20 KB texts are cut, and
  // where they differ is said.
  EXPECT_EQ(count(page, "<tr class=\"differs\">"), 3u);
  EXPECT_NE(page.find("(20000 bytes)"), std::string::npos);
  EXPECT_NE(page.find("first differs at byte 19999"), std::string::npos);
  EXPECT_LT(page.size(), 60000u);
  EXPECT_NE(page.find("reproduced"), std::string::npos);
  EXPECT_NE(page.find("savefuzz replay findings/ack-durable-x.json"), std::string::npos);
  // The charts: what was reached, and what never was, by name.
  EXPECT_NE(page.find("id=\"progress\""), std::string::npos);
  EXPECT_NE(page.find("id=\"never-reached\""), std::string::npos);
  EXPECT_NE(page.find("<code>situation:save-to-version-5</code>"), std::string::npos);
  EXPECT_EQ(page.find("<code>situation:save-with-shared-document</code>"), std::string::npos);
  // Nothing to load, nothing to run.
  EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
}

TEST(HtmlReport, TheRunsPageAndTheOneFromItsEventsFileAreTheSame) {
  // What the target wrote need not be UTF-8; the events file holds U+FFFD in its place.
  Json finding = a_finding();
  finding["stderr_tail"] = std::string("broken \xff\xfe tail");
  finding["actual"]["fields"]["conclusion"] = std::string("\xc3");
  std::vector<Json> lines{event("run_start", {{"command", "c"}}, 0), a_case(0.5, 3, {{"op:save_observation", 1}}),
                          event("finding", finding, 1), event("run_end", {{"cases", 1}}, 2)};
  HtmlReport live, from_file;
  for (const Json& line : lines) {
    live.add(line);
    from_file.add(Json::parse(line.dump(-1, ' ', false, Json::error_handler_t::replace)));
  }
  EXPECT_EQ(live.html(), from_file.html());
  EXPECT_NE(live.html().find("broken \xef\xbf\xbd\xef\xbf\xbd tail"), std::string::npos);
}

TEST(HtmlReport, SaysSoWhenNothingWasFoundAndWhenTheRunDidNotEnd) {
  HtmlReport clean;
  clean.add(event("run_start", {{"command", "c"}}, 0));
  clean.add(a_case(0.1, 5, {{"op:save_observation", 1}}));
  clean.add(event("run_end", {{"cases", 1}}, 1));
  std::string page = clean.html();
  EXPECT_NE(page.find("No finding"), std::string::npos);
  EXPECT_EQ(page.find("no end line"), std::string::npos);

  HtmlReport killed;
  killed.add(event("run_start", {{"command", "c"}}, 0));
  killed.add(event("finding", a_finding(), 1));
  killed.add(Json("not an event"));
  page = killed.html();
  EXPECT_NE(page.find("no end line"), std::string::npos);
  EXPECT_NE(page.find("id=\"finding-1\""), std::string::npos);
  EXPECT_NE(page.find("1 line of another kind left out"), std::string::npos);
}

TEST(HtmlReport, ALongRunKeepsFewPointsAndEndsAtItsTotal) {
  HtmlReport report;
  report.add(event("run_start", {{"command", "c"}}, 0));
  for (int i = 1; i <= 20000; ++i) report.add(a_case(i * 0.005, 1, Json::object()));
  EXPECT_LE(report.points_kept(), 4096u);
  EXPECT_GE(report.points_kept(), 2048u);
  std::string page = report.html();
  auto from = page.find("points=\"");
  ASSERT_NE(from, std::string::npos);
  std::string polyline = page.substr(from, page.find('"', from + 8) - from);
  EXPECT_LE(count(polyline, ","), 302u);
  EXPECT_GE(count(polyline, ","), 150u);
  EXPECT_NE(page.find(">20000</text>"), std::string::npos);  // the axis ends at every request
  EXPECT_NE(page.find(">100.0 s</text>"), std::string::npos);
}

}  // namespace
}  // namespace savefuzz
