// --sarif, --baseline and --events.
#include "harness/cli/report_flags.h"

#include "harness/core/atomic_file.h"
#include "harness/core/report.h"
#include "harness/core/status.h"

namespace savefuzz {

void add_sarif_options(CLI::App& cmd, SarifOptions& o) {
  cmd.add_option("--sarif", o.sarif,
                 "also write the findings as SARIF 2.1.0 to this file (one result per finding: the invariant as "
                 "rule, the scenario file and the line of its diverging step as location)");
  cmd.add_option("--baseline", o.baseline,
                 "findings known already (a SARIF log of an earlier run, or a folder of finding scenario files): "
                 "they are reported as known and do not fail the command; only new findings do")
      ->check(CLI::ExistingPath);
}

void add_event_options(CLI::App& cmd, EventOptions& o) {
  cmd.add_option("--events", o.events,
                 "write the event stream to this file as the run goes: a JSON line per case, per finding and per "
                 "run (Hypothesis's observability fields), with the features each case reached in model terms");
  cmd.add_option("--report-html", o.html,
                 "write an HTML report to this file at the end: each finding with its timeline and expected-vs-actual "
                 "answer, the run's progress and what it reached (one self-contained file; `savefuzz report` writes "
                 "the same page from an --events file)");
}

EventOutput::EventOutput(const EventOptions& options, const std::string& property) : options_(options) {
  if (options.events.empty() && options.html.empty()) return;
  // Said now, not after a night's campaign: the page is written at the end, into this folder.
  std::error_code ec;
  auto folder = options.html.parent_path();
  if (!options.html.empty() && !std::filesystem::is_directory(folder.empty() ? "." : folder, ec))
    throw SetupError("cannot write the HTML report " + options.html.string() + ": no folder " + folder.string());
  std::function<void(const Json&)> also;
  if (!options.html.empty()) also = [this](const Json& line) { html_.add(line); };
  log_ = std::make_unique<EventLog>(options.events, property, std::move(also));
}

void EventOutput::finish(std::ostream& out) {
  if (!options_.html.empty()) write_html_report(html_, options_.html, out);
}

void write_html_report(const HtmlReport& report, const std::filesystem::path& file, std::ostream& out) {
  if (auto err = write_file_atomically(file, report.html()))
    throw SetupError("cannot write the HTML report " + file.string() + ": " + err->message);
  out << "savefuzz: HTML report " << file.string() << " (" << report.findings() << " finding"
      << (report.findings() == 1 ? "" : "s") << ")\n";
}

SarifOutput::SarifOutput(const SarifOptions& options) : options_(options) {
  if (options.baseline.empty()) return;
  baseline_ = Baseline::load(options.baseline);
  has_baseline_ = true;
}

std::size_t SarifOutput::finish(const std::vector<SarifFinding>& findings, std::ostream& out,
                                const std::vector<std::string>& notifications) const {
  std::size_t fresh = 0;
  for (const auto& f : findings) {
    if (known(f)) out << "savefuzz: known finding (in the baseline " << options_.baseline.string() << "): " << f.file << "\n";
    else ++fresh;
  }
  if (has_baseline_)
    out << "BASELINE: baseline=" << options_.baseline.string() << " entries=" << baseline_.size()
        << " new=" << fresh << " known=" << findings.size() - fresh << "\n";
  if (!options_.sarif.empty()) {
    Json log = sarif_log(findings, has_baseline_ ? &baseline_ : nullptr, options_.command_line, notifications);
    if (auto err = write_file_atomically(options_.sarif, log.dump(2, ' ', false, Json::error_handler_t::replace) + "\n"))
      throw SetupError("cannot write the SARIF log: " + err->message);
    out << "savefuzz: SARIF log " << options_.sarif.string() << " (" << findings.size() << " result(s))\n";
  }
  return fresh;
}

}  // namespace savefuzz
