// The patient-data guard: real-looking identifiers are found however they are written, fiction
// and example values pass, and nothing the generators draw ever looks real.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "harness/core/generate.h"
#include "harness/core/patient_data.h"

namespace savefuzz {
namespace {

std::vector<std::string> kinds(std::string_view text) {
  std::vector<std::string> out;
  for (const auto& hit : find_patient_data(text)) out.push_back(hit.kind);
  return out;
}

using Kinds = std::vector<std::string>;

TEST(PatientData, FindsANirWhoseKeyIsValidAndOnlyThen) {
  EXPECT_EQ(kinds("NIR 2 55 08 14 168 025 38 noté"), Kinds{"NIR"});
  EXPECT_EQ(kinds("255081416802538"), Kinds{"NIR"});
  EXPECT_EQ(kinds("2 55 08 14 168 025 39"), Kinds{});   // wrong key
  EXPECT_EQ(kinds("1 80 01 2A 004 123 43"), Kinds{"NIR"});  // Corsica: 2A counts as 19
  EXPECT_EQ(kinds("1 80 01 2B 004 123 43"), Kinds{});
  EXPECT_EQ(kinds("5 55 08 14 168 025 38"), Kinds{});   // no such first digit
}

TEST(PatientData, FindsPhoneNumbersOutsideTheFictionRanges) {
  EXPECT_EQ(kinds("appeler le 06 12 34 56 78"), Kinds{"phone number"});
  EXPECT_EQ(kinds("0612345678"), Kinds{"phone number"});
  EXPECT_EQ(kinds("+33 6 12 34 56 78"), Kinds{"phone number"});
  EXPECT_EQ(kinds("01.45.67.89.10"), Kinds{"phone number"});
  EXPECT_EQ(kinds("06 39 98 12 34"), Kinds{});
  EXPECT_EQ(kinds("0199001234"), Kinds{});
  EXPECT_EQ(kinds("2024-03-01T09:30"), Kinds{});  // a date is no phone number
  EXPECT_EQ(kinds("06123456789"), Kinds{});       // eleven digits
  EXPECT_EQ(kinds("TA 14/9, 37.5 °C, 0.5 mg"), Kinds{});
  PatientDataRules mine;
  mine.fiction_phone_prefixes = {"0612"};
  EXPECT_TRUE(find_patient_data("0612345678", mine).empty());
}

TEST(PatientData, FindsEmailAddressesOutsideTheExampleDomains) {
  EXPECT_EQ(kinds("jean.dupont@gmail.com"), Kinds{"e-mail address"});
  EXPECT_EQ(kinds("x@example.com.evil.fr"), Kinds{"e-mail address"});
  EXPECT_EQ(kinds("lea@example.org, hugo@EXAMPLE.NET"), Kinds{});
  EXPECT_EQ(kinds("a@sub.example.com b@hopital.test c@x.example d@y.invalid"), Kinds{});
  EXPECT_EQ(kinds("TA 14/9 @ domicile, @home"), Kinds{});  // no address
}

// Any scenario any seed generates, and any text drawn from any bytes (as the fuzzers draw them),
// holds nothing the guard refuses.
TEST(PatientData, GeneratorsNeverDrawWhatLooksReal) {
  bool ok = rc::check("generated scenarios hold no patient data", [](std::uint64_t seed, std::uint8_t index) {
    GenOptions options;
    options.max_steps = 40;
    Scenario s = generate_scenario(options, seed, index);
    for (const auto& step : s.steps) {
      std::string text = step.to_json().dump();
      for (const auto& hit : find_patient_data(text)) RC_FAIL(hit.kind + " \"" + hit.value + "\" in " + text.substr(0, 300));
    }
  });
  EXPECT_TRUE(ok);
  struct Bytes : Choices {
    std::uint64_t below(std::uint64_t n) override { return n <= 1 ? 0 : *rc::gen::inRange<std::uint64_t>(0, n); }
    std::string bytes(std::size_t n) override {
      // Digits far more often than chance, and an address now and then: what a fuzzer's mutations
      // of the dictionary's values make.
      if (*rc::gen::inRange(0, 4) == 0) return "jean.dupont@gmail.com";
      return *rc::gen::container<std::string>(n, rc::gen::element('0', '6', '1', '2', '3', '4', '5', '7', '8', '9', ' '));
    }
  };
  ok = rc::check("drawn texts hold no patient data", [] {
    Bytes c;
    for (int i = 0; i < 50; ++i) {
      std::string text = draw_text(c, 64);
      RC_ASSERT(find_patient_data(text).empty());
    }
  });
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace savefuzz
