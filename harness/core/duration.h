// Durations as users write them in flags: "250ms", "60s", "10m", "2h", or bare seconds.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace savefuzz {

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);
// An exact form parse_duration reads back, in the unit people write: "60s", "10m", "2h", "1500ms".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace savefuzz
