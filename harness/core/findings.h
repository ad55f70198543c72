// A finding saved and reported the same way by every engine (`savefuzz run`, `savefuzz fuzz`):
// the scenario file first, atomically, then the report that names it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>

#include "harness/core/command_line.h"
#include "harness/core/runner.h"
#include "harness/core/scenario.h"

namespace savefuzz {

struct FindingToSave {
  Scenario scenario;            // the shrunk scenario (its name and description are set here)
  Finding finding;              // as that scenario shows it
  std::string stem;             // the file name, without .json
  std::string found_by;         // "`savefuzz run --target records --seed 1` (case 12)"
  std::size_t original_steps = 0, shrink_runs = 0, localize_runs = 0;
  ReplayCommand replay;         // how to replay it; the reproduce line adds the file
};

// Writes `f.scenario` to `dir`/`stem`.json, its description saying who found it, what it breaks
// and where, and how to reproduce it; then prints the finding to `out`. Returns the file.
// Throws SetupError when the file cannot be written: a finding is never lost silently.
std::filesystem::path save_finding(const std::filesystem::path& dir, FindingToSave f, std::ostream& out);

}  // namespace savefuzz
