// `savefuzz replay PATH...`: every scenario file against one target, with reports.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/core/diagnose.h"

#include "harness/cli/report_flags.h"
#include "harness/cli/target_flags.h"

namespace savefuzz {

struct ReplayOptions {
  std::vector<std::string> paths;  // files or folders of *.json
  TargetOptions target;
  std::uint64_t seed = 0;  // crash points of crash_during steps
  std::string report_json;
  std::string junit;
  bool no_sweep = false;
  bool verbose = false;
  unsigned reproduce = kDefaultReproduce;  // new-target replays of each failing file
  bool localize = true;    // find the first step after which a failing read fails
  ReuseOptions reuse;  // files run one after another on a target that resets
  unsigned jobs = 1;
  SarifOptions sarif;
  EventOptions events;  // --events, --report-html
};

CLI::App* add_replay_command(CLI::App& app, ReplayOptions& options);

// Exit code: 0 all passed, 1 a scenario failed, 2 usage or set-up error (a bad scenario file
// included, when nothing failed).
int run_replay(ReplayOptions options, const std::string& program);

}  // namespace savefuzz
