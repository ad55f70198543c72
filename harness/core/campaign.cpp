// Campaign loop. Findings are written to disk before they are printed; Ctrl-C ends the loop at
// the next case boundary (a case interrupted midway is discarded, never reported).
#include "harness/core/campaign.h"

#include <iomanip>
#include <sstream>

#include <unistd.h>

#include "harness/core/fault_points.h"
#include "harness/core/findings.h"
#include "harness/core/generate.h"
#include "harness/core/report.h"
#include "harness/core/shrink.h"

namespace savefuzz {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

Signature signature_of(const Finding& f) { return {f.invariant, step_kind_of(f.request)}; }

// Keeps the live line (on a terminal) or a periodic plain line (in logs) up to date.
class Progress {
 public:
  Progress(std::ostream& out, bool enabled) : out_(out), enabled_(enabled), tty_(::isatty(STDOUT_FILENO) == 1) {}
  void update(const CampaignResult& r, Clock::time_point t0, bool force = false) {
    if (!enabled_) return;
    auto now = Clock::now();
    auto every = tty_ ? std::chrono::milliseconds(250) : std::chrono::milliseconds(10'000);
    if (!force && now - last_ < every) return;
    last_ = now;
    double secs = since(t0);
    std::ostringstream line;
    line << "cases " << r.cases << " | steps " << r.requests << " (" << static_cast<long>(secs > 0 ? r.requests / secs : 0)
         << "/s) | " << std::fixed << std::setprecision(0) << secs << "s | findings " << r.findings.size();
    if (tty_) out_ << "\r\033[K" << line.str() << std::flush;
    else out_ << "progress: " << line.str() << "\n" << std::flush;
  }
  void clear() {
    if (enabled_ && tty_) out_ << "\r\033[K" << std::flush;
  }

 private:
  std::ostream& out_;
  bool enabled_, tty_;
  Clock::time_point last_{};
};

}  // namespace

std::uint64_t case_seed(std::uint64_t seed, std::uint64_t case_index) {
  return static_cast<std::uint64_t>(crash_point(seed, case_index)) << 32 | crash_point(seed + 1, case_index);
}

namespace {

// The generator's options; the target's own limits drive the boundary texts.
GenOptions generator_options(const CampaignOptions& o) {
  GenOptions gen;
  auto probe = o.target.make(o.seed);
  if (auto fault = probe->start()) throw SetupError("the target failed its hello: " + fault->detail);
  gen.limits = probe->limits();
  gen.max_steps = o.max_steps;
  gen.controls = o.controls;
  return gen;
}

// Shrinks case `index`'s failing scenario `s` (unless told not to) and saves it as a finding.
SavedFinding keep_finding(const CampaignOptions& o, const std::string& program, const Scenario& s, const Finding& found,
                          const RunnerOptions& runner, std::uint64_t index, const std::atomic<bool>& stop,
                          std::ostream& out) {
  SavedFinding saved;
  saved.case_index = index;
  saved.original_steps = s.steps.size();
  Scenario best = s;
  saved.finding = found;
  if (o.shrink) {
    Shrunk shrunk = shrink_finding(s, found, o.target, runner, [&stop] { return stop.load(); });
    best = std::move(shrunk.scenario);
    saved.finding = std::move(shrunk.finding);
    saved.shrink_runs = shrunk.runs;
  }
  saved.shrunk_steps = best.steps.size();
  std::string stem = std::string(invariant_name(saved.finding.invariant)) + "-seed" + std::to_string(o.seed) + "-case" +
                     std::to_string(index);
  std::string found_by = "`" + program + " run " + o.target.flags + " --seed " + std::to_string(o.seed) +
                         " --max-steps " + std::to_string(o.max_steps) + "` (case " + std::to_string(index) + ")";
  ReplayCommand replay{program, o.target.flags, runner.seed};
  saved.file = save_finding(o.findings_dir,
                            {std::move(best), saved.finding, stem, found_by, saved.original_steps, saved.shrink_runs, replay},
                            out);
  saved.reproduce = replay.for_file(saved.file.string());
  return saved;
}

}  // namespace

CampaignResult run_campaign(const CampaignOptions& o, const std::string& program, std::ostream& out,
                            const std::atomic<bool>& stop) {
  CampaignResult result;
  auto t0 = Clock::now();
  std::optional<Clock::time_point> deadline;
  if (o.time) deadline = t0 + *o.time;
  std::error_code ec;
  std::filesystem::create_directories(o.findings_dir, ec);
  if (ec) throw SetupError("cannot create the findings folder " + o.findings_dir.string() + ": " + ec.message());
  GenOptions gen = generator_options(o);

  Progress progress(out, o.progress);
  for (std::uint64_t index = 0;; ++index) {
    if (stop || (o.cases && index >= *o.cases) || (deadline && Clock::now() >= *deadline)) break;
    Scenario s = generate_scenario(gen, o.seed, index);
    RunnerOptions runner{true, case_seed(o.seed, index)};
    RunResult r;
    try {
      auto target = o.target.make(runner.seed);
      r = run_scenario(s, *target, runner);
    } catch (const std::exception& e) {
      // A broken harness is no finding; the findings saved so far stay, and the case is named.
      throw SetupError("case " + std::to_string(index) + " (seed " + std::to_string(o.seed) + "): " + e.what());
    }
    if (stop) {
      result.interrupted = true;
      break;  // the case was cut short by Ctrl-C: its outcome means nothing
    }
    ++result.cases;
    result.requests += r.requests;
    result.coverage.add(r.coverage);
    progress.update(result, t0);
    if (!r.finding) continue;

    double seconds_to_find = since(t0);
    progress.clear();
    SavedFinding saved = keep_finding(o, program, s, *r.finding, runner, index, stop, out);
    saved.seconds_to_find = seconds_to_find;
    saved.requests_to_find = result.requests;
    result.findings.push_back(std::move(saved));
    if (!o.keep_going) break;
  }
  progress.update(result, t0, true);
  progress.clear();
  result.seconds = since(t0);
  result.interrupted = result.interrupted || stop;
  return result;
}

Shrunk shrink_finding(const Scenario& failing, const Finding& finding, const TargetSource& target,
                      const RunnerOptions& runner, const std::function<bool()>& stop) {
  auto fails = [&](const Scenario& candidate) -> std::optional<Signature> {
    auto t = target.make(runner.seed);
    RunResult r = run_scenario(candidate, *t, runner);
    if (!r.finding) return std::nullopt;
    return signature_of(*r.finding);
  };
  ShrinkOptions so;
  so.stop = stop;
  ShrinkResult shrunk = shrink(failing, signature_of(finding), fails, so);
  Shrunk out{std::move(shrunk.scenario), finding, shrunk.runs};
  auto t = target.make(runner.seed);
  RunResult again = run_scenario(out.scenario, *t, runner);
  if (again.finding) out.finding = *again.finding;  // as the shrunk scenario shows it
  return out;
}

void print_campaign_summary(std::ostream& out, const CampaignOptions& o, const CampaignResult& r) {
  const Coverage& c = r.coverage;
  std::uint64_t steps = r.requests;
  for (auto n : c.controls) steps += n;
  out << "op mix:";
  std::vector<std::string> missing;
  for (const auto& s : all_ops()) {
    auto n = c.ops[static_cast<std::size_t>(s.op)];
    out << " " << op_name(s.op) << "=" << n;
    if (n == 0) missing.push_back(std::string(op_name(s.op)));
  }
  out << "\nanswers: ok=" << c.answers[0];
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    auto n = c.answers[i + 1];
    out << " " << error_name(static_cast<ErrorCode>(i)) << "=" << n;
    if (n == 0) missing.push_back(std::string(error_name(static_cast<ErrorCode>(i))));
  }
  out << " (malformed requests: " << c.malformed << ")\ncontrols:";
  for (std::size_t k = 1; k < kStepKindCount; ++k)
    out << " " << step_kind_name(static_cast<StepKind>(k)) << "=" << c.control(static_cast<StepKind>(k));
  out << "\n";
  if (!missing.empty()) {
    out << "not exercised:";
    for (const auto& m : missing) out << " " << m;
    out << "\n";
  }
  for (const auto& f : r.findings)
    out << "finding: " << invariant_name(f.finding.invariant) << " (" << breach_name(breach_of(f.finding.invariant))
        << ") " << f.file.string() << " case=" << f.case_index << " after " << std::fixed << std::setprecision(2)
        << f.seconds_to_find << "s/" << f.requests_to_find << " steps, shrunk " << f.original_steps << " -> "
        << f.shrunk_steps << " steps\n";
  out << std::fixed << "SUMMARY: cases=" << r.cases << " steps=" << steps << " steps/s=" << std::setprecision(0)
      << (r.seconds > 0 ? steps / r.seconds : 0) << " elapsed=" << std::setprecision(1) << r.seconds
      << "s findings=" << r.findings.size() << " seed=" << o.seed << (r.interrupted ? " interrupted" : "") << "\n";
}

}  // namespace savefuzz
