// The records database on SQLite: schema, prepared statements, transactions.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace records {

enum class Kind { practice = 0, practitioner = 1, patient = 2, api_client = 3, appointment = 4, document = 5 };

// The four observation fields, in the order the save path writes them.
inline constexpr std::array<std::string_view, 4> kFieldNames{"motif", "interrogatoire", "examen", "conclusion"};

struct Entity {
  Kind kind;
  std::string practice;  // the practice it belongs to (a practice belongs to itself)
};

struct Observation {
  std::array<std::string, 4> fields;  // indexed like kFieldNames
  std::int64_t version = 0;
};

struct AppointmentRow {
  std::string practice, practitioner, patient, start, status;
  Observation observation;
};

struct DocumentRow {
  std::string appointment, practice, patient, title, content;  // patient: the appointment's
};
// What a lookup reads of a document: whom it belongs to, or that and its title and content. A
// content may be a mebibyte, which sharing and unsharing have no use for.
enum class DocumentPart { owner, whole };

struct Person {
  std::string id;
  std::vector<std::string> texts;  // practitioner: name, specialty; patient: name..email
};

struct ListedAppointment {
  std::string id, start, status;
  Person practitioner, patient;
};

// A storage failure (I/O error, disk full, corruption). The caller rolls back and answers
// `unavailable`.
struct StorageError : std::runtime_error {
  StorageError(int sqlite_code, const std::string& what) : std::runtime_error(what), code(sqlite_code) {}
  int code;
};

class Statement;

class Store {
 public:
  // Opens (creating when absent) `file` in WAL mode with synchronous=FULL (OFF when !sync: the
  // no-sync mutant).
  Store(const std::filesystem::path& file, const char* vfs, bool sync = true);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  void begin();
  void commit();
  void rollback() noexcept;
  // After a commit failed: makes sure its WAL frames can never come back (see store.cpp).
  void forget_failed_commit() noexcept;
  bool in_transaction() const;
  void clear();  // deletes every row of every table, inside the caller's transaction

  std::optional<Entity> entity(std::string_view id);
  void add_entity(std::string_view id, Kind kind, std::string_view practice);
  void add_practitioner(std::string_view id, std::string_view name, std::string_view specialty);
  void add_patient(std::string_view id, const std::array<std::string, 5>& texts);
  void add_appointment(std::string_view id, std::string_view practice, std::string_view practitioner,
                       std::string_view patient, std::string_view start);
  std::optional<AppointmentRow> appointment(std::string_view id);
  void set_start(std::string_view appointment, std::string_view start);
  void set_status(std::string_view appointment, std::string_view status);
  void write_observation(std::string_view appointment, const Observation& obs);

  void add_document(std::string_view id, std::string_view appointment, std::string_view title,
                    std::string_view content);
  std::optional<DocumentRow> document(std::string_view id, DocumentPart part = DocumentPart::whole);
  void share(std::string_view document, std::string_view recipient);
  void unshare(std::string_view document, std::string_view recipient);
  bool is_recipient(std::string_view document, std::string_view recipient);
  bool any_document_shared(std::string_view appointment);
  bool received_document_of(std::string_view appointment, std::string_view recipient);
  bool any_appointment_starts_at(std::string_view start);

  // practice empty: every practice. from/to empty: unbounded.
  std::vector<ListedAppointment> list_appointments(std::optional<std::string_view> practice,
                                                   std::optional<std::string_view> from,
                                                   std::optional<std::string_view> to);

 private:
  Statement& prepared(int which);  // prepared on first use
  void exec(const char* sql);
  std::int64_t pragma_integer(const char* pragma);

  sqlite3* db_ = nullptr;
  std::int64_t epoch_ = 0;  // forget_failed_commit()'s no-op writes
  std::vector<std::unique_ptr<Statement>> statements_;
};

}  // namespace records
