// Loading, validating and saving scenario files.
#include "harness/core/scenario.h"

#include <algorithm>
#include <cerrno>
#include <array>
#include <fstream>
#include <set>
#include <sstream>
#include <type_traits>
#include <utility>

#include "harness/core/atomic_file.h"

namespace savefuzz {
namespace {

constexpr std::size_t kMaxScenarioBytes = 256u << 20;

ScenarioError error(const std::string& file, std::optional<std::size_t> step, std::string what) {
  return {file, step, std::move(what)};
}

std::optional<std::string> check_request_object(const Json& r) {
  if (!r.is_object()) return "a request must be a JSON object";
  if (r.contains("id")) return "a request step has no \"id\": the harness numbers requests";
  if (!r.contains("op")) return "a request step needs \"op\"";
  if (r["op"] == "hello") return "\"hello\" is sent by the harness at every start; leave it out";
  return std::nullopt;
}

}  // namespace

const Call* Step::call() const {
  return std::visit(overloaded{[](const RequestStep& r) -> const Call* { return &r.call; },
                               [](const RestartStep&) -> const Call* { return nullptr; },
                               [](const CrashStep&) -> const Call* { return nullptr; },
                               [](const CrashDuringStep& c) -> const Call* { return &c.call; },
                               [](const ResetStep&) -> const Call* { return nullptr; },
                               [](const PowerLossStep&) -> const Call* { return nullptr; }},
                    body);
}

Call* Step::call() { return const_cast<Call*>(std::as_const(*this).call()); }

const std::optional<Json>* Step::expect() const {
  const auto* r = std::get_if<RequestStep>(&body);
  return r ? &r->expect : nullptr;
}

const std::optional<StorageFault>* Step::fault() const {
  const auto* r = std::get_if<RequestStep>(&body);
  return r ? &r->fault : nullptr;
}

int StorageFault::errno_value() const { return error == Errno::enospc ? ENOSPC : EIO; }

Json StorageFault::to_json() const {
  return Json{{"on", on == On::sync ? "sync" : "write"}, {"n", n}, {"errno", error == Errno::enospc ? "ENOSPC" : "EIO"}};
}

namespace {

// A count in a fault (n, or a crash_during's sync K): an integer 1..kMaxFaultN.
std::optional<unsigned> fault_count(const Json& v) {
  if (!v.is_number_integer()) return std::nullopt;
  auto n = v.get<std::int64_t>();
  if (n < 1 || n > static_cast<std::int64_t>(kMaxFaultN)) return std::nullopt;
  return static_cast<unsigned>(n);
}

}  // namespace

Result<StorageFault> StorageFault::parse(const Json& j) {
  if (!j.is_object()) return Error{"\"fault\" must be an object {\"on\", \"n\", \"errno\"}"};
  StorageFault f;
  for (const auto& [k, v] : j.items()) {
    if (k == "on") {
      if (v == "write") f.on = On::write;
      else if (v == "sync") f.on = On::sync;
      else return Error{"fault \"on\" must be \"write\" or \"sync\""};
    } else if (k == "n") {
      auto n = fault_count(v);
      if (!n) return Error{"fault \"n\" must be an integer from 1 to " + std::to_string(kMaxFaultN)};
      f.n = *n;
    } else if (k == "errno") {
      if (v == "EIO") f.error = Errno::eio;
      else if (v == "ENOSPC") f.error = Errno::enospc;
      else return Error{"fault \"errno\" must be \"EIO\" or \"ENOSPC\""};
    } else {
      return Error{"unknown key \"" + k + "\" in \"fault\" (on, n, errno)"};
    }
  }
  if (!j.contains("on") || !j.contains("n")) return Error{"\"fault\" needs \"on\" and \"n\""};
  return f;
}

namespace {

// The control step named `name` with the rest of `j`, or why not: each control kind in turn.
template <std::size_t I = 1>
Result<Step> parse_control(const std::string& name, const Json& j) {
  if constexpr (I == kStepKindCount) {
    std::string known;
    for (std::size_t k = 1; k < kStepKindCount; ++k)
      known += (k > 1 ? ", " : "") + std::string(step_kind_name(static_cast<StepKind>(k)));
    return Error{"unknown control \"" + name + "\" (" + known + ")"};
  } else {
    using Kind = std::variant_alternative_t<I, StepBody>;
    if (name != Kind::kName) return parse_control<I + 1>(name, j);
    if constexpr (std::is_same_v<Kind, CrashDuringStep>) {
      std::optional<unsigned> at_sync;
      for (const auto& [k, v] : j.items()) {
        if (k == "at") {
          if (!v.is_object() || v.size() != 1 || !v.contains("sync") || !(at_sync = fault_count(v["sync"])))
            return Error{"crash_during \"at\" must be {\"sync\": K} with K from 1 to " + std::to_string(kMaxFaultN)};
        } else if (k != "control" && k != "request") {
          return Error{"unknown key \"" + k + "\" in a control step"};
        }
      }
      if (!j.contains("request")) return Error{"crash_during needs \"request\""};
      if (auto bad = check_request_object(j["request"])) return Error{"crash_during request: " + *bad};
      return Step::crash_during(Call::of(j["request"]), at_sync);
    } else if constexpr (std::is_same_v<Kind, ResetStep>) {
      return Error{"reset is a request of SPEC.md section 8: write {\"op\":\"reset\"}"};
    } else {
      for (const auto& [k, v] : j.items())
        if (k != "control") return Error{"unknown key \"" + k + "\" in a control step"};
      return Step{Kind{}};
    }
  }
}

}  // namespace

Result<Step> parse_step(const Json& j) {
  if (!j.is_object()) return Error{"a step must be a JSON object"};
  bool has_control = j.contains("control"), has_op = j.contains("op");
  if (has_control == has_op) return Error{"a step has exactly one of \"op\" (a request) and \"control\""};
  std::optional<Json> expect;
  if (j.contains("expect")) {
    if (!j["expect"].is_object()) return Error{"\"expect\" must be an object (a partial answer)"};
    expect = j["expect"];
  }
  if (has_op && j["op"] == ResetStep::kName) {
    for (const auto& [k, v] : j.items())
      if (k != "op") return Error{"a reset step has no \"" + k + "\""};
    return Step::reset();
  }
  std::optional<StorageFault> fault;
  if (j.contains("fault")) {
    if (!has_op) return Error{"\"fault\" belongs on request steps, not control steps"};
    auto f = StorageFault::parse(j["fault"]);
    if (auto* bad = std::get_if<Error>(&f)) return *bad;
    fault = std::get<StorageFault>(f);
  }
  if (has_op) {
    Json wire = j;
    wire.erase("expect");
    wire.erase("fault");
    if (auto bad = check_request_object(wire)) return Error{*bad};
    return Step::request(Call::of(wire), expect, fault);
  }
  if (expect) return Error{"\"expect\" belongs on request steps, not control steps"};
  const Json& c = j["control"];
  if (!c.is_string()) return Error{"\"control\" must be a string"};
  return parse_control(c.get<std::string>(), j);
}

Json parse_strict(const std::string& text) {
  std::vector<std::set<std::string>> open;
  return Json::parse(text, [&](int, Json::parse_event_t event, Json& parsed) {
    if (event == Json::parse_event_t::object_start) open.emplace_back();
    if (event == Json::parse_event_t::object_end) open.pop_back();
    if (event == Json::parse_event_t::key && !open.back().insert(parsed.get<std::string>()).second)
      throw std::runtime_error("duplicate key \"" + parsed.get<std::string>() + "\"");
    return true;
  });
}

std::string_view step_kind_name(StepKind k) {
  static constexpr std::array<std::string_view, kStepKindCount> kNames{
      "request", RestartStep::kName, CrashStep::kName, CrashDuringStep::kName, ResetStep::kName, PowerLossStep::kName};
  return kNames[static_cast<std::size_t>(k)];
}

Json Step::to_json() const {
  return std::visit(overloaded{[](const RequestStep& r) {
                                 Json j = r.call.wire;
                                 if (r.fault) j["fault"] = r.fault->to_json();
                                 if (r.expect) j["expect"] = *r.expect;
                                 return j;
                               },
                               [](const RestartStep&) { return Json{{"control", RestartStep::kName}}; },
                               [](const CrashStep&) { return Json{{"control", CrashStep::kName}}; },
                               [](const CrashDuringStep& c) {
                                 Json j{{"control", CrashDuringStep::kName}, {"request", c.call.wire}};
                                 if (c.at_sync) j["at"] = Json{{"sync", *c.at_sync}};
                                 return j;
                               },
                               [](const ResetStep&) { return Json{{"op", ResetStep::kName}}; },
                               [](const PowerLossStep&) { return Json{{"control", PowerLossStep::kName}}; }},
                    body);
}

std::string ScenarioError::message() const {
  std::string m = file;
  if (step) m += ": step " + std::to_string(*step);
  return m + ": " + what;
}

Result<Scenario, ScenarioError> parse_scenario(const Json& d, const std::string& file) {
  if (!d.is_object()) return error(file, std::nullopt, "a scenario is a JSON object");
  for (const auto& [k, v] : d.items())
    if (k != "savefuzz_scenario" && k != "name" && k != "description" && k != "steps")
      return error(file, std::nullopt, "unknown key \"" + k + "\" (savefuzz_scenario, name, description, steps)");
  if (!d.contains("savefuzz_scenario") || d["savefuzz_scenario"] != 1)
    return error(file, std::nullopt, "\"savefuzz_scenario\": 1 is required (the format version)");
  Scenario s;
  if (!d.contains("name") || !d["name"].is_string() || d["name"].get<std::string>().empty())
    return error(file, std::nullopt, "\"name\" must be a non-empty string");
  s.name = d["name"];
  if (d.contains("description")) {
    if (!d["description"].is_string()) return error(file, std::nullopt, "\"description\" must be a string");
    s.description = d["description"];
  }
  if (!d.contains("steps") || !d["steps"].is_array()) return error(file, std::nullopt, "\"steps\" must be an array");
  for (std::size_t i = 0; i < d["steps"].size(); ++i) {
    auto step = parse_step(d["steps"][i]);
    if (auto* bad = std::get_if<Error>(&step)) return error(file, i + 1, bad->message);
    s.steps.push_back(std::move(std::get<Step>(step)));
  }
  return s;
}

Result<Scenario, ScenarioError> parse_scenario_text(std::string_view text, const std::string& file) {
  if (text.size() > kMaxScenarioBytes) return error(file, std::nullopt, "larger than 256 MiB");
  Json d;
  try {
    d = parse_strict(std::string(text));
  } catch (const std::exception& e) {
    return error(file, std::nullopt, std::string("not valid JSON: ") + e.what());
  }
  return parse_scenario(d, file);
}

Result<Scenario, ScenarioError> load_scenario(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return error(file.string(), std::nullopt, "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_scenario_text(text.str(), file.string());
}

Json scenario_to_json(const Scenario& s) {
  Json steps = Json::array();
  for (const auto& step : s.steps) steps.push_back(step.to_json());
  return Json{{"savefuzz_scenario", 1}, {"name", s.name}, {"description", s.description}, {"steps", steps}};
}

Status save_scenario(const std::filesystem::path& file, const Scenario& s) {
  // One step per line: diffs of scenario files stay readable.
  std::string text = "{\n  \"savefuzz_scenario\": 1,\n  \"name\": " + Json(s.name).dump() +
                     ",\n  \"description\": " + Json(s.description).dump() + ",\n  \"steps\": [";
  for (std::size_t i = 0; i < s.steps.size(); ++i)
    text += (i ? ",\n    " : "\n    ") + s.steps[i].to_json().dump(-1, ' ', false, Json::error_handler_t::replace);
  text += s.steps.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return write_file_atomically(file, text);
}

std::string scenario_shape(const Scenario& s) {
  std::string shape;
  for (const Step& step : s.steps) {
    if (!shape.empty()) shape += ' ';
    const Call* call = step.call();
    std::string op = call && call->wire.is_object() && call->wire.contains("op") && call->wire["op"].is_string()
                         ? call->wire["op"].get<std::string>()
                         : "?";
    if (step.is_request()) {
      shape += op;
      if (step.fault() && *step.fault()) shape += "+fault";
    } else {
      shape += step_kind_name(step.kind());
      if (call) shape += "(" + op + ")";
    }
  }
  return shape;
}

std::vector<std::size_t> step_lines(std::string_view text) {
  std::vector<std::size_t> lines;
  std::size_t line = 1, depth = 0;
  bool in_steps = false, element_next = false;
  std::string_view last_key;  // the last string at depth 1: the key of the value that follows it
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') continue;
    if (element_next && c != ']') {
      lines.push_back(line);
      element_next = false;
    }
    if (c == '"') {
      std::size_t start = i + 1;
      for (++i; i < text.size() && text[i] != '"'; ++i) {
        if (text[i] == '\\') ++i;
        else if (text[i] == '\n') ++line;
      }
      if (depth == 1) last_key = text.substr(start, std::min(i, text.size()) - start);
      continue;
    }
    if (c == '{' || c == '[') {
      ++depth;
      if (c == '[' && depth == 2 && last_key == "steps") in_steps = element_next = true;
    } else if (c == '}' || c == ']') {
      if (depth == 2) in_steps = element_next = false;
      if (depth > 0) --depth;
    } else if (c == ',' && in_steps && depth == 2) {
      element_next = true;
    }
  }
  return lines;
}

std::vector<std::filesystem::path> scenario_files(const std::filesystem::path& path) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(path, ec))
      if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
    std::sort(out.begin(), out.end());
  } else {
    out.push_back(path);
  }
  return out;
}

}  // namespace savefuzz
