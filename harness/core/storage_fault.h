// A storage fault to inject into one request (SPEC.md section 5's `"fault"` step key).
#pragma once

#include <cstdint>

#include "harness/core/json.h"
#include "harness/core/status.h"

namespace savefuzz {

// SPEC.md section 5's `"fault"` on a request step: the n-th write (or sync) the target makes while
// handling the request fails with `error`. The request must then answer `unavailable` (or the
// target dies and is started again), and nothing of it may be visible afterwards.
struct StorageFault {
  enum class On : std::uint8_t { write, sync };
  enum class Errno : std::uint8_t { eio, enospc };
  On on = On::write;
  unsigned n = 1;  // 1-based
  Errno error = Errno::eio;

  bool operator==(const StorageFault&) const = default;
  Json to_json() const;
  static Result<StorageFault> parse(const Json& j);
  int errno_value() const;  // EIO or ENOSPC
};
inline constexpr unsigned kMaxFaultN = 1000;  // a scenario's n or sync K above this is a mistake

}  // namespace savefuzz
