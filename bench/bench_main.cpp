// savefuzz-bench: the figures by which savefuzz is judged, in bench/results/latest.{md,json}.
//
//   savefuzz-bench [--section kill|throughput|growth]... [--mutant M]... [--engine E]... [--seeds 10] ...
//
// The kill table runs each measurement in its own process (`savefuzz-bench measure ...`, which
// prints one JSON line), --jobs at a time. Nothing here asserts a time: the figures are reported.
#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string_view>
#include <thread>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "bench/campaigns.h"
#include "bench/kill_table.h"
#include "bench/measure.h"
#include "bench/report.h"
#include "bench/throughput.h"
#include "harness/cli/target_flags.h"
#include "harness/core/atomic_file.h"
#include "harness/core/target.h"
#include "harness/targets/data_dir.h"
#include "harness/targets/subprocess.h"
#include "harness/targets/target_options.h"
#include "targets/records/mutants.h"

namespace {

namespace fs = std::filesystem;
using namespace savefuzz;
using namespace savefuzz::bench;

constexpr int kExitUsage = 2;

struct Options {
  std::vector<std::string> sections{"kill", "throughput", "growth"};
  std::vector<std::string> engines;  // default: all five
  KillTableOptions kill;
  ThroughputOptions throughput;
  CampaignBenchOptions campaigns;
  std::string python = "python3";  // runs the Python example of the campaign rows
  GrowthOptions growth;
  fs::path out_dir = fs::path(SAVEFUZZ_SOURCE_DIR) / "bench" / "results";
  fs::path corpus_root = fs::path(SAVEFUZZ_SOURCE_DIR) / "corpus";
  fs::path disk_root;  // a data root on disk, measured beside default_data_root() (default: <out>/work)
  std::optional<std::chrono::milliseconds> budget, fuzz_budget, baseline_min, baseline_cap, fuzz_baseline_cap;
  bool keep = false;  // carry over what this run does not measure (sections, kill-table rows) from <out>/latest.json
};

struct MeasureOptions {
  std::string engine, mutant;
  std::uint64_t seed = 1;
  long budget_ms = 60'000;
  fs::path work;
  Programs programs;
};

std::string now_utc() {
  std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&t));
  return buf;
}

std::string commit() {
  std::string cmd = "git -C '" + std::string(SAVEFUZZ_SOURCE_DIR) + "' rev-parse --short HEAD 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[64];
    while (std::fgets(buf, sizeof buf, p)) out += buf;
    ::pclose(p);
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out.empty() ? "unknown" : out;
}

void check_programs(const Options& o) {
  for (Engine e : o.kill.engines) {
    if (!is_fuzzer(e)) continue;
    fs::path program = fuzzer_program(e, o.kill.programs);
    if (::access(program.c_str(), X_OK) == 0) continue;
    bool cov = coverage_only(e);
    std::string preset = cov ? "fuzz-cov" : "fuzz";
    throw SetupError("no " + program.filename().string() + " in " + program.parent_path().string() + " for " +
                     std::string(engine_name(e)) + ": build the " + preset + " preset (cmake --preset " + preset +
                     " && cmake --build --preset " + preset + "), give " + (cov ? "--fuzz-cov-bin" : "--fuzz-bin") +
                     ", or leave " + std::string(engine_name(e)) + " out with --engine");
  }
  Subprocess::check_executable(o.kill.programs.server.string());
  if (std::find(o.kill.engines.begin(), o.kill.engines.end(), Engine::savefuzz_run) != o.kill.engines.end())
    Subprocess::check_executable(o.kill.programs.savefuzz.string());
}

// <out>/latest.json of an earlier run, or null when there is none.
Json read_latest(const fs::path& latest) {
  if (!fs::exists(latest)) return nullptr;
  std::ifstream in(latest);
  try {
    return Json::parse(in);
  } catch (const std::exception& e) {  // a parse error, or a read error (a directory, no permission)
    throw SetupError(latest.string() + ": not JSON, nothing to keep (" + e.what() + ")");
  }
}

// What `old` kept from an earlier run under kept_from[key], or null.
Json kept_by(const Json& old, const char* key) {
  return old.contains("kept_from") && old["kept_from"].contains(key) ? old["kept_from"][key] : Json();
}

// When, at which commit, by which command and on which machine `old` measured a part of its
// results: `earlier` when `old` had kept that part from an earlier run itself (a part kept twice
// keeps its first stamp).
Json stamp_of(const Json& old, const Json& earlier) {
  if (!earlier.is_null()) return earlier;
  return Json{{"date", old.value("date", "?")}, {"commit", old.value("commit", "?")},
              {"command", old.value("command", "?")}, {"machine", old.value("machine", Json::object())}};
}

// The sections of `old` that this run does not measure, with results["kept_from"][section].
void keep_other_sections(const Json& old, const std::vector<std::string>& measured, Json& results) {
  for (const char* name : {"kill_table", "throughput", "campaigns", "growth"}) {
    if (!old.contains(name) || std::find(measured.begin(), measured.end(), name) != measured.end()) continue;
    results[name] = old[name];
    results["kept_from"][name] = stamp_of(old, kept_by(old, name));
    if (std::string_view(name) == "kill_table" && !kept_by(old, "kill_table_rows").is_null())
      results["kept_from"]["kill_table_rows"] = kept_by(old, "kill_table_rows");
  }
}

// The measurements of `old`'s kill table that this run does not make again (KillTableOptions::kept),
// with where each row came from: results["kept_from"]["kill_table_rows"]["<engine> <mutant>"].
void keep_other_rows(const Json& old, const fs::path& latest, KillTableOptions& k, Json& results) {
  if (!old.contains("kill_table")) return;
  try {
    k.kept = kept_measurements(old["kill_table"], k.engines, k.mutants);
    k.kept_rows = old["kill_table"].at("rows");
  } catch (const std::exception& e) {
    throw SetupError(latest.string() + ": a malformed kill table, nothing to keep (" + std::string(e.what()) + ")");
  }
  Json earlier = kept_by(old, "kill_table_rows");
  for (const auto& m : k.kept) {
    std::string row = std::string(engine_name(m.task.engine)) + " " + m.task.mutant;
    results["kept_from"]["kill_table_rows"][row] =
        stamp_of(old, earlier.is_object() && earlier.contains(row) ? earlier[row] : kept_by(old, "kill_table"));
  }
}

int run_bench(Options& o, const std::string& command) {
  KillTableOptions& k = o.kill;
  if (k.mutants.empty())
    for (const auto& m : records::all_mutants()) k.mutants.emplace_back(m.name);
  for (const auto& m : k.mutants)
    if (!records::mutant_from_name(m) || m == "none") throw SetupError("unknown mutant '" + m + "'");
  // By default every engine but the coverage-only build's plain libFuzzer: its baseline runs
  // mostly miss, so each costs its whole budget (about two hours more at the README's budgets),
  // and the ASan build's plain libFuzzer already shows what plain libFuzzer finds. Nor
  // savefuzz-run, the in-process engine again with a process start, for the fuzzers' comparison.
  if (o.engines.empty())
    for (Engine e : kAllEngines)
      if (e != Engine::plain_save_path_fuzzer_cov && e != Engine::savefuzz_run) k.engines.push_back(e);
  for (const auto& e : o.engines) {
    auto engine = engine_from_name(e);
    if (!engine) throw SetupError("unknown engine '" + e + "' (" + engine_names() + ")");
    k.engines.push_back(*engine);
  }
  k.budget = o.budget.value_or(k.budget);
  k.fuzz_budget = o.fuzz_budget.value_or(k.fuzz_budget);
  k.baseline_min = o.baseline_min.value_or(k.baseline_min);
  k.baseline_cap = o.baseline_cap.value_or(k.baseline_cap);
  k.fuzz_baseline_cap = o.fuzz_baseline_cap.value_or(k.fuzz_baseline_cap);
  k.programs.dict_dir = o.corpus_root / "dict";
  k.programs.seeds_dir = o.corpus_root / "seeds";
  k.manifest = o.corpus_root / "mutants.json";
  k.work_dir = o.out_dir / "work";
  if (o.disk_root.empty()) o.disk_root = k.work_dir / "data";
  fs::create_directories(o.disk_root);
  bool kill = false, throughput = false, growth = false;
  for (const auto& s : o.sections) {
    if (s == "kill") kill = true;
    else if (s == "throughput") throughput = true;
    else if (s == "growth") growth = true;
    else throw SetupError("unknown section '" + s + "' (kill, throughput, growth)");
  }
  if (kill) check_programs(o);
  else Subprocess::check_executable(k.programs.server.string());

  Json results{{"date", now_utc()}, {"commit", commit()}, {"command", command}, {"machine", describe_machine()}};
  std::cerr << "savefuzz-bench: " << results["machine"].dump() << "\n";
  if (o.keep) {
    std::vector<std::string> measured;
    if (kill) measured.push_back("kill_table");
    if (throughput) measured.insert(measured.end(), {"throughput", "campaigns"});
    if (growth) measured.push_back("growth");
    fs::path latest = o.out_dir / "latest.json";
    Json old = read_latest(latest);
    if (!old.is_null()) {
      keep_other_sections(old, measured, results);
      if (kill) keep_other_rows(old, latest, k, results);
    }
  }
  auto save = [&] {  // after each section, so an interrupted run keeps what it measured
    fs::create_directories(o.out_dir);
    for (auto [name, text] : {std::pair{"latest.json", results.dump(2)}, std::pair{"latest.md", render_markdown(results)}})
      if (auto err = write_file_atomically(o.out_dir / name, text + "\n")) throw SetupError(err->message);
  };
  if (kill) {
    std::cerr << "savefuzz-bench: kill table, " << k.mutants.size() << " mutants × " << k.engines.size() << " engines × "
              << k.seeds << " seeds (fuzzers: " << k.fuzz_seeds << "), " << k.jobs << " at a time (log: " << (k.work_dir / "measurements.jsonl").string()
              << ")\n";
    results["kill_table"] = run_kill_table(k);
    save();
  }
  if (throughput) {
    std::cerr << "savefuzz-bench: throughput\n";
    o.throughput.server = k.programs.server;
    o.throughput.data_roots = {default_data_root(), o.disk_root};
    results["throughput"] = measure_throughput(o.throughput);
    save();
    std::cerr << "savefuzz-bench: campaigns (records in-process, records-server, the Python example)\n";
    CampaignBenchOptions& c = o.campaigns;
    c.server = k.programs.server;
    fs::path examples = fs::path(SAVEFUZZ_SOURCE_DIR);
    c.python_cmd = o.python + " " + (examples / "targets/examples/python/records_target.py").string();
    c.python_planted_cmd = o.python + " " + (examples / "tests/examples/reschedule_drops_conclusion_target.py").string();
    c.data_root = default_data_root();
    c.work_dir = k.work_dir;
    c.crash_cycles = o.throughput.crash_cycles;
    results["campaigns"] = measure_campaigns(c);
    save();
  }
  if (growth) {
    std::cerr << "savefuzz-bench: cost growth\n";
    o.growth.data_root = o.disk_root == default_data_root() ? o.disk_root : default_data_root();
    results["growth"] = measure_growth(o.growth);
  }
  save();
  std::cout << render_markdown(results) << "\nwritten: " << (o.out_dir / "latest.md").string() << " and "
            << (o.out_dir / "latest.json").string() << "\n";
  return 0;
}

int run_measure(const MeasureOptions& o) {
  auto engine = engine_from_name(o.engine);
  if (!engine) throw SetupError("unknown engine '" + o.engine + "'");
  Task t{*engine, o.mutant, o.seed, std::chrono::milliseconds(o.budget_ms)};
  Measurement m = measure(t, o.programs, o.work);
  std::cout << to_json(m).dump() << std::endl;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"savefuzz-bench: the kill table (every mutant × engine, with plain libFuzzer and plain RapidCheck "
               "baselines), throughput and harness overhead, and cost growth; writes latest.md and latest.json.",
               "savefuzz-bench"};
  Options o;
  fs::path bin_dir = fs::path(SAVEFUZZ_BIN_DIR);
  o.kill.programs.server = bin_dir / "records-server";
  o.kill.programs.savefuzz = bin_dir / "savefuzz";
  o.kill.programs.fuzz_bin = fs::path(SAVEFUZZ_SOURCE_DIR) / "build" / "fuzz" / "bin";
  o.kill.programs.fuzz_cov_bin = fs::path(SAVEFUZZ_SOURCE_DIR) / "build" / "fuzz-cov" / "bin";
  o.kill.shortest_dir = fs::path(SAVEFUZZ_SOURCE_DIR) / "bench" / "shortest";
  o.kill.program = fs::read_symlink("/proc/self/exe");
  o.kill.jobs = std::max(1u, std::thread::hardware_concurrency() / 2);
  app.add_option("--section", o.sections, "kill, throughput, growth; repeatable (default: all three)");
  app.add_option("--mutant", o.kill.mutants, "mutants of the kill table, repeatable (default: the whole catalogue)");
  app.add_option("--engine", o.engines,
                 "engines, repeatable (default: all but plain_save_path_fuzzer-cov): " + engine_names() +
                     ". save_path_fuzzer is the ASan + UBSan build from an empty corpus; -cov the coverage-only "
                     "build; -seeds starts from corpus/seeds/save_path_fuzzer less the seeds that already show the "
                     "mutant");
  app.add_option("--seeds", o.kill.seeds, "seeds per mutant and engine (default 10)")->check(CLI::Range(1u, 1000u));
  std::optional<unsigned> fuzz_seeds;
  app.add_option("--fuzz-seeds", fuzz_seeds, "seeds per mutant for the fuzzers (default: --seeds)")
      ->check(CLI::Range(1u, 1000u));
  add_duration_option(app, "--budget", o.budget, "per property-engine run (default 60s)");
  add_duration_option(app, "--fuzz-budget", o.fuzz_budget, "per save_path_fuzzer run, either build (default 10m)");
  app.add_option("--baseline-factor", o.kill.baseline_factor,
                 "a baseline run gets this many times the slowest savefuzz run it is compared with (default 10)")
      ->check(CLI::PositiveNumber);
  add_duration_option(app, "--baseline-min", o.baseline_min, "least budget of a baseline run (default 5s)");
  add_duration_option(app, "--baseline-cap", o.baseline_cap, "most budget of a plain RapidCheck run (default 60s)");
  add_duration_option(app, "--fuzz-baseline-cap", o.fuzz_baseline_cap, "most budget of a plain libFuzzer run (default 10m)");
  app.add_option("--jobs", o.kill.jobs, "kill-table measurements at once (default: half the cores)")
      ->check(CLI::Range(1u, 1024u));
  app.add_option("--server", o.kill.programs.server, "records-server (default: beside this program)");
  app.add_option("--fuzz-bin", o.kill.programs.fuzz_bin,
                 "the fuzz preset's bin folder, ASan + UBSan (default build/fuzz/bin)");
  app.add_option("--fuzz-cov-bin", o.kill.programs.fuzz_cov_bin,
                 "the fuzz-cov preset's bin folder, coverage only (default build/fuzz-cov/bin)");
  app.add_option("--corpus-root", o.corpus_root, "holds dict/, seeds/ and mutants.json (default corpus)");
  app.add_option("--shortest", o.kill.shortest_dir, "the shortest scenario per mutant (default bench/shortest)");
  app.add_flag("--keep", o.keep,
               "keep the sections of <out>/latest.json that this run does not measure, and the kill table's rows of "
               "the engines and mutants it does not measure, marked with where they came from");
  app.add_option("--out", o.out_dir, "where latest.md, latest.json and work/ go (default bench/results)");
  app.add_option("--disk-root", o.disk_root,
                 "a data root on disk for the throughput section, measured beside the default one (default <out>/work/data)");
  app.add_option("--throughput-scenarios", o.throughput.scenarios, "scenarios per throughput round (default 200)")
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("--repeats", o.throughput.repeats, "throughput rounds; medians are reported (default 5)")
      ->check(CLI::Range(1u, 1000u));
  std::optional<std::chrono::milliseconds> campaign_time;
  add_duration_option(app, "--campaign-time", campaign_time, "per campaign of the campaign rows (default 5s)");
  app.add_option("--campaign-repeats", o.campaigns.repeats, "campaigns per campaign row; medians are reported (default 3)")
      ->check(CLI::Range(1u, 1000u));
  std::optional<std::chrono::milliseconds> shrink_cap;
  add_duration_option(app, "--shrink-cap", shrink_cap,
                      "most time to find and shrink a planted bug, per campaign of the shrink rows (default 60s)");
  app.add_option("--python", o.python, "the interpreter that runs the Python example (default python3)");
  app.add_option("--crash-cycles", o.throughput.crash_cycles, "crash-and-restart cycles per round (default 200)")
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("--growth-lengths", o.growth.lengths, "scenario lengths of the growth section (default 10 100 1000 10000)")
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("--growth-scopes", o.growth.scopes, "appointments in the world (default 2 20 200)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--scope-steps", o.growth.scope_steps, "steps of each scope scenario (default 1000)")
      ->check(CLI::Range(1u, 1000000u));

  MeasureOptions m;
  CLI::App* measure_cmd = app.add_subcommand("measure", "one kill-table measurement, as one JSON line (used by the table)");
  measure_cmd->add_option("--engine", m.engine)->required();
  measure_cmd->add_option("--mutant", m.mutant)->required();
  measure_cmd->add_option("--seed", m.seed)->required();
  measure_cmd->add_option("--budget-ms", m.budget_ms)->required()->check(CLI::PositiveNumber);
  measure_cmd->add_option("--work", m.work)->required();
  measure_cmd->add_option("--server", m.programs.server)->required();
  measure_cmd->add_option("--savefuzz", m.programs.savefuzz)->required();
  measure_cmd->add_option("--fuzz-bin", m.programs.fuzz_bin)->required();
  measure_cmd->add_option("--fuzz-cov-bin", m.programs.fuzz_cov_bin)->required();
  measure_cmd->add_option("--dict-dir", m.programs.dict_dir)->required();
  measure_cmd->add_option("--seeds-dir", m.programs.seeds_dir)->required();
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "savefuzz-bench: " << e.what() << "\nrun 'savefuzz-bench --help' for usage\n";
    return kExitUsage;
  }
  try {
    if (measure_cmd->parsed()) return run_measure(m);
    o.kill.fuzz_seeds = fuzz_seeds.value_or(o.kill.seeds);
    if (campaign_time) o.campaigns.seconds = *campaign_time;
    if (shrink_cap) o.campaigns.shrink_cap = *shrink_cap;
    std::string command;
    for (int i = 0; i < argc; ++i) command += (i ? " " : "") + std::string(i ? argv[i] : "savefuzz-bench");
    return run_bench(o, command);
  } catch (const SetupError& e) {
    std::cerr << "savefuzz-bench: set-up error: " << e.what() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "savefuzz-bench: error: " << e.what() << "\n";
  }
  return kExitUsage;
}
