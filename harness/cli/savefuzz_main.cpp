// savefuzz: the command. Subcommands parse their flags once into an options struct.
#include <iostream>

#include <CLI/CLI.hpp>

#include "harness/cli/check_command.h"
#include "harness/cli/corpus_command.h"
#include "harness/cli/decode_command.h"
#include "harness/cli/fuzz_command.h"
#include "harness/cli/replay_command.h"
#include "harness/cli/report_command.h"
#include "harness/cli/run_command.h"
#include "harness/core/command_line.h"
#include "harness/core/status.h"

namespace {

constexpr int kExitUsage = 2;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "savefuzz: fuzzes and property-tests the save path of medical-records software against an executable "
      "model of its contract (docs/protocol.md).\n"
      "Exit codes: 0 nothing found, 1 a finding, 2 usage or set-up error.",
      "savefuzz"};
  app.require_subcommand(1);
  app.footer(
      "First steps (from the repository root, after `bash ci/campaign.sh` or a build):\n"
      "  savefuzz run --target records --time 30s               # the reference save path: nothing to find\n"
      "  savefuzz run --target records --mutant share-skips-save --report-html report.html\n"
      "                                                         # a planted bug: one finding, shrunk, in a page\n"
      "  savefuzz replay corpus/regressions --target records    # the regression scenarios\n"
      "  savefuzz run --target-cmd 'python3 my_adapter.py' --time 10m   # your save path (docs/adapters.md)\n"
      "  savefuzz check my-incident.json                        # a scenario written by hand (docs/scenarios.md)\n"
      "The planted bugs: records-server --list-mutants. A command's flags and examples: savefuzz COMMAND --help.");
  savefuzz::ReplayOptions replay;
  CLI::App* replay_cmd = savefuzz::add_replay_command(app, replay);
  savefuzz::RunOptions run;
  CLI::App* run_cmd = savefuzz::add_run_command(app, run);
  savefuzz::FuzzOptions fuzz;
  CLI::App* fuzz_cmd = savefuzz::add_fuzz_command(app, fuzz);
  savefuzz::DecodeOptions decode;
  CLI::App* decode_cmd = savefuzz::add_decode_command(app, decode);
  savefuzz::EncodeOptions encode;
  CLI::App* encode_cmd = savefuzz::add_encode_command(app, encode);
  savefuzz::CheckOptions check;
  CLI::App* check_cmd = savefuzz::add_check_command(app, check);
  savefuzz::CorpusOptions corpus;
  auto [merge_cmd, prune_cmd] = savefuzz::add_corpus_command(app, corpus);
  savefuzz::ReportOptions report;
  CLI::App* report_cmd = savefuzz::add_report_command(app, report);
  if (argc == 1) {  // no command: what the tool is and how to start
    std::cout << app.help();
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "savefuzz: " << e.what() << "\nrun 'savefuzz --help' or 'savefuzz COMMAND --help' for usage\n";
    return kExitUsage;
  }
  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + savefuzz::shell_quote(argv[i]);
  replay.sarif.command_line = run.sarif.command_line = fuzz.sarif.command_line = command_line;
  try {
    if (replay_cmd->parsed()) return savefuzz::run_replay(replay, argv[0]);
    if (run_cmd->parsed()) return savefuzz::run_run(run, argv[0]);
    if (fuzz_cmd->parsed()) return savefuzz::run_fuzz(fuzz, argv[0]);
    if (decode_cmd->parsed()) return savefuzz::run_decode(decode, argv[0]);
    if (encode_cmd->parsed()) return savefuzz::run_encode(encode);
    if (check_cmd->parsed()) return savefuzz::run_check(check);
    if (merge_cmd->parsed()) return savefuzz::run_corpus_merge(corpus);
    if (prune_cmd->parsed()) return savefuzz::run_corpus_prune(corpus);
    if (report_cmd->parsed()) return savefuzz::run_report(report);
  } catch (const savefuzz::SetupError& e) {
    std::cerr << "savefuzz: set-up error: " << e.what() << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    // A bug of the harness itself: say so, never as a finding about the target.
    std::cerr << "savefuzz: internal error: " << e.what() << "\n";
    return kExitUsage;
  }
  return kExitUsage;
}
