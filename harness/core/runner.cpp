// The lockstep loop. The model is a set of candidate states: one, except after a crash_during,
// when the request's effect may or may not have happened; each answer keeps the candidates that
// predict it, and a divergence is an answer no candidate predicts.
#include "harness/core/runner.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <set>

#include "harness/core/classify.h"
#include "harness/core/fault_points.h"

namespace savefuzz {
namespace {

// A partial match: every key of `expect` is in `actual` with a matching value.
bool matches(const Json& expect, const Json& actual) {
  if (!expect.is_object()) return expect == actual;
  if (!actual.is_object()) return false;
  for (const auto& [k, v] : expect.items())
    if (!actual.contains(k) || !matches(v, actual[k])) return false;
  return true;
}

// SPEC.md 4a.5: a base_version beyond the signed 64-bit range may be answered `conflict` as well
// as `invalid`. A target that reads it as an integer finds it matches no version, as -1 does: the
// request with -1 in its place gives that target's answer.
std::optional<Request> base_version_read_as_integer(const Json& wire) {
  if (!wire.is_object() || !wire.contains("base_version") || !wire["base_version"].is_number_unsigned()) return std::nullopt;
  if (wire["base_version"].get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  Json read = wire;
  read["base_version"] = -1;
  auto decoded = decode_request(read);
  if (auto* r = std::get_if<Request>(&decoded)) return *r;
  return std::nullopt;
}

Json answer_without_id(Json answer) {
  answer.erase("id");
  return answer;
}

class Run {
 public:
  Run(Target& target, const RunnerOptions& options) : target_(target), options_(options) {}

  RunResult go(const Scenario& scenario) {
    if (auto f = options_.reuse ? target_.reset() : target_.start()) {
      report_fault(*f, 0, "start", Json{{"op", "hello"}, {"protocol", 1}});
      return done();
    }
    support_ = target_.fault_support();
    if (auto why = unrunnable_step(scenario)) {
      RunResult r = done();
      r.not_runnable = *why;
      return r;
    }
    candidates_ = {Model(target_.limits())};
    std::uint32_t power_losses = 0;
    std::size_t n = 0;
    for (const Step& step : scenario.steps) {
      ++n;
      bool ok = std::visit(
          overloaded{[&](const RequestStep& s) {
                       return exchange(s.call, n, "step " + std::to_string(n), s.expect, false, s.fault ? &*s.fault : nullptr);
                     },
                     [&](const RestartStep&) { return control(step, n, [&] { return target_.restart(); }); },
                     [&](const CrashStep&) { return control(step, n, [&] { return target_.crash(); }); },
                     [&](const CrashDuringStep& s) {
                       const Request* r = s.call.request();
                       bool uncertain = r && changes_some_state(*r);
                       bool went = control(step, n, [&] {
                         if (uncertain) uncertain_.push_back({candidates_, *r, {}});
                         if (r) widen(*r);
                         bool exact = s.at_sync && support_.sync_crash;
                         ++(exact ? coverage_.sync_crashes : coverage_.timed_crashes);
                         return target_.crash_during(
                             s.call.wire, CrashAt{exact ? s.at_sync : std::nullopt, crash_point_for(options_.seed, s.call.wire)});
                       });
                       if (went && uncertain) keep_possible_befores(uncertain_.back());
                       return went;
                     },
                     [&](const ResetStep&) { return reset(step, n); },
                     [&](const PowerLossStep&) {
                       // The tear depends on the seed and on which power loss this is, not on the
                       // step's position: shrinking other steps away does not move it.
                       return control(step, n, [&] {
                         auto fault = target_.power_loss(crash_point(options_.seed ^ 0x9051, power_losses++));
                         add_states_without_unacknowledged_writes();
                         return fault;
                       });
                     }},
          step.body);
      if (!ok) return done();
    }
    if (options_.final_sweep) sweep(n);
    return done();
  }

 private:
  // A crash_during whose outcome was unknown: the states before it, and the acknowledged writes
  // since (request and answer), until the next power loss.
  struct Uncertain {
    std::vector<Model> before;  // the states it may have started from
    Request request;
    std::vector<std::pair<Request, Response>> after;
  };

  RunResult done() {
    if (finding_ && options_.keep_data) finding_->data_dir = target_.keep_data();
    if (finding_ && options_.record) {
      if (transcript_dropped_) transcript_.insert(transcript_.begin(), Json{{"dropped", transcript_dropped_}});
      finding_->transcript = std::move(transcript_);
    }
    RunResult r;
    r.finding = std::move(finding_);
    r.requests = requests_;
    r.coverage = coverage_;
    r.coverage.situations = situations_.counts();
    return r;
  }

  // Why the scenario cannot run on this target, if it cannot: SPEC.md section 5 reports such
  // scenarios as not runnable, never as passed.
  std::optional<std::string> unrunnable_step(const Scenario& scenario) const {
    for (std::size_t i = 0; i < scenario.steps.size(); ++i) {
      const Step& s = scenario.steps[i];
      const auto* fault = s.fault();
      bool power = s.kind() == StepKind::power_loss;
      if ((power && !support_.power_loss) || (fault && *fault && !support_.io_faults))
        return "step " + std::to_string(i + 1) + " (" + (power ? "power_loss" : "a storage fault") +
               ") cannot run on " + target_.describe() + ": " + support_.why_not;
    }
    return std::nullopt;
  }

  void report_fault(const TargetFault& f, std::size_t step, const std::string& where, const Json& request) {
    bool alive = f.kind == TargetFault::Kind::died || f.kind == TargetFault::Kind::hung ||
                 f.kind == TargetFault::Kind::bad_exit;
    finding_ = Finding{alive ? Invariant::target_alive : Invariant::protocol, step, where, request, nullptr, nullptr,
                       std::string(fault_name(f.kind)) + ": " + f.detail, f.stderr_tail, {}};
  }

  // One request: send, decode, compare with every candidate, keep those that agree.
  bool exchange(const Call& call, std::size_t step, const std::string& where, const std::optional<Json>& expect,
                bool harness_read = false, const StorageFault* fault = nullptr) {
    bool fired = false;
    Reply reply = fault ? target_.call_with_fault(call.wire, *fault, fired) : target_.call(call.wire);
    ++requests_;
    if (options_.record) {
      auto* answer = std::get_if<Json>(&reply);
      Json entry{{"step", step}, {"where", where}, {"request", call.wire}, {"answer", answer ? *answer : Json()}};
      if (harness_read) entry["harness_read"] = true;
      if (fault) {
        entry["storage_fault"] = fault->to_json();
        entry["storage_fault"]["fired"] = fired;
      }
      note(std::move(entry));
    }
    if (fault) {
      if (fired) ++coverage_.faults_fired[static_cast<std::size_t>(fault->on)];
      else ++coverage_.faults_missed;
    }
    const Request* r = call.request();
    if (auto* f = std::get_if<TargetFault>(&reply)) {
      if (fired && f->kind == TargetFault::Kind::died) return died_on_fault(call, step, where);
      report_fault(*f, step, where, call.wire);
      return false;
    }
    const Json& answer = std::get<Json>(reply);
    auto decoded = decode_answer(answer, r ? std::optional<Op>(r->op) : std::nullopt);
    if (auto* why = std::get_if<Error>(&decoded)) {
      finding_ = Finding{Invariant::protocol, step, where, call.wire, nullptr, answer, "malformed answer: " + why->message, {}, {}};
      return false;
    }
    const Response& actual = std::get<Response>(decoded);
    if (r) ++coverage_.ops[static_cast<std::size_t>(r->op)];
    else ++coverage_.malformed;
    ++coverage_.answers[actual.error ? static_cast<std::size_t>(*actual.error) + 1 : 0];

    if (fired) return refused_on_fault(call, step, where, *fault, answer, actual, expect);
    bool mutating = r && spec(r->op).mutating;
    bool storage_refused = mutating && actual.error == ErrorCode::unavailable;
    // History reads the state before the step, so it is recorded before any candidate applies it.
    // No copy of the model is kept: that would cost a whole model per write, quadratic in long
    // scenarios. classify() reads the model only for limits and for reads, which change nothing.
    if (r) history_.record(step, *r, actual, candidates_.front());
    if (r && !harness_read) situations_.request(candidates_.front(), *r, actual);

    // Whether the request changed a state (only looked at while a power loss may undo a
    // crash_during: a copy of the states costs a model per write).
    bool track = r && mutating && actual.ok() && !uncertain_.empty();
    std::vector<Model> before = track ? candidates_ : std::vector<Model>{};
    bool changed = false;
    // Candidates that agree move to the front, in place; a prediction is kept only when it
    // disagrees (so `predicted` holds every candidate's when none agrees). The usual request, one
    // candidate that agrees, allocates no vector.
    std::size_t kept = 0;
    std::vector<Response> predicted;
    for (std::size_t i = 0; i < candidates_.size(); ++i) {
      Model& m = candidates_[i];
      Response p;
      if (!r) {
        p = Model::malformed();
        if (!(p == actual))
          if (auto read = base_version_read_as_integer(call.wire)) {
            Model dry = m;
            if (Response q = dry.apply(*read); q.error && q == actual) p = q;  // never a success: -1 matches nothing
          }
      } else if (storage_refused) {
        // `unavailable` is allowed wherever the model predicts success: nothing may change.
        Model dry = m;
        p = dry.apply(*r);
        if (p.ok()) p = actual;
      } else {
        p = m.apply(*r);
      }
      if (!(p == actual)) {
        predicted.push_back(std::move(p));
        continue;
      }
      if (track && !(m == before[i])) changed = true;
      if (kept != i) candidates_[kept] = std::move(m);
      ++kept;
    }
    if (kept == 0) {
      // The expected answer is every outcome's when a crash_during left several that differ.
      bool outcomes_differ = std::any_of(predicted.begin(), predicted.end(),
                                         [&](const Response& p) { return !(p == predicted.front()); });
      Invariant inv = classify(candidates_.front(), call, predicted, actual, history_);
      Json expected = outcomes_differ ? Json::array() : to_json(predicted.front());
      if (outcomes_differ)
        for (const auto& p : predicted) expected.push_back(to_json(p));
      finding_ = Finding{inv, step, where, call.wire, expected, answer_without_id(answer),
                         "the answer differs from the model's prediction", {}, {}};
      finding_->harness_read = harness_read;
      return false;
    }
    candidates_.erase(candidates_.begin() + static_cast<std::ptrdiff_t>(kept), candidates_.end());
    // Only a change that was made counts: an error answer, or a success that changes nothing (an
    // unshare from a non-recipient), need write and sync nothing, so having seen an
    // unacknowledged write does not make it durable.
    if (changed)
      for (Uncertain& u : uncertain_) u.after.push_back({*r, actual});
    if (expect && !matches(*expect, answer_without_id(answer))) {
      finding_ = Finding{Invariant::scenario_expect, step, where, call.wire, *expect, answer_without_id(answer),
                         "the answer does not match the step's \"expect\"", {}, {}};
      return false;
    }
    return true;
  }

  // SPEC.md section 5: a request whose n-th write or sync failed answers `unavailable`, and
  // changes nothing; whatever it touched is read back at the next read or the final sweep.
  bool refused_on_fault(const Call& call, std::size_t step, const std::string& where, const StorageFault& fault,
                        const Json& answer, const Response& actual, const std::optional<Json>& expect) {
    const Request* r = call.request();
    if (r) history_.record(step, *r, actual, candidates_.front());
    if (r) situations_.request(candidates_.front(), *r, actual);
    history_.record_storage_failure();
    if (actual.error != ErrorCode::unavailable) {
      Response unavailable{ErrorCode::unavailable, {}};
      std::string failed = "its " + std::string(fault.on == StorageFault::On::sync ? "sync" : "write") + " " +
                           std::to_string(fault.n) + " failed (" +
                           (fault.error == StorageFault::Errno::enospc ? "ENOSPC" : "EIO") + ")";
      // The failure may have taken an earlier change the target acknowledged before it was
      // durable: the request then answers as if that creation were gone (not_found, or ok to
      // creating it again), and the lost acknowledgement is the bug, not the answer's code.
      Invariant inv = Invariant::explicit_errors;
      if (r) {
        Model without_fault = candidates_.front();
        Response predicted = without_fault.apply(*r);
        if (!(predicted == actual) &&
            classify(candidates_.front(), call, {predicted}, actual, history_) == Invariant::ack_durable)
          inv = Invariant::ack_durable;
        // The answer it gives without the fault (a refusal, or ok): the failed write or sync may
        // have been an earlier change's, acknowledged before it was durable, or the request's own
        // (an audit row of a refusal; a commit it then ignored). Reading back what was acknowledged
        // tells them apart; such a loss is the bug the user needs named.
        if (predicted == actual && lost_on_read_back(*r, step, failed)) return false;
      }
      finding_ = Finding{inv, step, where, call.wire, to_json(unavailable), answer_without_id(answer),
                         inv == Invariant::ack_durable
                             ? failed + " and it answers as if a creation acknowledged earlier were gone: the "
                                        "failure lost what was acknowledged"
                             : failed + ", so it must answer unavailable and change nothing",
                         {}, {}};
      return false;
    }
    if (expect && !matches(*expect, answer_without_id(answer))) {
      finding_ = Finding{Invariant::scenario_expect, step, where, call.wire, *expect, answer_without_id(answer),
                         "the answer does not match the step's \"expect\"", {}, {}};
      return false;
    }
    return true;
  }

  // SPEC.md 4a.13: a target may die when its storage fails. It is started again, and the read of
  // what the request touched must show none of it.
  bool died_on_fault(const Call& call, std::size_t step, const std::string& where) {
    ++coverage_.fault_deaths;
    const Request* r = call.request();
    if (r) history_.record(step, *r, Response{ErrorCode::unavailable, {}}, candidates_.front());
    history_.record_control(step, StepKind::crash, nullptr, candidates_.front());
    if (std::optional<TargetFault> f = target_.crash()) {
      report_fault(*f, step, where + " (starting again after it died on its storage fault)", call.wire);
      return false;
    }
    if (r)
      if (auto probe = probe_for(*r)) return exchange(Call::of(*probe), step, "probe after " + where, std::nullopt, true);
    return true;
  }

  // A control step: `act` restarts or kills the target; then, if a crash_during left several
  // allowed states, probe reads tell which one the target is in.
  template <class Act>
  bool control(const Step& step, std::size_t n, Act act) {
    std::string where = "step " + std::to_string(n);
    const Request* r = step.call() ? step.call()->request() : nullptr;
    history_.record_control(n, step.kind(), r, candidates_.front());
    situations_.control(step.kind(), r);
    ++coverage_.control(step.kind());
    std::optional<TargetFault> fault = act();
    if (options_.record)
      note({{"step", n}, {"where", where}, {"control", step.to_json()}, {"outcome", fault ? fault_name(fault->kind) : "done"}});
    if (fault) {
      report_fault(*fault, n, where, step.to_json());
      return false;
    }
    if (r && candidates_.size() > 1) {
      if (auto probe = probe_for(*r))
        if (!exchange(Call::of(*probe), n, "probe after " + where, std::nullopt, true)) return false;
    }
    return true;
  }

  // A reset step: the target is emptied, and so are the model and what classification knows.
  bool reset(const Step& step, std::size_t n) {
    ++coverage_.control(StepKind::reset);
    situations_.control(StepKind::reset, nullptr);
    std::optional<TargetFault> fault = target_.reset();
    if (options_.record)
      note({{"step", n}, {"where", "step " + std::to_string(n)}, {"control", step.to_json()},
            {"outcome", fault ? fault_name(fault->kind) : "done"}});
    if (fault) {
      report_fault(*fault, n, "step " + std::to_string(n), step.to_json());
      return false;
    }
    candidates_ = {Model(target_.limits())};
    history_ = History{};
    uncertain_.clear();
    return true;
  }

  // A power loss keeps every acknowledged write but may drop what a crash_during wrote without an
  // answer (it need not have been synced). For each such crash_during since the last power loss,
  // the state without it: its "before" state with every later acknowledged change applied again.
  // When one of those changes answers otherwise there, it depended on the dropped write, and its
  // sync made that one durable too: no such state.
  void add_states_without_unacknowledged_writes() {
    for (const Uncertain& u : uncertain_) {
      for (Model alt : u.before) {
        bool possible = std::all_of(u.after.begin(), u.after.end(),
                                    [&](const auto& done) { return alt.apply(done.first) == done.second; });
        if (possible && std::find(candidates_.begin(), candidates_.end(), alt) == candidates_.end())
          candidates_.push_back(std::move(alt));
      }
    }
    uncertain_.clear();
  }

  // Whether `r` changes one of the candidate states; if none, a crash during it has nothing a
  // power loss could undo.
  bool changes_some_state(const Request& r) const {
    return std::any_of(candidates_.begin(), candidates_.end(), [&](const Model& m) {
      Model after = m;
      return after.apply(r).ok() && spec(r.op).mutating && !(after == m);
    });
  }

  // After the probe that follows a crash_during, the states it may have started from are those
  // that lead to a state still possible (itself, or with the request applied). Any of them may
  // come back with a later power loss, even one a power loss before had already brought back.
  void keep_possible_befores(Uncertain& u) const {
    std::erase_if(u.before, [&](const Model& b) {
      Model after = b;
      bool applied = after.apply(u.request).ok();
      return std::none_of(candidates_.begin(), candidates_.end(),
                          [&](const Model& c) { return c == b || (applied && c == after); });
    });
  }

  // After a crash_during of `r`, both "never happened" and "happened" are allowed.
  void widen(const Request& r) {
    std::vector<Model> next;
    for (const Model& m : candidates_) {
      Model after = m;
      if (after.apply(r).ok() && spec(r.op).mutating && !(after == m)) next.push_back(std::move(after));
      next.push_back(m);
    }
    // Keep the set small: equal states are one candidate.
    std::vector<Model> unique;
    for (auto& m : next)
      if (std::find(unique.begin(), unique.end(), m) == unique.end()) unique.push_back(std::move(m));
    candidates_ = std::move(unique);
  }

  // After `r` (step `step`), whose `failed` I/O it answered as if it had not failed: whether the
  // read-back (sweep) finds an acknowledged value or creation lost. That loss becomes the finding,
  // named at `step`; any other divergence of the read-back is forgotten. No read shows a practice:
  // creating each again does (`exists`), and changes the store only where the practice was lost.
  bool lost_on_read_back(const Request& r, std::size_t step, const std::string& failed) {
    // An ok leaves open whether the request's own change stayed: both states stand, so that only a
    // loss of something else is seen.
    std::size_t before = candidates_.size();
    for (std::size_t i = 0; i < before; ++i) {
      Model after = candidates_[i];
      if (after.apply(r).ok() && !(after == candidates_[i])) candidates_.push_back(std::move(after));
    }
    std::string where = "read-back after step " + std::to_string(step);
    sweep(step, where);
    std::set<std::string> practices;
    for (const Model& m : candidates_)
      for (auto& id : m.ids_of(Kind::practice)) practices.insert(id);
    for (const auto& p : practices)
      if (finding_ || !exchange(Call::of(Request{Op::create_practice, {}}.set(Key::practice, p)), step, where,
                                std::nullopt, true))
        break;
    if (finding_ && finding_->invariant == Invariant::ack_durable) {
      finding_->detail = "step " + std::to_string(step) + ": " + failed + ", and it answered as without the fault; " +
                         "this read-back shows what it lost, acknowledged earlier: " + finding_->detail;
      return true;
    }
    finding_.reset();
    return false;
  }

  // Reads back every observation and document as every principal, and lists as every principal,
  // so that a lost or leaked value is seen even when the scenario never read it.
  void sweep(std::size_t last_step) { sweep(last_step, "final sweep after step " + std::to_string(last_step)); }
  void sweep(std::size_t last_step, const std::string& where) {
    std::set<std::string> principals, appointments, documents;
    for (const Model& m : candidates_) {
      for (Kind k : {Kind::practitioner, Kind::patient, Kind::api_client})
        for (auto& id : m.ids_of(k)) principals.insert(id);
      for (auto& id : m.ids_of(Kind::appointment)) appointments.insert(id);
      for (auto& id : m.ids_of(Kind::document)) documents.insert(id);
    }
    for (const auto& as : principals) {
      for (const auto& a : appointments)
        if (!exchange(Call::of(Request{Op::read_observation, {}}.set(Key::as, as).set(Key::appointment, a)), last_step,
                      where, std::nullopt, true))
          return;
      for (const auto& d : documents)
        if (!exchange(Call::of(Request{Op::read_document, {}}.set(Key::as, as).set(Key::document, d)), last_step, where,
                      std::nullopt, true))
          return;
      if (!exchange(Call::of(Request{Op::list_appointments, {}}.set(Key::as, as)), last_step, where, std::nullopt, true))
        return;
    }
  }

  // A transcript is for reading: past this many entries only the last ones matter (the
  // divergence ends the run); how many earlier ones were dropped is said first.
  static constexpr std::size_t kTranscriptCap = 2000;
  void note(Json entry) {
    if (transcript_.size() >= kTranscriptCap) {
      transcript_.erase(transcript_.begin());
      ++transcript_dropped_;
    }
    transcript_.push_back(std::move(entry));
  }

  Target& target_;
  RunnerOptions options_;
  Json transcript_ = Json::array();
  std::size_t transcript_dropped_ = 0;
  FaultSupport support_;
  std::vector<Uncertain> uncertain_;
  std::vector<Model> candidates_;
  History history_;
  std::size_t requests_ = 0;
  Coverage coverage_;
  SituationTracker situations_;
  std::optional<Finding> finding_;
};

}  // namespace

void Coverage::add(const Coverage& o) {
  for (std::size_t i = 0; i < ops.size(); ++i) ops[i] += o.ops[i];
  for (std::size_t i = 0; i < answers.size(); ++i) answers[i] += o.answers[i];
  for (std::size_t i = 0; i < controls.size(); ++i) controls[i] += o.controls[i];
  malformed += o.malformed;
  sync_crashes += o.sync_crashes;
  timed_crashes += o.timed_crashes;
  for (std::size_t i = 0; i < faults_fired.size(); ++i) faults_fired[i] += o.faults_fired[i];
  faults_missed += o.faults_missed;
  fault_deaths += o.fault_deaths;
  for (std::size_t i = 0; i < situations.size(); ++i) situations[i] += o.situations[i];
}

void discard_data(const std::string& data_dir) {
  if (data_dir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(data_dir, ec);  // already gone or not ours to remove: nothing to do
}

RunResult run_scenario(const Scenario& scenario, Target& target, const RunnerOptions& options) {
  return Run(target, options).go(scenario);
}

}  // namespace savefuzz
