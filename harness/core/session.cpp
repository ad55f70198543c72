// Target reuse and the checks that keep it honest.
#include "harness/core/session.h"

#include <algorithm>

namespace savefuzz {
namespace {

RunnerOptions fresh(RunnerOptions r) {
  r.reuse = false;
  return r;
}

}  // namespace

Scenario join_with_resets(const std::vector<Scenario>& scenarios) {
  Scenario joined{"reset-clean", "", {}};
  for (const Scenario& s : scenarios) {
    if (&s != &scenarios.front()) joined.steps.push_back(Step::reset());
    joined.steps.insert(joined.steps.end(), s.steps.begin(), s.steps.end());
  }
  return joined;
}

RunResult run_checked(const Scenario& s, const TargetSource& source, const RunnerOptions& runner) {
  RunResult r = run_scenario(s, *source.make(runner.seed), fresh(runner));
  if (!r.finding || r.finding->step == 0) return r;
  // The last reset before the step that diverged (a reset's own fault is not "after" it).
  std::size_t reset_at = 0;
  for (std::size_t i = 1; i < r.finding->step && i <= s.steps.size(); ++i)
    if (s.steps[i - 1].kind() == StepKind::reset) reset_at = i;
  if (reset_at == 0) return r;
  Scenario after{s.name, s.description, {s.steps.begin() + static_cast<std::ptrdiff_t>(reset_at), s.steps.end()}};
  RunnerOptions quiet = fresh(runner);
  quiet.keep_data = false;
  // A crash_during through a process lands by timing, so one passing run of the steps after the
  // reset does not clear them: they get three before the reset is blamed.
  bool timed = std::any_of(after.steps.begin(), after.steps.end(),
                           [](const Step& st) { return st.kind() == StepKind::crash_during; });
  for (int tries = timed ? 3 : 1; tries > 0; --tries) {
    RunResult alone = run_scenario(after, *source.make(runner.seed), quiet);
    r.requests += alone.requests;
    if (alone.finding) return r;  // the steps after the reset fail by themselves: not the reset's doing
  }
  Finding& f = *r.finding;
  f.detail = "after the reset at step " + std::to_string(reset_at) + ", " + f.detail + " (" +
             std::string(invariant_name(f.invariant)) + "), yet steps " + std::to_string(reset_at + 1) + "-" +
             std::to_string(s.steps.size()) + " pass on a new target: the reset kept state";
  f.invariant = Invariant::reset_clean;
  return r;
}

Target& Session::next(std::uint64_t seed, bool& reused) {
  reused = options_.reset && target_ && target_->resets_in_place() && since_start_.size() < options_.fresh_every;
  if (!reused) {
    retire();
    target_ = source_.make(seed);
  }
  return *target_;
}

void Session::retire() {
  if (target_) retired_.add(target_->start_stats());
  target_.reset();
  since_start_.clear();
}

StartStats Session::stats() const {
  StartStats s = retired_;
  if (target_) s.add(target_->start_stats());
  return s;
}

bool has_reset(const Scenario& s) {
  for (const Step& step : s.steps)
    if (step.kind() == StepKind::reset) return true;
  return false;
}

SessionRun Session::run(const Scenario& s, const RunnerOptions& runner) {
  // A scenario with reset steps tests the reset itself: on its own new target, with the check
  // that names a reset that keeps state.
  if (has_reset(s)) return {run_checked(s, source_, runner), std::nullopt};
  bool reused = false;
  Target& target = next(runner.seed, reused);
  RunnerOptions r = runner;
  r.reuse = reused;
  SessionRun out{run_scenario(s, target, r), std::nullopt};
  // Kept while the target may serve another case: a reset-clean finding joins them.
  if (reused || (options_.reset && target.resets_in_place())) since_start_.push_back(s);
  if (!out.result.finding) return out;

  std::vector<Scenario> ran = std::move(since_start_);
  retire();  // its data directory stays for the report; the next scenario gets a new target
  if (!reused) return out;
  // Every finding is shown on a new target before it is reported, and what is reported is what
  // that shows: the reused target's data directory is no finding's (discard_data).
  discard_data(out.result.finding->data_dir);
  RunResult again = run_scenario(s, *source_.make(runner.seed), fresh(runner));
  std::size_t requests = out.result.requests + again.requests;
  if (again.finding) {
    out.result = std::move(again);
    out.result.requests = requests;
    return out;
  }
  // The fewest cases that show it, counted back from this one (2, 4, 8, ... then all): state
  // a reset keeps mostly shows in the next case, and each shrink try of a reset-clean finding
  // costs new targets.
  for (std::size_t n = 2;; n = std::min(ran.size(), n * 2)) {
    std::vector<Scenario> last(ran.end() - static_cast<std::ptrdiff_t>(std::min(n, ran.size())), ran.end());
    Scenario joined = join_with_resets(last);
    RunResult whole = run_checked(joined, source_, runner);
    requests += whole.requests;
    // Whatever the joined scenario shows on a new target replays: reset-clean when the reset
    // kept state, or the reset's own fault (an answer that is not {"id":N,"ok":true}).
    if (whole.finding) {
      out.result.finding = std::move(whole.finding);
      out.result.requests = requests;
      out.joined = std::move(joined);
      return out;
    }
    if (n >= ran.size()) break;
  }
  ++unconfirmed_;
  out.result.finding.reset();
  out.result.requests = requests;
  return out;
}

RunResult Session::try_run(const Scenario& s, const RunnerOptions& runner) {
  bool reused = false;
  Target& target = next(runner.seed, reused);
  RunnerOptions r = runner;
  r.reuse = reused;
  r.keep_data = false;
  RunResult out = run_scenario(s, target, r);
  since_start_.push_back(Scenario{});  // counted for fresh_every; a shrink never joins its tries
  return out;
}

}  // namespace savefuzz
