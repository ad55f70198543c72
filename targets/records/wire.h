// The target's JSON edge: strict parsing of one request line, rendering of one answer line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

namespace records {

using Json = nlohmann::ordered_json;

struct ParsedLine {
  std::optional<Json> value;  // empty when the line is not acceptable JSON
  std::string error;          // why, when value is empty
};

// Parses a line as SPEC.md 4a.2 demands: valid UTF-8 only, no lone surrogates, no duplicate keys
// in any object, no NaN/Infinity, no comments; and no nesting deeper than any request needs.
ParsedLine parse_line(std::string_view line);

// A JSON integer in the signed 64-bit range (a number without fraction or exponent).
std::optional<std::int64_t> as_int64(const Json& v);

// {key: value, ...} from alternating keys and values, built member by member: a braced list
// (Json{{"k", v}}) makes and copies a JSON array per member first, several allocations per
// answer, and every request of a fuzzing run gets an answer.
inline void add_members(Json&) {}
template <class Value, class... Rest>
void add_members(Json& object, const char* key, Value&& value, Rest&&... rest) {
  object[key] = std::forward<Value>(value);
  add_members(object, std::forward<Rest>(rest)...);
}
template <class... KeysAndValues>
Json object_of(KeysAndValues&&... members) {
  Json object = Json::object();
  object.get_ref<Json::object_t&>().reserve(sizeof...(KeysAndValues) / 2);
  add_members(object, std::forward<KeysAndValues>(members)...);
  return object;
}

// One line of compact JSON, UTF-8 kept as is.
std::string render(const Json& v);

}  // namespace records
