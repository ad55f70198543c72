// Telling a lost save that wrote nothing new from a version set back.
#include "harness/core/version_loss.h"

#include <string>

namespace savefuzz {
namespace {

bool is_observation(const Json& answer) {
  return answer.is_object() && answer.value("ok", false) && answer.contains("fields") && answer.contains("version");
}

Call renewed(const Call& call, std::size_t step) {
  const Request* r = call.request();
  if (!r || r->op != Op::save_observation || !call.wire.contains("fields") || !call.wire["fields"].is_object())
    return call;
  Json wire = call.wire;
  for (auto& [name, value] : wire["fields"].items()) value = "v" + std::to_string(step);
  return Call::of(wire);
}

}  // namespace

bool loss_shows_only_in_version(const Finding& f) {
  if (f.invariant != Invariant::ack_durable || f.request.value("op", "") != "read_observation" ||
      !is_observation(f.actual))
    return false;
  // After a crash_during the allowed answers are an array.
  Json allowed = f.expected.is_array() ? f.expected : Json::array({f.expected});
  for (const Json& e : allowed)
    if (is_observation(e) && e["fields"] == f.actual["fields"] && e["version"] != f.actual["version"]) return true;
  return false;
}

Scenario with_new_values(const Scenario& s) {
  Scenario v = s;
  for (std::size_t i = 0; i < v.steps.size(); ++i) {
    if (auto* r = std::get_if<RequestStep>(&v.steps[i].body)) r->call = renewed(r->call, i + 1);
    if (auto* c = std::get_if<CrashDuringStep>(&v.steps[i].body)) c->call = renewed(c->call, i + 1);
  }
  return v;
}

bool settle_version_loss(const Scenario& s, Finding& f, const std::function<RunResult(const Scenario&)>& run) {
  if (!loss_shows_only_in_version(f)) return false;
  RunResult again = run(with_new_values(s));
  if (!again.finding || again.finding->invariant != Invariant::version_monotonic) return false;
  f.invariant = Invariant::version_monotonic;
  f.detail += "; run again with every save writing a new value, the values stay and the version is still "
              "wrong: the version was set back, no save was lost";
  return true;
}

}  // namespace savefuzz
