// The scenario fuzzers' oracle: one run of the runner, and a finding named and reported as
// `savefuzz replay` names and reports it.
#include "targets/fuzz/fuzz_oracle.h"

#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "harness/core/asan.h"
#include "harness/core/diagnose.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/core/session.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/target_options.h"

namespace savefuzz::fuzz {
namespace {

// The oracle's data directories, never kept: told from those of savefuzz's commands, which may be.
constexpr std::string_view kFuzzDataDirPrefix = "savefuzz-fuzz-";

// The target its environment names (target_options.h), checked once: a bad one stops the fuzzer
// before any input.
const TargetOptions& options() {
  static const TargetOptions o = [] {
    try {
      TargetOptions o = target_from_environment();
      validate(o);
      o.data_dir_prefix = kFuzzDataDirPrefix;
      return o;
    } catch (const std::exception& e) {
      std::cerr << "savefuzz fuzzer: " << e.what() << "\n";
      std::exit(2);
    }
  }();
  return o;
}

bool in_process() { return options().command.empty(); }

// Appends `text` to the file the environment variable `variable` names, if it names one: how a
// fuzzer process tells `savefuzz fuzz` what fork mode's jobs would print to logs libFuzzer deletes.
void append_to_file_in(const char* variable, const std::string& text) {
  const char* path = std::getenv(variable);
  if (!path || !*path) return;
  if (std::FILE* f = std::fopen(path, "a")) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
}

// A program's starts are where a fuzzer's time goes on it (every restart, crash or power loss of
// an input is one). As a fuzzer process exits, it appends what its target counted to the file
// $SAVEFUZZ_START_STATS names, one line "starts N seconds S resets R": `savefuzz fuzz` sums them
// over fork mode's jobs, whose own output never reaches its log. A finding writes them before
// its abort, which skips the exit handler; a timeout or an out-of-memory exit writes nothing, and
// that process's starts are not counted.
void append_start_stats(const Target& target) {
  StartStats st = target.start_stats();
  std::ostringstream line;
  line << std::fixed << std::setprecision(3) << "starts " << st.starts << " seconds " << st.seconds << " resets "
       << st.resets << "\n";
  append_to_file_in("SAVEFUZZ_START_STATS", line.str());
}

}  // namespace

const Limits& target_limits() {
  static const Limits limits = [] {
    try {
      return hello_limits(options());
    } catch (const std::exception& e) {
      std::cerr << "savefuzz fuzzer: " << e.what() << "\n";
      std::exit(2);
    }
  }();
  return limits;
}

void check_or_abort(const Scenario& scenario, const char* replay_hint) {
  // One target for every input. The in-process reference starts afresh each run (a new in-memory
  // store, its data directory emptied), so nothing of an input reaches the next and no input pays
  // for a new target and directory; it stops before the input ends (see InProcessTarget::stop).
  // A process target is reset in place when it lists the feature (SPEC.md section 8), else started
  // anew, and started anew every kDefaultFreshEvery inputs, as `savefuzz run` does.
  static std::unique_ptr<Target> target;
  static std::size_t runs = 0;
  if (!target) {
    // Its directory goes with it, except when the fuzzer ends without destructors (a timeout, an
    // out-of-memory exit, a sanitizer report): those earlier fuzzers left go now.
    remove_abandoned_data_dirs(options().data_root, kFuzzDataDirPrefix);
    target = make_target(options(), 0);
    // Registered after `target` was made: it runs before its destructor.
    if (!in_process()) std::atexit([] {
        if (target) append_start_stats(*target);
      });
  }
  // A finding keeps no data directory: `savefuzz replay` of the scenario keeps one, and the
  // fuzzer's, on a tmpfs, would outlive the abort below: one per crash of a night's fuzzing.
  RunnerOptions runner{true, 0};
  runner.keep_data = false;
  runner.reuse = !in_process() && runs++ % kDefaultFreshEvery != 0;
  RunResult r = run_scenario(scenario, *target, runner);
  if (!r.finding) {
    if (in_process()) static_cast<InProcessTarget&>(*target).stop();
    return;
  }
  if (!in_process()) append_start_stats(*target);  // the abort skips the exit handler too
  target.reset();  // its data directory goes now: the abort skips destructors
  // Named as `savefuzz replay` of the scenario names it: where the divergence first shows
  // (diagnose.h), a few runs more on new targets, once per finding.
  runner.reuse = false;
  Finding finding = diagnose(scenario, *r.finding, target_source(options()), runner, {false, true, 0, {}, {}}).finding;
  Report report;
  report.replay.target_flags = target_flags(options());
  std::string file = "SCENARIO.json";
  std::ostringstream out;
  print_outcome(out, report, {file, scenario.name, finding, {}, r.requests, 0});
  out << "savefuzz: the scenario is the input libFuzzer saves below (CRASH_FILE); " << replay_hint << "\n";
  std::cerr << out.str();
  // Fork mode's jobs write to logs libFuzzer deletes: the report is kept in $SAVEFUZZ_FINDING_LOG
  // too, for a finding that the replay of its crash input does not show again (one that hangs on
  // timing, on a program's state outside its data directory).
  append_to_file_in("SAVEFUZZ_FINDING_LOG", out.str());
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
