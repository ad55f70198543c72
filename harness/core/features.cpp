// The save-path situations, read from the model before each step and the step's answer.
#include "harness/core/features.h"

#include <algorithm>

namespace savefuzz {
namespace {

constexpr std::array<std::string_view, kSituationCount> kNames{
#define SAVEFUZZ_SITUATION_NAME(id, name) name,
    SAVEFUZZ_SITUATIONS(SAVEFUZZ_SITUATION_NAME)
#undef SAVEFUZZ_SITUATION_NAME
};

std::size_t fields_given(const Request& r) {
  if (!r.has(Key::fields)) return 0;
  const Fields& f = r.fields();
  return static_cast<std::size_t>(std::count_if(f.begin(), f.end(), [](const auto& v) { return v.has_value(); }));
}

bool has_observation(const Model& m, const std::string& appointment) {
  auto o = m.observation(appointment);
  return o && std::any_of(o->fields.begin(), o->fields.end(), [](const std::string& f) { return !f.empty(); });
}

}  // namespace

std::string_view situation_name(Situation s) { return kNames[static_cast<std::size_t>(s)]; }

void SituationTracker::request(const Model& before, const Request& r, const Response& answer) {
  const std::string* as = r.has(Key::as) ? &r.str(Key::as) : nullptr;
  std::optional<Kind> who = as ? before.kind_of(*as) : std::nullopt;
  const std::string* appointment = r.has(Key::appointment) ? &r.str(Key::appointment) : nullptr;
  switch (r.op) {
    case Op::save_observation: {
      if (answer.error == ErrorCode::conflict) count(Situation::stale_save_conflict);
      if (answer.error == ErrorCode::invalid) count(Situation::save_refused_invalid);
      if (answer.error == ErrorCode::unavailable) count(Situation::save_refused_unavailable);
      if (!answer.ok() || !appointment) break;
      saved_ = true;
      std::size_t given = fields_given(r);
      if (before.has_shared_document(*appointment)) count(Situation::save_with_shared_document);
      if (restarted_) count(Situation::save_after_restart);
      if (given >= 2) count(Situation::multi_field_save);
      if (given < 4 && has_observation(before, *appointment)) count(Situation::save_of_some_fields_over_others);
      if (const auto* v = std::get_if<std::int64_t>(&answer.body); v && *v == 5) count(Situation::save_to_version_5);
      const Fields& f = r.fields();
      if (std::any_of(f.begin(), f.end(),
                      [&](const auto& v) { return v && v->size() * 2 >= before.limits().field_bytes; }))
        count(Situation::save_near_field_limit);
      break;
    }
    case Op::read_observation:
      if (who == Kind::practitioner) count(Situation::read_observation_as_practitioner);
      if (who == Kind::patient) count(Situation::read_observation_as_patient);
      if (who == Kind::api_client) count(Situation::read_observation_as_api_client);
      if (answer.ok() && crashed_ && appointment && has_observation(before, *appointment)) count(Situation::read_after_crash);
      [[fallthrough]];
    case Op::read_document:
      if (r.op == Op::read_document && answer.ok() && as && before.is_any_recipient(*as) && who != Kind::practitioner)
        count(Situation::read_document_as_recipient);
      if ((answer.error == ErrorCode::forbidden || answer.error == ErrorCode::not_found) && as) {
        std::string target = r.op == Op::read_document && r.has(Key::document) ? r.str(Key::document)
                                                                                 : (appointment ? *appointment : "");
        auto mine = before.practice_of(*as), theirs = before.practice_of(target);
        if (mine && theirs && *mine != *theirs) count(Situation::read_refused_outside_practice);
      }
      break;
    case Op::list_appointments:
      if (who == Kind::api_client && answer.ok()) count(Situation::list_as_api_client);
      break;
    case Op::update_appointment:
      if (answer.ok() && appointment && has_observation(before, *appointment))
        count(Situation::update_of_appointment_with_observation);
      break;
    case Op::share_document:
    case Op::unshare_document:
      if (answer.ok() && r.has(Key::document))
        if (auto a = before.appointment_of_document(r.str(Key::document)); a && has_observation(before, *a))
          count(r.op == Op::share_document ? Situation::share_of_appointment_with_observation
                                           : Situation::unshare_of_appointment_with_observation);
      break;
    default:
      break;
  }
}

void SituationTracker::control(StepKind kind, const Request* r) {
  if (kind == StepKind::reset) {
    restarted_ = crashed_ = saved_ = false;
    return;
  }
  restarted_ = true;
  if (kind == StepKind::restart) return;
  crashed_ = true;
  if (kind == StepKind::power_loss && saved_) count(Situation::power_loss_after_save);
  if (kind != StepKind::crash_during || !r) return;
  if (r->op == Op::save_observation) {
    count(Situation::crash_during_save);
    if (fields_given(*r) >= 2) count(Situation::crash_during_multi_field_save);
  }
  if (r->op == Op::share_document || r->op == Op::unshare_document) count(Situation::crash_during_share);
}

}  // namespace savefuzz
