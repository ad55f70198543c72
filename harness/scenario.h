// Scenario files (SPEC.md section 7): the unit every engine produces and every user can write.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/op_table.h"

namespace savefuzz {

// A request as sent (its JSON, without id) and as understood (typed, or malformed).
struct Call {
  Json wire;
  std::variant<Request, Malformed> typed;

  static Call of(const Request& r) { return {encode_request(r), r}; }
  static Call of(const Json& wire) { return {wire, decode_request(wire)}; }
  const Request* request() const { return std::get_if<Request>(&typed); }
};

enum class StepKind { request, restart, crash, crash_during };
std::string_view step_kind_name(StepKind k);

struct Step {
  StepKind kind = StepKind::request;
  std::optional<Call> call;    // request and crash_during
  std::optional<Json> expect;  // partial match on the answer (request steps)

  static Step request(Call c) { return {StepKind::request, std::move(c), std::nullopt}; }
  static Step control(StepKind k) { return {k, std::nullopt, std::nullopt}; }
  Json to_json() const;
};

struct Scenario {
  std::string name;
  std::string description;
  std::vector<Step> steps;
};

// What is wrong with a scenario file: where (file, 1-based step) and what.
struct ScenarioError {
  std::string file;
  std::optional<std::size_t> step;
  std::string what;
  std::string message() const;
};

// One step as a scenario file writes it, or what is wrong with it.
std::variant<Step, std::string> parse_step(const Json& step);
std::variant<Scenario, ScenarioError> parse_scenario(const Json& document, const std::string& file);
// The text of a scenario file; `file` names it in errors.
std::variant<Scenario, ScenarioError> parse_scenario_text(std::string_view text, const std::string& file);
std::variant<Scenario, ScenarioError> load_scenario(const std::filesystem::path& file);
Json scenario_to_json(const Scenario& s);
// Writes through a temporary file and a rename, so a reader never sees half a scenario.
// Returns an error message, empty on success.
std::string save_scenario(const std::filesystem::path& file, const Scenario& s);

// The scenario files under `path` (a file, or a folder searched recursively for *.json), sorted.
std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& path);

}  // namespace savefuzz
