// savefuzz run: flags, Ctrl-C, summary.
#include "harness/run_command.h"

#include <iostream>

#include "harness/interrupt.h"

namespace savefuzz {

CLI::App* add_run_command(CLI::App& app, CampaignOptions& o) {
  CLI::App* cmd = app.add_subcommand("run", "generate scenarios (RapidCheck), run them, shrink and save what fails");
  add_target_options(*cmd, o.target);
  add_duration_option(*cmd, "--time", o.time, "stop after this long (default 60s unless --cases is given)");
  cmd->add_option_function<std::uint64_t>("--cases", [&o](std::uint64_t n) { o.cases = n; },
                                          "stop after this many generated scenarios");
  cmd->add_option("--seed", o.seed, "the same seed and options give the same cases (default 1)");
  cmd->add_option("--max-steps", o.max_steps, "longest generated scenario, set-up included (default 40)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--findings", o.findings_dir, "folder for finding scenario files (default findings/)");
  cmd->add_flag("--keep-going", o.keep_going, "go on after a finding until --time or --cases run out");
  cmd->add_flag("!--no-shrink", o.shrink, "save findings as found, without shrinking");
  cmd->add_flag("!--no-controls", o.controls, "generate no restart, crash or crash_during steps");
  cmd->add_flag("!--no-progress", o.progress, "no progress line");
  return cmd;
}

int run_run(CampaignOptions o, const std::string& program) {
  validate(o.target);
  if (!o.time && !o.cases) o.time = std::chrono::seconds(60);
  // In-process campaigns exercise `unavailable` unless told otherwise.
  if (!o.target.io_faults && o.target.command.empty()) o.target.io_faults = 2;
  CampaignResult r = run_campaign(o, program, std::cout, catch_interrupts());
  print_campaign_summary(std::cout, o, r);
  restore_interrupts();
  return r.findings.empty() ? 0 : 1;
}

}  // namespace savefuzz
