// Scenario files load, reject bad input naming file and step, and save back to the same steps.
#include <fstream>

#include <gtest/gtest.h>

#include "harness/core/scenario.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

class ScenarioFiles : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& text) {
    auto p = dir_.path() / ("s" + std::to_string(++n_) + ".json");
    std::ofstream(p) << text;
    return p;
  }
  std::string error_of(const std::string& text) {
    auto p = write(text);
    auto r = load_scenario(p);
    if (auto* e = std::get_if<ScenarioError>(&r)) return e->message();
    return "";
  }
  testing::TempDir dir_;
  int n_ = 0;
};

constexpr const char* kGood = R"({
  "savefuzz_scenario": 1, "name": "share-then-save", "description": "d",
  "steps": [
    {"op": "create_practice", "practice": "P1"},
    {"op": "save_observation", "as": "D1", "appointment": "A1", "fields": {"motif": "toux"}, "expect": {"ok": true}},
    {"op": "save_observation", "as": "D1", "appointment": "A1", "fields": {"motif": 3}},
    {"control": "crash"},
    {"control": "restart"},
    {"control": "crash_during", "request": {"op": "create_practice", "practice": "P2"}}
  ]})";

TEST_F(ScenarioFiles, TheSpecExampleLoadsWithTypedAndMalformedSteps) {
  auto r = load_scenario(write(kGood));
  ASSERT_TRUE(std::holds_alternative<Scenario>(r)) << std::get<ScenarioError>(r).message();
  const auto& s = std::get<Scenario>(r);
  EXPECT_EQ(s.name, "share-then-save");
  ASSERT_EQ(s.steps.size(), 6u);
  EXPECT_TRUE(s.steps[0].call()->request());
  EXPECT_EQ(**s.steps[1].expect(), Json::parse(R"({"ok":true})"));
  EXPECT_FALSE(s.steps[1].call()->wire.contains("expect"));
  EXPECT_FALSE(s.steps[2].call()->request()) << "a wrong type is kept as sent, to be answered invalid";
  EXPECT_EQ(s.steps[3].kind(), StepKind::crash);
  EXPECT_EQ(s.steps[4].kind(), StepKind::restart);
  EXPECT_EQ(s.steps[5].kind(), StepKind::crash_during);
}

TEST_F(ScenarioFiles, SavedScenarioLoadsBackToTheSameSteps) {
  const auto s = std::get<Scenario>(load_scenario(write(kGood)));
  auto out = dir_.path() / "out.json";
  auto saved = save_scenario(out, s);
  ASSERT_FALSE(saved) << saved->message;
  auto again = std::get<Scenario>(load_scenario(out));
  EXPECT_EQ(scenario_to_json(again), scenario_to_json(s));
  EXPECT_FALSE(std::filesystem::exists(out.string() + ".tmp-" + std::to_string(::getpid())));
}

TEST_F(ScenarioFiles, ErrorsNameTheFileTheStepAndTheProblem) {
  auto bad = [&](const std::string& steps) {
    return error_of(R"({"savefuzz_scenario":1,"name":"n","steps":[)" + steps + "]}");
  };
  EXPECT_NE(bad(R"({"op":"create_practice","practice":"P"},{"control":"reboot"})").find(": step 2: unknown control \"reboot\""),
            std::string::npos);
  EXPECT_NE(bad(R"({"id":3,"op":"create_practice","practice":"P"})").find("step 1: a request step has no \"id\""),
            std::string::npos);
  EXPECT_NE(bad(R"({"op":"hello","protocol":1})").find("step 1: \"hello\" is sent by the harness"), std::string::npos);
  EXPECT_NE(bad(R"({"op":"x","control":"crash"})").find("exactly one of"), std::string::npos);
  EXPECT_NE(bad(R"({"control":"crash","expect":{"ok":true}})").find("\"expect\" belongs on request steps"), std::string::npos);
  EXPECT_NE(bad(R"({"control":"crash_during"})").find("crash_during needs \"request\""), std::string::npos);
  EXPECT_NE(bad(R"(3)").find("step 1: a step must be a JSON object"), std::string::npos);
  EXPECT_NE(bad(R"({"op":"create_practice","expect":true})").find("\"expect\" must be an object"), std::string::npos);
}

TEST_F(ScenarioFiles, TopLevelProblemsAreReported) {
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(R"({"name":"n","steps":[]})").find("\"savefuzz_scenario\": 1 is required"), std::string::npos);
  EXPECT_NE(error_of(R"({"savefuzz_scenario":2,"name":"n","steps":[]})").find("format version"), std::string::npos);
  EXPECT_NE(error_of(R"({"savefuzz_scenario":1,"steps":[]})").find("\"name\""), std::string::npos);
  EXPECT_NE(error_of(R"({"savefuzz_scenario":1,"name":"n"})").find("\"steps\" must be an array"), std::string::npos);
  EXPECT_NE(error_of(R"({"savefuzz_scenario":1,"name":"n","steps":[],"seed":3})").find("unknown key \"seed\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"savefuzz_scenario":1,"name":"n","name":"m","steps":[]})").find("duplicate key \"name\""),
            std::string::npos);
  auto missing = load_scenario(dir_.path() / "absent.json");
  EXPECT_NE(std::get<ScenarioError>(missing).message().find("absent.json: cannot be read"), std::string::npos);
}

TEST_F(ScenarioFiles, FoldersAreSearchedForJsonFilesInOrder) {
  std::filesystem::create_directories(dir_.path() / "sub");
  std::ofstream(dir_.path() / "b.json") << "{}";
  std::ofstream(dir_.path() / "sub" / "a.json") << "{}";
  std::ofstream(dir_.path() / "notes.txt") << "x";
  auto files = scenario_files(dir_.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].filename(), "b.json");
  EXPECT_EQ(files[1].filename(), "a.json");
}

}  // namespace
}  // namespace savefuzz

namespace savefuzz {
namespace {

TEST(ScenarioReset, ReadsAsAResetStepAndWritesBackTheSame) {
  auto step = parse_step(Json::parse(R"({"op":"reset"})"));
  ASSERT_TRUE(std::holds_alternative<Step>(step));
  EXPECT_EQ(std::get<Step>(step).kind(), StepKind::reset);
  EXPECT_EQ(std::get<Step>(step).to_json(), Json::parse(R"({"op":"reset"})"));
  EXPECT_TRUE(std::holds_alternative<Error>(parse_step(Json::parse(R"({"op":"reset","as":"D1"})"))));
  EXPECT_TRUE(std::holds_alternative<Error>(parse_step(Json::parse(R"({"control":"reset"})"))));
}

}  // namespace
}  // namespace savefuzz

namespace savefuzz {
namespace {

// SPEC.md section 5's fault keys: read, written back the same, and every mistake named.
TEST(ScenarioFaults, CrashAtASyncPowerLossAndStorageFaultsRoundTrip) {
  for (const char* text : {R"({"control":"crash_during","request":{"op":"create_practice","practice":"P1"},"at":{"sync":2}})",
                           R"({"control":"power_loss"})",
                           R"({"op":"create_practice","practice":"P1","fault":{"on":"sync","n":1,"errno":"ENOSPC"}})",
                           R"({"op":"create_practice","practice":"P1","fault":{"on":"write","n":3,"errno":"EIO"},"expect":{"ok":false}})"}) {
    auto step = parse_step(Json::parse(text));
    ASSERT_TRUE(std::holds_alternative<Step>(step)) << text << ": " << std::get<Error>(step).message;
    EXPECT_EQ(std::get<Step>(step).to_json(), Json::parse(text));
  }
  const Step s = std::get<Step>(parse_step(Json::parse(R"({"op":"create_practice","practice":"P1","fault":{"on":"write","n":3}})")));
  ASSERT_TRUE(s.fault() && *s.fault());
  EXPECT_EQ(**s.fault(), (StorageFault{StorageFault::On::write, 3, StorageFault::Errno::eio})) << "errno defaults to EIO";
  EXPECT_EQ(s.call()->wire, Json::parse(R"({"op":"create_practice","practice":"P1"})")) << "the fault is not sent";
  EXPECT_EQ(std::get<Step>(parse_step(Json::parse(R"({"control":"power_loss"})"))).kind(), StepKind::power_loss);
}

TEST(ScenarioFaults, MistakesInFaultKeysAreNamed) {
  auto error = [](const char* text) {
    auto step = parse_step(Json::parse(text));
    return std::holds_alternative<Error>(step) ? std::get<Error>(step).message : std::string("accepted");
  };
  EXPECT_NE(error(R"({"op":"create_practice","practice":"P1","fault":{"on":"read","n":1}})").find("\"write\" or \"sync\""), std::string::npos);
  EXPECT_NE(error(R"({"op":"create_practice","practice":"P1","fault":{"on":"sync","n":0}})").find("from 1 to"), std::string::npos);
  EXPECT_NE(error(R"({"op":"create_practice","practice":"P1","fault":{"on":"sync","n":1,"errno":"EPERM"}})").find("EIO"), std::string::npos);
  EXPECT_NE(error(R"({"op":"create_practice","practice":"P1","fault":{"on":"sync","n":1,"when":2}})").find("unknown key \"when\""), std::string::npos);
  EXPECT_NE(error(R"({"op":"create_practice","practice":"P1","fault":{"n":1}})").find("needs"), std::string::npos);
  EXPECT_NE(error(R"({"control":"crash","fault":{"on":"sync","n":1}})").find("request steps"), std::string::npos);
  EXPECT_NE(error(R"({"control":"crash_during","request":{"op":"create_practice","practice":"P1"},"at":{"sync":-1}})").find("\"at\""), std::string::npos);
  EXPECT_NE(error(R"({"control":"crash_during","request":{"op":"create_practice","practice":"P1"},"at":{"write":1}})").find("\"at\""), std::string::npos);
  EXPECT_NE(error(R"({"control":"power_loss","tear":1})").find("unknown key"), std::string::npos);
}

}  // namespace
}  // namespace savefuzz
