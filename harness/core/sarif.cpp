// SARIF 2.1.0 rendering and the baseline. The log is built as JSON and validated against the
// OASIS schema by the tests (tests/core/sarif_schema_test.sh).
#include "harness/core/sarif.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "harness/core/hash.h"
#include "harness/core/report.h"
#include "harness/core/status.h"

namespace savefuzz {
namespace {

// The key of partialFingerprints that holds savefuzz's fingerprint; its version changes when the
// way it is computed does, so that an old baseline never matches by accident.
constexpr const char* kFingerprintKey = "savefuzzFinding/v1";
constexpr const char* kFuzzerCrash = "fuzzer-crash";

std::string hex(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

std::optional<std::string> read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<Scenario> read_scenario(const std::filesystem::path& file) {
  auto r = load_scenario(file);
  if (auto* s = std::get_if<Scenario>(&r)) return std::move(*s);
  return std::nullopt;
}

// A relative path as a URI reference (RFC 3986): every byte outside the unreserved set and "/"
// percent-encoded. An absolute path becomes a file:// URI.
std::string path_uri(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out = !path.empty() && path[0] == '/' ? "file://" : "";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The invariant a description savefuzz wrote names ("... : ack-durable (availability breach) at ...").
std::optional<Invariant> invariant_in_description(const std::string& text) {
  for (std::size_t i = 0; i < kInvariantCount; ++i) {
    auto inv = static_cast<Invariant>(i);
    std::string tag = std::string(invariant_name(inv)) + " (" + std::string(breach_name(breach_of(inv))) + " breach)";
    if (text.find(tag) != std::string::npos) return inv;
  }
  return std::nullopt;
}

Json rule(std::optional<Invariant> invariant) {
  if (!invariant)
    return Json{{"id", kFuzzerCrash},
                {"name", "FuzzerProcessFailed"},
                {"shortDescription", {{"text", "the fuzzer process itself failed"}}},
                {"fullDescription",
                 {{"text", "A sanitizer report, an abort, a timeout or an out-of-memory in the fuzzing process: a memory "
                           "error or a hang of the save path under test, or of the harness."}}},
                {"defaultConfiguration", {{"level", "error"}}},
                {"properties", {{"tags", {"savefuzz", "availability"}}}}};
  std::string name(invariant_name(*invariant));
  std::string breach(breach_name(breach_of(*invariant)));
  std::string holds(invariant_text(*invariant));
  return Json{{"id", name},
              {"shortDescription", {{"text", name + " (" + breach + " breach)"}}},
              {"fullDescription", {{"text", "Holds when " + holds + "."}}},
              {"help",
               {{"text", "The invariant " + name + " (SPEC.md section 6) holds when " + holds +
                             ". Replay the finding's scenario with the reproduce command of the result; the result's "
                             "location is the step where the target and the model first disagree."}}},
              {"defaultConfiguration", {{"level", "error"}}},
              {"properties", {{"breach", breach}, {"tags", {"savefuzz", breach}}}}};
}

}  // namespace

SarifFinding sarif_finding(const Finding& f, const std::string& file, const std::string& reproduce) {
  SarifFinding out{f.invariant, file, f.step, "", reproduce};
  out.message = std::string(invariant_name(f.invariant)) + " (" + std::string(breach_name(breach_of(f.invariant))) +
                " breach) at " + f.where + ": " + f.detail;
  if (f.first_visible) out.message += " The divergence is " + first_visible_text(f) + ".";
  if (f.replays) out.message += " It " + reproduced_text(f) + " on new targets.";
  out.message += " Reproduce: " + reproduce;
  out.properties = Json{{"where", f.where}, {"request", f.request}, {"expected", f.expected}, {"actual", f.actual}};
  if (f.replays) out.properties["reproduced"] = Json{{"failed", f.reproduced}, {"of", f.replays}};
  return out;
}

std::string finding_fingerprint(std::optional<Invariant> invariant, const std::string& shape) {
  Fnv1a h;
  h.add(invariant ? invariant_name(*invariant) : std::string_view("*"));
  h.add('\n');
  h.add(shape);
  return hex(h.value());
}

std::string finding_fingerprint(const SarifFinding& f) {
  if (!f.invariant) {
    Fnv1a h;
    h.add(kFuzzerCrash);
    h.add(read_text(f.file).value_or(f.file));
    return hex(h.value());
  }
  auto scenario = read_scenario(f.file);
  return finding_fingerprint(f.invariant, scenario ? scenario_shape(*scenario) : f.file);
}

void Baseline::add_scenario(const std::filesystem::path& file) {
  auto r = load_scenario(file);
  if (auto* err = std::get_if<ScenarioError>(&r)) throw SetupError("baseline: " + err->message());
  const Scenario& s = std::get<Scenario>(r);
  std::string shape = scenario_shape(s);
  if (auto inv = invariant_in_description(s.description)) fingerprints_.insert(finding_fingerprint(inv, shape));
  else shapes_.insert(finding_fingerprint(std::nullopt, shape));
}

Baseline Baseline::load(const std::filesystem::path& path) {
  Baseline b;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    for (const auto& file : scenario_files(path)) b.add_scenario(file);
    return b;
  }
  auto text = read_text(path);
  if (!text) throw SetupError("baseline " + path.string() + " cannot be read");
  Json doc;
  try {
    doc = Json::parse(*text);
  } catch (const std::exception& e) {
    throw SetupError("baseline " + path.string() + " is not JSON: " + e.what());
  }
  if (doc.is_object() && doc.contains("savefuzz_scenario")) {
    b.add_scenario(path);
    return b;
  }
  if (!doc.is_object() || !doc.contains("runs") || !doc["runs"].is_array())
    throw SetupError("baseline " + path.string() +
                     " is neither a SARIF log (no \"runs\" array) nor a scenario file nor a folder of them");
  for (const Json& run : doc["runs"]) {
    if (!run.is_object() || !run.contains("results") || !run["results"].is_array()) continue;
    for (const Json& result : run["results"]) {
      const Json* fp = result.is_object() && result.contains("partialFingerprints") ? &result["partialFingerprints"] : nullptr;
      if (fp && fp->is_object() && fp->contains(kFingerprintKey) && (*fp)[kFingerprintKey].is_string())
        b.fingerprints_.insert((*fp)[kFingerprintKey].get<std::string>());
    }
  }
  return b;
}

bool Baseline::contains(const SarifFinding& f) const {
  if (fingerprints_.count(finding_fingerprint(f))) return true;
  if (shapes_.empty() || !f.invariant) return false;
  auto s = read_scenario(f.file);
  return s && shapes_.count(finding_fingerprint(std::nullopt, scenario_shape(*s))) > 0;
}

std::string sarif_rule_id(std::optional<Invariant> invariant) {
  return invariant ? std::string(invariant_name(*invariant)) : kFuzzerCrash;
}

Json sarif_log(const std::vector<SarifFinding>& findings, const Baseline* baseline, const std::string& command,
               const std::vector<std::string>& notifications) {
  // Every rule, always in the same order: ruleIndex means the same thing in every log.
  Json rules = Json::array();
  for (std::size_t i = 0; i < kInvariantCount; ++i) rules.push_back(rule(static_cast<Invariant>(i)));
  rules.push_back(rule(std::nullopt));

  Json results = Json::array();
  for (const SarifFinding& f : findings) {
    Json location{{"artifactLocation", {{"uri", path_uri(f.file)}}}};
    if (f.invariant && f.step > 0) {
      auto text = read_text(f.file);
      auto lines = text ? step_lines(*text) : std::vector<std::size_t>{};
      if (f.step <= lines.size()) location["region"] = {{"startLine", lines[f.step - 1]}};
    }
    Json properties = f.properties;
    properties["reproduce"] = f.reproduce;
    if (f.invariant) properties["breach"] = breach_name(breach_of(*f.invariant));
    if (f.step) properties["step"] = f.step;
    Json result{{"ruleId", sarif_rule_id(f.invariant)},
                {"ruleIndex", f.invariant ? static_cast<std::size_t>(*f.invariant) : kInvariantCount},
                {"level", "error"},
                {"kind", "fail"},
                {"message", {{"text", f.message}}},
                {"locations", Json::array({{{"physicalLocation", location}}})},
                {"partialFingerprints", {{kFingerprintKey, finding_fingerprint(f)}}},
                {"properties", properties}};
    if (baseline) result["baselineState"] = baseline->contains(f) ? "unchanged" : "new";
    results.push_back(std::move(result));
  }

  Json invocation{{"executionSuccessful", true}, {"commandLine", command}};
  if (!notifications.empty()) {
    Json list = Json::array();
    for (const auto& n : notifications) list.push_back({{"level", "error"}, {"message", {{"text", n}}}});
    invocation["toolExecutionNotifications"] = list;
  }
  return Json{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
              {"version", "2.1.0"},
              {"runs",
               Json::array({{{"tool",
                              {{"driver",
                                {{"name", "savefuzz"},
                                 {"semanticVersion", SAVEFUZZ_VERSION},
                                 {"fullName", "savefuzz: fuzzing and property-testing of medical-records save paths"},
                                 {"rules", rules}}}}},
                             {"invocations", Json::array({invocation})},
                             {"columnKind", "utf16CodeUnits"},
                             {"results", results}}})}};
}

}  // namespace savefuzz
