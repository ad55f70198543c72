// Documents and sharing: who attaches, shares, unshares and reads what (SPEC.md 3, 4, 4a.9-11).
#include <gtest/gtest.h>

#include "tests/records/service_fixture.h"

namespace savefuzz::testing {
namespace {

class Documents : public ServiceTest {
 protected:
  void SetUp() override {
    ServiceTest::SetUp();
    build_world();
  }
  std::string read_doc(const char* as, const char* doc = "X1") {
    return code({{"op", "read_document"}, {"as", as}, {"document", doc}});
  }
  std::string share_code(const char* as, const char* with, const char* doc = "X1") {
    return code({{"op", "share_document"}, {"as", as}, {"document", doc}, {"with", with}});
  }
  std::string unshare_code(const char* as, const char* with, const char* doc = "X1") {
    return code({{"op", "unshare_document"}, {"as", as}, {"document", doc}, {"with", with}});
  }
  Json attach(Json patch) {
    return patched({{"op", "attach_document"}, {"as", "D1"}, {"document", "X2"}, {"appointment", "A1"},
                    {"title", "t"}, {"content", "c"}},
                   patch);
  }
};

TEST_F(Documents, AttachChecksLimitsReferencesIdsAndPractice) {
  EXPECT_EQ(code(attach({{"title", std::string(257, 't')}})), "invalid");
  EXPECT_EQ(code(attach({{"content", std::string(1048577, 'c')}})), "invalid");
  EXPECT_EQ(code(attach({{"appointment", "Z9"}})), "not_found");
  EXPECT_EQ(code(attach({{"document", "X1"}})), "exists");
  EXPECT_EQ(code(attach({{"as", "E1"}})), "forbidden");
  EXPECT_EQ(code(attach({{"as", "E1"}, {"document", "X1"}})), "exists");
  EXPECT_EQ(code(attach({{"title", std::string(256, 't')}, {"content", std::string(1048576, 'c')}})), "ok");
  Json r = call({{"op", "read_document"}, {"as", "D2"}, {"document", "X2"}});
  EXPECT_EQ(r.at("title").get<std::string>().size(), 256u);
  EXPECT_EQ(r.at("content").get<std::string>(), std::string(1048576, 'c'));
  EXPECT_EQ(r.size(), 4u);
}

TEST_F(Documents, RecipientsAreAnyPractitionerOrTheAppointmentsPatient) {
  EXPECT_EQ(share_code("D1", "U1"), "ok");
  EXPECT_EQ(share_code("D1", "U1"), "ok");  // again: a no-op success
  EXPECT_EQ(share_code("D2", "E1"), "ok");  // another practice's practitioner
  EXPECT_EQ(share_code("D1", "D1"), "ok");  // the sharer itself
  EXPECT_EQ(share_code("D1", "U2"), "forbidden");  // a patient of another appointment
  EXPECT_EQ(share_code("D1", "V1"), "forbidden");
  EXPECT_EQ(share_code("D1", "C1"), "forbidden");  // neither patient nor practitioner
  EXPECT_EQ(share_code("D1", "P1"), "forbidden");
  EXPECT_EQ(share_code("D1", "A1"), "forbidden");
  EXPECT_EQ(share_code("D1", "Z9"), "not_found");
  EXPECT_EQ(share_code("D1", "U1", "A1"), "not_found");  // an appointment is not a document
  EXPECT_EQ(share_code("E1", "E1"), "forbidden");  // a recipient of another practice never re-shares
  EXPECT_EQ(share_code("U1", "U1"), "forbidden");
}

TEST_F(Documents, ReadersArePracticePractitionersAndCurrentRecipients) {
  EXPECT_EQ(read_doc("D2"), "ok");
  EXPECT_EQ(read_doc("U1"), "forbidden");
  EXPECT_EQ(read_doc("E1"), "forbidden");
  share("X1", "U1");
  share("X1", "E1");
  EXPECT_EQ(read_doc("U1"), "ok");
  EXPECT_EQ(read_doc("E1"), "ok");
  EXPECT_EQ(read_doc("U2"), "forbidden");
  EXPECT_EQ(read_doc("C1"), "forbidden");
  EXPECT_EQ(read_doc("C2"), "forbidden");
  EXPECT_EQ(read_doc("P1"), "forbidden");
  EXPECT_EQ(read_doc("Z9"), "not_found");
  EXPECT_EQ(read_doc("D1", "Z9"), "not_found");
  EXPECT_EQ(unshare_code("D2", "E1"), "ok");
  EXPECT_EQ(read_doc("E1"), "forbidden");
  EXPECT_EQ(read_doc("U1"), "ok");
}

TEST_F(Documents, UnshareSucceedsForAnyPersonAndOnlyFromThePractice) {
  EXPECT_EQ(unshare_code("D1", "U2"), "ok");  // never a recipient: success either way
  EXPECT_EQ(unshare_code("D1", "V1"), "ok");
  EXPECT_EQ(unshare_code("D1", "C1"), "forbidden");
  EXPECT_EQ(unshare_code("D1", "P2"), "forbidden");
  EXPECT_EQ(unshare_code("D1", "Z9"), "not_found");
  share("X1", "E1");
  EXPECT_EQ(unshare_code("E1", "E1"), "forbidden");  // a recipient may not unshare
  EXPECT_EQ(read_doc("E1"), "ok");
}

TEST_F(Documents, SharingNeverTouchesAnObservation) {
  save("D1", "A1", {{"motif", "m"}, {"examen", "e"}});
  Json before = read("D1", "A1");
  share("X1", "U1");
  share("X1", "E1");
  EXPECT_EQ(unshare_code("D1", "E1"), "ok");
  Json after = read("D1", "A1");
  EXPECT_EQ(after.at("fields"), before.at("fields"));
  EXPECT_EQ(after.at("version"), before.at("version"));
  // And saving after a share is stored like any other save (the 2023 incident).
  save("D1", "A1", {{"conclusion", "c"}});
  EXPECT_EQ(read("D1", "A1").at("fields").at("conclusion"), "c");
}

}  // namespace
}  // namespace savefuzz::testing
