// The report flags shared by run, replay and fuzz: --sarif and --baseline (which findings are
// new, and the SARIF log that says so), --events (the JSON-lines event stream) and --report-html
// (the page built from those lines).
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/core/events.h"
#include "harness/core/html_report.h"
#include "harness/core/sarif.h"

namespace savefuzz {

struct SarifOptions {
  std::filesystem::path sarif;     // write the SARIF 2.1.0 log here
  std::filesystem::path baseline;  // findings known already: a SARIF log or a findings folder
  std::string command_line;        // the savefuzz command as it was run, for the log
};

void add_sarif_options(CLI::App& cmd, SarifOptions& options);

// The baseline, loaded once; then the log, written once at the end of the command.
class SarifOutput {
 public:
  explicit SarifOutput(const SarifOptions& options);  // throws SetupError for an unreadable baseline

  bool has_baseline() const { return has_baseline_; }
  bool known(const SarifFinding& f) const { return has_baseline_ && baseline_.contains(f); }
  // Writes the log when --sarif was given; prints which findings the baseline knows. Returns how
  // many are new: what the exit code counts.
  std::size_t finish(const std::vector<SarifFinding>& findings, std::ostream& out,
                     const std::vector<std::string>& notifications = {}) const;

 private:
  const SarifOptions& options_;
  Baseline baseline_;
  bool has_baseline_ = false;
};

struct EventOptions {
  std::filesystem::path events;  // --events: the JSON-lines event stream
  std::filesystem::path html;    // --report-html: the HTML report, built from the same lines
};

void add_event_options(CLI::App& cmd, EventOptions& options);

// The event stream and the HTML report of one command: both see the same lines.
class EventOutput {
 public:
  EventOutput(const EventOptions& options, const std::string& property);  // throws SetupError
  EventOutput(const EventOutput&) = delete;  // the log's callback holds `this`
  EventOutput& operator=(const EventOutput&) = delete;
  EventLog* log() { return log_.get(); }  // null when neither was asked for
  // Writes the HTML report, when asked for, and says where. Called once, after the run's end line.
  void finish(std::ostream& out);

 private:
  const EventOptions& options_;
  HtmlReport html_;
  std::unique_ptr<EventLog> log_;
};

// Writes `report` to `file` atomically; throws SetupError when it cannot.
void write_html_report(const HtmlReport& report, const std::filesystem::path& file, std::ostream& out);

}  // namespace savefuzz
