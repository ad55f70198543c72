// `savefuzz fuzz`: runs the libFuzzer entry points with the right flags, corpus folders and
// artifact prefix, then turns what they find into shrunk scenario files.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/cli/report_flags.h"
#include "harness/core/diagnose.h"
#include "harness/targets/target_options.h"

namespace savefuzz {

inline constexpr std::chrono::minutes kDefaultFuzzTime{10};

struct FuzzOptions {
  std::optional<std::chrono::milliseconds> time;  // in all, shared evenly by the fuzzers (kDefaultFuzzTime)
  unsigned jobs = 1;                              // libFuzzer -fork=N for each fuzzer (one job without keep_going: one process)
  std::vector<std::string> fuzzers;               // default: save_path_fuzzer protocol_fuzzer scenario_fuzzer
  bool coverage_only = false;  // the fuzz-cov build (no sanitizers) rather than the fuzz build
  std::filesystem::path fuzzer_dir;               // default: build/fuzz/bin or build/fuzz-cov/bin, else beside savefuzz
  bool value_profile = true;   // -use_value_profile=1 for the scenario fuzzers
  std::filesystem::path corpus_root = "corpus";   // seeds/<fuzzer>/ and dict/<fuzzer>.dict under it
  std::filesystem::path work_dir = "findings/fuzz";  // growing corpora, crash inputs, logs
  std::filesystem::path findings_dir = "findings";   // scenario files of what was found
  // What the scenario fuzzers test (through their environment, target_options.h): the in-process
  // reference unless --target-cmd names a program; --mutant, --timeout and the fault library too.
  TargetOptions target;
  std::vector<std::string> libfuzzer_flags;       // passed through as they are
  bool keep_going = false;  // collect crash inputs until the time is up (else stop at the first)
  bool seeds = true;
  bool shrink = true;
  bool progress = true;  // a live line on a terminal, a "progress:" line every 10 s in a log
  unsigned reproduce = kDefaultReproduce;  // new-target replays of each finding before it is reported
  SarifOptions sarif;
  EventOptions events;  // --events, --report-html
};

// The fuzzers savefuzz runs unless told which.
inline const std::vector<std::string> kDefaultFuzzers{"save_path_fuzzer", "protocol_fuzzer", "scenario_fuzzer"};

// The fuzzers of the chosen build: build/<preset>/bin beside the one savefuzz runs from (both
// builds have their own savefuzz, and a dev build has none), else savefuzz's own folder.
std::filesystem::path default_fuzzer_dir(bool coverage_only);

CLI::App* add_fuzz_command(CLI::App& app, FuzzOptions& options);

// Exit code: 0 nothing found, 1 a finding, 2 usage or set-up error.
int run_fuzz(FuzzOptions options, const std::string& program);

// The libFuzzer flags that steer `fuzzer`'s search, as `savefuzz fuzz` gives them: its dictionary
// from `dict_dir` when there is one (never for plain_save_path_fuzzer, the baseline), and for the
// scenario fuzzers value profiling (unless `value_profile` is false) and the entropic schedule's
// threshold. Benchmarks take them from here, so they measure the fuzzer as it is run.
std::vector<std::string> search_flags(const std::string& fuzzer, const std::filesystem::path& dict_dir,
                                      bool value_profile);

// Runs `argv` (through Subprocess) with its output appended to `log` and `env` naming the target
// until it exits or `deadline` passes (then SIGTERM, and SIGKILL 10 s later), calling `tick`
// (when given) ten times a second meanwhile. Returns its exit code, or 128 + the signal that
// ended it.
int run_logged(const std::vector<std::string>& argv, const TargetEnvironment& env, const std::filesystem::path& log,
               std::chrono::steady_clock::time_point deadline, const std::function<void()>& tick = {});

}  // namespace savefuzz
