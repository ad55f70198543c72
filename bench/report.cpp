#include "bench/report.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <utility>

#include <sys/utsname.h>

#include "bench/measure.h"
#include "harness/core/diagnose.h"

namespace savefuzz::bench {
namespace {

std::string first_line_with(const char* file, const std::string& key) {
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);)
    if (line.rfind(key, 0) == 0) {
      auto colon = line.find(':');
      auto begin = line.find_first_not_of(" \t", colon + 1);
      return begin == std::string::npos ? "" : line.substr(begin);
    }
  return "unknown";
}

std::string fixed(double v, int digits) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(digits) << v;
  return s.str();
}

// 12345.6 -> "12,346": figures a reader compares at a glance.
std::string grouped(double v) {
  std::string digits = fixed(v, 0), out;
  std::size_t sign = digits.front() == '-' ? 1 : 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    std::size_t left = digits.size() - i;  // digits from here to the end
    if (i > sign && left % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string seconds(const Json& v) {
  if (v.is_null()) return "—";
  double s = v.get<double>();
  return fixed(s, s < 10 ? 2 : 1);
}

std::string count(const Json& v) { return v.is_null() ? "—" : grouped(v.get<double>()); }

std::string ratio(const Json& v) {
  if (v.is_null()) return "—";
  double r = v.at("ratio").get<double>();
  return (v.at("at_least").get<bool>() ? "≥ " : "") + fixed(r, r < 10 ? 1 : 0) + "×";
}

// "8/10" killed (found under the manifest's invariant), with the runs that found it under another
// invariant and the errors when there were some.
std::string found(const Json& row) {
  std::string s = std::to_string(row.at("found").get<int>()) + "/" + std::to_string(row.at("runs").get<int>());
  if (row.value("misnamed", 0) > 0) {
    s += " (" + std::to_string(row.at("misnamed").get<int>()) + " found, misnamed:";
    Json names = row.value("invariants", Json::object());
    for (const auto& [name, n] : names.items()) s += " " + name + "×" + n.dump();
    s += ")";
  }
  if (row.at("errors").get<int>() > 0) s += " (" + std::to_string(row.at("errors").get<int>()) + " errors)";
  return s;
}

std::string median_or_miss(const Json& row) {
  return row.at("median_s").is_null() ? "> " + seconds(row.at("budget_s")) : seconds(row.at("median_s"));
}

std::string worst_or_miss(const Json& row) {
  return row.at("worst_s").is_null() ? "> " + seconds(row.at("budget_s")) : seconds(row.at("worst_s"));
}

const Json* find_row(const Json& rows, const std::string& mutant, const std::string& engine) {
  for (const auto& r : rows)
    if (r.at("mutant") == mutant && r.at("engine") == engine) return &r;
  return nullptr;
}

void kill_table(std::ostream& md, const Json& table, std::vector<std::string>& goals) {
  const Json& rows = table.at("rows");
  md << "## Kill table\n\n"
     << "Each cell is over the seeds listed in `found`. A run kills the mutant when its finding names an invariant "
        "corpus/mutants.json gives for that mutant; one that names another is shown as `found, misnamed` and counts "
        "as a miss. A run that misses counts as slower than any that finds, so a "
        "median exists when at least half the seeds found the mutant. Steps are requests sent (property engines) or "
        "inputs executed (fuzzers), up to the first failure. `shrunk` is the median (worst) length of the shrunk "
        "scenario; `shortest` is bench/shortest/<mutant>.json. Speed-up is baseline median / engine median; `≥` "
        "when the baseline missed, computed from what it spent without finding the mutant. `save_path_fuzzer` is "
        "the ASan + UBSan build from an empty corpus, `-cov` the coverage-only build, `-seeds` a run from "
        "corpus/seeds/save_path_fuzzer less the seeds that already show the mutant; each is compared with plain "
        "libFuzzer of its build, from an empty corpus.\n\n"
     << "| mutant | engine | found | median s | worst s | median steps | shrunk (worst) | shortest | baseline found | "
        "baseline median s | speed-up (time) | speed-up (steps) |\n"
     << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  double localize_lo = std::numeric_limits<double>::infinity(), localize_hi = 0;
  std::size_t flaky = 0;
  std::size_t cells = 0, all_found = 0, misnamed_cells = 0, fast = 0, shrunk_ok = 0, shrunk_cells = 0, beaten_baseline = 0;
  double worst_in_process_median = 0;
  bool in_process_missing = false;
  for (const auto& r : rows) {
    if (r.at("baseline").get<bool>()) continue;
    ++cells;
    const Json* base = r.contains("vs") ? find_row(rows, r.at("mutant"), r.at("vs")) : nullptr;
    std::string shrunk = r.contains("median_shrunk")
                             ? fixed(r["median_shrunk"].get<double>(), 0) + " (" + fixed(r["worst_shrunk"].get<double>(), 0) + ")"
                             : "—";
    md << "| " << r.at("mutant").get<std::string>() << " | " << r.at("engine").get<std::string>() << " | " << found(r)
       << " | " << median_or_miss(r) << " | " << worst_or_miss(r) << " | " << count(r.at("median_steps")) << " | "
       << shrunk << " | " << (r.at("shortest").is_null() ? "—" : std::to_string(r.at("shortest").get<int>())) << " | "
       << (base ? found(*base) : "—") << " | " << (base ? median_or_miss(*base) : "—") << " | "
       << ratio(r.value("speedup_time", Json())) << " | " << ratio(r.value("speedup_steps", Json())) << " |\n";
    if (r.at("found") == r.at("runs")) ++all_found;
    if (r.value("misnamed", 0) > 0) ++misnamed_cells;
    flaky += r.value("flaky", 0);
    if (r.contains("median_localize_runs")) {
      double runs = r["median_localize_runs"].get<double>();
      localize_lo = std::min(localize_lo, runs);
      localize_hi = std::max(localize_hi, runs);
    }
    if (r.contains("speedup_time") && !r["speedup_time"].is_null() && r["speedup_time"]["ratio"].get<double>() >= 10) ++fast;
    if (base && base->at("found").get<int>() == 0 && r.at("found").get<int>() > 0) ++beaten_baseline;
    if (r.contains("worst_shrunk") && !r.at("shortest").is_null()) {
      ++shrunk_cells;
      if (r["worst_shrunk"].get<double>() <= r["shortest"].get<double>()) ++shrunk_ok;
    }
    if (r.at("engine") == "in-process") {
      if (r.at("median_s").is_null()) in_process_missing = true;
      else worst_in_process_median = std::max(worst_in_process_median, r["median_s"].get<double>());
    }
  }
  // Each fuzzer's median against the in-process property engine's, mutant by mutant: as the
  // benchmark runs it (from its campaign's start) and, where measured, as `savefuzz run` (from its
  // process's start, as a fuzzer is timed). A median the property engine lacks counts as its
  // budget (it is longer), one the fuzzer lacks as infinite; a mutant neither has a median for is
  // left out.
  const std::pair<std::string, std::string> references[] = {
      {"in-process", "the in-process engine's"},
      {"savefuzz-run", "savefuzz run's (both timed from their process's start)"}};
  std::map<std::pair<std::string, std::string>, std::vector<double>> vs_property;  // (fuzzer, reference)
  for (const auto& r : rows) {
    auto engine = engine_from_name(r.at("engine").get<std::string>());
    if (r.at("baseline").get<bool>() || !engine || !is_fuzzer(*engine)) continue;
    for (const auto& [reference, said] : references) {
      const Json* in = find_row(rows, r.at("mutant"), reference);
      if (!in) continue;
      bool fuzzer_missed = r.at("median_s").is_null(), in_missed = in->at("median_s").is_null();
      if (fuzzer_missed && in_missed) continue;
      double in_s = in_missed ? in->at("budget_s").get<double>() : in->at("median_s").get<double>();
      vs_property[{r.at("engine").get<std::string>(), said}].push_back(
          fuzzer_missed ? std::numeric_limits<double>::infinity() : r["median_s"].get<double>() / std::max(in_s, 1e-3));
    }
  }
  md << "\nBaselines, on their own:\n\n| mutant | baseline | found | budget s | median s | median steps | "
        "fewest steps in a miss |\n|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows) {
    if (!r.at("baseline").get<bool>()) continue;
    md << "| " << r.at("mutant").get<std::string>() << " | " << r.at("engine").get<std::string>() << " | " << found(r)
       << " | " << seconds(r.at("budget_s")) << " | " << median_or_miss(r) << " | " << count(r.at("median_steps"))
       << " | " << count(r.at("least_steps_missed")) << " |\n";
  }
  md << "\n";
  if (cells == 0) return;  // baselines alone: no goal to judge
  goals.push_back("Every mutant found, under the invariant corpus/mutants.json names, by every savefuzz engine in every "
                  "run: " + std::to_string(all_found) + " of " + std::to_string(cells) + " mutant × engine cells" +
                  (misnamed_cells ? " (" + std::to_string(misnamed_cells) + " cells with a run that named another)" : "") +
                  ".");
  goals.push_back("In-process median under 5 s for every mutant: worst median " + seconds(worst_in_process_median) +
                  " s" + (in_process_missing ? ", and some mutant has no median (missed by half the seeds)" : "") + ".");
  goals.push_back("At least 10× faster than the baseline (median time): " + std::to_string(fast) + " of " +
                  std::to_string(cells) + " cells; found where the baseline found nothing: " +
                  std::to_string(beaten_baseline) + " cells.");
  if (localize_hi > 0)
    goals.push_back("Localization cost: a median of " + fixed(localize_lo, 0) + " to " + fixed(localize_hi, 0) +
                    " extra runs per finding, by cell; findings that did not fail again in all of their " +
                    std::to_string(kDefaultReproduce) + " new-target replays: " + std::to_string(flaky) + ".");
  goals.push_back("Shrunk length equal to the shortest (worst seed): " + std::to_string(shrunk_ok) + " of " +
                  std::to_string(shrunk_cells) + " cells that shrink.");
  for (auto& [compared, ratios] : vs_property) {
    std::sort(ratios.begin(), ratios.end());
    auto within = std::count_if(ratios.begin(), ratios.end(), [](double r) { return r <= 3; });
    goals.push_back(compared.first + " median within 3× of " + compared.second + ": " + std::to_string(within) + " of " +
                    std::to_string(ratios.size()) + " mutants (ratios " + fixed(ratios.front(), 1) + "× to " +
                    (std::isfinite(ratios.back()) ? fixed(ratios.back(), 1) + "×" : "a miss") + ").");
  }
}

void throughput(std::ostream& md, const Json& roots, std::vector<std::string>& goals) {
  md << "## Throughput\n\nGenerated scenarios without control steps, then the same steps (recorded from an "
        "untimed harness round) replayed by a bare loop: the same Target calls with no model and no checks; through the "
        "subprocess also as raw lines on the pipe, nothing parsed. Medians of the rounds.\n\n"
     << "| data root | in-process steps/s | bare loop steps/s | overhead | subprocess steps/s | bare loop (subprocess) | "
        "raw pipe | raw pipe / harness | crash cycles/s in-process | crash cycles/s subprocess |\n"
     << "|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : roots) {
    const Json &in = r.at("in_process"), &sub = r.at("subprocess"), &cyc = r.at("crash_cycles");
    md << "| " << r.at("data_root").get<std::string>() << " | " << count(in["harness"]["per_second"]) << " | "
       << count(in["bare_loop"]["per_second"]) << " | " << fixed(100 * in["overhead"].get<double>(), 0) << "% | "
       << count(sub["harness"]["per_second"]) << " | " << count(sub["bare_loop"]["per_second"]) << " | "
       << count(sub["raw_pipe"]["per_second"]) << " | " << fixed(sub["slowdown_vs_raw_pipe"].get<double>(), 2) << "× | "
       << count(cyc["in_process"]["per_second"]) << " | " << count(cyc["subprocess"]["per_second"]) << " |\n";
    goals.push_back("In-process overhead under 25% of the bare loop (" + r.at("data_root").get<std::string>() + "): " +
                    fixed(100 * in["overhead"].get<double>(), 0) + "%.");
    goals.push_back("Subprocess within 2× of the raw pipe (" + r.at("data_root").get<std::string>() + "): " +
                    fixed(sub["slowdown_vs_raw_pipe"].get<double>(), 2) + "×.");
  }
  md << "\n";
}

// The first row matching target, mix, reset and jobs, or null.
const Json* find_row(const Json& rows, const std::string& target, const std::string& mix, bool reset, unsigned jobs) {
  for (const auto& r : rows)
    if (r.at("target") == target && r.at("mix") == mix && r.at("reset") == reset && r.at("jobs") == jobs) return &r;
  return nullptr;
}

void campaigns(std::ostream& md, const Json& c, std::vector<std::string>& goals) {
  md << "## Campaigns\n\nCampaigns of " << fixed(c.at("seconds").get<double>(), 0) << " s on correct targets, "
     << c.at("repeats").get<int>() << " seeds each, medians. Default mix: control steps on, the schedule keeping "
     << "process starts under 25 % of the time. Start share: of the cases' time, the part spent starting processes.\n\n"
     << "| target | mix | reset | jobs | steps/s | starts/s | resets/s | start share | control steps in 1 of | "
        "max steps | findings |\n|---|---|---|---|---|---|---|---|---|---|---|\n";
  const Json& rows = c.at("rows");
  for (const auto& r : rows)
    md << "| " << r.at("target").get<std::string>() << " | " << r.at("mix").get<std::string>() << " | "
       << (r.at("reset").get<bool>() ? "yes" : "no") << " | " << r.at("jobs").get<unsigned>() << " | "
       << count(r.at("steps_per_second")) << " | " << fixed(r.at("starts_per_second").get<double>(), 1) << " | "
       << count(r.at("resets_per_second")) << " | " << fixed(100 * r.at("start_share").get<double>(), 0) << "% | "
       << r.at("control_one_in").get<std::uint64_t>() << " | " << r.at("max_steps").get<std::uint64_t>() << " | "
       << r.at("findings").get<std::uint64_t>() << " |\n";
  md << "\n| target | crash cycles/s |\n|---|---|\n";
  for (const auto& r : c.at("crash_cycles"))
    md << "| " << r.at("target").get<std::string>() << " | " << count(r.at("per_second")) << " |\n";
  md << "\nA planted bug, found and shrunk (one worker, seeds 1.., each campaign stopped at the cap; capped: "
        "how many were):\n\n"
     << "| target | reset | invariant | found | capped | seconds to find | seconds to shrink | shrunk steps | shrink runs |\n"
     << "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : c.at("shrink")) {
    int runs = r.at("runs").get<int>();
    md << "| " << r.at("target").get<std::string>() << " | " << (r.at("reset").get<bool>() ? "yes" : "no") << " | "
       << r.at("invariant").get<std::string>() << " | " << runs - r.at("missed").get<int>() << "/" << runs << " | "
       << r.at("capped").get<int>() << " | " << seconds(r.value("seconds_to_find", Json())) << " | " << seconds(r.value("seconds_to_shrink", Json())) << " | "
       << count(r.value("shrunk_steps", Json())) << " | " << count(r.value("shrink_runs", Json())) << " |\n";
  }
  md << "\n";

  auto rate = [&](const std::string& target, const std::string& mix, bool reset, unsigned jobs) {
    const Json* r = find_row(rows, target, mix, reset, jobs);
    return r ? r->at("steps_per_second").get<double>() : 0.0;
  };
  goals.push_back("records-server, default mix, --jobs 2, at least 10,000 steps/s: " +
                  grouped(rate("records-server", "default", true, 2)) + ".");
  double in = rate("records (in-process)", "no controls", true, 1), sub = rate("records-server", "no controls", true, 1);
  if (sub > 0)
    goals.push_back("records-server, no control steps, within 2× of in-process: " + fixed(in / sub, 2) + "× (" +
                    grouped(sub) + " against " + grouped(in) + " steps/s).");
  goals.push_back("The Python example, default mix, --jobs 2, at least 1,500 steps/s: " +
                  grouped(rate("Python example", "default", true, 2)) + ".");
  for (const auto& r : c.at("crash_cycles"))
    if (r.at("target") == "records-server")
      goals.push_back("Crash-restart cycles through records-server, at least 250/s: " + count(r.at("per_second")) + ".");
  for (const auto& r : c.at("shrink"))
    if (r.at("reset").get<bool>() && r.contains("seconds_to_shrink") &&
        r.at("target").get<std::string>().rfind("Python", 0) == 0)
      goals.push_back("Shrinking a finding of the Python example under 3 s: " + seconds(r.at("seconds_to_shrink")) + " s.");
}

void growth(std::ostream& md, const Json& g) {
  md << "## Cost growth (in-process)\n\nOne scenario of each size, drawn op by op; requests include the final "
        "sweep. Model bytes: heap the model holds after applying every step.\n\n"
     << "| steps (with the world) | appointments | requests (with the sweep) | seconds | requests/s | model bytes | bytes/step |\n|---|---|---|---|---|---|---|\n";
  auto line = [&](const Json& p) {
    md << "| " << count(p.at("steps")) << " | " << p.at("appointments").get<int>()
       << " | " << count(p.at("requests")) << " | " << seconds(p.at("seconds")) << " | "
       << count(p.at("steps_per_second")) << " | " << count(p.at("model_bytes")) << " | "
       << fixed(p.at("model_bytes_per_step").get<double>(), 0) << " |\n";
  };
  for (const auto& p : g.at("by_length")) line(p);
  for (const auto& p : g.at("by_scope")) line(p);
  md << "\n";
  if (g.contains("time_exponent"))
    md << "Growth exponents from the shortest to the longest scenario (1 = linear, 2 = quadratic): time "
       << fixed(g["time_exponent"].get<double>(), 2) << ", model memory " << fixed(g["memory_exponent"].get<double>(), 2)
       << ".\n\n";
  if (g.contains("scope_exponent"))
    md << "Cost per request as the scope grows (0 = the same in a world of any size): exponent "
       << fixed(g["scope_exponent"].get<double>(), 2) << ".\n\n";
}

}  // namespace

Json describe_machine() {
  utsname u{};
  ::uname(&u);
  return Json{{"cores", std::thread::hardware_concurrency()},
              {"cpu", first_line_with("/proc/cpuinfo", "model name")},
              {"memory", first_line_with("/proc/meminfo", "MemTotal")},
              {"kernel", std::string(u.sysname) + " " + u.release},
              {"compiler", __VERSION__},
              {"build_type", SAVEFUZZ_BUILD_TYPE}};
}

std::string render_markdown(const Json& results) {
  std::ostringstream md;
  const Json& m = results.at("machine");
  // Where a kept part was measured, and how that machine differed from this one.
  auto stamp = [&](const Json& k) {
    std::string s = k.value("date", "?") + ", commit " + k.value("commit", "?") + ", `" + k.value("command", "?") + "`";
    Json machine = k.value("machine", Json::object());  // kept alive for the loop over its items
    for (const auto& [key, value] : machine.items())
      if (!m.contains(key) || m[key] != value)
        s += ", measured with " + key + " " + (value.is_string() ? value.get<std::string>() : value.dump());
    return s;
  };
  md << "# savefuzz benchmarks\n\n"
     << "- when: " << results.value("date", "?") << ", commit " << results.value("commit", "?") << "\n"
     << "- machine: " << m.at("cores").get<unsigned>() << " cores, " << m.at("cpu").get<std::string>() << ", "
     << m.at("memory").get<std::string>() << ", " << m.at("kernel").get<std::string>() << "\n"
     << "- build: " << m.at("build_type").get<std::string>() << ", " << m.at("compiler").get<std::string>() << "\n"
     << "- command: `" << results.value("command", "?") << "`\n";
  for (auto [name, title] : {std::pair{"kill_table", "kill table"}, std::pair{"throughput", "throughput"},
                             std::pair{"campaigns", "campaigns section"}, std::pair{"growth", "cost growth"}}) {
    if (!results.contains("kept_from") || !results["kept_from"].contains(name)) continue;
    md << "- the " << title << " is kept from an earlier run: " << stamp(results["kept_from"][name]) << "\n";
  }
  if (results.contains("kept_from") && results["kept_from"].contains("kill_table_rows")) {
    // One line per earlier run: its engines, each with the mutants kept when not all of them.
    std::set<std::string> all_mutants;
    for (const auto& row : results.at("kill_table").at("rows")) all_mutants.insert(row.at("mutant").get<std::string>());
    std::map<std::string, std::map<std::string, std::vector<std::string>>> kept;  // stamp -> engine -> mutants
    for (const auto& [row, k] : results["kept_from"]["kill_table_rows"].items()) {
      auto space = row.find(' ');
      kept[stamp(k)][row.substr(0, space)].push_back(row.substr(space + 1));
    }
    for (const auto& [when, engines] : kept) {
      std::string line;
      for (const auto& [engine, mutants] : engines) {
        line += (line.empty() ? "`" : ", `") + engine + "`";
        if (mutants.size() == all_mutants.size()) continue;
        for (std::size_t i = 0; i < mutants.size(); ++i) line += (i == 0 ? " (" : ", ") + mutants[i];
        line += ")";
      }
      md << "- the kill table's rows of " << line << " are kept from an earlier run: " << when << "\n";
    }
  }
  md << "\n";
  std::vector<std::string> goals;
  if (results.contains("kill_table")) kill_table(md, results["kill_table"], goals);
  if (results.contains("throughput")) throughput(md, results["throughput"], goals);
  if (results.contains("campaigns")) campaigns(md, results["campaigns"], goals);
  if (results.contains("growth")) growth(md, results["growth"]);
  if (!goals.empty()) {
    md << "## Goals\n\n";
    for (const auto& g : goals) md << "- " << g << "\n";
  }
  return md.str();
}

}  // namespace savefuzz::bench
