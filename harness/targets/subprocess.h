// A child process with pipes and deadlines: typed results, never a hang, never a zombie.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <sys/types.h>

namespace savefuzz {

using Clock = std::chrono::steady_clock;

// How a process ended: an exit code or the signal that killed it.
struct ExitStatus {
  std::optional<int> code;
  std::optional<int> signal;
  std::string describe() const;  // "exit code 3", "killed by signal 9 (SIGKILL)"
};

struct LineRead {
  enum class Kind { line, eof, timeout } kind;
  std::string text;  // the line without its newline (kind == line)
};

struct SubprocessOptions {
  std::vector<std::string> argv;               // argv[0] is searched in PATH when it has no slash
  std::map<std::string, std::string> env;      // added to this process's environment
  std::vector<std::string> unset_env;          // removed from it
  // Empty: stdin, stdout and stderr are pipes to this process (a protocol target). Else stdout
  // and stderr are appended to this file and stdin is empty (a fuzzer run with its log).
  std::filesystem::path output_log;
};

// The one way savefuzz starts a program: protocol targets and fuzzer processes alike.
class Subprocess {
 public:
  // Throws SetupError when it cannot be started.
  explicit Subprocess(const SubprocessOptions& options);
  Subprocess(const std::vector<std::string>& argv, const std::map<std::string, std::string>& extra_env)
      : Subprocess(SubprocessOptions{argv, extra_env, {}, {}}) {}
  ~Subprocess();  // kills and reaps the child if it still runs
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // The path `program` runs from (PATH searched when it has no slash); throws SetupError when
  // there is no such executable.
  static std::filesystem::path check_executable(const std::string& program);

  // Writes all of `bytes` to the child's stdin; false on a closed pipe or when the deadline passes.
  bool write(const std::string& bytes, Clock::time_point deadline);
  // Reads one stdout line; lines over `max_bytes` are cut there (a finding anyway).
  LineRead read_line(Clock::time_point deadline, std::size_t max_bytes = 64u << 20);

  void close_stdin();
  // Waits for the child to exit until `deadline`; nullopt if it is still running.
  std::optional<ExitStatus> wait_until(Clock::time_point deadline);
  // SIGKILL to the child's process group (the child is started leading one of its own), reap the
  // child, and wait for the group's other processes to end. (After the child exited by itself,
  // its group is left alone.)
  ExitStatus kill();
  // SIGTERM: asks it to finish; wait_until() tells when it has.
  void terminate();

  // The last few KiB the child wrote to stderr.
  std::string stderr_tail() const;
  pid_t pid() const { return pid_; }

 private:
  void drain_stderr();

  pid_t pid_ = -1;
  int in_ = -1, out_ = -1, err_ = -1;
  // A pidfd of the child, readable once it has exited, so that wait_until wakes then; -1 before
  // the first wait, -2 where the kernel has none (it then looks every millisecond).
  int exit_fd_ = -1;
  std::string out_buffer_;
  std::string err_tail_;
  std::optional<ExitStatus> exited_;
};

}  // namespace savefuzz
