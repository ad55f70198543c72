// `savefuzz run`: the property campaign from the command line.
#pragma once

#include <CLI/CLI.hpp>

#include "harness/cli/report_flags.h"
#include "harness/cli/target_flags.h"
#include "harness/core/campaign.h"

namespace savefuzz {

// What `savefuzz run` is given: the campaign's options and the target they run against.
struct RunOptions {
  CampaignOptions campaign;
  TargetOptions target;
  SarifOptions sarif;
  EventOptions events;  // --events, --report-html
};

inline constexpr std::chrono::seconds kDefaultRunTime{60};  // without --time or --cases

CLI::App* add_run_command(CLI::App& app, RunOptions& options);

// Exit code: 0 no finding, 1 a finding, 2 usage or set-up error. Ctrl-C stops cleanly.
int run_run(RunOptions options, const std::string& program);

}  // namespace savefuzz
