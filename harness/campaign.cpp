// Campaign loop. Findings are written to disk before they are printed; Ctrl-C ends the loop at
// the next case boundary (a case interrupted midway is discarded, never reported).
#include "harness/campaign.h"

#include <iomanip>
#include <sstream>

#include <unistd.h>

#include "harness/generate.h"
#include "harness/report.h"
#include "harness/shrink.h"

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

CampaignResult run_campaign(const CampaignOptions& o, const std::string& program, std::ostream& out,
                            const std::atomic<bool>& stop) {
  CampaignResult result;
  auto t0 = Clock::now();
  std::optional<Clock::time_point> deadline;
  if (o.time) deadline = t0 + *o.time;
  std::error_code ec;
  std::filesystem::create_directories(o.findings_dir, ec);
  if (ec) throw SetupError("cannot create the findings folder " + o.findings_dir.string() + ": " + ec.message());

  // The target's own limits drive the boundary texts.
  GenOptions gen;
  {
    auto probe = make_target(o.target, o.seed);
    if (auto fault = probe->start()) throw SetupError("the target failed its hello: " + fault->detail);
    gen.limits = probe->limits();
  }
  gen.max_steps = o.max_steps;
  gen.controls = o.controls;

  Progress progress(out, o.progress);
  std::string campaign_command = program + " run " + target_flags(o.target) + " --seed " + std::to_string(o.seed) +
                                 " --max-steps " + std::to_string(o.max_steps);
  for (std::uint64_t index = 0;; ++index) {
    if (stop || (o.cases && index >= *o.cases) || (deadline && Clock::now() >= *deadline)) break;
    Scenario s = generate_scenario(gen, o.seed, index);
    RunnerOptions runner{true, case_seed(o.seed, index)};
    RunResult r;
    try {
      auto target = make_target(o.target, runner.seed);
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

    SavedFinding saved;
    saved.case_index = index;
    saved.seconds_to_find = since(t0);
    saved.requests_to_find = result.requests;
    saved.original_steps = s.steps.size();
    Scenario best = s;
    Finding final = *r.finding;
    if (o.shrink) {
      Shrunk shrunk = shrink_finding(s, final, o.target, runner, [&stop] { return stop.load(); });
      best = std::move(shrunk.scenario);
      final = std::move(shrunk.finding);
      saved.shrink_runs = shrunk.runs;
    }
    saved.shrunk_steps = best.steps.size();

    std::string stem = std::string(invariant_name(final.invariant)) + "-seed" + std::to_string(o.seed) + "-case" +
                       std::to_string(index);
    saved.file = o.findings_dir / (stem + ".json");
    Report report;
    report.seed = runner.seed;
    report.command = program + " replay " + target_flags(o.target) + " --seed " + std::to_string(runner.seed);
    report.target = target_flags(o.target);
    saved.reproduce = reproduce_command(report, saved.file.string());
    best.name = stem;
    best.description = "Found by `" + campaign_command + "` (case " + std::to_string(index) + "): " +
                       std::string(invariant_name(final.invariant)) + " (" +
                       std::string(breach_name(breach_of(final.invariant))) + " breach) at " + final.where +
                       ". Reproduce: " + saved.reproduce;
    if (auto err = save_scenario(saved.file, best); !err.empty()) throw SetupError("cannot save a finding: " + err);
    saved.finding = final;

    progress.clear();
    ScenarioOutcome outcome{saved.file.string(), best.name, final, {}, 0, 0};
    print_outcome(out, report, outcome);
    out << "  shrunk:    " << saved.original_steps << " -> " << saved.shrunk_steps << " steps in " << saved.shrink_runs
        << " runs\n";
    result.findings.push_back(std::move(saved));
    if (!o.keep_going) break;
  }
  progress.update(result, t0, true);
  progress.clear();
  result.seconds = since(t0);
  result.interrupted = result.interrupted || stop;
  return result;
}

Shrunk shrink_finding(const Scenario& failing, const Finding& finding, const TargetOptions& target,
                      const RunnerOptions& runner, const std::function<bool()>& stop) {
  auto fails = [&](const Scenario& candidate) -> std::optional<Signature> {
    auto t = make_target(target, runner.seed);
    RunResult r = run_scenario(candidate, *t, runner);
    if (!r.finding) return std::nullopt;
    return signature_of(*r.finding);
  };
  ShrinkOptions so;
  so.stop = stop;
  ShrinkResult shrunk = shrink(failing, signature_of(finding), fails, so);
  Shrunk out{std::move(shrunk.scenario), finding, shrunk.runs};
  auto t = make_target(target, runner.seed);
  RunResult again = run_scenario(out.scenario, *t, runner);
  if (again.finding) out.finding = *again.finding;  // as the shrunk scenario shows it
  return out;
}

void print_campaign_summary(std::ostream& out, const CampaignOptions& o, const CampaignResult& r) {
  const Coverage& c = r.coverage;
  std::uint64_t steps = r.requests + c.controls[0] + c.controls[1] + c.controls[2];
  out << "op mix:";
  std::vector<std::string> missing;
  for (const auto& s : all_ops()) {
    auto n = c.ops[static_cast<std::size_t>(s.op)];
    out << " " << s.name << "=" << n;
    if (n == 0) missing.push_back(std::string(s.name));
  }
  out << "\nanswers: ok=" << c.answers[0];
  for (std::size_t i = 0; i < kErrorCodeCount; ++i) {
    auto n = c.answers[i + 1];
    out << " " << error_name(static_cast<ErrorCode>(i)) << "=" << n;
    if (n == 0) missing.push_back(std::string(error_name(static_cast<ErrorCode>(i))));
  }
  out << " (malformed requests: " << c.malformed << ")\ncontrols: restart=" << c.controls[0] << " crash=" << c.controls[1]
      << " crash_during=" << c.controls[2] << "\n";
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
