// `savefuzz corpus merge|prune`: upkeep of the corpus store. corpus/regressions/ is hand-kept and
// never rewritten; corpus/coverage/<fuzzer>/ is the coverage corpus fuzzing grows, minimized by
// merge (libFuzzer -merge=1); corpus/property/ holds property-engine cases (`run --corpus-out`),
// pruned to those that add a feature the regressions and the smaller kept cases do not reach.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/cli/target_flags.h"

namespace savefuzz {

struct CorpusOptions {
  std::filesystem::path corpus_root = "corpus";
  // merge
  std::vector<std::string> fuzzers;          // default: the three fuzzers
  std::vector<std::filesystem::path> from;   // more inputs to merge in (a fuzz run's corpus folder)
  std::filesystem::path fuzzer_dir;          // default: the coverage-only build's
  // prune
  std::vector<std::filesystem::path> paths;  // default: corpus/property
  bool dry_run = false;
  TargetOptions target;                      // what the scenarios run against (default: in-process records)
};

// Adds `corpus` with its two subcommands; returns the merge and prune commands.
std::pair<CLI::App*, CLI::App*> add_corpus_command(CLI::App& app, CorpusOptions& options);

// Exit code: 0 done, 1 prune found a scenario that fails (kept, and named), 2 usage or set-up error.
int run_corpus_merge(CorpusOptions options);
int run_corpus_prune(CorpusOptions options);

}  // namespace savefuzz
