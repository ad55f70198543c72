// Every line gets exactly one answer, whatever its bytes (SPEC.md 4a.1 and 4a.2).
#include <string>

#include <gtest/gtest.h>

#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

class ProtocolLine : public ServiceTest {
 protected:
  Json answer(const std::string& line) {
    std::string out = service_->handle_line(line);
    EXPECT_EQ(out.find('\n'), std::string::npos);
    return Json::parse(out);
  }
  void expect_invalid(const std::string& line, const Json& id) {
    Json a = answer(line);
    EXPECT_EQ(a.at("ok"), false) << line;
    EXPECT_EQ(a.at("error").at("code"), "invalid") << line;
    EXPECT_EQ(a.at("id"), id) << line;
    EXPECT_EQ(a.size(), 3u) << a.dump();
  }
};

TEST_F(ProtocolLine, HelloAnnouncesTheLimits) {
  Json a = answer(R"({"id":0,"op":"hello","protocol":1})");
  EXPECT_EQ(a, Json::parse(R"({"id":0,"ok":true,"target":"records",
      "limits":{"field_bytes":16384,"title_bytes":256,"document_bytes":1048576},"features":["reset"]})"));
  expect_invalid(R"({"id":0,"op":"hello","protocol":2})", 0);
  expect_invalid(R"({"id":0,"op":"hello"})", 0);
}

TEST_F(ProtocolLine, ResetDropsEverythingAndIdsCanBeUsedAgain) {
  EXPECT_EQ(answer(R"({"id":1,"op":"create_practice","practice":"P1"})").at("ok"), true);
  EXPECT_EQ(answer(R"({"id":2,"op":"create_practitioner","practitioner":"D1","practice":"P1","name":"n","specialty":"s"})")
                .at("ok"),
            true);
  EXPECT_EQ(answer(R"({"id":3,"op":"reset"})"), Json::parse(R"({"id":3,"ok":true})"));
  expect_invalid(R"({"id":4,"op":"reset","practice":"P1"})", 4);
  Json list = answer(R"({"id":5,"op":"list_appointments","as":"D1"})");
  EXPECT_EQ(list.at("error").at("code"), "not_found") << list.dump();
  EXPECT_EQ(answer(R"({"id":6,"op":"create_practice","practice":"P1"})").at("ok"), true);
}

TEST_F(ProtocolLine, GarbageGetsInvalidWithNullId) {
  expect_invalid("", nullptr);
  expect_invalid("not json", nullptr);
  expect_invalid("[1,2]", nullptr);
  expect_invalid("42", nullptr);
  expect_invalid(R"({"op":"hello","protocol":1})", nullptr);
  expect_invalid(R"({"id":"1","op":"hello","protocol":1})", nullptr);
  expect_invalid(R"({"id":7.0,"op":"hello","protocol":1})", nullptr);
  expect_invalid(R"({"id":7e0,"op":"hello","protocol":1})", nullptr);
  expect_invalid(R"({"id":true,"op":"hello","protocol":1})", nullptr);
  expect_invalid(R"({"id":9223372036854775808,"op":"hello","protocol":1})", nullptr);
  expect_invalid(R"({"id":1,"op":"hello","protocol":1)", nullptr);
}

TEST_F(ProtocolLine, StrictJsonRejectsWhatLenientParsersAccept) {
  expect_invalid(R"({"id":1,"id":2,"op":"hello","protocol":1})", nullptr);
  expect_invalid(R"({"id":1,"op":"save_observation","as":"D","appointment":"A","fields":{"motif":"a","motif":"b"}})", nullptr);
  expect_invalid(R"({"id":1,"op":"hello","protocol":NaN})", nullptr);
  expect_invalid(R"({"id":1,"op":"hello","protocol":Infinity})", nullptr);
  expect_invalid(R"({"id":1,"op":"hello","protocol":1} // comment)", nullptr);
  expect_invalid("{\"id\":1,\"op\":\"create_practice\",\"practice\":\"\\ud800\"}", nullptr);
  expect_invalid("{\"id\":1,\"op\":\"create_practice\",\"practice\":\"\xff\"}", nullptr);
  expect_invalid("{\"id\":1,\"op\":\"create_practice\",\"practice\":\"a\tb\"}", nullptr);
  expect_invalid(std::string("{\"id\":1,\"op\":\"create_practice\",\"practice\":\"a\0b\"}", 45), nullptr);
}

TEST_F(ProtocolLine, DeepNestingIsRejectedNotRecursedInto) {
  std::string deep = R"({"id":1,"op":"hello","protocol":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
  expect_invalid(deep, nullptr);
}

TEST_F(ProtocolLine, TenMegabyteLineIsInvalidAndServiceKeepsServing) {
  std::string big = R"({"id":5,"op":"create_practice","practice":")" + std::string(10 << 20, 'x') + "\"}";
  Json a = answer(big);
  EXPECT_EQ(a.at("error").at("code"), "invalid");
  EXPECT_EQ(a.at("id"), 5);
  EXPECT_LT(a.dump().size(), 1000u) << "an error message must not echo the request";
  EXPECT_EQ(answer(R"({"id":6,"op":"create_practice","practice":"P"})").at("ok"), true);
}

TEST_F(ProtocolLine, ErrorMessagesQuotingInvalidBytesStayValidUtf8) {
  Json a = answer("{\"id\":1,\"op\":\"\xc3\x28\"}");
  EXPECT_EQ(a.at("error").at("code"), "invalid");
  a = answer("{\"id\":1,\"op\":\"create_practice\",\"\xe2\x98\x83\":1,\"practice\":\"P\"}");
  EXPECT_EQ(a.at("id"), 1);
  EXPECT_EQ(a.at("error").at("code"), "invalid");
}

TEST_F(ProtocolLine, CarriageReturnBeforeNewlineIsWhitespace) {
  EXPECT_EQ(answer("{\"id\":3,\"op\":\"create_practice\",\"practice\":\"P\"}\r").at("ok"), true);
}

TEST_F(ProtocolLine, UnknownOpKeepsTheId) { expect_invalid(R"({"id":12,"op":"drop_table"})", 12); }

TEST_F(ProtocolLine, OpsBeforeHelloAreServed) {
  EXPECT_EQ(answer(R"({"id":1,"op":"create_practice","practice":"P"})").at("ok"), true);
}

}  // namespace
}  // namespace savefuzz::testing
