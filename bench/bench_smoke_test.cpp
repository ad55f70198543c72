// bench-smoke: savefuzz-bench on a tiny budget produces well-formed results. No figure is judged
// here (timings belong in notes, not tests); what is checked is that every section ran, that the
// table has a row per mutant and engine, and that an engine that always finds this mutant did.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "harness/core/op_table.h"
#include "harness/targets/subprocess.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

namespace fs = std::filesystem;

struct Ran {
  ExitStatus status;
  std::string output;
};

Ran run_bench(std::vector<std::string> args) {
  args.insert(args.begin(), std::string(SAVEFUZZ_BIN_DIR) + "/savefuzz-bench");
  Subprocess p(args, {});
  auto deadline = Clock::now() + std::chrono::minutes(8);
  Ran r;
  for (LineRead l; (l = p.read_line(deadline)).kind == LineRead::Kind::line;) r.output += l.text + "\n";
  auto status = p.wait_until(deadline);
  r.status = status ? *status : p.kill();
  r.output += p.stderr_tail();
  return r;
}

std::string read(const fs::path& file) {
  std::stringstream s;
  s << std::ifstream(file).rdbuf();
  return s.str();
}

TEST(BenchSmoke, EverySectionRunsAndWritesAWellFormedTable) {
  testing::TempDir out;
  // The fuzzer engines need the fuzz presets' builds; without them the table covers the others.
  auto built = [](const std::string& bin) {
    return ::access((bin + "/save_path_fuzzer").c_str(), X_OK) == 0 &&
           ::access((bin + "/plain_save_path_fuzzer").c_str(), X_OK) == 0;
  };
  bool fuzzers = built(SAVEFUZZ_FUZZ_BIN), cov = built(SAVEFUZZ_FUZZ_COV_BIN);
  std::vector<std::string> engines{"in-process", "subprocess", "savefuzz-run", "plain-rapidcheck"};
  if (fuzzers) engines.insert(engines.end(), {"save_path_fuzzer", "save_path_fuzzer-seeds", "plain_save_path_fuzzer"});
  if (cov) engines.insert(engines.end(), {"save_path_fuzzer-cov", "save_path_fuzzer-cov-seeds", "plain_save_path_fuzzer-cov"});
  std::vector<std::string> args{"--out", out.path().string(), "--fuzz-bin", SAVEFUZZ_FUZZ_BIN, "--fuzz-cov-bin", SAVEFUZZ_FUZZ_COV_BIN,
                                "--mutant", "patient-reads-unshared", "--seeds", "1", "--budget", "60s",
                                "--fuzz-budget", "90s", "--baseline-min", "1s", "--baseline-cap", "2s",
                                "--fuzz-baseline-cap", "3s", "--throughput-scenarios", "3", "--repeats", "1",
                                "--crash-cycles", "3", "--growth-lengths", "10", "40", "--growth-scopes", "2", "4",
                                "--scope-steps", "20", "--jobs", "2", "--campaign-time", "1s",
                                "--campaign-repeats", "1", "--shrink-cap", "10s"};
  for (const auto& e : engines) args.insert(args.end(), {"--engine", e});
  Ran r = run_bench(args);
  ASSERT_EQ(r.status.code, 0) << r.output;

  Json j = Json::parse(read(out.path() / "latest.json"));
  EXPECT_GE(j["machine"]["cores"].get<int>(), 1);
  EXPECT_FALSE(j["machine"]["cpu"].get<std::string>().empty());
  EXPECT_FALSE(j["machine"]["build_type"].get<std::string>().empty());

  const Json& rows = j["kill_table"]["rows"];
  ASSERT_EQ(rows.size(), engines.size());
  for (const auto& row : rows) {
    EXPECT_EQ(row["mutant"], "patient-reads-unshared");
    EXPECT_EQ(row["runs"], 1);
    EXPECT_EQ(row["errors"], 0) << row.dump();
    EXPECT_EQ(row["shortest"], 5);
    if (row["baseline"] == false) {
      // This mutant falls to every savefuzz engine within tens of steps or runs.
      EXPECT_EQ(row["found"], 1) << row.dump();
      EXPECT_TRUE(row.contains("speedup_time")) << row.dump();
      // savefuzz-run is timed to its exit, so it does not shrink (as the fuzzers' oracle).
      if (row["engine"] == "savefuzz-run") EXPECT_FALSE(row.contains("worst_shrunk")) << row.dump();
      else EXPECT_GE(row["worst_shrunk"].get<double>(), 5) << row.dump();
    }
  }
  EXPECT_EQ(j["kill_table"]["measurements"].size(), engines.size());
  auto work_of = [&](const std::string& engine) { return out.path() / "work" / (engine + "-patient-reads-unshared-seed1"); };
  for (const std::string build : {"", "-cov"}) {
    if (!(build.empty() ? fuzzers : cov)) continue;
    // save_path_fuzzer runs with the search flags `savefuzz fuzz` gives it, its baseline with
    // libFuzzer's defaults; libFuzzer names the entropic threshold it runs with.
    for (const std::string corpus : {"", "-seeds"})
      EXPECT_NE(read(work_of("save_path_fuzzer" + build + corpus) / "fuzzer.log").find("entropic power schedule (0x2,"),
                std::string::npos) << build << corpus;
    EXPECT_NE(read(work_of("plain_save_path_fuzzer" + build) / "fuzzer.log").find("entropic power schedule (0xFF,"),
              std::string::npos) << build;
    // From the seeds, less those that already show the mutant: its own regression is left out,
    // a seed that does not show it is kept, and libFuzzer read the folder.
    fs::path seeds = work_of("save_path_fuzzer" + build + "-seeds") / "seeds";
    EXPECT_FALSE(fs::exists(seeds / "patient-reads-only-shared-documents.bin")) << build;
    EXPECT_TRUE(fs::exists(seeds / "failed-sync-changes-nothing.bin")) << build;
    EXPECT_NE(read(work_of("save_path_fuzzer" + build + "-seeds") / "fuzzer.log").find(seeds.string()), std::string::npos)
        << build;
  }

  ASSERT_EQ(j["throughput"].size(), 2u);  // the default data root and one on disk
  for (const auto& root : j["throughput"]) {
    EXPECT_GT(root["in_process"]["harness"]["per_second"].get<double>(), 0);
    EXPECT_GT(root["in_process"]["bare_loop"]["per_second"].get<double>(), 0);
    EXPECT_GT(root["subprocess"]["raw_pipe"]["per_second"].get<double>(), 0);
    EXPECT_GT(root["crash_cycles"]["subprocess"]["per_second"].get<double>(), 0);
    // The bare loops replay exactly what the harness sent.
    EXPECT_EQ(root["in_process"]["harness"]["steps"], root["in_process"]["bare_loop"]["steps"]);
    EXPECT_EQ(root["subprocess"]["harness"]["steps"], root["subprocess"]["raw_pipe"]["steps"]);
  }
  // Campaign rows: in-process (default mix, no controls), records-server without controls, then
  // records-server and the Python example each with and without reset, one worker and two.
  const Json& c = j["campaigns"];
  ASSERT_EQ(c["rows"].size(), 11u) << c.dump();
  for (const auto& row : c["rows"]) {
    EXPECT_EQ(row["findings"], 0) << "a correct target: " << row.dump();
    if (row["target"] == "Python example") continue;  // a second under ASan may not see a case end
    EXPECT_GT(row["steps_per_second"].get<double>(), 0) << row.dump();
    bool process = row["target"] == "records-server";
    if (process && !row["reset"].get<bool>()) {
      EXPECT_EQ(row["resets_per_second"], 0) << row.dump();
    }
    if (process && row["reset"].get<bool>()) {
      EXPECT_GT(row["resets_per_second"].get<double>(), 0) << row.dump();
    }
  }
  ASSERT_EQ(c["crash_cycles"].size(), 3u);
  for (const auto& row : c["crash_cycles"]) EXPECT_GT(row["per_second"].get<double>(), 0) << row.dump();
  ASSERT_EQ(c["shrink"].size(), 5u);
  // The in-process row finds its planted bug within the cap; the others may be cut short.
  EXPECT_EQ(c["shrink"][0]["missed"], 0) << c["shrink"][0].dump();
  EXPECT_TRUE(c["shrink"][0].contains("seconds_to_shrink")) << c["shrink"][0].dump();

  ASSERT_EQ(j["growth"]["by_length"].size(), 2u);
  EXPECT_GE(j["growth"]["by_length"][1]["steps"].get<int>(), 40);
  EXPECT_GT(j["growth"]["by_length"][1]["model_bytes"].get<double>(), 0);
  ASSERT_EQ(j["growth"]["by_scope"].size(), 2u);

  std::string md = read(out.path() / "latest.md");
  EXPECT_NE(md.find("| mutant | engine | found |"), std::string::npos) << md;
  EXPECT_NE(md.find("| patient-reads-unshared | in-process | 1/1 |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Throughput"), std::string::npos);
  EXPECT_NE(md.find("## Campaigns"), std::string::npos);
  EXPECT_NE(md.find("| Python example | default | yes | 2 |"), std::string::npos) << md;
  EXPECT_NE(md.find("## Cost growth"), std::string::npos);
  EXPECT_NE(md.find("## Goals"), std::string::npos);
  // Each fuzzer's median set against the in-process engine's, as the benchmark runs it and as
  // `savefuzz run`, over the one mutant measured.
  for (const auto& e : engines) {
    if (e.rfind("save_path_fuzzer", 0) != 0) continue;
    for (const std::string reference : {"the in-process engine's", "savefuzz run's (both timed from their process's start)"}) {
      auto at = md.find("- " + e + " median within 3× of " + reference + ": ");
      ASSERT_NE(at, std::string::npos) << e << " against " << reference << "\n" << md;
      EXPECT_NE(md.substr(at, md.find('\n', at) - at).find(" of 1 mutants (ratios "), std::string::npos) << e;
    }
  }
}

TEST(BenchSmoke, KeepCarriesOverTheSectionsARunDoesNotMeasureAndSaysWhereTheyCameFrom) {
  testing::TempDir out;
  std::vector<std::string> tiny{"--out", out.path().string(), "--throughput-scenarios", "2", "--repeats", "1",
                                "--crash-cycles", "2", "--growth-lengths", "10", "--growth-scopes", "2",
                                "--scope-steps", "5", "--campaign-time", "1s", "--campaign-repeats", "1",
                                "--shrink-cap", "5s"};
  auto run = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), tiny.begin(), tiny.end());
    Ran r = run_bench(extra);
    EXPECT_EQ(r.status.code, 0) << r.output;
    return Json::parse(read(out.path() / "latest.json"));
  };
  Json first = run({"--section", "throughput"});
  ASSERT_TRUE(first.contains("throughput"));
  ASSERT_TRUE(first.contains("campaigns"));
  EXPECT_FALSE(first.contains("kept_from"));

  Json kept = run({"--section", "growth", "--keep"});
  EXPECT_EQ(kept["throughput"], first["throughput"]);
  EXPECT_EQ(kept["campaigns"], first["campaigns"]);
  EXPECT_TRUE(kept.contains("growth"));
  ASSERT_TRUE(kept["kept_from"].contains("throughput")) << kept.dump();
  EXPECT_EQ(kept["kept_from"]["throughput"]["date"], first["date"]);
  EXPECT_EQ(kept["kept_from"]["campaigns"]["command"], first["command"]);
  EXPECT_FALSE(kept["kept_from"].contains("growth"));
  EXPECT_NE(read(out.path() / "latest.md").find("the throughput is kept from an earlier run"), std::string::npos);

  // Kept twice, a section keeps the stamp of the run that measured it.
  Json again = run({"--section", "growth", "--keep"});
  EXPECT_EQ(again["kept_from"]["throughput"], kept["kept_from"]["throughput"]);

  Json replaced = run({"--section", "growth"});
  EXPECT_FALSE(replaced.contains("throughput"));
  EXPECT_FALSE(replaced.contains("kept_from"));
}

TEST(BenchSmoke, KeepMeasuresOneEngineAgainAndKeepsEveryOtherRowWithWhereItCameFrom) {
  testing::TempDir out;
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.end(), {"--out", out.path().string(), "--section", "kill", "--seeds", "1"});
    Ran r = run_bench(args);
    EXPECT_EQ(r.status.code, 0) << r.output;
    return Json::parse(read(out.path() / "latest.json"));
  };
  Json first = run({"--engine", "in-process", "--engine", "subprocess", "--mutant", "patient-reads-unshared",
                    "--mutant", "version-not-bumped"});
  ASSERT_EQ(first["kill_table"]["rows"].size(), 4u) << first.dump();
  // A kept row is shown as written, not judged again (by a manifest or classifier that may have
  // changed since): a mark put in one must come through.
  for (auto& row : first["kill_table"]["rows"])
    if (row["engine"] == "subprocess" && row["mutant"] == "version-not-bumped") row["as_written"] = true;
  std::ofstream(out.path() / "latest.json") << first.dump(2);

  Json again = run({"--keep", "--engine", "in-process", "--mutant", "patient-reads-unshared"});
  const Json& rows = again["kill_table"]["rows"];
  ASSERT_EQ(rows.size(), 4u) << again.dump();
  EXPECT_EQ(rows[0]["mutant"], "patient-reads-unshared");  // the mutants measured now come first
  EXPECT_EQ(rows[0]["engine"], "in-process");
  const Json& kept = again["kept_from"]["kill_table_rows"];
  EXPECT_EQ(kept.size(), 3u) << kept.dump();
  EXPECT_FALSE(kept.contains("in-process patient-reads-unshared"));
  for (const char* row : {"in-process version-not-bumped", "subprocess patient-reads-unshared", "subprocess version-not-bumped"}) {
    ASSERT_TRUE(kept.contains(row)) << row;
    EXPECT_EQ(kept[row]["command"], first["command"]);
  }
  // Rows not measured again are shown as the first run wrote them; their measurements are kept.
  EXPECT_NE(again.dump().find("\"as_written\":true"), std::string::npos);
  for (const auto& row : first["kill_table"]["rows"])
    if (row["engine"] != "in-process" || row["mutant"] != "patient-reads-unshared")
      EXPECT_EQ(std::count(rows.begin(), rows.end(), row), 1) << row.dump();
  for (const auto& m : first["kill_table"]["measurements"]) {
    bool remeasured = m["engine"] == "in-process" && m["mutant"] == "patient-reads-unshared";
    auto& now = again["kill_table"]["measurements"];
    EXPECT_EQ(std::count(now.begin(), now.end(), m), remeasured ? 0 : 1) << m.dump();
  }
  EXPECT_NE(read(out.path() / "latest.md").find("the kill table's rows of `in-process` (version-not-bumped), "
                                                "`subprocess` are kept from an earlier run: " + first["date"].get<std::string>()),
            std::string::npos) << read(out.path() / "latest.md");

  // Kept twice, a row keeps the stamp of the run that measured it.
  Json third = run({"--keep", "--engine", "subprocess", "--mutant", "version-not-bumped"});
  EXPECT_EQ(third["kept_from"]["kill_table_rows"]["in-process version-not-bumped"]["command"], first["command"]);
  EXPECT_EQ(third["kept_from"]["kill_table_rows"]["in-process patient-reads-unshared"]["command"], again["command"]);
  EXPECT_FALSE(third["kept_from"]["kill_table_rows"].contains("subprocess version-not-bumped"));
}

TEST(BenchSmoke, KeepRefusesALatestJsonThatIsNotJson) {
  testing::TempDir out;
  std::ofstream(out.path() / "latest.json") << "{\"kill_table\": [";
  Ran r = run_bench({"--out", out.path().string(), "--section", "growth", "--keep", "--growth-lengths", "10",
                     "--growth-scopes", "2", "--scope-steps", "5"});
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.output.find((out.path() / "latest.json").string() + ": not JSON"), std::string::npos) << r.output;
  EXPECT_EQ(read(out.path() / "latest.json"), "{\"kill_table\": [");
}

TEST(BenchSmoke, KeepRefusesAKillTableItCannotReadAndNamesTheFile) {
  testing::TempDir out;
  std::string bad = R"({"kill_table": {"rows": [], "measurements": [{"engine": "warp", "mutant": "x"}]}})";
  std::ofstream(out.path() / "latest.json") << bad;
  Ran r = run_bench({"--out", out.path().string(), "--section", "kill", "--keep", "--engine", "in-process",
                     "--mutant", "patient-reads-unshared", "--seeds", "1"});
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.output.find((out.path() / "latest.json").string() + ": a malformed kill table"), std::string::npos)
      << r.output;
  EXPECT_EQ(read(out.path() / "latest.json"), bad);  // nothing measured, nothing overwritten
}

TEST(BenchSmoke, RefusesAnUnknownMutantByName) {
  testing::TempDir out;
  Ran r = run_bench({"--out", out.path().string(), "--section", "kill", "--engine", "in-process", "--mutant", "no-such-bug"});
  EXPECT_EQ(r.status.code, 2);
  EXPECT_NE(r.output.find("unknown mutant 'no-such-bug'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out.path() / "latest.json"));
}

}  // namespace
}  // namespace savefuzz
