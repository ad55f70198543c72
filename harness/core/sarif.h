// Findings as SARIF 2.1.0 for code-scanning tools, and the baseline that tells a pull request's
// new findings from those already known.
//
// A finding's identity is its fingerprint: the invariant it breaks and the shape of its minimal
// scenario (the ops and control steps in order, without ids or values). Two runs that shrink the
// same bug to the same steps give the same fingerprint whatever the seed, the file name or the
// texts drawn.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "harness/core/invariants.h"
#include "harness/core/json.h"
#include "harness/core/runner.h"
#include "harness/core/scenario.h"

namespace savefuzz {

// What the SARIF result of one finding says. `file` is the scenario file as the run named it (a
// fuzzer's crash input when `invariant` is none: the fuzzer process itself failed).
struct SarifFinding {
  std::optional<Invariant> invariant;
  std::string file;
  std::size_t step = 0;      // 1-based diverging step; 0: none (the target failed to start)
  std::string message;       // one readable paragraph
  std::string reproduce;     // the command that shows it again
  Json properties = Json::object();  // more, as the engine knows it (where, reproduced, seed...)
};

// The SARIF view of a finding saved as `file`.
SarifFinding sarif_finding(const Finding& f, const std::string& file, const std::string& reproduce);

// The fingerprint of a finding: hex of a hash of the invariant's name and the shape.
std::string finding_fingerprint(std::optional<Invariant> invariant, const std::string& shape);
// The fingerprint of `f`, reading its scenario file (the crash input's bytes for a fuzzer crash).
std::string finding_fingerprint(const SarifFinding& f);

// Findings known before this run: a SARIF log savefuzz wrote (its results' fingerprints) or a
// folder of finding scenario files (the invariant read from the description savefuzz gives them;
// a scenario without one matches a finding of any invariant with its shape).
class Baseline {
 public:
  Baseline() = default;
  // Throws SetupError naming the file when it cannot be read or is neither form.
  static Baseline load(const std::filesystem::path& path);

  bool empty() const { return fingerprints_.empty() && shapes_.empty(); }
  std::size_t size() const { return fingerprints_.size() + shapes_.size(); }
  bool contains(const SarifFinding& f) const;

 private:
  void add_scenario(const std::filesystem::path& file);
  std::set<std::string> fingerprints_;
  std::set<std::string> shapes_;  // fingerprints without an invariant
};

// The SARIF log of a run: one result per finding, its rule the invariant, its location the
// scenario file and the line of the diverging step. With a baseline, each result's baselineState
// says whether it is new. `command` is the savefuzz command line that ran.
Json sarif_log(const std::vector<SarifFinding>& findings, const Baseline* baseline, const std::string& command,
               const std::vector<std::string>& notifications = {});

// The SARIF rule id of a finding: its invariant's name, or "fuzzer-crash".
std::string sarif_rule_id(std::optional<Invariant> invariant);

}  // namespace savefuzz
