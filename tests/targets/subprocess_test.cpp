// Subprocess is the one launcher: protocol targets through pipes, fuzzers with their output
// appended to a log. The log mode keeps every run's output, sets or removes environment
// variables without touching the harness's own, and a program that runs on is ended by
// terminate().
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include <signal.h>

#include <gtest/gtest.h>

#include "harness/core/status.h"
#include "harness/targets/subprocess.h"
#include "tests/support/temp_dir.h"

namespace savefuzz {
namespace {

std::string read_all(const std::filesystem::path& file) {
  std::ifstream in(file);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Subprocess, LogModeAppendsStdoutAndStderrAndSetsOrRemovesEnvironment) {
  testing::TempDir dir;
  std::filesystem::path log = dir.path() / "run.log";
  const std::vector<std::string> argv{"sh", "-c", "echo out; echo err >&2; echo \"m=${SAVEFUZZ_MUTANT-unset}\""};

  Subprocess first(SubprocessOptions{argv, {{"SAVEFUZZ_MUTANT", "lost-update"}}, {}, log});
  auto status = first.wait_until(Clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->code, 0);

  ::setenv("SAVEFUZZ_MUTANT", "inherited", 1);
  Subprocess second(SubprocessOptions{argv, {}, {"SAVEFUZZ_MUTANT"}, log});
  ASSERT_TRUE(second.wait_until(Clock::now() + std::chrono::seconds(10)));
  ::unsetenv("SAVEFUZZ_MUTANT");

  std::string text = read_all(log);
  EXPECT_NE(text.find("out\n"), std::string::npos);
  EXPECT_NE(text.find("err\n"), std::string::npos);
  EXPECT_NE(text.find("m=lost-update\n"), std::string::npos) << "set for the first run";
  EXPECT_NE(text.find("m=unset\n"), std::string::npos) << "removed for the second, though this process has it";
  EXPECT_LT(text.find("m=lost-update"), text.find("m=unset")) << "appended, not overwritten";
}

// Workers start their targets at the same time, each with its own data directory: every child
// sees its own value, and the harness's environment is left as it was.
TEST(Subprocess, ChildrenStartedTogetherEachSeeTheirOwnEnvironment) {
  constexpr int kWorkers = 4, kEach = 8;
  std::vector<std::string> seen(kWorkers * kEach);
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w)
    workers.emplace_back([&, w] {
      for (int i = 0; i < kEach; ++i) {
        std::string mine = "dir-" + std::to_string(w) + "-" + std::to_string(i);
        Subprocess child({"sh", "-c", "echo \"$SAVEFUZZ_TEST_DIR\""}, {{"SAVEFUZZ_TEST_DIR", mine}});
        LineRead line = child.read_line(Clock::now() + std::chrono::seconds(10));
        seen[w * kEach + i] = line.text == mine ? "" : mine + " saw '" + line.text + "'";
      }
    });
  for (auto& t : workers) t.join();
  for (const auto& s : seen) EXPECT_EQ(s, "");
  EXPECT_EQ(std::getenv("SAVEFUZZ_TEST_DIR"), nullptr);
}

TEST(Subprocess, TerminateEndsAProgramThatRunsOn) {
  testing::TempDir dir;
  Subprocess sleeper(SubprocessOptions{{"sleep", "30"}, {}, {}, dir.path() / "sleep.log"});
  EXPECT_FALSE(sleeper.wait_until(Clock::now() + std::chrono::milliseconds(50)));
  auto t0 = Clock::now();
  sleeper.terminate();
  auto status = sleeper.wait_until(Clock::now() + std::chrono::seconds(10));
  ASSERT_TRUE(status);
  EXPECT_EQ(status->signal, SIGTERM);
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
}

// Waiting for a child drains its stderr meanwhile: one that writes more than a pipe holds before
// it exits is seen to exit, with the end of what it wrote.
TEST(Subprocess, WaitingDrainsStderrSoAChattyChildCanExit) {
  Subprocess chatty({"sh", "-c", "i=0; while [ $i -lt 4096 ]; do echo 'line of stderr, 64 bytes long, to fill the pipe.......' >&2; "
                                 "i=$((i+1)); done; echo last >&2; exit 3"},
                    {});
  auto status = chatty.wait_until(Clock::now() + std::chrono::seconds(30));
  ASSERT_TRUE(status) << "still blocked writing to a full stderr pipe";
  EXPECT_EQ(status->code, 3);
  EXPECT_NE(chatty.stderr_tail().find("last\n"), std::string::npos);
}

TEST(Subprocess, AnUnopenableLogIsASetupError) {
  EXPECT_THROW(Subprocess(SubprocessOptions{{"true"}, {}, {}, "/nonexistent-dir/x.log"}), SetupError);
}

}  // namespace
}  // namespace savefuzz
