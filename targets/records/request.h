// Reading the keys of one request: types and values of SPEC.md sections 2 and 4a.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "targets/records/wire.h"

namespace records {

enum class ErrorCode { invalid, not_found, exists, forbidden, conflict, unavailable };

std::string_view error_code_name(ErrorCode c);

// A request that gets an error answer. Thrown inside the service, turned into an answer at its edge.
struct Rejection {
  ErrorCode code;
  std::string message;
};

[[noreturn]] void reject(ErrorCode code, std::string message);

// The observation fields given in a save, indexed like kFieldNames.
using GivenFields = std::array<std::optional<std::string>, 4>;

// Reads one request's keys. Every accessor throws an `invalid` Rejection on a missing key, a
// wrong JSON type or a bad value; finish() rejects keys that were never asked for. Handlers read
// every key before their first lookup, so `invalid` always wins over later error kinds.
class Request {
 public:
  explicit Request(const Json& object) : object_(object) { read_.reserve(16); }

  std::string id(const char* key);
  std::string text(const char* key, std::size_t limit_bytes);
  std::string start(const char* key);
  std::optional<std::string> optional_start(const char* key);
  std::optional<std::string> optional_status(const char* key);
  std::optional<std::int64_t> optional_integer(const char* key);
  // 1 to 4 of the observation fields, each a text; byte limits are the caller's to check.
  GivenFields fields(const char* key);
  void finish();
  // Marks a key read elsewhere (the dispatcher reads "id" and "op").
  void known(const char* key) { read_.emplace_back(key); }

 private:
  const Json* lookup(const char* key, bool required);
  std::string checked_text(const Json& v, const char* key, std::size_t limit_bytes);

  const Json& object_;
  // The keys asked for, string literals all: a request has a dozen keys at most, and a set would
  // allocate for each one (every request of a fuzzing run goes through here).
  std::vector<std::string_view> read_;
};

}  // namespace records
