// records-server requests per second for a mix of saves and reads, driven from this second process.
//
//   server_throughput [--server PATH] [--data-root DIR] [--requests N] [--repeats R] [--appointments K]
//
// Two ways of driving it: lock-step (send one request, wait for its answer: what a harness does)
// and pipelined (up to 64 requests in flight: the server's own ceiling). Prints the median of R runs.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <stdlib.h>

#include <boost/process.hpp>
#include <CLI/CLI.hpp>

namespace bp = boost::process;
namespace fs = std::filesystem;

namespace {

struct Options {
  fs::path server = fs::path(SAVEFUZZ_BIN_DIR) / "records-server";
  fs::path data_root = fs::is_directory("/dev/shm") ? "/dev/shm" : fs::temp_directory_path();
  int requests = 20000;
  int repeats = 5;
  int appointments = 20;
};

class Server {
 public:
  Server(const Options& o, const fs::path& dir) {
    auto env = boost::this_process::environment();
    env["SAVEFUZZ_DATA_DIR"] = dir.string();
    child_ = bp::child(o.server.string(), bp::std_in < in_, bp::std_out > out_, bp::std_err > bp::null, env);
  }
  void send(const std::string& line) { in_ << line << '\n'; }
  void flush() { in_.flush(); }
  std::string receive() {
    std::string line;
    if (!std::getline(out_, line)) throw std::runtime_error("records-server closed its output");
    return line;
  }
  int finish() {
    in_.pipe().close();
    child_.wait();
    return child_.exit_code();
  }

 private:
  bp::opstream in_;
  bp::ipstream out_;
  bp::child child_;
};

// The request mix: half saves (one or two fields), half reads of observations and documents.
std::vector<std::string> workload(const Options& o) {
  std::mt19937 rng(42);
  std::vector<std::string> lines;
  for (int i = 0; i < o.requests; ++i) {
    std::string id = std::to_string(1000 + i);
    std::string a = "A" + std::to_string(rng() % o.appointments);
    switch (rng() % 4) {
      case 0:
        lines.push_back(R"({"id":)" + id + R"(,"op":"save_observation","as":"D1","appointment":")" + a +
                        R"(","fields":{"motif":"toux depuis )" + id + R"( jours"}})");
        break;
      case 1:
        lines.push_back(R"({"id":)" + id + R"(,"op":"save_observation","as":"D1","appointment":")" + a +
                        R"(","fields":{"examen":"auscultation normale","conclusion":"virose )" + id + R"("}})");
        break;
      case 2:
        lines.push_back(R"({"id":)" + id + R"(,"op":"read_observation","as":"D1","appointment":")" + a + R"("})");
        break;
      default:
        lines.push_back(R"({"id":)" + id + R"(,"op":"read_document","as":"D1","document":"X)" + a.substr(1) + R"("})");
    }
  }
  return lines;
}

void set_up(Server& s, const Options& o) {
  std::vector<std::string> lines = {
      R"({"id":0,"op":"hello","protocol":1})",
      R"({"id":1,"op":"create_practice","practice":"P1"})",
      R"({"id":2,"op":"create_practitioner","practitioner":"D1","practice":"P1","name":"Dr","specialty":"MG"})",
      R"({"id":3,"op":"create_patient","patient":"U1","practice":"P1","name":"N","first_name":"F","sex":"F","phone":"","email":""})",
  };
  for (int i = 0; i < o.appointments; ++i) {
    std::string n = std::to_string(i);
    lines.push_back(R"({"id":4,"op":"book_appointment","as":"D1","appointment":"A)" + n +
                    R"(","patient":"U1","start":"2024-01-01T09:00"})");
    lines.push_back(R"({"id":5,"op":"attach_document","as":"D1","document":"X)" + n + R"(","appointment":"A)" + n +
                    R"(","title":"ordonnance","content":"paracétamol 1 g"})");
  }
  for (const auto& l : lines) {
    s.send(l);
    s.flush();
    std::string a = s.receive();
    if (a.find("\"ok\":true") == std::string::npos) throw std::runtime_error("set-up failed: " + a);
  }
}

// Requests per second over `lines`, with at most `window` requests in flight.
double run(const Options& o, const std::vector<std::string>& lines, std::size_t window) {
  std::string pattern = (o.data_root / "savefuzz-bench-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a directory under " + o.data_root.string());
  fs::path dir = pattern;
  double rps;
  {
    Server s(o, dir);
    set_up(s, o);
    auto t0 = std::chrono::steady_clock::now();
    std::size_t sent = 0, received = 0;
    while (received < lines.size()) {
      while (sent < lines.size() && sent - received < window) s.send(lines[sent++]);
      s.flush();
      std::string a = s.receive();
      if (a.find("\"ok\":true") == std::string::npos) throw std::runtime_error("request failed: " + a);
      ++received;
    }
    auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rps = static_cast<double>(lines.size()) / secs;
    if (int rc = s.finish(); rc != 0) throw std::runtime_error("records-server exited " + std::to_string(rc));
  }
  fs::remove_all(dir);
  return rps;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"records-server throughput for a save/read mix, measured from a second process"};
  app.add_option("--server", o.server, "the protocol binary")->check(CLI::ExistingFile);
  app.add_option("--data-root", o.data_root, "where data directories are made (/dev/shm: no disk cost)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--requests", o.requests, "requests per run")->check(CLI::PositiveNumber);
  app.add_option("--repeats", o.repeats, "runs per mode; the median is reported")->check(CLI::PositiveNumber);
  app.add_option("--appointments", o.appointments, "appointments the mix spreads over")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  try {
    auto lines = workload(o);
    std::cout << "server: " << o.server.string() << "\ndata root: " << o.data_root.string() << "\nrequests per run: "
              << o.requests << " (1/2 saves, 1/4 observation reads, 1/4 document reads), runs: " << o.repeats
              << "\n";
    for (std::size_t window : {std::size_t{1}, std::size_t{64}}) {
      std::vector<double> runs;
      for (int i = 0; i < o.repeats; ++i) runs.push_back(run(o, lines, window));
      std::cout << (window == 1 ? "lock-step" : "pipelined (64 in flight)") << ": median " << static_cast<long>(median(runs))
                << " requests/s (min " << static_cast<long>(*std::min_element(runs.begin(), runs.end())) << ", max "
                << static_cast<long>(*std::max_element(runs.begin(), runs.end())) << ")\n";
    }
  } catch (const std::exception& e) {
    std::cerr << "server_throughput: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
