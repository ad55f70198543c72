// The regression corpus: every mutant of the manifest is caught by its scenario with the
// invariant it names, in-process and through records-server, and so is its shortest scenario
// (bench/shortest/); the correct target passes them all.
#include <algorithm>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "harness/core/diagnose.h"
#include "harness/core/fuzz_input.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/core/session.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/fault_library.h"
#include "harness/targets/process_target.h"
#include "targets/records/mutants.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

const std::filesystem::path kCorpus = SAVEFUZZ_SOURCE_DIR "/corpus";
const std::filesystem::path kShortest = SAVEFUZZ_SOURCE_DIR "/bench/shortest";

// A mutant's name as a test name: GoogleTest allows letters, digits and '_'.
std::string test_name(std::string n) {
  std::replace(n.begin(), n.end(), '-', '_');
  return n;
}

struct Entry {
  std::string mutant;
  std::filesystem::path scenario;
  std::vector<std::string> invariants;
};

std::vector<Entry> manifest() {
  std::ifstream in(kCorpus / "mutants.json");
  Json j = Json::parse(in);
  std::vector<Entry> out;
  for (const auto& [name, e] : j.at("mutants").items())
    out.push_back({name, kCorpus / e.at("scenario").get<std::string>(), e.at("invariants").get<std::vector<std::string>>()});
  return out;
}

Scenario load(const std::filesystem::path& p) {
  auto r = load_scenario(p);
  if (auto* e = std::get_if<ScenarioError>(&r)) throw std::runtime_error(e->message());
  return std::get<Scenario>(r);
}

// Data directories kept for findings go here and are removed with it.
testing::TempDir& data_root() {
  static testing::TempDir dir;
  return dir;
}

std::unique_ptr<Target> target(bool subprocess, const std::string& mutant) {
  if (!subprocess)
    return std::make_unique<InProcessTarget>(InProcessOptions{*records::mutant_from_name(mutant), data_root().path()});
  ProcessOptions o;
  o.data_root = data_root().path();
  o.argv = {std::string(SAVEFUZZ_BIN_DIR) + "/records-server"};
  o.fault_library = default_fault_library();  // power loss, storage faults and exact crashes
  if (!mutant.empty()) o.argv.insert(o.argv.end(), {"--mutant", mutant});
  return std::make_unique<ProcessTarget>(o);
}

class MutantScenario : public ::testing::TestWithParam<std::tuple<std::string, bool>> {};

// The finding as a user sees it: localized, and named from the step it first shows after.
Finding diagnosed(const Scenario& s, const Finding& f, bool subprocess, const std::string& mutant) {
  TargetSource source{[&](std::uint64_t) { return target(subprocess, mutant); }, ""};
  return diagnose(s, f, source, {}, DiagnoseOptions{false, true, 0, {}, {}}).finding;
}

// `file` passes on the correct target and fails on `e`'s mutant with an invariant it names.
void expect_caught(const std::filesystem::path& file, const Entry& e, bool subprocess) {
  Scenario s = load(file);
  RunResult clean = run_scenario(s, *target(subprocess, ""), {});
  ASSERT_FALSE(clean.not_runnable) << file << ": " << *clean.not_runnable;
  EXPECT_FALSE(clean.finding) << file << " fails on the correct target: " << clean.finding->detail;
  RunResult r = run_scenario(s, *target(subprocess, e.mutant), {});
  ASSERT_TRUE(r.finding) << file << " misses " << e.mutant;
  Finding f = diagnosed(s, *r.finding, subprocess, e.mutant);
  std::string got(invariant_name(f.invariant));
  EXPECT_NE(std::find(e.invariants.begin(), e.invariants.end(), got), e.invariants.end())
      << file << " shows " << e.mutant << " as " << got << " at " << f.where << ", " << first_visible_text(f);
}

TEST_P(MutantScenario, FailsOnItsMutantWithTheExpectedInvariantAndPassesWithoutIt) {
  auto [mutant, subprocess] = GetParam();
  for (const Entry& e : manifest()) {
    if (e.mutant != mutant) continue;
    expect_caught(e.scenario, e, subprocess);
    // The benchmarks' "shortest possible length" (bench/shortest/) must really show the bug.
    expect_caught(kShortest / (mutant + ".json"), e, subprocess);
    return;
  }
  FAIL() << "corpus/mutants.json has no entry for " << mutant;
}

std::vector<std::tuple<std::string, bool>> cases() {
  std::vector<std::tuple<std::string, bool>> out;
  for (const auto& m : records::all_mutants())
    for (bool sub : {false, true}) out.emplace_back(std::string(m.name), sub);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Catalogue, MutantScenario, ::testing::ValuesIn(cases()), [](const auto& param_info) {
  const auto& p = param_info.param;
  return test_name(std::get<0>(p) + (std::get<1>(p) ? "_subprocess" : "_inprocess"));
});

// The save_path_fuzzer seeds are the regression scenarios encoded (`savefuzz encode`): each is
// current, and decodes to a scenario that catches its mutant the same way.
TEST(Corpus, EveryRegressionIsASaveFuzzerSeedThatDecodesToItsSteps) {
  for (const auto& f : scenario_files(kCorpus / "regressions")) {
    auto seed = kCorpus / "seeds" / "save_path_fuzzer" / (f.stem().string() + ".bin");
    std::ifstream in(seed, std::ios::binary);
    ASSERT_TRUE(in) << seed << " is missing: run savefuzz encode corpus/regressions --out corpus/seeds/save_path_fuzzer";
    std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_EQ(bytes, encode_scenario(load(f))) << seed << " is stale: encode it again";
  }
}

TEST(Corpus, DecodedSeedsCatchTheirMutantWithTheExpectedInvariant) {
  for (const Entry& e : manifest()) {
    Scenario s = decode_fuzz_file(kCorpus / "seeds" / "save_path_fuzzer" / (e.scenario.stem().string() + ".bin"), reference_limits());
    auto good = target(false, "");
    EXPECT_FALSE(run_scenario(s, *good, {}).finding) << e.scenario;
    auto bad = target(false, e.mutant);
    RunResult r = run_scenario(s, *bad, {});
    ASSERT_TRUE(r.finding) << "the decoded seed of " << e.scenario << " misses " << e.mutant;
    Finding f = diagnosed(s, *r.finding, false, e.mutant);
    std::string got(invariant_name(f.invariant));
    EXPECT_NE(std::find(e.invariants.begin(), e.invariants.end(), got), e.invariants.end())
        << e.mutant << " was reported as " << got << " at " << f.where;
  }
}

// A process that resets between scenarios must judge every one as a new process would: the
// regressions replayed on one records-server, reset in between, fail and pass exactly as they do
// with a new process each, and nothing is left unconfirmed. One test per mutant (and one for the
// correct target): together they replay the corpus about 50 times, too much for one test's time.
class ResetProcess : public ::testing::TestWithParam<std::string> {};

TEST_P(ResetProcess, RegressionsGiveTheSameVerdictsAsOnNewProcesses) {
  const std::string mutant = GetParam();
  auto files = scenario_files(kCorpus / "regressions");
  TargetSource source{[&](std::uint64_t) { return target(true, mutant); }, ""};
  std::vector<std::string> verdicts[2];
  StartStats stats[2];
  for (bool reset : {false, true}) {
    Session session(source, ReuseOptions{reset, kDefaultFreshEvery});
    for (const auto& f : files) {
      SessionRun r = session.run(load(f), RunnerOptions{});
      verdicts[reset].push_back(f.filename().string() + ": " +
                                (r.result.finding ? std::string(invariant_name(r.result.finding->invariant)) : "pass"));
    }
    stats[reset] = session.stats();
    EXPECT_EQ(session.unconfirmed(), 0u);
  }
  EXPECT_EQ(verdicts[1], verdicts[0]);
  EXPECT_EQ(stats[0].resets, 0u);
  // A process is reset after every file that passes (a finding retires it), but the last.
  bool one_passed = std::any_of(verdicts[0].begin(), verdicts[0].end() - 1,
                                [](const std::string& v) { return v.ends_with(": pass"); });
  if (!one_passed) return;
  EXPECT_GT(stats[1].resets, 0u) << "the reused process was never reset";
  EXPECT_LT(stats[1].starts, stats[0].starts);
}

std::vector<std::string> correct_and_mutants() {
  std::vector<std::string> out{""};
  for (const auto& m : records::all_mutants()) out.emplace_back(m.name);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, ResetProcess, ::testing::ValuesIn(correct_and_mutants()), [](const auto& param_info) {
  return test_name(param_info.param.empty() ? "correct" : param_info.param);
});

TEST(Corpus, EveryRegressionScenarioLoadsAndHasADescription) {
  auto files = scenario_files(kCorpus / "regressions");
  EXPECT_GE(files.size(), 12u);
  for (const auto& f : files) EXPECT_FALSE(load(f).description.empty()) << f;
}

}  // namespace
}  // namespace savefuzz

namespace savefuzz {
namespace {

// corpus/seeds/make_seeds.py writes the dictionaries from its own lists: a new op or key must be
// added there too (docs/architecture.md), or the fuzzers never get its name as a token.
TEST(Corpus, EveryDictionaryNamesEveryOpAndEveryKey) {
  for (const char* dict : {"save_path_fuzzer.dict", "protocol_fuzzer.dict", "scenario_fuzzer.dict"}) {
    std::ifstream in(kCorpus / "dict" / dict);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    ASSERT_FALSE(text.empty()) << dict;
    for (const OpSpec& row : all_ops())
      EXPECT_NE(text.find("\\\"" + std::string(op_name(row.op)) + "\\\""), std::string::npos) << dict << " lacks op " << op_name(row.op);
    for (std::size_t k = 0; k < kKeyCount; ++k) {
      std::string key(key_name(static_cast<Key>(k)));
      EXPECT_NE(text.find("\\\"" + key + "\\\":"), std::string::npos) << dict << " lacks key " << key;
    }
  }
}

}  // namespace
}  // namespace savefuzz
