// The report flags shared by run, replay and fuzz: --sarif and --baseline (which findings are
// new, and the SARIF log that says so) and --events (the JSON-lines event stream).
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/core/events.h"
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

void add_events_option(CLI::App& cmd, std::filesystem::path& events);
// The event stream, or none when `file` is empty.
std::unique_ptr<EventLog> open_events(const std::filesystem::path& file, const std::string& property);
// A finding's line in the event stream: the finding, its scenario file and how to replay it.
Json finding_event(const Finding& f, const std::string& file, const std::string& reproduce);

}  // namespace savefuzz
