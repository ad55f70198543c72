// The operations of SPEC.md section 4. Each handler reads every key first (invalid), then looks
// up every reference (not_found), then checks new ids (exists), then authorization (forbidden),
// then versions (conflict), and only then writes: the error precedence of SPEC.md 4 and 4a.12.
#include <chrono>

#include "targets/records/service.h"

namespace records {
namespace {

Json observation_json(const Observation& o) {
  Json fields = Json::object();
  for (std::size_t i = 0; i < kFieldNames.size(); ++i) fields[std::string(kFieldNames[i])] = o.fields[i];
  return object_of("fields", std::move(fields), "version", o.version);
}

void forbid_unless(bool allowed, const std::string& why) {
  if (!allowed) reject(ErrorCode::forbidden, why);
}

// silent-truncation and page-overflow-cuts-document: where the cut lands inside a character, back
// off to its start so the stored text stays UTF-8 (the damage is the lost tail, not garbled bytes).
std::string cut_at_character(std::string s, std::size_t cut) {
  if (s.size() <= cut) return s;
  std::size_t n = cut;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  return s;
}

// nonatomic-save: the field-by-field writer waits on a round trip between fields; that window is
// where a crash leaves half a save.
constexpr std::chrono::milliseconds kFieldRoundTrip{25};

}  // namespace

Json Service::hello(Request& r) {
  auto protocol = r.optional_integer("protocol");
  r.finish();
  if (protocol != 1) reject(ErrorCode::invalid, "hello needs \"protocol\":1");
  const auto& l = options_.limits;
  return Json{{"target", "records"},
              {"limits", Json{{"field_bytes", l.field_bytes},
                              {"title_bytes", l.title_bytes},
                              {"document_bytes", l.document_bytes}}},
              {"features", Json::array({"reset"})}};
}

// SPEC.md section 8: every entity and value goes, in one durable transaction.
Json Service::reset(Request& r) {
  r.finish();
  durably([&] { store_->clear(); });
  unwritten_.clear();
  return Json::object();
}

Json Service::create_practice(Request& r) {
  auto practice = r.id("practice");
  r.finish();
  need_new(practice);
  durably([&] { store_->add_entity(practice, Kind::practice, practice); });
  return Json::object();
}

Json Service::create_practitioner(Request& r) {
  auto id = r.id("practitioner");
  auto practice = r.id("practice");
  auto name = r.text("name", options_.limits.field_bytes);
  auto specialty = r.text("specialty", options_.limits.field_bytes);
  r.finish();
  need(practice, Kind::practice, "practice");
  need_new(id);
  durably([&] {
    store_->add_entity(id, Kind::practitioner, practice);
    store_->add_practitioner(id, name, specialty);
  });
  return Json::object();
}

Json Service::create_patient(Request& r) {
  auto id = r.id("patient");
  auto practice = r.id("practice");
  std::array<std::string, 5> texts;
  const char* keys[] = {"name", "first_name", "sex", "phone", "email"};
  for (std::size_t i = 0; i < texts.size(); ++i) texts[i] = r.text(keys[i], options_.limits.field_bytes);
  r.finish();
  need(practice, Kind::practice, "practice");
  need_new(id);
  durably([&] {
    store_->add_entity(id, Kind::patient, practice);
    store_->add_patient(id, texts);
  });
  return Json::object();
}

Json Service::create_api_client(Request& r) {
  auto id = r.id("client");
  auto practice = r.id("practice");
  r.finish();
  need(practice, Kind::practice, "practice");
  need_new(id);
  durably([&] { store_->add_entity(id, Kind::api_client, practice); });
  return Json::object();
}

Json Service::book_appointment(Request& r) {
  auto as = r.id("as");
  auto id = r.id("appointment");
  auto patient_id = r.id("patient");
  auto start = r.start("start");
  r.finish();
  auto actor = need(as, "as");
  auto patient = need(patient_id, Kind::patient, "patient");
  need_new(id);
  forbid_unless(actor.kind == Kind::practitioner, "only a practitioner books");
  forbid_unless(patient.practice == actor.practice, "the patient belongs to another practice");
  durably([&] {
    store_->add_entity(id, Kind::appointment, actor.practice);
    store_->add_appointment(id, actor.practice, as, patient_id, start);
  });
  return Json::object();
}

Json Service::update_appointment(Request& r) {
  auto as = r.id("as");
  auto id = r.id("appointment");
  auto start = r.optional_start("start");
  auto status = r.optional_status("status");
  r.finish();
  if (!start && !status) reject(ErrorCode::invalid, "update_appointment needs start or status");
  auto actor = need(as, "as");
  auto appointment = need_appointment(id);
  forbid_unless(practitioner_of(actor, appointment.practice), "not a practitioner of this practice");
  durably([&] {
    if (start) store_->set_start(id, *start);
    if (status) store_->set_status(id, *status);
    // The bug: the whole appointment object loaded at booking, empty observation included, is
    // written back.
    if (options_.mutant == Mutant::reschedule_clobbers_observation) store_->write_observation(id, Observation{});
    if (options_.mutant == Mutant::day_change_clears_interrogatoire && start &&
        start->substr(0, 10) != appointment.start.substr(0, 10)) {
      Observation obs = appointment.observation;
      obs.fields[1].clear();
      store_->write_observation(id, obs);
    }
  });
  return Json::object();
}

Json Service::save_observation(Request& r) {
  auto as = r.id("as");
  auto id = r.id("appointment");
  auto given = r.fields("fields");
  auto base_version = r.optional_integer("base_version");
  r.finish();
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!given[i] || given[i]->size() <= options_.limits.field_bytes) continue;
    if (options_.mutant == Mutant::partial_save_on_error) write_fields_before_over_limit(as, id, given);
    reject(ErrorCode::invalid, std::string(kFieldNames[i]) + " is " + std::to_string(given[i]->size()) +
                                   " bytes, over the limit of " + std::to_string(options_.limits.field_bytes));
  }
  auto actor = need(as, "as");
  auto appointment = need_appointment(id);
  forbid_unless(practitioner_of(actor, appointment.practice), "not a practitioner of this practice");
  const Observation& old = appointment.observation;
  if (base_version && *base_version != old.version && options_.mutant != Mutant::lost_update)
    reject(ErrorCode::conflict, "base_version " + std::to_string(*base_version) + " but the observation is at " +
                                    std::to_string(old.version));

  Observation next = old;
  if (options_.mutant == Mutant::partial_as_replace) next.fields = {};
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!given[i]) continue;
    next.fields[i] = options_.mutant == Mutant::silent_truncation ? cut_at_character(*given[i], 4096) : *given[i];
  }
  bool bump = options_.mutant != Mutant::version_not_bumped || next.fields[0] != old.fields[0];
  next.version = old.version + (bump ? 1 : 0);

  // The 2023 incident: the save is acknowledged, but once a document is shared nothing is stored.
  if (options_.mutant == Mutant::share_skips_save && store_->any_document_shared(id))
    return object_of("version", old.version + 1);
  if (options_.mutant == Mutant::write_behind_observation) {
    unwritten_[id] = next;
    return object_of("version", next.version);
  }
  if (options_.mutant == Mutant::nonatomic_save) {
    save_field_by_field(id, given, next.version);
    return object_of("version", next.version);
  }
  // A deep bug: only the 5th version of an observation whose appointment shares a document.
  if (options_.mutant == Mutant::fifth_save_drops_conclusion && next.version == 5 && store_->any_document_shared(id))
    next.fields[3] = old.fields[3];
  // A deep bug: only the save that overflows a ten-version history, whatever the appointment.
  if (options_.mutant == Mutant::history_overflow_drops_motif && next.version == 11) next.fields[0] = old.fields[0];
  if (options_.mutant == Mutant::version_after_fields) {
    Observation fields_only = next;
    fields_only.version = old.version;
    durably([&] { store_->write_observation(id, fields_only); });
  }
  durably([&] { store_->write_observation(id, next); });
  return object_of("version", next.version);
}

void Service::save_field_by_field(const std::string& id, const GivenFields& given, std::int64_t version) {
  std::size_t last = 0;
  for (std::size_t i = 0; i < given.size(); ++i)
    if (given[i]) last = i;
  for (std::size_t i = 0; i <= last; ++i) {
    if (!given[i]) continue;
    if (i != 0) options_.env->pause(kFieldRoundTrip);
    durably([&] {
      Observation current = store_->appointment(id)->observation;
      current.fields[i] = *given[i];
      if (i == last) current.version = version;
      store_->write_observation(id, current);
    });
  }
}

void Service::write_fields_before_over_limit(const std::string& as, const std::string& id,
                                             const GivenFields& given) {
  auto actor = store_->entity(as);
  auto appointment = store_->appointment(id);
  if (!actor || !appointment || !practitioner_of(*actor, appointment->practice)) return;
  Observation partial = appointment->observation;
  for (std::size_t i = 0; i < given.size(); ++i) {
    if (!given[i]) continue;
    if (given[i]->size() > options_.limits.field_bytes) break;
    partial.fields[i] = *given[i];
  }
  try {
    durably([&] { store_->write_observation(id, partial); });
  } catch (const Rejection&) {
    // The request is answered invalid either way.
  }
}

Json Service::read_observation(Request& r) {
  auto as = r.id("as");
  auto id = r.id("appointment");
  r.finish();
  auto actor = need(as, "as");
  auto appointment = need_appointment(id);
  bool allowed = practitioner_of(actor, appointment.practice);
  // The bug: receiving one document of the appointment opens its observation too.
  if (options_.mutant == Mutant::share_leaks_observation && actor.kind == Kind::practitioner)
    allowed = allowed || store_->received_document_of(id, as);
  forbid_unless(allowed, "not a practitioner of this practice");
  return observation_json(appointment.observation);
}

Json Service::attach_document(Request& r) {
  auto as = r.id("as");
  auto id = r.id("document");
  auto appointment_id = r.id("appointment");
  auto title = r.text("title", options_.limits.title_bytes);
  auto content = r.text("content", options_.limits.document_bytes);
  r.finish();
  auto actor = need(as, "as");
  auto appointment = need_appointment(appointment_id);
  need_new(id);
  forbid_unless(practitioner_of(actor, appointment.practice), "not a practitioner of this practice");
  // A deep bug: a content in an 11-byte band is cut (at a character boundary) and acknowledged.
  if (options_.mutant == Mutant::page_overflow_cuts_document && content.size() > 8180 && content.size() < 8192)
    content = cut_at_character(content, 8180);
  durably([&] {
    store_->add_entity(id, Kind::document, appointment.practice);
    store_->add_document(id, appointment_id, title, content);
  });
  return Json::object();
}

Json Service::share_document(Request& r) {
  auto as = r.id("as");
  auto id = r.id("document");
  auto with = r.id("with");
  r.finish();
  auto actor = need(as, "as");
  auto document = need_document(id, DocumentPart::owner);
  auto recipient = need(with, "with");
  forbid_unless(practitioner_of(actor, document.practice), "not a practitioner of this practice");
  forbid_unless(recipient.kind == Kind::practitioner || (recipient.kind == Kind::patient && with == document.patient),
                "a document is shared with a practitioner or the appointment's patient");
  durably([&] { store_->share(id, with); });
  return Json::object();
}

Json Service::unshare_document(Request& r) {
  auto as = r.id("as");
  auto id = r.id("document");
  auto with = r.id("with");
  r.finish();
  auto actor = need(as, "as");
  auto document = need_document(id, DocumentPart::owner);
  auto recipient = need(with, "with");
  forbid_unless(practitioner_of(actor, document.practice), "not a practitioner of this practice");
  forbid_unless(recipient.kind == Kind::practitioner || recipient.kind == Kind::patient,
                "only patients and practitioners are recipients");
  bool was_recipient = store_->is_recipient(id, with);
  durably([&] {
    store_->unshare(id, with);
    if (options_.mutant == Mutant::unshare_clears_examen && was_recipient) {
      Observation obs = store_->appointment(document.appointment)->observation;
      obs.fields[2].clear();
      store_->write_observation(document.appointment, obs);
    }
  });
  return Json::object();
}

Json Service::read_document(Request& r) {
  auto as = r.id("as");
  auto id = r.id("document");
  r.finish();
  auto actor = need(as, "as");
  auto document = need_document(id, DocumentPart::whole);
  bool person = actor.kind == Kind::practitioner || actor.kind == Kind::patient;
  bool allowed = practitioner_of(actor, document.practice) || (person && store_->is_recipient(id, as));
  if (options_.mutant == Mutant::patient_reads_unshared && actor.kind == Kind::patient)
    allowed = allowed || as == document.patient;
  forbid_unless(allowed, "neither of this practice nor a recipient");
  return object_of("title", std::move(document.title), "content", std::move(document.content));
}

Json Service::list_appointments(Request& r) {
  auto as = r.id("as");
  auto from = r.optional_start("from");
  auto to = r.optional_start("to");
  r.finish();
  auto actor = need(as, "as");
  forbid_unless(actor.kind == Kind::practitioner || actor.kind == Kind::api_client,
                "only practitioners and api clients list appointments");
  std::optional<std::string_view> practice = actor.practice;
  // The 2020 incident: the tenant filter is missing on the third-party API path.
  if (options_.mutant == Mutant::api_tenant_filter_missing && actor.kind == Kind::api_client) practice.reset();
  // A deep bug: the filter is lost when `from` is exactly an appointment's start.
  if (options_.mutant == Mutant::api_list_from_exact_start && actor.kind == Kind::api_client && from &&
      store_->any_appointment_starts_at(*from))
    practice.reset();
  Json list = Json::array();
  for (const auto& a : store_->list_appointments(practice, from, to)) {
    const auto& pr = a.practitioner;
    const auto& pa = a.patient;
    list.push_back(object_of(
        "appointment", a.id, "start", a.start, "status", a.status,
        "practitioner", object_of("id", pr.id, "name", pr.texts[0], "specialty", pr.texts[1]),
        "patient", object_of("id", pa.id, "name", pa.texts[0], "first_name", pa.texts[1], "sex", pa.texts[2],
                             "phone", pa.texts[3], "email", pa.texts[4])));
  }
  return object_of("appointments", std::move(list));
}

}  // namespace records
