// savefuzz report: reads the event stream a line at a time (a long campaign's stream need not
// fit in memory) and writes the page.
#include "harness/cli/report_command.h"

#include <fstream>
#include <iostream>

#include "harness/cli/report_flags.h"
#include "harness/core/html_report.h"
#include "harness/core/status.h"

namespace savefuzz {

CLI::App* add_report_command(CLI::App& app, ReportOptions& o) {
  CLI::App* cmd = app.add_subcommand("report", "write the HTML report of a run from its event stream (--events)");
  cmd->add_option("events", o.events, "the event stream: the file given to --events of run, replay or fuzz")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("-o,--output", o.out, "the HTML file to write")->required();
  cmd->footer(
      "Examples:\n"
      "  savefuzz run --target records --mutant share-skips-save --events run.jsonl\n"
      "  savefuzz report run.jsonl -o report.html\n"
      "  chromium report.html   # or any browser: the page is one file and loads nothing");
  return cmd;
}

int run_report(const ReportOptions& o) {
  std::ifstream in(o.events, std::ios::binary);
  if (!in) throw SetupError("cannot read the event stream " + o.events.string());
  HtmlReport report;
  std::string line;
  std::size_t number = 0, events = 0, skipped = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    Json event = Json::parse(line, nullptr, false);
    if (event.is_discarded() || !event.is_object() || !event.contains("type")) {
      // A line cut by a kill, or something else: named, left out, the rest still reported.
      std::cerr << "savefuzz: " << o.events.string() << ":" << number << ": not an event line, left out\n";
      ++skipped;
      continue;
    }
    report.add(event);
    ++events;
  }
  if (in.bad()) throw SetupError("cannot read the event stream " + o.events.string());
  if (events == 0)
    throw SetupError(o.events.string() + " holds no event line (" + std::to_string(skipped) +
                     " other line(s)): is it the file given to --events?");
  write_html_report(report, o.out, std::cout);
  return 0;
}

}  // namespace savefuzz
