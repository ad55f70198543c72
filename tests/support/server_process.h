// Runs a protocol binary as a child process for tests: send lines, read answers, SIGKILL, restart.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <boost/process.hpp>

namespace savefuzz::testing {

// Where the build put the executables.
inline std::filesystem::path bin_dir() { return SAVEFUZZ_BIN_DIR; }

struct ExitResult {
  int exit_code;
  std::string out;
  std::string err;
};

// Runs `exe args...` to completion with no stdin and returns its exit code and output.
inline ExitResult run_to_exit(const std::filesystem::path& exe, const std::vector<std::string>& args,
                              const std::filesystem::path& data_dir = {}) {
  namespace bp = boost::process;
  bp::ipstream out, err;
  auto env = boost::this_process::environment();
  if (!data_dir.empty()) env["SAVEFUZZ_DATA_DIR"] = data_dir.string();
  else env.erase("SAVEFUZZ_DATA_DIR");
  bp::child c(exe.string(), bp::args(args), bp::std_in < bp::null, bp::std_out > out, bp::std_err > err, env);
  std::string o{std::istreambuf_iterator<char>(out), {}};
  std::string e{std::istreambuf_iterator<char>(err), {}};
  c.wait();
  return {c.exit_code(), o, e};
}

class ServerProcess {
 public:
  ServerProcess(std::filesystem::path data_dir, std::vector<std::string> args)
      : data_dir_(std::move(data_dir)), args_(std::move(args)) {
    start();
  }
  ~ServerProcess() {
    if (child_.running()) kill();
  }

  void send(const std::string& line) { in_ << line << '\n' << std::flush; }

  // Reads one answer line; empty when the server closed its stdout.
  std::string receive() {
    std::string line;
    if (!std::getline(out_, line)) return {};
    return line;
  }

  std::string call(const std::string& line) {
    send(line);
    return receive();
  }

  // SIGKILL, reap, and start again on the same data directory.
  void kill() {
    child_.terminate();
    child_.wait();
  }
  void crash_and_restart() {
    kill();
    start();
  }

  // Closes stdin and waits; returns the exit code.
  int close_and_wait() {
    in_.pipe().close();
    child_.wait();
    return child_.exit_code();
  }

 private:
  void start() {
    namespace bp = boost::process;
    in_ = bp::opstream();
    out_ = bp::ipstream();
    auto env = boost::this_process::environment();
    env["SAVEFUZZ_DATA_DIR"] = data_dir_.string();
    child_ = bp::child((bin_dir() / "records-server").string(), bp::args(args_), bp::std_in < in_,
                       bp::std_out > out_, bp::std_err > (data_dir_ / "server.stderr").string(), env);
  }

  std::filesystem::path data_dir_;
  std::vector<std::string> args_;
  boost::process::opstream in_;
  boost::process::ipstream out_;
  boost::process::child child_;
};

}  // namespace savefuzz::testing
