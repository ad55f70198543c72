// Which target to test, as every savefuzz command selects it: the options, their checks, and
// the targets they make. harness/cli/target_flags.h declares the flags that fill them.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "harness/core/target.h"

namespace savefuzz {

struct TargetOptions {
  std::string builtin;                               // --target: "records", the in-process reference
  std::string command;                               // --target-cmd: any protocol program
  std::string mutant;                                // --mutant: a bug of the reference target
  std::filesystem::path data_root;                   // --data-root: where data directories go
  std::optional<std::chrono::milliseconds> timeout;  // --timeout: deadline on each answer (kDefaultTimeout)
  std::filesystem::path fault_library;               // --fault-library: the preload library (default: found)
  bool use_fault_library = true;                     // --no-fault-library turns it off
};

// Rejects contradictory or unknown choices with a usage message (SetupError); fills defaults.
void validate(TargetOptions& options);

// A fresh target as the options describe (one per scenario: each gets its own data directory).
// `seed` chooses where injected storage faults land, like the crash points.
std::unique_ptr<Target> make_target(const TargetOptions& options, std::uint64_t seed);

// The flags that select this target again, for reproduce lines: "--target records --mutant x".
std::string target_flags(const TargetOptions& options);

// The engine's view of the options: make_target and target_flags.
TargetSource target_source(const TargetOptions& options);

}  // namespace savefuzz
