// The one interface to the thing under test: call, restart, crash, crash_during. The engine
// (runner, campaign, shrinker) sees targets only through it; harness/targets/ implements it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "harness/core/json.h"
#include "harness/core/limits.h"
#include "harness/core/status.h"
#include "harness/core/storage_fault.h"

namespace savefuzz {

// A target that broke the transport contract (SPEC.md section 1): each is a finding, with evidence.
struct TargetFault {
  enum class Kind { died, hung, garbage, wrong_id, bad_exit, handshake };
  Kind kind;
  std::string detail;       // what happened, quoting the offending line or exit status
  std::string stderr_tail;  // the last lines the target wrote to stderr
};

constexpr std::string_view fault_name(TargetFault::Kind k) {
  switch (k) {
    case TargetFault::Kind::died: return "died";
    case TargetFault::Kind::hung: return "hung";
    case TargetFault::Kind::garbage: return "garbage";
    case TargetFault::Kind::wrong_id: return "wrong-id";
    case TargetFault::Kind::bad_exit: return "bad-exit";
    case TargetFault::Kind::handshake: return "handshake";
  }
  return "died";
}

// Process starts (a start or restart: spawn, hello, and a restart's wait for the exit) and what
// they cost: the schedule weighs them against steps, the summary reports them. In-process
// targets start no process and count nothing.
struct StartStats {
  std::uint64_t starts = 0;
  double seconds = 0;
  std::uint64_t resets = 0;  // resets done in place, instead of a start

  void add(const StartStats& o) {
    starts += o.starts;
    seconds += o.seconds;
    resets += o.resets;
  }
};

// An answer object whose id matched, or the fault that prevented one.
using Reply = std::variant<Json, TargetFault>;

// Which of SPEC.md section 5's fault steps a target runs exactly. A crash_during "at" a sync falls
// back to a crash point chosen from the seed where sync crashes are not supported; a power_loss
// or a request with a "fault" makes the scenario not runnable there (never passed).
struct FaultSupport {
  bool sync_crash = false;
  bool power_loss = false;
  bool io_faults = false;
  std::string why_not;  // when any is false: why, for the summary ("the fault library did not load")
};

// Where a crash_during kills the target: inside its `sync`-th sync call while handling the request
// (or right after its answer when it makes fewer), or, without `sync` or without support for it,
// at a point derived from `point` (deterministic for a given value).
struct CrashAt {
  std::optional<unsigned> sync;
  std::uint32_t point = 0;
};

class Target {
 public:
  virtual ~Target() = default;

  // Starts the target on a fresh data directory and says hello. A fault here is a finding; a
  // target that cannot be started at all throws SetupError.
  virtual std::optional<TargetFault> start() = 0;
  virtual Reply call(const Json& request) = 0;  // request without id: the target numbers it
  virtual std::optional<TargetFault> restart() = 0;
  virtual std::optional<TargetFault> crash() = 0;
  // Sends `request`, kills the target without reading the answer where `at` says, and starts it
  // again.
  virtual std::optional<TargetFault> crash_during(const Json& request, const CrashAt& at) = 0;
  // Kills the target, drops every write it made since its last completed sync of each file
  // (tearing the last at a 512-byte boundary chosen by `tear`), and starts it again. Called only
  // when fault_support().power_loss.
  virtual std::optional<TargetFault> power_loss(std::uint32_t tear);
  // call() with `fault` armed for this request. `fired` tells whether the target made the n-th
  // write or sync, which then failed. Called only when fault_support().io_faults.
  virtual Reply call_with_fault(const Json& request, const StorageFault& fault, bool& fired);
  virtual FaultSupport fault_support() const { return {false, false, false, "not supported by " + describe()}; }
  // Empties the target as SPEC.md section 8's `reset` does: in place when it runs and listed the
  // feature; otherwise by start(), since a new process on an empty data directory is exactly what
  // a reset must equal.
  virtual std::optional<TargetFault> reset() { return start(); }
  // Whether reset() would now work in place, without a new process.
  virtual bool resets_in_place() const { return false; }
  virtual StartStats start_stats() const { return {}; }

  virtual Limits limits() const = 0;
  virtual std::string describe() const = 0;
  // Keep the data directory when the target is destroyed (a finding wants it); returns its path.
  virtual std::string keep_data() = 0;
};

// Where the engine gets its targets: a fresh one for every case and every shrink try (`seed`
// chooses where injected storage faults land), and the flags that select the same target again
// on savefuzz's command line, for reproduce lines.
struct TargetSource {
  std::function<std::unique_ptr<Target>(std::uint64_t seed)> make;
  std::string flags;  // "--target records --mutant share-skips-save"
};

}  // namespace savefuzz
