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

enum class Engine { in_process, subprocess, save_path_fuzzer, plain_rapidcheck, plain_save_path_fuzzer };
inline constexpr Engine kAllEngines[] = {Engine::in_process, Engine::subprocess, Engine::save_path_fuzzer,
                                         Engine::plain_rapidcheck, Engine::plain_save_path_fuzzer};

std::string_view engine_name(Engine e);
std::optional<Engine> engine_from_name(std::string_view name);
bool is_baseline(Engine e);
Engine baseline_of(Engine e);  // plain RapidCheck for the property engines, plain libFuzzer for the fuzzer
bool is_fuzzer(Engine e);

// Where the programs a measurement starts live.
struct Programs {
  std::filesystem::path server;    // records-server (release build)
  std::filesystem::path fuzz_bin;  // the fuzz preset's bin folder
  std::filesystem::path dict_dir;  // corpus/dict
};

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
