// Value checks of SPEC.md section 2 and 4a, kept free of JSON and storage.
#include "targets/records/values.h"

#include <bit>
#include <cstdint>
#include <cstring>

namespace records {

bool is_valid_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (unsigned char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

namespace {

// Whether eight bytes read little-endian are four two-byte characters (é, ü, ç...), the bulk of
// accented text: each pair a lead 110xxxxx other than C0 or C1 (overlong), then 10xxxxxx.
bool four_two_byte_characters(std::uint64_t word) {
  if constexpr (std::endian::native != std::endian::little) return false;
  constexpr std::uint64_t kShapeBits = 0xC0E0C0E0C0E0C0E0ULL, kShape = 0x80C080C080C080C0ULL;
  // A lead's bits 1-4 are not all zero: adding 0xFF to each pair's low byte carries into bit 8.
  constexpr std::uint64_t kLeadBits = 0x001E001E001E001EULL, kAdd = 0x00FF00FF00FF00FFULL,
                          kCarries = 0x0100010001000100ULL;
  return (word & kShapeBits) == kShape && (((word & kLeadBits) + kAdd) & kCarries) == kCarries;
}

}  // namespace

bool is_valid_utf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  while (p < end) {
    // Eight ASCII bytes, or four two-byte characters, at a time: texts run to 64 KiB.
    std::uint64_t word;
    if (end - p >= 8) {
      std::memcpy(&word, p, 8);
      if ((word & 0x8080808080808080ULL) == 0 || four_two_byte_characters(word)) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int extra;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte first, C0/C1 overlong lead, or F5..FF
    }
    if (end - p <= extra) return false;
    for (int i = 1; i <= extra; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    p += extra + 1;
  }
  return true;
}

namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

int days_in_month(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

bool is_valid_start(std::string_view s) {
  // 0123456789012345
  // YYYY-MM-DDTHH:MM
  if (s.size() != 16 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':') return false;
  int year, month, day, hour, minute;
  if (!digits(s, 0, 4, year) || !digits(s, 5, 2, month) || !digits(s, 8, 2, day) ||
      !digits(s, 11, 2, hour) || !digits(s, 14, 2, minute))
    return false;
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (day > days_in_month(year, month)) return false;
  return hour <= 23 && minute <= 59;
}

bool is_valid_status(std::string_view status) {
  return status == "booked" || status == "done" || status == "cancelled";
}

}  // namespace records
