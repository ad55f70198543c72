// SPEC.md section 5's fault steps through the runner, in-process and through records-server with
// libsavefuzz_faults.so preloaded: exact, replayable, and never blamed on a correct target.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <map>

#include "harness/core/runner.h"
#include "harness/core/shrink.h"
#include "harness/faultlib/control.h"
#include "harness/targets/fault_library.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/process_target.h"
#include "tests/support/server_process.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

using testing::bin_dir;

Step req(const std::string& json) { return Step::request(Call::of(Json::parse(json))); }
Step with_fault(const std::string& json, StorageFault f) { return Step::request(Call::of(Json::parse(json)), std::nullopt, f); }

const char* kSave = R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"toux","examen":"normal"}})";
const char* kAttach = R"({"op":"attach_document","as":"D1","document":"X1","appointment":"A1","title":"t","content":"c"})";

Scenario world(std::vector<Step> more) {
  Scenario s{"faults", "",
             {req(R"({"op":"create_practice","practice":"P1"})"),
              req(R"({"op":"create_practitioner","practitioner":"D1","practice":"P1","name":"n","specialty":"s"})"),
              req(R"({"op":"create_patient","patient":"U1","practice":"P1","name":"n","first_name":"f","sex":"s","phone":"p","email":"e"})"),
              req(R"({"op":"book_appointment","as":"D1","appointment":"A1","patient":"U1","start":"2024-01-01T10:00"})")}};
  for (auto& st : more) s.steps.push_back(std::move(st));
  return s;
}

testing::TempDir& data_root() {
  static testing::TempDir root;
  return root;
}

std::unique_ptr<Target> in_process(const std::string& mutant = "") {
  return std::make_unique<InProcessTarget>(InProcessOptions{*records::mutant_from_name(mutant), data_root().path()});
}

// records-server under the fault library; `wrap` goes before it on the command line.
std::unique_ptr<Target> server(const std::string& mutant = "", std::vector<std::string> wrap = {}) {
  ProcessOptions p;
  p.argv = std::move(wrap);
  p.argv.push_back((bin_dir() / "records-server").string());
  if (!mutant.empty()) p.argv.insert(p.argv.end(), {"--mutant", mutant});
  p.data_root = data_root().path();
  p.fault_library = default_fault_library();
  return std::make_unique<ProcessTarget>(p);
}

class BothTargets : public ::testing::TestWithParam<bool> {
 protected:
  std::unique_ptr<Target> target(const std::string& mutant = "") { return GetParam() ? server(mutant) : in_process(mutant); }
};

// A crash_during killed inside the sync of its commit leaves the write in the page cache, so the
// probe sees it; a power loss may then drop it (it was never acknowledged), but never anything
// acknowledged.
TEST_P(BothTargets, APowerLossMayDropWhatACrashDuringWroteButNothingAcknowledged) {
  for (unsigned k = 1; k <= 3; ++k) {
    auto t = target();
    RunResult r = run_scenario(world({req(kSave), Step::crash_during(Call::of(Json::parse(kAttach)), k), Step::power_loss(),
                                      req(R"({"op":"read_observation","as":"D1","appointment":"A1"})")}),
                               *t, {});
    EXPECT_FALSE(r.finding) << "sync " << k << ": " << r.finding->detail << " " << r.finding->actual.dump();
    EXPECT_EQ(r.coverage.sync_crashes, 1u);
    EXPECT_EQ(r.coverage.control(StepKind::power_loss), 1u);
  }
}

// Each write and sync of a save failed in turn: the save answers unavailable, and nothing of it
// shows, then or after a crash; past the last call the fault never fires and the save succeeds.
TEST_P(BothTargets, EveryWriteAndSyncOfASaveCanFailAndNothingOfItRemains) {
  for (auto on : {StorageFault::On::write, StorageFault::On::sync}) {
    std::uint64_t fired = 0;
    for (unsigned n = 1; n <= 6; ++n) {
      auto t = target();
      RunResult r = run_scenario(world({req(kSave), with_fault(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"grippe"}})",
                                                               {on, n, StorageFault::Errno::enospc}),
                                        Step::crash(), req(R"({"op":"read_observation","as":"D1","appointment":"A1"})")}),
                                 *t, {});
      EXPECT_FALSE(r.finding) << (on == StorageFault::On::sync ? "sync " : "write ") << n << ": " << r.finding->detail;
      fired += r.coverage.faults_fired[static_cast<std::size_t>(on)];
    }
    EXPECT_GE(fired, 1u);
  }
}

TEST_P(BothTargets, AFailedCommitAnsweredOkIsNamedAtItsStep) {
  auto t = target("ignore-commit-error");
  RunResult r = run_scenario(world({with_fault(kSave, {StorageFault::On::sync, 1, StorageFault::Errno::eio})}), *t, {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::explicit_errors);
  EXPECT_EQ(r.finding->step, 5u);
  EXPECT_NE(r.finding->detail.find("sync 1 failed (EIO)"), std::string::npos) << r.finding->detail;
}

// A creation acknowledged before its commit, which the next request's failed write or sync takes
// with it: that request answers as if the creation were gone. The acknowledgement is what broke.
TEST_P(BothTargets, ACreationAFailedCommitTookIsNamedAckDurable) {
  const char* practice = R"({"op":"create_practice","practice":"P2"})";
  auto t = target("ack-before-commit");
  RunResult again = run_scenario(
      {"faults", "", {req(practice), with_fault(practice, {StorageFault::On::write, 1, StorageFault::Errno::enospc})}}, *t, {});
  ASSERT_TRUE(again.finding);
  EXPECT_EQ(again.finding->invariant, Invariant::ack_durable) << again.finding->detail;
  EXPECT_EQ(again.finding->step, 2u);
  EXPECT_NE(again.finding->detail.find("write 1 failed (ENOSPC)"), std::string::npos) << again.finding->detail;

  t = target("ack-before-commit");
  RunResult client = run_scenario(
      {"faults", "", {req(practice), with_fault(R"({"op":"create_api_client","client":"C1","practice":"P2"})",
                                                {StorageFault::On::sync, 1, StorageFault::Errno::eio})}},
      *t, {});
  ASSERT_TRUE(client.finding);
  EXPECT_EQ(client.finding->invariant, Invariant::ack_durable) << client.finding->detail;
}

// The failed request answers as it would without the fault (a refusal; ok to a new document), so
// only reading back what was acknowledged shows what the failure took: a practitioner, a practice,
// a share, an update. The loss is named, at the failed request, with the read that shows it.
TEST_P(BothTargets, ALossTheFailedRequestDoesNotShowIsFoundByReadingBack) {
  const char* practice = R"({"op":"create_practice","practice":"P2"})";
  const char* practitioner = R"({"op":"create_practitioner","practitioner":"D2","practice":"P2","name":"","specialty":""})";
  StorageFault write1{StorageFault::On::write, 1, StorageFault::Errno::enospc};
  struct Case {
    Scenario scenario;
    std::string read_back;  // the op of the read that shows the loss
  };
  const char* share = R"({"op":"share_document","as":"D1","document":"X1","with":"U1"})";
  const char* update = R"({"op":"update_appointment","as":"D1","appointment":"A1","start":"2024-01-02T10:00"})";
  std::vector<Case> cases{
      {{"practitioner", "", {req(practice), req(practitioner), with_fault(practice, write1)}}, "list_appointments"},
      {{"practice", "", {req(practice), with_fault(R"({"op":"create_api_client","client":"C1","practice":"Q9"})", write1)}},
       "create_practice"},
      {world({req(kAttach), req(share), with_fault(kAttach, write1)}), "read_document"},
      {world({req(update), with_fault(R"({"op":"attach_document","as":"D1","document":"X2","appointment":"A1","title":"t","content":"c"})",
                                      write1)}),
       "list_appointments"},
  };
  for (const Case& c : cases) {
    auto t = target("ack-before-commit");
    RunResult r = run_scenario(c.scenario, *t, {});
    ASSERT_TRUE(r.finding) << c.scenario.name;
    EXPECT_EQ(r.finding->invariant, Invariant::ack_durable) << c.scenario.name << ": " << r.finding->detail;
    std::size_t last = c.scenario.steps.size();
    EXPECT_EQ(r.finding->step, last) << c.scenario.name;
    EXPECT_EQ(r.finding->where, "read-back after step " + std::to_string(last)) << c.scenario.name;
    EXPECT_EQ(r.finding->request.value("op", ""), c.read_back) << c.scenario.name << ": " << r.finding->request;
    EXPECT_NE(r.finding->detail.find("write 1 failed (ENOSPC), and it answered as without the fault"), std::string::npos)
        << r.finding->detail;
  }
}

TEST_P(BothTargets, NoSyncLosesAcknowledgedSavesOnPowerLossOnly) {
  auto crash = target("no-sync");
  EXPECT_FALSE(run_scenario(world({req(kSave), Step::crash()}), *crash, {}).finding) << "a crash keeps the page cache";
  auto power = target("no-sync");
  RunResult r = run_scenario(world({req(kSave), Step::power_loss()}), *power, {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::ack_durable);
}

INSTANTIATE_TEST_SUITE_P(Faults, BothTargets, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& p) { return p.param ? "RecordsServer" : "InProcess"; });

TEST(FaultLibrary, ATargetItCannotReachRunsWithoutFaultStepsAndSaysWhy) {
  ProcessOptions p;
  p.argv = {(bin_dir() / "records-server").string()};
  p.data_root = data_root().path();
  ProcessTarget without(p);
  ASSERT_FALSE(without.start());
  EXPECT_FALSE(without.fault_support().sync_crash);
  EXPECT_NE(without.fault_support().why_not.find("no fault library"), std::string::npos);

  // The library loads into `env`, which then runs records-server without it: as a statically
  // linked target would be, it is detected at the hello.
  auto dropped = server("", {"env", "-u", "LD_PRELOAD"});
  ASSERT_FALSE(dropped->start());
  FaultSupport support = dropped->fault_support();
  EXPECT_FALSE(support.power_loss);
  EXPECT_NE(support.why_not.find("did not load"), std::string::npos) << support.why_not;
  RunResult r = run_scenario(world({req(kSave), Step::power_loss()}), *dropped, {});
  ASSERT_TRUE(r.not_runnable);
  EXPECT_FALSE(r.finding);
  EXPECT_NE(r.not_runnable->find("step 6 (power_loss)"), std::string::npos) << *r.not_runnable;
}

// A target killed while the library appended to the undo log leaves a record cut short. Cut
// before the next process starts (ProcessTarget does it at every start), the log stays readable,
// and a power loss undoes both processes' unsynced writes; left, the next process's records
// followed the torn one and the power loss could not be simulated.
TEST(FaultLibrary, ARecordCutShortByAKillIsDroppedBeforeTheNextProcessAppends) {
  testing::TempDir root;
  std::filesystem::path file = root.path() / "store";
  auto write_file = [&](const std::string& bytes) { std::ofstream(file, std::ios::binary) << bytes; };
  auto read_file = [&] {
    std::ifstream in(file, std::ios::binary);
    return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  };
  FaultLibrary library(default_fault_library(), root.path());
  std::map<std::string, std::string> env;
  library.add_environment(env);
  const std::filesystem::path undo = env.at(SAVEFUZZ_UNDO_ENV);
  auto record = [&](std::int64_t offset, std::int64_t old_size, const std::string& written, const std::string& old) {
    std::string path = file.string();
    savefuzz_undo_header h{SAVEFUZZ_UNDO_MAGIC, SAVEFUZZ_UNDO_WRITE, static_cast<std::uint32_t>(path.size()), 0,
                           offset, old_size, static_cast<std::int64_t>(written.size()), old.size()};
    return std::string(reinterpret_cast<const char*>(&h), sizeof h) + path + old;
  };
  auto append = [&](const std::string& bytes) { std::ofstream(undo, std::ios::binary | std::ios::app) << bytes; };

  write_file("old");
  append(record(3, 3, "new", ""));  // the first process appends "new"
  write_file("oldnew");
  std::string next = record(0, 6, "OLD", "old");
  append(next.substr(0, 20));  // and is killed while appending the record of its next write

  library.cut_torn_record();
  append(next);  // the next process writes "OLD" over "old"
  write_file("OLDnew");
  ASSERT_NO_THROW(library.lose_unsynced(0));
  EXPECT_EQ(read_file(), "old");
}

// The shrinker lowers K and n and turns a power loss into a crash when the bug still shows.
TEST(FaultShrinking, LowersKAndNAndTurnsPowerLossIntoCrash) {
  Scenario s = world({with_fault(kSave, {StorageFault::On::write, 4, StorageFault::Errno::enospc}),
                      Step::crash_during(Call::of(Json::parse(kSave)), 4), Step::power_loss()});
  Signature sig{Invariant::ack_durable, "control"};
  // "Fails" while a fault step, a crash_during and a crash of either kind remain.
  auto fails = [&](const Scenario& c) -> std::optional<Signature> {
    bool fault = false, during = false, crash = false;
    for (const auto& st : c.steps) {
      fault |= st.fault() && st.fault()->has_value();
      during |= st.kind() == StepKind::crash_during;
      crash |= st.kind() == StepKind::crash || st.kind() == StepKind::power_loss;
    }
    if (fault && during && crash) return sig;
    return std::nullopt;
  };
  Scenario best = shrink(s, sig, fails, {}).scenario;
  ASSERT_EQ(best.steps.size(), 3u);
  EXPECT_EQ(best.steps[0].fault()->value().n, 1u);
  EXPECT_EQ(std::get<CrashDuringStep>(best.steps[1].body).at_sync, 1u);
  EXPECT_EQ(best.steps[2].kind(), StepKind::crash);
}

}  // namespace
}  // namespace savefuzz
