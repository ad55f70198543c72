// savefuzz decode: read the bytes, decode them as save_path_fuzzer does, write the scenario.
#include "harness/cli/decode_command.h"

#include <iostream>

#include "harness/core/atomic_file.h"
#include "harness/core/command_line.h"
#include "harness/core/fuzz_input.h"
#include "harness/targets/target_options.h"

namespace savefuzz {

CLI::App* add_decode_command(CLI::App& app, DecodeOptions& o) {
  CLI::App* cmd = app.add_subcommand("decode", "turn a save_path_fuzzer input (crash file) into a scenario file");
  cmd->add_option("input", o.input, "the fuzzer input")->required();
  cmd->add_option("-o,--output", o.output, "where to write the scenario (default INPUT.json; - for standard output)");
  cmd->footer(
      "Examples:\n"
      "  savefuzz decode findings/fuzz/crashes/save_path_fuzzer/crash-1a2b -o crash.json\n"
      "  savefuzz decode seed.bin -o -   # print the scenario\n"
      "It decodes as the fuzzer did, with the limits of the target the fuzzer's environment named: the\n"
      "in-process reference, or $SAVEFUZZ_TARGET_CMD (savefuzz fuzz --target-cmd sets it, and prints it\n"
      "in its reproduce lines), with $SAVEFUZZ_MUTANT and $SAVEFUZZ_TIMEOUT.");
  return cmd;
}

int run_decode(const DecodeOptions& o, const std::string& program) {
  // As the fuzzer that wrote the input decoded it: with the limits of the target the environment
  // names (target_options.h), which the replay line names too.
  TargetOptions target = target_from_environment();
  validate(target);
  Scenario s = decode_fuzz_file(o.input, hello_limits(target));
  if (o.output == "-") {
    std::cout << scenario_to_json(s).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::filesystem::path out = o.output.empty() ? o.input.string() + ".json" : o.output;
  if (auto err = save_scenario(out, s)) throw SetupError("cannot write " + out.string() + ": " + err->message);
  std::cout << "savefuzz: wrote " << out.string() << " (" << s.steps.size() << " steps)\n"
            << "replay: " << ReplayCommand{program, target_flags(target)}.for_file(out.string()) << "\n";
  return 0;
}

CLI::App* add_encode_command(CLI::App& app, EncodeOptions& o) {
  CLI::App* cmd = app.add_subcommand("encode", "turn scenario files into save_path_fuzzer inputs (seeds)");
  cmd->add_option("paths", o.paths, "scenario files, or folders searched for *.json")->required();
  cmd->add_option("--out", o.out_dir, "folder for the inputs (<scenario file name>.bin)")->required();
  cmd->footer(
      "Example (the seeds of save_path_fuzzer, from the regressions):\n"
      "  savefuzz encode corpus/regressions --out corpus/seeds/save_path_fuzzer");
  return cmd;
}

int run_encode(const EncodeOptions& o) {
  std::error_code ec;
  std::filesystem::create_directories(o.out_dir, ec);
  if (ec) throw SetupError("cannot create " + o.out_dir.string() + ": " + ec.message());
  std::size_t written = 0;
  for (const auto& path : o.paths) {
    if (!std::filesystem::exists(path, ec)) throw SetupError("no such file or folder: " + path);
    for (const auto& file : scenario_files(path)) {
      auto loaded = load_scenario(file);
      if (auto* bad = std::get_if<ScenarioError>(&loaded)) throw SetupError(bad->message());
      std::filesystem::path out = o.out_dir / (file.stem().string() + ".bin");
      if (auto err = write_file_atomically(out, encode_scenario(std::get<Scenario>(loaded))))
        throw SetupError("cannot write " + out.string() + ": " + err->message);
      ++written;
    }
  }
  std::cout << "savefuzz: wrote " << written << " inputs to " << o.out_dir.string() << "\n";
  return 0;
}

}  // namespace savefuzz
