// Target selection: checks, construction, and the flags that name it again.
#include "harness/targets/target_options.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "harness/core/command_line.h"
#include "harness/core/duration.h"
#include "harness/targets/fault_library.h"
#include "harness/targets/inprocess_target.h"
#include "harness/targets/process_target.h"
#include "harness/targets/subprocess.h"
#include "targets/records/mutants.h"

namespace savefuzz {

void validate(TargetOptions& o) {
  if (!o.builtin.empty() && !o.command.empty()) throw SetupError("--target and --target-cmd exclude each other");
  if (o.builtin.empty() && o.command.empty()) throw SetupError("name a target: --target records or --target-cmd 'PROGRAM ARGS'");
  if (!o.builtin.empty() && o.builtin != "records")
    throw SetupError("unknown --target '" + o.builtin + "' (the built-in target is 'records')");
  if (!o.fault_library.empty() && !o.use_fault_library)
    throw SetupError("--fault-library and --no-fault-library exclude each other");
  if (!o.fault_library.empty() && o.command.empty())
    throw SetupError("--fault-library is for --target-cmd targets (the in-process target sees its storage itself)");
  if (!o.command.empty() && o.use_fault_library && o.fault_library.empty()) o.fault_library = default_fault_library();
  if (!o.fault_library.empty() && !std::filesystem::is_regular_file(o.fault_library))
    throw SetupError("--fault-library '" + o.fault_library.string() + "' is not a file");
  // The reference's mutants are known here; a program's are its own (an adapter plants the bugs it
  // wants savefuzz to find) and it judges the name itself, so only its form is checked: one word.
  if (!o.mutant.empty() && o.command.empty() && !records::mutant_from_name(o.mutant))
    throw SetupError("unknown mutant '" + o.mutant + "' (records-server --list-mutants lists them)");
  if (!o.mutant.empty() && !std::all_of(o.mutant.begin(), o.mutant.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '_' || c == '.';
      }))
    throw SetupError("--mutant '" + o.mutant + "': a mutant's name is letters, digits, '-', '_' and '.'");
  if (!o.command.empty()) {
    auto argv = split_command(o.command);
    if (argv.empty()) throw SetupError("--target-cmd is empty");
    Subprocess::check_executable(argv[0]);
  }
  // Named for where it came from: a directory no flag named is a surprise to the user.
  std::string data_root_from = "--data-root";
  if (o.data_root.empty()) {
    o.data_root = default_data_root();
    data_root_from = default_data_root_origin();
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(o.data_root, ec))
    throw SetupError(data_root_from + " '" + o.data_root.string() + "' is not a directory");
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
    // Found here too, so that options filled in code (tests, benchmarks) get it as the CLI does.
    if (o.use_fault_library) p.fault_library = o.fault_library.empty() ? default_fault_library() : o.fault_library;
    p.seed = seed;
    if (!o.data_dir_prefix.empty()) {
      p.data_dir_prefix = o.data_dir_prefix;
      // Named alike, so that what sweeps abandoned data directories sweeps these too.
      p.fault_dir_prefix = o.data_dir_prefix + "faults-";
    }
    return std::make_unique<ProcessTarget>(p);
  }
  InProcessOptions in;
  in.mutant = *records::mutant_from_name(o.mutant);
  in.data_root = o.data_root;
  if (!o.data_dir_prefix.empty()) in.data_dir_prefix = o.data_dir_prefix;
  return std::make_unique<InProcessTarget>(in);
}

Limits hello_limits(const TargetOptions& o) {
  if (o.command.empty()) return reference_limits();
  auto target = make_target(o, 0);
  if (auto fault = target->start()) throw SetupError("the target (" + target_flags(o) + ") does not start: " + fault->detail);
  return target->limits();
}

std::string target_flags(const TargetOptions& o) {
  std::string f = o.command.empty() ? "--target " + o.builtin : "--target-cmd " + shell_quote(o.command);
  if (!o.mutant.empty()) f += " --mutant " + o.mutant;
  if (o.timeout) f += " --timeout " + format_duration(*o.timeout);
  if (!o.command.empty() && !o.use_fault_library) f += " --no-fault-library";
  return f;
}

}  // namespace savefuzz

namespace savefuzz {

TargetSource target_source(const TargetOptions& options) {
  return {[options](std::uint64_t seed) { return make_target(options, seed); }, target_flags(options)};
}

namespace {
constexpr const char* kCommandVar = "SAVEFUZZ_TARGET_CMD";
constexpr const char* kMutantVar = "SAVEFUZZ_MUTANT";
constexpr const char* kTimeoutVar = "SAVEFUZZ_TIMEOUT";
constexpr const char* kNoFaultLibraryVar = "SAVEFUZZ_NO_FAULT_LIBRARY";
}  // namespace

TargetEnvironment target_environment(const TargetOptions& o) {
  TargetEnvironment env;
  auto put = [&](const char* name, const std::string& value) {
    if (value.empty()) env.unset.push_back(name);
    else env.set[name] = value;
  };
  put(kCommandVar, o.command);
  put(kMutantVar, o.mutant);
  put(kTimeoutVar, o.timeout ? format_duration(*o.timeout) : "");
  put(kNoFaultLibraryVar, o.use_fault_library ? "" : "1");
  if (!o.fault_library.empty()) env.set["SAVEFUZZ_FAULT_LIBRARY"] = o.fault_library.string();
  if (!o.data_root.empty()) env.set["SAVEFUZZ_DATA_ROOT"] = o.data_root.string();
  return env;
}

std::string TargetEnvironment::prefix() const {
  std::string out;
  for (const auto& [name, value] : set) out += name + "=" + shell_quote(value) + " ";
  return out;
}

TargetOptions target_from_environment() {
  auto var = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v ? v : "";
  };
  TargetOptions o;
  o.command = var(kCommandVar);
  if (o.command.empty()) o.builtin = "records";
  o.mutant = var(kMutantVar);
  if (std::string t = var(kTimeoutVar); !t.empty()) {
    o.timeout = parse_duration(t);
    if (!o.timeout || o.timeout->count() <= 0)
      throw SetupError(std::string("$") + kTimeoutVar + " '" + t + "' is no duration such as 500ms or 10s");
  }
  if (std::string no = var(kNoFaultLibraryVar); !no.empty()) {
    if (no != "1") throw SetupError(std::string("$") + kNoFaultLibraryVar + " is 1 or unset, not '" + no + "'");
    o.use_fault_library = false;
  }
  return o;
}

}  // namespace savefuzz
