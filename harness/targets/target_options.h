// Which target to test, as every savefuzz command selects it: the options, their checks, and
// the targets they make. harness/cli/target_flags.h declares the flags that fill them.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  // Not a flag: what its data directories' names begin with (default kDataDirPrefix). The
  // fuzzers' own, never kept, are told apart, so that remove_abandoned_data_dirs can take those a
  // killed fuzzer left.
  std::string data_dir_prefix;
};

// Rejects contradictory or unknown choices with a usage message (SetupError); fills defaults.
void validate(TargetOptions& options);

// A fresh target as the options describe (one per scenario: each gets its own data directory).
// `seed` chooses where injected storage faults land, like the crash points.
std::unique_ptr<Target> make_target(const TargetOptions& options, std::uint64_t seed);

// The limits its hello gives, what the scenario fuzzers decode their inputs with: the target is
// started once for them (SetupError when it does not start).
Limits hello_limits(const TargetOptions& options);

// The flags that select this target again, for reproduce lines: "--target records --mutant x".
std::string target_flags(const TargetOptions& options);

// The engine's view of the options: make_target and target_flags.
TargetSource target_source(const TargetOptions& options);

// The scenario fuzzers (targets/fuzz/) learn their target from their environment, so that every
// process of a fork-mode run, and a fuzzer run by hand on a crash input, tests what `savefuzz
// fuzz` was told: $SAVEFUZZ_TARGET_CMD (unset: the in-process reference), $SAVEFUZZ_MUTANT,
// $SAVEFUZZ_TIMEOUT, $SAVEFUZZ_NO_FAULT_LIBRARY=1, and $SAVEFUZZ_FAULT_LIBRARY and
// $SAVEFUZZ_DATA_ROOT, which savefuzz reads everywhere. The first four are unset when the options
// do not set them, so that nothing of the caller's environment picks another target.
struct TargetEnvironment {
  std::map<std::string, std::string> set;
  std::vector<std::string> unset;
  // "SAVEFUZZ_MUTANT=x SAVEFUZZ_TARGET_CMD='python3 t.py' ", to go before a command in a reproduce line.
  std::string prefix() const;
};
TargetEnvironment target_environment(const TargetOptions& options);
// The options the environment names; SetupError for a value it cannot read. Not validated.
TargetOptions target_from_environment();

}  // namespace savefuzz
