// savefuzz run: flags, Ctrl-C, summary.
#include "harness/cli/run_command.h"

#include <iostream>

#include "harness/cli/interrupt.h"
#include "harness/core/duration.h"

namespace savefuzz {

CLI::App* add_run_command(CLI::App& app, RunOptions& options) {
  CLI::App* cmd = app.add_subcommand("run", "generate scenarios (RapidCheck), run them, shrink and save what fails");
  CampaignOptions& o = options.campaign;
  add_target_options(*cmd, options.target);
  add_duration_option(*cmd, "--time", o.time,
                      "stop after this long (default " + format_duration(kDefaultRunTime) + " unless --cases is given)");
  cmd->add_option_function<std::uint64_t>("--cases", [&o](std::uint64_t n) { o.cases = n; },
                                          "stop after this many generated scenarios");
  cmd->add_option("--seed", o.seed, "the same seed and options give the same cases")->capture_default_str();
  cmd->add_option("--max-steps", o.max_steps, "longest generated scenario, set-up included")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cmd->add_option("--findings", o.findings_dir,
                  "folder for finding scenario files (default " + o.findings_dir.string() + ")");
  cmd->add_flag("--keep-going", o.keep_going, "go on after a finding until --time or --cases run out");
  cmd->add_flag("!--no-shrink", o.shrink, "save findings as found, without shrinking");
  add_reproduce_option(*cmd, o.reproduce);
  cmd->add_flag("!--no-controls", o.controls, "generate no restart, crash, crash_during or power_loss steps");
  add_fault_options(*cmd, o.faults);
  cmd->add_flag("!--no-progress", o.progress, "no progress line");
  add_reuse_options(*cmd, o.reuse, o.jobs);
  add_sarif_options(*cmd, options.sarif);
  add_event_options(*cmd, options.events);
  cmd->add_option("--corpus-out", o.corpus_out,
                  "save the passing cases that reach a feature no earlier case of this run reached (a new op, answer, "
                  "control or save-path situation, or one more often) to this folder; `savefuzz corpus prune` keeps "
                  "what adds to the corpus");
  cmd->footer(
      "Examples:\n"
      "  savefuzz run --target records --time 60s --seed 1            # the reference save path, in-process\n"
      "  savefuzz run --target records --mutant share-skips-save --report-html report.html\n"
      "  savefuzz run --target-cmd 'python3 targets/examples/python/records_target.py' --time 10m\n"
      "  savefuzz run --target-cmd ./my-adapter --jobs 8 --time 8h --keep-going --events nightly.jsonl\n"
      "A finding is saved as a scenario file in --findings, shrunk; its reproduce line replays it.\n"
      "Exit codes: 0 nothing found, 1 a finding, 2 usage or set-up error.");
  cmd->add_option_function<double>(
         "--start-budget", [&o](double percent) { o.start_budget = percent / 100; },
         "largest share of time, in percent, spent starting target processes: fewer cases carry restart and "
         "crash steps, and cases grow longer, to stay under it; 100 turns this off (default " +
             std::to_string(static_cast<int>(kDefaultStartBudget * 100)) + ")")
      ->check(CLI::Range(1.0, 100.0));
  return cmd;
}

int run_run(RunOptions options, const std::string& program) {
  CampaignOptions& o = options.campaign;
  validate(options.target);
  if (!o.time && !o.cases) o.time = kDefaultRunTime;
  o.target = target_source(options.target);
  SarifOutput sarif(options.sarif);
  auto as_sarif = [](const SavedFinding& f) { return sarif_finding(f.finding, f.file.string(), f.reproduce); };
  if (sarif.has_baseline()) o.known = [&](const SavedFinding& f) { return sarif.known(as_sarif(f)); };
  EventOutput output(options.events, "savefuzz run " + o.target.flags);
  EventLog* events = output.log();
  if (events) {
    events->run_start(options.sarif.command_line, {{"seed", o.seed}, {"max_steps", o.max_steps}, {"jobs", o.jobs}});
    o.events = events;
  }
  CampaignResult r = run_campaign(o, program, std::cout, catch_interrupts());
  print_campaign_summary(std::cout, o, r);
  if (events)
    events->run_end({{"cases", r.cases}, {"requests", r.requests}, {"seconds", r.seconds}, {"findings", r.findings.size()},
                     {"known", r.known.size()}, {"seed", o.seed}, {"interrupted", r.interrupted}},
                    &r.coverage);
  output.finish(std::cout);
  restore_interrupts();
  std::vector<SarifFinding> all;
  for (const auto* list : {&r.findings, &r.known})
    for (const auto& f : *list) all.push_back(as_sarif(f));
  return sarif.finish(all, std::cout) ? 1 : 0;
}

}  // namespace savefuzz
