// Naming, describing, saving and printing a finding.
#include "harness/core/findings.h"

#include "harness/core/report.h"

namespace savefuzz {

std::filesystem::path save_finding(const std::filesystem::path& dir, FindingToSave f, std::ostream& out) {
  std::filesystem::path file = dir / (f.stem + ".json");
  std::string reproduce = f.replay.for_file(file.string());
  f.scenario.name = f.stem;
  f.scenario.description = "Found by " + f.found_by + ", shrunk from " + std::to_string(f.original_steps) + " to " +
                           std::to_string(f.scenario.steps.size()) + " steps: " +
                           std::string(invariant_name(f.finding.invariant)) + " (" +
                           std::string(breach_name(breach_of(f.finding.invariant))) + " breach) at " + f.finding.where +
                           (f.finding.first_visible ? ", " + first_visible_text(f.finding) : "") +
                           (f.finding.replays ? "; " + reproduced_text(f.finding) + " on new targets" : "") +
                           ". Reproduce: " + reproduce;
  if (auto err = save_scenario(file, f.scenario)) throw SetupError("cannot save a finding: " + err->message);
  Report report;
  report.replay = f.replay;
  print_outcome(out, report, {file.string(), f.scenario.name, f.finding, {}, 0, 0});
  out << "  shrunk:    " << f.original_steps << " -> " << f.scenario.steps.size() << " steps in " << f.shrink_runs
      << " runs";
  if (f.localize_runs) out << ", localized in " << f.localize_runs << " runs";
  out << "\n";
  return file;
}

}  // namespace savefuzz
