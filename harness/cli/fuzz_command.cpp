// savefuzz fuzz: libFuzzer for each fuzzer in turn (one process, or fork mode for several jobs
// or to go on after a crash), its output in a log; then every new crash input is decoded,
// replayed, shrunk and saved as a scenario file, or reported with the command that reruns it.
#include "harness/cli/fuzz_command.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <set>

#include <unistd.h>

#include "harness/cli/interrupt.h"
#include "harness/cli/target_flags.h"
#include "harness/core/campaign.h"
#include "harness/core/duration.h"
#include "harness/core/findings.h"
#include "harness/core/fuzz_input.h"
#include "harness/core/progress_line.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/core/diagnose.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/subprocess.h"

namespace savefuzz {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

const std::set<std::string> kKnownFuzzers{"save_path_fuzzer", "protocol_fuzzer", "scenario_fuzzer",
                                          "plain_save_path_fuzzer"};
// The fuzzers that run scenarios against a target (fuzz_oracle.h), and take their target from
// their environment; the others fuzz a parser.
bool scenario_fuzzer(const std::string& fuzzer) {
  return fuzzer == "save_path_fuzzer" || fuzzer == "plain_save_path_fuzzer";
}
const std::vector<std::string> kArtifactPrefixes{"crash-", "timeout-", "oom-", "leak-"};

const std::atomic<bool>* g_stop = nullptr;  // raised by Ctrl-C
bool interrupted() { return g_stop && g_stop->load(); }

}  // namespace

fs::path default_fuzzer_dir(bool coverage_only) {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec).parent_path();
  fs::path build = self / ".." / ".." / (coverage_only ? "fuzz-cov" : "fuzz") / "bin";
  if (!ec && fs::exists(build / "save_path_fuzzer", ec)) return build;
  if (!ec && fs::exists(self / "save_path_fuzzer", ec)) return self;
  return build;
}

namespace {

std::set<fs::path> artifacts_in(const fs::path& dir) {
  std::set<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    for (const auto& p : kArtifactPrefixes)
      if (name.rfind(p, 0) == 0 && e.path().extension() != ".json") out.insert(e.path());
  }
  return out;
}

// What libFuzzer's log says of a run, read from its last `last_bytes` (a night's log grows to
// megabytes): the executions it counted (its final stats in one process, printed at a crash too;
// in fork mode, where only the jobs print those, its last status line), and the features and
// corpus of its last status line ("#RUNS ... ft: F corp: C ..." in one process and in fork mode
// alike).
struct FuzzStatus {
  std::string runs = "?", features = "?", corpus = "?";
};
FuzzStatus read_status(const fs::path& log, std::streamoff last_bytes) {
  static const std::string kFinal = "stat::number_of_executed_units:";
  std::ifstream in(log, std::ios::binary | std::ios::ate);
  in.seekg(std::max<std::streamoff>(0, static_cast<std::streamoff>(in.tellg()) - last_bytes));
  FuzzStatus s;
  std::string final_runs;
  for (std::string line; std::getline(in, line);) {
    auto number_after = [&](const std::string& key) -> std::string {
      auto at = line.find(key);
      if (at == std::string::npos) return "?";
      at = line.find_first_of("0123456789", at + key.size());
      return at == std::string::npos ? "?" : line.substr(at, line.find_first_not_of("0123456789", at) - at);
    };
    if (line.rfind(kFinal, 0) == 0) final_runs = number_after(kFinal);
    else if (line.rfind('#', 0) == 0 && line.find(" ft: ") != std::string::npos)
      s = {number_after("#"), number_after(" ft: "), number_after(" corp: ")};
  }
  if (!final_runs.empty()) s.runs = final_runs;
  return s;
}

// The summary's executions, and executions per second over `seconds` of wall time: in fork mode
// that sums every job (libFuzzer's own exec/s there is not).
std::string log_stats(const fs::path& log, double seconds) {
  std::string runs = read_status(log, std::numeric_limits<std::streamoff>::max()).runs;
  if (runs == "?") return "runs=? exec_per_sec=?";
  long rate = seconds > 0 ? static_cast<long>(std::stod(runs) / seconds) : 0;
  return "runs=" + runs + " exec_per_sec=" + std::to_string(rate);
}

std::string tail(const fs::path& log, std::size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string l; std::getline(in, l);) all.push_back(l);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) out += "    | " + all[i] + "\n";
  return out;
}

// libFuzzer only warns about a flag it does not know (a typo, `--` for `-`) and fuzzes on, and it
// reads a number up to its first non-digit: -rss_limit_mb=2g is 2 MB, -max_total_time=8h is 8 s.
// A night's run could go without what its user asked for, so every --libfuzzer-flag of the form
// -name=value must name a flag the fuzzer's -help=1 lists, and libFuzzer must read its value as
// given. One run of the fuzzer tells both: with -verbosity=2 before each flag, libFuzzer prints
// "Flag: verbosity 2" and then "Flag: name value" as it reads the flag, then -help=1 lists its
// flags and exits.
void check_libfuzzer_flags(const fs::path& fuzzer, const std::vector<std::string>& flags, const fs::path& work_dir) {
  auto whole_number = [](const std::string& text) -> std::optional<long long> {
    long long v = 0;
    auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (err != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
  };
  struct Flag {
    std::string text, name, value;
  };
  std::vector<Flag> checked;  // in the order they are passed; verbosity is checked here alone
  for (const auto& flag : flags) {
    if (flag.empty() || flag[0] != '-') continue;  // an input or corpus folder, which libFuzzer takes as is
    auto eq = flag.find('=');
    if (eq == std::string::npos)
      throw SetupError("--libfuzzer-flag " + flag + ": libFuzzer flags take the form -name=value");
    Flag f{flag, flag.substr(1, eq - 1), flag.substr(eq + 1)};
    if (f.name != "verbosity") checked.push_back(f);
    else if (!whole_number(f.value)) throw SetupError("--libfuzzer-flag " + flag + ": give verbosity a whole number");
  }
  fs::path help = work_dir / ".libfuzzer-help.log";
  std::error_code ec;
  fs::remove(help, ec);
  std::vector<std::string> argv{fuzzer.string()};
  for (const auto& f : checked) argv.insert(argv.end(), {"-verbosity=2", f.text});
  argv.push_back("-help=1");
  run_logged(argv, target_environment({}), help, Clock::now() + std::chrono::seconds(30));
  std::set<std::string> known;
  std::vector<std::optional<std::string>> read;  // after each -verbosity=2: the line of the flag that follows it
  std::ifstream in(help);
  for (std::string line; std::getline(in, line);) {
    if (line == "Flag: verbosity 2") read.emplace_back();
    else if (line.rfind("Flag: ", 0) == 0 && !read.empty() && !read.back()) read.back() = line.substr(6);
    else if (line.size() >= 2 && line[0] == ' ' && line[1] != ' ')
      known.insert(line.substr(1, line.find_first_of(" \t", 1) - 1));  // " name<spaces><tab>default<tab>what"
  }
  in.close();
  std::string out = tail(help, 4);
  fs::remove(help, ec);
  auto fail = [&](const Flag& f, const std::string& why) {
    throw SetupError("--libfuzzer-flag " + f.text + ": " + why + " (" + fuzzer.filename().string() + " -help=1 lists the flags)");
  };
  if (known.empty()) {
    // No help: a binary that is no libFuzzer (it read no flag), or one stopped at a flag it could
    // not read (std::stoul throws at -seed=abc), the first without a line.
    for (std::size_t i = 0; i < read.size() && i < checked.size(); ++i)
      if (!read[i])
        throw SetupError("--libfuzzer-flag " + checked[i].text + ": libFuzzer could not read '" + checked[i].value +
                         "'; it stopped with:\n" + out);
    throw SetupError(fuzzer.string() + " -help=1 listed no flags: is it a libFuzzer binary?\n" + out);
  }
  read.resize(checked.size());
  for (std::size_t i = 0; i < checked.size(); ++i) {
    const Flag& f = checked[i];
    const std::optional<std::string>& line = read[i];
    if (!known.count(f.name)) fail(f, "libFuzzer has no flag '" + f.name + "'");
    if (!line) fail(f, "libFuzzer did not read it");
    if (*line == f.name + ": deprecated, don't use") fail(f, "libFuzzer ignores '" + f.name + "', a deprecated flag");
    std::string got = line->substr(std::min(line->size(), f.name.size() + 1));
    if (got == f.value) continue;
    auto as_given = whole_number(f.value);
    if (!as_given || whole_number(got) != as_given)
      fail(f, "libFuzzer reads '" + f.value + "' as " + got + "; give it a whole number" + (as_given ? " it can hold" : ""));
  }
}

class FuzzSession {
 public:
  // `source`: the target of o.target, validated (the fuzzers get o.target as given, through their
  // environment, and fill in its defaults as savefuzz did); `limits`: its hello's.
  FuzzSession(const FuzzOptions& o, TargetSource source, const Limits& limits, const std::string& program,
              const SarifOutput& sarif, EventLog* events)
      : o_(o), limits_(limits), program_(program), sarif_(sarif), events_(events), source_(std::move(source)) {}

  // Every finding so far, as SARIF sees them.
  const std::vector<SarifFinding>& findings() const { return found_; }
  // Each fuzzer's run: what its SUMMARY line says.
  const Json& runs() const { return runs_; }

  // Runs one fuzzer for `share`; returns how many new findings (unknown to the baseline) it made.
  std::size_t run(const std::string& fuzzer, std::chrono::milliseconds share) {
    fs::path bin = o_.fuzzer_dir / fuzzer, corpus = o_.work_dir / "corpus" / fuzzer,
             artifacts = o_.work_dir / "artifacts" / fuzzer, log = o_.work_dir / (fuzzer + ".log");
    fs::create_directories(corpus);
    fs::create_directories(artifacts);
    auto before = artifacts_in(artifacts);
    long secs_total = std::max<long>(1, static_cast<long>(share.count() / 1000));
    std::vector<std::string> argv{bin.string(), "-max_total_time=" + std::to_string(secs_total), "-timeout=30",
                                  "-rss_limit_mb=2560", "-artifact_prefix=" + artifacts.string() + "/"};
    // Fork mode for several jobs, and for one that goes on after a crash (the job restarts).
    // Otherwise one process: a fork-mode job starts from a few of the corpus's inputs, finds
    // again what the corpus had, and its parent runs each new input once more to merge it: one
    // job ran three fifths of the inputs per second one process did (bench/results/fuzz.md).
    if (o_.jobs > 1 || o_.keep_going) argv.push_back("-fork=" + std::to_string(o_.jobs));
    else argv.push_back("-print_final_stats=1");
    if (o_.keep_going) argv.insert(argv.end(), {"-ignore_crashes=1", "-ignore_timeouts=1", "-ignore_ooms=1"});
    auto search = search_flags(fuzzer, o_.corpus_root / "dict", o_.value_profile);
    argv.insert(argv.end(), search.begin(), search.end());
    argv.insert(argv.end(), o_.libfuzzer_flags.begin(), o_.libfuzzer_flags.end());  // a later flag wins
    argv.push_back(corpus.string());
    fs::path seeds = o_.corpus_root / "seeds" / fuzzer;
    if (o_.seeds && fuzzer != "plain_save_path_fuzzer" && fs::is_directory(seeds)) argv.push_back(seeds.string());
    // The coverage corpus earlier runs grew (`savefuzz corpus merge` keeps it minimal): read, never written.
    fs::path grown = o_.corpus_root / "coverage" / fuzzer;
    if (o_.seeds && fuzzer != "plain_save_path_fuzzer" && fs::is_directory(grown)) argv.push_back(grown.string());

    std::cout << "savefuzz: fuzzing with " << fuzzer << " (" << (o_.coverage_only ? "coverage-only" : "sanitizer")
              << " build) for " << secs_total << "s, " << o_.jobs << " job(s); log "
              << log.string() << std::endl;
    std::ofstream(log, std::ios::trunc) << "$";
    for (const auto& a : argv) std::ofstream(log, std::ios::app) << " " << a;
    std::ofstream(log, std::ios::app) << "\n";
    auto t0 = Clock::now();
    ProgressLine progress(std::cout, o_.progress);
    auto show_progress = [&] {
      if (!progress.due()) return;
      FuzzStatus st = read_status(log, 65536);
      auto secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count();
      std::size_t crashes = 0;
      for (const auto& a : artifacts_in(artifacts)) crashes += !before.count(a);
      long rate = secs > 0 ? std::strtol(st.runs.c_str(), nullptr, 10) / secs : 0;
      progress.show(fuzzer + " | runs " + st.runs + " (" + std::to_string(rate) + "/s) | " + std::to_string(secs) + "s of " +
                    std::to_string(secs_total) + "s | features " + st.features + " | corpus " + st.corpus +
                    " | crash inputs " + std::to_string(crashes));
    };
    // What the scenario fuzzers' processes append as they go (fuzz_oracle.cpp): their findings'
    // reports, and a program's starts.
    bool scenarios = scenario_fuzzer(fuzzer), program = scenarios && !o_.target.command.empty();
    TargetEnvironment env = target_environment(scenarios ? o_.target : TargetOptions{});
    fs::path starts = o_.work_dir / (fuzzer + ".starts");
    std::error_code ec;
    fs::remove(starts, ec);
    fs::remove(finding_log(fuzzer), ec);
    if (scenarios) env.set["SAVEFUZZ_FINDING_LOG"] = finding_log(fuzzer).string();
    if (program) env.set["SAVEFUZZ_START_STATS"] = starts.string();
    int code = run_logged(argv, env, log, Clock::now() + share + std::chrono::minutes(2), show_progress);
    progress.clear();
    // Executions per second over the fuzzing alone: replaying and shrinking the finds come after.
    double fuzz_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    std::string stats = log_stats(log, fuzz_seconds);
    if (program) report_starts(starts, fuzz_seconds * o_.jobs);

    std::vector<fs::path> found;
    for (const auto& a : artifacts_in(artifacts))
      if (!before.count(a)) found.push_back(a);
    if (code != 0 && found.empty() && !interrupted())
      throw SetupError(fuzzer + " exited with status " + std::to_string(code) + " and no crash input; the end of " +
                       log.string() + ":\n" + tail(log, 15));
    std::size_t findings = 0, fresh = 0;
    for (const auto& a : found) {
      std::size_t n = fuzzer == "save_path_fuzzer" ? report_scenario(a) : report_input(fuzzer, bin, a);
      findings += n;
      if (n && !sarif_.known(found_.back())) ++fresh;
    }
    auto took = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - t0).count();
    runs_.push_back({{"fuzzer", fuzzer}, {"seconds", took}, {"jobs", o_.jobs}, {"stats", stats},
                     {"crash_inputs", found.size()}, {"findings", findings}, {"corpus", corpus.string()}});
    std::cout << "SUMMARY: fuzzer=" << fuzzer << " seconds=" << took << " jobs=" << o_.jobs << " "
              << stats
              << " crash_inputs=" << found.size() << " findings=" << findings << " corpus=" << corpus.string() << "\n";
    return fresh;
  }

 private:
  // A save_path_fuzzer input: decode, replay, shrink, save. Inputs that fail the way an earlier
  // one did are counted, not saved again.
  std::size_t report_scenario(const fs::path& input) {
    Scenario s = decode_fuzz_file(input, limits_);
    RunnerOptions runner{true, 0};
    auto target = source_.make(0);
    RunResult r = run_scenario(s, *target, runner);
    if (!r.finding) {
      std::cout << "savefuzz: " << input.string() << " decodes to a scenario that passes: the fuzzer process itself "
                << "failed (sanitizer report, timeout, out of memory), the finding depends on timing, or the fuzzer "
                << "and savefuzz come from different builds\n";
      if (fs::exists(finding_log("save_path_fuzzer")))
        std::cout << "savefuzz: what the fuzzer processes reported of their findings, fork mode's jobs included, is in "
                  << finding_log("save_path_fuzzer").string() << "; its end:\n"
                  << tail(finding_log("save_path_fuzzer"), 12);
      return report_input("save_path_fuzzer", o_.fuzzer_dir / "save_path_fuzzer", input);
    }
    Signature sig{r.finding->invariant, step_kind_of(r.finding->request)};
    if (std::find(seen_.begin(), seen_.end(), sig) != seen_.end()) {
      std::cout << "savefuzz: " << input.string() << " fails like an earlier input (" << invariant_name(sig.invariant)
                << ")\n";
      discard_data(r.finding->data_dir);
      return 0;
    }
    seen_.push_back(sig);
    Diagnosis d = diagnose(s, *r.finding, source_, runner, {o_.shrink, true, o_.reproduce, {}, [] { return interrupted(); }});
    // Localizing can name another invariant than the raw run did (a lost save first seen by the
    // sweep becomes the share invariant at the step that lost it): two inputs of one bug then
    // meet only here.
    if (Signature diagnosed = signature_of(d.finding); diagnosed != sig) {
      if (std::find(seen_.begin(), seen_.end(), diagnosed) != seen_.end()) {
        std::cout << "savefuzz: " << input.string() << " fails like an earlier input once localized ("
                  << invariant_name(diagnosed.invariant) << ")\n";
        discard_data(d.finding.data_dir);
        return 0;
      }
      seen_.push_back(diagnosed);
    }
    Scenario best = std::move(d.scenario);
    const Finding& finding = d.finding;
    std::string stem = std::string(invariant_name(finding.invariant)) + "-" + input.filename().string();
    ReplayCommand replay{program_, source_.flags};
    fs::path file = save_finding(o_.findings_dir,
                                 {std::move(best), finding, stem, "save_path_fuzzer (input " + input.string() + ")",
                                  s.steps.size(), d.shrink_runs, d.localize_runs, replay},
                                 std::cout);
    found_.push_back(sarif_finding(finding, file.string(), replay.for_file(file.string())));
    found_.back().properties["fuzzer_input"] = input.string();
    if (events_) {
      Json e = finding_event(finding, file.string(), replay.for_file(file.string()));
      e["fuzzer_input"] = input.string();
      events_->finding(e);
    }
    return 1;
  }

  // Where the scenario fuzzers append the report of each finding (fuzz_oracle.cpp).
  fs::path finding_log(const std::string& fuzzer) const { return o_.work_dir / (fuzzer + ".findings.log"); }

  // What the fuzzer processes' targets counted (fuzz_oracle.cpp): how often the program started,
  // and the share of the fuzzing's process time (`process_seconds`) that took.
  static void report_starts(const fs::path& file, double process_seconds) {
    StartStats sum;
    std::ifstream in(file);
    std::string w1, w2, w3;
    for (StartStats one; in >> w1 >> one.starts >> w2 >> one.seconds >> w3 >> one.resets; one = {}) sum.add(one);
    if (sum.starts == 0 && sum.resets == 0) return;
    char line[160];
    std::snprintf(line, sizeof line, "savefuzz: the program started %llu times (%.0f ms each, %.0f%% of the fuzzing's time), reset in place %llu times\n",
                  static_cast<unsigned long long>(sum.starts), sum.starts ? 1000 * sum.seconds / sum.starts : 0.0,
                  process_seconds > 0 ? 100 * sum.seconds / process_seconds : 0.0, static_cast<unsigned long long>(sum.resets));
    std::cout << line;
  }

  // An input that crashed the fuzzer process itself (sanitizer report, abort, timeout).
  std::size_t report_input(const std::string& fuzzer, const fs::path& bin, const fs::path& input) {
    std::string reproduce = (scenario_fuzzer(fuzzer) ? target_environment(o_.target).prefix() : "") + bin.string() + " " + input.string();
    std::cout << "savefuzz: FINDING fuzzer=" << fuzzer << " input=" << input.string() << "\n"
              << "  reproduce: " << reproduce << "\n";
    SarifFinding f{std::nullopt, input.string(), 0,
                   fuzzer + " failed on this input (a sanitizer report, an abort, a timeout or out of memory: see " +
                       (o_.work_dir / (fuzzer + ".log")).string() + "). Reproduce: " + reproduce,
                   reproduce};
    f.properties["fuzzer"] = fuzzer;
    if (events_) events_->finding({{"fuzzer", fuzzer}, {"input", input.string()}, {"detail", f.message}, {"reproduce", reproduce}});
    found_.push_back(std::move(f));
    return 1;
  }

  const FuzzOptions& o_;
  Limits limits_;  // the target's, which the fuzzers decoded their inputs with
  std::string program_;
  const SarifOutput& sarif_;
  EventLog* events_;
  std::vector<SarifFinding> found_;
  Json runs_ = Json::array();
  TargetSource source_;
  std::vector<Signature> seen_;
};

}  // namespace

std::vector<std::string> search_flags(const std::string& fuzzer, const fs::path& dict_dir, bool value_profile) {
  std::vector<std::string> flags;
  fs::path dict = dict_dir / (fuzzer + ".dict");
  if (fuzzer != "plain_save_path_fuzzer" && fs::exists(dict)) flags.push_back("-dict=" + dict.string());
  if (!scenario_fuzzer(fuzzer)) return flags;
  // The save path's comparisons (a text length against a threshold, a version against a count)
  // become features as their operands get closer: how the fuzzer reaches a rare combination.
  if (value_profile) flags.push_back("-use_value_profile=1");
  // The entropic schedule searches its list of rare features once per rare feature of every
  // execution, and for each new feature walks every input: left at its default it keeps every
  // feature seen fewer than 255 times, a list that grows with the corpus (value profile adds
  // many). Pruned of features seen more than twice rather than 16 times, the seeds load with a
  // fifth less CPU and the first second, when most mutants are found, runs about a third more
  // inputs: ten of the twelve original mutants were found sooner (bench/results/fuzz.md).
  flags.push_back("-entropic_feature_frequency_threshold=2");
  return flags;
}

// Ctrl-C reaches the child through the terminal; libFuzzer then finishes its unit and exits, and
// we wait for it.
int run_logged(const std::vector<std::string>& argv, const TargetEnvironment& env, const fs::path& log,
               Clock::time_point deadline, const std::function<void()>& tick) {
  SubprocessOptions o{argv, env.set, env.unset, log};
  Subprocess fuzzer(o);
  std::optional<ExitStatus> status;
  bool terminated = false;
  // The wait wakes when the fuzzer exits (a finding is timed to the millisecond), and ten times a
  // second to hold the deadline.
  while (!(status = fuzzer.wait_until(Clock::now() + std::chrono::milliseconds(100)))) {
    if (tick) tick();
    auto now = Clock::now();
    if (!terminated && now > deadline) {
      fuzzer.terminate();
      terminated = true;
    } else if (terminated && now > deadline + std::chrono::seconds(10)) {
      status = fuzzer.kill();
      break;
    }
  }
  return status->code ? *status->code : 128 + status->signal.value_or(0);
}

CLI::App* add_fuzz_command(CLI::App& app, FuzzOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "fuzz", "run the libFuzzer entry points (fuzz preset) and turn what they find into scenario files");
  add_duration_option(*cmd, "--time", o.time,
                      "in all, shared evenly by the fuzzers (default " + format_duration(kDefaultFuzzTime) + ")");
  cmd->add_option("--jobs", o.jobs, "parallel fuzzing processes per fuzzer (libFuzzer -fork=N; one job without --keep-going is one process); the summary's exec_per_sec sums them")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  cmd->add_option("--fuzzer", o.fuzzers,
                  "which fuzzers, repeatable (default: save_path_fuzzer protocol_fuzzer scenario_fuzzer; "
                  "plain_save_path_fuzzer is the benchmark baseline)");
  cmd->add_flag("--coverage-only", o.coverage_only,
                "run the coverage-only fuzzers (fuzz-cov preset: no sanitizers, several times faster) rather than "
                "the ASan + UBSan ones (fuzz preset), which also catch memory errors of a C++ save path");
  cmd->add_option("--fuzzer-dir", o.fuzzer_dir,
                  "where the fuzzers are (default: build/fuzz/bin, or build/fuzz-cov/bin with --coverage-only)");
  cmd->add_flag("!--no-value-profile", o.value_profile,
                "without libFuzzer's -use_value_profile=1 for the scenario fuzzers (on by default: comparisons in "
                "the save path guide the search)");
  cmd->add_option("--corpus-root", o.corpus_root,
                  "seeds/<fuzzer>/, coverage/<fuzzer>/ (the grown corpus) and dict/<fuzzer>.dict under it (default " +
                      o.corpus_root.string() + ")");
  cmd->add_option("--work-dir", o.work_dir, "growing corpora, crash inputs and logs (default " + o.work_dir.string() + ")");
  cmd->add_option("--findings", o.findings_dir, "folder for finding scenario files (default " + o.findings_dir.string() + ")");
  add_target_options(*cmd, o.target);
  cmd->add_option("--libfuzzer-flag", o.libfuzzer_flags, "passed to libFuzzer as is, repeatable (e.g. -max_len=65536); one the fuzzer's -help=1 does not list, or a value libFuzzer would not read as given (2g for a number), is an error");
  cmd->add_flag("--keep-going", o.keep_going, "go on after a finding until --time runs out (nightly runs)");
  cmd->add_flag("!--no-seeds", o.seeds, "start from the working corpus alone, not corpus/seeds/");
  cmd->add_flag("!--no-shrink", o.shrink, "save findings as decoded, without shrinking");
  cmd->add_flag("!--no-progress", o.progress,
                "no progress line (runs, their rate, features, corpus, crash inputs: live on a terminal, every 10 s in a log)");
  add_reproduce_option(*cmd, o.reproduce);
  add_sarif_options(*cmd, o.sarif);
  add_event_options(*cmd, o.events);
  cmd->footer(
      "Examples (build the fuzzers first: cmake --preset fuzz-cov && cmake --build --preset fuzz-cov):\n"
      "  savefuzz fuzz --coverage-only --time 2m --mutant share-skips-save --report-html fuzz.html\n"
      "  savefuzz fuzz --fuzzer save_path_fuzzer --jobs 8 --time 8h --keep-going   # with ASan + UBSan (fuzz preset)\n"
      "  savefuzz fuzz --coverage-only --target-cmd 'python3 my_target.py' --time 1h   # any protocol program\n"
      "With --target-cmd, save_path_fuzzer tests that program (the parser fuzzers have nothing to send it).\n"
      "libFuzzer sees no edge of a program: the decoder's choices, which follow the state the steps built,\n"
      "guide it.\n"
      "Exit codes: 0 nothing found, 1 a finding, 2 usage or set-up error.");
  return cmd;
}

int run_fuzz(FuzzOptions o, const std::string& program) {
  if (o.target.builtin.empty() && o.target.command.empty()) o.target.builtin = "records";
  TargetOptions checked = o.target;
  validate(checked);
  // protocol_fuzzer and scenario_fuzzer fuzz the reference target's request parser and savefuzz's
  // scenario parser, in their own process: they have nothing to send to a program.
  bool program_target = !o.target.command.empty();
  if (o.fuzzers.empty()) o.fuzzers = program_target ? std::vector<std::string>{"save_path_fuzzer"} : kDefaultFuzzers;
  if (o.fuzzer_dir.empty()) o.fuzzer_dir = default_fuzzer_dir(o.coverage_only);
  std::chrono::milliseconds time = o.time.value_or(kDefaultFuzzTime);
  const std::string preset = o.coverage_only ? "fuzz-cov" : "fuzz";
  for (const auto& f : o.fuzzers) {
    if (!kKnownFuzzers.count(f)) throw SetupError("unknown fuzzer '" + f + "' (save_path_fuzzer, protocol_fuzzer, scenario_fuzzer, plain_save_path_fuzzer)");
    if (program_target && !scenario_fuzzer(f))
      throw SetupError("--fuzzer " + f + " fuzzes a parser in its own process and sends nothing to --target-cmd: " +
                       "with a program, run save_path_fuzzer (the default) or plain_save_path_fuzzer");
    if (::access((o.fuzzer_dir / f).c_str(), X_OK) != 0)
      throw SetupError("no fuzzer " + (o.fuzzer_dir / f).string() + ": build them with `cmake --preset " + preset +
                       " && cmake --build --preset " + preset + "`, or give --fuzzer-dir");
  }
  std::error_code ec;
  fs::create_directories(o.work_dir, ec);
  fs::create_directories(o.findings_dir, ec);
  if (ec) throw SetupError("cannot create " + o.work_dir.string() + " or " + o.findings_dir.string() + ": " + ec.message());
  if (!o.libfuzzer_flags.empty()) check_libfuzzer_flags(o.fuzzer_dir / o.fuzzers.front(), o.libfuzzer_flags, o.work_dir);
  // A program that does not start is told here, not from the end of a fuzzer's log.
  Limits limits = hello_limits(checked);
  SarifOutput sarif(o.sarif);
  EventOutput output(o.events, "savefuzz fuzz " + target_flags(o.target));
  EventLog* events = output.log();
  if (events) events->run_start(o.sarif.command_line, {{"fuzzers", o.fuzzers}, {"jobs", o.jobs}, {"seconds", time.count() / 1000}});
  FuzzSession session(o, target_source(checked), limits, program, sarif, events);
  g_stop = &catch_interrupts();
  std::size_t findings = 0;
  auto share = std::chrono::duration_cast<std::chrono::milliseconds>(time / static_cast<long>(o.fuzzers.size()));
  for (const auto& f : o.fuzzers) {
    if (interrupted() || (findings && !o.keep_going)) break;
    findings += session.run(f, share);
  }
  restore_interrupts();
  if (events)
    events->run_end({{"fuzzers", session.runs()}, {"findings", session.findings().size()}, {"interrupted", interrupted()}},
                    nullptr);
  output.finish(std::cout);
  std::cout << "SUMMARY: fuzzers=" << o.fuzzers.size() << " findings=" << session.findings().size()
            << (interrupted() ? " interrupted=1" : "") << " findings_dir=" << o.findings_dir.string() << "\n";
  return sarif.finish(session.findings(), std::cout) ? 1 : 0;
}

}  // namespace savefuzz
