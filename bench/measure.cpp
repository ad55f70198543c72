#include "bench/measure.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "bench/plain_rapidcheck.h"
#include "harness/cli/fuzz_command.h"
#include "harness/core/campaign.h"
#include "harness/core/fuzz_input.h"
#include "harness/core/invariants.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/target_options.h"

namespace savefuzz::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kEngineNames[] = {"in-process",
                                             "subprocess",
                                             "savefuzz-run",
                                             "save_path_fuzzer",
                                             "save_path_fuzzer-seeds",
                                             "save_path_fuzzer-cov",
                                             "save_path_fuzzer-cov-seeds",
                                             "plain-rapidcheck",
                                             "plain_save_path_fuzzer",
                                             "plain_save_path_fuzzer-cov"};

bool from_seeds(Engine e) { return e == Engine::save_path_fuzzer_seeds || e == Engine::save_path_fuzzer_cov_seeds; }

double seconds_of(std::chrono::milliseconds d) { return static_cast<double>(d.count()) / 1000.0; }

Measurement campaign(const Task& t, const Programs& p, const fs::path& work) {
  CampaignOptions o;
  TargetOptions target;
  if (t.engine == Engine::in_process) target.builtin = "records";
  else target.command = p.server.string();
  target.mutant = t.mutant;
  validate(target);
  o.target = target_source(target);
  o.time = t.budget;
  o.seed = t.seed;
  o.findings_dir = work / "findings";
  o.progress = false;
  std::ostringstream log;
  std::atomic<bool> stop{false};
  CampaignResult r = run_campaign(o, "savefuzz", log, stop);
  for (const SavedFinding& f : r.findings) discard_data(f.finding.data_dir);  // a measurement reports none
  Measurement m{t};
  if (r.findings.empty()) {
    m.seconds = r.seconds;
    m.steps = r.requests;
    return m;
  }
  const SavedFinding& f = r.findings.front();
  m.found = true;
  m.seconds = f.seconds_to_find;
  m.steps = f.requests_to_find;
  m.original_steps = f.original_steps;
  m.shrunk_steps = f.shrunk_steps;
  m.invariant = invariant_name(f.finding.invariant);
  m.localize_runs = f.localize_runs;
  m.reproduced = f.finding.reproduced;
  return m;
}

// A program a measurement starts: its exit code, the seconds from its start to its exit, and what
// it printed (kept in `log`).
struct Ran {
  int code;
  double seconds;
  std::string out;
};
Ran run_timed(const std::vector<std::string>& argv, const std::string& mutant, const fs::path& log,
              std::chrono::milliseconds budget) {
  auto t0 = Clock::now();
  TargetOptions target;
  target.mutant = mutant;
  int code = run_logged(argv, target_environment(target), log, t0 + budget + std::chrono::seconds(30));
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::stringstream text;
  text << std::ifstream(log).rdbuf();
  return {code, seconds, text.str()};
}

// `savefuzz run` against the in-process reference target, from its process's start to its exit.
Measurement savefuzz_run(const Task& t, const Programs& p, const fs::path& work) {
  fs::path log = work / "run.log";
  std::vector<std::string> argv{p.savefuzz.string(), "run", "--target", "records", "--mutant", t.mutant,
                                "--seed", std::to_string(t.seed), "--jobs", "1",
                                "--time", std::to_string(t.budget.count()) + "ms", "--no-shrink", "--reproduce", "0",
                                "--no-progress", "--findings", (work / "findings").string(),
                                "--data-root", (work / "data").string()};
  fs::create_directories(work / "data");
  auto [code, seconds, out] = run_timed(argv, "", log, t.budget);
  Measurement m{t};
  m.seconds = seconds;
  fs::remove_all(work / "data");  // the finding's kept data directory: a measurement reports none
  if (auto at = out.rfind("steps="); at != std::string::npos) m.steps = std::stoull(out.substr(at + 6));
  auto named = out.find("\nfinding: ");
  if (code == 0 || named == std::string::npos) {
    if (code != 0)
      m.error = "savefuzz run exited with status " + std::to_string(code) + " and no finding; see " + log.string();
    m.seconds = std::min(m.seconds, seconds_of(t.budget));
    return m;
  }
  m.found = true;
  named += 10;
  m.invariant = out.substr(named, out.find(' ', named) - named);
  return m;
}

// A number libFuzzer printed after `key` (its final stats), or nullopt.
std::optional<std::uint64_t> stat(const std::string& log, const std::string& key) {
  auto at = log.rfind(key);
  if (at == std::string::npos) return std::nullopt;
  return std::stoull(log.substr(at + key.size()));
}

// The in-process reference target with `mutant` planted, and how save_path_fuzzer's oracle
// (fuzz_oracle.cpp) runs a scenario on it: no data directory kept, as nothing here reports one.
TargetSource records_with(const std::string& mutant) {
  TargetOptions options;
  options.builtin = "records";
  options.mutant = mutant;
  validate(options);
  return target_source(options);
}
constexpr RunnerOptions kFuzzRunner{true, 0, false, false};

bool shows_mutant(const Scenario& s, const std::string& mutant) {
  return run_scenario(s, *records_with(mutant).make(0), kFuzzRunner).finding.has_value();
}

// The seeds that do not already show the mutant, copied into `dir`: a regression scenario among
// them is the mutant's answer, and would make the fuzzer find it by loading it, not by searching.
void copy_seeds_without_answer(const fs::path& from, const std::string& mutant, const fs::path& dir) {
  fs::create_directories(dir);
  if (!fs::is_directory(from)) throw SetupError("no seeds folder " + from.string());
  for (const auto& e : fs::directory_iterator(from))
    if (e.is_regular_file() && !shows_mutant(decode_fuzz_file(e.path(), reference_limits()), mutant))
      fs::copy_file(e.path(), dir / e.path().filename());
}

Measurement fuzzer(const Task& t, const Programs& p, const fs::path& work) {
  std::string name(engine_name(t.engine));
  fs::path program = fuzzer_program(t.engine, p);
  fs::path corpus = work / "corpus", seeds = work / "seeds", artifacts = work / "artifacts", log = work / "fuzzer.log";
  fs::create_directories(corpus);
  fs::create_directories(artifacts);
  if (from_seeds(t.engine)) copy_seeds_without_answer(p.seeds_dir / "save_path_fuzzer", t.mutant, seeds);
  long secs = std::max<long>(1, static_cast<long>(t.budget.count() / 1000));
  std::vector<std::string> argv{program.string(), "-seed=" + std::to_string(t.seed + 1),
                                "-max_total_time=" + std::to_string(secs), "-timeout=30", "-rss_limit_mb=2560",
                                "-print_final_stats=1", "-artifact_prefix=" + artifacts.string() + "/"};
  // save_path_fuzzer as `savefuzz fuzz` runs it; its baseline, plain_save_path_fuzzer, with
  // libFuzzer's defaults.
  if (!is_baseline(t.engine))
    for (auto& flag : search_flags(program.filename().string(), p.dict_dir, /*value_profile=*/true))
      argv.push_back(std::move(flag));
  argv.push_back(corpus.string());  // new inputs go to the first folder, so the seeds' copy stays as it was
  if (from_seeds(t.engine)) argv.push_back(seeds.string());
  auto [code, seconds, out] = run_timed(argv, t.mutant, log, t.budget);
  Measurement m{t};
  m.seconds = seconds;
  m.steps = stat(out, "stat::number_of_executed_units:").value_or(0);
  fs::path crash;
  for (const auto& e : fs::directory_iterator(artifacts))
    if (e.path().filename().string().rfind("crash-", 0) == 0) crash = e.path();
  if (crash.empty()) {
    if (code != 0) m.error = name + " exited with status " + std::to_string(code) + " and no crash input; see " + log.string();
    m.seconds = std::min(m.seconds, seconds_of(t.budget));
    return m;
  }
  if (out.find("savefuzz: the scenario is the input libFuzzer saves") == std::string::npos) {
    m.error = name + " crashed outside the oracle (a sanitizer report?); see " + log.string();
    return m;
  }
  m.found = true;
  if (is_baseline(t.engine)) return m;  // plain inputs do not decode to scenarios
  // Decode, replay and shrink like `savefuzz fuzz` does, for the shrunk length.
  Scenario s = decode_fuzz_file(crash, reference_limits());
  TargetSource target = records_with(t.mutant);
  RunnerOptions runner = kFuzzRunner;
  RunResult r = run_scenario(s, *target.make(0), runner);
  if (!r.finding) {
    m.error = "the crash input " + crash.string() + " decodes to a scenario that passes";
    return m;
  }
  Diagnosis d = diagnose(s, *r.finding, target, runner, {});
  m.original_steps = s.steps.size();
  m.shrunk_steps = d.scenario.steps.size();
  m.invariant = invariant_name(d.finding.invariant);
  m.localize_runs = d.localize_runs;
  m.reproduced = d.finding.reproduced;
  return m;
}

}  // namespace

std::string_view engine_name(Engine e) { return kEngineNames[static_cast<std::size_t>(e)]; }

std::optional<Engine> engine_from_name(std::string_view name) {
  for (Engine e : kAllEngines)
    if (engine_name(e) == name) return e;
  return std::nullopt;
}

std::string engine_names() {
  std::string out;
  for (Engine e : kAllEngines) out += (out.empty() ? "" : ", ") + std::string(engine_name(e));
  return out;
}

bool is_baseline(Engine e) {
  return e == Engine::plain_rapidcheck || e == Engine::plain_save_path_fuzzer || e == Engine::plain_save_path_fuzzer_cov;
}
bool is_fuzzer(Engine e) {
  return e != Engine::in_process && e != Engine::subprocess && e != Engine::savefuzz_run && e != Engine::plain_rapidcheck;
}
bool coverage_only(Engine e) {
  return e == Engine::save_path_fuzzer_cov || e == Engine::save_path_fuzzer_cov_seeds ||
         e == Engine::plain_save_path_fuzzer_cov;
}
Engine baseline_of(Engine e) {
  if (!is_fuzzer(e)) return Engine::plain_rapidcheck;
  return coverage_only(e) ? Engine::plain_save_path_fuzzer_cov : Engine::plain_save_path_fuzzer;
}

fs::path fuzzer_program(Engine e, const Programs& p) {
  return (coverage_only(e) ? p.fuzz_cov_bin : p.fuzz_bin) /
         (is_baseline(e) ? "plain_save_path_fuzzer" : "save_path_fuzzer");
}

Measurement measure(const Task& t, const Programs& p, const fs::path& work) {
  fs::create_directories(work);
  switch (t.engine) {
    case Engine::in_process:
    case Engine::subprocess: return campaign(t, p, work);
    case Engine::savefuzz_run: return savefuzz_run(t, p, work);
    case Engine::save_path_fuzzer:
    case Engine::save_path_fuzzer_seeds:
    case Engine::save_path_fuzzer_cov:
    case Engine::save_path_fuzzer_cov_seeds:
    case Engine::plain_save_path_fuzzer:
    case Engine::plain_save_path_fuzzer_cov: return fuzzer(t, p, work);
    case Engine::plain_rapidcheck: {
      auto mutant = records::mutant_from_name(t.mutant);
      if (!mutant) throw SetupError("unknown mutant '" + t.mutant + "'");
      Hunt h = hunt_with_plain_rapidcheck(*mutant, t.seed, t.budget);
      Measurement m{t};
      m.found = h.found;
      m.seconds = h.found ? h.seconds : std::min(h.seconds, seconds_of(t.budget));
      m.steps = h.steps;
      return m;
    }
  }
  throw SetupError("unknown engine");
}

Json to_json(const Measurement& m) {
  Json j{{"engine", engine_name(m.task.engine)}, {"mutant", m.task.mutant},       {"seed", m.task.seed},
         {"budget_s", seconds_of(m.task.budget)}, {"found", m.found},             {"seconds", m.seconds},
         {"steps", m.steps}};
  if (m.original_steps) j["original_steps"] = *m.original_steps;
  if (m.shrunk_steps) j["shrunk_steps"] = *m.shrunk_steps;
  if (!m.invariant.empty()) j["invariant"] = m.invariant;
  if (m.localize_runs) j["localize_runs"] = *m.localize_runs;
  if (m.reproduced) j["reproduced"] = *m.reproduced;
  if (!m.error.empty()) j["error"] = m.error;
  return j;
}

Measurement measurement_from_json(const Json& j) {
  auto engine = engine_from_name(j.at("engine").get<std::string>());
  if (!engine) throw std::runtime_error("unknown engine " + j.at("engine").dump());
  Measurement m{{*engine, j.at("mutant").get<std::string>(), j.at("seed").get<std::uint64_t>(),
                 std::chrono::milliseconds(static_cast<long>(j.at("budget_s").get<double>() * 1000))}};
  m.found = j.at("found").get<bool>();
  m.seconds = j.at("seconds").get<double>();
  m.steps = j.at("steps").get<std::uint64_t>();
  if (j.contains("original_steps")) m.original_steps = j["original_steps"].get<std::size_t>();
  if (j.contains("shrunk_steps")) m.shrunk_steps = j["shrunk_steps"].get<std::size_t>();
  m.invariant = j.value("invariant", "");
  if (j.contains("localize_runs")) m.localize_runs = j["localize_runs"].get<std::size_t>();
  if (j.contains("reproduced")) m.reproduced = j["reproduced"].get<unsigned>();
  m.error = j.value("error", "");
  return m;
}

}  // namespace savefuzz::bench
