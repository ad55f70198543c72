// savefuzz decode: read the bytes, decode them as save_path_fuzzer does, write the scenario.
#include "harness/decode_command.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>

#include "harness/atomic_file.h"
#include "harness/fuzz_input.h"
#include "harness/inprocess_target.h"

namespace savefuzz {

CLI::App* add_decode_command(CLI::App& app, DecodeOptions& o) {
  CLI::App* cmd = app.add_subcommand("decode", "turn a save_path_fuzzer input (crash file) into a scenario file");
  cmd->add_option("input", o.input, "the fuzzer input")->required();
  cmd->add_option("-o,--output", o.output, "where to write the scenario (default INPUT.json; - for standard output)");
  return cmd;
}

Scenario decode_fuzz_file(const std::filesystem::path& input) {
  std::ifstream in(input, std::ios::binary);
  if (!in) throw SetupError("cannot read " + input.string());
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  // The fuzzer decodes with the limits the in-process reference target announces.
  InProcessTarget reference(InProcessOptions{});
  if (auto fault = reference.start()) throw SetupError("the reference target does not start: " + fault->detail);
  Scenario s = decode_fuzz_input({reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, reference.limits());
  s.name = "fuzz-" + input.filename().string();
  s.description = "Decoded from the save_path_fuzzer input " + input.string() + " by `savefuzz decode`.";
  return s;
}

int run_decode(const DecodeOptions& o, const std::string& program) {
  Scenario s = decode_fuzz_file(o.input);
  if (o.output == "-") {
    std::cout << scenario_to_json(s).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
    return 0;
  }
  std::filesystem::path out = o.output.empty() ? o.input.string() + ".json" : o.output;
  if (auto err = save_scenario(out, s); !err.empty()) throw SetupError("cannot write " + out.string() + ": " + err);
  const char* mutant = std::getenv("SAVEFUZZ_MUTANT");
  std::cout << "savefuzz: wrote " << out.string() << " (" << s.steps.size() << " steps)\n"
            << "replay: " << program << " replay --target records"
            << (mutant && *mutant ? std::string(" --mutant ") + mutant : std::string()) << " " << out.string() << "\n";
  return 0;
}

CLI::App* add_encode_command(CLI::App& app, EncodeOptions& o) {
  CLI::App* cmd = app.add_subcommand("encode", "turn scenario files into save_path_fuzzer inputs (seeds)");
  cmd->add_option("paths", o.paths, "scenario files, or folders searched for *.json")->required();
  cmd->add_option("--out", o.out_dir, "folder for the inputs (<scenario file name>.bin)")->required();
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
      if (auto err = write_file_atomically(out, encode_scenario(std::get<Scenario>(loaded))); !err.empty())
        throw SetupError("cannot write " + out.string() + ": " + err);
      ++written;
    }
  }
  std::cout << "savefuzz: wrote " << written << " inputs to " << o.out_dir.string() << "\n";
  return 0;
}

}  // namespace savefuzz
