// The target flags every savefuzz command shares, parsed once into TargetOptions.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "harness/target.h"

namespace savefuzz {

struct TargetOptions {
  std::string builtin;                       // --target: "records", the in-process reference
  std::string command;                       // --target-cmd: any protocol program
  std::string mutant;                        // --mutant: a bug of the reference target
  std::filesystem::path data_root;           // --data-root: where data directories go
  std::optional<std::chrono::milliseconds> timeout;  // --timeout: deadline on each answer (default 10s)
  std::optional<unsigned> io_faults;          // --io-faults: percent of requests with failing storage (in-process)
};

// Declares --target, --target-cmd, --mutant, --data-root, --timeout on `app`.
void add_target_options(CLI::App& app, TargetOptions& options);

// Rejects contradictory or unknown choices with a usage message (SetupError).
void validate(TargetOptions& options);

// A fresh target as the options describe (one per scenario: each gets its own data directory).
// `seed` chooses where injected storage faults land, like the crash points.
std::unique_ptr<Target> make_target(const TargetOptions& options, std::uint64_t seed);

// The flags that select this target again, for reproduce lines: "--target records --mutant x".
std::string target_flags(const TargetOptions& options);

// "10s", "250ms", "10m", "1h", or a bare number of seconds.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

// Declares a positive duration flag (--time, --timeout) that stores into `out`.
void add_duration_option(CLI::App& app, const std::string& name, std::optional<std::chrono::milliseconds>& out,
                         const std::string& help);

}  // namespace savefuzz
