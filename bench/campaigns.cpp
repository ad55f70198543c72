#include "bench/campaigns.h"

#include <condition_variable>
#include <mutex>
#include <sstream>
#include <thread>

#include "bench/median.h"
#include "bench/throughput.h"
#include "harness/core/campaign.h"
#include "harness/targets/target_options.h"

namespace savefuzz::bench {
namespace {

namespace fs = std::filesystem;

struct RowSpec {
  std::string target;  // as the table names it
  std::string mix;     // "default" or "no controls"
  TargetOptions options;
  bool reset = true;
  unsigned jobs = 1;
};

TargetOptions builtin(const fs::path& root, const std::string& mutant = "") {
  TargetOptions t;
  t.builtin = "records";
  t.mutant = mutant;
  t.data_root = root;
  validate(t);
  return t;
}

TargetOptions command(const std::string& cmd, const fs::path& root) {
  TargetOptions t;
  t.command = cmd;
  t.data_root = root;
  validate(t);
  return t;
}

CampaignOptions campaign_options(const TargetOptions& target, const fs::path& findings, std::uint64_t seed) {
  CampaignOptions o;
  o.target = target_source(target);
  o.findings_dir = findings;
  o.seed = seed;
  o.progress = false;
  return o;
}

// Sets `stop` (as Ctrl-C would) after `cap`, unless destroyed first.
class Watchdog {
 public:
  Watchdog(std::atomic<bool>& stop, std::chrono::milliseconds cap)
      : thread_([this, &stop, cap] {
          std::unique_lock lock(mu_);
          if (!cv_.wait_for(lock, cap, [this] { return done_; })) stop = true;
        }) {}
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;  // last: it starts once the others exist
};

// A campaign with its output discarded; given `cap`, stopped after that long, shrinking
// included, and `capped` says whether it was.
CampaignResult run_quietly(const CampaignOptions& o, std::optional<std::chrono::milliseconds> cap = std::nullopt,
                           bool* capped = nullptr) {
  std::atomic<bool> stop{false};
  std::ostringstream discard;
  CampaignResult r;
  {
    std::optional<Watchdog> watchdog;
    if (cap) watchdog.emplace(stop, *cap);
    r = run_campaign(o, "savefuzz", discard, stop);
  }
  if (capped) *capped = stop;
  return r;
}

std::uint64_t steps_of(const CampaignResult& r) {
  std::uint64_t steps = r.requests;
  for (auto n : r.coverage.controls) steps += n;
  return steps;
}

// One row: `repeats` campaigns of `seconds` on a correct target (seeds 1, 2, ...), medians.
Json campaign_row(const RowSpec& spec, const CampaignBenchOptions& b) {
  std::vector<double> rate, starts, share, resets;
  std::uint64_t findings = 0, control_one_in = 0, max_steps = 0;
  for (std::size_t i = 0; i < b.repeats; ++i) {
    CampaignOptions o = campaign_options(spec.options, b.work_dir / "throughput-findings", 1 + i);
    o.time = b.seconds;
    o.keep_going = true;
    o.shrink = false;
    o.controls = spec.mix == "default";
    o.reuse.reset = spec.reset;
    o.jobs = spec.jobs;
    CampaignResult r = run_quietly(o);
    rate.push_back(static_cast<double>(steps_of(r)) / r.seconds);
    starts.push_back(static_cast<double>(r.starts.starts) / r.seconds);
    resets.push_back(static_cast<double>(r.starts.resets) / r.seconds);
    share.push_back(r.start_share);
    findings += r.findings.size();
    control_one_in = std::max(control_one_in, r.control_one_in);
    max_steps = std::max<std::uint64_t>(max_steps, r.max_steps);
  }
  return Json{{"target", spec.target},   {"mix", spec.mix},
              {"reset", spec.reset},     {"jobs", spec.jobs},
              {"steps_per_second", median(rate)},
              {"starts_per_second", median(starts)},
              {"resets_per_second", median(resets)},
              {"start_share", median(share)},
              {"control_one_in", control_one_in},
              {"max_steps", max_steps},
              {"findings", findings}};
}

// Time to the first finding of a planted bug and time to shrink it, seeds 1..repeats.
Json shrink_row(const std::string& target, const TargetOptions& options, bool reset, const CampaignBenchOptions& b) {
  std::vector<double> find, shrink, steps, runs;
  std::size_t missed = 0, capped = 0;
  std::string invariant;
  for (std::size_t i = 0; i < b.repeats; ++i) {
    CampaignOptions o = campaign_options(options, b.work_dir / "shrink-findings", 1 + i);
    o.reuse.reset = reset;
    o.jobs = 1;
    bool cut = false;
    CampaignResult r = run_quietly(o, b.shrink_cap, &cut);
    capped += cut;
    if (r.findings.empty()) {
      ++missed;
      continue;
    }
    const SavedFinding& f = r.findings.front();
    find.push_back(f.seconds_to_find);
    shrink.push_back(r.seconds - f.seconds_to_find);
    steps.push_back(static_cast<double>(f.shrunk_steps));
    runs.push_back(static_cast<double>(f.shrink_runs));
    invariant = invariant_name(f.finding.invariant);
  }
  Json row{{"target", target}, {"reset", reset}, {"runs", b.repeats}, {"missed", missed}, {"capped", capped},
           {"invariant", invariant}};
  if (!find.empty()) {
    row["seconds_to_find"] = median(find);
    row["seconds_to_shrink"] = median(shrink);
    row["shrunk_steps"] = median(steps);
    row["shrink_runs"] = median(runs);
  }
  return row;
}

}  // namespace

Json measure_campaigns(const CampaignBenchOptions& b) {
  const fs::path& root = b.data_root;
  TargetOptions in = builtin(root), server = command(b.server.string(), root), python = command(b.python_cmd, root);
  std::vector<RowSpec> specs{{"records (in-process)", "default", in, true, 1},
                             {"records (in-process)", "no controls", in, true, 1},
                             {"records-server", "no controls", server, true, 1}};
  for (const auto& [name, target] : {std::pair{"records-server", server}, std::pair{"Python example", python}})
    for (bool reset : {true, false})
      for (unsigned jobs : {1u, 2u}) specs.push_back({name, "default", target, reset, jobs});
  Json rows = Json::array();
  for (const RowSpec& s : specs) rows.push_back(campaign_row(s, b));

  Json cycles = Json::array();
  for (const auto& [name, target] : {std::pair{"records (in-process)", in}, std::pair{"records-server", server},
                                     std::pair{"Python example", python}})
    cycles.push_back(Json{{"target", name}, {"per_second", crash_cycle_rate(target, b.crash_cycles)}});

  const std::string mutant = "reschedule-clobbers-observation";
  TargetOptions server_bug = command(b.server.string() + " --mutant " + mutant, root);
  Json shrinks = Json::array();
  shrinks.push_back(shrink_row("records (in-process) --mutant " + mutant, builtin(root, mutant), true, b));
  for (bool reset : {true, false}) {
    shrinks.push_back(shrink_row("records-server --mutant " + mutant, server_bug, reset, b));
    shrinks.push_back(shrink_row("Python example, reschedule drops the conclusion",
                                 command(b.python_planted_cmd, root), reset, b));
  }
  return Json{{"seconds", b.seconds.count() / 1000.0}, {"repeats", b.repeats}, {"rows", rows},
              {"crash_cycles", cycles}, {"shrink", shrinks}};
}

}  // namespace savefuzz::bench
