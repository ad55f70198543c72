// Classification rules: the most specific invariant that explains a divergence.
#include "harness/core/classify.h"

#include <set>

namespace savefuzz {
namespace {

bool proper_prefix(const std::string& shorter, const std::string& longer) {
  return shorter.size() < longer.size() && longer.compare(0, shorter.size(), shorter) == 0;
}

// A text over its byte limit in the request: if such a request is acknowledged, the text was
// necessarily altered to fit.
bool has_over_limit_text(const Request& r, const Limits& l) {
  for (const auto& use : spec(r.op).uses()) {
    if (!r.has(use.key)) continue;
    std::size_t limit = bytes_of(key_limit(use.key), l);
    if (key_type(use.key) == ValueType::text && r.str(use.key).size() > limit) return true;
    if (key_type(use.key) == ValueType::fields)
      for (const auto& f : r.fields())
        if (f && f->size() > limit) return true;
  }
  return false;
}

Invariant wrongly_allowed(const Model& m, const Request& r) {
  const std::string& as = r.str(Key::as);
  auto kind = m.kind_of(as);
  switch (r.op) {
    case Op::read_observation:
      // A recipient of a document must never see an observation through it.
      return m.is_any_recipient(as) ? Invariant::share_scope : Invariant::tenant_isolation;
    case Op::read_document:
      return (kind == Kind::patient || m.is_any_recipient(as)) ? Invariant::share_scope : Invariant::tenant_isolation;
    default:
      return Invariant::tenant_isolation;
  }
}

Invariant explain_list(const std::vector<ListedAppointment>& expected, const std::vector<ListedAppointment>& actual) {
  std::set<std::string> want, got;
  for (const auto& a : expected) want.insert(a.appointment);
  for (const auto& a : actual) got.insert(a.appointment);
  for (const auto& id : got)
    if (!want.contains(id)) return Invariant::tenant_isolation;
  if (want != got) return Invariant::ack_durable;
  return Invariant::explicit_errors;  // same appointments, wrong content or order
}

}  // namespace

void History::record(std::size_t step, const Request& r, const Response& actual, const Model& before) {
  switch (r.op) {
    case Op::save_observation: {
      const std::string& a = r.str(Key::appointment);
      if (actual.ok()) {
        bool shared = before.has_shared_document(a);
        for (std::size_t i = 0; i < 4; ++i)
          if (r.fields()[i]) acks_[a][i] = {step, shared};
        saves_[a].push_back(step);
      } else {
        rejected_.push_back({a, r.fields(), actual.error == ErrorCode::conflict});
      }
      break;
    }
    case Op::update_appointment:
      events_.push_back({step, {Event::update, r.str(Key::appointment)}});
      break;
    case Op::share_document:
    case Op::unshare_document:
      if (auto a = before.appointment_of_document(r.str(Key::document)))
        events_.push_back({step, {Event::share, *a}});
      break;
    default:
      break;
  }
}

void History::record_control(std::size_t step, StepKind kind, const Request* r, const Model& before) {
  // A save that a crash_during may have applied: once the run goes on with it applied, its
  // values stand as if acknowledged; a later loss of them is not the crash's doing.
  if (kind == StepKind::crash_during && r && r->op == Op::save_observation)
    record(step, *r, Response{std::nullopt, std::int64_t{0}}, before);
  std::string appointment;
  if (r && r->has(Key::appointment)) appointment = r->str(Key::appointment);
  if (r && r->has(Key::document))
    if (auto a = before.appointment_of_document(r->str(Key::document))) appointment = *a;
  events_.push_back({step, {kind == StepKind::crash_during ? Event::crash_during : Event::crash, appointment}});
}

bool History::restarted() const {
  for (const auto& [s, e] : events_)
    if (e.first == Event::crash || e.first == Event::crash_during) return true;
  return false;
}

bool History::since(std::size_t step, Event type, const std::string& appointment) const {
  for (const auto& [s, e] : events_)
    if (s > step && e.first == type && (type == Event::crash || e.second == appointment)) return true;
  return false;
}

Invariant History::explain_field(const std::string& appointment, std::size_t field, const std::string& expected,
                                 const std::string& actual) const {
  if (proper_prefix(actual, expected) && !actual.empty()) return Invariant::exact_round_trip;
  for (const auto& r : rejected_)
    if (r.appointment == appointment && r.fields[field] == actual)
      return r.conflict ? Invariant::no_lost_update : Invariant::all_or_nothing;
  Ack ack;
  if (auto it = acks_.find(appointment); it != acks_.end()) ack = it->second[field];
  if (since(ack.step, Event::crash_during, appointment)) return Invariant::all_or_nothing;
  if (since(ack.step, Event::crash, appointment)) return Invariant::ack_durable;
  if (since(ack.step, Event::update, appointment)) return Invariant::appointment_update_preserves_observation;
  // A later save that did not name this field took it away: the acknowledged value is lost,
  // whatever was shared.
  if (auto it = saves_.find(appointment); it != saves_.end() && !it->second.empty() && it->second.back() > ack.step)
    return Invariant::ack_durable;
  if (ack.while_shared || since(ack.step, Event::share, appointment)) return Invariant::share_preserves_observation;
  return Invariant::ack_durable;
}

Invariant classify(const Model& m, const Call& call, const Response& expected, const Response& actual,
                   const History& history, bool several_outcomes) {
  const Request* r = call.request();
  if (expected.error != actual.error) {
    if (several_outcomes) return Invariant::all_or_nothing;
    if (!r) return Invariant::explicit_errors;
    // The model knows every entity this request names: after a restart or crash, `not_found`
    // means an acknowledged creation was lost. Without one it is a wrong answer.
    if (actual.error == ErrorCode::not_found && history.restarted()) return Invariant::ack_durable;
    if (!expected.error) return Invariant::explicit_errors;
    if (actual.ok() && (expected.error == ErrorCode::forbidden || expected.error == ErrorCode::not_found) &&
        !spec(r->op).mutating && r->has(Key::as))
      return wrongly_allowed(m, *r);
    if (actual.ok() && expected.error == ErrorCode::conflict) return Invariant::no_lost_update;
    if (actual.ok() && expected.error == ErrorCode::invalid && has_over_limit_text(*r, m.limits()))
      return Invariant::exact_round_trip;
    return Invariant::explicit_errors;
  }
  if (several_outcomes) return Invariant::all_or_nothing;
  if (!r) return Invariant::explicit_errors;
  switch (r->op) {
    case Op::save_observation: return Invariant::version_monotonic;
    case Op::list_appointments:
      return explain_list(std::get<std::vector<ListedAppointment>>(expected.body),
                          std::get<std::vector<ListedAppointment>>(actual.body));
    case Op::read_document: {
      const auto& e = std::get<DocumentView>(expected.body);
      const auto& a = std::get<DocumentView>(actual.body);
      if (proper_prefix(a.content, e.content) || proper_prefix(a.title, e.title)) return Invariant::exact_round_trip;
      return Invariant::ack_durable;
    }
    case Op::read_observation: {
      const auto& e = std::get<ObservationView>(expected.body);
      const auto& a = std::get<ObservationView>(actual.body);
      for (std::size_t i = 0; i < 4; ++i)
        if (e.fields[i] != a.fields[i]) return history.explain_field(r->str(Key::appointment), i, e.fields[i], a.fields[i]);
      return Invariant::version_monotonic;
    }
    default:
      return Invariant::explicit_errors;
  }
}

}  // namespace savefuzz
