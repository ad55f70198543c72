// Target selection from the command line.
#include "harness/target_options.h"

#include <cctype>

#include "harness/inprocess_target.h"
#include "harness/process_target.h"
#include "harness/subprocess.h"
#include "targets/records/mutants.h"

namespace savefuzz {
namespace {

std::string quote_arg(const std::string& s) {
  if (!s.empty() && s.find_first_of(" \t'\"\\$`") == std::string::npos) return s;
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
  if (i == 0 || i > 12) return std::nullopt;
  long long n = std::stoll(text.substr(0, i));
  std::string unit = text.substr(i);
  if (unit == "ms") return std::chrono::milliseconds(n);
  if (unit.empty() || unit == "s") return std::chrono::milliseconds(n * 1000);
  if (unit == "m") return std::chrono::milliseconds(n * 60'000);
  if (unit == "h") return std::chrono::milliseconds(n * 3'600'000);
  return std::nullopt;
}

void add_duration_option(CLI::App& app, const std::string& name, std::optional<std::chrono::milliseconds>& out,
                         const std::string& help) {
  app.add_option_function<std::string>(
      name,
      [&out, name](const std::string& v) {
        auto d = parse_duration(v);
        if (!d || d->count() <= 0) throw CLI::ValidationError(name, "expects a duration such as 500ms, 60s, 10m or 2h");
        out = *d;
      },
      help);
}

void add_target_options(CLI::App& app, TargetOptions& o) {
  app.add_option("--target", o.builtin, "a built-in target: 'records' (the reference save path, in-process)");
  app.add_option("--target-cmd", o.command,
                 "a program speaking docs/protocol.md, with its arguments, e.g. 'build/dev/bin/records-server'");
  app.add_option("--mutant", o.mutant,
                 "switch on one bug of the reference target (records-server --list-mutants); with --target-cmd it "
                 "is passed on as --mutant NAME");
  app.add_option("--data-root", o.data_root, "where targets' data directories are made (default: /dev/shm)");
  add_duration_option(app, "--timeout", o.timeout, "deadline on every answer and on a clean exit (default 10s)");
  app.add_option_function<unsigned>(
         "--io-faults", [&o](unsigned p) { o.io_faults = p; },
         "percent of requests during which the in-process target's storage fails (disk full, I/O error); "
         "the seed decides which (default: 2 for run, 0 for replay)")
      ->check(CLI::Range(0u, 100u));
}

void validate(TargetOptions& o) {
  if (!o.builtin.empty() && !o.command.empty()) throw SetupError("--target and --target-cmd exclude each other");
  if (o.builtin.empty() && o.command.empty()) throw SetupError("name a target: --target records or --target-cmd 'PROGRAM ARGS'");
  if (!o.builtin.empty() && o.builtin != "records")
    throw SetupError("unknown --target '" + o.builtin + "' (the built-in target is 'records')");
  if (o.io_faults && *o.io_faults > 0 && !o.command.empty())
    throw SetupError("--io-faults works on the in-process target only (--target records)");
  if (!o.mutant.empty() && !records::mutant_from_name(o.mutant))
    throw SetupError("unknown mutant '" + o.mutant + "' (records-server --list-mutants lists them)");
  if (!o.command.empty()) {
    auto argv = split_command(o.command);
    if (argv.empty()) throw SetupError("--target-cmd is empty");
    Subprocess::check_executable(argv[0]);
  }
  if (o.data_root.empty()) o.data_root = default_data_root();
  std::error_code ec;
  if (!std::filesystem::is_directory(o.data_root, ec))
    throw SetupError("--data-root '" + o.data_root.string() + "' is not a directory");
}

std::unique_ptr<Target> make_target(const TargetOptions& o, std::uint64_t seed) {
  if (!o.command.empty()) {
    ProcessOptions p;
    p.argv = split_command(o.command);
    if (!o.mutant.empty()) {
      p.argv.push_back("--mutant");
      p.argv.push_back(o.mutant);
    }
    p.data_root = o.data_root;
    p.timeout = o.timeout.value_or(p.timeout);
    return std::make_unique<ProcessTarget>(p);
  }
  InProcessOptions in;
  in.mutant = *records::mutant_from_name(o.mutant);
  in.data_root = o.data_root;
  in.io_fault_percent = o.io_faults.value_or(0);
  in.fault_seed = seed;
  return std::make_unique<InProcessTarget>(in);
}

std::string target_flags(const TargetOptions& o) {
  std::string f = o.command.empty() ? "--target " + o.builtin : "--target-cmd " + quote_arg(o.command);
  if (!o.mutant.empty()) f += " --mutant " + o.mutant;
  if (o.timeout) f += " --timeout " + std::to_string(o.timeout->count()) + "ms";
  if (o.io_faults.value_or(0) > 0) f += " --io-faults " + std::to_string(*o.io_faults);
  return f;
}

}  // namespace savefuzz
