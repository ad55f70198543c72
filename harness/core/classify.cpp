// Classification rules: the most specific invariant that explains a divergence.
#include "harness/core/classify.h"

#include <algorithm>
#include <limits>
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

Invariant explain_list(const Model& m, const Request& r, const std::vector<ListedAppointment>& expected,
                       const std::vector<ListedAppointment>& actual, const History& history) {
  std::map<std::string, const ListedAppointment*> want;
  std::set<std::string> got;
  for (const auto& a : expected) want[a.appointment] = &a;
  for (const auto& a : actual) got.insert(a.appointment);
  // One listed that should not be: outside the lister's practice, a leak. Of its own practice,
  // which it may list, outside the requested from/to: a lost update when it was there before an
  // acknowledged update_appointment that a crash or a failed write or sync may have taken, else a
  // wrong answer (an off-by-one at a bound is not a confidentiality breach, and naming it one
  // sends its reader after a leak).
  auto lister_practice = m.practice_of(r.str(Key::as));
  bool extra = false, all_held_before = true;
  for (const auto& a : actual) {
    if (want.contains(a.appointment)) continue;
    auto practice = m.practice_of(a.appointment);
    if (!practice || practice != lister_practice) return Invariant::tenant_isolation;
    extra = true;
    all_held_before = all_held_before && history.held_before_update(a.appointment, a.start, a.status);
  }
  if (extra) return all_held_before && history.may_have_lost_acknowledged() ? Invariant::ack_durable : Invariant::explicit_errors;
  if (want.size() != got.size()) return Invariant::ack_durable;
  // Same appointments. After a crash or a failed write or sync, those listed where they were
  // before an acknowledged update lost that update; other differences are wrong answers.
  bool moved_back = false;
  for (const auto& a : actual) {
    ListedAppointment e = *want.at(a.appointment);
    if (e == a) continue;
    e.start = a.start;
    e.status = a.status;
    if (!(e == a) || !history.held_before_update(a.appointment, a.start, a.status)) return Invariant::explicit_errors;
    moved_back = true;
  }
  return moved_back && history.may_have_lost_acknowledged() ? Invariant::ack_durable : Invariant::explicit_errors;
}

}  // namespace

void History::record(std::size_t step, const Request& r, const Response& actual, const Model& before, bool answered) {
  switch (r.op) {
    case Op::save_observation: {
      const std::string& a = r.str(Key::appointment);
      if (actual.ok()) {
        bool shared = before.has_shared_document(a);
        auto old = before.observation(a);
        bool unchanging = true;
        for (std::size_t i = 0; i < 4; ++i)
          if (r.fields()[i]) {
            acks_[a][i] = {step, shared};
            unchanging = unchanging && old && old->fields[i] == *r.fields()[i];
          }
        saves_[a].push_back({step, unchanging, answered, shared});
      } else {
        rejected_.push_back({a, r.fields(), actual.error == ErrorCode::conflict});
      }
      break;
    }
    case Op::update_appointment: {
      const std::string& a = r.str(Key::appointment);
      events_.push_back({step, {Event::update, a}});
      if (actual.ok())
        if (auto start = before.start_of(a)) before_updates_[a].insert({*start, *before.status_of(a)});
      break;
    }
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
  // values stand as if acknowledged; a later loss of them is not the crash's doing. One the model
  // refuses can apply nothing: its values showing up is a partial effect, as for any refusal.
  if (kind == StepKind::crash_during && r && r->op == Op::save_observation) {
    Model dry = before;
    Response predicted = dry.apply(*r);
    record(step, *r, predicted.ok() ? Response{std::nullopt, std::int64_t{0}} : predicted, before, false);
  }
  std::string appointment;
  if (r && r->has(Key::appointment)) appointment = r->str(Key::appointment);
  if (r && r->has(Key::document))
    if (auto a = before.appointment_of_document(r->str(Key::document))) appointment = *a;
  events_.push_back({step, {kind == StepKind::crash_during ? Event::crash_during : Event::crash, appointment}});
}

std::vector<History::Save> History::last_saves(const std::string& appointment, std::int64_t lost,
                                               bool with_crashed) const {
  auto it = saves_.find(appointment);
  if (lost <= 0 || it == saves_.end()) return {};
  std::vector<Save> saves;
  for (const Save& s : it->second)
    if (s.answered || with_crashed) saves.push_back(s);
  if (saves.size() < static_cast<std::size_t>(lost)) return {};
  return {saves.end() - lost, saves.end()};
}

bool History::lost_saves_show_only_in_version(const std::string& appointment, std::int64_t lost,
                                              bool with_crashed) const {
  std::vector<Save> lost_saves = last_saves(appointment, lost, with_crashed);
  if (lost_saves.empty() || !std::all_of(lost_saves.begin(), lost_saves.end(), [](const Save& s) { return s.unchanging; }))
    return false;
  // >=: a crash_during is recorded at its own step.
  for (const auto& [s, e] : events_)
    if (s >= lost_saves.back().step && (e.first == Event::crash || e.first == Event::crash_during)) return true;
  return false;
}

bool History::held_before_update(const std::string& appointment, const std::string& start,
                                 const std::string& status) const {
  auto it = before_updates_.find(appointment);
  return it != before_updates_.end() && it->second.contains({start, status});
}

bool History::may_have_lost_acknowledged() const {
  if (storage_failed_) return true;
  for (const auto& [s, e] : events_)
    if (e.first == Event::crash || e.first == Event::crash_during) return true;
  return false;
}

std::pair<std::size_t, std::optional<History::Event>> History::latest_event_since(const std::string& appointment,
                                                                                  std::size_t since) const {
  std::pair<std::size_t, std::optional<Event>> latest{since, std::nullopt};
  for (const auto& [s, e] : events_)
    if (s > since && (e.first == Event::crash || e.first == Event::crash_during || e.second == appointment))
      latest = {s, e.first};
  return latest;
}

Invariant History::explain_version(const std::string& appointment, std::int64_t lost, bool with_crashed) const {
  auto it = saves_.find(appointment);
  std::size_t since = it == saves_.end() || it->second.empty() ? 0 : it->second.back().step;
  std::optional<Event> latest = latest_event_since(appointment, since).second;
  if (latest == Event::update) return Invariant::appointment_update_preserves_observation;
  if (latest == Event::share) return Invariant::share_preserves_observation;
  // Nothing since: the saves were acknowledged with their versions and not stored, and all they
  // wrote were values already there. Named as explain_field names a lost value.
  std::vector<Save> lost_saves = last_saves(appointment, lost, with_crashed);
  if (!latest && !lost_saves.empty() &&
      std::all_of(lost_saves.begin(), lost_saves.end(), [](const Save& s) { return s.unchanging && s.answered; }))
    return std::any_of(lost_saves.begin(), lost_saves.end(), [](const Save& s) { return s.while_shared; })
               ? Invariant::share_preserves_observation
               : Invariant::ack_durable;
  return Invariant::version_monotonic;
}

Invariant History::explain_field(const std::string& appointment, std::size_t field, const std::string& expected,
                                 const std::string& actual) const {
  if (proper_prefix(actual, expected) && !actual.empty()) return Invariant::exact_round_trip;
  for (const auto& r : rejected_)
    if (r.appointment == appointment && r.fields[field] == actual)
      return r.conflict ? Invariant::no_lost_update : Invariant::all_or_nothing;
  Ack ack;
  if (auto it = acks_.find(appointment); it != acks_.end()) ack = it->second[field];
  // The last step since the acknowledgement that could have taken the value names the
  // invariant. Once the divergence is localized (diagnose.h) that step is the one it first
  // showed after, so an unrelated crash or crash_during later on names nothing.
  auto [at, latest] = latest_event_since(appointment, ack.step);
  // A later save that did not name this field took it away: the acknowledged value is lost,
  // whatever was shared.
  if (auto it = saves_.find(appointment); it != saves_.end() && !it->second.empty() && it->second.back().step > at)
    return Invariant::ack_durable;
  if (!latest) return ack.while_shared ? Invariant::share_preserves_observation : Invariant::ack_durable;
  switch (*latest) {
    case Event::update: return Invariant::appointment_update_preserves_observation;
    case Event::share: return Invariant::share_preserves_observation;
    // A crash_during whose outcomes predicted different answers was named all-or-nothing before
    // this (classify's `several_outcomes`); otherwise it lost the value as any crash would.
    case Event::crash:
    case Event::crash_during: return Invariant::ack_durable;
  }
  return Invariant::ack_durable;
}

Invariant classify(const Model& m, const Call& call, const std::vector<Response>& outcomes, const Response& actual,
                   const History& history) {
  const Request* r = call.request();
  const Response& expected = outcomes.front();
  bool several_outcomes =
      std::any_of(outcomes.begin(), outcomes.end(), [&](const Response& p) { return !(p == expected); });
  // A crash_during tears its own request at worst: each field then holds the value of one of
  // its outcomes. A field no outcome explains lost a value the request never wrote, which the
  // crash's other steps (or the crash itself) answer for.
  if (several_outcomes && r && r->op == Op::read_observation && !actual.error &&
      std::all_of(outcomes.begin(), outcomes.end(), [](const Response& p) { return !p.error; })) {
    auto view = [](const Response& p) -> const ObservationView& { return std::get<ObservationView>(p.body); };
    const auto& a = view(actual);
    // The fields of one outcome with the higher version of another: the crashed save counted and
    // wrote none of its values, a torn request (the field loop below names it).
    bool counted_without_values =
        std::any_of(outcomes.begin(), outcomes.end(),
                    [&](const Response& p) { return view(p).version == a.version && view(p).fields != a.fields; }) &&
        std::any_of(outcomes.begin(), outcomes.end(),
                    [&](const Response& p) { return view(p).fields == a.fields && view(p).version < a.version; });
    // The fields of one outcome with another, lower version: the version is wrong, not the request
    // torn, unless the saves that version says were lost wrote no new value (then they were lost).
    if (!counted_without_values &&
        std::any_of(outcomes.begin(), outcomes.end(), [&](const Response& p) { return view(p).fields == a.fields; })) {
      std::int64_t matching = std::numeric_limits<std::int64_t>::max(), highest = 0;
      for (const auto& p : outcomes) {
        const auto& o = view(p);
        if (o.fields == a.fields) matching = std::min(matching, o.version);
        highest = std::max(highest, o.version);
      }
      // The state with the highest version is the one where the crashed save was applied.
      return history.lost_saves_show_only_in_version(r->str(Key::appointment), matching - a.version, matching == highest)
                 ? Invariant::ack_durable
                 : history.explain_version(r->str(Key::appointment), matching - a.version, matching == highest);
    }
    for (std::size_t i = 0; i < 4; ++i) {
      bool explained = std::any_of(outcomes.begin(), outcomes.end(),
                                   [&](const Response& p) { return view(p).fields[i] == a.fields[i]; });
      if (!explained)
        return history.explain_field(r->str(Key::appointment), i, view(expected).fields[i], a.fields[i]);
    }
    return Invariant::all_or_nothing;
  }
  if (expected.error != actual.error) {
    if (several_outcomes) return Invariant::all_or_nothing;
    if (!r) return Invariant::explicit_errors;
    // The model knows every entity this request names: after a crash or a failed write or sync,
    // `not_found` means an acknowledged creation was lost. Without one it is a wrong answer.
    if (actual.error == ErrorCode::not_found && history.may_have_lost_acknowledged()) return Invariant::ack_durable;
    // And a create answered ok where the id was taken: the acknowledged creation was lost.
    if (actual.ok() && expected.error == ErrorCode::exists && history.may_have_lost_acknowledged())
      return Invariant::ack_durable;
    // And a document read refused where the model lets it through: the acknowledged share that
    // allowed it was lost.
    if (actual.error == ErrorCode::forbidden && !expected.error && r->op == Op::read_document &&
        history.may_have_lost_acknowledged())
      return Invariant::ack_durable;
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
      return explain_list(m, *r, std::get<std::vector<ListedAppointment>>(expected.body),
                          std::get<std::vector<ListedAppointment>>(actual.body), history);
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
      // The fields are right and the version one too low: a lost save that wrote no new value.
      if (history.lost_saves_show_only_in_version(r->str(Key::appointment), e.version - a.version, false))
        return Invariant::ack_durable;
      return history.explain_version(r->str(Key::appointment), e.version - a.version, false);
    }
    default:
      return Invariant::explicit_errors;
  }
}

}  // namespace savefuzz
