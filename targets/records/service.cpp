// The service's edge: dispatch by op, answers, transactions, and the lookups every op shares.
#include "targets/records/service.h"

#include <algorithm>
#include <fstream>

namespace records {
namespace {

// Error messages can quote input (a key, a parser's token); keep them short, printable ASCII,
// so that an answer line is always valid UTF-8 and never grows with the request.
std::string tidy_message(std::string_view text) {
  constexpr std::size_t kMax = 300;
  std::string out;
  out.reserve(std::min(text.size(), kMax + 3));
  for (char c : text.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > kMax) out += "...";
  return out;
}

Json error_answer(const Json& id, const Rejection& r) {
  return object_of("id", id, "ok", false, "error",
                   object_of("code", error_code_name(r.code), "message", tidy_message(r.message)));
}

}  // namespace

const Service::OpEntry Service::kOps[] = {
    {"hello", &Service::hello},
    {"reset", &Service::reset},
    {"create_practice", &Service::create_practice},
    {"create_practitioner", &Service::create_practitioner},
    {"create_patient", &Service::create_patient},
    {"create_api_client", &Service::create_api_client},
    {"book_appointment", &Service::book_appointment},
    {"update_appointment", &Service::update_appointment},
    {"save_observation", &Service::save_observation},
    {"read_observation", &Service::read_observation},
    {"attach_document", &Service::attach_document},
    {"share_document", &Service::share_document},
    {"unshare_document", &Service::unshare_document},
    {"read_document", &Service::read_document},
    {"list_appointments", &Service::list_appointments},
};

Service::Service(const ServiceOptions& options) : options_(options) {
  if (!options_.env) options_.env = &Env::standard();
  store_ = std::make_unique<Store>(options_.data_dir / kDatabaseFile, options_.env->sqlite_vfs(),
                                   /*sync=*/options_.mutant != Mutant::no_sync);
  if (options_.mutant == Mutant::recovery_resets_version) recover_after_unclean_shutdown();
}

Service::~Service() = default;

void Service::close() {
  if (commit_pending_) commit_now();
  // write-behind-observation writes what it kept only now; a crash never gets here.
  for (const auto& kept : unwritten_) durably([&] { store_->write_observation(kept.first, kept.second); });
  unwritten_.clear();
  store_.reset();
  if (options_.mutant == Mutant::recovery_resets_version) std::ofstream(options_.data_dir / kCleanShutdownFile).put('\n');
}

// The recovery-resets-version bug: a start-up repair pass, run when the last shutdown was not
// clean, that "normalizes" versions it has no business touching.
void Service::recover_after_unclean_shutdown() {
  std::error_code ec;
  bool clean = std::filesystem::remove(options_.data_dir / kCleanShutdownFile, ec);
  if (clean) return;
  durably([&] {
    for (const auto& listed : store_->list_appointments(std::nullopt, std::nullopt, std::nullopt)) {
      Observation obs = store_->appointment(listed.id)->observation;
      if (obs.version <= 1) continue;
      obs.version = 1;
      store_->write_observation(listed.id, obs);
    }
  });
}

void Service::commit_now() {
  commit_pending_ = false;
  try {
    store_->commit();
  } catch (const StorageError&) {
    store_->rollback();
    return;
  }
  options_.env->after_commit();
}

void Service::durably(const std::function<void()>& write) {
  bool committing = false;
  try {
    store_->begin();
    write();
    if (options_.mutant == Mutant::ack_before_commit) {
      // The bug: the answer goes out now, the commit waits for the next request.
      commit_pending_ = true;
      return;
    }
    committing = true;
    store_->commit();
  } catch (const StorageError& e) {
    store_->rollback();
    store_->forget_failed_commit();
    // The bug: the failed commit is rolled back, and the request answered as if it had succeeded.
    if (!(committing && options_.mutant == Mutant::ignore_commit_error))
      reject(ErrorCode::unavailable, std::string("storage: ") + e.what());
  }
  options_.env->after_commit();
}

Json Service::handle(const Json& request, std::optional<std::int64_t> given_id) {
  if (!store_) return error_answer(nullptr, {ErrorCode::unavailable, "service is closed"});
  if (commit_pending_) commit_now();
  Json id = nullptr;
  try {
    if (!request.is_object()) reject(ErrorCode::invalid, "a request is a JSON object");
    auto n = given_id;
    if (!n) {
      auto it = request.find("id");
      if (it != request.end()) n = as_int64(*it);
    }
    if (!n) reject(ErrorCode::invalid, "\"id\" must be an integer");
    id = *n;
    auto op = request.find("op");
    if (op == request.end() || !op->is_string()) reject(ErrorCode::invalid, "\"op\" must be a string");
    const auto& name = op->get_ref<const std::string&>();
    for (const auto& entry : kOps) {
      if (entry.name != name) continue;
      Request r(request);
      r.known("id");
      r.known("op");
      Json body = (this->*entry.handler)(r);
      Json answer = object_of("id", id, "ok", true);
      auto& members = answer.get_ref<Json::object_t&>();
      members.reserve(2 + body.size());
      for (auto& [key, value] : body.get_ref<Json::object_t&>()) members.emplace_back(key, std::move(value));
      return answer;
    }
    reject(ErrorCode::invalid, "unknown op \"" + name + "\"");
  } catch (const Rejection& r) {
    return error_answer(id, r);
  } catch (const StorageError& e) {
    store_->rollback();
    return error_answer(id, {ErrorCode::unavailable, std::string("storage: ") + e.what()});
  }
}

std::string Service::handle_line(std::string_view line) {
  auto parsed = parse_line(line);
  if (!parsed.value) {
    if (commit_pending_) commit_now();
    return render(error_answer(nullptr, {ErrorCode::invalid, "not a JSON request: " + parsed.error}));
  }
  return render(handle(*parsed.value));
}

Entity Service::need(const std::string& id, const char* key) {
  auto e = store_->entity(id);
  if (!e) reject(ErrorCode::not_found, std::string(key) + " \"" + id + "\" does not exist");
  return *e;
}

Entity Service::need(const std::string& id, Kind kind, const char* key) {
  auto e = store_->entity(id);
  if (!e || e->kind != kind) reject(ErrorCode::not_found, std::string(key) + " \"" + id + "\" does not exist");
  return *e;
}

AppointmentRow Service::need_appointment(const std::string& id) {
  need(id, Kind::appointment, "appointment");
  auto row = store_->appointment(id);
  if (!row) reject(ErrorCode::not_found, "appointment \"" + id + "\" does not exist");
  if (auto kept = unwritten_.find(id); kept != unwritten_.end()) row->observation = kept->second;
  return *row;
}

DocumentRow Service::need_document(const std::string& id, DocumentPart part) {
  need(id, Kind::document, "document");
  auto row = store_->document(id, part);
  if (!row) reject(ErrorCode::not_found, "document \"" + id + "\" does not exist");
  return *row;
}

void Service::need_new(const std::string& id) {
  if (store_->entity(id)) reject(ErrorCode::exists, "id \"" + id + "\" is already used");
}

bool Service::practitioner_of(const Entity& who, const std::string& practice) {
  return who.kind == Kind::practitioner && who.practice == practice;
}

}  // namespace records
