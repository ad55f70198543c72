// SQLite storage of the reference save path. Prepared statements only: no SQL is built from input.
#include "targets/records/store.h"

#include <sqlite3.h>

namespace records {

// A prepared statement, reset and re-bound on each use.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (int rc = sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr); rc != SQLITE_OK)
      throw StorageError(rc, std::string("prepare: ") + sqlite3_errmsg(db) + " in: " + sql);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  template <class... Args>
  Statement& with(const Args&... args) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    int i = 0;
    (bind(++i, args), ...);
    return *this;
  }

  // Steps once; true when a row is available.
  bool next() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw StorageError(rc, std::string("step: ") + sqlite3_errmsg(db_));
  }

  void run() {
    while (next()) {
    }
    sqlite3_reset(stmt_);
  }

  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }

  // Ends a lookup early so the statement holds no read snapshot between requests.
  void reset() { sqlite3_reset(stmt_); }

  // Whether the query returns at least one row.
  bool exists() {
    bool found = next();
    reset();
    return found;
  }

 private:
  void bind(int i, std::string_view s) { check(sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT)); }
  void bind(int i, const std::string& s) { bind(i, std::string_view(s)); }
  void bind(int i, std::int64_t v) { check(sqlite3_bind_int64(stmt_, i, v)); }
  void bind(int i, Kind k) { bind(i, static_cast<std::int64_t>(k)); }
  void bind(int i, const std::optional<std::string_view>& s) {
    if (s) bind(i, *s);
    else check(sqlite3_bind_null(stmt_, i));
  }
  void check(int rc) {
    if (rc != SQLITE_OK) throw StorageError(rc, std::string("bind: ") + sqlite3_errmsg(db_));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS entity(
  id TEXT PRIMARY KEY, kind INTEGER NOT NULL, practice TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS practitioner(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, specialty TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS patient(
  id TEXT PRIMARY KEY, name TEXT NOT NULL, first_name TEXT NOT NULL, sex TEXT NOT NULL,
  phone TEXT NOT NULL, email TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS appointment(
  id TEXT PRIMARY KEY, practice TEXT NOT NULL, practitioner TEXT NOT NULL, patient TEXT NOT NULL,
  start TEXT NOT NULL, status TEXT NOT NULL,
  motif TEXT NOT NULL DEFAULT '', interrogatoire TEXT NOT NULL DEFAULT '',
  examen TEXT NOT NULL DEFAULT '', conclusion TEXT NOT NULL DEFAULT '',
  version INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS appointment_by_practice ON appointment(practice, start, id);
CREATE TABLE IF NOT EXISTS document(
  id TEXT PRIMARY KEY, appointment TEXT NOT NULL, title TEXT NOT NULL, content TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS document_by_appointment ON document(appointment);
CREATE TABLE IF NOT EXISTS share(
  document TEXT NOT NULL, recipient TEXT NOT NULL, PRIMARY KEY(document, recipient)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS share_by_recipient ON share(recipient);
)sql";

// Indexes into Store::statements_, in the order of kQueries.
enum Query {
  kBegin, kCommit, kRollback,
  kEntity, kAddEntity, kAddPractitioner, kAddPatient, kAddAppointment, kAppointment,
  kSetStart, kSetStatus, kWriteObservation, kAddDocument, kDocument, kDocumentOwner, kShare, kUnshare,
  kIsRecipient, kAnyShared, kReceivedOf, kList, kStartsAt, kQueryCount,
};

constexpr const char* kQueries[] = {
    "BEGIN IMMEDIATE",
    "COMMIT",
    "ROLLBACK",
    "SELECT kind, practice FROM entity WHERE id = ?1",
    "INSERT INTO entity(id, kind, practice) VALUES (?1, ?2, ?3)",
    "INSERT INTO practitioner(id, name, specialty) VALUES (?1, ?2, ?3)",
    "INSERT INTO patient(id, name, first_name, sex, phone, email) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    "INSERT INTO appointment(id, practice, practitioner, patient, start, status) "
    "VALUES (?1, ?2, ?3, ?4, ?5, 'booked')",
    "SELECT practice, practitioner, patient, start, status, motif, interrogatoire, examen, conclusion, "
    "version FROM appointment WHERE id = ?1",
    "UPDATE appointment SET start = ?2 WHERE id = ?1",
    "UPDATE appointment SET status = ?2 WHERE id = ?1",
    "UPDATE appointment SET motif = ?2, interrogatoire = ?3, examen = ?4, conclusion = ?5, version = ?6 "
    "WHERE id = ?1",
    "INSERT INTO document(id, appointment, title, content) VALUES (?1, ?2, ?3, ?4)",
    "SELECT d.appointment, a.practice, a.patient, d.title, d.content FROM document d "
    "JOIN appointment a ON a.id = d.appointment WHERE d.id = ?1",
    // The content is the record's last column: SQLite reads none of its overflow pages here.
    "SELECT d.appointment, a.practice, a.patient FROM document d "
    "JOIN appointment a ON a.id = d.appointment WHERE d.id = ?1",
    "INSERT OR IGNORE INTO share(document, recipient) VALUES (?1, ?2)",
    "DELETE FROM share WHERE document = ?1 AND recipient = ?2",
    "SELECT 1 FROM share WHERE document = ?1 AND recipient = ?2",
    "SELECT 1 FROM share s JOIN document d ON d.id = s.document WHERE d.appointment = ?1 LIMIT 1",
    "SELECT 1 FROM share s JOIN document d ON d.id = s.document "
    "WHERE d.appointment = ?1 AND s.recipient = ?2 LIMIT 1",
    // BINARY collation compares bytes, which is the order SPEC.md 4a.6 asks for.
    "SELECT a.id, a.start, a.status, a.practitioner, pr.name, pr.specialty, "
    "a.patient, pa.name, pa.first_name, pa.sex, pa.phone, pa.email "
    "FROM appointment a JOIN practitioner pr ON pr.id = a.practitioner JOIN patient pa ON pa.id = a.patient "
    "WHERE (?1 IS NULL OR a.practice = ?1) AND (?2 IS NULL OR a.start >= ?2) AND (?3 IS NULL OR a.start < ?3) "
    "ORDER BY a.start, a.id",
    "SELECT 1 FROM appointment WHERE start = ?1 LIMIT 1",
};
static_assert(std::size(kQueries) == kQueryCount, "one query for each Query, in its order");

}  // namespace

Store::Store(const std::filesystem::path& file, const char* vfs, bool sync) {
  // A connection is only ever used by the thread that opened it (the server's one thread, or one
  // in-process job): without its mutex (multi-thread mode), each call into SQLite saves a lock
  // and an unlock.
  int rc = sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, vfs);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    throw StorageError(rc, "cannot open " + file.string() + ": " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  try {
    // WAL + synchronous=FULL: a commit is on disk (WAL fsynced) before sqlite3_step returns.
    exec("PRAGMA journal_mode=WAL");
    exec(sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=OFF");
    // A crash-restart cycle is bounded by start-up, and parsing the schema and the queries is most
    // of an open's cost: the schema is created only in a new file, in one transaction (one sync,
    // not one per statement), and each query is prepared on first use.
    if (pragma_integer("PRAGMA schema_version") == 0) exec((std::string("BEGIN;") + kSchema + "COMMIT;").c_str());
    statements_.resize(std::size(kQueries));
  } catch (...) {
    statements_.clear();
    sqlite3_close(db_);
    throw;
  }
}

Store::~Store() {
  statements_.clear();
  // Closing with a transaction still open rolls it back, exactly what a crash does to it.
  sqlite3_close_v2(db_);
}

void Store::exec(const char* sql) {
  char* err = nullptr;
  if (int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err); rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    throw StorageError(rc, msg);
  }
}

Statement& Store::prepared(int which) {
  auto& s = statements_[static_cast<std::size_t>(which)];
  if (!s) s = std::make_unique<Statement>(db_, kQueries[which]);
  return *s;
}

std::int64_t Store::pragma_integer(const char* pragma) {
  sqlite3_stmt* stmt = nullptr;
  if (int rc = sqlite3_prepare_v2(db_, pragma, -1, &stmt, nullptr); rc != SQLITE_OK) throw StorageError(rc, sqlite3_errmsg(db_));
  int rc = sqlite3_step(stmt);
  std::int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) throw StorageError(rc, sqlite3_errmsg(db_));
  return value;
}

void Store::begin() { prepared(kBegin).with().run(); }
void Store::commit() { prepared(kCommit).with().run(); }
void Store::rollback() noexcept {
  if (!in_transaction()) return;
  try {
    prepared(kRollback).with().run();
  } catch (const StorageError&) {
    // A failed rollback leaves SQLite to roll back on the next open; nothing more to do here.
  }
}
// A commit whose WAL sync failed has written its frames, commit mark included; SQLite rolls the
// connection back, but the frames stay in the WAL file past the last frame the WAL index knows.
// Recovery after a crash reads the file, not the index, and would bring the refused change back
// (SPEC.md section 5: nothing of a failed request may be visible afterwards). A truncating
// checkpoint copies only the committed frames into the database and empties the WAL; but it
// syncs the WAL first (the orphan frames with it) and leaves the truncation unsynced, so a power
// loss would undo the truncation and bring them back all the same. The next commit writes a new
// WAL header (new salts, which orphan frames do not match) and syncs it: a no-op write, now.
void Store::forget_failed_commit() noexcept {
  if (sqlite3_exec(db_, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) != SQLITE_OK) return;
  ++epoch_;
  sqlite3_exec(db_, ("PRAGMA user_version = " + std::to_string(epoch_ % 1000000)).c_str(), nullptr, nullptr, nullptr);
}

void Store::clear() { exec("DELETE FROM share; DELETE FROM document; DELETE FROM appointment; DELETE FROM patient; "
                           "DELETE FROM practitioner; DELETE FROM entity;"); }

bool Store::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

std::optional<Entity> Store::entity(std::string_view id) {
  auto& q = prepared(kEntity).with(id);
  if (!q.next()) return std::nullopt;
  Entity e{static_cast<Kind>(q.integer(0)), q.text(1)};
  q.reset();
  return e;
}

void Store::add_entity(std::string_view id, Kind kind, std::string_view practice) {
  prepared(kAddEntity).with(id, kind, practice).run();
}

void Store::add_practitioner(std::string_view id, std::string_view name, std::string_view specialty) {
  prepared(kAddPractitioner).with(id, name, specialty).run();
}

void Store::add_patient(std::string_view id, const std::array<std::string, 5>& t) {
  prepared(kAddPatient).with(id, t[0], t[1], t[2], t[3], t[4]).run();
}

void Store::add_appointment(std::string_view id, std::string_view practice, std::string_view practitioner,
                            std::string_view patient, std::string_view start) {
  prepared(kAddAppointment).with(id, practice, practitioner, patient, start).run();
}

std::optional<AppointmentRow> Store::appointment(std::string_view id) {
  auto& q = prepared(kAppointment).with(id);
  if (!q.next()) return std::nullopt;
  AppointmentRow row{q.text(0), q.text(1), q.text(2), q.text(3), q.text(4), {}};
  for (int i = 0; i < 4; ++i) row.observation.fields[static_cast<std::size_t>(i)] = q.text(5 + i);
  row.observation.version = q.integer(9);
  q.reset();
  return row;
}

void Store::set_start(std::string_view appointment, std::string_view start) {
  prepared(kSetStart).with(appointment, start).run();
}

void Store::set_status(std::string_view appointment, std::string_view status) {
  prepared(kSetStatus).with(appointment, status).run();
}

void Store::write_observation(std::string_view appointment, const Observation& o) {
  const auto& f = o.fields;
  prepared(kWriteObservation).with(appointment, f[0], f[1], f[2], f[3], o.version).run();
}

void Store::add_document(std::string_view id, std::string_view appointment, std::string_view title,
                         std::string_view content) {
  prepared(kAddDocument).with(id, appointment, title, content).run();
}

std::optional<DocumentRow> Store::document(std::string_view id, DocumentPart part) {
  bool whole = part == DocumentPart::whole;
  auto& q = prepared(whole ? kDocument : kDocumentOwner).with(id);
  if (!q.next()) return std::nullopt;
  DocumentRow row{q.text(0), q.text(1), q.text(2), whole ? q.text(3) : "", whole ? q.text(4) : ""};
  q.reset();
  return row;
}

void Store::share(std::string_view document, std::string_view recipient) {
  prepared(kShare).with(document, recipient).run();
}

void Store::unshare(std::string_view document, std::string_view recipient) {
  prepared(kUnshare).with(document, recipient).run();
}

bool Store::is_recipient(std::string_view document, std::string_view recipient) {
  return prepared(kIsRecipient).with(document, recipient).exists();
}

bool Store::any_document_shared(std::string_view appointment) {
  return prepared(kAnyShared).with(appointment).exists();
}

bool Store::received_document_of(std::string_view appointment, std::string_view recipient) {
  return prepared(kReceivedOf).with(appointment, recipient).exists();
}

bool Store::any_appointment_starts_at(std::string_view start) { return prepared(kStartsAt).with(start).exists(); }

std::vector<ListedAppointment> Store::list_appointments(std::optional<std::string_view> practice,
                                                        std::optional<std::string_view> from,
                                                        std::optional<std::string_view> to) {
  auto& q = prepared(kList).with(practice, from, to);
  std::vector<ListedAppointment> out;
  while (q.next()) {
    out.push_back({q.text(0), q.text(1), q.text(2),
                   Person{q.text(3), {q.text(4), q.text(5)}},
                   Person{q.text(6), {q.text(7), q.text(8), q.text(9), q.text(10), q.text(11)}}});
  }
  return out;
}

}  // namespace records
