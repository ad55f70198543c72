// Request key reading and value validation.
#include "targets/records/request.h"

#include <algorithm>

#include "targets/records/store.h"
#include "targets/records/values.h"

namespace records {

std::string_view error_code_name(ErrorCode c) {
  switch (c) {
    case ErrorCode::invalid: return "invalid";
    case ErrorCode::not_found: return "not_found";
    case ErrorCode::exists: return "exists";
    case ErrorCode::forbidden: return "forbidden";
    case ErrorCode::conflict: return "conflict";
    case ErrorCode::unavailable: return "unavailable";
  }
  return "invalid";
}

void reject(ErrorCode code, std::string message) { throw Rejection{code, std::move(message)}; }

const Json* Request::lookup(const char* key, bool required) {
  known(key);
  auto it = object_.find(key);
  if (it == object_.end()) {
    if (required) reject(ErrorCode::invalid, std::string("missing key \"") + key + "\"");
    return nullptr;
  }
  // SPEC.md 4a.5: an optional key given as null is invalid, like any wrong type.
  if (it->is_null()) reject(ErrorCode::invalid, std::string("\"") + key + "\" is null");
  return &*it;
}

std::string Request::id(const char* key) {
  const Json& v = *lookup(key, true);
  if (!v.is_string() || !is_valid_id(v.get_ref<const std::string&>()))
    reject(ErrorCode::invalid, std::string("\"") + key + "\" is not an id ([A-Za-z0-9_-]{1,64})");
  return v.get<std::string>();
}

std::string Request::checked_text(const Json& v, const char* key, std::size_t limit) {
  if (!v.is_string()) reject(ErrorCode::invalid, std::string("\"") + key + "\" is not a string");
  const auto& s = v.get_ref<const std::string&>();
  if (s.find('\0') != std::string::npos) reject(ErrorCode::invalid, std::string("\"") + key + "\" contains U+0000");
  if (!is_valid_utf8(s)) reject(ErrorCode::invalid, std::string("\"") + key + "\" is not valid UTF-8");
  if (s.size() > limit)
    reject(ErrorCode::invalid, std::string("\"") + key + "\" is " + std::to_string(s.size()) +
                                   " bytes, over the limit of " + std::to_string(limit));
  return s;
}

std::string Request::text(const char* key, std::size_t limit) { return checked_text(*lookup(key, true), key, limit); }

std::string Request::start(const char* key) {
  auto s = optional_start(key);
  if (!s) reject(ErrorCode::invalid, std::string("missing key \"") + key + "\"");
  return *s;
}

std::optional<std::string> Request::optional_start(const char* key) {
  const Json* v = lookup(key, false);
  if (!v) return std::nullopt;
  if (!v->is_string() || !is_valid_start(v->get_ref<const std::string&>()))
    reject(ErrorCode::invalid, std::string("\"") + key + "\" is not a real YYYY-MM-DDTHH:MM");
  return v->get<std::string>();
}

std::optional<std::string> Request::optional_status(const char* key) {
  const Json* v = lookup(key, false);
  if (!v) return std::nullopt;
  if (!v->is_string() || !is_valid_status(v->get_ref<const std::string&>()))
    reject(ErrorCode::invalid, std::string("\"") + key + "\" is not booked, done or cancelled");
  return v->get<std::string>();
}

std::optional<std::int64_t> Request::optional_integer(const char* key) {
  const Json* v = lookup(key, false);
  if (!v) return std::nullopt;
  auto n = as_int64(*v);
  // Out of the signed 64-bit range is answered invalid (SPEC.md 4a.5 allows conflict or invalid).
  if (!n) reject(ErrorCode::invalid, std::string("\"") + key + "\" is not a 64-bit integer");
  return n;
}

GivenFields Request::fields(const char* key) {
  const Json& v = *lookup(key, true);
  if (!v.is_object() || v.empty())
    reject(ErrorCode::invalid, std::string("\"") + key + "\" must be an object with 1 to 4 fields");
  GivenFields given;
  for (const auto& [name, value] : v.items()) {
    std::size_t i = 0;
    while (i < kFieldNames.size() && kFieldNames[i] != name) ++i;
    if (i == kFieldNames.size()) reject(ErrorCode::invalid, "unknown observation field \"" + name + "\"");
    given[i] = checked_text(value, kFieldNames[i].data(), SIZE_MAX);
  }
  return given;
}

void Request::finish() {
  for (const auto& [key, value] : object_.items())
    if (std::find(read_.begin(), read_.end(), key) == read_.end())
      reject(ErrorCode::invalid, "unknown key \"" + key + "\"");
}

}  // namespace records
