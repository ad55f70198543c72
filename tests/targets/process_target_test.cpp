// ProcessTarget turns every way a program can break the transport into a finding with evidence,
// within its deadline, and leaves no process behind.
#include <chrono>
#include <fstream>

#include <signal.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include "harness/core/command_line.h"
#include "harness/core/runner.h"
#include "harness/core/session.h"
#include "harness/targets/process_target.h"
#include "harness/targets/target_options.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

using std::chrono::milliseconds;

// A scenario of one save that a well-behaved target acknowledges.
Scenario one_request() {
  Scenario s{"one", "", {}};
  s.steps.push_back(Step::request(Call::of(Json{{"op", "create_practice"}, {"practice", "P1"}})));
  return s;
}

struct Outcome {
  std::optional<Finding> finding;
  double seconds;
};

Outcome run_mode(const std::string& mode, Scenario s = one_request(), milliseconds timeout = milliseconds(1500)) {
  static testing::TempDir data_root;  // holds the directories kept for findings
  ProcessOptions o;
  o.argv = {std::string(SAVEFUZZ_BIN_DIR) + "/misbehaving_target", mode};
  o.timeout = timeout;
  o.data_root = data_root.path();
  ProcessTarget target(o);
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = run_scenario(s, target, RunnerOptions{false, 0});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {std::move(r.finding), secs};
}

bool no_children_left() {
  int status;
  return ::waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

void expect_finding(const Outcome& o, Invariant inv, const std::string& detail_part) {
  ASSERT_TRUE(o.finding.has_value());
  EXPECT_EQ(invariant_name(o.finding->invariant), invariant_name(inv));
  EXPECT_NE(o.finding->detail.find(detail_part), std::string::npos) << o.finding->detail;
  EXPECT_NE(o.finding->stderr_tail.find("second line of stderr"), std::string::npos) << o.finding->stderr_tail;
  EXPECT_TRUE(no_children_left()) << "a target process was left behind";
}

TEST(ProcessTarget, HangingTargetIsAFindingAfterTheDeadlineNotAHang) {
  auto o = run_mode("hang");
  expect_finding(o, Invariant::target_alive, "hung: no answer to request 1 within 1500 ms");
  EXPECT_LT(o.seconds, 10.0);
}

TEST(ProcessTarget, GarbageLineIsQuotedInTheFinding) {
  expect_finding(run_mode("garbage"), Invariant::protocol, "'Traceback (most recent call last): <html>'");
}

TEST(ProcessTarget, WrongIdIsAFinding) { expect_finding(run_mode("wrong-id"), Invariant::protocol, "wrong-id"); }

TEST(ProcessTarget, TargetExitingMidRunReportsItsExitStatus) {
  expect_finding(run_mode("die"), Invariant::target_alive, "exit code 3");
}

TEST(ProcessTarget, TargetKilledBySignalReportsTheSignal) {
  expect_finding(run_mode("killed"), Invariant::target_alive, "killed by signal 9 (SIGKILL)");
}

TEST(ProcessTarget, AnswerWithAnExtraKeyBreaksTheProtocol) {
  auto o = run_mode("extra-key");
  ASSERT_TRUE(o.finding);
  EXPECT_EQ(o.finding->invariant, Invariant::protocol);
  EXPECT_NE(o.finding->detail.find("unexpected key \"debug\""), std::string::npos) << o.finding->detail;
}

Scenario with_restart() {
  Scenario s = one_request();
  s.steps.push_back(Step::restart());
  return s;
}

TEST(ProcessTarget, NonZeroExitOnRestartIsAFinding) {
  expect_finding(run_mode("bad-exit", with_restart()), Invariant::target_alive, "exit code 7");
}

TEST(ProcessTarget, TargetThatNeverExitsIsKilledAfterTheDeadline) {
  expect_finding(run_mode("no-exit", with_restart()), Invariant::target_alive, "did not exit");
}

TEST(ProcessTarget, OutputAfterTheLastAnswerIsAFinding) {
  expect_finding(run_mode("chatty-exit", with_restart()), Invariant::protocol, "'bye'");
}

TEST(ProcessTarget, FailedHandshakeIsAFindingAtStart) {
  auto o = run_mode("bad-hello");
  ASSERT_TRUE(o.finding);
  EXPECT_EQ(o.finding->invariant, Invariant::protocol);
  EXPECT_EQ(o.finding->where, "start");
  o = run_mode("silent-hello");
  ASSERT_TRUE(o.finding);
  EXPECT_EQ(o.finding->invariant, Invariant::target_alive);
  EXPECT_NE(o.finding->detail.find("during hello"), std::string::npos);
  EXPECT_TRUE(no_children_left());
}

TEST(ProcessTarget, TargetThatNeverReadsDoesNotBlockTheHarness) {
  Scenario s{"big", "", {}};
  Json big{{"op", "create_practice"}, {"practice", std::string(4 << 20, 'x')}};
  s.steps.push_back(Step::request(Call::of(big)));
  auto o = run_mode("ignore-stdin", s);
  ASSERT_TRUE(o.finding);
  EXPECT_EQ(o.finding->invariant, Invariant::target_alive);
  EXPECT_LT(o.seconds, 10.0);
  EXPECT_TRUE(no_children_left());
}

TEST(ProcessTarget, AcknowledgeEverythingTargetIsCaughtByTheModel) {
  // Proper transport, wrong semantics: a target that says ok to everything.
  Scenario s = one_request();
  s.steps.push_back(Step::request(Call::of(Json{{"op", "create_practice"}, {"practice", "P1"}})));
  auto o = run_mode("good", s);
  ASSERT_TRUE(o.finding);
  EXPECT_EQ(o.finding->invariant, Invariant::explicit_errors);
  EXPECT_EQ(o.finding->step, 2u);
  EXPECT_EQ(o.finding->expected, Json::parse(R"({"ok":false,"error":{"code":"exists"}})"));
}

ProcessTarget target_in_mode(const std::string& mode, const std::filesystem::path& root) {
  ProcessOptions o;
  o.argv = {std::string(SAVEFUZZ_BIN_DIR) + "/misbehaving_target", mode};
  o.data_root = root;
  return ProcessTarget(o);
}

TEST(ProcessTarget, ATargetThatListsResetIsResetInPlace) {
  testing::TempDir root;
  ProcessTarget target = target_in_mode("resets", root.path());
  ASSERT_FALSE(target.start());
  EXPECT_TRUE(target.resets_in_place());
  EXPECT_FALSE(target.reset());
  EXPECT_FALSE(target.reset());
  EXPECT_EQ(target.start_stats().starts, 1u);
  EXPECT_EQ(target.start_stats().resets, 2u);
}

TEST(ProcessTarget, ATargetWithoutTheFeatureIsStartedAnewInsteadOfReset) {
  testing::TempDir root;
  ProcessTarget target = target_in_mode("good", root.path());
  ASSERT_FALSE(target.start());
  EXPECT_FALSE(target.resets_in_place()) << "never sent a request it did not list";
  EXPECT_FALSE(target.reset());
  EXPECT_EQ(target.start_stats().starts, 2u);
  EXPECT_EQ(target.start_stats().resets, 0u);
}

TEST(ProcessTarget, AResetAnsweredWithAnythingButOkIsAFaultQuotingTheAnswer) {
  testing::TempDir root;
  ProcessTarget target = target_in_mode("bad-reset", root.path());
  ASSERT_FALSE(target.start());
  std::optional<TargetFault> f = target.reset();
  ASSERT_TRUE(f);
  EXPECT_NE(f->detail.find("reset answered"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("unavailable"), std::string::npos) << f->detail;
  EXPECT_FALSE(target.resets_in_place()) << "a faulted process is not reused";
  EXPECT_TRUE(no_children_left());
}

// A reset answered with an error fails the case after it on the reused process; a new process
// passes that case alone, so the finding is the joined cases, where the reset itself breaks the
// protocol. It must be reported, not dropped as unconfirmed.
TEST(Session, AResetThatBreaksTheProtocolIsReportedWithTheCasesThatShowIt) {
  testing::TempDir root;
  TargetSource source{[&](std::uint64_t) {
                        ProcessOptions o;
                        o.argv = {std::string(SAVEFUZZ_BIN_DIR) + "/misbehaving_target", "bad-reset"};
                        o.data_root = root.path();
                        return std::make_unique<ProcessTarget>(o);
                      },
                      ""};
  Session session(source, ReuseOptions{});
  RunnerOptions runner{false, 0};
  runner.keep_data = false;
  EXPECT_FALSE(session.run(one_request(), runner).result.finding);
  SessionRun second = session.run(one_request(), runner);
  ASSERT_TRUE(second.result.finding);
  EXPECT_EQ(second.result.finding->invariant, Invariant::protocol) << second.result.finding->detail;
  EXPECT_NE(second.result.finding->detail.find("reset answered"), std::string::npos) << second.result.finding->detail;
  ASSERT_TRUE(second.joined);
  EXPECT_EQ(second.joined->steps.size(), 3u) << "the first case, a reset, the second case";
  EXPECT_EQ(session.unconfirmed(), 0u);
}

TEST(ProcessTarget, MissingProgramIsASetupErrorNotAFinding) {
  ProcessOptions o;
  o.argv = {"/nonexistent/target"};
  ProcessTarget target(o);
  EXPECT_THROW(target.start(), SetupError);
}

TEST(ProcessTarget, DataDirectoryIsRemovedUnlessKeptForAFinding) {
  testing::TempDir root;
  {
    ProcessOptions o;
    o.argv = {std::string(SAVEFUZZ_BIN_DIR) + "/records-server"};
    o.data_root = root.path();
    ProcessTarget target(o);
    RunResult r = run_scenario(one_request(), target, RunnerOptions{});
    EXPECT_FALSE(r.finding);
  }
  EXPECT_TRUE(std::filesystem::is_empty(root.path()));
  {
    ProcessOptions o;
    o.argv = {std::string(SAVEFUZZ_BIN_DIR) + "/misbehaving_target", "garbage"};
    o.data_root = root.path();
    ProcessTarget target(o);
    RunResult r = run_scenario(one_request(), target, RunnerOptions{});
    ASSERT_TRUE(r.finding);
    EXPECT_TRUE(std::filesystem::is_directory(r.finding->data_dir));
  }
  EXPECT_FALSE(std::filesystem::is_empty(root.path()));
}

// The error names where a data root no flag gave came from: the environment, not --data-root.
TEST(TargetOptions, AMissingDataRootIsNamedForWhereItCameFrom) {
  testing::TempDir root;
  std::string missing = (root.path() / "gone").string();
  const char* was = std::getenv("SAVEFUZZ_DATA_ROOT");
  std::string saved = was ? was : "";
  auto message = [](TargetOptions o) {
    try {
      validate(o);
    } catch (const SetupError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  TargetOptions given;
  given.builtin = "records";
  given.data_root = missing;
  EXPECT_EQ(message(given), "--data-root '" + missing + "' is not a directory");
  setenv("SAVEFUZZ_DATA_ROOT", missing.c_str(), 1);
  TargetOptions from_environment;
  from_environment.builtin = "records";
  std::string got = message(from_environment);
  if (was) setenv("SAVEFUZZ_DATA_ROOT", saved.c_str(), 1); else unsetenv("SAVEFUZZ_DATA_ROOT");
  EXPECT_EQ(got, "$SAVEFUZZ_DATA_ROOT '" + missing + "' is not a directory");
  // A directory that cannot be made under the root says why.
  try {
    DataDir d(missing);
    ADD_FAILURE() << "made a directory under a missing root";
  } catch (const SetupError& e) {
    EXPECT_NE(std::string(e.what()).find(missing + ": No such file or directory"), std::string::npos) << e.what();
  }
}

// A directory no process holds and a minute old goes, contents and all; one held, one just made,
// and one of another prefix stay.
TEST(DataDir, AbandonedDirectoriesOfAPrefixAreRemoved) {
  testing::TempDir root;
  namespace fs = std::filesystem;
  auto minutes_ago = fs::file_time_type::clock::now() - std::chrono::minutes(5);
  DataDir held(root.path(), "savefuzz-sweep-");
  fs::last_write_time(held.path(), minutes_ago);
  fs::path abandoned = root.path() / "savefuzz-sweep-gone01";
  fs::create_directories(abandoned / "inner");
  std::ofstream(abandoned / "clean-shutdown").put('\n');
  fs::last_write_time(abandoned, minutes_ago);
  fs::path fresh = root.path() / "savefuzz-sweep-fresh1";
  fs::create_directory(fresh);
  fs::path other = root.path() / "savefuzz-data-other1";
  fs::create_directory(other);
  fs::last_write_time(other, minutes_ago);
  remove_abandoned_data_dirs(root.path(), "savefuzz-sweep-");
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::is_directory(held.path()));
  EXPECT_TRUE(fs::is_directory(fresh));
  EXPECT_TRUE(fs::is_directory(other));
}

TEST(SplitCommand, QuotesAndEscapesGroupWords) {
  EXPECT_EQ(split_command("a  b\tc"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_command(R"(prog 'x y' "z \"w\"" v\ u)"), (std::vector<std::string>{"prog", "x y", "z \"w\"", "v u"}));
  EXPECT_EQ(split_command("''"), (std::vector<std::string>{""}));
  EXPECT_THROW(split_command("prog 'open"), SetupError);
}

}  // namespace
}  // namespace savefuzz
