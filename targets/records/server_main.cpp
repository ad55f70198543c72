// records-server: the reference save path behind the line protocol of SPEC.md section 1.
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "targets/records/line_reader.h"
#include "targets/records/service.h"

namespace {

// A request is at most a 1 MiB document, JSON-escaped at worst six bytes a byte, plus small keys:
// 16 MiB holds every valid request; a longer line is answered invalid without being parsed.
constexpr std::size_t kMaxLineBytes = 16u << 20;

constexpr int kExitUsage = 2;

bool write_all(const std::string& s) {
  const char* p = s.data();
  std::size_t left = s.size();
  while (left > 0) {
    ssize_t n = ::write(STDOUT_FILENO, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return true;
}

int list_mutants() {
  for (const auto& m : records::all_mutants()) std::cout << m.name << "\t" << m.description << "\n";
  return 0;
}

}  // namespace

#ifndef SAVEFUZZ_DEFAULT_MUTANT
#define SAVEFUZZ_DEFAULT_MUTANT ""
#endif

int main(int argc, char** argv) {
  CLI::App app{
      "records-server: the reference medical-records save path (SQLite, WAL, synchronous=FULL) speaking\n"
      "the savefuzz line protocol: one JSON request per stdin line, one JSON answer per stdout line.\n"
      "State lives in $SAVEFUZZ_DATA_DIR (or --data-dir); the server exits 0 when stdin closes.\n",
      "records-server"};
  std::string mutant_name = SAVEFUZZ_DEFAULT_MUTANT;
  std::string data_dir;
  bool list = false;
  app.add_option("--mutant", mutant_name, "switch on one deliberate bug (see --list-mutants)");
  app.add_flag("--list-mutants", list, "print every mutant with its description and exit");
  app.add_option("--data-dir", data_dir, "directory holding the database (default: $SAVEFUZZ_DATA_DIR)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return 0;
  } catch (const CLI::ParseError& e) {
    std::cerr << "records-server: " << e.what() << "\n" << "run 'records-server --help' for usage\n";
    return kExitUsage;
  }
  if (list) return list_mutants();

  auto mutant = records::mutant_from_name(mutant_name);
  if (!mutant) {
    std::cerr << "records-server: unknown mutant '" << mutant_name << "'; --list-mutants shows them\n";
    return kExitUsage;
  }
  if (data_dir.empty()) {
    const char* env = std::getenv("SAVEFUZZ_DATA_DIR");
    if (!env || !*env) {
      std::cerr << "records-server: no data directory: set SAVEFUZZ_DATA_DIR or pass --data-dir\n";
      return kExitUsage;
    }
    data_dir = env;
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(data_dir, ec)) {
    std::cerr << "records-server: data directory '" << data_dir << "' does not exist\n";
    return kExitUsage;
  }

  // A reader that went away shows as a failed write, not as a fatal signal.
  std::signal(SIGPIPE, SIG_IGN);
  try {
    records::ServiceOptions options;
    options.data_dir = data_dir;
    options.mutant = *mutant;
    records::Service service(options);
    std::cerr << "records-server: serving " << data_dir << " (mutant: " << records::mutant_name(*mutant) << ")\n";
    records::LineReader reader(STDIN_FILENO, kMaxLineBytes);
    while (auto line = reader.next()) {
      std::string answer =
          line->overlong
              ? R"({"id":null,"ok":false,"error":{"code":"invalid","message":"line longer than 16 MiB"}})"
              : service.handle_line(line->text);
      answer += '\n';
      if (!write_all(answer)) {
        std::cerr << "records-server: stdout closed: " << std::strerror(errno) << "\n";
        return 1;
      }
    }
    service.close();
  } catch (const std::exception& e) {
    std::cerr << "records-server: fatal: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
