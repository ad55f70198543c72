// One measurement of the kill table: one engine hunting one mutant with one seed within a budget.
// The coordinator runs each in its own process (`savefuzz-bench measure`), so runs can go in
// parallel and a run that dies costs one cell, not the table.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "harness/core/op_table.h"  // Json

namespace savefuzz::bench {

// save_path_fuzzer comes in both fuzz builds (`-cov`: coverage only), each from an empty corpus or
// from the seeds (`-seeds`); plain libFuzzer is the baseline of each build. savefuzz_run is the
// in-process engine as a user starts it: `savefuzz run`, timed from its process's start like a
// fuzzer, without shrinking or new-target replays, as a fuzzer's oracle names a finding.
enum class Engine {
  in_process,
  subprocess,
  savefuzz_run,
  save_path_fuzzer,
  save_path_fuzzer_seeds,
  save_path_fuzzer_cov,
  save_path_fuzzer_cov_seeds,
  plain_rapidcheck,
  plain_save_path_fuzzer,
  plain_save_path_fuzzer_cov
};
inline constexpr Engine kAllEngines[] = {Engine::in_process,
                                         Engine::subprocess,
                                         Engine::savefuzz_run,
                                         Engine::save_path_fuzzer,
                                         Engine::save_path_fuzzer_seeds,
                                         Engine::save_path_fuzzer_cov,
                                         Engine::save_path_fuzzer_cov_seeds,
                                         Engine::plain_rapidcheck,
                                         Engine::plain_save_path_fuzzer,
                                         Engine::plain_save_path_fuzzer_cov};

std::string_view engine_name(Engine e);
std::optional<Engine> engine_from_name(std::string_view name);
std::string engine_names();  // every name, comma-separated, for help and errors
bool is_baseline(Engine e);
// Plain RapidCheck for the property engines, plain libFuzzer of the same build for a fuzzer.
Engine baseline_of(Engine e);
bool is_fuzzer(Engine e);
bool coverage_only(Engine e);  // a fuzzer of the fuzz-cov build

// Where the programs a measurement starts live.
struct Programs {
  std::filesystem::path server;        // records-server (release build)
  std::filesystem::path savefuzz;      // savefuzz, of the same build
  std::filesystem::path fuzz_bin;      // the fuzz preset's bin folder (ASan + UBSan)
  std::filesystem::path fuzz_cov_bin;  // the fuzz-cov preset's bin folder (coverage only)
  std::filesystem::path dict_dir;      // corpus/dict
  std::filesystem::path seeds_dir;     // corpus/seeds: the `-seeds` engines start from <seeds_dir>/save_path_fuzzer
};

// The program a fuzzer engine runs, in the bin folder of its build.
std::filesystem::path fuzzer_program(Engine e, const Programs& programs);

struct Task {
  Engine engine = Engine::in_process;
  std::string mutant;
  std::uint64_t seed = 1;
  std::chrono::milliseconds budget{0};
};

struct Measurement {
  explicit Measurement(Task t = {}) : task(std::move(t)) {}
  Task task;
  bool found = false;
  double seconds = 0;        // to the first failure; the budget when not found
  std::uint64_t steps = 0;   // requests and control steps (property engines) or executions (fuzzers)
  std::optional<std::size_t> original_steps, shrunk_steps;  // of the failing scenario, where the engine shrinks
  std::string invariant;     // the invariant the shrunk finding names
  std::optional<std::size_t> localize_runs;  // runs spent finding where it first showed
  std::optional<unsigned> reproduced;        // of the new-target replays (3), how many failed again
  std::string error;         // the measurement itself failed (never counted as found)
};

// Runs `task`, keeping its files under `work` (a fresh folder).
Measurement measure(const Task& task, const Programs& programs, const std::filesystem::path& work);

Json to_json(const Measurement& m);
Measurement measurement_from_json(const Json& j);  // throws on a malformed record

}  // namespace savefuzz::bench
