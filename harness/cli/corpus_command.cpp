// Corpus upkeep: merge through libFuzzer, prune by model features.
#include "harness/cli/corpus_command.h"

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "harness/cli/fuzz_command.h"
#include "harness/core/events.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/core/scenario.h"
#include "harness/core/status.h"

namespace savefuzz {
namespace {

namespace fs = std::filesystem;

std::size_t files_in(const fs::path& dir) {
  std::error_code ec;
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) n += e.is_regular_file();
  return n;
}

// The feature keys `file` reaches when it runs, or why it cannot say (it fails, or cannot run).
struct Reach {
  std::vector<std::string> keys;
  std::size_t steps = 0;
  std::string problem;  // empty when it passed
};

Reach reach_of(const fs::path& file, const TargetSource& source) {
  auto loaded = load_scenario(file);
  if (auto* bad = std::get_if<ScenarioError>(&loaded)) return {{}, 0, bad->message()};
  const Scenario& s = std::get<Scenario>(loaded);
  auto target = source.make(0);
  RunResult r = run_scenario(s, *target, RunnerOptions{true, 0, false, false});
  if (r.not_runnable) return {{}, s.steps.size(), "not runnable: " + *r.not_runnable};
  if (r.finding)
    return {{}, s.steps.size(), std::string("fails: ") + std::string(invariant_name(r.finding->invariant)) + " at " + r.finding->where};
  return {feature_keys(r.coverage), s.steps.size(), ""};
}

}  // namespace

std::pair<CLI::App*, CLI::App*> add_corpus_command(CLI::App& app, CorpusOptions& o) {
  CLI::App* corpus = app.add_subcommand(
      "corpus", "keep the corpus store small: merge a fuzzer's coverage corpus, prune property-engine cases");
  corpus->require_subcommand(1);
  corpus->add_option("--corpus-root", o.corpus_root, "the corpus store (default " + o.corpus_root.string() + ")");
  CLI::App* merge = corpus->add_subcommand(
      "merge",
      "minimize corpus/coverage/<fuzzer>/ with libFuzzer -merge=1, taking in --from folders (a fuzz run's corpus): "
      "what keeps every feature stays");
  merge->add_option("--fuzzer", o.fuzzers, "which fuzzers, repeatable (default: save_path_fuzzer protocol_fuzzer scenario_fuzzer)");
  merge->add_option("--from", o.from, "more inputs to merge in, repeatable (e.g. findings/fuzz/corpus/save_path_fuzzer)")
      ->check(CLI::ExistingDirectory);
  merge->add_option("--fuzzer-dir", o.fuzzer_dir, "where the fuzzers are (default: the coverage-only build, build/fuzz-cov/bin)");
  CLI::App* prune = corpus->add_subcommand(
      "prune",
      "replay property-engine scenarios (default corpus/property/) and keep the smallest that add a model feature "
      "(an op, answer, control, fault or save-path situation, or one more often) the regressions and the kept ones do "
      "not reach; corpus/regressions/ is read, never changed");
  prune->add_option("paths", o.paths, "folders of scenario files to prune (default corpus/property)");
  prune->add_flag("--dry-run", o.dry_run, "say what would be removed, remove nothing");
  add_target_options(*prune, o.target);
  corpus->footer(
      "Examples:\n"
      "  savefuzz corpus merge --from findings/fuzz/corpus/save_path_fuzzer\n"
      "  savefuzz corpus prune --dry-run");
  merge->footer("Example:\n  savefuzz corpus merge --fuzzer save_path_fuzzer --from findings/fuzz/corpus/save_path_fuzzer");
  prune->footer("Examples:\n  savefuzz corpus prune --dry-run\n  savefuzz corpus prune corpus/property --target records");
  return {merge, prune};
}

int run_corpus_merge(CorpusOptions o) {
  if (o.fuzzers.empty()) o.fuzzers = kDefaultFuzzers;
  if (o.fuzzer_dir.empty()) o.fuzzer_dir = default_fuzzer_dir(true);
  for (const auto& fuzzer : o.fuzzers) {
    fs::path bin = o.fuzzer_dir / fuzzer;
    if (!fs::exists(bin))
      throw SetupError("no fuzzer " + bin.string() +
                       ": build it with `cmake --preset fuzz-cov && cmake --build --preset fuzz-cov`, or give --fuzzer-dir");
    fs::path dest = o.corpus_root / "coverage" / fuzzer, merging = o.corpus_root / "coverage" / ("." + fuzzer + ".merging");
    fs::path log = o.corpus_root / "coverage" / ("." + fuzzer + ".merge.log");
    std::error_code ec;
    fs::create_directories(dest, ec);
    fs::remove_all(merging, ec);
    fs::create_directories(merging, ec);
    if (ec) throw SetupError("cannot create " + merging.string() + ": " + ec.message());
    std::size_t before = files_in(dest);
    std::vector<std::string> argv{bin.string(), "-merge=1", "-timeout=30", "-rss_limit_mb=2560", merging.string(), dest.string()};
    // As `savefuzz fuzz` runs the scenario fuzzers: what value profile found is kept.
    if (fuzzer == "save_path_fuzzer") argv.insert(argv.begin() + 1, "-use_value_profile=1");
    for (const auto& f : o.from) argv.push_back(f.string());
    // The in-process reference, no mutant: a planted bug would stop the merge at its first input.
    int code = run_logged(argv, target_environment({}), log, std::chrono::steady_clock::now() + std::chrono::hours(2));
    if (code != 0) {
      fs::remove_all(merging, ec);
      throw SetupError(fuzzer + " -merge=1 exited with status " + std::to_string(code) + "; see " + log.string() +
                       " (the corpus was left as it was)");
    }
    // The new corpus replaces the old one only once it is whole.
    fs::path old = o.corpus_root / "coverage" / ("." + fuzzer + ".old");
    fs::remove_all(old, ec);
    fs::rename(dest, old, ec);
    if (!ec) fs::rename(merging, dest, ec);
    if (ec) throw SetupError("cannot replace " + dest.string() + ": " + ec.message());
    fs::remove_all(old, ec);
    fs::remove(log, ec);
    std::cout << "MERGE: fuzzer=" << fuzzer << " before=" << before << " from=" << o.from.size() << " folder(s) after="
              << files_in(dest) << " corpus=" << dest.string() << "\n";
  }
  return 0;
}

int run_corpus_prune(CorpusOptions o) {
  if (o.target.builtin.empty() && o.target.command.empty()) o.target.builtin = "records";
  validate(o.target);
  hello_limits(o.target);  // else every file would fail, and be kept as failing
  TargetSource source = target_source(o.target);
  if (o.paths.empty()) o.paths.push_back(o.corpus_root / "property");

  // What the regressions reach is the floor: a case that adds nothing beyond them goes.
  std::set<std::string> covered;
  fs::path regressions = o.corpus_root / "regressions";
  std::size_t floor_files = 0;
  if (fs::is_directory(regressions))
    for (const auto& file : scenario_files(regressions)) {
      Reach r = reach_of(file, source);
      covered.insert(r.keys.begin(), r.keys.end());
      ++floor_files;
    }
  std::size_t floor = covered.size();

  struct Candidate {
    fs::path file;
    Reach reach;
  };
  std::vector<Candidate> candidates;
  for (const auto& dir : o.paths) {
    if (fs::weakly_canonical(dir) == fs::weakly_canonical(regressions))
      throw SetupError(dir.string() + " is the hand-kept regression corpus: prune never changes it");
    if (!fs::is_directory(dir)) throw SetupError("no folder " + dir.string());
    for (const auto& file : scenario_files(dir)) candidates.push_back({file, reach_of(file, source)});
  }
  // Smallest first: of two cases that add the same feature, the shorter one is kept.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.reach.steps < b.reach.steps; });
  std::size_t kept = 0, removed = 0, failing = 0;
  for (const auto& c : candidates) {
    if (!c.reach.problem.empty()) {
      // Never dropped: a file that fails or cannot be read is something to look at.
      std::cout << "savefuzz: kept " << c.file.string() << ": " << c.reach.problem << "\n";
      failing += c.reach.problem.rfind("fails:", 0) == 0;
      ++kept;
      continue;
    }
    std::size_t added = 0;
    for (const auto& key : c.reach.keys) added += covered.insert(key).second;
    if (added) {
      ++kept;
      continue;
    }
    ++removed;
    if (o.dry_run) {
      std::cout << "would remove " << c.file.string() << "\n";
    } else {
      std::error_code ec;
      fs::remove(c.file, ec);
      if (ec) throw SetupError("cannot remove " + c.file.string() + ": " + ec.message());
    }
  }
  std::cout << "PRUNE: scenarios=" << candidates.size() << " kept=" << kept << " removed=" << removed
            << (o.dry_run ? " (dry run)" : "") << " features=" << covered.size() << " from_regressions=" << floor
            << " regressions=" << floor_files << " failing=" << failing << "\n";
  return failing ? 1 : 0;
}

}  // namespace savefuzz
