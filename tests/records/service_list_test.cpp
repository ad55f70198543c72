// list_appointments: tenant isolation, range, order, and the listed fields.
#include <gtest/gtest.h>

#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

class ListAppointments : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    build_world();
  }
  std::vector<std::string> ids(Json request) {
    Json a = call(std::move(request));
    EXPECT_EQ(a.at("ok"), true) << a.dump();
    std::vector<std::string> out;
    for (const auto& x : a.at("appointments")) out.push_back(x.at("appointment"));
    return out;
  }
  Json list(const char* as) { return {{"op", "list_appointments"}, {"as", as}}; }
};

TEST_F(ListAppointments, EachPrincipalSeesOnlyItsOwnPractice) {
  EXPECT_EQ(ids(list("D1")), std::vector<std::string>{"A1"});
  EXPECT_EQ(ids(list("C1")), std::vector<std::string>{"A1"});
  EXPECT_EQ(ids(list("E1")), std::vector<std::string>{"B1"});
  EXPECT_EQ(ids(list("C2")), std::vector<std::string>{"B1"});
  EXPECT_EQ(code(list("U1")), "forbidden");
  EXPECT_EQ(code(list("P1")), "forbidden");
  EXPECT_EQ(code(list("Z9")), "not_found");
}

TEST_F(ListAppointments, OrderedByStartThenIdBytes) {
  book("D1", "A10", "U1", "2024-03-01T09:00");
  book("D1", "A2", "U2", "2024-03-01T09:00");
  book("D2", "A0", "U2", "2023-12-31T23:59");
  expect_ok({{"op", "update_appointment"}, {"as", "D1"}, {"appointment", "A2"}, {"status", "cancelled"}});
  EXPECT_EQ(ids(list("D2")), (std::vector<std::string>{"A0", "A1", "A10", "A2"}));
}

TEST_F(ListAppointments, FromIsInclusiveToIsExclusive) {
  book("D1", "A2", "U2", "2024-03-01T09:01");
  EXPECT_EQ(ids(patched(list("D1"), {{"from", "2024-03-01T09:00"}, {"to", "2024-03-01T09:01"}})),
            std::vector<std::string>{"A1"});
  EXPECT_EQ(ids(patched(list("D1"), {{"from", "2024-03-01T09:01"}})), std::vector<std::string>{"A2"});
  EXPECT_EQ(ids(patched(list("D1"), {{"from", "2024-03-02T00:00"}, {"to", "2024-03-01T00:00"}})),
            std::vector<std::string>{});
  EXPECT_EQ(code(patched(list("D1"), {{"from", "2024-03-01"}})), "invalid");
}

TEST_F(ListAppointments, EntriesCarryExactlyTheSpecifiedFields) {
  Json a = call(list("D1")).at("appointments").at(0);
  Json expected = Json::parse(R"({"appointment":"A1","start":"2024-03-01T09:00","status":"booked",
    "practitioner":{"id":"D1","name":"Dr D1","specialty":"généraliste"},
    "patient":{"id":"U1","name":"Nom U1","first_name":"Prénom","sex":"F","phone":"0639980000",
               "email":"U1@example.org"}})");
  EXPECT_EQ(a, expected);
}

}  // namespace
}  // namespace savefuzz::testing
