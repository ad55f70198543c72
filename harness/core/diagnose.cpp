// Localization by bisection over prefixes, shrinking that follows the diagnosis, and new-target
// replays. Tries run on a reused target when the target resets; what is reported (the shrunk
// scenario, its localization, its replays) is run on new targets.
#include "harness/core/diagnose.h"

#include "harness/core/version_loss.h"

namespace savefuzz {
namespace {

RunnerOptions quiet(RunnerOptions r, bool sweep) {
  r.keep_data = false;
  r.final_sweep = sweep;
  return r;
}

// A fault of the target, an `expect` or a reset is about that step itself.
bool localizable(const Scenario& s, const Finding& f) {
  switch (f.invariant) {
    case Invariant::target_alive:
    case Invariant::protocol:
    case Invariant::scenario_expect:
    case Invariant::reset_clean: return false;
    default: break;
  }
  return f.step > 0 && !has_reset(s);
}

// The read that shows the state a write's answer depends on: a save answered with another
// version, or a conflict where none was due, says the observation was already wrong if a read of
// it just before the save says so.
std::optional<Json> read_behind(const Request& r) {
  if (r.op != Op::save_observation) return std::nullopt;
  return Json{{"op", "read_observation"}, {"as", r.str(Key::as)}, {"appointment", r.str(Key::appointment)}};
}

Scenario prefix_then(const Scenario& s, std::size_t k, const Json& read) {
  Scenario p{s.name, s.description, {s.steps.begin(), s.steps.begin() + static_cast<std::ptrdiff_t>(k)}};
  p.steps.push_back(Step::request(Call::of(read)));
  return p;
}

void annotate(Finding& f, const Localization& loc, const Scenario& s) {
  f.invariant = loc.finding.invariant;
  f.first_visible = loc.after_step;
  f.first_visible_step = loc.after_step ? s.steps[loc.after_step - 1].to_json() : Json();
}

}  // namespace

Signature signature_of(const Finding& f) { return {f.invariant, step_kind_of(f.request)}; }

std::optional<Localization> localize(const Scenario& s, const Finding& f,
                                     const std::function<RunResult(const Scenario&)>& run) {
  if (!localizable(s, f)) return std::nullopt;
  auto decoded = decode_request(f.request);
  const auto* r = std::get_if<Request>(&decoded);
  if (!r) return std::nullopt;
  Localization out;
  Json read = f.request;
  auto visible = [&](std::size_t k) -> std::optional<Finding> {
    ++out.runs;
    RunResult result = run(prefix_then(s, k, read));
    if (!result.finding) return std::nullopt;
    // At the read put after step k, or at the probe after step k (a crash_during) that reads the
    // same thing: the runs have no final sweep, so a read of the harness's own is a probe.
    const Finding& got = *result.finding;
    if ((got.step == k + 1 && !got.harness_read) || (got.step == k && got.harness_read)) return result.finding;
    return std::nullopt;
  };
  // The read came after this many steps: the step itself is the read, a probe or the sweep
  // follows its step. A write is replaced by the read behind it, when that read already fails.
  std::size_t last = f.harness_read ? f.step : f.step - 1;
  if (last > s.steps.size()) return std::nullopt;
  std::optional<Finding> at_hi;
  if (spec(r->op).mutating) {
    auto behind = read_behind(*r);
    if (!behind || f.harness_read) return std::nullopt;
    read = *behind;
    if (!(at_hi = visible(last))) return std::nullopt;  // the write's own answer is the first sign
  }
  // The smallest k in [lo, hi] after which the read fails; it fails after `last`.
  std::size_t lo = 0, hi = last;
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    if (auto found = visible(mid)) {
      hi = mid;
      at_hi = std::move(found);
    } else {
      lo = mid + 1;
    }
  }
  if (!at_hi && !(at_hi = visible(hi))) return std::nullopt;  // it did not fail again: nothing to localize
  out.after_step = hi;
  out.scenario = prefix_then(s, hi, read);
  out.finding = std::move(*at_hi);
  return out;
}

unsigned count_reproductions(const Scenario& s, const Signature& sig, const TargetSource& target,
                             const RunnerOptions& runner, unsigned times, Json* transcript) {
  unsigned failed = 0;
  for (unsigned i = 0; i < times; ++i) {
    RunnerOptions r = quiet(runner, runner.final_sweep);
    r.record = transcript && transcript->is_null();
    RunResult result = run_checked(s, target, r);
    if (!result.finding || !(signature_of(*result.finding) == sig)) continue;
    ++failed;
    if (r.record) *transcript = std::move(result.finding->transcript);
  }
  return failed;
}

Diagnosis diagnose(const Scenario& failing, const Finding& finding, const TargetSource& target,
                   const RunnerOptions& runner, const DiagnoseOptions& o) {
  auto stopped = [&] { return o.stop && o.stop(); };
  // The runs whose finding is reported keep their transcript, for the report's timeline.
  RunnerOptions recorded = runner;
  recorded.record = true;
  // A reset-clean finding is about the reset steps in it: each try runs on new targets, checked.
  bool about_reset = has_reset(failing);
  bool reused = o.reuse.reset && !about_reset;
  Session tries(target, ReuseOptions{reused, o.reuse.fresh_every});
  auto try_run = [&](const Scenario& c, const RunnerOptions& r) {
    return reused ? tries.try_run(c, r) : run_checked(c, target, r);
  };

  Diagnosis d{failing, finding};
  // The data directories the runs below keep: only the reported finding's stays (discard_data).
  std::vector<std::string> kept{finding.data_dir};
  auto reported_run = [&](const Scenario& c) {
    RunResult r = run_checked(c, target, recorded);
    if (r.finding) kept.push_back(r.finding->data_dir);
    return r;
  };
  // Counted here rather than from what localize returns: a try that localizes nothing costs too.
  auto on_new_targets = [&](const Scenario& c) {
    ++d.localize_runs;
    return run_checked(c, target, quiet(runner, false));
  };
  Signature shown = signature_of(finding);  // how the reported scenario fails, unlocalized
  std::optional<Localization> loc;
  if (o.localize && !stopped()) {
    loc = localize(failing, finding, [&](const Scenario& c) {
      ++d.localize_runs;
      return try_run(c, quiet(runner, false));
    });
    if (loc) annotate(d.finding, *loc, failing);
  }
  if (o.shrink) {
    Scenario from = loc ? loc->scenario : failing;
    Signature wanted = loc ? signature_of(loc->finding) : shown;
    auto shrink_with = [&](bool reuse_targets) {
      Session session(target, ReuseOptions{reuse_targets, o.reuse.fresh_every});
      auto fails = [&](const Scenario& c) -> std::optional<Signature> {
        RunResult r = reuse_targets ? session.try_run(c, quiet(runner, runner.final_sweep))
                                    : run_checked(c, target, quiet(runner, runner.final_sweep));
        if (!r.finding) return std::nullopt;
        return signature_of(*r.finding);
      };
      ShrinkOptions so;
      so.stop = o.stop;
      return shrink(from, wanted, fails, so);
    };
    // Twice at most: when the shrunk scenario localizes to another invariant than the one it
    // was shrunk for, it is shrunk once more from there.
    for (int round = 0; round < 2; ++round) {
      ShrinkResult shrunk = shrink_with(reused);
      // Shown on a new target before it is reported: a try that failed only because of what an
      // earlier try left behind would otherwise make a scenario no one can replay.
      RunResult again = reported_run(shrunk.scenario);
      if (reused && !stopped() && (!again.finding || !(signature_of(*again.finding) == shrunk.signature))) {
        std::size_t runs = shrunk.runs;
        shrunk = shrink_with(false);
        shrunk.runs += runs;
        again = reported_run(shrunk.scenario);
      }
      d.shrink_runs += shrunk.runs;
      d.scenario = std::move(shrunk.scenario);
      shown = again.finding ? signature_of(*again.finding) : shrunk.signature;
      // As the shrunk scenario shows it. When it did not fail again, the finding that led here
      // is kept, and the replays below say how often it fails.
      if (!again.finding) {
        d.finding.first_visible.reset();  // its steps are the unshrunk scenario's
        d.finding.first_visible_step = nullptr;
        d.finding.detail += "; the shrunk scenario did not fail again on a new target";
        d.finding.transcript = nullptr;  // the unshrunk scenario's, if any: the replays below record one
        break;
      }
      d.finding = *again.finding;
      if (stopped() || !o.localize) break;
      auto relocated = localize(d.scenario, d.finding, on_new_targets);
      if (!relocated) break;
      annotate(d.finding, *relocated, d.scenario);
      if (signature_of(d.finding) == shrunk.signature || round == 1) break;
      from = relocated->scenario;
      wanted = signature_of(relocated->finding);
    }
  }
  // Saves of no new value lost, or a version set back: one run with new values says which
  // (version_loss.h). The replays below still count runs that fail as `shown`.
  if (!stopped())
    settle_version_loss(d.scenario, d.finding, [&](const Scenario& c) {
      ++d.localize_runs;
      return run_checked(c, target, quiet(runner, runner.final_sweep));  // as d.scenario showed it
    });
  for (const auto& dir : kept)
    if (dir != d.finding.data_dir) discard_data(dir);
  if (!stopped() && o.reproduce > 0) {
    d.finding.replays = o.reproduce;
    d.finding.reproduced = count_reproductions(d.scenario, shown, target, runner, o.reproduce,
                                               d.finding.transcript.is_null() ? &d.finding.transcript : nullptr);
    d.reproduce_runs = o.reproduce;
  }
  return d;
}

}  // namespace savefuzz
