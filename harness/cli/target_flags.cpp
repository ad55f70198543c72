// Target and duration flags. Each default shown in --help is the constant the code uses.
#include "harness/cli/target_flags.h"

#include <algorithm>
#include <thread>

#include "harness/core/duration.h"
#include "harness/targets/data_dir.h"
#include "harness/targets/process_target.h"

namespace savefuzz {

unsigned default_jobs() { return std::max(1u, std::thread::hardware_concurrency()); }

void add_reuse_options(CLI::App& app, ReuseOptions& reuse, unsigned& jobs) {
  jobs = default_jobs();
  app.add_option("-j,--jobs", jobs, "parallel workers, each with its own target and data directories (default: one per core)")
      ->check(CLI::Range(1u, 1024u));
  app.add_flag("!--no-reset", reuse.reset,
               "start a new target process for every scenario, even when the target lists the reset feature");
  app.add_option("--fresh-every", reuse.fresh_every,
                 "a target that resets starts anew after this many scenarios (default " +
                     std::to_string(kDefaultFreshEvery) + ")")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30));
}

void add_reproduce_option(CLI::App& app, unsigned& times) {
  app.add_option("--reproduce", times,
                 "replay each finding this many times on new targets before reporting it; a finding that "
                 "does not always fail again is reported as flaky, never dropped (0: skip)")
      ->capture_default_str()
      ->check(CLI::Range(0u, 100u));
}

void add_duration_option(CLI::App& app, const std::string& name, std::optional<std::chrono::milliseconds>& out,
                         const std::string& help) {
  app.add_option_function<std::string>(
      name,
      [&out, name](const std::string& v) {
        auto d = parse_duration(v);
        if (!d || d->count() <= 0) throw CLI::ValidationError(name, "expects a duration such as 500ms, 60s, 10m or 2h");
        out = *d;
      },
      help);
}

void add_target_options(CLI::App& app, TargetOptions& o) {
  app.add_option("--target", o.builtin, "a built-in target: 'records' (the reference save path, in-process)");
  app.add_option("--target-cmd", o.command,
                 "a program speaking docs/protocol.md, with its arguments, e.g. 'build/dev/bin/records-server'");
  app.add_option("--mutant", o.mutant,
                 "switch on one bug of the reference target (records-server --list-mutants); with --target-cmd it "
                 "is passed on as --mutant NAME, for the program to judge (a bug planted in your adapter)");
  app.add_option("--data-root", o.data_root,
                 "where targets' data directories are made (default: " + default_data_root().string() + ")");
  add_duration_option(app, "--timeout", o.timeout,
                      "deadline on every answer and on a clean exit (default " + format_duration(kDefaultTimeout) + ")");
  app.add_option("--fault-library", o.fault_library,
                 "the preload library that lets savefuzz crash a --target-cmd at an exact sync, fail its n-th write "
                 "or sync and simulate power loss (default: libsavefuzz_faults.so beside savefuzz, or "
                 "$SAVEFUZZ_FAULT_LIBRARY)");
  app.add_flag("!--no-fault-library", o.use_fault_library,
               "run a --target-cmd without the preload library: crash_during steps land at timed points, and "
               "scenarios with power_loss or a storage fault are not runnable");
}

void add_fault_options(CLI::App& app, FaultMix& f) {
  app.add_option("--io-faults", f.io_percent,
                 "percent of generated requests whose n-th write or sync fails with EIO or ENOSPC (SPEC.md section 5)")
      ->check(CLI::Range(0u, 100u))
      ->capture_default_str();
  app.add_flag("!--no-power-loss", f.power_loss, "generate no power_loss steps");
  app.add_flag("!--no-sync-crashes", f.sync_crashes,
               "crash_during steps land at a point picked from the seed, not at an exact sync");
  app.add_flag_callback(
      "--no-faults", [&f] { f = FaultMix{}; },
      "generate no fault step: no storage fault, no power loss, no crash at a sync");
}

}  // namespace savefuzz
