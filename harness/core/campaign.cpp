// Campaign loop. Findings are written to disk before they are printed; Ctrl-C ends the loop at
// the next case boundary (a case interrupted midway is discarded, never reported).
#include "harness/core/campaign.h"

#include <algorithm>
#include <iomanip>
#include <limits>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "harness/core/fault_points.h"
#include "harness/core/findings.h"
#include "harness/core/generate.h"
#include "harness/core/progress_line.h"
#include "harness/core/report.h"
#include "harness/core/diagnose.h"

namespace savefuzz {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The campaign's progress line: cases, steps and their rate, time, findings.
class Progress {
 public:
  Progress(std::ostream& out, bool enabled) : line_(out, enabled) {}
  void update(const CampaignResult& r, const StartStats& starts, Clock::time_point t0, bool force = false) {
    if (!line_.due(force)) return;
    double secs = since(t0);
    std::ostringstream line;
    line << "cases " << r.cases << " | steps " << r.requests << " (" << static_cast<long>(secs > 0 ? r.requests / secs : 0)
         << "/s) | " << std::fixed << std::setprecision(0) << secs << "s | findings " << r.findings.size();
    if (starts.starts > 0 || starts.resets > 0) line << " | starts " << starts.starts << " resets " << starts.resets;
    line_.show(line.str());
  }
  void clear() { line_.clear(); }

 private:
  ProgressLine line_;
};

}  // namespace

std::uint64_t case_seed(std::uint64_t seed, std::uint64_t case_index) {
  return static_cast<std::uint64_t>(crash_point(seed, case_index)) << 32 | crash_point(seed + 1, case_index);
}

namespace {

// The generator's options; the target's own limits drive the boundary texts, and what it supports
// decides which fault steps are drawn (`support` says what that was).
GenOptions generator_options(const CampaignOptions& o, FaultSupport& support) {
  GenOptions gen;
  auto probe = o.target.make(o.seed);
  if (auto fault = probe->start()) throw SetupError("the target failed its hello: " + fault->detail);
  gen.limits = probe->limits();
  gen.max_steps = o.max_steps;
  gen.controls = o.controls;
  support = probe->fault_support();
  gen.faults.io_percent = support.io_faults ? o.faults.io_percent : 0;
  gen.faults.power_loss = support.power_loss && o.faults.power_loss;
  gen.faults.sync_crashes = support.sync_crash && o.faults.sync_crashes;
  return gen;
}

// What the workers share. `mu` guards the result, the progress line and the output.
struct Shared {
  const CampaignOptions& o;
  const std::string& program;
  std::ostream& out;
  const std::atomic<bool>& stop;
  Clock::time_point t0;
  std::optional<Clock::time_point> deadline;
  Schedule schedule;
  Progress progress;
  std::atomic<std::uint64_t> next{0};
  std::atomic<bool> halt{false};  // a worker failed
  // Without --keep-going the campaign ends at its lowest failing case: cases after it are not
  // started, and those before it still in flight finish (one of them may fail first). So the
  // finding is the same whatever the number of workers.
  std::atomic<std::uint64_t> halt_at{std::numeric_limits<std::uint64_t>::max()};
  std::mutex mu{};
  CampaignResult result{};
  std::vector<Signature> known_signatures{};  // of the known findings seen so far
  std::set<std::string> corpus_keys{};        // feature keys of the cases saved to corpus_out
  std::exception_ptr failure{};
};

// Shrinks case `index`'s failing scenario `s` (unless told not to) and saves it as a finding.
SavedFinding keep_finding(Shared& sh, const Scenario& s, const Finding& found, const RunnerOptions& runner,
                          std::uint64_t index, const CaseShape& shape, std::size_t joined_cases) {
  const CampaignOptions& o = sh.o;
  SavedFinding saved;
  saved.case_index = index;
  saved.joined_cases = joined_cases;
  saved.original_steps = s.steps.size();
  Diagnosis d = diagnose(s, found, o.target, runner,
                         {o.shrink, true, o.reproduce, o.reuse, [&sh] { return sh.stop.load(); }});
  Scenario best = std::move(d.scenario);
  saved.finding = std::move(d.finding);
  saved.shrink_runs = d.shrink_runs;
  saved.localize_runs = d.localize_runs;
  saved.shrunk_steps = best.steps.size();
  std::string stem = std::string(invariant_name(saved.finding.invariant)) + "-seed" + std::to_string(o.seed) + "-case" +
                     std::to_string(index);
  // The case's own shape, with the schedule off, so that the command generates it again from
  // the seed alone whatever the schedule did in this run.
  std::string found_by = "`" + sh.program + " run " + o.target.flags + fault_flags(o.faults) + " --seed " + std::to_string(o.seed) +
                         " --max-steps " + std::to_string(shape.max_steps) + (shape.controls ? "" : " --no-controls") +
                         " --start-budget 100` (case " + std::to_string(index) + ")";
  if (joined_cases > 1)
    found_by += " and the " + std::to_string(joined_cases - 1) + " cases before it on the same process, joined by resets";
  ReplayCommand replay{sh.program, o.target.flags, runner.seed};
  std::lock_guard lock(sh.mu);
  sh.progress.clear();
  saved.file = save_finding(o.findings_dir,
                            {std::move(best), saved.finding, stem, found_by, saved.original_steps, saved.shrink_runs, saved.localize_runs,
                             replay},
                            sh.out);
  saved.reproduce = replay.for_file(saved.file.string());
  return saved;
}

// Saves case `index` to the corpus folder when it reached a feature key no case saved before did.
void keep_if_new(Shared& sh, const Scenario& s, const Coverage& reached, std::uint64_t index) {
  std::vector<std::string> fresh;
  std::lock_guard lock(sh.mu);
  for (auto& key : feature_keys(reached))
    if (sh.corpus_keys.insert(key).second) fresh.push_back(std::move(key));
  if (fresh.empty()) return;
  Scenario kept = s;
  kept.name = "seed" + std::to_string(sh.o.seed) + "-case" + std::to_string(index);
  kept.description = "Generated by `savefuzz run --seed " + std::to_string(sh.o.seed) + "` (case " +
                     std::to_string(index) + "), kept for reaching:";
  for (std::size_t i = 0; i < fresh.size() && i < 12; ++i) kept.description += " " + fresh[i];
  if (fresh.size() > 12) kept.description += " and " + std::to_string(fresh.size() - 12) + " more";
  if (auto err = save_scenario(sh.o.corpus_out / (kept.name + ".json"), kept))
    throw SetupError("cannot save a corpus case: " + err->message);
  ++sh.result.corpus_added;
}

// One worker: its own session (targets, data directories), cases from the shared counter.
void work(Shared& sh) {
  const CampaignOptions& o = sh.o;
  Session session(o.target, o.reuse);
  StartStats before;
  for (;;) {
    if (sh.stop || sh.halt || (sh.deadline && Clock::now() >= *sh.deadline)) break;
    std::uint64_t index = sh.next++;
    if ((o.cases && index >= *o.cases) || index > sh.halt_at) break;
    CaseShape shape = sh.schedule.shape(o.seed, index);
    Scenario s = generate_scenario(sh.schedule.options(shape), o.seed, index);
    RunnerOptions runner{true, case_seed(o.seed, index)};
    auto c0 = Clock::now();
    SessionRun run;
    try {
      run = session.run(s, runner);
    } catch (const std::exception& e) {
      // A broken harness is no finding; the findings saved so far stay, and the case is named.
      throw SetupError("case " + std::to_string(index) + " (seed " + std::to_string(o.seed) + "): " + e.what());
    }
    StartStats now = session.stats();
    sh.schedule.observe(shape, since(c0), now.starts - before.starts, now.seconds - before.seconds,
                        now.resets > before.resets);
    before = now;
    if (sh.stop) break;  // the case was cut short by Ctrl-C: its outcome means nothing
    if (o.events) {
      CaseEvent e;
      e.failed = run.result.finding.has_value();
      if (e.failed)
        e.status_reason = std::string(invariant_name(run.result.finding->invariant)) + " at " + run.result.finding->where;
      e.gave_up = run.result.not_runnable.value_or("");
      e.representation = scenario_shape(s);
      e.arguments = {{"seed", o.seed}, {"case", index}, {"max_steps", shape.max_steps}, {"controls", shape.controls}};
      e.how_generated = "generated";
      e.coverage = run.result.coverage;
      e.requests = run.result.requests;
      e.seconds = since(c0);
      o.events->test_case(e);
    }
    if (!o.corpus_out.empty() && !run.result.finding && !run.result.not_runnable)
      keep_if_new(sh, s, run.result.coverage, index);

    std::uint64_t requests_to_find = 0;
    {
      std::lock_guard lock(sh.mu);
      ++sh.result.cases;
      sh.result.requests += run.result.requests;
      sh.result.coverage.add(run.result.coverage);
      requests_to_find = sh.result.requests;
      StartStats all = sh.result.starts;
      all.add(now);
      sh.progress.update(sh.result, all, sh.t0);
    }
    if (!run.result.finding) continue;
    Signature sig = signature_of(*run.result.finding);
    if (o.known) {
      std::lock_guard lock(sh.mu);
      if (std::find(sh.known_signatures.begin(), sh.known_signatures.end(), sig) != sh.known_signatures.end()) {
        ++sh.result.known_repeats;
        discard_data(run.result.finding->data_dir);
        continue;
      }
    }
    // With a baseline the halt waits until the finding is known to be new (below).
    if (!o.keep_going && !o.known) {
      std::uint64_t at = sh.halt_at;
      while (index < at && !sh.halt_at.compare_exchange_weak(at, index)) {
      }
      if (index > sh.halt_at) {  // a case before this one failed: it is the finding
        discard_data(run.result.finding->data_dir);
        break;
      }
    }

    double seconds_to_find = since(sh.t0);
    const Scenario& failing = run.joined ? *run.joined : s;
    std::size_t joined_cases = 0;
    if (run.joined)
      for (const Step& step : run.joined->steps) joined_cases += step.kind() == StepKind::reset;
    if (run.joined) ++joined_cases;
    SavedFinding saved = keep_finding(sh, failing, *run.result.finding, runner, index, shape, joined_cases);
    saved.seconds_to_find = seconds_to_find;
    saved.requests_to_find = requests_to_find;
    bool known = o.known && o.known(saved);
    if (o.events) o.events->finding(saved_finding_json(saved, known));
    std::lock_guard lock(sh.mu);
    if (known) {
      sh.out << "savefuzz: known finding (in the baseline), not counted: " << saved.file.string() << "\n";
      sh.known_signatures.push_back(sig);
      sh.result.known.push_back(std::move(saved));
      continue;
    }
    if (o.known && !o.keep_going) {
      std::uint64_t at = sh.halt_at;
      while (index < at && !sh.halt_at.compare_exchange_weak(at, index)) {
      }
    }
    sh.result.findings.push_back(std::move(saved));
  }
  std::lock_guard lock(sh.mu);
  sh.result.starts.add(session.stats());
  sh.result.unconfirmed += session.unconfirmed();
}

}  // namespace

CampaignResult run_campaign(const CampaignOptions& o, const std::string& program, std::ostream& out,
                            const std::atomic<bool>& stop) {
  auto t0 = Clock::now();
  std::error_code ec;
  std::filesystem::create_directories(o.findings_dir, ec);
  if (ec) throw SetupError("cannot create the findings folder " + o.findings_dir.string() + ": " + ec.message());
  if (!o.corpus_out.empty()) std::filesystem::create_directories(o.corpus_out, ec);
  if (ec) throw SetupError("cannot create the corpus folder " + o.corpus_out.string() + ": " + ec.message());
  std::optional<Clock::time_point> deadline;
  if (o.time) deadline = t0 + *o.time;
  FaultSupport support;
  GenOptions gen = generator_options(o, support);
  Shared sh{o, program, out, stop, t0, deadline, Schedule(gen, o.start_budget), Progress(out, o.progress)};

  auto guarded = [&sh] {
    try {
      work(sh);
    } catch (...) {
      std::lock_guard lock(sh.mu);
      if (!sh.failure) sh.failure = std::current_exception();
      sh.halt = true;
    }
  };
  unsigned jobs = std::max(1u, o.jobs);
  if (jobs == 1) {
    guarded();  // on this thread: one worker is the plain loop
  } else {
    std::vector<std::thread> workers;
    for (unsigned j = 0; j < jobs; ++j) workers.emplace_back(guarded);
    for (auto& w : workers) w.join();
  }
  if (sh.failure) std::rethrow_exception(sh.failure);

  CampaignResult result = std::move(sh.result);
  // Findings in case order, whichever worker saw them first. Every saved one is listed: a
  // later case can fail and be saved before an earlier one fails.
  std::sort(result.findings.begin(), result.findings.end(),
            [](const SavedFinding& a, const SavedFinding& b) { return a.case_index < b.case_index; });
  sh.progress.update(result, result.starts, t0, true);
  sh.progress.clear();
  result.seconds = since(t0);
  result.interrupted = stop.load();
  result.start_share = sh.schedule.start_share();
  result.control_one_in = sh.schedule.control_one_in();
  result.max_steps = sh.schedule.max_steps();
  result.fault_support = support;
  result.faults = gen.faults;
  return result;
}

Json saved_finding_json(const SavedFinding& f, bool known) {
  Json j = finding_event(f.finding, f.file.string(), f.reproduce);
  j.update(Json{{"case", f.case_index},
                {"seconds_to_find", f.seconds_to_find},
                {"requests_to_find", f.requests_to_find},
                {"original_steps", f.original_steps},
                {"shrunk_steps", f.shrunk_steps},
                {"known", known}});
  return j;
}

std::string fault_flags(const FaultMix& f) {
  if (!f.any()) return " --no-faults";
  std::string flags;
  if (f.io_percent != kDefaultIoFaultPercent) flags += " --io-faults " + std::to_string(f.io_percent);
  if (!f.power_loss) flags += " --no-power-loss";
  if (!f.sync_crashes) flags += " --no-sync-crashes";
  return flags;
}

void print_fault_summary(std::ostream& out, const CampaignResult& r, std::vector<std::string>& missing) {
  const Coverage& c = r.coverage;
  const FaultMix& f = r.faults;
  out << "faults: crash_during at a given sync=" << c.sync_crashes << " at a point from the seed=" << c.timed_crashes
      << " power_loss=" << c.control(StepKind::power_loss) << " write faults=" << c.faults_fired[0]
      << " sync faults=" << c.faults_fired[1] << " (never reached: " << c.faults_missed
      << ") target died on a fault and restarted=" << c.fault_deaths << "\n";
  if (!r.fault_support.why_not.empty() && (!f.sync_crashes || !f.power_loss || !f.io_percent))
    out << "faults off for this target: " << r.fault_support.why_not
        << (r.fault_support.sync_crash ? "" : " (crash_during falls back to timed crashes)") << "\n";
  auto never = [&](bool on, std::uint64_t n, const char* name) {
    if (on && n == 0) missing.push_back(name);
  };
  never(f.sync_crashes, c.sync_crashes, "crash_during-at-sync");
  never(f.power_loss, c.control(StepKind::power_loss), "power_loss");
  never(f.io_percent > 0, c.faults_fired[0], "write-fault");
  never(f.io_percent > 0, c.faults_fired[1], "sync-fault");
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
  for (std::size_t k = 1; k < kStepKindCount; ++k)  // resets between cases are counted below
    if (drawn_control(static_cast<StepKind>(k)))
      out << " " << step_kind_name(static_cast<StepKind>(k)) << "=" << c.control(static_cast<StepKind>(k));
  out << "\n";
  print_fault_summary(out, r, missing);
  out << "situations:";
  std::vector<std::string> unreached;
  for (std::size_t i = 0; i < kSituationCount; ++i) {
    auto name = situation_name(static_cast<Situation>(i));
    out << " " << name << "=" << c.situations[i];
    if (c.situations[i] == 0) unreached.push_back(std::string(name));
  }
  out << "\n";
  // Ops, answers and fault steps a campaign should always see; situations are what its length
  // and luck reached (some, like a fifth save, take long campaigns).
  for (const auto& [label, list] : {std::pair{"not exercised:", &missing}, {"situations never reached:", &unreached}}) {
    if (list->empty()) continue;
    out << label;
    for (const auto& m : *list) out << " " << m;
    out << "\n";
  }
  for (const auto& f : r.findings)
    out << "finding: " << invariant_name(f.finding.invariant) << " (" << breach_name(breach_of(f.finding.invariant))
        << ") " << f.file.string() << " case=" << f.case_index << " after " << std::fixed << std::setprecision(2)
        << f.seconds_to_find << "s/" << f.requests_to_find << " steps, shrunk " << f.original_steps << " -> "
        << f.shrunk_steps << " steps" << (f.finding.first_visible ? ", " + first_visible_text(f.finding) : "")
        << (f.finding.replays ? ", " + reproduced_text(f.finding) : "") << "\n";
  if (r.starts.starts > 0 || r.starts.resets > 0) {
    out << std::fixed << std::setprecision(1) << "process starts: " << r.starts.starts << " ("
        << (r.starts.starts ? 1000 * r.starts.seconds / static_cast<double>(r.starts.starts) : 0) << " ms each), "
        << std::setprecision(0) << 100 * r.start_share << "% of the time (budget " << 100 * o.start_budget
        << "%); resets in place: " << r.starts.resets << "; ";
    if (o.controls) out << "control steps in 1 of " << r.control_one_in << " cases, ";
    out << "up to " << r.max_steps << " steps each\n";
  }
  if (!o.corpus_out.empty())
    out << "corpus: " << r.corpus_added << " case(s) that reached a new feature saved to " << o.corpus_out.string() << "\n";
  if (r.unconfirmed > 0)
    out << "unconfirmed: " << r.unconfirmed
        << " failure(s) on a reset target that neither a new target nor the cases joined by resets showed again\n";
  out << std::fixed << "SUMMARY: cases=" << r.cases << " steps=" << steps << " steps/s=" << std::setprecision(0)
      << (r.seconds > 0 ? steps / r.seconds : 0) << " elapsed=" << std::setprecision(1) << r.seconds
      << "s findings=" << r.findings.size();
  if (o.known) out << " known=" << r.known.size() << " known_repeats=" << r.known_repeats;
  out << " seed=" << o.seed << (r.interrupted ? " interrupted" : "") << "\n";
}

}  // namespace savefuzz
