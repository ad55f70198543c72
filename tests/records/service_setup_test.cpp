// Set-up ops and booking: success, every error they can return, and the order errors win in.
#include <gtest/gtest.h>

#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

class SetupOps : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    build_world();
  }
};

TEST_F(SetupOps, CreatePracticeChecksIdsThenUniqueness) {
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "P3"}}), "ok");
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "P3"}}), "exists");
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "a b"}}), "invalid");
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", std::string(65, 'x')}}), "invalid");
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", std::string(64, 'x')}}), "ok");
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", 3}}), "invalid");
  EXPECT_EQ(code({{"op", "create_practice"}}), "invalid");
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "P4"}, {"as", "D1"}}), "invalid");
}

// The in-process harness numbers a request beside it instead of copying it to add "id".
TEST_F(SetupOps, AnIdGivenBesideTheRequestIsTheAnswersWhateverTheRequestHolds) {
  EXPECT_EQ(service_->handle(Json{{"op", "create_practice"}, {"practice", "P7"}}, 41).dump(), R"({"id":41,"ok":true})");
  Json exists = service_->handle(Json{{"id", "not a number"}, {"op", "create_practice"}, {"practice", "P7"}}, 42);
  EXPECT_EQ(exists.dump(), R"({"id":42,"ok":false,"error":{"code":"exists","message":)" +
                               exists.at("error").at("message").dump() + "}}");
  EXPECT_EQ(service_->handle(Json{{"op", "read_observation"}, {"as", "D1"}, {"appointment", "A1"}}, 43).dump(),
            R"({"id":43,"ok":true,"fields":{"motif":"","interrogatoire":"","examen":"","conclusion":""},"version":0})");
  // Without it, the request's own "id" is still required.
  EXPECT_EQ(service_->handle(Json{{"op", "create_practice"}, {"practice", "P8"}}).at("id"), nullptr);
}

TEST_F(SetupOps, AllEntitiesShareOneIdNamespace) {
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "D1"}}), "exists");
  EXPECT_EQ(code({{"op", "create_api_client"}, {"client", "A1"}, {"practice", "P1"}}), "exists");
  EXPECT_EQ(code({{"op", "create_practitioner"}, {"practitioner", "X1"}, {"practice", "P1"}, {"name", ""},
                  {"specialty", ""}}),
            "exists");
}

TEST_F(SetupOps, ReferencesOfTheWrongKindAreNotFound) {
  EXPECT_EQ(code({{"op", "create_api_client"}, {"client", "C9"}, {"practice", "D1"}}), "not_found");
  EXPECT_EQ(code({{"op", "create_api_client"}, {"client", "C9"}, {"practice", "P9"}}), "not_found");
  EXPECT_EQ(code({{"op", "book_appointment"}, {"as", "D1"}, {"appointment", "A9"}, {"patient", "D2"},
                  {"start", "2024-01-01T08:00"}}),
            "not_found");
}

TEST_F(SetupOps, NotFoundWinsOverExistsWhateverTheKeyOrder) {
  // practitioner id is taken AND practice is missing: not_found comes first (SPEC.md 4a.12).
  EXPECT_EQ(code({{"op", "create_practitioner"}, {"practitioner", "D1"}, {"practice", "P9"}, {"name", "n"},
                  {"specialty", "s"}}),
            "not_found");
}

TEST_F(SetupOps, PatientTextsAreCheckedAtTheFieldLimit) {
  Json p{{"op", "create_patient"}, {"patient", "U9"}, {"practice", "P1"}, {"name", "n"}, {"first_name", "f"},
         {"sex", ""}, {"phone", std::string(16385, '0')}, {"email", "e"}};
  EXPECT_EQ(code(p), "invalid");
  p["phone"] = std::string(16384, '0');
  EXPECT_EQ(code(p), "ok");
  p["patient"] = "U10";
  p.erase("email");
  EXPECT_EQ(code(p), "invalid");
  p["email"] = nullptr;
  EXPECT_EQ(code(p), "invalid");
}

TEST_F(SetupOps, BookingSucceedsForAPractitionerOfThePatientsPractice) {
  book("D2", "A2", "U2", "2024-03-02T09:00");
  Json a = call({{"op", "read_observation"}, {"as", "D1"}, {"appointment", "A2"}});
  EXPECT_EQ(a.at("version"), 0);
  EXPECT_EQ(a.at("fields").at("motif"), "");
}

TEST_F(SetupOps, BookingErrorsInPrecedenceOrder) {
  auto book_code = [&](const char* as, const char* id, const char* patient, const char* start) {
    return code({{"op", "book_appointment"}, {"as", as}, {"appointment", id}, {"patient", patient}, {"start", start}});
  };
  EXPECT_EQ(book_code("D1", "A9", "U1", "2023-02-29T10:00"), "invalid");
  EXPECT_EQ(book_code("Z9", "A1", "U1", "2023-02-29T10:00"), "invalid");  // invalid beats not_found
  EXPECT_EQ(book_code("Z9", "A9", "U1", "2024-01-01T10:00"), "not_found");
  EXPECT_EQ(book_code("D1", "A9", "Z9", "2024-01-01T10:00"), "not_found");
  EXPECT_EQ(book_code("U1", "A1", "Z9", "2024-01-01T10:00"), "not_found");  // not_found beats exists
  EXPECT_EQ(book_code("U1", "A1", "U1", "2024-01-01T10:00"), "exists");     // exists beats forbidden
  EXPECT_EQ(book_code("U1", "A9", "U1", "2024-01-01T10:00"), "forbidden");  // a patient books nothing
  EXPECT_EQ(book_code("C1", "A9", "U1", "2024-01-01T10:00"), "forbidden");
  EXPECT_EQ(book_code("P1", "A9", "U1", "2024-01-01T10:00"), "forbidden");  // wrong kind of `as`
  EXPECT_EQ(book_code("D1", "A9", "V1", "2024-01-01T10:00"), "forbidden");  // patient of another practice
  EXPECT_EQ(book_code("E1", "A9", "U1", "2024-01-01T10:00"), "forbidden");
}

TEST_F(SetupOps, UpdateAppointmentChangesStartAndStatusButNeverTheObservation) {
  save("D1", "A1", {{"motif", "toux"}, {"conclusion", "virose"}});
  Json before = read("D1", "A1");
  expect_ok({{"op", "update_appointment"}, {"as", "D2"}, {"appointment", "A1"}, {"start", "2024-05-05T05:05"}});
  expect_ok({{"op", "update_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"status", "cancelled"}});
  expect_ok({{"op", "update_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"status", "booked"},
             {"start", "2024-06-06T06:06"}});
  Json after = read("D1", "A1");
  EXPECT_EQ(after.at("fields"), before.at("fields"));
  EXPECT_EQ(after.at("version"), before.at("version"));
  Json list = call({{"op", "list_appointments"}, {"as", "D1"}}).at("appointments");
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].at("start"), "2024-06-06T06:06");
  EXPECT_EQ(list[0].at("status"), "booked");
}

TEST_F(SetupOps, UpdateAppointmentErrors) {
  Json u{{"op", "update_appointment"}, {"as", "D1"}, {"appointment", "A1"}};
  EXPECT_EQ(code(u), "invalid");  // neither start nor status
  EXPECT_EQ(code(patched(u, {{"status", "canceled"}})), "invalid");
  EXPECT_EQ(code(patched(u, {{"start", "2024-01-01T24:00"}})), "invalid");
  EXPECT_EQ(code(patched(u, {{"appointment", "X1"}, {"status", "done"}})), "not_found");
  EXPECT_EQ(code(patched(u, {{"as", "E1"}, {"status", "done"}})), "forbidden");
  EXPECT_EQ(code(patched(u, {{"as", "U1"}, {"status", "done"}})), "forbidden");
  EXPECT_EQ(code(patched(u, {{"status", "done"}})), "ok");
}

}  // namespace
}  // namespace savefuzz::testing
