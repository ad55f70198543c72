// Checks on the values SPEC.md section 2 defines: ids, texts, starts, statuses.
#pragma once

#include <cstddef>
#include <string_view>

namespace records {

// Byte limits announced in the hello answer (SPEC.md section 1).
struct Limits {
  std::size_t field_bytes = 16384;
  std::size_t title_bytes = 256;
  std::size_t document_bytes = 1048576;
};

// [A-Za-z0-9_-]{1,64}
bool is_valid_id(std::string_view id);

// Well-formed UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view text);

// YYYY-MM-DDTHH:MM naming a real Gregorian date (year 0001-9999) and time (00:00-23:59).
bool is_valid_start(std::string_view start);

// booked, done or cancelled.
bool is_valid_status(std::string_view status);

}  // namespace records
