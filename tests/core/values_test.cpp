// The model's UTF-8 rule, short texts (checked by a loop) and long ones (checked by simdjson) alike.
#include "harness/core/values.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace savefuzz {
namespace {

struct Piece {
  std::string bytes;
  bool valid;
};

// Valid pieces are whole characters; invalid ones stay invalid whatever comes before or after
// them, since no valid piece starts with a continuation byte or ends inside a character.
const std::vector<Piece> kPieces = {
    {"a", true},
    {"observation ", true},
    {"\xC3\xA9", true},                  // é
    {"\xE2\x86\x92", true},              // →
    {"\xF0\x9F\x98\xB7", true},          // 😷
    {"\xF4\x8F\xBF\xBF", true},          // U+10FFFF
    {"\xEF\xBF\xBD", true},              // U+FFFD
    {"\xC0\xAF", false},                 // overlong '/'
    {"\xE0\x80\xAF", false},             // overlong '/', three bytes
    {"\xED\xA0\x80", false},             // U+D800
    {"\xED\xBF\xBF", false},             // U+DFFF
    {"\xF4\x90\x80\x80", false},         // above U+10FFFF
    {"\xC3" "a", false},                 // cut short
    {"\xF0\x9F\x98" "a", false},         // cut short
    {"\x80", false},                     // continuation first
    {"\xFF", false},
};

TEST(ValidUtf8, RejectsEachMalformedFormAtEveryPositionOfAShortOrLongText) {
  for (std::size_t size : {0, 7, 8, 63, 64, 65, 127, 16384}) {
    std::string base;
    while (base.size() < size) base += base.size() % 3 ? "a" : "\xC3\xA9";
    ASSERT_TRUE(valid_utf8(base)) << size;
    for (const auto& piece : kPieces) {
      // Every offset near the start, the 64-byte blocks' edges and the end; every 61st elsewhere.
      for (std::size_t at = 0; at <= base.size(); ++at) {
        bool near_edge = at < 10 || at % 64 < 5 || at % 64 > 59 || base.size() - at < 10;
        if (!near_edge && at % 61 != 0) continue;
        // Only between characters of the base, so that the piece alone decides.
        if (at < base.size() && (static_cast<unsigned char>(base[at]) & 0xC0) == 0x80) continue;
        std::string text = base.substr(0, at) + piece.bytes + base.substr(at);
        EXPECT_EQ(valid_utf8(text), piece.valid) << "size " << text.size() << ", at " << at << ", piece "
                                                 << &piece - kPieces.data();
      }
    }
  }
}

TEST(ValidUtf8, AgreesWithThePiecesItIsMadeOf) {
  std::mt19937 rng(17);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    bool valid = true;
    std::size_t target = std::uniform_int_distribution<std::size_t>(0, 300)(rng);
    while (text.size() < target) {
      // Mostly valid pieces, so that an invalid one lands anywhere, or nowhere.
      const auto& piece = kPieces[std::uniform_int_distribution<std::size_t>(0, kPieces.size() - 1)(rng)];
      if (!piece.valid && std::uniform_int_distribution<int>(0, 20)(rng) != 0) continue;
      text += piece.bytes;
      valid = valid && piece.valid;
    }
    EXPECT_EQ(valid_utf8(text), valid) << "round " << round << ", " << text.size() << " bytes";
  }
}

TEST(ValidText, CountsBytesAndRejectsNulAnywhere) {
  std::string long_text(16384, 'x');
  EXPECT_TRUE(valid_text(long_text, 16384));
  EXPECT_FALSE(valid_text(long_text + "x", 16384));
  EXPECT_FALSE(valid_text(std::string(8190, '\xC3'), 16384));
  std::string accents;
  while (accents.size() < 16384) accents += "\xC3\xA9";
  EXPECT_TRUE(valid_text(accents, 16384));
  EXPECT_FALSE(valid_text(accents + "\xC3\xA9", 16384));  // 8,193 characters but 16,386 bytes
  for (std::size_t at : {0, 100, 16383}) {
    std::string with_nul = long_text;
    with_nul[at] = '\0';
    EXPECT_FALSE(valid_text(with_nul, 16384)) << at;
  }
}

// Every cut of a text of 1-, 2-, 3- and 4-byte characters keeps whole characters and loses
// less than one.
TEST(Utf8Prefix, NeverEndsInsideACharacter) {
  std::string text;
  for (int i = 0; i < 20; ++i) text += "a\xC3\xA9\xE2\x86\x92\xF0\x9F\x98\xB7";  // a é → 😷
  for (std::size_t bytes = 0; bytes <= text.size() + 1; ++bytes) {
    std::string_view cut = utf8_prefix(text, bytes);
    EXPECT_TRUE(valid_utf8(cut)) << bytes;
    EXPECT_EQ(text.compare(0, cut.size(), cut), 0) << bytes;
    EXPECT_LE(cut.size(), bytes);
    EXPECT_GT(cut.size() + 4, std::min(bytes, text.size())) << bytes;
  }
}

}  // namespace
}  // namespace savefuzz
