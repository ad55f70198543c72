// The invariants of SPEC.md section 6, their breach classes, and the harness's own.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace savefuzz {

enum class Invariant : std::uint8_t {
  ack_durable,
  share_preserves_observation,
  appointment_update_preserves_observation,
  exact_round_trip,
  all_or_nothing,
  no_lost_update,
  version_monotonic,
  explicit_errors,
  tenant_isolation,
  share_scope,
  target_alive,     // the target died, hung or exited badly (SPEC.md section 1)
  protocol,         // garbage, a wrong id, an answer with missing or extra keys, a failed hello
  scenario_expect,  // an `expect` written in the scenario did not hold
  reset_clean,      // after `reset` the target answered as a new one on an empty directory would not
};
inline constexpr std::size_t kInvariantCount = 14;

enum class Breach : std::uint8_t { availability, integrity, confidentiality };

std::string_view invariant_name(Invariant i);
// When the invariant holds, in SPEC.md section 6's words.
std::string_view invariant_text(Invariant i);
std::optional<Invariant> invariant_named(std::string_view name);
Breach breach_of(Invariant i);
std::string_view breach_name(Breach b);

}  // namespace savefuzz
