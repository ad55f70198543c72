// The one interface to the thing under test: call, restart, crash, crash_during.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "harness/model.h"
#include "harness/op_table.h"

namespace savefuzz {

// A target that broke the transport contract (SPEC.md section 1): each is a finding, with evidence.
struct TargetFault {
  enum class Kind { died, hung, garbage, wrong_id, bad_exit, handshake };
  Kind kind;
  std::string detail;       // what happened, quoting the offending line or exit status
  std::string stderr_tail;  // the last lines the target wrote to stderr
};
std::string_view fault_name(TargetFault::Kind k);

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

  virtual Limits limits() const = 0;
  virtual std::string describe() const = 0;
  // Keep the data directory when the target is destroyed (a finding wants it); returns its path.
  virtual std::string keep_data() = 0;
};

// The harness itself cannot run: missing binary, no data root, bad options. Never a finding.
struct SetupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace savefuzz
