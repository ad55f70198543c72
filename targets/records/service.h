// The reference save path: every operation of SPEC.md section 4 over the SQLite store.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "targets/records/env.h"
#include "targets/records/mutants.h"
#include "targets/records/request.h"
#include "targets/records/store.h"
#include "targets/records/values.h"
#include "targets/records/wire.h"

namespace records {

struct ServiceOptions {
  std::filesystem::path data_dir;  // must exist; the database lives in it
  Mutant mutant = Mutant::none;
  Env* env = &Env::standard();
  Limits limits;
};

// The database file's name inside the data directory.
inline constexpr const char* kDatabaseFile = "records.sqlite";
// recovery-resets-version: written by close(), so its absence at start means a crash.
inline constexpr const char* kCleanShutdownFile = "clean-shutdown";

class Service {
 public:
  // Opens or creates the database; throws StorageError when it cannot.
  explicit Service(const ServiceOptions& options);
  // Destroying without close() abandons the session the way a crash would.
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // One request object in, one answer object out. Never throws for a bad request; an exception
  // thrown by Env::after_commit (a simulated crash) passes through.
  // With `given_id`, the caller numbers the request and any "id" in it is ignored: an in-process
  // harness numbers each request without copying it.
  Json handle(const Json& request, std::optional<std::int64_t> given_id = std::nullopt);

  // One protocol line in, one answer line out (no newline), whatever the bytes.
  std::string handle_line(std::string_view line);

  // Clean shutdown: finishes what is pending so nothing acknowledged is lost.
  void close();

 private:
  using Handler = Json (Service::*)(Request&);
  struct OpEntry {
    std::string_view name;
    Handler handler;
  };
  static const OpEntry kOps[];

  Json hello(Request&);
  Json reset(Request&);
  Json create_practice(Request&);
  Json create_practitioner(Request&);
  Json create_patient(Request&);
  Json create_api_client(Request&);
  Json book_appointment(Request&);
  Json update_appointment(Request&);
  Json save_observation(Request&);
  Json read_observation(Request&);
  Json attach_document(Request&);
  Json share_document(Request&);
  Json unshare_document(Request&);
  Json read_document(Request&);
  Json list_appointments(Request&);

  // not_found unless `id` exists (any kind): for `as` and `with`, whose wrong kind is forbidden.
  Entity need(const std::string& id, const char* key);
  // not_found unless `id` exists and is of `kind`.
  Entity need(const std::string& id, Kind kind, const char* key);
  AppointmentRow need_appointment(const std::string& id);
  DocumentRow need_document(const std::string& id, DocumentPart part);
  // exists when `id` is taken by any entity.
  void need_new(const std::string& id);
  static bool practitioner_of(const Entity& who, const std::string& practice);

  // Runs `write` in one transaction and commits before returning, or rolls back and answers
  // unavailable.
  void durably(const std::function<void()>& write);
  void commit_now();

  // Mutant variants of save_observation.
  void save_field_by_field(const std::string& appointment, const GivenFields& given, std::int64_t version);
  void recover_after_unclean_shutdown();
  void write_fields_before_over_limit(const std::string& as, const std::string& appointment,
                                      const GivenFields& given);

  ServiceOptions options_;
  std::unique_ptr<Store> store_;
  bool commit_pending_ = false;  // ack-before-commit: a transaction answered but not committed
  std::map<std::string, Observation> unwritten_;  // write-behind-observation: saves not yet written
};

}  // namespace records
