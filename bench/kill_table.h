// The kill table: every mutant hunted by every engine over several seeds, savefuzz engines first,
// then the baselines with a budget scaled from how long the savefuzz engines took.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/measure.h"

namespace savefuzz::bench {

struct KillTableOptions {
  std::vector<std::string> mutants;  // default: the whole catalogue
  std::vector<Engine> engines;       // savefuzz engines and baselines to run
  unsigned seeds = 10;
  unsigned fuzz_seeds = 10;  // for the fuzzers, whose runs take minutes rather than seconds
  std::chrono::milliseconds budget{60'000};        // per property-engine run
  std::chrono::milliseconds fuzz_budget{600'000};  // per save_path_fuzzer run, of either build
  // A baseline's budget: `baseline_factor` times the slowest savefuzz run it is compared with,
  // kept within [baseline_min, baseline_cap] of the engine's own budget kind.
  double baseline_factor = 10;
  std::chrono::milliseconds baseline_min{5'000};
  std::chrono::milliseconds baseline_cap{60'000}, fuzz_baseline_cap{600'000};
  unsigned jobs = 1;  // measurements at once
  std::filesystem::path program;   // this benchmark's own binary, for `measure` workers
  Programs programs;
  std::filesystem::path work_dir;  // per-measurement folders and measurements.jsonl
  std::filesystem::path shortest_dir;  // bench/shortest: the shortest scenario per mutant
  std::filesystem::path manifest;      // corpus/mutants.json: the invariants a kill must name
  // Measurements of an earlier run, of the engine and mutant pairs this run does not measure:
  // their rows are made again beside the new ones (and a baseline run now is budgeted from the
  // kept runs it is compared with), so one engine can be measured again without the hours the
  // others take.
  std::vector<Measurement> kept;
  // That run's rows, shown as it wrote them: a row is the verdict of the classifier and manifest
  // of its day, which later changes to either must not rewrite.
  Json kept_rows = Json::array();
};

// The measurements of `table` (a kill table an earlier run wrote) whose engine is not among
// `engines` or whose mutant is not among `mutants`: what a run of those engines on those
// mutants leaves as it was. Throws on a malformed table.
std::vector<Measurement> kept_measurements(const Json& table, const std::vector<Engine>& engines,
                                           const std::vector<std::string>& mutants);

// Runs every measurement (appending each to work_dir/measurements.jsonl as it finishes) and
// returns the table: rows per mutant and engine with medians, worst cases and speed-ups.
Json run_kill_table(const KillTableOptions& options);

}  // namespace savefuzz::bench
