// The property campaign behind `savefuzz run`: generate, run, shrink, save, report.
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/core/diagnose.h"
#include "harness/core/events.h"
#include "harness/core/generate.h"
#include "harness/core/runner.h"
#include "harness/core/schedule.h"
#include "harness/core/session.h"
#include "harness/core/target.h"

namespace savefuzz {

// Percent of generated requests that carry a storage fault, by default.
inline constexpr unsigned kDefaultIoFaultPercent = 5;

struct SavedFinding;

struct CampaignOptions {
  TargetSource target;
  std::optional<std::chrono::milliseconds> time;  // stop after this long
  std::optional<std::uint64_t> cases;             // or after this many cases
  std::uint64_t seed = 1;
  std::size_t max_steps = 40;      // longest generated scenario, set-up included
  std::filesystem::path findings_dir = "findings";
  bool keep_going = false;  // go on after a finding (until time or cases run out)
  bool shrink = true;
  bool controls = true;     // generate restart, crash, crash_during (and power_loss)
  // The fault steps to generate, as far as the target supports them (SPEC.md section 5).
  FaultMix faults{kDefaultIoFaultPercent, true, true};
  bool progress = true;     // a live line on a terminal, a periodic one otherwise
  ReuseOptions reuse;       // a target that resets runs case after case in one process
  double start_budget = kDefaultStartBudget;  // the largest share of time in process starts
  unsigned jobs = 1;        // workers, each with its own targets; cases are the same whatever this is
  unsigned reproduce = kDefaultReproduce;  // new-target replays of each finding before it is reported
  // A baseline (`--baseline`): a finding it knows is saved and listed apart, and the campaign goes
  // on looking for a new one; later failures with the same signature are counted, not shrunk again.
  std::function<bool(const SavedFinding&)> known;
  EventLog* events = nullptr;  // `--events`: a line per case and per finding
  // `--corpus-out`: passing cases that reach a feature key (events.h) no earlier case of the run
  // reached are saved there as scenario files, for `savefuzz corpus prune` to keep or drop.
  std::filesystem::path corpus_out;
};

struct SavedFinding {
  Finding finding;          // as seen on the shrunk scenario
  std::filesystem::path file;
  std::size_t original_steps = 0, shrunk_steps = 0, shrink_runs = 0, localize_runs = 0;
  std::uint64_t case_index = 0;
  double seconds_to_find = 0;  // wall time from the campaign's start to the first failure
  std::uint64_t requests_to_find = 0;
  std::string reproduce;
  std::size_t joined_cases = 0;  // reset-clean: how many cases the finding joins (else 0)
};

struct CampaignResult {
  std::uint64_t cases = 0;
  std::uint64_t requests = 0;
  Coverage coverage;
  std::vector<SavedFinding> findings;  // new ones (all of them without a baseline)
  std::vector<SavedFinding> known;     // those the baseline knows
  std::uint64_t known_repeats = 0;     // later failures like a known one, not shrunk
  std::uint64_t corpus_added = 0;      // cases saved to corpus_out
  double seconds = 0;
  bool interrupted = false;
  StartStats starts;               // process starts and resets over all workers
  double start_share = 0;          // of the cases' time, the part spent in starts
  std::uint64_t control_one_in = 1;  // the schedule at the end: control steps in 1 of N cases
  std::size_t max_steps = 0;         // and cases' length
  std::uint64_t unconfirmed = 0;     // findings on a reset target no new target showed again
  FaultSupport fault_support;        // what the target supports, probed at the start
  FaultMix faults;                   // what was generated: the options within that support
};

// A finding as the event stream and reports give it.
Json saved_finding_json(const SavedFinding& f, bool known);

// The run flags that generate `faults` again ("--io-faults 5 --no-power-loss"), for reproduce lines.
std::string fault_flags(const FaultMix& faults);

// One line per fault kind: how often each ran, and which never did (added to `missing`).
void print_fault_summary(std::ostream& out, const CampaignResult& r, std::vector<std::string>& missing);

// `program` is how to run savefuzz again (argv[0]); `stop` is raised by Ctrl-C.
CampaignResult run_campaign(const CampaignOptions& options, const std::string& program, std::ostream& out,
                            const std::atomic<bool>& stop);

void print_campaign_summary(std::ostream& out, const CampaignOptions& options, const CampaignResult& r);

// The seed a case's runner uses for its crash points: what `replay --seed` needs.
std::uint64_t case_seed(std::uint64_t seed, std::uint64_t case_index);

}  // namespace savefuzz
