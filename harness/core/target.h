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

class Target {
 public:
  virtual ~Target() = default;

  // Starts the target on a fresh data directory and says hello. A fault here is a finding; a
  // target that cannot be started at all throws SetupError.
  virtual std::optional<TargetFault> start() = 0;
  virtual Reply call(const Json& request) = 0;  // request without id: the target numbers it
  virtual std::optional<TargetFault> restart() = 0;
  virtual std::optional<TargetFault> crash() = 0;
  // Sends `request`, kills the target without reading the answer at a point chosen by
  // `crash_point` (deterministic for a given value), and starts it again.
  virtual std::optional<TargetFault> crash_during(const Json& request, std::uint32_t crash_point) = 0;
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
