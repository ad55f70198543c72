// Strict request parsing on top of nlohmann::json's parser callback.
#include "targets/records/wire.h"

#include <limits>
#include <set>
#include <vector>

namespace records {
namespace {

// No request nests deeper than request -> fields -> value; anything far deeper is hostile input
// and is rejected before it costs memory.
constexpr int kMaxDepth = 16;

struct Rejected {
  std::string why;
};

}  // namespace

ParsedLine parse_line(std::string_view line) {
  // One key set per open object: a duplicate key anywhere makes the request invalid, where
  // nlohmann::json alone would silently keep the last value.
  std::vector<std::set<std::string>> open_objects;
  auto callback = [&](int depth, Json::parse_event_t event, Json& parsed) -> bool {
    if (depth > kMaxDepth) throw Rejected{"nesting deeper than " + std::to_string(kMaxDepth)};
    switch (event) {
      case Json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case Json::parse_event_t::object_end:
        open_objects.pop_back();
        break;
      case Json::parse_event_t::key:
        if (!open_objects.back().insert(parsed.get<std::string>()).second)
          throw Rejected{"duplicate key \"" + parsed.get<std::string>() + "\""};
        break;
      default:
        break;
    }
    return true;
  };
  try {
    return {Json::parse(line.begin(), line.end(), callback, /*allow_exceptions=*/true,
                        /*ignore_comments=*/false),
            {}};
  } catch (const Rejected& r) {
    return {std::nullopt, r.why};
  } catch (const Json::exception& e) {
    return {std::nullopt, e.what()};
  }
}

std::optional<std::int64_t> as_int64(const Json& v) {
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (v.is_number_integer()) return v.get<std::int64_t>();
  return std::nullopt;
}

std::string render(const Json& v) { return v.dump(-1, ' ', false, Json::error_handler_t::strict); }

}  // namespace records
