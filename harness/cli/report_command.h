// `savefuzz report EVENTS.jsonl -o FILE`: the HTML report of a run from its event stream, the same
// page `--report-html` writes at the end of the run. For a run that was killed, or one that ran
// on a CI machine and kept only its events file.
#pragma once

#include <filesystem>

#include <CLI/CLI.hpp>

namespace savefuzz {

struct ReportOptions {
  std::filesystem::path events;  // the event stream (`--events` of run, replay or fuzz)
  std::filesystem::path out;     // the HTML file
};

CLI::App* add_report_command(CLI::App& app, ReportOptions& options);

// Exit code: 0 the report is written (lines that are not events are named and left out), 2 the
// events file cannot be read, holds no event, or the report cannot be written.
int run_report(const ReportOptions& options);

}  // namespace savefuzz
