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

#include "harness/core/runner.h"
#include "harness/core/target.h"

namespace savefuzz {

struct CampaignOptions {
  TargetSource target;
  std::optional<std::chrono::milliseconds> time;  // stop after this long
  std::optional<std::uint64_t> cases;             // or after this many cases
  std::uint64_t seed = 1;
  std::size_t max_steps = 40;      // longest generated scenario, set-up included
  std::filesystem::path findings_dir = "findings";
  bool keep_going = false;  // go on after a finding (until time or cases run out)
  bool shrink = true;
  bool controls = true;     // generate restart, crash, crash_during
  bool progress = true;     // a live line on a terminal, a periodic one otherwise
};

struct SavedFinding {
  Finding finding;          // as seen on the shrunk scenario
  std::filesystem::path file;
  std::size_t original_steps = 0, shrunk_steps = 0, shrink_runs = 0;
  std::uint64_t case_index = 0;
  double seconds_to_find = 0;  // wall time from the campaign's start to the first failure
  std::uint64_t requests_to_find = 0;
  std::string reproduce;
};

struct CampaignResult {
  std::uint64_t cases = 0;
  std::uint64_t requests = 0;
  Coverage coverage;
  std::vector<SavedFinding> findings;
  double seconds = 0;
  bool interrupted = false;
};

// `program` is how to run savefuzz again (argv[0]); `stop` is raised by Ctrl-C.
CampaignResult run_campaign(const CampaignOptions& options, const std::string& program, std::ostream& out,
                            const std::atomic<bool>& stop);

void print_campaign_summary(std::ostream& out, const CampaignOptions& options, const CampaignResult& r);

struct Shrunk {
  Scenario scenario;
  Finding finding;  // as the shrunk scenario shows it
  std::size_t runs = 0;
};

// Shrinks `failing`, which fails with `finding` on `target`, while it keeps failing the same way
// (same invariant, same kind of step). `stop` returning true keeps the best so far.
Shrunk shrink_finding(const Scenario& failing, const Finding& finding, const TargetSource& target,
                      const RunnerOptions& runner, const std::function<bool()>& stop);

// The seed a case's runner uses for its crash points: what `replay --seed` needs.
std::uint64_t case_seed(std::uint64_t seed, std::uint64_t case_index);

}  // namespace savefuzz
