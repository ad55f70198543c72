// The model's rules, each traced to SPEC.md: validity (2, 4a), existence, uniqueness,
// authorization (3, 4a.9-11), versions (4), then the effect. The first failing stage answers.
#include "harness/core/model.h"

#include <algorithm>

#include "harness/core/values.h"

namespace savefuzz {
namespace {

Response fail(ErrorCode c) { return Response::failure(c); }
Response ok() { return Response{}; }

}  // namespace

bool Model::is(const std::string& id, Kind kind) const {
  auto it = kinds_.find(id);
  return it != kinds_.end() && it->second == kind;
}

bool Model::practitioner_of(const std::string& who, const std::string& practice) const {
  return is(who, Kind::practitioner) && practice_.at(who) == practice;
}

bool Model::valid_values(const Request& r) const {
  bool one_of_listed = false, one_of_given = false;
  for (const auto& use : spec(r.op).uses()) {
    one_of_listed |= use.presence == Presence::one_of;
    if (!r.has(use.key)) continue;
    one_of_given |= use.presence == Presence::one_of;
    std::size_t limit = bytes_of(key_limit(use.key), limits_);
    switch (key_type(use.key)) {
      case ValueType::id:
        if (!valid_id(r.str(use.key))) return false;
        break;
      case ValueType::text:
        if (!valid_text(r.str(use.key), limit)) return false;
        break;
      case ValueType::start:
        if (!valid_start(r.str(use.key))) return false;
        break;
      case ValueType::status:
        if (!valid_status(r.str(use.key))) return false;
        break;
      case ValueType::fields: {
        const Fields& f = r.fields();
        if (std::none_of(f.begin(), f.end(), [](const auto& x) { return x.has_value(); })) return false;
        for (const auto& x : f)
          if (x && !valid_text(*x, limit)) return false;
        break;
      }
      case ValueType::integer:
        break;  // any 64-bit integer; a mismatch is a conflict, not invalid
    }
  }
  return !one_of_listed || one_of_given;  // update_appointment: start, status or both
}

Response Model::apply(const Request& r) {
  if (!valid_values(r)) return fail(ErrorCode::invalid);
  switch (r.op) {
    case Op::create_practice:
    case Op::create_practitioner:
    case Op::create_patient:
    case Op::create_api_client: return create(r);
    case Op::book_appointment: return book(r);
    case Op::update_appointment: return update(r);
    case Op::save_observation: return save(r);
    case Op::read_observation: return read_observation(r);
    case Op::attach_document: return attach(r);
    case Op::share_document: return share(r, true);
    case Op::unshare_document: return share(r, false);
    case Op::read_document: return read_document(r);
    case Op::list_appointments: return list(r);
  }
  return fail(ErrorCode::invalid);
}

Response Model::create(const Request& r) {
  const std::string& id = r.str(*spec(r.op).creates);
  if (r.op != Op::create_practice && !is(r.str(Key::practice), Kind::practice)) return fail(ErrorCode::not_found);
  if (kinds_.contains(id)) return fail(ErrorCode::exists);
  switch (r.op) {
    case Op::create_practice:
      kinds_[id] = Kind::practice;
      return ok();
    case Op::create_practitioner:
      kinds_[id] = Kind::practitioner;
      people_[id] = {r.str(Key::practice), {r.str(Key::name), r.str(Key::specialty)}};
      break;
    case Op::create_patient:
      kinds_[id] = Kind::patient;
      people_[id] = {r.str(Key::practice),
                     {r.str(Key::name), r.str(Key::first_name), r.str(Key::sex), r.str(Key::phone), r.str(Key::email)}};
      break;
    default:
      kinds_[id] = Kind::api_client;
      break;
  }
  practice_[id] = r.str(Key::practice);
  return ok();
}

Response Model::book(const Request& r) {
  const auto &as = r.str(Key::as), &id = r.str(Key::appointment), &patient = r.str(Key::patient);
  if (!kinds_.contains(as) || !is(patient, Kind::patient)) return fail(ErrorCode::not_found);
  if (kinds_.contains(id)) return fail(ErrorCode::exists);
  if (!is(as, Kind::practitioner) || practice_.at(patient) != practice_.at(as)) return fail(ErrorCode::forbidden);
  kinds_[id] = Kind::appointment;
  practice_[id] = practice_.at(as);
  appointments_[id] = {practice_.at(as), as, patient, r.str(Key::start), "booked", {}};
  return ok();
}

Response Model::update(const Request& r) {
  const auto &as = r.str(Key::as), &id = r.str(Key::appointment);
  if (!kinds_.contains(as) || !is(id, Kind::appointment)) return fail(ErrorCode::not_found);
  Appointment& a = appointments_.at(id);
  if (!practitioner_of(as, a.practice)) return fail(ErrorCode::forbidden);
  if (r.has(Key::start)) a.start = r.str(Key::start);
  if (r.has(Key::status)) a.status = r.str(Key::status);
  return ok();
}

Response Model::save(const Request& r) {
  const auto &as = r.str(Key::as), &id = r.str(Key::appointment);
  if (!kinds_.contains(as) || !is(id, Kind::appointment)) return fail(ErrorCode::not_found);
  Appointment& a = appointments_.at(id);
  if (!practitioner_of(as, a.practice)) return fail(ErrorCode::forbidden);
  auto base = r.integer(Key::base_version);
  if (base && *base != a.observation.version) return fail(ErrorCode::conflict);
  const Fields& f = r.fields();
  for (std::size_t i = 0; i < f.size(); ++i)
    if (f[i]) a.observation.fields[i] = *f[i];
  a.observation.version += 1;
  return Response{std::nullopt, a.observation.version};
}

Response Model::read_observation(const Request& r) const {
  const auto &as = r.str(Key::as), &id = r.str(Key::appointment);
  if (!kinds_.contains(as) || !is(id, Kind::appointment)) return fail(ErrorCode::not_found);
  const Appointment& a = appointments_.at(id);
  if (!practitioner_of(as, a.practice)) return fail(ErrorCode::forbidden);
  return Response{std::nullopt, a.observation};
}

Response Model::attach(const Request& r) {
  const auto &as = r.str(Key::as), &id = r.str(Key::document), &appointment = r.str(Key::appointment);
  if (!kinds_.contains(as) || !is(appointment, Kind::appointment)) return fail(ErrorCode::not_found);
  if (kinds_.contains(id)) return fail(ErrorCode::exists);
  const std::string& practice = appointments_.at(appointment).practice;
  if (!practitioner_of(as, practice)) return fail(ErrorCode::forbidden);
  kinds_[id] = Kind::document;
  practice_[id] = practice;
  documents_[id] = {appointment, r.str(Key::title), std::make_shared<const std::string>(r.str(Key::content)), {}};
  return ok();
}

Response Model::share(const Request& r, bool add) {
  const auto &as = r.str(Key::as), &id = r.str(Key::document), &with = r.str(Key::with);
  if (!kinds_.contains(as) || !is(id, Kind::document) || !kinds_.contains(with)) return fail(ErrorCode::not_found);
  Document& d = documents_.at(id);
  if (!practitioner_of(as, practice_.at(id))) return fail(ErrorCode::forbidden);
  bool person = is(with, Kind::practitioner) || is(with, Kind::patient);
  bool allowed = add ? is(with, Kind::practitioner) || with == appointments_.at(d.appointment).patient : person;
  if (!allowed) return fail(ErrorCode::forbidden);
  if (add) d.recipients.insert(with);
  else d.recipients.erase(with);
  return ok();
}

Response Model::read_document(const Request& r) const {
  const auto &as = r.str(Key::as), &id = r.str(Key::document);
  if (!kinds_.contains(as) || !is(id, Kind::document)) return fail(ErrorCode::not_found);
  const Document& d = documents_.at(id);
  bool allowed = practitioner_of(as, practice_.at(id)) || d.recipients.contains(as);
  if (!allowed) return fail(ErrorCode::forbidden);
  return Response{std::nullopt, DocumentView{d.title, *d.content}};
}

Response Model::list(const Request& r) const {
  const auto& as = r.str(Key::as);
  if (!kinds_.contains(as)) return fail(ErrorCode::not_found);
  if (!is(as, Kind::practitioner) && !is(as, Kind::api_client)) return fail(ErrorCode::forbidden);
  auto from = r.opt(Key::from), to = r.opt(Key::to);
  std::vector<ListedAppointment> out;
  for (const auto& [id, a] : appointments_) {
    if (a.practice != practice_.at(as)) continue;
    if ((from && a.start < *from) || (to && a.start >= *to)) continue;
    const Person& pr = people_.at(a.practitioner);
    const Person& pa = people_.at(a.patient);
    out.push_back({id, a.start, a.status, {a.practitioner, pr.texts[0], pr.texts[1]},
                   {a.patient, pa.texts[0], pa.texts[1], pa.texts[2], pa.texts[3], pa.texts[4]}});
  }
  // std::map iterates ids in byte order; a stable sort by start keeps that order among equal starts.
  std::stable_sort(out.begin(), out.end(), [](const auto& x, const auto& y) { return x.start < y.start; });
  return Response{std::nullopt, std::move(out)};
}

std::vector<std::string> Model::ids_of(Kind kind) const {
  std::vector<std::string> out;
  for (const auto& [id, k] : kinds_)
    if (k == kind) out.push_back(id);
  return out;
}

std::optional<Kind> Model::kind_of(const std::string& id) const {
  auto it = kinds_.find(id);
  if (it == kinds_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Model::practice_of(const std::string& id) const {
  if (is(id, Kind::practice)) return id;
  auto it = practice_.find(id);
  if (it == practice_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Model::appointment_of_document(const std::string& document) const {
  auto it = documents_.find(document);
  if (it == documents_.end()) return std::nullopt;
  return it->second.appointment;
}

std::optional<std::string> Model::start_of(const std::string& appointment) const {
  auto it = appointments_.find(appointment);
  if (it == appointments_.end()) return std::nullopt;
  return it->second.start;
}

std::optional<std::string> Model::status_of(const std::string& appointment) const {
  auto it = appointments_.find(appointment);
  if (it == appointments_.end()) return std::nullopt;
  return it->second.status;
}

bool Model::has_shared_document(const std::string& appointment) const {
  return std::any_of(documents_.begin(), documents_.end(),
                     [&](const auto& d) { return d.second.appointment == appointment && !d.second.recipients.empty(); });
}

bool Model::is_any_recipient(const std::string& who) const {
  return std::any_of(documents_.begin(), documents_.end(),
                     [&](const auto& d) { return d.second.recipients.contains(who); });
}

std::optional<ObservationView> Model::observation(const std::string& appointment) const {
  auto it = appointments_.find(appointment);
  if (it == appointments_.end()) return std::nullopt;
  return it->second.observation;
}

}  // namespace savefuzz
