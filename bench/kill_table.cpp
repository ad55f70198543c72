#include "bench/kill_table.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <iomanip>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "bench/median.h"
#include "harness/core/diagnose.h"
#include "harness/core/scenario.h"
#include "harness/core/target.h"
#include "harness/targets/subprocess.h"

namespace savefuzz::bench {
namespace {

namespace fs = std::filesystem;
constexpr double kMissed = std::numeric_limits<double>::infinity();

std::string task_dir_name(const Task& t) {
  return std::string(engine_name(t.engine)) + "-" + t.mutant + "-seed" + std::to_string(t.seed);
}

// One measurement in a worker process; a worker that fails or hangs becomes an error record.
Measurement run_worker(const KillTableOptions& o, const Task& t) {
  fs::path work = o.work_dir / task_dir_name(t);
  fs::remove_all(work);
  std::vector<std::string> argv{o.program.string(), "measure", "--engine", std::string(engine_name(t.engine)),
                                "--mutant", t.mutant, "--seed", std::to_string(t.seed),
                                "--budget-ms", std::to_string(t.budget.count()), "--work", work.string(),
                                "--server", o.programs.server.string(), "--savefuzz", o.programs.savefuzz.string(),
                                "--fuzz-bin", o.programs.fuzz_bin.string(),
                                "--fuzz-cov-bin", o.programs.fuzz_cov_bin.string(), "--dict-dir", o.programs.dict_dir.string(),
                                "--seeds-dir", o.programs.seeds_dir.string()};
  Subprocess p(argv, {});
  // Budget, then time to shrink what was found and to stop a fuzzer.
  auto deadline = Clock::now() + t.budget + std::chrono::minutes(10);
  std::string last;
  for (;;) {
    LineRead line = p.read_line(deadline);
    if (line.kind == LineRead::Kind::line) {
      if (!line.text.empty() && line.text.front() == '{') last = line.text;
      continue;
    }
    Measurement m{t};
    if (line.kind == LineRead::Kind::timeout) {
      p.kill();
      m.error = "the measurement did not finish within its budget plus 10 minutes";
      return m;
    }
    auto status = p.wait_until(Clock::now() + std::chrono::seconds(30));
    try {
      if (!last.empty()) return measurement_from_json(Json::parse(last));
    } catch (const std::exception& e) {
      m.error = std::string("unreadable worker output: ") + e.what();
      return m;
    }
    m.error = "the worker ended (" + (status ? status->describe() : "still running") +
              ") without a result: " + p.stderr_tail();
    return m;
  }
}

std::string describe(const Measurement& m) {
  std::ostringstream s;
  s << engine_name(m.task.engine) << " " << m.task.mutant << " seed " << m.task.seed << ": ";
  if (!m.error.empty()) s << "ERROR " << m.error;
  else if (!m.found) s << "not found in " << std::fixed << std::setprecision(1) << m.seconds << " s (" << m.steps << " steps)";
  else {
    s << "found in " << std::fixed << std::setprecision(2) << m.seconds << " s (" << m.steps << " steps)";
    if (m.shrunk_steps) s << ", shrunk " << *m.original_steps << " -> " << *m.shrunk_steps;
  }
  return s.str();
}

// Runs `tasks` on `jobs` workers at once, appending each result to the log as it comes.
std::vector<Measurement> run_all(const KillTableOptions& o, const std::vector<Task>& tasks, std::size_t& done,
                                 std::size_t total) {
  std::vector<Measurement> out(tasks.size());
  std::mutex mu;
  std::size_t next = 0;
  std::ofstream log(o.work_dir / "measurements.jsonl", std::ios::app);
  auto worker = [&] {
    for (;;) {
      std::size_t i;
      {
        std::lock_guard lock(mu);
        if (next == tasks.size()) return;
        i = next++;
      }
      Measurement m = run_worker(o, tasks[i]);
      std::lock_guard lock(mu);
      out[i] = m;
      log << to_json(m).dump() << "\n" << std::flush;
      std::cerr << "[" << ++done << "/" << total << "] " << describe(m) << "\n";
    }
  };
  std::vector<std::thread> pool;
  for (unsigned j = 0; j < std::max(1u, o.jobs); ++j) pool.emplace_back(worker);
  for (auto& t : pool) t.join();
  return out;
}

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

// A run kills the mutant when it found it under one of the invariants the manifest gives for it;
// an engine that names none (a baseline) kills by failing at all.
bool named_right(const Measurement& m, const std::vector<std::string>& invariants) {
  return m.invariant.empty() || std::find(invariants.begin(), invariants.end(), m.invariant) != invariants.end();
}

// A row's figures over its seeds; a miss (or a finding under another invariant) counts as
// infinitely slow, so a median exists only when at least half the seeds killed the mutant.
Json summarize(const std::vector<Measurement>& runs, const std::vector<std::string>& invariants) {
  std::vector<double> secs, steps, shrunk, localize;
  std::size_t flaky = 0;
  std::size_t found = 0, errors = 0, misnamed = 0;
  Json names = Json::object();
  double budget = 0, least_missed = kMissed;  // the fewest steps a run made without finding it
  for (const auto& m : runs) {
    budget = std::max(budget, static_cast<double>(m.task.budget.count()) / 1000);
    if (!m.error.empty()) ++errors;
    if (m.found && !m.invariant.empty()) names[m.invariant] = names.value(m.invariant, 0) + 1;
    if (m.found && !named_right(m, invariants)) ++misnamed;
    if (m.found && named_right(m, invariants)) {
      ++found;
      secs.push_back(m.seconds);
      steps.push_back(static_cast<double>(m.steps));
      if (m.shrunk_steps) shrunk.push_back(static_cast<double>(*m.shrunk_steps));
      if (m.localize_runs) localize.push_back(static_cast<double>(*m.localize_runs));
      if (m.reproduced && *m.reproduced < kDefaultReproduce) ++flaky;
    } else {
      secs.push_back(kMissed);
      steps.push_back(kMissed);
      least_missed = std::min(least_missed, static_cast<double>(m.steps));
    }
  }
  Json j{{"runs", runs.size()},
         {"found", found},
         {"misnamed", misnamed},
         {"invariants", names},
         {"errors", errors},
         {"budget_s", budget},
         {"median_s", number_or_null(median(secs, kMissed))},
         {"worst_s", number_or_null(*std::max_element(secs.begin(), secs.end()))},
         {"median_steps", number_or_null(median(steps, kMissed))},
         {"least_steps_missed", number_or_null(least_missed)}};
  j["flaky"] = flaky;
  if (!localize.empty()) j["median_localize_runs"] = median(localize, kMissed);
  if (!shrunk.empty()) {
    j["median_shrunk"] = median(shrunk, kMissed);
    j["worst_shrunk"] = *std::max_element(shrunk.begin(), shrunk.end());
  }
  return j;
}

// How many times faster the engine is than its baseline on `key` (a median): an exact ratio when
// both found the mutant; when the baseline's median is a miss, a lower bound from `bound` (what
// the baseline spent without finding it).
Json speedup(const Json& engine, const Json& baseline, const char* key, double bound) {
  if (engine.at(key).is_null()) return nullptr;
  double e = std::max(engine.at(key).get<double>(), 1e-3);
  if (!baseline.at(key).is_null()) return Json{{"ratio", baseline.at(key).get<double>() / e}, {"at_least", false}};
  return Json{{"ratio", bound / e}, {"at_least", true}};
}

std::map<std::string, std::vector<std::string>> expected_invariants(const fs::path& manifest) {
  std::map<std::string, std::vector<std::string>> out;
  std::ifstream in(manifest);
  if (!in) throw std::runtime_error("cannot read the mutant manifest " + manifest.string());
  Json parsed = Json::parse(in);
  for (const auto& [name, entry] : parsed.at("mutants").items())
    out[name] = entry.at("invariants").get<std::vector<std::string>>();
  return out;
}

std::optional<std::size_t> shortest_length(const fs::path& dir, const std::string& mutant) {
  auto s = load_scenario(dir / (mutant + ".json"));
  if (const auto* sc = std::get_if<Scenario>(&s)) return sc->steps.size();
  return std::nullopt;
}

}  // namespace

Json run_kill_table(const KillTableOptions& o) {
  fs::create_directories(o.work_dir);
  std::vector<Engine> ours, baselines;
  for (Engine e : o.engines) (is_baseline(e) ? baselines : ours).push_back(e);
  auto seeds_of = [&](Engine e) { return is_fuzzer(e) ? o.fuzz_seeds : o.seeds; };
  std::size_t total = 0, done = 0;
  for (Engine e : o.engines) total += o.mutants.size() * seeds_of(e);

  std::vector<Task> first;
  for (const auto& m : o.mutants)
    for (Engine e : ours)
      for (unsigned s = 1; s <= seeds_of(e); ++s) first.push_back({e, m, s, is_fuzzer(e) ? o.fuzz_budget : o.budget});
  std::vector<Measurement> all = run_all(o, first, done, total);
  all.insert(all.end(), o.kept.begin(), o.kept.end());

  // A baseline gets factor x the slowest run of the engines it is compared with (the whole engine
  // budget when one of them missed), so a baseline miss shows a speed-up of at least the factor.
  std::vector<Task> second;
  for (const auto& mutant : o.mutants)
    for (Engine b : baselines) {
      double worst = 0;
      bool compared = false;
      for (const auto& m : all)
        if (m.task.mutant == mutant && baseline_of(m.task.engine) == b) {
          compared = true;
          worst = std::max(worst, m.found ? m.seconds : static_cast<double>(m.task.budget.count()) / 1000);
        }
      auto cap = is_fuzzer(b) ? o.fuzz_baseline_cap : o.baseline_cap;
      auto budget = compared ? std::chrono::milliseconds(static_cast<long>(worst * o.baseline_factor * 1000)) : cap;
      budget = std::clamp(budget, std::min(o.baseline_min, cap), cap);
      for (unsigned s = 1; s <= seeds_of(b); ++s) second.push_back({b, mutant, s, budget});
    }
  for (auto& m : run_all(o, second, done, total)) all.push_back(std::move(m));

  auto expected = expected_invariants(o.manifest);
  std::vector<std::string> mutants = o.mutants;  // those measured now, then those only kept rows have
  for (const auto& m : o.kept)
    if (std::find(mutants.begin(), mutants.end(), m.task.mutant) == mutants.end()) mutants.push_back(m.task.mutant);
  Json rows = Json::array();
  for (const auto& mutant : mutants) {
    std::map<Engine, std::vector<Measurement>> by_engine;
    for (const auto& m : all)
      if (m.task.mutant == mutant) by_engine[m.task.engine].push_back(m);
    auto shortest = shortest_length(o.shortest_dir, mutant);
    for (Engine e : kAllEngines) {  // measured now or kept, in one order whichever they are
      if (!by_engine.count(e)) continue;
      bool measured_now = std::find(o.engines.begin(), o.engines.end(), e) != o.engines.end() &&
                          std::find(o.mutants.begin(), o.mutants.end(), mutant) != o.mutants.end();
      auto kept = std::find_if(o.kept_rows.begin(), o.kept_rows.end(), [&](const Json& r) {
        return r.value("mutant", "") == mutant && r.value("engine", "") == engine_name(e);
      });
      if (!measured_now && kept != o.kept_rows.end()) {
        rows.push_back(*kept);
        continue;
      }
      Json row = summarize(by_engine[e], expected[mutant]);
      row["mutant"] = mutant;
      row["engine"] = engine_name(e);
      row["baseline"] = is_baseline(e);
      row["shortest"] = shortest ? Json(*shortest) : Json(nullptr);
      if (!is_baseline(e) && by_engine.count(baseline_of(e))) {
        Json base = summarize(by_engine[baseline_of(e)], expected[mutant]);
        row["vs"] = engine_name(baseline_of(e));
        row["speedup_time"] = speedup(row, base, "median_s", base["budget_s"].get<double>());
        row["speedup_steps"] = speedup(row, base, "median_steps", base["least_steps_missed"].is_null() ? 0.0 : base["least_steps_missed"].get<double>());
      }
      rows.push_back(row);
    }
  }
  Json measurements = Json::array();
  for (const auto& m : all) measurements.push_back(to_json(m));
  return Json{{"rows", rows}, {"measurements", measurements}};
}

std::vector<Measurement> kept_measurements(const Json& table, const std::vector<Engine>& engines,
                                           const std::vector<std::string>& mutants) {
  std::vector<Measurement> out;
  for (const auto& j : table.at("measurements")) {
    Measurement m = measurement_from_json(j);
    if (std::find(engines.begin(), engines.end(), m.task.engine) == engines.end() ||
        std::find(mutants.begin(), mutants.end(), m.task.mutant) == mutants.end())
      out.push_back(std::move(m));
  }
  return out;
}

}  // namespace savefuzz::bench
