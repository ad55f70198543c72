// The HTML report: findings first (what broke, the steps that show it, the answer against the
// model's), then the run (progress over time, what it sent and reached). Charts are inline SVG
// and CSS bars, so the page needs nothing but itself.
#include "harness/core/html_report.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <optional>
#include <sstream>

#include "harness/core/events.h"
#include "harness/core/invariants.h"
#include "harness/core/values.h"

namespace savefuzz {
namespace {

constexpr std::size_t kShownText = 160;  // longer strings are cut in the page, with their size
constexpr std::size_t kChartPoints = 300;
constexpr std::size_t kKeptPoints = 4096;  // progress points kept while reading, thinned by halves

const char* const kStyle = R"(
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:0 16px 40px;color:#1d2330}
h1{font-size:22px;margin:18px 0 4px}h2{border-bottom:1px solid #ccd;padding-bottom:4px;margin-top:32px}
h3{margin:0 0 6px}h4{margin:16px 0 6px}code,pre{font:12.5px/1.4 ui-monospace,monospace}
pre{background:#f4f5f8;padding:8px;white-space:pre-wrap;word-break:break-all;margin:4px 0}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:8px 0}
dl.facts dt{color:#556;font-weight:600}dl.facts dd{margin:0;word-break:break-word}
.finding{border:1px solid #d6d9e2;border-left:6px solid #c0392b;border-radius:4px;padding:12px 16px;margin:16px 0}
.finding.known{border-left-color:#999}.badge{font-size:12px;border-radius:10px;padding:1px 8px;color:#fff;margin-left:6px}
.availability{background:#b9770e}.integrity{background:#c0392b}.confidentiality{background:#7d3c98}.known-badge{background:#777}
.clean{border-left:6px solid #1e8449;background:#eef8f1;padding:10px 14px}
ol.timeline{list-style:none;padding:0;margin:0;border-left:2px solid #ccd}
ol.timeline>li{position:relative;padding:3px 8px 3px 14px;margin:0;display:flex;gap:10px}
ol.timeline>li>.where{flex:0 0 10.5em}ol.timeline>li>div{flex:1;min-width:0}ol.timeline code{overflow-wrap:anywhere}
ol.timeline>li:before{content:"";position:absolute;left:-6px;top:9px;width:10px;height:10px;border-radius:5px;background:#99a}
ol.timeline>li.control:before{background:#2874a6}ol.timeline>li.diverging:before{background:#c0392b}
ol.timeline>li.diverging{background:#fdecea}ol.timeline>li.first-visible{background:#fff6e0}
.where{color:#556}.op{font-weight:600;margin-right:6px}
.mark{font-size:12px;font-weight:600;color:#c0392b;margin-left:6px}.first-visible .mark{color:#9a6700}
.arrow{color:#889;margin:0 4px}.answer-err{color:#a04000}.answer-ok{color:#1e8449}
table.diff{border-collapse:collapse;width:100%;table-layout:fixed}
table.diff th,table.diff td{border:1px solid #d6d9e2;padding:3px 6px;text-align:left;vertical-align:top;word-break:break-all}
table.diff th{background:#f4f5f8}table.diff td.path{width:24%}table.diff tr.differs td{background:#fdecea}
table.diff tr.differs td.path{font-weight:600}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:8px 28px}
table.bars{border-collapse:collapse;width:100%}table.bars td{padding:1px 4px;font-size:12.5px}
table.bars td.name{width:46%;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
table.bars td.n{width:14%;text-align:right;font-variant-numeric:tabular-nums}
.bar{height:11px;background:#5d6d7e;border-radius:2px;min-width:1px}tr.never td{color:#a04000}
tr.never .bar{background:none;border:1px dashed #a04000;width:12px}
ul.never{columns:3;font-size:12.5px;color:#a04000}svg text{font:11px system-ui,sans-serif;fill:#445}
details summary{cursor:pointer;color:#556}footer{margin-top:32px;color:#667;font-size:12.5px}
)";

std::string fmt(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Long strings shortened, with their size: the 16 KiB boundary texts would bury the page.
Json shortened(const Json& j) {
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s.size() <= kShownText) return j;
    return std::string(utf8_prefix(s, kShownText)) + "…(" + std::to_string(s.size()) + " bytes)";
  }
  if (j.is_object() || j.is_array()) {
    Json out = j;
    for (auto& v : out) v = shortened(v);
    return out;
  }
  return j;
}

// `j` as it reads back from the event stream's file, where invalid UTF-8 became U+FFFD.
Json valid_utf8(const Json& j) {
  return Json::parse(j.dump(-1, ' ', false, Json::error_handler_t::replace), nullptr, false);
}
std::string valid_utf8(const std::string& s) { return valid_utf8(Json(s)).get<std::string>(); }

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }
std::string shown(const Json& j) { return html_escape(dump(shortened(j))); }

std::string str(const Json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// A count as the event stream holds it; a line built in memory may hold it as a signed integer.
std::optional<std::uint64_t> count_of(const Json& j) {
  if (j.is_number_unsigned()) return j.get<std::uint64_t>();
  if (j.is_number_integer() && j.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(j.get<std::int64_t>());
  return std::nullopt;
}

std::string breach_words(const std::string& breach) {
  if (breach == "availability")
    return "Availability breach: something the save path acknowledged, or the service itself, is not there when asked for.";
  if (breach == "confidentiality") return "Confidentiality breach: someone read what the contract says they must not see.";
  if (breach == "integrity")
    return "Integrity breach: the save path stored or answered something other than what the contract says.";
  return "";
}

std::string utc(double unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

void flatten(const Json& j, const std::string& path, std::vector<std::pair<std::string, Json>>& out) {
  if ((j.is_object() || j.is_array()) && !j.empty()) {
    if (j.is_object())
      for (const auto& [k, v] : j.items()) flatten(v, path.empty() ? k : path + "." + k, out);
    else
      for (std::size_t i = 0; i < j.size(); ++i) flatten(j[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  out.emplace_back(path, j);
}

// A string pair that differs deep inside: where, and the text around it on each side.
std::string string_difference(const std::string& a, const std::string& b) {
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  if (i < 24 && a.size() <= kShownText && b.size() <= kShownText) return "";
  std::string where = "first differs at byte " + std::to_string(i) + " (lengths " + std::to_string(a.size()) + " and " +
                      std::to_string(b.size()) + ")";
  std::size_t from = utf8_prefix(a, i > 16 ? i - 16 : 0).size();
  auto around = [&](const std::string& s) {
    if (from >= s.size()) return std::string("(ends before)");
    Json shown = "…" + std::string(utf8_prefix(std::string_view(s).substr(from), 48)) + "…";
    return shown.dump(-1, ' ', false, Json::error_handler_t::replace);
  };
  return where + ": expected " + around(a) + ", actual " + around(b);
}

std::string answer_class(const Json& answer) {
  if (!answer.is_object()) return "answer-err";
  return answer.value("ok", false) ? "answer-ok" : "answer-err";
}

// A step or request as the scenario format spells it: its control kind, else its op.
std::string step_name(const Json& step) {
  std::string control = str(step, "control");
  if (!control.empty())
    return step.contains("request") && step["request"].is_object() ? control + " of " + str(step["request"], "op") : control;
  std::string op = str(step, "op");
  return op.empty() ? "request" : op;
}

std::string step_op(const Json& entry) {
  return step_name(entry.contains("control") ? entry["control"] : entry.value("request", Json()));
}

class Page {
 public:
  std::ostringstream out;

  void facts(const std::vector<std::pair<std::string, std::string>>& rows) {
    out << "<dl class=\"facts\">";
    for (const auto& [k, v] : rows)
      if (!v.empty()) out << "<dt>" << html_escape(k) << "</dt><dd>" << v << "</dd>";
    out << "</dl>\n";
  }

  void timeline(const Json& f, const Json& transcript) {
    std::size_t first_visible = 0;
    bool has_first = f.contains("first_visible") && f["first_visible"].is_object();
    if (has_first) first_visible = f["first_visible"].value("after_step", std::size_t{0});
    // The diverging exchange: the last one at the finding's place with its request.
    std::ptrdiff_t diverging = -1;
    for (std::size_t i = 0; i < transcript.size(); ++i) {
      const Json& e = transcript[i];
      if (str(e, "where") == str(f, "where") && e.value("request", Json()) == f.value("request", Json()))
        diverging = static_cast<std::ptrdiff_t>(i);
    }
    if (diverging < 0 && !transcript.empty() && str(transcript.back(), "where") == str(f, "where"))
      diverging = static_cast<std::ptrdiff_t>(transcript.size()) - 1;
    if (has_first && first_visible == 0)
      out << "<p>The divergence is visible before any step: it needs no step of the scenario.</p>\n";
    out << "<ol class=\"timeline\">\n";
    std::vector<std::size_t> reads;  // harness reads that agreed, shown folded
    auto flush_reads = [&] {
      if (reads.empty()) return;
      out << "<li class=\"harness\"><details><summary>" << reads.size() << " read" << (reads.size() == 1 ? "" : "s")
          << " by savefuzz (" << html_escape(str(transcript[reads.front()], "where")) << ") agreed with the model</summary><ol>";
      for (std::size_t i : reads) entry(transcript[i], "", "");
      out << "</ol></details></li>\n";
      reads.clear();
    };
    for (std::size_t i = 0; i < transcript.size(); ++i) {
      const Json& e = transcript[i];
      if (e.contains("dropped")) {
        out << "<li class=\"dropped\">" << dump(e["dropped"]) << " earlier exchanges not kept</li>\n";
        continue;
      }
      bool is_diverging = static_cast<std::ptrdiff_t>(i) == diverging;
      if (e.value("harness_read", false) && !is_diverging) {
        reads.push_back(i);
        continue;
      }
      flush_reads();
      std::string cls, mark;
      if (is_diverging) {
        cls = "diverging";
        mark = "diverges from the model here";
      } else if (has_first && first_visible > 0 && e.value("step", std::size_t{0}) == first_visible &&
                 !e.value("harness_read", false)) {
        cls = "first-visible";
        mark = "first visible after this step";
      }
      entry(e, cls, mark);
    }
    flush_reads();
    out << "</ol>\n";
  }

  void entry(const Json& e, const std::string& cls, const std::string& mark) {
    bool control = e.contains("control");
    out << "<li class=\"" << (control ? "control" : "request") << (e.value("harness_read", false) ? " harness" : "")
        << (cls.empty() ? "" : " " + cls) << "\"><span class=\"where\">" << html_escape(str(e, "where")) << "</span>"
        << "<div><span class=\"op\">" << html_escape(step_op(e)) << "</span>";
    if (control) {
      out << "<code>" << shown(e["control"]) << "</code><span class=\"arrow\">→</span>" << html_escape(str(e, "outcome"));
    } else {
      out << "<code>" << shown(e.value("request", Json())) << "</code><span class=\"arrow\">→</span>";
      const Json& answer = e.value("answer", Json());
      if (answer.is_null()) out << "<span class=\"answer-err\">no answer</span>";
      else out << "<code class=\"" << answer_class(answer) << "\">" << shown(answer) << "</code>";
      if (e.contains("storage_fault") && e["storage_fault"].is_object()) {
        Json fault = e["storage_fault"];
        bool fired = fault.value("fired", false);
        fault.erase("fired");
        out << " <span class=\"mark\">storage fault " << shown(fault) << (fired ? " fired" : " did not fire") << "</span>";
      }
    }
    if (!mark.empty()) out << "<span class=\"mark\">" << html_escape(mark) << "</span>";
    out << "</div></li>\n";
  }

  void diff(const Json& f) {
    Json expected = f.value("expected", Json());
    const Json actual = f.value("actual", Json());
    if (expected.is_null() && actual.is_null()) return;
    out << "<h4>Expected and actual answer</h4>\n";
    if (expected.is_array()) {
      // Several outcomes were allowed (a crash_during left the request done or not): the diff is
      // against the closest, every one is listed.
      out << "<p>Any of these " << expected.size() << " answers was allowed (the outcome of a crash is uncertain):</p><pre>";
      for (const auto& e : expected) out << shown(e) << "\n";
      out << "</pre>\n";
      Json closest;
      std::size_t fewest = SIZE_MAX;
      for (const auto& e : expected) {
        auto rows = json_diff(e, actual);
        std::size_t n = std::count_if(rows.begin(), rows.end(), [](const DiffRow& r) { return r.differs(); });
        if (n < fewest) fewest = n, closest = e;
      }
      expected = closest;
      out << "<p>Against the closest:</p>\n";
    }
    if (actual.is_null()) out << "<p class=\"answer-err\">The target gave no answer.</p>\n";
    out << "<table class=\"diff\"><thead><tr><th>key</th><th>expected (the model)</th><th>actual (the target)</th></tr></thead><tbody>\n";
    for (const DiffRow& r : json_diff(expected, actual)) {
      out << "<tr" << (r.differs() ? " class=\"differs\"" : "") << "><td class=\"path\"><code>"
          << html_escape(r.path.empty() ? "(answer)" : r.path) << "</code></td><td><code>"
          << (r.present_expected ? shown(r.expected) : "<i>absent</i>") << "</code></td><td><code>"
          << (r.present_actual ? shown(r.actual) : "<i>absent</i>") << "</code>";
      if (r.differs() && r.expected.is_string() && r.actual.is_string()) {
        std::string where = string_difference(r.expected.get<std::string>(), r.actual.get<std::string>());
        if (!where.empty()) out << "<br><small>" << html_escape(where) << "</small>";
      }
      out << "</td></tr>\n";
    }
    out << "</tbody></table>\n";
  }

  void bars(const std::string& title, const std::vector<std::pair<std::string, std::uint64_t>>& rows) {
    std::uint64_t most = 1;
    for (const auto& r : rows) most = std::max(most, r.second);
    out << "<div><h4>" << html_escape(title) << "</h4><table class=\"bars\">\n";
    for (const auto& [name, n] : rows) {
      out << "<tr" << (n ? "" : " class=\"never\"") << "><td class=\"name\" title=\"" << html_escape(name) << "\">"
          << html_escape(name) << "</td><td><div class=\"bar\" style=\"width:"
          << (n ? fmt(std::max(0.5, 100.0 * static_cast<double>(n) / static_cast<double>(most)), 1) + "%" : std::string("12px"))
          << "\"></div></td><td class=\"n\">" << (n ? std::to_string(n) : "never") << "</td></tr>\n";
    }
    out << "</table></div>\n";
  }
};

// One finding: what it breaks and where, how to replay it, its timeline and its answer's diff.
void finding_article(Page& p, const Json& f, std::size_t number) {
  auto& out = p.out;
  std::string invariant = str(f, "invariant");
  if (invariant.empty() && f.contains("fuzzer")) invariant = "fuzzer-crash";
  std::string breach = str(f, "breach");
  bool known = f.value("known", false);
  out << "<article class=\"finding" << (known ? " known" : "") << "\" id=\"finding-" << number << "\"><h3>Finding "
      << number << ": <code>" << html_escape(invariant) << "</code>";
  if (!breach.empty()) out << "<span class=\"badge " << html_escape(breach) << "\">" << html_escape(breach) << " breach</span>";
  if (known) out << "<span class=\"badge known-badge\">known (in the baseline)</span>";
  out << "</h3>\n";
  if (auto inv = invariant_named(invariant))
    out << "<p class=\"rule\"><b>The contract:</b> " << html_escape(std::string(invariant_text(*inv))) << ".</p>\n";
  if (!breach_words(breach).empty()) out << "<p>" << html_escape(breach_words(breach)) << "</p>\n";

  std::string first;
  if (f.contains("first_visible") && f["first_visible"].is_object()) {
    auto after = f["first_visible"].value("after_step", std::size_t{0});
    first = after ? "after step " + std::to_string(after) + " (" + html_escape(step_name(f["first_visible"].value("step", Json()))) + ")"
                  : "before any step";
  }
  std::string reproduced;
  if (f.contains("reproduced") && f["reproduced"].is_object()) {
    auto failed = f["reproduced"].value("failed", 0u), of = f["reproduced"].value("of", 0u);
    reproduced = std::string(failed == of ? "yes: " : "flaky: ") + std::to_string(failed) + " of " + std::to_string(of) +
                 " replays on new targets failed the same way";
  } else if (!f.contains("fuzzer")) {
    reproduced = "not replayed (--reproduce 0)";
  }
  std::string found;
  if (f.contains("case"))
    found = "case " + dump(f["case"]) + ", after " + fmt(f.value("seconds_to_find", 0.0), 2) + " s and " +
            dump(f.value("requests_to_find", Json(0))) + " requests; shrunk from " + dump(f.value("original_steps", Json(0))) +
            " to " + dump(f.value("shrunk_steps", Json(0))) + " steps";
  p.facts({{"what", html_escape(str(f, "detail"))},
           {"where", html_escape(str(f, "where"))},
           {"first visible", first},
           {"reproduced", html_escape(reproduced)},
           {"found", html_escape(found)},
           {"scenario", str(f, "file").empty() ? "" : "<code>" + html_escape(str(f, "file")) + "</code>"},
           {"fuzzer input", str(f, "input").empty() ? "" : "<code>" + html_escape(str(f, "input")) + "</code>"},
           {"data kept in", str(f, "data_dir").empty() ? "" : "<code>" + html_escape(str(f, "data_dir")) + "</code>"}});
  if (!str(f, "reproduce").empty()) out << "<h4>Reproduce</h4><pre class=\"reproduce\">" << html_escape(str(f, "reproduce")) << "</pre>\n";

  const Json transcript = f.value("transcript", Json());
  out << "<h4>Timeline</h4>\n";
  if (transcript.is_array() && !transcript.empty()) {
    p.timeline(f, transcript);
  } else if (f.contains("request")) {
    out << "<p>No transcript was recorded (it comes from a replay on a new target: run with --reproduce 1 or more). "
           "The diverging request:</p><ol class=\"timeline\">";
    p.entry(Json{{"where", str(f, "where")}, {"request", f["request"]}, {"answer", f.value("actual", Json())}}, "diverging",
            "diverges from the model here");
    out << "</ol>\n";
  } else {
    out << "<p>No scenario: the fuzzer process itself failed on its input.</p>\n";
  }
  p.diff(f);
  if (!str(f, "stderr_tail").empty())
    out << "<h4>The target's last words (stderr)</h4><pre>" << html_escape(str(f, "stderr_tail")) << "</pre>\n";
  out << "</article>\n";
}

}  // namespace

std::string html_escape(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::vector<DiffRow> json_diff(const Json& expected, const Json& actual) {
  std::vector<std::pair<std::string, Json>> e, a;
  flatten(expected, "", e);
  flatten(actual, "", a);
  if (expected.is_null()) e.clear();
  if (actual.is_null()) a.clear();
  std::vector<DiffRow> rows;
  std::map<std::string, const Json*> only_actual;  // actual's leaves no expected one matched yet
  for (const auto& leaf : a) only_actual[leaf.first] = &leaf.second;
  for (const auto& [path, v] : e) {
    DiffRow r{path, v, Json(), true, false};
    if (auto it = only_actual.find(path); it != only_actual.end()) {
      r.actual = *it->second;
      r.present_actual = true;
      only_actual.erase(it);
    }
    rows.push_back(std::move(r));
  }
  for (const auto& [path, v] : a)
    if (only_actual.count(path)) rows.push_back(DiffRow{path, Json(), v, false, true});
  return rows;
}

double HtmlReport::since_start(const Json& event) const {
  double t = event.value("timestamp", started_);
  return std::max(0.0, t - started_);
}

void HtmlReport::add(const Json& event) {
  if (!event.is_object()) {
    ++other_lines_;
    return;
  }
  if (started_ == 0 && event.contains("run_start") && event["run_start"].is_number())
    started_ = event["run_start"].get<double>();
  if (property_.empty()) property_ = valid_utf8(str(event, "property"));
  std::string kind = str(event, "event");
  // A run's page and the page `savefuzz report` makes from its events file are the same: text
  // that is not UTF-8 (a target's stderr, its answers) reads back from the file with U+FFFD in
  // its place, so it gets the same here. Only the rare lines hold such text.
  const Json content = kind == "case" ? Json() : valid_utf8(event.value("content", Json()));
  if (kind == "run_start") {
    run_start_ = content;
  } else if (kind == "run_end") {
    run_end_ = content;
  } else if (kind == "finding") {
    findings_.push_back(content);
    double at = content.is_object() && content.contains("seconds_to_find") && content["seconds_to_find"].is_number()
                    ? content["seconds_to_find"].get<double>()
                    : since_start(event);
    finding_seconds_.push_back(at);
  } else if (kind == "case") {
    std::string status = str(event, "status");
    ++(status == "failed" ? failed_ : status == "gave_up" ? gave_up_ : passed_);
    const Json metadata = event.value("metadata", Json());
    if (metadata.is_object() && metadata.contains("requests"))
      requests_ += count_of(metadata["requests"]).value_or(0);
    last_ = {since_start(event), requests_};
    if ((cases() - 1) % stride_ == 0) progress_.push_back(last_);
    if (progress_.size() >= kKeptPoints) {
      for (std::size_t i = 0; 2 * i < progress_.size(); ++i) progress_[i] = progress_[2 * i];
      progress_.resize((progress_.size() + 1) / 2);
      stride_ *= 2;
    }
    const Json features = event.value("features", Json());
    if (features.is_object())
      for (const auto& [name, n] : features.items()) features_[name] += count_of(n).value_or(0);
  } else {
    ++other_lines_;
  }
}

std::string HtmlReport::html() const {
  Page p;
  auto& out = p.out;
  std::string title = "savefuzz report: " + std::to_string(findings_.size()) + " finding" + (findings_.size() == 1 ? "" : "s");
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << html_escape(title + (property_.empty() ? "" : " — " + property_)) << "</title>\n<style>" << kStyle
      << "</style></head><body>\n<header><h1>" << html_escape(title) << "</h1>\n";

  // The run: what was run and how it ended.
  double seconds = run_end_.is_object() && run_end_.contains("seconds") && run_end_["seconds"].is_number()
                       ? run_end_["seconds"].get<double>()
                       : last_.seconds;
  std::vector<std::pair<std::string, std::string>> facts{
      {"tested", html_escape(property_)},
      {"command", run_start_.is_object() && run_start_.contains("command") ? "<code>" + html_escape(str(run_start_, "command")) + "</code>" : ""},
      {"started", started_ ? utc(started_) : ""},
      {"took", seconds > 0 ? fmt(seconds) + " s" : ""},
      {"cases", cases() ? std::to_string(cases()) + " (" + std::to_string(passed_) + " passed, " + std::to_string(failed_) +
                              " failed, " + std::to_string(gave_up_) + " not runnable on this target)"
                        : ""},
      {"requests", requests_ ? std::to_string(requests_) : ""},
      {"findings", std::to_string(findings_.size())}};
  if (run_end_.is_null()) facts.emplace_back("ended", "<b>no end line</b>: the run was killed, or is still going; this is what it wrote so far");
  else if (run_end_.value("interrupted", false)) facts.emplace_back("ended", "interrupted (Ctrl-C): the findings so far are kept");
  if (run_end_.is_object())
    for (const auto& [k, v] : run_end_.items())
      if (k != "features" && k != "features_never_reached" && k != "cases" && k != "requests" && k != "seconds" &&
          k != "findings" && k != "interrupted")
        facts.emplace_back(k, html_escape(v.is_string() ? v.get<std::string>() : dump(shortened(v))));
  p.facts(facts);
  out << "</header>\n<section id=\"findings\"><h2>Findings</h2>\n";

  if (findings_.empty())
    out << "<p class=\"clean\">No finding: every answer of the target agreed with the model of the contract.</p>\n";
  for (std::size_t i = 0; i < findings_.size(); ++i) finding_article(p, findings_[i], i + 1);
  out << "</section>\n<section id=\"run\"><h2>The run</h2>\n";

  // Progress: requests over time, a mark per finding.
  std::vector<Point> points = progress_;
  if (cases() && (points.empty() || points.back().requests != last_.requests)) points.push_back(last_);
  if (points.size() >= 2) {
    double t_max = std::max(points.back().seconds, 1e-3);
    for (double s : finding_seconds_) t_max = std::max(t_max, s);
    double r_max = std::max<double>(1, static_cast<double>(points.back().requests));
    constexpr double W = 1000, H = 220, L = 64, B = 24, T = 12;
    auto x = [&](double s) { return L + (W - L - 10) * s / t_max; };
    auto y = [&](double r) { return T + (H - T - B) * (1 - r / r_max); };
    out << "<h4>Requests and findings over time</h4>\n<svg id=\"progress\" viewBox=\"0 0 " << W << " " << H
        << "\" width=\"100%\" role=\"img\" aria-label=\"requests sent over time, findings marked\">"
        << "<rect x=\"" << L << "\" y=\"" << T << "\" width=\"" << W - L - 10 << "\" height=\"" << H - T - B
        << "\" fill=\"#f7f8fb\" stroke=\"#ccd\"/><polyline fill=\"none\" stroke=\"#2874a6\" stroke-width=\"2\" points=\"";
    std::size_t step = std::max<std::size_t>(1, (points.size() + kChartPoints - 1) / kChartPoints);
    for (std::size_t i = 0; i < points.size(); i += step)
      out << fmt(x(points[i].seconds)) << "," << fmt(y(static_cast<double>(points[i].requests))) << " ";
    out << fmt(x(points.back().seconds)) << "," << fmt(y(static_cast<double>(points.back().requests))) << "\"/>";
    for (std::size_t i = 0; i < finding_seconds_.size(); ++i)
      out << "<line x1=\"" << fmt(x(finding_seconds_[i])) << "\" x2=\"" << fmt(x(finding_seconds_[i])) << "\" y1=\"" << T
          << "\" y2=\"" << H - B << "\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/><text x=\""
          << fmt(x(finding_seconds_[i]) + 3) << "\" y=\"" << T + 12 << "\" style=\"fill:#c0392b\">finding " << i + 1 << "</text>";
    out << "<text x=\"" << L - 6 << "\" y=\"" << T + 10 << "\" text-anchor=\"end\">" << static_cast<std::uint64_t>(r_max)
        << "</text><text x=\"" << L - 6 << "\" y=\"" << H - B << "\" text-anchor=\"end\">0</text>"
        << "<text x=\"" << L << "\" y=\"" << H - 6 << "\">0 s</text><text x=\"" << W - 10 << "\" y=\"" << H - 6
        << "\" text-anchor=\"end\">" << fmt(t_max) << " s</text><text x=\"" << (L + W) / 2 << "\" y=\"" << H - 6
        << "\" text-anchor=\"middle\">requests sent by every case so far</text></svg>\n";
  } else if (!cases()) {
    out << "<p>This run wrote no case lines (a fuzzer run counts executions, not cases): no chart of its progress.</p>\n";
  }

  // What it sent and reached: every feature the model knows, those never reached included.
  std::map<std::string, std::uint64_t> reached = features_;
  if (reached.empty() && run_end_.is_object() && run_end_.contains("features") && run_end_["features"].is_object())
    for (const auto& [name, n] : run_end_["features"].items()) reached[name] = count_of(n).value_or(0);
  if (!reached.empty()) {
    std::map<std::string, std::vector<std::pair<std::string, std::uint64_t>>> groups;
    for (const auto& name : features_never_reached(Coverage{})) {  // every feature's name, in order
      auto colon = name.find(':');
      std::string group = name.substr(0, colon);
      auto it = reached.find(name);
      groups[group == "fault" ? "control" : group].emplace_back(name.substr(colon + 1), it == reached.end() ? 0 : it->second);
    }
    std::vector<std::string> never;
    for (const auto& name : features_never_reached(Coverage{}))
      if (!reached.count(name)) never.push_back(name);
    out << "<div class=\"charts\" id=\"features\">\n";
    p.bars("Operations sent", groups["op"]);
    p.bars("Answers", groups["answer"]);
    p.bars("Save-path situations reached", groups["situation"]);
    p.bars("Control and fault steps", groups["control"]);
    out << "</div>\n<h4>Never reached (" << never.size() << ")</h4>\n";
    if (never.empty()) {
      out << "<p>Every operation, answer, control step, fault and situation the model knows was reached.</p>\n";
    } else {
      out << "<p>What no case of this run reached: a bug that needs one of these cannot have been found.</p><ul class=\"never\" id=\"never-reached\">";
      for (const auto& n : never) out << "<li><code>" << html_escape(n) << "</code></li>";
      out << "</ul>\n";
    }
  }
  out << "</section>\n<footer>Written by savefuzz from the run's event stream";
  if (other_lines_) out << " (" << other_lines_ << " line" << (other_lines_ == 1 ? "" : "s") << " of another kind left out)";
  out << ". Every finding above is a scenario file: <code>savefuzz replay FILE</code> runs it again; "
         "<code>savefuzz check FILE</code> explains it against the model.</footer>\n</body></html>\n";
  return out.str();
}

}  // namespace savefuzz
