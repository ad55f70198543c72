// The op table's codec: typed requests round-trip; what types cannot hold is Malformed.
#include <gtest/gtest.h>

#include "harness/op_table.h"
#include "harness/response.h"

namespace savefuzz {
namespace {

TEST(OpTable, EveryOpHasAUniqueNameAndItsKeysDecodeBack) {
  std::set<std::string_view> names;
  for (const auto& s : all_ops()) {
    EXPECT_TRUE(names.insert(s.name).second);
    EXPECT_EQ(op_from_name(s.name), s.op);
  }
  EXPECT_EQ(names.size(), kOpCount);
}

TEST(OpTable, RequestsRoundTripThroughJson) {
  Request r{Op::save_observation, {}};
  Fields f;
  f[0] = "toux";
  f[3] = "";
  r.set(Key::as, "D1").set(Key::appointment, "A1").set(Key::fields, f).set(Key::base_version, std::int64_t{-3});
  Json j = encode_request(r);
  EXPECT_EQ(j, Json::parse(R"({"op":"save_observation","as":"D1","appointment":"A1",
                               "fields":{"motif":"toux","conclusion":""},"base_version":-3})"));
  EXPECT_EQ(std::get<Request>(decode_request(j)), r);
}

TEST(OpTable, ValuesThatBreakRulesStayTypedForTheModelToJudge) {
  auto d = decode_request(Json::parse(R"({"op":"create_practice","practice":"not an id!"})"));
  ASSERT_TRUE(std::holds_alternative<Request>(d));
  EXPECT_EQ(std::get<Request>(d).str(Key::practice), "not an id!");
}

TEST(OpTable, WhatTypesCannotHoldIsMalformed) {
  for (const char* text : {R"([1])", R"({"practice":"P"})", R"({"op":"drop","practice":"P"})",
                           R"({"op":"create_practice"})", R"({"op":"create_practice","practice":1})",
                           R"({"op":"create_practice","practice":"P","as":"D"})",
                           R"({"op":"update_appointment","as":"D","appointment":"A","status":null})",
                           R"({"op":"save_observation","as":"D","appointment":"A","fields":{"motif":1}})",
                           R"({"op":"save_observation","as":"D","appointment":"A","fields":{"x":"y"}})",
                           R"({"op":"save_observation","as":"D","appointment":"A","fields":{},"base_version":1.0})",
                           R"({"op":"save_observation","as":"D","appointment":"A","fields":{},"base_version":18446744073709551615})"})
    EXPECT_TRUE(std::holds_alternative<Malformed>(decode_request(Json::parse(text)))) << text;
}

TEST(Answers, DecodeIsStrictAboutKeys) {
  auto ok = [](const char* text, std::optional<Op> op) {
    return std::holds_alternative<Response>(decode_answer(Json::parse(text), op));
  };
  EXPECT_TRUE(ok(R"({"id":1,"ok":true})", Op::create_practice));
  EXPECT_FALSE(ok(R"({"id":1,"ok":true,"extra":1})", Op::create_practice));
  EXPECT_TRUE(ok(R"({"id":1,"ok":true,"version":2})", Op::save_observation));
  EXPECT_FALSE(ok(R"({"id":1,"ok":true})", Op::save_observation));
  EXPECT_FALSE(ok(R"({"id":1,"ok":true,"version":"2"})", Op::save_observation));
  EXPECT_TRUE(ok(R"({"id":1,"ok":false,"error":{"code":"forbidden","message":""}})", Op::read_document));
  EXPECT_FALSE(ok(R"({"id":1,"ok":false,"error":{"code":"denied","message":""}})", Op::read_document));
  EXPECT_FALSE(ok(R"({"id":1,"ok":false,"error":{"code":"forbidden"}})", Op::read_document));
  EXPECT_FALSE(ok(R"({"id":1,"ok":"false"})", Op::read_document));
  EXPECT_FALSE(ok(R"({"id":1,"ok":true,"fields":{"motif":""},"version":0})", Op::read_observation));
  EXPECT_TRUE(ok(R"({"id":1,"ok":true,"appointments":[]})", Op::list_appointments));
  EXPECT_FALSE(ok(R"({"id":1,"ok":true,"appointments":[{"appointment":"A"}]})", Op::list_appointments));
}

TEST(Answers, JsonOfATypedAnswerDecodesToTheSameAnswer) {
  Response r{std::nullopt, ObservationView{{"a", "b", "c", "d"}, 4}};
  Json j = to_json(r);
  j["id"] = 1;
  EXPECT_EQ(std::get<Response>(decode_answer(j, Op::read_observation)), r);
}

}  // namespace
}  // namespace savefuzz
