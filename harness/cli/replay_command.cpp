// savefuzz replay: load, run, report. A bad file is reported and the others still run.
#include "harness/cli/replay_command.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <thread>

#include "harness/core/atomic_file.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/core/scenario.h"
#include "harness/core/session.h"

namespace savefuzz {

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& o) {
  CLI::App* cmd = app.add_subcommand("replay", "run scenario files (SPEC.md section 7) against a target");
  cmd->add_option("paths", o.paths, "scenario files, or folders searched for *.json")->required();
  add_target_options(*cmd, o.target);
  cmd->add_option("--seed", o.seed, "picks the crash points of crash_during steps")->capture_default_str();
  cmd->add_option("--report-json", o.report_json, "also write the results as JSON to this file");
  cmd->add_option("--junit", o.junit, "also write the results as JUnit XML to this file");
  add_sarif_options(*cmd, o.sarif);
  add_event_options(*cmd, o.events);
  cmd->footer(
      "Examples:\n"
      "  savefuzz replay corpus/regressions --target records\n"
      "  savefuzz replay findings/ack-durable-seed1-case12.json --target records --mutant share-skips-save --report-html r.html\n"
      "  savefuzz replay corpus/regressions --target-cmd 'python3 targets/examples/python/records_target.py' --junit out.xml\n"
      "Exit codes: 0 every scenario passed, 1 a finding, 2 a file could not be run, the target did not answer its hello, "
      "or a usage error.");
  cmd->add_flag("--no-sweep", o.no_sweep, "skip the final read-back of everything as everyone");
  cmd->add_flag("-v,--verbose", o.verbose, "print passing scenarios too");
  add_reuse_options(*cmd, o.reuse, o.jobs);
  add_reproduce_option(*cmd, o.reproduce);
  cmd->add_flag("!--no-localize", o.localize,
                "do not look for the first step after which a failing read fails (it costs a few runs)");
  return cmd;
}

namespace {

// One file: loaded, run on the session's target (reset when it can), timed. A bad file or a
// set-up error is reported with the others; the findings of earlier files are kept.
ScenarioOutcome replay_file(const std::filesystem::path& file, Session& session, const RunnerOptions& runner,
                            const ReplayOptions& o, const TargetSource& source) {
  ScenarioOutcome outcome{file.string(), {}, std::nullopt, {}, 0, 0};
  auto loaded = load_scenario(file);
  if (auto* bad = std::get_if<ScenarioError>(&loaded)) {
    outcome.error = bad->message();
    return outcome;
  }
  const Scenario& s = std::get<Scenario>(loaded);
  outcome.name = s.name;
  auto t0 = std::chrono::steady_clock::now();
  try {
    SessionRun r = session.run(s, runner);
    if (r.result.not_runnable) {
      // SPEC.md section 5: never passed, and not a finding about the target either.
      outcome.error = file.string() + ": not runnable: " + *r.result.not_runnable;
      return outcome;
    }
    outcome.finding = std::move(r.result.finding);
    outcome.requests = r.result.requests;
    outcome.coverage = r.result.coverage;
    // A failing file is localized and replayed on new targets like a campaign's finding; a
    // reset-clean one is shown by the files before it, which this file alone cannot replay.
    if (outcome.finding && !r.joined) {
      outcome.finding =
          diagnose(s, *outcome.finding, source, runner, {false, o.localize, o.reproduce, o.reuse, {}})
              .finding;
    }
    if (r.joined && outcome.finding) {
      std::size_t before = 0;
      for (const Step& step : r.joined->steps) before += step.kind() == StepKind::reset;
      outcome.finding->detail += "; shown by this file after the " + std::to_string(before) +
                                 " files replayed before it on the same process (replay them in the same order, "
                                 "without --jobs, to see it again)";
    }
  } catch (const SetupError& e) {
    outcome.error = file.string() + ": set-up error: " + e.what();
  }
  outcome.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return outcome;
}

}  // namespace

int run_replay(ReplayOptions o, const std::string& program) {
  validate(o.target);
  std::vector<std::filesystem::path> files;
  for (const auto& p : o.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) throw SetupError("no such file or folder: " + p);
    for (auto& f : scenario_files(p)) files.push_back(f);
  }
  if (files.empty()) throw SetupError("no *.json scenario files under the given paths");
  // A program that does not answer its hello on an empty data directory is a set-up error, as in
  // run and fuzz: not a target-alive finding (and a kept data directory) for every file.
  hello_limits(o.target);
  SarifOutput sarif(o.sarif);
  EventOutput output(o.events, "replay against " + (o.target.command.empty() ? "records (in-process)" : o.target.command));
  EventLog* events = output.log();
  if (events) events->run_start(o.sarif.command_line, {{"files", files.size()}, {"seed", o.seed}});

  Report report;
  report.replay = {program, target_flags(o.target), o.seed, !o.no_sweep};
  report.target = o.target.command.empty() ? "records (in-process)" : o.target.command;
  if (!o.target.mutant.empty()) report.target += " --mutant " + o.target.mutant;

  RunnerOptions runner{!o.no_sweep, o.seed};
  TargetSource source = target_source(o.target);
  // Workers take files in order from one counter; outcomes are printed in file order as soon
  // as every earlier file is done.
  std::vector<std::optional<ScenarioOutcome>> outcomes(files.size());
  std::atomic<std::size_t> next{0};
  std::size_t printed = 0;
  std::mutex mu;
  auto work = [&] {
    Session session(source, o.reuse);
    for (std::size_t i = next++; i < files.size(); i = next++) {
      ScenarioOutcome outcome = replay_file(files[i], session, runner, o, source);
      if (events) {
        CaseEvent e;
        e.failed = outcome.finding.has_value();
        if (e.failed) e.status_reason = std::string(invariant_name(outcome.finding->invariant)) + " at " + outcome.finding->where;
        e.gave_up = outcome.error;
        e.representation = outcome.file;
        e.arguments = {{"file", outcome.file}, {"seed", o.seed}};
        e.how_generated = "replayed";
        e.coverage = outcome.coverage;
        e.requests = outcome.requests;
        e.seconds = outcome.seconds;
        events->test_case(e);
        if (outcome.finding) events->finding(finding_event(*outcome.finding, outcome.file, report.replay.for_file(outcome.file)));
      }
      std::lock_guard lock(mu);
      outcomes[i] = std::move(outcome);
      for (; printed < files.size() && outcomes[printed]; ++printed) {
        const ScenarioOutcome& done = *outcomes[printed];
        if (o.verbose || done.finding || !done.error.empty()) print_outcome(std::cout, report, done);
      }
    }
  };
  unsigned jobs = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, o.jobs), files.size()));
  if (jobs == 1) {
    work();
  } else {
    std::vector<std::thread> workers;
    for (unsigned j = 0; j < jobs; ++j) workers.emplace_back(work);
    for (auto& w : workers) w.join();
  }
  for (auto& outcome : outcomes) report.outcomes.push_back(std::move(*outcome));
  print_summary(std::cout, report);

  if (!o.report_json.empty())
    if (auto err = write_file_atomically(o.report_json, report_json(report).dump(2) + "\n")) throw SetupError(err->message);
  if (!o.junit.empty())
    if (auto err = write_file_atomically(o.junit, junit_xml(report))) throw SetupError(err->message);

  if (events) {
    Coverage totals;
    for (const auto& outcome : report.outcomes) totals.add(outcome.coverage);
    events->run_end({{"scenarios", report.outcomes.size()}, {"failed", report.failed()}, {"errors", report.errors()}}, &totals);
  }
  output.finish(std::cout);
  std::vector<SarifFinding> found;
  std::vector<std::string> errors;
  for (const auto& outcome : report.outcomes) {
    if (outcome.finding) found.push_back(sarif_finding(*outcome.finding, outcome.file, report.replay.for_file(outcome.file)));
    if (!outcome.error.empty()) errors.push_back(outcome.error);
  }
  if (sarif.finish(found, std::cout, errors) > 0) return 1;
  return report.errors() > 0 ? 2 : 0;
}

}  // namespace savefuzz
