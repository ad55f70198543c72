// Report rendering. Tagged lines ("savefuzz: FINDING ...", "SUMMARY: ...") are stable for scripts.
#include "harness/core/report.h"

#include <sstream>

#include "harness/core/values.h"

namespace savefuzz {
namespace {

std::string compact(const Json& j) {
  std::string s = j.dump(-1, ' ', false, Json::error_handler_t::replace);
  constexpr std::size_t kMax = 2000;
  return s.size() > kMax ? std::string(utf8_prefix(s, kMax)) + "...(" + std::to_string(s.size()) + " bytes)" : s;
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // XML 1.0 forbids most control characters, even escaped.
        if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') out += "?";
        else out += static_cast<char>(c);
    }
  }
  return out;
}

// What a step is, in a few words: its op, or its control kind and the op it carries.
std::string step_label(const Json& step) {
  if (!step.is_object()) return "?";
  if (step.contains("control")) {
    std::string label = step["control"].is_string() ? step["control"].get<std::string>() : "control";
    if (step.contains("request") && step["request"].is_object() && step["request"].contains("op"))
      label += " of " + step["request"]["op"].dump();
    return label;
  }
  return step.contains("op") && step["op"].is_string() ? step["op"].get<std::string>() : "?";
}

}  // namespace

Json finding_json(const Finding& f) {
  return Json{{"invariant", invariant_name(f.invariant)},
              {"breach", breach_name(breach_of(f.invariant))},
              {"step", f.step},
              {"where", f.where},
              {"request", f.request},
              {"expected", f.expected},
              {"actual", f.actual},
              {"detail", f.detail},
              {"stderr_tail", f.stderr_tail},
              {"data_dir", f.data_dir},
              {"first_visible", f.first_visible ? Json{{"after_step", *f.first_visible}, {"step", f.first_visible_step}}
                                                : Json()},
              {"reproduced", f.replays ? Json{{"failed", f.reproduced}, {"of", f.replays}, {"flaky", f.reproduced < f.replays}}
                                       : Json()},
              {"transcript", f.transcript}};
}

Json finding_event(const Finding& f, const std::string& file, const std::string& reproduce) {
  Json j = finding_json(f);
  j["file"] = file;
  j["reproduce"] = reproduce;
  return j;
}

std::string first_visible_text(const Finding& f) {
  if (!f.first_visible) return "";
  if (*f.first_visible == 0) return "visible before any step";
  return "first visible after step " + std::to_string(*f.first_visible) + " (" + step_label(f.first_visible_step) + ")";
}

std::string reproduced_text(const Finding& f) {
  if (f.replays == 0) return "";
  return std::string(f.reproduced == f.replays ? "reproduced " : "flaky ") + std::to_string(f.reproduced) + "/" +
         std::to_string(f.replays);
}

std::size_t Report::failed() const {
  std::size_t n = 0;
  for (const auto& o : outcomes) n += o.finding ? 1 : 0;
  return n;
}

std::size_t Report::errors() const {
  std::size_t n = 0;
  for (const auto& o : outcomes) n += o.error.empty() ? 0 : 1;
  return n;
}

void print_outcome(std::ostream& out, const Report& r, const ScenarioOutcome& o) {
  if (!o.error.empty()) {
    out << "ERROR " << o.error << "\n";
    return;
  }
  if (!o.finding) {
    out << "PASS  " << o.file << " (" << o.requests << " requests)\n";
    return;
  }
  const Finding& f = *o.finding;
  out << "FAIL  " << o.file << " — " << o.name << "\n"
      << "  invariant: " << invariant_name(f.invariant) << " (" << breach_name(breach_of(f.invariant)) << " breach)\n"
      << "  at:        " << f.where << "\n";
  if (f.first_visible)
    out << "  first:     " << first_visible_text(f) << (f.first_visible_step.is_null() ? "" : ": " + compact(f.first_visible_step))
        << "\n";
  out
      << "  request:   " << compact(f.request) << "\n";
  if (!f.expected.is_null()) out << "  expected:  " << compact(f.expected) << "\n";
  if (!f.actual.is_null()) out << "  actual:    " << compact(f.actual) << "\n";
  out << "  detail:    " << f.detail << "\n";
  if (!f.stderr_tail.empty()) {
    out << "  target stderr (tail):\n";
    std::istringstream lines(f.stderr_tail);
    for (std::string line; std::getline(lines, line);) out << "    | " << line << "\n";
  }
  if (f.replays)
    out << "  replayed:  " << reproduced_text(f) << " on new targets"
        << (f.reproduced < f.replays ? " (kept: a finding that fails only sometimes is still a finding)" : "") << "\n";
  if (!f.data_dir.empty()) out << "  data dir:  " << f.data_dir << " (kept)\n";
  out << "  reproduce: " << r.replay.for_file(o.file) << "\n";
  out << "savefuzz: FINDING invariant=" << invariant_name(f.invariant) << " breach=" << breach_name(breach_of(f.invariant))
      << " scenario=" << o.file << " step=" << f.step;
  if (f.first_visible) out << " first_visible=" << *f.first_visible;
  if (f.replays) out << " reproduced=" << f.reproduced << "/" << f.replays;
  out << " seed=" << r.replay.seed << "\n";
}

void print_summary(std::ostream& out, const Report& r) {
  std::size_t requests = 0;
  for (const auto& o : r.outcomes) requests += o.requests;
  out << "SUMMARY: scenarios=" << r.outcomes.size() << " passed=" << r.outcomes.size() - r.failed() - r.errors()
      << " failed=" << r.failed() << " errors=" << r.errors() << " requests=" << requests << " target=" << shell_quote(r.target)
      << " seed=" << r.replay.seed << "\n";
}

Json report_json(const Report& r) {
  Json list = Json::array();
  for (const auto& o : r.outcomes) {
    Json j{{"file", o.file}, {"name", o.name}, {"status", !o.error.empty() ? "error" : o.finding ? "fail" : "pass"},
           {"requests", o.requests}, {"seconds", o.seconds}};
    if (o.finding) {
      j["finding"] = finding_json(*o.finding);
      j["reproduce"] = r.replay.for_file(o.file);
    }
    if (!o.error.empty()) j["error"] = o.error;
    list.push_back(j);
  }
  return Json{{"savefuzz_report", 1},
              {"target", r.target},
              {"seed", r.replay.seed},
              {"summary", Json{{"scenarios", r.outcomes.size()}, {"failed", r.failed()}, {"errors", r.errors()}}},
              {"scenarios", list}};
}

std::string junit_xml(const Report& r) {
  double total = 0;
  for (const auto& o : r.outcomes) total += o.seconds;
  std::ostringstream x;
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<testsuites name=\"savefuzz\" tests=\"" << r.outcomes.size() << "\" failures=\"" << r.failed() << "\" errors=\""
    << r.errors() << "\" time=\"" << total << "\">\n"
    << "  <testsuite name=\"savefuzz replay\" tests=\"" << r.outcomes.size() << "\" failures=\"" << r.failed()
    << "\" errors=\"" << r.errors() << "\" time=\"" << total << "\">\n";
  for (const auto& o : r.outcomes) {
    x << "    <testcase classname=\"savefuzz.replay\" name=\""
      << xml_escape(o.name.empty() ? o.file : o.name) << "\" file=\"" << xml_escape(o.file) << "\" time=\"" << o.seconds
      << "\">\n";
    if (o.finding) {
      const Finding& f = *o.finding;
      std::ostringstream body;
      print_outcome(body, r, o);
      x << "      <failure type=\"" << invariant_name(f.invariant) << "\" message=\""
        << xml_escape(std::string(invariant_name(f.invariant)) + " (" + std::string(breach_name(breach_of(f.invariant))) +
                      ") at " + f.where + (f.first_visible ? ", " + first_visible_text(f) : "") +
                      (f.replays ? ", " + reproduced_text(f) : ""))
        << "\">" << xml_escape(body.str()) << "</failure>\n";
    } else if (!o.error.empty()) {
      x << "      <error message=\"" << xml_escape(o.error) << "\"/>\n";
    }
    x << "    </testcase>\n";
  }
  x << "  </testsuite>\n</testsuites>\n";
  return x.str();
}

}  // namespace savefuzz
