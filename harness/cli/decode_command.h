// `savefuzz decode FILE` and `savefuzz encode`: a save_path_fuzzer input (a crash file) as a scenario file, so every
// fuzzer finding can become a regression scenario.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>


namespace savefuzz {

struct DecodeOptions {
  std::filesystem::path input;
  std::string output;  // empty: INPUT.json; "-": standard output
};

CLI::App* add_decode_command(CLI::App& app, DecodeOptions& options);

// Exit code: 0 written, 2 unreadable input or unwritable output.
int run_decode(const DecodeOptions& options, const std::string& program);

// `savefuzz encode SCENARIO... --out DIR`: the reverse, for seeds: each scenario file becomes a
// save_path_fuzzer input (DIR/<name>.bin) that decodes to exactly its steps.
struct EncodeOptions {
  std::vector<std::string> paths;
  std::filesystem::path out_dir;
};

CLI::App* add_encode_command(CLI::App& app, EncodeOptions& options);
int run_encode(const EncodeOptions& options);

}  // namespace savefuzz
