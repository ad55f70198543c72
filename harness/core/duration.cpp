// Parsing and printing durations.
#include "harness/core/duration.h"

#include <cctype>

namespace savefuzz {

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 12) return std::nullopt;
  long long n = std::stoll(text.substr(0, i));
  std::string unit = text.substr(i);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "m") return std::chrono::milliseconds(n * 60'000);
  if (unit == "h") return std::chrono::milliseconds(n * 3'600'000);
  return std::nullopt;
}

std::string format_duration(std::chrono::milliseconds d) {
  // The first unit that gives an exact count under 100 ("60s", "10m", "2h"), else the largest exact one.
  long long ms = d.count();
  struct Unit {
    long long ms;
    const char* suffix;
  };
  constexpr Unit kUnits[] = {{1000, "s"}, {60'000, "m"}, {3'600'000, "h"}};
  const Unit* exact = nullptr;
  for (const Unit& u : kUnits) {
    if (ms % u.ms != 0) continue;
    exact = &u;
    if (ms / u.ms < 100) break;
  }
  if (!exact) return std::to_string(ms) + "ms";
  return std::to_string(ms / exact->ms) + exact->suffix;
}

}  // namespace savefuzz
