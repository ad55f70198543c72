// Subprocess: posix_spawn starts a protocol target (Boost.Process a logged fuzzer); poll(2) puts
// a deadline on every byte after that.
#include "harness/targets/subprocess.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <boost/process/extend.hpp>

#include "harness/core/status.h"

namespace savefuzz {
namespace {

// Whether a process of the group `pgid` still runs. A zombie has ended (it writes nothing more),
// and once orphaned it is reaped only by init, which in a container may be slow or never.
bool group_runs(pid_t pgid) {
  if (::kill(-pgid, 0) != 0) return false;  // no process at all: a target that is not wrapped
  std::error_code ec;
  for (std::filesystem::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::ifstream stat(it->path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so from the last ')'.
    auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long pgrp = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %*d %ld", &state, &pgrp) == 2 && pgrp == pgid && state != 'Z' &&
        state != 'X')
      return true;
  }
  return false;
}

constexpr std::size_t kStderrTail = 4096;

// The child's environment: this process's, with `set` added and `unset` removed, handed to
// execve as is. Built here because this_process::environment() is the harness's own (setting
// the child's variables there would change them for every later child and race with other
// workers), and Boost's copy reads past short entries when it looks a name up.
class ChildEnvironment : public boost::process::extend::handler {
 public:
  ChildEnvironment(const std::map<std::string, std::string>& set, const std::vector<std::string>& unset) {
    for (char** e = environ; *e; ++e) {
      std::string_view entry(*e);
      std::string name(entry.substr(0, entry.find('=')));
      if (!set.count(name) && std::find(unset.begin(), unset.end(), name) == unset.end()) entries_.emplace_back(entry);
    }
    for (const auto& [k, v] : set) entries_.push_back(k + "=" + v);
    for (auto& e : entries_) pointers_.push_back(e.data());
    pointers_.push_back(nullptr);
  }
  template <class Executor>
  void on_setup(Executor& exec) const {
    exec.env = entries();
  }
  char** entries() const { return const_cast<char**>(pointers_.data()); }

 private:
  std::vector<std::string> entries_;
  std::vector<char*> pointers_;
};

// Children are started one at a time: between pipe(2) and the close-on-exec flag, a child
// started by another worker thread would inherit this child's pipes and hold its stdin open.
std::mutex g_spawn;

void set_flags(int fd, bool nonblocking) {
  ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
  if (nonblocking) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int ms_until(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 1000 * 60 * 60));
}

ExitStatus decode_status(int status) {
  if (WIFEXITED(status)) return {WEXITSTATUS(status), std::nullopt};
  if (WIFSIGNALED(status)) return {std::nullopt, WTERMSIG(status)};
  return {std::nullopt, std::nullopt};
}

}  // namespace

std::string ExitStatus::describe() const {
  if (code) return "exit code " + std::to_string(*code);
  if (signal) {
    const char* name = sigabbrev_np(*signal);
    return "killed by signal " + std::to_string(*signal) + (name ? std::string(" (SIG") + name + ")" : "");
  }
  return "unknown status";
}

Subprocess::Subprocess(const SubprocessOptions& o) {
  namespace bp = boost::process;
  const auto& argv = o.argv;
  if (argv.empty()) throw SetupError("empty target command");
  // The harness must see a closed pipe as an error code, not die of SIGPIPE.
  std::signal(SIGPIPE, SIG_IGN);
  std::filesystem::path exe = check_executable(argv[0]);
  ChildEnvironment env(o.env, o.unset_env);
  std::vector<std::string> args(argv.begin() + 1, argv.end());
  std::error_code ec;
  std::lock_guard spawning(g_spawn);

  if (!o.output_log.empty()) {
    FILE* log = std::fopen(o.output_log.c_str(), "a");
    if (!log) throw SetupError("cannot open " + o.output_log.string() + " for appending");
    bp::child child(bp::exe = exe.string(), bp::args = args, bp::std_in < bp::null, (bp::std_out & bp::std_err) > log,
                    env, ec);
    std::fclose(log);
    if (ec) throw SetupError("cannot start '" + argv[0] + "': " + ec.message());
    pid_ = child.id();
    child.detach();
    return;
  }

  bp::pipe in, out, err;
  // Close-on-exec everywhere: the child gets its ends as 0/1/2 through dup2, which clears the
  // flag, and no other child started later inherits a pipe that would hide an end of input.
  for (int fd : {in.native_source(), in.native_sink(), out.native_source(), out.native_sink(), err.native_source(),
                 err.native_sink()})
    set_flags(fd, false);
  // posix_spawn, not Boost's fork: glibc starts the child with CLONE_VFORK, so the harness's
  // page tables are never copied, which was most of a start's cost (a crash cycle is a start).
  // This class reaps the child itself, with deadlines.
  posix_spawn_file_actions_t actions;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawn_file_actions_adddup2(&actions, in.native_source(), 0);
  ::posix_spawn_file_actions_adddup2(&actions, out.native_sink(), 1);
  ::posix_spawn_file_actions_adddup2(&actions, err.native_sink(), 2);
  std::string path = exe.string();
  std::vector<char*> child_argv{path.data()};
  for (auto& a : args) child_argv.push_back(a.data());
  child_argv.push_back(nullptr);
  // Its own process group, so that kill() reaches every process of it: a target started through
  // a wrapper that does not exec (a shell script, npm start, poetry run) runs as the wrapper's
  // child, and killing the wrapper alone left it running; it then read the end of its input and
  // closed its store cleanly, so a crash was no crash.
  posix_spawnattr_t attr;
  ::posix_spawnattr_init(&attr);
  ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  ::posix_spawnattr_setpgroup(&attr, 0);
  int rc = ::posix_spawn(&pid_, path.c_str(), &actions, &attr, child_argv.data(), env.entries());
  ::posix_spawnattr_destroy(&attr);
  ::posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw SetupError("cannot start '" + argv[0] + "': " + std::strerror(rc));
  // Keep our ends (as duplicates), then close every original: the child's ends must not stay
  // open here, or its exit would never show as end of output.
  in_ = ::fcntl(in.native_sink(), F_DUPFD_CLOEXEC, 0);
  out_ = ::fcntl(out.native_source(), F_DUPFD_CLOEXEC, 0);
  err_ = ::fcntl(err.native_source(), F_DUPFD_CLOEXEC, 0);
  in.close();
  out.close();
  err.close();
  for (int fd : {in_, out_, err_}) set_flags(fd, true);
}

std::filesystem::path Subprocess::check_executable(const std::string& program) {
  std::filesystem::path exe = program;
  if (program.find('/') == std::string::npos) exe = boost::process::search_path(program).string();
  std::error_code ec;
  if (exe.empty() || std::filesystem::is_directory(exe, ec) || ::access(exe.c_str(), X_OK) != 0)
    throw SetupError("target command '" + program + "' is not an executable file");
  return exe;
}

Subprocess::~Subprocess() {
  if (!exited_) kill();
  for (int fd : {in_, out_, err_, exit_fd_})
    if (fd >= 0) ::close(fd);
}

void Subprocess::drain_stderr() {
  if (err_ < 0) return;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(err_, buf, sizeof buf);
    if (n > 0) {
      err_tail_.append(buf, static_cast<std::size_t>(n));
      if (err_tail_.size() > 2 * kStderrTail) err_tail_.erase(0, err_tail_.size() - kStderrTail);
      continue;
    }
    if (n == 0) {
      ::close(err_);
      err_ = -1;
    }
    return;  // EAGAIN or error: nothing more for now
  }
}

std::string Subprocess::stderr_tail() const {
  return err_tail_.size() > kStderrTail ? err_tail_.substr(err_tail_.size() - kStderrTail) : err_tail_;
}

bool Subprocess::write(const std::string& bytes, Clock::time_point deadline) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (in_ < 0) return false;
    pollfd fds[2] = {{in_, POLLOUT, 0}, {err_, POLLIN, 0}};
    int n = ::poll(fds, err_ >= 0 ? 2 : 1, ms_until(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (fds[1].revents) drain_stderr();
    if (fds[0].revents & (POLLERR | POLLHUP)) return false;
    if (fds[0].revents & POLLOUT) {
      ssize_t w = ::write(in_, bytes.data() + done, bytes.size() - done);
      if (w > 0) done += static_cast<std::size_t>(w);
      else if (w < 0 && errno != EAGAIN && errno != EINTR) return false;
    }
    if (n == 0 && Clock::now() >= deadline) return false;
  }
  return true;
}

LineRead Subprocess::read_line(Clock::time_point deadline, std::size_t max_bytes) {
  for (;;) {
    auto nl = out_buffer_.find('\n');
    if (nl != std::string::npos || out_buffer_.size() >= max_bytes) {
      std::size_t len = nl == std::string::npos ? max_bytes : nl;
      LineRead r{LineRead::Kind::line, out_buffer_.substr(0, len)};
      out_buffer_.erase(0, nl == std::string::npos ? len : nl + 1);
      return r;
    }
    if (out_ < 0) return {LineRead::Kind::eof, {}};
    pollfd fds[2] = {{out_, POLLIN, 0}, {err_, POLLIN, 0}};
    int n = ::poll(fds, err_ >= 0 ? 2 : 1, ms_until(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (err_ >= 0 && fds[1].revents) drain_stderr();
    if (fds[0].revents) {
      char buf[65536];
      ssize_t got = ::read(out_, buf, sizeof buf);
      if (got > 0) {
        out_buffer_.append(buf, static_cast<std::size_t>(got));
        continue;
      }
      if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
        ::close(out_);
        out_ = -1;
        if (!out_buffer_.empty()) {  // a last line without newline still counts
          LineRead r{LineRead::Kind::line, out_buffer_};
          out_buffer_.clear();
          return r;
        }
        return {LineRead::Kind::eof, {}};
      }
    }
    if (n == 0 && Clock::now() >= deadline) return {LineRead::Kind::timeout, {}};
  }
}

void Subprocess::close_stdin() {
  if (in_ >= 0) ::close(in_);
  in_ = -1;
}

std::optional<ExitStatus> Subprocess::wait_until(Clock::time_point deadline) {
  if (exited_) return exited_;
  if (exit_fd_ == -1) exit_fd_ = std::max(-2, static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
  for (;;) {
    int status = 0;
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exited_ = decode_status(status);
      drain_stderr();
      return exited_;
    }
    if (r < 0 && errno != EINTR) {
      exited_ = ExitStatus{};
      return exited_;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    drain_stderr();
    if (exit_fd_ < 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    // Until the child exits, stderr has bytes to drain, or the deadline (1 ms granularity).
    pollfd fds[2] = {{exit_fd_, POLLIN, 0}, {err_, POLLIN, 0}};
    ::poll(fds, err_ >= 0 ? 2 : 1, std::max(1, ms_until(deadline)));
  }
}

void Subprocess::terminate() {
  if (!exited_) ::kill(pid_, SIGTERM);
}

ExitStatus Subprocess::kill() {
  if (exited_) return *exited_;
  // The whole group, before the child is reaped: until then its pid names no other group.
  ::kill(-pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exited_ = decode_status(status);
  drain_stderr();
  // The group's other processes are not children of this one: wait until they have ended too, so
  // that none still writes to the data directory when the next process starts on it or a power
  // loss rolls it back.
  for (int i = 0; i < 2000 && group_runs(pid_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return *exited_;
}

}  // namespace savefuzz
