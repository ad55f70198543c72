// RapidCheck stateful properties of the reference save path: one command per op and per control
// step, drawn from the model, run against the in-process target, checked answer by answer.
// Bounded for `ctest -L property`; RC_PARAMS="max_success=2000 max_size=200" runs longer.
#include <gtest/gtest.h>
#include <iostream>
#include <utility>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include "harness/core/generate.h"
#include "harness/core/hash.h"
#include "harness/core/runner.h"
#include "harness/targets/inprocess_target.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

using Cmd = rc::state::Command<Model, Target>;

Json answer_json(const Reply& reply) {
  if (const auto* f = std::get_if<TargetFault>(&reply)) return Json{{"fault", f->detail}};
  Json j = std::get<Json>(reply);
  j.erase("id");
  if (j.contains("error")) j["error"].erase("message");
  return j;
}

// One op of the table, its arguments drawn from the model when the command is generated.
template <Op kOp>
struct OpCommand : Cmd {
  Request request;
  explicit OpCommand(const Model& m) : request(draw_request(m, kOp)) {}

  void apply(Model& m) const override { m.apply(request); }

  void run(const Model& m, Target& target) const override {
    Model copy = m;
    Json expected = to_json(copy.apply(request));
    Json actual = answer_json(target.call(encode_request(request)));
    RC_ASSERT(actual == expected);
  }

  void show(std::ostream& os) const override { os << encode_request(request).dump(); }
};

struct Restart : Cmd {
  void run(const Model&, Target& t) const override { RC_ASSERT(!t.restart()); }
  void show(std::ostream& os) const override { os << "restart"; }
};

struct Crash : Cmd {
  void run(const Model&, Target& t) const override { RC_ASSERT(!t.crash()); }
  void show(std::ostream& os) const override { os << "crash"; }
};

// A save killed either before it is handled (nothing happens) or right after its first commit
// (for a correct target, the whole save): the model knows which, so the check stays exact.
struct CrashDuringSave : Cmd {
  Request request;
  bool completes;
  explicit CrashDuringSave(const Model& m)
      : request(draw_request(m, Op::save_observation)), completes(*rc::gen::arbitrary<bool>()) {}

  void apply(Model& m) const override {
    if (completes) m.apply(request);
  }
  void run(const Model&, Target& t) const override {
    RC_ASSERT(!t.crash_during(encode_request(request), CrashAt{std::nullopt, completes ? 1u : 0u}));
  }
  void show(std::ostream& os) const override {
    os << "crash_during (" << (completes ? "after its commit" : "before it runs") << ") " << encode_request(request).dump();
  }
};

// One command per row of the op table, in row order, then the control steps.
template <std::size_t... I>
auto commands(std::index_sequence<I...>) {
  return rc::state::gen::execOneOfWithArgs<OpCommand<static_cast<Op>(I)>..., Restart, Crash, CrashDuringSave>();
}
auto commands() { return commands(std::make_index_sequence<kOpCount>{}); }

// Runs the stateful property against the reference target with `mutant` switched on, from a
// generated world (the same set-up preamble as campaigns), so commands act on real entities.
void check_against_model(records::Mutant mutant) {
  static testing::TempDir root;
  InProcessTarget target({mutant, root.path()});
  RC_ASSERT(!target.start());
  Model model(target.limits());
  GenOptions setup;
  setup.max_steps = 0;  // the preamble only
  setup.controls = false;
  for (const Step& step : (*scenario_gen(setup)).steps) {
    const Call& call = *step.call();
    Json expected = call.request() ? to_json(model.apply(*call.request())) : to_json(Model::malformed());
    RC_ASSERT(answer_json(target.call(call.wire)) == expected);
  }
  rc::state::check(model, static_cast<Target&>(target), commands());
}

RC_GTEST_PROP(SavePath, AnswersEveryOpSequenceLikeTheModel, ()) { check_against_model(records::Mutant::none); }

// Every fault step on (storage faults, power loss, crashes at exact syncs): the correct save path
// keeps every acknowledged value and leaves nothing of a failed request.
RC_GTEST_PROP(SavePath, GeneratedScenariosPassTheRunnerWithItsFinalSweep, ()) {
  static testing::TempDir root;
  GenOptions gen;
  gen.faults = FaultMix{10, true, true};
  Scenario s = *scenario_gen(gen);
  InProcessTarget target({records::Mutant::none, root.path()});
  RunResult r = run_scenario(s, target, RunnerOptions{true, *rc::gen::arbitrary<std::uint64_t>()});
  if (r.finding) RC_FAIL(std::string(invariant_name(r.finding->invariant)) + " at " + r.finding->where + ": " + r.finding->detail);
}

// The stateful suite is only worth its name if it fails on the bugs it exists for. A mutant must
// be caught within a few hundred cases: up to five checks of 100 with different seeds (each stops
// at its first failure), so one unlucky seed does not turn a working suite red. Detection is the
// point here, so shrinking is off.
bool caught(const std::string& what, records::Mutant mutant) {
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  params.disableShrinking = true;
  for (int attempt = 0; attempt < 5; ++attempt) {
    params.seed += kGoldenGamma;
    auto result = rc::detail::checkTestable([mutant] { check_against_model(mutant); },
                                            rc::detail::TestMetadata{what, what}, params);
    if (result.template is<rc::detail::FailureResult>()) return true;
    std::cerr << what << ": not caught with seed " << params.seed << "\n";
  }
  return false;
}

TEST(SavePathProperties, CatchTheSharedDocumentIncidentMutant) {
  EXPECT_TRUE(caught("share-skips-save is caught", records::Mutant::share_skips_save));
}

TEST(SavePathProperties, CatchTheThirdPartyListingIncidentMutant) {
  EXPECT_TRUE(caught("api-tenant-filter-missing is caught", records::Mutant::api_tenant_filter_missing));
}

TEST(SavePathProperties, CatchAHalfCommittedSaveAfterACrash) {
  EXPECT_TRUE(caught("nonatomic-save is caught", records::Mutant::nonatomic_save));
}

}  // namespace
}  // namespace savefuzz
