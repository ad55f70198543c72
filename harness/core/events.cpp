// The event stream: a line at a time, flushed, under a lock (campaign workers share it).
#include "harness/core/events.h"

#include "harness/core/status.h"

namespace savefuzz {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Every feature with its count, zero included: features_json leaves zeros out, the list of
// those never reached keeps only them.
std::vector<std::pair<std::string, std::uint64_t>> all_features(const Coverage& c) {
  std::vector<std::pair<std::string, std::uint64_t>> all;
  for (const auto& s : all_ops()) all.emplace_back("op:" + std::string(op_name(s.op)), c.ops[static_cast<std::size_t>(s.op)]);
  all.emplace_back("answer:ok", c.answers[0]);
  for (std::size_t i = 0; i < kErrorCodeCount; ++i)
    all.emplace_back("answer:" + std::string(error_name(static_cast<ErrorCode>(i))), c.answers[i + 1]);
  for (std::size_t k = 1; k < kStepKindCount; ++k)
    if (drawn_control(static_cast<StepKind>(k)))
      all.emplace_back("control:" + std::string(step_kind_name(static_cast<StepKind>(k))), c.control(static_cast<StepKind>(k)));
  all.emplace_back("fault:crash_during-at-sync", c.sync_crashes);
  all.emplace_back("fault:write", c.faults_fired[0]);
  all.emplace_back("fault:sync", c.faults_fired[1]);
  for (std::size_t i = 0; i < kSituationCount; ++i)
    all.emplace_back("situation:" + std::string(situation_name(static_cast<Situation>(i))), c.situations[i]);
  return all;
}

}  // namespace

Json features_json(const Coverage& c) {
  Json j = Json::object();
  for (const auto& [name, n] : all_features(c))
    if (n) j[name] = n;
  return j;
}

std::vector<std::string> features_never_reached(const Coverage& c) {
  std::vector<std::string> out;
  for (const auto& [name, n] : all_features(c))
    if (!n) out.push_back(name);
  return out;
}

std::vector<std::string> feature_keys(const Coverage& c) {
  std::vector<std::string> keys;
  for (const auto& [name, n] : all_features(c)) {
    if (n) keys.push_back(name);
    for (std::uint64_t bucket = 2; bucket <= 16 && n >= bucket; bucket *= 2) keys.push_back(name + "*" + std::to_string(bucket));
  }
  return keys;
}

EventLog::EventLog(const std::filesystem::path& file, std::string property, std::function<void(const Json&)> also)
    : file_(file), also_(std::move(also)), property_(std::move(property)), run_start_(unix_now()) {
  if (file.empty()) return;
  out_.open(file, std::ios::trunc);
  if (!out_) throw SetupError("cannot write the event stream " + file.string());
}

void EventLog::write(Json line) {
  line["property"] = property_;
  line["run_start"] = run_start_;
  std::lock_guard lock(mu_);
  if (also_) also_(line);
  if (file_.empty()) return;
  out_ << line.dump(-1, ' ', false, Json::error_handler_t::replace) << '\n' << std::flush;
  if (!out_) throw SetupError("cannot write the event stream " + file_.string());
}

void EventLog::run_start(const std::string& command, const Json& arguments) {
  write({{"type", "info"}, {"event", "run_start"}, {"title", "run started"},
         {"content", {{"command", command}, {"arguments", arguments}}}, {"timestamp", unix_now()}});
}

void EventLog::test_case(const CaseEvent& e) {
  Json metadata = e.metadata;
  metadata["requests"] = e.requests;
  write({{"type", "test_case"},
         {"event", "case"},
         {"status", e.failed ? "failed" : e.gave_up.empty() ? "passed" : "gave_up"},
         {"status_reason", e.failed ? e.status_reason : e.gave_up},
         {"representation", e.representation},
         {"arguments", e.arguments},
         {"how_generated", e.how_generated},
         {"features", features_json(e.coverage)},
         {"coverage", nullptr},
         {"timing", {{"execute:case", e.seconds}}},
         {"metadata", metadata},
         {"timestamp", unix_now()}});
}

void EventLog::finding(const Json& content) {
  write({{"type", "info"}, {"event", "finding"}, {"title", "finding"}, {"content", content}, {"timestamp", unix_now()}});
}

void EventLog::run_end(const Json& summary, const Coverage* totals) {
  Json content = summary;
  if (totals) {
    content["features"] = features_json(*totals);
    content["features_never_reached"] = features_never_reached(*totals);
  }
  write({{"type", "info"}, {"event", "run_end"}, {"title", "run finished"}, {"content", content}, {"timestamp", unix_now()}});
}

}  // namespace savefuzz
