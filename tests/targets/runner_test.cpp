// The runner: lockstep verdicts, unavailable answers, crash_during outcomes, the final sweep.
#include <gtest/gtest.h>

#include "harness/core/fault_points.h"
#include "harness/core/runner.h"
#include "harness/targets/inprocess_target.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

Step req(const char* json) { return Step::request(Call::of(Json::parse(json))); }

std::vector<Step> world() {
  return {req(R"({"op":"create_practice","practice":"P1"})"),
          req(R"({"op":"create_practice","practice":"P2"})"),
          req(R"({"op":"create_practitioner","practitioner":"D1","practice":"P1","name":"n","specialty":"s"})"),
          req(R"({"op":"create_practitioner","practitioner":"E1","practice":"P2","name":"n","specialty":"s"})"),
          req(R"({"op":"create_patient","patient":"U1","practice":"P1","name":"n","first_name":"f","sex":"s","phone":"p","email":"e"})"),
          req(R"({"op":"book_appointment","as":"D1","appointment":"A1","patient":"U1","start":"2024-01-01T10:00"})"),
          req(R"({"op":"attach_document","as":"D1","document":"X1","appointment":"A1","title":"t","content":"c"})")};
}

RunResult run(std::vector<Step> steps, records::Mutant mutant = records::Mutant::none, RunnerOptions o = {}) {
  Scenario s{"test", "", world()};
  for (auto& st : steps) s.steps.push_back(std::move(st));
  static testing::TempDir data_root;  // holds the directories kept for findings
  InProcessTarget target({mutant, data_root.path()});
  return run_scenario(s, target, o);
}

TEST(Runner, CorrectTargetPassesAndTheSweepReadsEverythingAsEveryone) {
  RunResult r = run({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"m"}})")});
  EXPECT_FALSE(r.finding);
  // 8 steps, then 3 principals x (1 observation + 1 document + 1 list).
  EXPECT_EQ(r.requests, 8u + 9u);
}

TEST(Runner, SweepFindsALeakNoStepAskedAbout) {
  // Nothing in the scenario reads anything: only the sweep can see the leak.
  RunResult r = run({req(R"({"op":"share_document","as":"D1","document":"X1","with":"E1"})")},
                    records::Mutant::share_leaks_observation);
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::share_scope);
  EXPECT_EQ(r.finding->where, "final sweep after step 8");
  EXPECT_EQ(r.finding->request, Json::parse(R"({"op":"read_observation","as":"E1","appointment":"A1"})"));
  EXPECT_EQ(r.finding->expected, Json::parse(R"({"ok":false,"error":{"code":"forbidden"}})"));
}

TEST(Runner, WithoutTheSweepTheSameLeakGoesUnseen) {
  RunResult r = run({req(R"({"op":"share_document","as":"D1","document":"X1","with":"E1"})")},
                    records::Mutant::share_leaks_observation, RunnerOptions{false, 0});
  EXPECT_FALSE(r.finding);
}

TEST(Runner, FirstDivergenceStopsTheRunWithStepAndBothAnswers) {
  RunResult r = run({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"a"}})"),
                     req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"b"},"base_version":0})"),
                     req(R"({"op":"read_observation","as":"D1","appointment":"A1"})")},
                    records::Mutant::lost_update);
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->step, 9u);
  EXPECT_EQ(r.finding->invariant, Invariant::no_lost_update);
  EXPECT_EQ(r.finding->actual, Json::parse(R"({"ok":true,"version":2})"));
  EXPECT_EQ(r.requests, 9u);
}

TEST(Runner, ExpectOnAStepIsCheckedBesideTheModel) {
  Call read = Call::of(Json::parse(R"({"op":"read_observation","as":"D1","appointment":"A1"})"));
  RunResult r = run({Step::request(read, Json::parse(R"({"ok":true,"version":7})"))});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::scenario_expect);
  EXPECT_FALSE(run({Step::request(read, Json::parse(R"({"ok":true,"fields":{"motif":""},"version":0})"))}).finding);
}

TEST(Runner, CrashDuringAllowsBothOutcomesButNotHalfOfOne) {
  Step crash = Step::crash_during(
      Call::of(Json::parse(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"m","examen":"e"}})")));
  // Seeds give different crash points; the correct target passes under all of them.
  int caught = 0;
  for (std::uint64_t seed = 0; seed < 12; ++seed) {
    EXPECT_FALSE(run({crash}, records::Mutant::none, RunnerOptions{true, seed}).finding) << "seed " << seed;
    auto bad = run({crash}, records::Mutant::nonatomic_save, RunnerOptions{true, seed});
    if (bad.finding) {
      ++caught;
      EXPECT_EQ(bad.finding->invariant, Invariant::all_or_nothing);
      EXPECT_EQ(bad.finding->where, "probe after step 8");
      EXPECT_TRUE(bad.finding->expected.is_array()) << "both allowed outcomes are shown";
    }
  }
  EXPECT_GT(caught, 0);
  EXPECT_LT(caught, 12) << "crash points before the first commit must leave the old state";
}

TEST(Runner, AnUnresolvedCrashDuringExplainsOnlyAnswersItsOutcomesDisagreeOn) {
  // Sharing with the practitioner who already reads the document: no probe can tell whether the
  // crashed share happened, so two states stay allowed. Both forbid the patient's read, so the
  // leak is a share-scope breach, not a half-applied request.
  Step crash = Step::crash_during(Call::of(Json::parse(R"({"op":"share_document","as":"D1","document":"X1","with":"D1"})")));
  for (std::uint64_t seed = 0; seed < 4; ++seed) {
    RunResult r = run({crash, req(R"({"op":"read_document","as":"U1","document":"X1"})")},
                      records::Mutant::patient_reads_unshared, RunnerOptions{true, seed});
    ASSERT_TRUE(r.finding) << "seed " << seed;
    EXPECT_EQ(r.finding->invariant, Invariant::share_scope) << "seed " << seed;
    EXPECT_EQ(r.finding->where, "step 9");
    EXPECT_EQ(r.finding->expected, Json::parse(R"({"ok":false,"error":{"code":"forbidden"}})")) << "one answer, not two";
  }
}

TEST(Runner, CrashPointsAreStablePerSeedAndStep) {
  EXPECT_EQ(crash_point(7, 3), crash_point(7, 3));
  EXPECT_NE(crash_point(7, 3), crash_point(7, 4));
  EXPECT_NE(crash_point(7, 3), crash_point(8, 3));
}

// Answers `code` to the n-th request; `applied` says whether it still made the change (for
// `unavailable`, the bug) or dropped it (what the contract asks).
class RefusingTarget : public InProcessTarget {
 public:
  RefusingTarget(int n, bool applied, const std::filesystem::path& root, std::string code = "unavailable")
      : InProcessTarget({records::Mutant::none, root}), n_(n), applied_(applied), code_(std::move(code)) {}
  Reply call(const Json& request) override {
    if (++calls_ != n_) return InProcessTarget::call(request);
    if (applied_) InProcessTarget::call(request);
    return Json{{"id", 0}, {"ok", false}, {"error", Json{{"code", code_}, {"message", "refused"}}}};
  }

 private:
  int n_, calls_ = 0;
  bool applied_;
  std::string code_;
};

TEST(Runner, NotFoundForAKnownEntityIsALostWriteOnlyAfterARestart) {
  testing::TempDir root;
  Scenario s{"t", "", world()};
  s.steps.push_back(req(R"({"op":"read_observation","as":"D1","appointment":"A1"})"));
  RefusingTarget hiding(8, false, root.path(), "not_found");
  RunResult r = run_scenario(s, hiding, {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::explicit_errors) << "no restart: the answer is just wrong";
  s.steps.insert(s.steps.end() - 1, Step::restart());
  RefusingTarget losing(8, false, root.path(), "not_found");
  r = run_scenario(s, losing, {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::ack_durable) << "after a restart, a known entity went missing";
}

TEST(Runner, UnavailableIsAllowedOnlyWhenNothingChanged) {
  testing::TempDir root;
  Scenario s{"t", "", world()};
  s.steps.push_back(req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"m"}})"));
  s.steps.push_back(req(R"({"op":"read_observation","as":"D1","appointment":"A1"})"));
  RefusingTarget honest(8, false, root.path());
  EXPECT_FALSE(run_scenario(s, honest, {}).finding);
  RefusingTarget liar(8, true, root.path());
  RunResult r = run_scenario(s, liar, {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::all_or_nothing);
  EXPECT_EQ(r.finding->step, 9u);
  // On a request the model rejects, unavailable is the wrong error: the contract ranks it last.
  Scenario forbidden{"t", "", world()};
  forbidden.steps.push_back(req(R"({"op":"save_observation","as":"E1","appointment":"A1","fields":{"motif":"m"}})"));
  RefusingTarget wrong(8, false, root.path());
  r = run_scenario(forbidden, wrong, {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::explicit_errors);
}

// Takes a list's `to` as inclusive: an off-by-one at a bound, as list-to-inclusive plants it in the
// Python example.
class InclusiveToTarget : public InProcessTarget {
 public:
  explicit InclusiveToTarget(const std::filesystem::path& root) : InProcessTarget({records::Mutant::none, root}) {}
  Reply call(const Json& request) override {
    if (request.value("op", "") != "list_appointments" || !request.contains("to")) return InProcessTarget::call(request);
    Json without_to = request;
    without_to.erase("to");
    Reply reply = InProcessTarget::call(without_to);
    auto* answer = std::get_if<Json>(&reply);
    if (answer && answer->contains("appointments")) {
      Json kept = Json::array();
      for (const Json& a : (*answer)["appointments"])
        if (a["start"].get<std::string>() <= request["to"].get<std::string>()) kept.push_back(a);
      (*answer)["appointments"] = kept;
    }
    return reply;
  }
};

// An appointment listed that should not be is a leak only when the lister may not see it: one of
// its own practice listed outside from/to is a wrong answer (integrity), not a confidentiality
// breach.
TEST(Runner, AListedAppointmentIsALeakOnlyOutsideTheListersPractice) {
  testing::TempDir root;
  Scenario s{"t", "", world()};
  s.steps.push_back(req(R"({"op":"list_appointments","as":"D1","to":"2024-01-01T10:00"})"));
  InclusiveToTarget inclusive(root.path());
  RunResult r = run_scenario(s, inclusive, {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::explicit_errors) << "A1 is D1's practice's, listed past `to`";
  EXPECT_EQ(r.finding->step, 8u);

  RunResult leak = run({req(R"({"op":"create_api_client","client":"C1","practice":"P2"})"),
                        req(R"({"op":"list_appointments","as":"C1"})")},
                       records::Mutant::api_tenant_filter_missing);
  ASSERT_TRUE(leak.finding);
  EXPECT_EQ(leak.finding->invariant, Invariant::tenant_isolation) << "A1 is P1's, listed to P2's api client";

  // Listed at the start it had before an acknowledged move that a crash took: a lost update.
  RunResult lost = run({req(R"({"op":"update_appointment","as":"D1","appointment":"A1","start":"2024-01-01T12:00"})"),
                        Step::crash(), req(R"({"op":"list_appointments","as":"D1","to":"2024-01-01T11:00"})")},
                       records::Mutant::ack_before_commit);
  ASSERT_TRUE(lost.finding);
  EXPECT_EQ(lost.finding->invariant, Invariant::ack_durable) << "the crash took the acknowledged move";
  EXPECT_EQ(lost.finding->where, "step 10");
}

TEST(Runner, MalformedRequestsMustBeAnsweredInvalid) {
  RunResult r = run({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":1}})"),
                     req(R"({"op":"create_practice","practice":"P9","extra":true})")});
  EXPECT_FALSE(r.finding);
}

}  // namespace
}  // namespace savefuzz
