// `savefuzz run`: the property campaign from the command line.
#pragma once

#include <CLI/CLI.hpp>

#include "harness/campaign.h"

namespace savefuzz {

CLI::App* add_run_command(CLI::App& app, CampaignOptions& options);

// Exit code: 0 no finding, 1 a finding, 2 usage or set-up error. Ctrl-C stops cleanly.
int run_run(CampaignOptions options, const std::string& program);

}  // namespace savefuzz
