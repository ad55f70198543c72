// Typed answers: what a target said, or what the model predicts, minus the free-text message.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/core/op_table.h"
#include "harness/core/status.h"

namespace savefuzz {

enum class ErrorCode : std::uint8_t { invalid, not_found, exists, forbidden, conflict, unavailable };
inline constexpr std::size_t kErrorCodeCount = 6;
std::string_view error_name(ErrorCode c);
std::optional<ErrorCode> error_from_name(std::string_view name);

struct ObservationView {
  std::array<std::string, 4> fields;  // indexed like kFieldNames
  std::int64_t version = 0;
  bool operator==(const ObservationView&) const = default;
};

struct DocumentView {
  std::string title, content;
  bool operator==(const DocumentView&) const = default;
};

struct ListedAppointment {
  std::string appointment, start, status;
  std::array<std::string, 3> practitioner;  // id, name, specialty
  std::array<std::string, 6> patient;       // id, name, first_name, sex, phone, email
  bool operator==(const ListedAppointment&) const = default;
};

struct Response {
  std::optional<ErrorCode> error;  // empty: ok
  std::variant<std::monostate, std::int64_t, ObservationView, DocumentView, std::vector<ListedAppointment>> body;

  bool ok() const { return !error; }
  static Response failure(ErrorCode c) { return {c, {}}; }
  bool operator==(const Response&) const = default;
};

// The answer as JSON, without id and message: for reports and scenario files.
Json to_json(const Response& r);

// Reads an answer object (id already checked) strictly: exactly the keys the contract lists for
// `op` (SPEC.md 4a.14), or why it is not such an answer.
Result<Response> decode_answer(const Json& answer, std::optional<Op> op);

}  // namespace savefuzz
