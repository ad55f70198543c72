// Value checks of SPEC.md section 2 and 4a: ids, UTF-8, real calendar starts, statuses.
#include "targets/records/values.h"

#include <string>

#include <gtest/gtest.h>

namespace records {
namespace {

TEST(Values, IdsAreOneToSixtyFourSafeCharacters) {
  EXPECT_TRUE(is_valid_id("A"));
  EXPECT_TRUE(is_valid_id("a-Z_09"));
  EXPECT_TRUE(is_valid_id(std::string(64, 'x')));
  EXPECT_FALSE(is_valid_id(std::string(65, 'x')));
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id("a b"));
  EXPECT_FALSE(is_valid_id("é"));
  EXPECT_FALSE(is_valid_id("a.b"));
}

TEST(Values, Utf8RejectsOverlongSurrogatesAndTruncation) {
  EXPECT_TRUE(is_valid_utf8("plain"));
  EXPECT_TRUE(is_valid_utf8("é😷\u0301"));
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // U+D800 encoded
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // cut short
  EXPECT_FALSE(is_valid_utf8("\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
}

// The check reads eight ASCII bytes at a time: a bad or good sequence at any offset of a long text,
// on either side of a word's edge and in the tail shorter than a word, is still seen.
TEST(Values, Utf8SeesEveryOffsetOfALongText) {
  for (std::size_t at = 0; at < 40; ++at) {
    std::string text(40, 'a');
    EXPECT_TRUE(is_valid_utf8(text.substr(0, at) + "\xC3\xA9" + text.substr(at))) << at;
    EXPECT_FALSE(is_valid_utf8(text.substr(0, at) + "\xFF" + text.substr(at))) << at;
    EXPECT_FALSE(is_valid_utf8(text.substr(0, at) + "\xE2\x82")) << at;  // cut short at the end
  }
}

// Four two-byte characters are read at a time too: a malformed pair at any offset of a run of
// them, an overlong lead, a missing or extra continuation byte, is still seen.
TEST(Values, Utf8SeesEveryOffsetOfARunOfTwoByteCharacters) {
  std::string run;
  for (int i = 0; i < 20; ++i) run += i % 2 ? "\xC3\xA9" : "\xDF\xBF";  // é and U+07FF
  ASSERT_TRUE(is_valid_utf8(run));
  for (std::size_t at = 0; at <= run.size(); at += 2) {
    auto with = [&](const std::string& bytes) { return run.substr(0, at) + bytes + run.substr(at); };
    EXPECT_TRUE(is_valid_utf8(with("\xC2\x80"))) << at;   // U+0080, the smallest two-byte one
    EXPECT_TRUE(is_valid_utf8(with("a"))) << at;            // shifts the pairs off the words' edges
    EXPECT_FALSE(is_valid_utf8(with("\xC1\xBF"))) << at;  // overlong
    EXPECT_FALSE(is_valid_utf8(with("\xC0\x80"))) << at;  // overlong U+0000
    EXPECT_FALSE(is_valid_utf8(with("\xC3\xC3"))) << at;  // lead where a continuation belongs
    EXPECT_FALSE(is_valid_utf8(with("\xA9"))) << at;       // continuation alone
    EXPECT_FALSE(is_valid_utf8(with("\xC3"))) << at;       // lead alone
    EXPECT_FALSE(is_valid_utf8(with("\xE2\x82"))) << at;  // three-byte lead, one continuation
  }
}

TEST(Values, StartsAreRealGregorianDatesAndTimes) {
  EXPECT_TRUE(is_valid_start("2024-02-29T23:59"));
  EXPECT_TRUE(is_valid_start("2000-02-29T00:00"));
  EXPECT_TRUE(is_valid_start("0001-01-01T00:00"));
  EXPECT_TRUE(is_valid_start("9999-12-31T23:59"));
  EXPECT_FALSE(is_valid_start("2023-02-29T10:00"));
  EXPECT_FALSE(is_valid_start("1900-02-29T10:00"));
  EXPECT_FALSE(is_valid_start("0000-01-01T00:00"));
  EXPECT_FALSE(is_valid_start("2024-04-31T10:00"));
  EXPECT_FALSE(is_valid_start("2024-13-01T10:00"));
  EXPECT_FALSE(is_valid_start("2024-01-01T24:00"));
  EXPECT_FALSE(is_valid_start("2024-01-01T10:60"));
  EXPECT_FALSE(is_valid_start("2024-01-01 10:00"));
  EXPECT_FALSE(is_valid_start("2024-1-01T10:00"));
  EXPECT_FALSE(is_valid_start("2024-01-01T10:00:00"));
  EXPECT_FALSE(is_valid_start("２024-01-01T10:00"));
}

TEST(Values, StatusesAreTheThreeNamedOnes) {
  EXPECT_TRUE(is_valid_status("booked"));
  EXPECT_TRUE(is_valid_status("done"));
  EXPECT_TRUE(is_valid_status("cancelled"));
  EXPECT_FALSE(is_valid_status("Booked"));
  EXPECT_FALSE(is_valid_status("canceled"));
}

}  // namespace
}  // namespace records
