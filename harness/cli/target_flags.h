// The flags every savefuzz command shares: the target flags, and duration flags.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "harness/core/generate.h"
#include "harness/core/session.h"
#include "harness/targets/target_options.h"

namespace savefuzz {

// Declares --target, --target-cmd, --mutant, --data-root, --timeout, --fault-library and
// --no-fault-library on `app`.
void add_target_options(CLI::App& app, TargetOptions& options);

// Declares --io-faults, --no-power-loss, --no-sync-crashes and --no-faults: which fault steps a
// campaign generates (run, fuzz).
void add_fault_options(CLI::App& app, FaultMix& faults);

// Workers: one per core unless told otherwise.
unsigned default_jobs();

// Declares --jobs, --no-reset and --fresh-every (run and replay run many scenarios).
void add_reuse_options(CLI::App& app, ReuseOptions& reuse, unsigned& jobs);

// Declares --reproduce N: how many times a finding is replayed on new targets before it is
// reported ("reproduced 3/3", "flaky 1/3"); 0 skips it.
void add_reproduce_option(CLI::App& app, unsigned& times);

// Declares a positive duration flag (--time, --timeout) that stores into `out`.
void add_duration_option(CLI::App& app, const std::string& name, std::optional<std::chrono::milliseconds>& out,
                         const std::string& help);

}  // namespace savefuzz
