// The situations a case reaches are read from the model as it was before each step, and the
// event stream is one parsable JSON line per event, on disk as soon as it is written.
#include <fstream>

#include <gtest/gtest.h>

#include "harness/core/events.h"
#include "harness/core/features.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

class Situations : public ::testing::Test {
 protected:
  // Applies `j` to the model and shows it to the tracker as a scenario step.
  Response step(const Json& j) {
    Request r = std::get<Request>(decode_request(j));
    Model before = model_;
    Response answer = model_.apply(r);
    tracker_.request(before, r, answer);
    return answer;
  }
  std::uint64_t count(Situation s) const { return tracker_.counts()[static_cast<std::size_t>(s)]; }

  void SetUp() override {
    step({{"op", "create_practice"}, {"practice", "P1"}});
    step({{"op", "create_practice"}, {"practice", "P2"}});
    step({{"op", "create_practitioner"}, {"practitioner", "D1"}, {"practice", "P1"}, {"name", "n"}, {"specialty", "s"}});
    step({{"op", "create_practitioner"}, {"practitioner", "E1"}, {"practice", "P2"}, {"name", "n"}, {"specialty", "s"}});
    step({{"op", "create_patient"}, {"patient", "U1"}, {"practice", "P1"}, {"name", "n"}, {"first_name", "f"},
          {"sex", "x"}, {"phone", "p"}, {"email", "e"}});
    step({{"op", "book_appointment"}, {"as", "D1"}, {"appointment", "A1"}, {"patient", "U1"}, {"start", "2024-03-01T09:00"}});
    step({{"op", "attach_document"}, {"as", "D1"}, {"document", "X1"}, {"appointment", "A1"}, {"title", "t"}, {"content", "c"}});
  }

  Json save(const Json& fields) { return {{"op", "save_observation"}, {"as", "D1"}, {"appointment", "A1"}, {"fields", fields}}; }

  Model model_;
  SituationTracker tracker_;
};

TEST_F(Situations, ASaveCountsWhatItsAppointmentWasBeforeIt) {
  ASSERT_TRUE(step(save({{"motif", "m"}, {"examen", "e"}})).ok());
  EXPECT_EQ(count(Situation::multi_field_save), 1u);
  EXPECT_EQ(count(Situation::save_with_shared_document), 0u);
  EXPECT_EQ(count(Situation::save_of_some_fields_over_others), 0u);  // nothing was saved before
  ASSERT_TRUE(step({{"op", "share_document"}, {"as", "D1"}, {"document", "X1"}, {"with", "U1"}}).ok());
  EXPECT_EQ(count(Situation::share_of_appointment_with_observation), 1u);
  ASSERT_TRUE(step(save({{"conclusion", "c"}})).ok());
  EXPECT_EQ(count(Situation::save_with_shared_document), 1u);
  EXPECT_EQ(count(Situation::save_of_some_fields_over_others), 1u);
  EXPECT_EQ(count(Situation::save_after_restart), 0u);
  for (int v = 3; v <= 6; ++v) ASSERT_TRUE(step(save({{"motif", std::to_string(v)}})).ok());
  EXPECT_EQ(count(Situation::save_to_version_5), 1u);  // the save that took it to 5, once
}

TEST_F(Situations, ControlsAndReadsCountWhoReadsAfterWhat) {
  ASSERT_TRUE(step(save({{"motif", "m"}})).ok());
  Request crashing = std::get<Request>(decode_request(save({{"motif", "a"}, {"examen", "b"}})));
  tracker_.control(StepKind::crash_during, &crashing);
  EXPECT_EQ(count(Situation::crash_during_save), 1u);
  EXPECT_EQ(count(Situation::crash_during_multi_field_save), 1u);
  tracker_.control(StepKind::power_loss, nullptr);
  EXPECT_EQ(count(Situation::power_loss_after_save), 1u);
  ASSERT_TRUE(step({{"op", "read_observation"}, {"as", "D1"}, {"appointment", "A1"}}).ok());
  EXPECT_EQ(count(Situation::read_after_crash), 1u);
  EXPECT_EQ(count(Situation::read_observation_as_practitioner), 1u);
  EXPECT_FALSE(step({{"op", "read_observation"}, {"as", "E1"}, {"appointment", "A1"}}).ok());
  EXPECT_EQ(count(Situation::read_refused_outside_practice), 1u);
  // A reset starts a new case: what came before no longer counts, what was counted stays.
  tracker_.control(StepKind::reset, nullptr);
  ASSERT_TRUE(step(save({{"motif", "again"}})).ok());
  EXPECT_EQ(count(Situation::save_after_restart), 0u);
  EXPECT_EQ(count(Situation::crash_during_save), 1u);
}

TEST(EventLog, WritesOneParsableLinePerEventAsItGoes) {
  testing::TempDir dir;
  auto file = dir.path() / "events.jsonl";
  EventLog log(file, "savefuzz run --target records");
  log.run_start("savefuzz run", {{"seed", 1}});
  CaseEvent e;
  e.representation = "create_practice save_observation";
  e.coverage.situations[static_cast<std::size_t>(Situation::multi_field_save)] = 2;
  e.coverage.ops[static_cast<std::size_t>(Op::save_observation)] = 1;
  log.test_case(e);
  e.failed = true;
  e.status_reason = "ack-durable at step 2";
  log.test_case(e);
  // Read while the log is still open: a killed run keeps what was written.
  std::ifstream in(file);
  std::vector<Json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(Json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0]["type"], "info");
  EXPECT_EQ(lines[1]["type"], "test_case");
  EXPECT_EQ(lines[1]["status"], "passed");
  EXPECT_EQ(lines[2]["status"], "failed");
  EXPECT_EQ(lines[2]["status_reason"], "ack-durable at step 2");
  EXPECT_EQ(lines[1]["features"]["situation:multi-field-save"], 2);
  EXPECT_EQ(lines[1]["features"]["op:save_observation"], 1);
  EXPECT_FALSE(lines[1]["features"].contains("op:create_practice"));  // zero counts are left out
  for (const char* key : {"property", "run_start", "representation", "arguments", "how_generated", "timing", "metadata"})
    EXPECT_TRUE(lines[1].contains(key)) << key;
  std::vector<std::string> never = features_never_reached(e.coverage);
  EXPECT_NE(std::find(never.begin(), never.end(), "situation:save-with-shared-document"), never.end());
  EXPECT_EQ(std::find(never.begin(), never.end(), "situation:multi-field-save"), never.end());
}

}  // namespace
}  // namespace savefuzz
