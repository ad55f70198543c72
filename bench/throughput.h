// Throughput, harness overhead and cost growth: how fast the harness drives a target, what the
// model and checks cost over a bare loop sending the same steps, and how both grow with scenario
// length and scope.
#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include "harness/core/op_table.h"  // Json
#include "harness/targets/target_options.h"

namespace savefuzz::bench {

struct ThroughputOptions {
  std::filesystem::path server;                  // records-server
  std::vector<std::filesystem::path> data_roots;  // where the targets' data directories go, each measured
  std::size_t scenarios = 200;                    // generated scenarios per round (40 steps at most each)
  std::size_t repeats = 5;                        // rounds; medians are reported
  std::size_t crash_cycles = 200;                 // save + crash + restart cycles per round
};

// Per data root: steps/s in-process and through records-server, each next to a bare loop of the
// same steps (in-process calls; raw pipe lines), and crash-and-restart cycles per second.
Json measure_throughput(const ThroughputOptions& options);

// Cycles of a save, a crash (SIGKILL or its in-process equivalent) and a restart with hello,
// per second.
double crash_cycle_rate(const TargetOptions& target, std::size_t n);

struct GrowthOptions {
  std::vector<std::size_t> lengths{10, 100, 1000, 10000};  // scenario steps, at `length_scope` appointments
  int length_scope = 4;
  std::vector<int> scopes{2, 20, 200};                     // appointments in the world, 1000 steps
  std::size_t scope_steps = 1000;
  std::filesystem::path data_root;
};

// Steps per second and the model's heap bytes at each length and each scope (in-process).
Json measure_growth(const GrowthOptions& options);

}  // namespace savefuzz::bench
