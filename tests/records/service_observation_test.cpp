// save_observation and read_observation: partial saves, versions, limits, byte-exact text, errors.
#include <gtest/gtest.h>

#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

class Observation : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    build_world();
  }
  Json save_code_request(Json patch) {
    return patched({{"op", "save_observation"}, {"as", "D1"}, {"appointment", "A1"}, {"fields", {{"motif", "m"}}}},
                   patch);
  }
};

TEST_F(Observation, SaveReplacesOnlyTheGivenFieldsAndBumpsTheVersion) {
  EXPECT_EQ(save("D1", "A1", {{"motif", "toux"}, {"examen", "RAS"}}).at("version"), 1);
  EXPECT_EQ(save("D2", "A1", {{"interrogatoire", "depuis 3 jours"}}).at("version"), 2);
  EXPECT_EQ(save("D1", "A1", {{"examen", ""}}).at("version"), 3);
  Json r = read("D2", "A1");
  EXPECT_EQ(r.at("version"), 3);
  EXPECT_EQ(r.at("fields"), (Json{{"motif", "toux"}, {"interrogatoire", "depuis 3 jours"}, {"examen", ""},
                                  {"conclusion", ""}}));
  EXPECT_EQ(r.size(), 4u) << "id, ok, fields, version and nothing else";
}

TEST_F(Observation, SavingTheSameValueStillBumpsTheVersion) {
  save("D1", "A1", {{"conclusion", "c"}});
  EXPECT_EQ(save("D1", "A1", {{"conclusion", "c"}}).at("version"), 2);
}

TEST_F(Observation, BaseVersionGuardsAgainstLostUpdates) {
  EXPECT_EQ(code(save_code_request({{"base_version", 0}})), "ok");
  EXPECT_EQ(code(save_code_request({{"base_version", 0}, {"fields", {{"motif", "stale"}}}})), "conflict");
  EXPECT_EQ(code(save_code_request({{"base_version", -1}})), "conflict");
  EXPECT_EQ(code(save_code_request({{"base_version", 1.0}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"base_version", "1"}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"base_version", nullptr}})), "invalid");
  EXPECT_EQ(read("D1", "A1").at("fields").at("motif"), "m");
  EXPECT_EQ(read("D1", "A1").at("version"), 1);
  EXPECT_EQ(code(save_code_request({{"base_version", 1}})), "ok");
}

TEST_F(Observation, FieldsMustBeOneToFourKnownTexts) {
  EXPECT_EQ(code(save_code_request({{"fields", Json::object()}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"fields", {{"diagnostic", "x"}}}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"fields", {{"motif", 3}}}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"fields", {{"motif", nullptr}}}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"fields", "motif"}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"fields", {{"motif", std::string("a\0b", 3)}}}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"extra", 1}})), "invalid");
  EXPECT_EQ(read("D1", "A1").at("version"), 0);
}

TEST_F(Observation, LimitIsExactlyFieldBytesNeverTruncated) {
  std::string at_limit(16384, 'a');
  EXPECT_EQ(code(save_code_request({{"fields", {{"motif", at_limit}}}})), "ok");
  EXPECT_EQ(code(save_code_request({{"fields", {{"motif", at_limit + "a"}, {"examen", "x"}}}})), "invalid");
  Json r = read("D1", "A1");
  EXPECT_EQ(r.at("fields").at("motif"), at_limit);
  EXPECT_EQ(r.at("fields").at("examen"), "") << "a rejected multi-field save writes none of its fields";
}

TEST_F(Observation, MultiByteTextRoundTripsByteForByteAtTheLimit) {
  std::string emoji_4096;  // 4096 four-byte characters: exactly 16384 bytes
  for (int i = 0; i < 4096; ++i) emoji_4096 += "\xF0\x9F\x98\xB7";
  std::string mixed = "Examen: T° 38,5 — \"quotes\" \\ back\r\nline\ttab e\u0301 \xE2\x80\xAE RTL";
  EXPECT_EQ(code(save_code_request({{"fields", {{"motif", emoji_4096}, {"examen", mixed}}}})), "ok");
  Json r = read("D1", "A1");
  EXPECT_EQ(r.at("fields").at("motif").get<std::string>(), emoji_4096);
  EXPECT_EQ(r.at("fields").at("examen").get<std::string>(), mixed);
  // One more byte, even inside a character sequence, is over the limit.
  EXPECT_EQ(code(save_code_request({{"fields", {{"motif", emoji_4096 + "e"}}}})), "invalid");
}

TEST_F(Observation, ErrorsInPrecedenceOrder) {
  std::string over(16385, 'x');
  EXPECT_EQ(code(save_code_request({{"as", "Z9"}, {"fields", {{"motif", over}}}})), "invalid");
  EXPECT_EQ(code(save_code_request({{"as", "Z9"}})), "not_found");
  EXPECT_EQ(code(save_code_request({{"appointment", "Z9"}})), "not_found");
  EXPECT_EQ(code(save_code_request({{"appointment", "X1"}})), "not_found");  // a document, not an appointment
  EXPECT_EQ(code(save_code_request({{"as", "E1"}, {"base_version", 7}})), "forbidden");  // beats conflict
  EXPECT_EQ(code(save_code_request({{"as", "U1"}})), "forbidden");
  EXPECT_EQ(code(save_code_request({{"as", "C1"}})), "forbidden");
  EXPECT_EQ(code(save_code_request({{"as", "P1"}})), "forbidden");
  EXPECT_EQ(read("D1", "A1").at("version"), 0);
}

TEST_F(Observation, OnlyPractitionersOfThePracticeReadIt) {
  save("D1", "A1", {{"motif", "secret"}});
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "D2"}, {"appointment", "A1"}}), "ok");
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "E1"}, {"appointment", "A1"}}), "forbidden");
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "U1"}, {"appointment", "A1"}}), "forbidden");
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "C1"}, {"appointment", "A1"}}), "forbidden");
  share("X1", "E1");
  share("X1", "U1");
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "E1"}, {"appointment", "A1"}}), "forbidden");
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "U1"}, {"appointment", "A1"}}), "forbidden");
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "Z9"}, {"appointment", "A1"}}), "not_found");
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "D1"}, {"appointment", "U1"}}), "not_found");
}

TEST_F(Observation, SaveWorksWhateverTheAppointmentStatus) {
  expect_ok({{"op", "update_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"status", "cancelled"}});
  EXPECT_EQ(save("D1", "A1", {{"motif", "m"}}).at("ok"), true);
}

TEST_F(Observation, AcknowledgedSavesSurviveRestartAndCrash) {
  save("D1", "A1", {{"motif", "avant"}});
  restart();
  EXPECT_EQ(read("D1", "A1").at("fields").at("motif"), "avant");
  save("D1", "A1", {{"motif", "après"}});
  crash();
  Json r = read("D1", "A1");
  EXPECT_EQ(r.at("fields").at("motif"), "après");
  EXPECT_EQ(r.at("version"), 2);
}

}  // namespace
}  // namespace savefuzz::testing
