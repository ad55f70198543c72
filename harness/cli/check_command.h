// `savefuzz check FILE...`: what QA run on a scenario they wrote by hand before committing it.
// Each file is read against the format (SPEC.md section 7), replayed on the model (an `expect`
// the contract contradicts is reported), and searched for what looks like real patient data.
// Every problem names the file, the line, the step and the key.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/core/patient_data.h"

namespace savefuzz {

struct CheckOptions {
  std::vector<std::string> paths;  // scenario files, or folders searched for *.json
  PatientDataRules rules;
  std::vector<std::string> extra_domains;  // --example-domain: more domains that count as examples
};

CLI::App* add_check_command(CLI::App& app, CheckOptions& options);

// Exit code: 0 every file is fine, 1 a problem in some file, 2 usage error.
int run_check(CheckOptions options);

}  // namespace savefuzz
