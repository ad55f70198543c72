// Reports of a replay or a campaign: readable text, JSON, JUnit XML.
#pragma once

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/core/command_line.h"
#include "harness/core/runner.h"

namespace savefuzz {

struct ScenarioOutcome {
  std::string file;
  std::string name;
  std::optional<Finding> finding;  // a failure
  std::string error;               // the scenario could not be run (bad file); empty otherwise
  std::size_t requests = 0;
  double seconds = 0;
  Coverage coverage{};  // what the scenario reached (for the event stream)
};

struct Report {
  ReplayCommand replay;  // how to run it again; reproduce lines add the scenario file
  std::string target;
  std::vector<ScenarioOutcome> outcomes;

  std::size_t failed() const;
  std::size_t errors() const;
};


// "first visible after step 5 (update_appointment)"; empty when the finding was not localized.
std::string first_visible_text(const Finding& f);
// "reproduced 3/3", "flaky 1/3"; empty when it was not replayed.
std::string reproduced_text(const Finding& f);

// A finding as JSON: invariant, breach, step, answers, detail, localization, reproduction, and the
// transcript of the run that showed it (null when none was recorded).
Json finding_json(const Finding& f);
// A finding's line in the event stream (and what the HTML report reads): the finding, its
// scenario file and how to replay it.
Json finding_event(const Finding& f, const std::string& file, const std::string& reproduce);

void print_outcome(std::ostream& out, const Report& report, const ScenarioOutcome& o);
void print_summary(std::ostream& out, const Report& report);
Json report_json(const Report& report);
std::string junit_xml(const Report& report);

}  // namespace savefuzz
