// The HTML report (`--report-html FILE`, `savefuzz report EVENTS.jsonl -o FILE`): one
// self-contained page built from the event stream, line by line, so that a report written while
// the run goes and one written later from its events file are the same page. It holds no script
// and loads nothing: its Content-Security-Policy forbids both, so a browser that opens it from a
// mail attachment or a CI artifact shows it whole, offline.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/core/json.h"

namespace savefuzz {

class HtmlReport {
 public:
  // One line of the event stream as EventLog writes it. Lines of another kind are counted, not
  // shown; a line missing the fields the report uses is shown with what it has.
  void add(const Json& event);

  std::string html() const;
  std::size_t findings() const { return findings_.size(); }
  std::size_t cases() const { return passed_ + failed_ + gave_up_; }
  std::size_t points_kept() const { return progress_.size(); }  // bounded, whatever the run's length

 private:
  struct Point {
    double seconds;          // since the run started
    std::uint64_t requests;  // requests sent by every case so far
  };
  double since_start(const Json& event) const;

  std::string property_;
  Json run_start_;  // its content, null until seen
  Json run_end_;
  double started_ = 0;  // unix time of the run's start, from the first line that says it
  std::vector<Json> findings_;
  std::vector<double> finding_seconds_;
  // Every stride-th case's point, the stride doubling whenever the list fills, so a night's
  // campaign costs no more memory than a minute's; and the latest point, drawn last.
  std::vector<Point> progress_;
  std::size_t stride_ = 1;
  Point last_{0, 0};
  std::uint64_t passed_ = 0, failed_ = 0, gave_up_ = 0, requests_ = 0;
  std::map<std::string, std::uint64_t> features_;  // summed over the cases
  std::uint64_t other_lines_ = 0;
};

// For tests and the report's own use: `expected` against `actual` as rows of (path, expected,
// actual), every leaf of either (an object's key, an array's index), with whether they differ.
struct DiffRow {
  std::string path;  // "value.fields.motif", "" for the whole value
  Json expected, actual;  // null when absent on that side (`present_*` says which)
  bool present_expected = false, present_actual = false;
  bool differs() const { return present_expected != present_actual || expected != actual; }
};
std::vector<DiffRow> json_diff(const Json& expected, const Json& actual);

// `s` with & < > " ' escaped, for HTML text and attribute values.
std::string html_escape(const std::string& s);

}  // namespace savefuzz
