// savefuzz replay: load, run, report. A bad file is reported and the others still run.
#include "harness/cli/replay_command.h"

#include <chrono>
#include <iostream>

#include "harness/core/atomic_file.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/core/scenario.h"

namespace savefuzz {

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& o) {
  CLI::App* cmd = app.add_subcommand("replay", "run scenario files (SPEC.md section 7) against a target");
  cmd->add_option("paths", o.paths, "scenario files, or folders searched for *.json")->required();
  add_target_options(*cmd, o.target);
  cmd->add_option("--seed", o.seed, "picks the crash points of crash_during steps")->capture_default_str();
  cmd->add_option("--report-json", o.report_json, "also write the results as JSON to this file");
  cmd->add_option("--junit", o.junit, "also write the results as JUnit XML to this file");
  cmd->add_flag("--no-sweep", o.no_sweep, "skip the final read-back of everything as everyone");
  cmd->add_flag("-v,--verbose", o.verbose, "print passing scenarios too");
  return cmd;
}

int run_replay(ReplayOptions o, const std::string& program) {
  validate(o.target);
  std::vector<std::filesystem::path> files;
  for (const auto& p : o.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) throw SetupError("no such file or folder: " + p);
    for (auto& f : scenario_files(p)) files.push_back(f);
  }
  if (files.empty()) throw SetupError("no *.json scenario files under the given paths");

  Report report;
  report.replay = {program, target_flags(o.target), o.seed, !o.no_sweep};
  report.target = o.target.command.empty() ? "records (in-process)" : o.target.command;
  if (!o.target.mutant.empty()) report.target += " --mutant " + o.target.mutant;

  RunnerOptions runner{!o.no_sweep, o.seed};
  for (const auto& file : files) {
    ScenarioOutcome outcome{file.string(), {}, std::nullopt, {}, 0, 0};
    auto loaded = load_scenario(file);
    if (auto* bad = std::get_if<ScenarioError>(&loaded)) {
      outcome.error = bad->message();
    } else {
      const Scenario& s = std::get<Scenario>(loaded);
      outcome.name = s.name;
      auto t0 = std::chrono::steady_clock::now();
      try {
        auto target = make_target(o.target, o.seed);
        RunResult r = run_scenario(s, *target, runner);
        outcome.finding = std::move(r.finding);
        outcome.requests = r.requests;
      } catch (const SetupError& e) {
        // Reported with the others: the findings of earlier scenarios are kept.
        outcome.error = file.string() + ": set-up error: " + e.what();
      }
      outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    if (o.verbose || outcome.finding || !outcome.error.empty()) print_outcome(std::cout, report, outcome);
    report.outcomes.push_back(std::move(outcome));
  }
  print_summary(std::cout, report);

  if (!o.report_json.empty())
    if (auto err = write_file_atomically(o.report_json, report_json(report).dump(2) + "\n")) throw SetupError(err->message);
  if (!o.junit.empty())
    if (auto err = write_file_atomically(o.junit, junit_xml(report))) throw SetupError(err->message);

  if (report.failed() > 0) return 1;
  return report.errors() > 0 ? 2 : 0;
}

}  // namespace savefuzz
