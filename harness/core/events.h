// The event stream (`--events FILE`): one JSON line per case, per finding and per run, written
// as the run goes (a killed run keeps every line written so far). The fields follow Hypothesis's
// observability format where they fit: test-case lines have type "test_case", status
// (passed / failed / gave_up), status_reason, representation, arguments, how_generated, features,
// timing, metadata, property and run_start; findings and the run's start and end are "info"
// lines with title and content. Each line also says which savefuzz event it is ("event").
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>

#include "harness/core/json.h"
#include "harness/core/runner.h"

namespace savefuzz {

// A case's features in model terms: each op and answer code seen, each control and fault step,
// each save-path situation (features.h), with how often; zero counts left out.
Json features_json(const Coverage& c);
// The names of every feature `c` never reached ("op:update_appointment", "situation:...").
std::vector<std::string> features_never_reached(const Coverage& c);
// The features `c` reached as keys for corpus upkeep: the name, and how often in powers of two
// ("op:save_observation", "op:save_observation*2", ... up to *16), as libFuzzer buckets its
// counters. A scenario adds something when it has a key no other kept one has.
std::vector<std::string> feature_keys(const Coverage& c);

struct CaseEvent {
  bool failed = false;
  std::string gave_up;          // why the case could not run (not runnable on this target), else empty
  std::string status_reason;    // for a failure: the invariant and where
  std::string representation;   // the scenario: its shape, or its file
  Json arguments = Json::object();  // what generated it: seed, case index, max_steps...
  std::string how_generated;    // "generated", "replayed", "fuzzer input"
  Coverage coverage;
  std::size_t requests = 0;
  double seconds = 0;
  Json metadata = Json::object();
};

class EventLog {
 public:
  // Truncates `file` (no file when it is empty); throws SetupError when it cannot be written.
  // `property` names what is tested ("save path of records-server --mutant x"). `also` is given
  // every line too, in order, under the log's lock (the HTML report is built from it).
  EventLog(const std::filesystem::path& file, std::string property, std::function<void(const Json&)> also = {});

  void run_start(const std::string& command, const Json& arguments);
  void test_case(const CaseEvent& e);
  void finding(const Json& content);
  // The run's summary: `totals` (when the run saw its cases) gives its features and those never
  // reached.
  void run_end(const Json& summary, const Coverage* totals);

 private:
  void write(Json line);
  std::mutex mu_;
  std::ofstream out_;
  std::filesystem::path file_;
  std::function<void(const Json&)> also_;
  std::string property_;
  double run_start_;
};

}  // namespace savefuzz
