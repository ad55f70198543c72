// The scenario fuzzers' oracle: one run of the runner, and a finding named and reported as
// `savefuzz replay` names and reports it.
#include "targets/fuzz/fuzz_oracle.h"

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "harness/core/asan.h"
#include "harness/core/diagnose.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/target_options.h"

namespace savefuzz::fuzz {
namespace {

// The oracle's data directories, never kept: told from those of savefuzz's commands, which may be.
constexpr std::string_view kFuzzDataDirPrefix = "savefuzz-fuzz-";

records::Mutant mutant() {
  static const records::Mutant m = [] {
    try {
      return records::mutant_from_environment();
    } catch (const std::exception& e) {
      std::cerr << "savefuzz fuzzer: " << e.what() << "\n";
      std::exit(2);
    }
  }();
  return m;
}

}  // namespace

const Limits& target_limits() {
  static const Limits limits = [] {
    InProcessTarget t(InProcessOptions{.mutant = mutant()});
    if (auto fault = t.start()) {
      std::cerr << "savefuzz fuzzer: the reference target does not start: " << fault->detail << "\n";
      std::exit(2);
    }
    return t.limits();
  }();
  return limits;
}

void check_or_abort(const Scenario& scenario, const char* replay_hint) {
  // One target for every input: each run starts it afresh (a new in-memory store, its data
  // directory emptied), so nothing of an input reaches the next, and no input pays for a new
  // target and directory. It stops before the input ends (see InProcessTarget::stop).
  static std::optional<InProcessTarget> target;
  if (!target) {
    // Its directory goes with it, except when the fuzzer ends without destructors (a timeout, an
    // out-of-memory exit, a sanitizer report): those earlier fuzzers left go now.
    remove_abandoned_data_dirs(default_data_root(), kFuzzDataDirPrefix);
    target.emplace(InProcessOptions{.mutant = mutant(), .data_dir_prefix = std::string(kFuzzDataDirPrefix)});
  }
  // A finding keeps no data directory: `savefuzz replay` of the scenario keeps one, and the
  // fuzzer's, on a tmpfs, would outlive the abort below: one per crash of a night's fuzzing.
  RunnerOptions runner{true, 0};
  runner.keep_data = false;
  RunResult r = run_scenario(scenario, *target, runner);
  if (!r.finding) {
    target->stop();
    return;
  }
  target.reset();  // its data directory goes now: the abort skips destructors
  TargetOptions reference;
  reference.builtin = "records";
  if (mutant() != records::Mutant::none) reference.mutant = records::mutant_name(mutant());
  // Named as `savefuzz replay` of the scenario names it: where the divergence first shows
  // (diagnose.h), a few runs more on new targets, once per finding.
  Finding finding = diagnose(scenario, *r.finding, target_source(reference), runner, {false, true, 0, {}, {}}).finding;
  Report report;
  report.replay.target_flags = target_flags(reference);
  std::string file = "SCENARIO.json";
  print_outcome(std::cerr, report, {file, scenario.name, finding, {}, r.requests, 0});
  std::cerr << "savefuzz: the scenario is the input libFuzzer saves below (CRASH_FILE); " << replay_hint << "\n";
  std::abort();
}

}  // namespace savefuzz::fuzz

// The coverage-only build has the UBSan runtime (-fsanitize=fuzzer links it) only for the stack
// trace libFuzzer prints on a crash. A finding here is a savefuzz report (invariant, scenario,
// command) ending in an abort, and symbolizing that abort's trace took 0.18 s, half the time to
// an easy mutant. So its frames stay module+offset (UBSAN_OPTIONS=symbolize=1 names them); the
// ASan build, whose reports are memory errors read by their frames, keeps symbolizing.
#ifndef SAVEFUZZ_ASAN
extern "C" const char* __ubsan_default_options() { return "symbolize=0"; }
#endif
