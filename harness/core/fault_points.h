// Where seed-chosen faults land: the crash points of crash_during steps without "at" and the tear
// of a power loss, chosen from a seed (and a request's content), so a run replays exactly.
#pragma once

#include <cstddef>
#include <cstdint>

#include "harness/core/json.h"

namespace savefuzz {

// A well-mixed 32-bit value from a seed and a number.
std::uint32_t crash_point(std::uint64_t seed, std::size_t n);

// Where a crash_during of `request` lands under `seed`. It depends on the request's content, not
// its position, so shrinking away other steps does not move the crash.
std::uint32_t crash_point_for(std::uint64_t seed, const Json& request);

}  // namespace savefuzz
