// The model predicts every answer of SPEC.md sections 2-4a: each op's success, each error and
// the order errors win in.
#include <gtest/gtest.h>

#include "harness/core/model.h"

namespace savefuzz {
namespace {

class ModelTest : public ::testing::Test {
 protected:
  Response apply(const Json& j) {
    auto typed = decode_request(j);
    if (std::holds_alternative<Malformed>(typed)) return Model::malformed();
    return model_.apply(std::get<Request>(typed));
  }
  std::string code(const Json& j) {
    Response r = apply(j);
    return r.ok() ? "ok" : std::string(error_name(*r.error));
  }
  void ok(const Json& j) { ASSERT_EQ(code(j), "ok") << j.dump(); }
  static Json with(Json base, const Json& patch) {
    for (const auto& [k, v] : patch.items()) base[k] = v;
    return base;
  }

  void SetUp() override {
    ok({{"op", "create_practice"}, {"practice", "P1"}});
    ok({{"op", "create_practice"}, {"practice", "P2"}});
    for (auto [id, p] : {std::pair{"D1", "P1"}, {"D2", "P1"}, {"E1", "P2"}})
      ok({{"op", "create_practitioner"}, {"practitioner", id}, {"practice", p}, {"name", "n"}, {"specialty", "s"}});
    for (auto [id, p] : {std::pair{"U1", "P1"}, {"U2", "P1"}, {"V1", "P2"}})
      ok({{"op", "create_patient"}, {"patient", id}, {"practice", p}, {"name", "n"}, {"first_name", "f"},
          {"sex", "x"}, {"phone", "p"}, {"email", "e"}});
    ok({{"op", "create_api_client"}, {"client", "C1"}, {"practice", "P1"}});
    ok({{"op", "book_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"patient", "U1"}, {"start", "2024-03-01T09:00"}});
    ok({{"op", "book_appointment"}, {"as", "E1"}, {"appointment", "B1"}, {"patient", "V1"}, {"start", "2024-03-01T09:00"}});
    ok({{"op", "attach_document"}, {"as", "D1"}, {"document", "X1"}, {"appointment", "A1"}, {"title", "t"}, {"content", "c"}});
  }

  Json save_{{"op", "save_observation"}, {"as", "D1"}, {"appointment", "A1"}, {"fields", {{"motif", "m"}}}};
  Model model_;
};

TEST_F(ModelTest, CreatesShareOneNamespaceAndNeedAPractice) {
  EXPECT_EQ(code({{"op", "create_practice"}, {"practice", "D1"}}), "exists");
  EXPECT_EQ(code({{"op", "create_api_client"}, {"client", "C9"}, {"practice", "D1"}}), "not_found");
  EXPECT_EQ(code({{"op", "create_api_client"}, {"client", "D1"}, {"practice", "P9"}}), "not_found");  // before exists
  EXPECT_EQ(code({{"op", "create_api_client"}, {"client", "bad id"}, {"practice", "P9"}}), "invalid");
  EXPECT_EQ(code({{"op", "create_api_client"}, {"client", "C9"}, {"practice", "P1"}}), "ok");
}

TEST_F(ModelTest, TextsAreJudgedInBytesAgainstTheirLimit) {
  Json p{{"op", "create_practitioner"}, {"practitioner", "D9"}, {"practice", "P1"}, {"name", std::string(16384, 'n')},
         {"specialty", ""}};
  EXPECT_EQ(code(with(p, {{"name", std::string(16385, 'n')}})), "invalid");
  EXPECT_EQ(code(with(p, {{"name", std::string("a\0b", 3)}})), "invalid");
  EXPECT_EQ(code(p), "ok");
  Json doc{{"op", "attach_document"}, {"as", "D1"}, {"document", "X9"}, {"appointment", "A1"}, {"title", std::string(257, 't')},
           {"content", ""}};
  EXPECT_EQ(code(doc), "invalid");
  EXPECT_EQ(code(with(doc, {{"title", ""}, {"content", std::string(1048577, 'c')}})), "invalid");
}

TEST_F(ModelTest, BookingRules) {
  Json b{{"op", "book_appointment"}, {"as", "D1"}, {"appointment", "A9"}, {"patient", "U2"}, {"start", "2024-02-29T23:59"}};
  EXPECT_EQ(code(with(b, {{"start", "2023-02-29T10:00"}})), "invalid");
  EXPECT_EQ(code(with(b, {{"start", "2024-01-01T24:00"}})), "invalid");
  EXPECT_EQ(code(with(b, {{"as", "Z"}})), "not_found");
  EXPECT_EQ(code(with(b, {{"patient", "D2"}})), "not_found");  // wrong kind
  EXPECT_EQ(code(with(b, {{"as", "U1"}, {"appointment", "A1"}})), "exists");
  EXPECT_EQ(code(with(b, {{"as", "U1"}})), "forbidden");
  EXPECT_EQ(code(with(b, {{"as", "P1"}})), "forbidden");
  EXPECT_EQ(code(with(b, {{"patient", "V1"}})), "forbidden");
  EXPECT_EQ(code(b), "ok");
}

TEST_F(ModelTest, SaveReplacesGivenFieldsAndBumpsTheVersion) {
  Response r = apply(with(save_, {{"fields", {{"motif", "a"}, {"examen", "b"}}}}));
  EXPECT_EQ(std::get<std::int64_t>(r.body), 1);
  apply(with(save_, {{"fields", {{"examen", ""}}}}));
  Response read = apply({{"op", "read_observation"}, {"as", "D2"}, {"appointment", "A1"}});
  ObservationView expected{{"a", "", "", ""}, 2};
  EXPECT_EQ(std::get<ObservationView>(read.body), expected);
}

TEST_F(ModelTest, SaveErrorsAndTheirOrder) {
  EXPECT_EQ(code(with(save_, {{"fields", Json::object()}})), "invalid");
  EXPECT_EQ(code(with(save_, {{"fields", {{"motif", std::string(16385, 'x')}}}, {"as", "Z"}})), "invalid");
  EXPECT_EQ(code(with(save_, {{"fields", {{"diagnostic", "x"}}}})), "invalid");  // malformed: unknown field
  EXPECT_EQ(code(with(save_, {{"base_version", 1.5}})), "invalid");
  EXPECT_EQ(code(with(save_, {{"base_version", nullptr}})), "invalid");
  EXPECT_EQ(code(with(save_, {{"appointment", "X1"}})), "not_found");
  EXPECT_EQ(code(with(save_, {{"as", "E1"}, {"base_version", 5}})), "forbidden");
  EXPECT_EQ(code(with(save_, {{"as", "C1"}})), "forbidden");
  EXPECT_EQ(code(with(save_, {{"base_version", 1}})), "conflict");
  EXPECT_EQ(code(with(save_, {{"base_version", -1}})), "conflict");
  EXPECT_EQ(code(with(save_, {{"base_version", 0}})), "ok");
  EXPECT_EQ(code(with(save_, {{"base_version", 1}})), "ok");
}

TEST_F(ModelTest, UpdateNeedsStartOrStatusAndKeepsTheObservation) {
  apply(save_);
  Json u{{"op", "update_appointment"}, {"as", "D2"}, {"appointment", "A1"}};
  EXPECT_EQ(code(u), "invalid");
  EXPECT_EQ(code(with(u, {{"status", "closed"}})), "invalid");
  EXPECT_EQ(code(with(u, {{"as", "E1"}, {"status", "done"}})), "forbidden");
  EXPECT_EQ(code(with(u, {{"status", "cancelled"}})), "ok");
  EXPECT_EQ(code(with(u, {{"status", "booked"}, {"start", "2025-01-01T00:00"}})), "ok");
  EXPECT_EQ(model_.observation("A1")->fields[0], "m");
  EXPECT_EQ(model_.observation("A1")->version, 1);
}

TEST_F(ModelTest, ObservationsAreReadOnlyByPracticePractitioners) {
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "D2"}, {"appointment", "A1"}}), "ok");
  ok({{"op", "share_document"}, {"as", "D1"}, {"document", "X1"}, {"with", "E1"}});
  for (const char* who : {"E1", "U1", "C1", "P1"})
    EXPECT_EQ(code({{"op", "read_observation"}, {"as", who}, {"appointment", "A1"}}), "forbidden") << who;
  EXPECT_EQ(code({{"op", "read_observation"}, {"as", "Z"}, {"appointment", "A1"}}), "not_found");
}

TEST_F(ModelTest, SharingRules) {
  auto share = [&](const char* as, const char* with_, const char* op = "share_document") {
    return code({{"op", op}, {"as", as}, {"document", "X1"}, {"with", with_}});
  };
  EXPECT_EQ(share("D1", "U1"), "ok");
  EXPECT_EQ(share("D1", "U1"), "ok");
  EXPECT_EQ(share("D2", "E1"), "ok");
  EXPECT_EQ(share("D1", "D1"), "ok");
  EXPECT_EQ(share("D1", "U2"), "forbidden");
  EXPECT_EQ(share("D1", "C1"), "forbidden");
  EXPECT_EQ(share("D1", "Z"), "not_found");
  EXPECT_EQ(share("E1", "E1"), "forbidden");
  EXPECT_EQ(share("D1", "U2", "unshare_document"), "ok");
  EXPECT_EQ(share("D1", "C1", "unshare_document"), "forbidden");
  EXPECT_EQ(share("E1", "E1", "unshare_document"), "forbidden");
}

TEST_F(ModelTest, DocumentsAreReadByThePracticeAndCurrentRecipients) {
  auto read = [&](const char* as) { return code({{"op", "read_document"}, {"as", as}, {"document", "X1"}}); };
  EXPECT_EQ(read("D2"), "ok");
  EXPECT_EQ(read("U1"), "forbidden");
  ok({{"op", "share_document"}, {"as", "D1"}, {"document", "X1"}, {"with", "U1"}});
  ok({{"op", "share_document"}, {"as", "D1"}, {"document", "X1"}, {"with", "E1"}});
  EXPECT_EQ(read("U1"), "ok");
  EXPECT_EQ(read("E1"), "ok");
  EXPECT_EQ(read("C1"), "forbidden");
  ok({{"op", "unshare_document"}, {"as", "D2"}, {"document", "X1"}, {"with", "E1"}});
  EXPECT_EQ(read("E1"), "forbidden");
  Response r = apply({{"op", "read_document"}, {"as", "U1"}, {"document", "X1"}});
  EXPECT_EQ(std::get<DocumentView>(r.body), (DocumentView{"t", "c"}));
}

TEST_F(ModelTest, ListingIsPerPracticeRangedAndOrdered) {
  ok({{"op", "book_appointment"}, {"as", "D1"}, {"appointment", "A10"}, {"patient", "U1"}, {"start", "2024-03-01T09:00"}});
  ok({{"op", "book_appointment"}, {"as", "D2"}, {"appointment", "A2"}, {"patient", "U2"}, {"start", "2024-03-01T09:00"}});
  ok({{"op", "book_appointment"}, {"as", "D2"}, {"appointment", "A0"}, {"patient", "U2"}, {"start", "2024-03-02T09:00"}});
  auto ids = [&](Json req) {
    std::vector<std::string> out;
    Response r = apply(req);
    for (const auto& a : std::get<std::vector<ListedAppointment>>(r.body)) out.push_back(a.appointment);
    return out;
  };
  Json l{{"op", "list_appointments"}, {"as", "C1"}};
  EXPECT_EQ(ids(l), (std::vector<std::string>{"A1", "A10", "A2", "A0"}));
  EXPECT_EQ(ids(with(l, {{"from", "2024-03-01T09:01"}})), (std::vector<std::string>{"A0"}));
  EXPECT_EQ(ids(with(l, {{"to", "2024-03-01T09:00"}})), (std::vector<std::string>{}));
  EXPECT_EQ(ids(with(l, {{"from", "2024-03-03T00:00"}, {"to", "2024-03-01T00:00"}})), (std::vector<std::string>{}));
  EXPECT_EQ(ids({{"op", "list_appointments"}, {"as", "E1"}}), (std::vector<std::string>{"B1"}));
  EXPECT_EQ(code({{"op", "list_appointments"}, {"as", "U1"}}), "forbidden");
  EXPECT_EQ(code({{"op", "list_appointments"}, {"as", "C1"}, {"from", "2024"}}), "invalid");
  Response listed = apply(l);
  auto first = std::get<std::vector<ListedAppointment>>(listed.body).front();
  EXPECT_EQ(first.practitioner, (std::array<std::string, 3>{"D1", "n", "s"}));
  EXPECT_EQ(first.patient, (std::array<std::string, 6>{"U1", "n", "f", "x", "p", "e"}));
}

TEST_F(ModelTest, ErrorsChangeNothing) {
  Model before = model_;
  apply(with(save_, {{"base_version", 9}}));
  apply(with(save_, {{"fields", {{"motif", "a"}, {"examen", std::string(16385, 'x')}}}}));
  apply({{"op", "share_document"}, {"as", "D1"}, {"document", "X1"}, {"with", "C1"}});
  apply({{"op", "create_practice"}, {"practice", "A1"}});
  EXPECT_TRUE(model_ == before);
}

}  // namespace
}  // namespace savefuzz
