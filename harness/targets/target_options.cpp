// Target selection: checks, construction, and the flags that name it again.
#include "harness/targets/target_options.h"

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
  if (!o.mutant.empty() && !records::mutant_from_name(o.mutant))
    throw SetupError("unknown mutant '" + o.mutant + "' (records-server --list-mutants lists them)");
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
    return std::make_unique<ProcessTarget>(p);
  }
  InProcessOptions in;
  in.mutant = *records::mutant_from_name(o.mutant);
  in.data_root = o.data_root;
  return std::make_unique<InProcessTarget>(in);
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

}  // namespace savefuzz
