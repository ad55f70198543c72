// The value rules of SPEC.md section 2 and 4a, as the model judges them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace savefuzz {

bool valid_id(std::string_view id);                       // [A-Za-z0-9_-]{1,64}
bool valid_text(std::string_view text, std::size_t limit);  // UTF-8, no U+0000, at most `limit` bytes
bool valid_utf8(std::string_view text);
// `bytes` with every byte that starts no valid character replaced by U+FFFD: JSON strings carry
// only UTF-8, so raw fuzzer bytes become text this way.
std::string to_valid_utf8(std::string_view bytes);
// The longest prefix of `s` within `bytes` that does not end inside a UTF-8 sequence: a text
// shortened for a log, a page or a generated value keeps whole characters.
std::string_view utf8_prefix(std::string_view s, std::size_t bytes);
bool valid_start(std::string_view start);                 // YYYY-MM-DDTHH:MM, a real date and time
bool valid_status(std::string_view status);               // booked, done, cancelled

}  // namespace savefuzz
