// savefuzz check: format, model, patient data; one line per problem, "FILE:LINE: step N: ...".
#include "harness/cli/check_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/core/model_target.h"
#include "harness/core/report.h"
#include "harness/core/runner.h"
#include "harness/core/scenario.h"
#include "harness/core/status.h"

namespace savefuzz {
namespace {

namespace fs = std::filesystem;

std::string compact(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

class FileCheck {
 public:
  FileCheck(const fs::path& file, const CheckOptions& o) : file_(file.string()), o_(o) {}

  // Prints each problem; returns how many there were.
  std::size_t run() {
    std::ifstream in(file_, std::ios::binary);
    if (!in) return problem(std::nullopt, "", "cannot be read");
    std::ostringstream text;
    text << in.rdbuf();
    lines_ = step_lines(text.str());
    auto loaded = parse_scenario_text(text.str(), file_);
    if (auto* bad = std::get_if<ScenarioError>(&loaded)) return problem(bad->step, "", bad->what);
    const Scenario& s = std::get<Scenario>(loaded);
    patient_data("name", std::nullopt, Json(s.name));
    patient_data("description", std::nullopt, Json(s.description));
    for (std::size_t i = 0; i < s.steps.size(); ++i) {
      patient_data("", i + 1, s.steps[i].to_json());
      malformed_without_intent(s.steps[i], i + 1);
    }
    against_the_model(s);
    return problems_;
  }

 private:
  std::size_t problem(std::optional<std::size_t> step, const std::string& key, const std::string& what) {
    std::cout << file_;
    if (step && *step >= 1 && *step <= lines_.size()) std::cout << ":" << lines_[*step - 1];
    std::cout << ": ";
    if (step) std::cout << "step " << *step << (key.empty() ? "" : ", ") ;
    if (!key.empty()) std::cout << "key \"" << key << "\"";
    std::cout << ((step || !key.empty()) ? ": " : "") << what << "\n";
    return ++problems_;
  }

  // Every string in `value`, with the key path that leads to it.
  void patient_data(const std::string& key, std::optional<std::size_t> step, const Json& value) {
    if (value.is_string()) {
      for (const auto& hit : find_patient_data(value.get<std::string>(), o_.rules))
        problem(step, key, "looks like real patient data: " + hit.kind + " \"" + hit.value + "\" (" + hit.why +
                               "); use fictional values (docs/scenarios.md)");
    } else if (value.is_object()) {
      for (const auto& [k, v] : value.items()) patient_data(key.empty() ? k : key + "." + k, step, v);
    } else if (value.is_array()) {
      for (std::size_t i = 0; i < value.size(); ++i) patient_data(key + "[" + std::to_string(i) + "]", step, value[i]);
    }
  }

  // A request the contract cannot read (a misspelt key, a wrong type) is a fine test, but mostly
  // a typo: it must say that it means it, with an expect of ok false.
  void malformed_without_intent(const Step& step, std::size_t n) {
    const Call* call = step.call();
    const auto* bad = call ? std::get_if<Malformed>(&call->typed) : nullptr;
    if (!bad) return;
    const auto* expect = step.expect();
    bool intended = expect && *expect && (*expect)->is_object() && (*expect)->contains("ok") && (**expect)["ok"] == false;
    if (!intended)
      problem(n, "", "the request is malformed (" + bad->reason +
                         "): the contract answers invalid; if that is the point, add \"expect\": {\"ok\": false}");
  }

  // The scenario on the model, once with every crashed request taking effect and once with none:
  // an `expect` that fails both ways contradicts the contract; one that fails one way depends on
  // where a crash landed, which a target is free to choose.
  void against_the_model(const Scenario& s) {
    RunnerOptions runner{false, 0, false, false};
    std::optional<Finding> with, without;
    for (bool apply : {true, false}) {
      ModelTarget model(apply);
      RunResult r = run_scenario(s, model, runner);
      (apply ? with : without) = r.finding;
    }
    if (!with && !without) return;
    const Finding& f = with && without ? (with->step <= without->step ? *with : *without) : (with ? *with : *without);
    if (f.invariant != Invariant::scenario_expect) {
      problem(f.step, "", "the model itself disagrees with this scenario (" + std::string(invariant_name(f.invariant)) +
                              ": " + f.detail + "); please report it as a savefuzz bug");
      return;
    }
    if (with && without && with->step == without->step) {
      problem(f.step, "expect",
              "the contract answers " + compact(f.actual) + ", which this expect " + compact(f.expected) + " contradicts");
    } else {
      problem(f.step, "expect",
              "holds only if a crash_during before it " + std::string(with ? "did not take" : "took") +
                  " effect; a target may do either (SPEC.md section 5): expect only what every outcome gives");
    }
  }

  std::string file_;
  const CheckOptions& o_;
  std::vector<std::size_t> lines_;
  std::size_t problems_ = 0;
};

}  // namespace

CLI::App* add_check_command(CLI::App& app, CheckOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "check",
      "check hand-written scenario files before committing them: the format, every expect against the model, and "
      "no real patient data (a valid NIR, a phone number outside the fiction ranges, a real e-mail domain)");
  cmd->add_option("paths", o.paths, "scenario files, or folders searched for *.json")->required();
  cmd->add_option("--fiction-phone-prefix", o.rules.fiction_phone_prefixes,
                  "a phone-number prefix that counts as fiction (national form, digits only, e.g. 063998), "
                  "repeatable; replaces the default list (01 99 00, 02 61 91, 03 53 01, 04 65 71, 05 36 49, 06 39 98)");
  cmd->add_option("--example-domain", o.extra_domains,
                  "an e-mail domain that counts as an example, besides example.com/.org/.net and the .test, .example, "
                  ".invalid and .localhost domains; repeatable");
  cmd->footer(
      "Examples:\n"
      "  savefuzz check corpus/regressions\n"
      "  savefuzz check my-incident.json --example-domain hopital.test\n"
      "Exit codes: 0 every file is fine, 1 a problem was found, 2 usage error.");
  return cmd;
}

int run_check(CheckOptions o) {
  for (auto& d : o.extra_domains) o.rules.example_email_domains.push_back(d);
  std::size_t files = 0, problems = 0, bad_files = 0;
  for (const auto& p : o.paths) {
    std::error_code ec;
    if (!fs::exists(p, ec)) throw SetupError("no such file or folder: " + p);
    for (const auto& file : scenario_files(p)) {
      ++files;
      std::size_t n = FileCheck(file, o).run();
      problems += n;
      bad_files += n > 0;
    }
  }
  std::cout << "CHECK: files=" << files << " with_problems=" << bad_files << " problems=" << problems << "\n";
  return problems ? 1 : 0;
}

}  // namespace savefuzz
