// Scenario files (SPEC.md section 7): the unit every engine produces and every user can write.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/core/op_table.h"
#include "harness/core/status.h"
#include "harness/core/storage_fault.h"

namespace savefuzz {

// A request as sent (its JSON, without id) and as understood (typed, or malformed).
struct Call {
  Json wire;
  std::variant<Request, Malformed> typed;

  static Call of(const Request& r) { return {encode_request(r), r}; }
  static Call of(const Json& wire) { return {wire, decode_request(wire)}; }
  const Request* request() const { return std::get_if<Request>(&typed); }
};

// The kinds of step (SPEC.md sections 5 and 7), a closed set: code that handles steps visits
// StepBody with one case per kind (std::visit), so a new kind does not compile until the runner,
// the shrinker, the fuzz encoding, the scenario reader and writer and the reports handle it.
struct RequestStep {
  Call call;
  std::optional<Json> expect;  // partial match on the answer
  std::optional<StorageFault> fault;
};
struct RestartStep {
  static constexpr std::string_view kName = "restart";
};
struct CrashStep {
  static constexpr std::string_view kName = "crash";
};
struct CrashDuringStep {
  static constexpr std::string_view kName = "crash_during";
  Call call;
  // `"at": {"sync": K}`: killed inside the target's K-th sync call while handling the request, or
  // right after it writes its answer when it makes fewer. Without it the harness picks the point
  // from the seed.
  std::optional<unsigned> at_sync;
};
// SPEC.md section 8's `reset`, written {"op":"reset"} in a scenario file: every entity and value
// is dropped. Never generated: the harness joins the scenarios a reset target ran with it when
// that target's reset is suspected of keeping state (reset-clean), and users may write it. On a
// target without the feature it is a new process on an empty data directory, which is what a
// reset must be equal to.
struct ResetStep {
  static constexpr std::string_view kName = "reset";
};
// A crash, and every write the target made since its last completed sync of that file is lost (the
// last one may be torn at a 512-byte boundary). Only targets whose storage the harness sees run it.
struct PowerLossStep {
  static constexpr std::string_view kName = "power_loss";
};
using StepBody = std::variant<RequestStep, RestartStep, CrashStep, CrashDuringStep, ResetStep, PowerLossStep>;

// StepBody's alternatives by index, for tables and counters; the static_assert keeps them in step.
enum class StepKind : std::uint8_t { request, restart, crash, crash_during, reset, power_loss };
inline constexpr std::size_t kStepKindCount = std::variant_size_v<StepBody>;
static_assert(kStepKindCount == static_cast<std::size_t>(StepKind::power_loss) + 1,
              "StepKind lists StepBody's alternatives in order");
inline constexpr std::size_t kControlKindCount = kStepKindCount - 1;  // all but request
// The control kinds generators and fuzz inputs draw: all but reset (which only joins scenarios).
constexpr bool drawn_control(StepKind k) { return k != StepKind::request && k != StepKind::reset; }
std::string_view step_kind_name(StepKind k);

// std::visit(overloaded{[](const RequestStep&) {...}, ...}, step.body): one lambda per kind.
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
template <class... F>
overloaded(F...) -> overloaded<F...>;

struct Step {
  StepBody body;

  static Step request(Call c, std::optional<Json> expect = std::nullopt, std::optional<StorageFault> fault = std::nullopt) {
    return {RequestStep{std::move(c), std::move(expect), fault}};
  }
  static Step restart() { return {RestartStep{}}; }
  static Step crash() { return {CrashStep{}}; }
  static Step crash_during(Call c, std::optional<unsigned> at_sync = std::nullopt) {
    return {CrashDuringStep{std::move(c), at_sync}};
  }
  static Step reset() { return {ResetStep{}}; }
  static Step power_loss() { return {PowerLossStep{}}; }

  StepKind kind() const { return static_cast<StepKind>(body.index()); }
  bool is_request() const { return kind() == StepKind::request; }
  // The request this step sends (a request step's, or a crash_during's), if any.
  const Call* call() const;
  Call* call();
  const std::optional<Json>* expect() const;  // request steps only
  const std::optional<StorageFault>* fault() const;  // request steps only
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

// JSON text with duplicate keys refused (throws, as Json::parse does on bad JSON): a scenario file,
// and a protocol line (SPEC.md 4a.2), must mean one thing.
Json parse_strict(const std::string& text);

// One step as a scenario file writes it, or what is wrong with it.
Result<Step> parse_step(const Json& step);
Result<Scenario, ScenarioError> parse_scenario(const Json& document, const std::string& file);
// The text of a scenario file; `file` names it in errors.
Result<Scenario, ScenarioError> parse_scenario_text(std::string_view text, const std::string& file);
Result<Scenario, ScenarioError> load_scenario(const std::filesystem::path& file);
Json scenario_to_json(const Scenario& s);
// Writes through a temporary file and a rename, so a reader never sees half a scenario.
Status save_scenario(const std::filesystem::path& file, const Scenario& s);

// The steps' ops and control kinds in order, without ids or values: "create_practice
// share_document crash_during(save_observation) restart". What fingerprints and event streams
// name a scenario by.
std::string scenario_shape(const Scenario& s);

// The 1-based line on which each element of the top-level "steps" array begins, in the text of a
// scenario file: where a report points for "step N". Reads any JSON text without failing; a text
// that is not a scenario gives what it can (possibly nothing).
std::vector<std::size_t> step_lines(std::string_view text);

// The scenario files under `path` (a file, or a folder searched recursively for *.json), sorted.
std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& path);

}  // namespace savefuzz
