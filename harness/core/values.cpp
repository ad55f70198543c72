// Value rules for the model, kept independent of any target's own checks.
#include "harness/core/values.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>

#include <simdjson.h>

namespace savefuzz {

bool valid_id(std::string_view id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
  });
}

namespace {

// The length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (len == 0 || i + len > s.size()) return 0;
  std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
  for (std::size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

// Below this many bytes a call into simdjson costs more than the loop below (15-30 ns a call).
constexpr std::size_t kVectorFrom = 64;

bool valid_utf8_scalar(std::string_view s) {
  for (std::size_t i = 0, len = 0; i < s.size(); i += len) {
    // ASCII eight bytes at a time: most short texts are names, phones and titles.
    std::uint64_t word;
    if (s.size() - i >= 8 && (std::memcpy(&word, s.data() + i, 8), (word & 0x8080808080808080ULL) == 0)) {
      len = 8;
      continue;
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      len = 1;
      continue;
    }
    if ((len = utf8_sequence(s, i)) == 0) return false;
  }
  return true;
}

}  // namespace

bool valid_utf8(std::string_view s) {
  // The texts generators draw at the limits are 16 KiB of two- or four-byte characters, where the
  // loop above takes about 1 ns a byte, and a fuzz execution has the model check each of its
  // requests twice (once to decode, once to judge the answer): 7% of its time. simdjson checks 64
  // bytes a step with the widest vectors the CPU has (0.04 ns a byte there), and it rejects what
  // SPEC.md's UTF-8 rejects: overlong forms, surrogates, code points above U+10FFFF, cut sequences.
  return s.size() < kVectorFrom ? valid_utf8_scalar(s) : simdjson::validate_utf8(s.data(), s.size());
}

std::string_view utf8_prefix(std::string_view s, std::size_t bytes) {
  if (s.size() <= bytes) return s;
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  return s.substr(0, bytes);
}

std::string to_valid_utf8(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = utf8_sequence(s, i);
    out += len ? s.substr(i, len) : "\xEF\xBF\xBD";  // U+FFFD for each byte that starts no character
    i += len ? len : 1;
  }
  return out;
}

bool valid_text(std::string_view text, std::size_t limit) {
  return text.size() <= limit && text.find('\0') == std::string_view::npos && valid_utf8(text);
}

bool valid_start(std::string_view s) {
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd";
  if (s.size() != kShape.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool digit = s[i] >= '0' && s[i] <= '9';
    if (kShape[i] == 'd' ? !digit : s[i] != kShape[i]) return false;
  }
  auto num = [&](std::size_t pos, std::size_t n) {
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int year = num(0, 4);
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(num(5, 2))},
                                   std::chrono::day{static_cast<unsigned>(num(8, 2))}};
  return year >= 1 && date.ok() && num(11, 2) < 24 && num(14, 2) < 60;
}

bool valid_status(std::string_view status) {
  return status == "booked" || status == "done" || status == "cancelled";
}

}  // namespace savefuzz
