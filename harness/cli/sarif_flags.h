// --sarif and --baseline, shared by run, replay and fuzz: which findings are new, and the SARIF
// log that says so.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

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

}  // namespace savefuzz
