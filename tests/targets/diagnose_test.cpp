// Diagnosis: localization names the step a loss first shows after, the shrinker follows the
// diagnosis to the shortest scenario, and every finding is replayed before it is reported.
#include <gtest/gtest.h>

#include "harness/core/diagnose.h"
#include "harness/core/version_loss.h"
#include "harness/targets/inprocess_target.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

Step req(const char* json) { return Step::request(Call::of(Json::parse(json))); }

std::vector<Step> appointment() {
  return {req(R"({"op":"create_practice","practice":"P1"})"),
          req(R"({"op":"create_practitioner","practitioner":"D1","practice":"P1","name":"n","specialty":"s"})"),
          req(R"({"op":"create_patient","patient":"U1","practice":"P1","name":"n","first_name":"f","sex":"s","phone":"p","email":"e"})"),
          req(R"({"op":"book_appointment","as":"D1","appointment":"A1","patient":"U1","start":"2024-01-01T10:00"})")};
}

Scenario with(std::vector<Step> steps) {
  Scenario s{"test", "", appointment()};
  for (auto& st : steps) s.steps.push_back(std::move(st));
  return s;
}

Step crash_during_share() {
  return Step::crash_during(Call::of(Json::parse(R"({"op":"share_document","as":"D1","document":"X1","with":"U1"})")));
}
const char* kAttach = R"({"op":"attach_document","as":"D1","document":"X1","appointment":"A1","title":"t","content":"c"})";

testing::TempDir& data_root() {
  static testing::TempDir dir;
  return dir;
}

TargetSource source(records::Mutant mutant) {
  return {[mutant](std::uint64_t) { return std::make_unique<InProcessTarget>(InProcessOptions{mutant, data_root().path()}); },
          ""};
}

Finding failure(const Scenario& s, records::Mutant mutant) {
  RunResult r = run_scenario(s, *source(mutant).make(0), {});
  if (!r.finding) throw std::runtime_error("the scenario passes");
  return *r.finding;
}

// The first misdiagnosis this guards against: a loss made by an update and read back only after
// a crash_during of a share, which cannot write an observation.
Scenario update_then_unrelated_crash() {
  return with({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"interrogatoire":"i","motif":"m"}})"),
               req(R"({"op":"update_appointment","as":"D1","appointment":"A1","start":"2024-01-02T10:00"})"),
               req(kAttach), crash_during_share()});
}

TEST(Localize, FindsTheStepALossFirstShowsAfterAndNamesItsInvariant) {
  Scenario s = update_then_unrelated_crash();
  auto mutant = records::Mutant::day_change_clears_interrogatoire;
  Finding f = failure(s, mutant);
  EXPECT_EQ(f.where, "final sweep after step 8");
  EXPECT_NE(f.invariant, Invariant::appointment_update_preserves_observation)
      << "read at the end, the loss is blamed on the last crash: this test shows localization is needed";
  std::size_t runs = 0;
  auto loc = localize(s, f, [&](const Scenario& c) {
    ++runs;
    return run_scenario(c, *source(mutant).make(0), RunnerOptions{false, 0});
  });
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->after_step, 6u) << "the update_appointment";
  EXPECT_EQ(loc->finding.invariant, Invariant::appointment_update_preserves_observation);
  EXPECT_EQ(loc->scenario.steps.size(), 7u) << "steps 1-6, then the read";
  EXPECT_EQ(loc->runs, runs);
  EXPECT_LE(runs, 5u) << "bisection over 9 prefixes";
}

// A save answered wrongly: the read of its observation just before it passes, so the save's own
// answer is the first sign and stays the finding.
TEST(Localize, LeavesAFindingAtAWriteWhereItIsWhenTheStateBeforeItWasRight) {
  Scenario s = with({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"a"}})"),
                     req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"b"},"base_version":0})")});
  auto mutant = records::Mutant::lost_update;
  Finding f = failure(s, mutant);
  EXPECT_EQ(f.where, "step 6");
  std::size_t runs = 0;
  auto loc = localize(s, f, [&](const Scenario& c) {
    ++runs;
    return run_scenario(c, *source(mutant).make(0), RunnerOptions{false, 0});
  });
  EXPECT_FALSE(loc);
  EXPECT_EQ(runs, 1u) << "one read, just before the save";
}

// A save answered with a version one too low, because the save before it was never stored: the
// read behind it already fails, and the loss is localized and named from there.
TEST(Localize, MovesAWrongSaveAnswerToTheReadThatAlreadyShowsTheLoss) {
  Scenario s = with({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"a"}})"),
                     Step::crash(),
                     req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"examen":"b"}})")});
  auto mutant = records::Mutant::write_behind_observation;
  Finding f = failure(s, mutant);
  EXPECT_EQ(f.where, "step 7");
  EXPECT_EQ(f.invariant, Invariant::version_monotonic) << "what the save's answer alone says";
  auto loc = localize(s, f, [&](const Scenario& c) { return run_scenario(c, *source(mutant).make(0), RunnerOptions{false, 0}); });
  ASSERT_TRUE(loc);
  EXPECT_EQ(loc->after_step, 6u) << "the crash";
  EXPECT_EQ(loc->finding.invariant, Invariant::ack_durable);
  EXPECT_EQ(loc->scenario.steps.back().call()->wire.value("op", ""), "read_observation");
}

// A crash_during of a save the model refuses (a field over the limit): a value of it showing up
// afterwards is a partial effect of a refused request, not a lost acknowledgement.
TEST(Diagnose, ARefusedSaveCaughtByACrashThatLeavesAFieldIsAllOrNothing) {
  Scenario s = with({Step::crash_during(Call::of(Json{{"op", "save_observation"},
                                                      {"as", "D1"},
                                                      {"appointment", "A1"},
                                                      {"fields", {{"motif", "A"}, {"examen", std::string(20000, 'x')}}}}))});
  auto mutant = records::Mutant::partial_save_on_error;
  Finding f = failure(s, mutant);
  EXPECT_EQ(f.invariant, Invariant::all_or_nothing);
  EXPECT_EQ(diagnose(s, f, source(mutant), {}, DiagnoseOptions{false, true, 0, {}, {}}).finding.invariant,
            Invariant::all_or_nothing);
}

TEST(Diagnose, ShrinksToTheShortestScenarioOfTheLocalizedInvariant) {
  Scenario s = update_then_unrelated_crash();
  auto mutant = records::Mutant::day_change_clears_interrogatoire;
  Diagnosis d = diagnose(s, failure(s, mutant), source(mutant), {}, {});
  EXPECT_EQ(d.finding.invariant, Invariant::appointment_update_preserves_observation);
  EXPECT_EQ(d.scenario.steps.size(), 6u) << scenario_to_json(d.scenario).dump();
  ASSERT_TRUE(d.finding.first_visible);
  EXPECT_EQ(*d.finding.first_visible, 6u);
  EXPECT_EQ(d.finding.first_visible_step.value("op", ""), "update_appointment");
  EXPECT_EQ(d.finding.reproduced, 3u);
  EXPECT_EQ(d.finding.replays, 3u);
  EXPECT_GT(d.localize_runs, 0u);
}

// The second: saves kept in memory, lost by a crash that caught a share. Not all-or-nothing (a
// share writes no observation): ack-durable, and the crash_during shrinks to a plain crash.
TEST(Diagnose, ALossAfterACrashDuringOfAnUnrelatedRequestIsAckDurable) {
  Scenario s = with({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"m"}})"), req(kAttach),
                     crash_during_share()});
  auto mutant = records::Mutant::write_behind_observation;
  Finding f = failure(s, mutant);
  EXPECT_EQ(f.invariant, Invariant::ack_durable);
  Diagnosis d = diagnose(s, f, source(mutant), {}, {});
  EXPECT_EQ(d.finding.invariant, Invariant::ack_durable);
  ASSERT_EQ(d.scenario.steps.size(), 6u) << scenario_to_json(d.scenario).dump();
  EXPECT_EQ(d.scenario.steps.back().kind(), StepKind::crash);
  ASSERT_TRUE(d.finding.first_visible);
  EXPECT_EQ(*d.finding.first_visible, 6u);
}

// A crash_during of a save that a target tears: each field holds one of its outcomes' values,
// so the crash explains it.
TEST(Diagnose, ATornSaveStaysAllOrNothing) {
  Scenario s = with({Step::crash_during(Call::of(Json::parse(
      R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"m","conclusion":"c"}})")))});
  auto mutant = records::Mutant::nonatomic_save;
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    RunResult r = run_scenario(s, *source(mutant).make(seed), RunnerOptions{true, seed});
    if (!r.finding) continue;  // this seed's crash point fell between the commits' outcomes
    EXPECT_EQ(r.finding->invariant, Invariant::all_or_nothing);
    Diagnosis d = diagnose(s, *r.finding, source(mutant), RunnerOptions{true, seed}, {});
    EXPECT_EQ(d.finding.invariant, Invariant::all_or_nothing);
    EXPECT_EQ(d.scenario.steps.size(), 5u);
    ASSERT_TRUE(d.finding.first_visible) << "the probe after the crash_during is localized too";
    EXPECT_EQ(*d.finding.first_visible, 5u);
    return;
  }
  FAIL() << "no seed tore the save";
}

// A crash after two saves, where start-up recovery resets the version: the crash is the step the
// loss shows after, yet the fields are intact, so it is version-monotonic, not ack-durable.
TEST(Diagnose, ACrashThatChangesOnlyTheVersionIsVersionMonotonic) {
  Scenario s = with({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"a"}})"),
                     req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"b"}})"),
                     Step::crash(), Step::restart()});
  auto mutant = records::Mutant::recovery_resets_version;
  Diagnosis d = diagnose(s, failure(s, mutant), source(mutant), {}, {});
  EXPECT_EQ(d.finding.invariant, Invariant::version_monotonic);
  EXPECT_EQ(d.scenario.steps.size(), 7u);
  ASSERT_TRUE(d.finding.first_visible);
  EXPECT_EQ(*d.finding.first_visible, 7u) << "the crash, not the restart after it";
}

// The same bug caught by a crash_during of a second save: the fields are one outcome's, the
// version the other's. A version wrong for its fields, not a torn request; and not a lost save
// either, though the first save wrote no new value: the crashed save's value is there.
TEST(Diagnose, ACrashDuringThatLeavesOneOutcomesFieldsWithAWrongVersionIsVersionMonotonic) {
  Scenario s = with({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":""}})"),
                     Step::crash_during(Call::of(Json::parse(
                         R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"b"}})")))});
  auto mutant = records::Mutant::recovery_resets_version;
  for (std::uint64_t seed = 0; seed < 8; ++seed) {
    RunResult r = run_scenario(s, *source(mutant).make(seed), RunnerOptions{true, seed});
    if (!r.finding) continue;  // the crash came before the save committed: version 1 is right
    EXPECT_EQ(r.finding->invariant, Invariant::version_monotonic) << r.finding->where;
    return;
  }
  FAIL() << "no seed let the save commit before the crash";
}

// Write-behind saves that wrote no new value ("" over ""), lost by a crash: only the version
// shows it. A lost acknowledged save, not a version bug.
TEST(Diagnose, ALostSaveThatShowsOnlyInTheVersionIsAckDurable) {
  const char* same = R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"conclusion":""}})";
  auto mutant = records::Mutant::write_behind_observation;
  Finding plain = failure(with({req(same), Step::crash()}), mutant);
  EXPECT_EQ(plain.invariant, Invariant::ack_durable) << plain.where;
  Scenario s = with({req(same), Step::crash_during(Call::of(Json::parse(same)))});
  RunResult r = run_scenario(s, *source(mutant).make(0), {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::ack_durable) << r.finding->where;
  // The crash caught a save that writes a new value: the earlier one, lost, still shows only in
  // the version.
  s.steps.back() = Step::crash_during(
      Call::of(Json::parse(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"conclusion":"c"}})")));
  r = run_scenario(s, *source(mutant).make(0), {});
  ASSERT_TRUE(r.finding);
  EXPECT_EQ(r.finding->invariant, Invariant::ack_durable) << r.finding->where;
}

// Saves that wrote no new value, a crash, and a recovery that sets the version back: read back,
// the fields are right and the version too low, as if those saves were lost. Run again with each
// save writing a new value, the values stay: the version was set back. The write-behind loss of
// the test above, under the same experiment, loses the new values and stays ack-durable.
TEST(Diagnose, AVersionSetBackAfterSavesOfNoNewValueIsVersionMonotonic) {
  const char* same = R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":""}})";
  auto run_on = [](records::Mutant mutant) {
    return [mutant](const Scenario& c) { return run_scenario(c, *source(mutant).make(0), {}); };
  };
  auto reset = records::Mutant::recovery_resets_version;
  Scenario s = with({req(same), req(same), Step::crash()});
  Finding f = failure(s, reset);
  EXPECT_EQ(f.invariant, Invariant::ack_durable) << "one run alone cannot tell: " << f.where;
  ASSERT_TRUE(loss_shows_only_in_version(f)) << f.expected << " " << f.actual;
  Finding settled = f;
  EXPECT_TRUE(settle_version_loss(s, settled, run_on(reset)));
  EXPECT_EQ(settled.invariant, Invariant::version_monotonic);
  EXPECT_NE(settled.detail.find("the version was set back"), std::string::npos) << settled.detail;
  Diagnosis d = diagnose(s, f, source(reset), {}, {});
  EXPECT_EQ(d.finding.invariant, Invariant::version_monotonic) << d.finding.where;
  EXPECT_EQ(d.finding.reproduced, 3u);

  auto behind = records::Mutant::write_behind_observation;
  Scenario lost = with({req(same), Step::crash()});
  Finding l = failure(lost, behind);
  ASSERT_TRUE(loss_shows_only_in_version(l));
  EXPECT_FALSE(settle_version_loss(lost, l, run_on(behind)));
  EXPECT_EQ(l.invariant, Invariant::ack_durable);
  EXPECT_EQ(diagnose(lost, failure(lost, behind), source(behind), {}, {}).finding.invariant, Invariant::ack_durable);
}

// A crash_during of the save that takes the observation to version 11, which history-overflow
// drops the motif of: read back, version 11 (the save counted) with the old motif. Not a version
// wrong for its fields, as when a recovery sets it back: a save that wrote none of its values,
// torn; shrunk, the plain save shows the acknowledged motif lost.
TEST(Diagnose, ACrashedSaveThatCountedWithoutItsValuesIsTornNotAWrongVersion) {
  std::vector<Step> saves;
  for (int i = 1; i <= 10; ++i)
    saves.push_back(Step::request(Call::of(Json{{"op", "save_observation"}, {"as", "D1"}, {"appointment", "A1"},
                                                {"fields", {{"motif", "m" + std::to_string(i)}}}})));
  saves.push_back(Step::crash_during(
      Call::of(Json::parse(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"toux"}})")), 1));
  Scenario s = with(std::move(saves));
  auto mutant = records::Mutant::history_overflow_drops_motif;
  Finding f = failure(s, mutant);
  EXPECT_EQ(f.invariant, Invariant::all_or_nothing) << f.where << " " << f.actual;
  EXPECT_EQ(f.actual.value("version", 0), 11) << f.actual;
  Diagnosis d = diagnose(s, f, source(mutant), {}, {});
  EXPECT_EQ(d.finding.invariant, Invariant::ack_durable);
  EXPECT_TRUE(d.scenario.steps.back().is_request()) << "the crash was not needed";
}

// An update that resets an observation whose save wrote no new value ("" over ""): only the
// version shows it, and the update is the step that changed it. Caught by a crash_during of the
// update, the crash may have lost the save as well, so the shrinker replaces it with the plain
// update, which names the update.
TEST(Diagnose, AnUpdateThatChangesOnlyTheVersionIsNamedForTheUpdate) {
  const char* save = R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"examen":""}})";
  const char* update = R"({"op":"update_appointment","as":"D1","appointment":"A1","status":"booked"})";
  auto mutant = records::Mutant::reschedule_clobbers_observation;
  Finding plain = failure(with({req(save), req(update)}), mutant);
  EXPECT_EQ(plain.invariant, Invariant::appointment_update_preserves_observation) << plain.where;

  Scenario crashed = with({req(save), Step::crash_during(Call::of(Json::parse(update)))});
  Finding f = failure(crashed, mutant);
  EXPECT_EQ(f.invariant, Invariant::ack_durable) << "a crash after the save: it may have lost it";
  Diagnosis d = diagnose(crashed, f, source(mutant), {}, {});
  EXPECT_EQ(d.finding.invariant, Invariant::appointment_update_preserves_observation);
  ASSERT_EQ(d.scenario.steps.size(), 6u);
  EXPECT_TRUE(d.scenario.steps.back().is_request()) << "the crash was not needed";

  // A save that does not bump the version says so in its own answer, before any update.
  Finding unbumped = failure(with({req(save), req(update)}), records::Mutant::version_not_bumped);
  EXPECT_EQ(unbumped.invariant, Invariant::version_monotonic);
  EXPECT_EQ(unbumped.where, "step 5") << "the save's answer";
}

// A save acknowledged and not kept, with nothing after it, that wrote no new value: only the
// version shows the lost save, made while a document was shared (the 2023 incident's bug).
TEST(Diagnose, AnAcknowledgedSaveNotKeptThatShowsOnlyInTheVersionIsALostValue) {
  Scenario s = with({req(kAttach), req(R"({"op":"share_document","as":"D1","document":"X1","with":"U1"})"),
                     req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":""}})")});
  Finding f = failure(s, records::Mutant::share_skips_save);
  EXPECT_EQ(f.invariant, Invariant::share_preserves_observation) << f.where;
}

// The eleventh save drops its motif, shared document or not. Found with a document shared first,
// the loss is named for the share; the shrinker removes the share, the loss stays, and so it is
// named for what it is: an acknowledged value lost.
TEST(Diagnose, ALossThatStaysWithoutTheShareIsNotNamedForIt) {
  std::vector<Step> steps{req(kAttach), req(R"({"op":"share_document","as":"D1","document":"X1","with":"U1"})")};
  for (int i = 1; i <= 11; ++i)
    steps.push_back(req((R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"m)" +
                         std::to_string(i) + R"("}})").c_str()));
  Scenario s = with(std::move(steps));
  auto mutant = records::Mutant::history_overflow_drops_motif;
  Finding f = failure(s, mutant);
  EXPECT_EQ(f.invariant, Invariant::share_preserves_observation) << "the save came while a document was shared";
  Diagnosis d = diagnose(s, f, source(mutant), {}, {});
  EXPECT_EQ(d.finding.invariant, Invariant::ack_durable);
  for (const Step& st : d.scenario.steps)
    if (st.is_request()) EXPECT_NE(st.call()->wire.value("op", ""), "share_document") << "the share was not needed";
}

TEST(Diagnose, AFlakyFindingIsKeptAndLabelled) {
  // Every other new target has the bug: the finding fails on some replays and not on others.
  int made = 0;
  TargetSource flaky{[&](std::uint64_t) {
                       auto m = made++ % 2 == 0 ? records::Mutant::partial_as_replace : records::Mutant::none;
                       return std::make_unique<InProcessTarget>(InProcessOptions{m, data_root().path()});
                     },
                     ""};
  Scenario s = with({req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"motif":"a"}})"),
                     req(R"({"op":"save_observation","as":"D1","appointment":"A1","fields":{"examen":"b"}})")});
  Finding f = failure(s, records::Mutant::partial_as_replace);
  Diagnosis d = diagnose(s, f, flaky, {}, DiagnoseOptions{false, false, 3, {}, {}});
  EXPECT_EQ(d.finding.replays, 3u);
  EXPECT_EQ(d.finding.reproduced, 2u) << "targets 1 and 3 of 3 have the bug";
  EXPECT_EQ(d.finding.invariant, Invariant::ack_durable) << "kept, with its invariant";
  EXPECT_EQ(d.scenario.steps.size(), s.steps.size());
}

TEST(Shrinker, FollowsTheDiagnosisToAMoreSpecificInvariantButNoOther) {
  Signature aon{Invariant::all_or_nothing, "read"};
  EXPECT_TRUE(same_bug(aon, {Invariant::ack_durable, "read"}));
  EXPECT_TRUE(same_bug(aon, {Invariant::appointment_update_preserves_observation, "read"}));
  EXPECT_TRUE(same_bug({Invariant::ack_durable, "read"}, {Invariant::share_preserves_observation, "read"}));
  EXPECT_FALSE(same_bug({Invariant::ack_durable, "read"}, aon)) << "never back to the less specific";
  EXPECT_TRUE(same_bug({Invariant::ack_durable, "write"}, {Invariant::ack_durable, "read"}))
      << "a lost creation seen by the sweep instead of by the next write";
  EXPECT_FALSE(same_bug(aon, {Invariant::ack_durable, "control"})) << "a fault of a control step is another bug";
  EXPECT_FALSE(same_bug({Invariant::explicit_errors, "write"}, {Invariant::explicit_errors, "read"}))
      << "a wrong answer to a write and one to a read are two bugs";
  EXPECT_FALSE(same_bug(aon, {Invariant::explicit_errors, "read"}));
  EXPECT_FALSE(same_bug({Invariant::tenant_isolation, "read"}, {Invariant::share_scope, "read"}));
}

}  // namespace
}  // namespace savefuzz
