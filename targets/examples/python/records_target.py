#!/usr/bin/env python3
"""A savefuzz target in Python 3: the records contract of SPEC.md on sqlite3.

This is the file to copy when you put your own save path under test. It reads one
JSON request per line on stdin and writes one answer per line on stdout. Replace
the Store class with calls into your service; keep the request checks, or move
them to where your service already makes them.

Standard library only. Run it as savefuzz does:

    SAVEFUZZ_DATA_DIR=/tmp/d python3 records_target.py < requests.jsonl
"""

import json
import os
import re
import sqlite3
import sys

LIMITS = {"field_bytes": 16384, "title_bytes": 256, "document_bytes": 1048576}
FIELDS = ("motif", "interrogatoire", "examen", "conclusion")
STATUSES = ("booked", "done", "cancelled")
MAX_LINE = 16 << 20
MAX_DEPTH = 16
ID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")
START_RE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})\Z")
INT64 = (-(1 << 63), (1 << 63) - 1)


class Refused(Exception):
    """An error answer: the request changes nothing."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------- reading a line


def _no_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError("duplicate key " + key[:40])
        obj[key] = value
    return obj


def _no_constant(name):
    raise ValueError(name + " is not JSON")


def _depth(value, level=1):
    if level > MAX_DEPTH:
        return False
    if isinstance(value, dict):
        return all(_depth(v, level + 1) for v in value.values())
    if isinstance(value, list):
        return all(_depth(v, level + 1) for v in value)
    return True


def _has_surrogate(value):
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def is_int(value):
    return type(value) is int


def parse_line(raw):
    """The request object of one line, or Refused. The id is echoed only from a good object."""
    try:
        text = raw.decode("utf-8")
        request = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise Refused("invalid", "not a JSON object: " + str(e)[:120])
    if not isinstance(request, dict):
        raise Refused("invalid", "a request is a JSON object")
    if not _depth(request) or _has_surrogate(request):
        raise Refused("invalid", "nested too deep, or a lone surrogate")
    return request


# ---------------------------------------------------------------- checking values


class Args:
    """The keys of one request, checked as they are read; every problem is `invalid`."""

    def __init__(self, request, required, optional=()):
        allowed = {"id", "op"} | set(required) | set(optional)
        for key in request:
            if key not in allowed:
                raise Refused("invalid", "unknown key " + key[:64])
        for key in required:
            if key not in request:
                raise Refused("invalid", "missing key " + key)
        for key in optional:
            if key in request and request[key] is None:
                raise Refused("invalid", key + " given as null")
        self.request = request

    def has(self, key):
        return key in self.request

    def ident(self, key):
        value = self.request[key]
        if not isinstance(value, str) or not ID_RE.match(value):
            raise Refused("invalid", key + " is not an id")
        return value

    def text(self, key, limit):
        return check_text(self.request[key], key, limit)

    def start(self, key):
        value = self.request[key]
        if not isinstance(value, str) or not real_start(value):
            raise Refused("invalid", key + " is not YYYY-MM-DDTHH:MM")
        return value

    def status(self, key):
        value = self.request[key]
        if value not in STATUSES or not isinstance(value, str):
            raise Refused("invalid", "unknown status")
        return value

    def fields(self, key):
        value = self.request[key]
        if not isinstance(value, dict) or not value:
            raise Refused("invalid", "fields is an object with 1 to 4 fields")
        for name in value:
            if name not in FIELDS:
                raise Refused("invalid", "unknown field " + name[:64])
        return {name: check_text(v, name, LIMITS["field_bytes"]) for name, v in value.items()}


def check_text(value, key, limit):
    if not isinstance(value, str):
        raise Refused("invalid", key + " is not a text")
    if "\0" in value:
        raise Refused("invalid", key + " contains U+0000")
    if len(value.encode("utf-8")) > limit:
        raise Refused("invalid", key + " is over its limit")
    return value


def real_start(value):
    m = START_RE.match(value)
    if not m:
        return False
    year, month, day, hour, minute = (int(g) for g in m.groups())
    if year < 1 or not 1 <= month <= 12 or hour > 23 or minute > 59:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return 1 <= day <= days


# ---------------------------------------------------------------- storage

SCHEMA = """
CREATE TABLE IF NOT EXISTS entity (id TEXT PRIMARY KEY, kind TEXT NOT NULL, practice TEXT);
CREATE TABLE IF NOT EXISTS person (id TEXT PRIMARY KEY, name TEXT, first_name TEXT, sex TEXT,
                                   phone TEXT, email TEXT, specialty TEXT);
CREATE TABLE IF NOT EXISTS appointment (id TEXT PRIMARY KEY, practitioner TEXT, patient TEXT,
                                        start TEXT, status TEXT, motif TEXT, interrogatoire TEXT,
                                        examen TEXT, conclusion TEXT, version INTEGER);
CREATE TABLE IF NOT EXISTS document (id TEXT PRIMARY KEY, appointment TEXT, title TEXT, content TEXT);
CREATE TABLE IF NOT EXISTS share (document TEXT, recipient TEXT, PRIMARY KEY (document, recipient));
"""
TABLES = ("entity", "person", "appointment", "document", "share")


class Store:
    """Every change is one transaction, committed (synchronous=FULL) before the answer."""

    def __init__(self, directory):
        self.db = sqlite3.connect(os.path.join(directory, "records.db"), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript("BEGIN;" + SCHEMA + "COMMIT;")

    def write(self, statements):
        """Runs (sql, params) pairs as one durable transaction, or none of them."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            for sql, params in statements:
                self.db.execute(sql, params)
            self.db.execute("COMMIT")
        except sqlite3.Error as e:
            if self.db.in_transaction:
                try:
                    self.db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            # A commit whose WAL sync failed leaves its frames in the WAL file, and recovery after
            # a crash would bring the refused change back: empty the WAL, then commit a no-op so
            # that a new WAL header the orphan frames do not match is synced (docs/faults.md).
            try:
                self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                version = self.db.execute("PRAGMA user_version").fetchone()[0]
                self.db.execute("PRAGMA user_version = %d" % ((version + 1) % 1000000))
            except sqlite3.Error:
                pass
            raise Refused("unavailable", "storage: " + str(e)[:120])

    def one(self, sql, params=()):
        return self.db.execute(sql, params).fetchone()

    def all(self, sql, params=()):
        return self.db.execute(sql, params).fetchall()

    def kind(self, ident):
        row = self.one("SELECT kind, practice FROM entity WHERE id = ?", (ident,))
        return row if row else (None, None)

    def reset(self):
        self.write([("DELETE FROM " + table, ()) for table in TABLES])


# ---------------------------------------------------------------- operations


class Records:
    def __init__(self, store):
        self.store = store

    # Lookups in the order SPEC.md 4a.12 asks: every not_found before any exists before any
    # forbidden. `need` raises not_found for a missing id or one of another kind.
    def need(self, ident, kind):
        found, practice = self.store.kind(ident)
        if found != kind:
            raise Refused("not_found", kind + " " + ident + " not found")
        return practice

    def exists(self, ident):
        return self.store.kind(ident)[0] is not None

    def principal(self, ident):
        found, practice = self.store.kind(ident)
        if found is None:
            raise Refused("not_found", "as " + ident + " not found")
        return found, practice

    def fresh(self, ident):
        if self.exists(ident):
            raise Refused("exists", ident + " is already used")

    def appointment_practice(self, appointment):
        row = self.store.one("SELECT e.practice FROM appointment a JOIN entity e ON e.id = a.practitioner WHERE a.id = ?",
                             (appointment,))
        return row[0]

    def document_practice(self, document):
        row = self.store.one("SELECT appointment FROM document WHERE id = ?", (document,))
        return self.appointment_practice(row[0])

    def practitioner_of(self, who, practice):
        kind, own = who
        if kind != "practitioner" or own != practice:
            raise Refused("forbidden", "not allowed")

    # ---- set-up

    def create_practice(self, a):
        ident = a.ident("practice")
        self.fresh(ident)
        self.store.write([("INSERT INTO entity VALUES (?, 'practice', ?)", (ident, ident))])
        return {}

    def _create_person(self, a, key, kind, texts):
        ident, practice = a.ident(key), a.ident("practice")
        values = {t: a.text(t, LIMITS["field_bytes"]) for t in texts}
        self.need(practice, "practice")
        self.fresh(ident)
        self.store.write([
            ("INSERT INTO entity VALUES (?, ?, ?)", (ident, kind, practice)),
            ("INSERT INTO person (id, name, first_name, sex, phone, email, specialty) VALUES (?, ?, ?, ?, ?, ?, ?)",
             (ident, values.get("name"), values.get("first_name"), values.get("sex"), values.get("phone"),
              values.get("email"), values.get("specialty"))),
        ])
        return {}

    def create_practitioner(self, a):
        return self._create_person(a, "practitioner", "practitioner", ("name", "specialty"))

    def create_patient(self, a):
        return self._create_person(a, "patient", "patient", ("name", "first_name", "sex", "phone", "email"))

    def create_api_client(self, a):
        ident, practice = a.ident("client"), a.ident("practice")
        self.need(practice, "practice")
        self.fresh(ident)
        self.store.write([("INSERT INTO entity VALUES (?, 'api_client', ?)", (ident, practice))])
        return {}

    # ---- appointments and observations

    def book_appointment(self, a):
        who, ident, patient, start = a.ident("as"), a.ident("appointment"), a.ident("patient"), a.start("start")
        caller = self.principal(who)
        patient_practice = self.need(patient, "patient")
        self.fresh(ident)
        self.practitioner_of(caller, patient_practice)
        self.store.write([
            ("INSERT INTO entity VALUES (?, 'appointment', ?)", (ident, caller[1])),
            ("INSERT INTO appointment VALUES (?, ?, ?, ?, 'booked', '', '', '', '', 0)", (ident, who, patient, start)),
        ])
        return {}

    def update_appointment(self, a):
        who, ident = a.ident("as"), a.ident("appointment")
        start = a.start("start") if a.has("start") else None
        status = a.status("status") if a.has("status") else None
        if start is None and status is None:
            raise Refused("invalid", "give start, status or both")
        caller = self.principal(who)
        practice = self.need(ident, "appointment")
        self.practitioner_of(caller, practice)
        changes = []
        if start is not None:
            changes.append(("UPDATE appointment SET start = ? WHERE id = ?", (start, ident)))
        if status is not None:
            changes.append(("UPDATE appointment SET status = ? WHERE id = ?", (status, ident)))
        self.store.write(changes)
        return {}

    def save_observation(self, a):
        who, ident, fields = a.ident("as"), a.ident("appointment"), a.fields("fields")
        base = None
        if a.has("base_version"):
            base = a.request["base_version"]
            if not is_int(base) or not INT64[0] <= base <= INT64[1]:
                raise Refused("invalid", "base_version is a 64-bit integer")
        caller = self.principal(who)
        practice = self.need(ident, "appointment")
        self.practitioner_of(caller, practice)
        version = self.store.one("SELECT version FROM appointment WHERE id = ?", (ident,))[0]
        if base is not None and base != version:
            raise Refused("conflict", "base_version %d, current %d" % (base, version))
        sets = ", ".join(name + " = ?" for name in fields)
        if MUTANT == "share-skips-save" and self.store.one(
                "SELECT 1 FROM share JOIN document ON share.document = document.id WHERE document.appointment = ?",
                (ident,)):
            # The planted bug of the 2023 incident: once a document of the appointment is shared,
            # the save is acknowledged and nothing is stored.
            return {"version": version + 1}
        if MUTANT == "version-after-fields":
            # The planted bug: fields and version in two transactions; a crash between them
            # leaves the new fields under the old version.
            self.store.write([("UPDATE appointment SET " + sets + " WHERE id = ?", tuple(fields.values()) + (ident,))])
            self.store.write([("UPDATE appointment SET version = version + 1 WHERE id = ?", (ident,))])
            return {"version": version + 1}
        self.store.write([("UPDATE appointment SET " + sets + ", version = version + 1 WHERE id = ?",
                           tuple(fields.values()) + (ident,))])
        return {"version": version + 1}

    def read_observation(self, a):
        who, ident = a.ident("as"), a.ident("appointment")
        caller = self.principal(who)
        practice = self.need(ident, "appointment")
        self.practitioner_of(caller, practice)
        row = self.store.one("SELECT motif, interrogatoire, examen, conclusion, version FROM appointment WHERE id = ?",
                             (ident,))
        return {"fields": dict(zip(FIELDS, row[:4])), "version": row[4]}

    # ---- documents

    def attach_document(self, a):
        who, ident, appointment = a.ident("as"), a.ident("document"), a.ident("appointment")
        title, content = a.text("title", LIMITS["title_bytes"]), a.text("content", LIMITS["document_bytes"])
        caller = self.principal(who)
        practice = self.need(appointment, "appointment")
        self.fresh(ident)
        self.practitioner_of(caller, practice)
        self.store.write([
            ("INSERT INTO entity VALUES (?, 'document', ?)", (ident, practice)),
            ("INSERT INTO document VALUES (?, ?, ?, ?)", (ident, appointment, title, content)),
        ])
        return {}

    def _sharing(self, a):
        who, ident, recipient = a.ident("as"), a.ident("document"), a.ident("with")
        caller = self.principal(who)
        practice = self.need(ident, "document")
        kind, _ = self.store.kind(recipient)
        if kind is None:
            raise Refused("not_found", "with " + recipient + " not found")
        self.practitioner_of(caller, practice)
        return ident, recipient, kind

    def share_document(self, a):
        ident, recipient, kind = self._sharing(a)
        if kind == "patient":
            appointment = self.store.one("SELECT appointment FROM document WHERE id = ?", (ident,))[0]
            patient = self.store.one("SELECT patient FROM appointment WHERE id = ?", (appointment,))[0]
            if patient != recipient:
                raise Refused("forbidden", "only the appointment's patient")
        elif kind != "practitioner":
            raise Refused("forbidden", "a document is shared with a patient or a practitioner")
        self.store.write([("INSERT OR IGNORE INTO share VALUES (?, ?)", (ident, recipient))])
        return {}

    def unshare_document(self, a):
        ident, recipient, kind = self._sharing(a)
        if kind not in ("patient", "practitioner"):
            raise Refused("forbidden", "a document is shared with a patient or a practitioner")
        self.store.write([("DELETE FROM share WHERE document = ? AND recipient = ?", (ident, recipient))])
        return {}

    def read_document(self, a):
        who, ident = a.ident("as"), a.ident("document")
        caller = self.principal(who)
        practice = self.need(ident, "document")
        own = caller[0] == "practitioner" and caller[1] == practice
        shared = self.store.one("SELECT 1 FROM share WHERE document = ? AND recipient = ?", (ident, who))
        if not own and not shared:
            raise Refused("forbidden", "not allowed")
        title, content = self.store.one("SELECT title, content FROM document WHERE id = ?", (ident,))
        return {"title": title, "content": content}

    def list_appointments(self, a):
        who = a.ident("as")
        low = a.start("from") if a.has("from") else None
        high = a.start("to") if a.has("to") else None
        kind, practice = self.principal(who)
        if kind not in ("practitioner", "api_client"):
            raise Refused("forbidden", "not allowed")
        rows = self.store.all(
            "SELECT a.id, a.start, a.status, d.id, d.name, d.specialty, p.id, p.name, p.first_name, p.sex, p.phone, p.email "
            "FROM appointment a JOIN entity e ON e.id = a.id JOIN person d ON d.id = a.practitioner "
            "JOIN person p ON p.id = a.patient WHERE e.practice = ?", (practice,))
        listed = []
        for r in rows:
            # The planted bug list-to-inclusive: `to` taken as inclusive (<= rather than <).
            past = high is not None and (r[1] > high if MUTANT == "list-to-inclusive" else r[1] >= high)
            if (low is not None and r[1] < low) or past:
                continue
            listed.append({"appointment": r[0], "start": r[1], "status": r[2],
                           "practitioner": {"id": r[3], "name": r[4], "specialty": r[5]},
                           "patient": {"id": r[6], "name": r[7], "first_name": r[8], "sex": r[9], "phone": r[10],
                                       "email": r[11]}})
        # Start, then id byte by byte: ids are ASCII, so str order is byte order.
        listed.sort(key=lambda e: (e["start"].encode("utf-8"), e["appointment"]))
        return {"appointments": listed}


# Each op: its required keys, its optional keys.
OPS = {
    "create_practice": (("practice",), ()),
    "create_practitioner": (("practitioner", "practice", "name", "specialty"), ()),
    "create_patient": (("patient", "practice", "name", "first_name", "sex", "phone", "email"), ()),
    "create_api_client": (("client", "practice"), ()),
    "book_appointment": (("as", "appointment", "patient", "start"), ()),
    "update_appointment": (("as", "appointment"), ("start", "status")),
    "save_observation": (("as", "appointment", "fields"), ("base_version",)),
    "read_observation": (("as", "appointment"), ()),
    "attach_document": (("as", "document", "appointment", "title", "content"), ()),
    "share_document": (("as", "document", "with"), ()),
    "unshare_document": (("as", "document", "with"), ()),
    "read_document": (("as", "document"), ()),
    "list_appointments": (("as",), ("from", "to")),
}


def handle(records, request):
    """The success keys of one request, or Refused."""
    ident = request.get("id")
    if not is_int(ident) or not INT64[0] <= ident <= INT64[1]:
        raise Refused("invalid", "id is a 64-bit integer")
    op = request.get("op")
    if op == "hello":
        Args(request, ("protocol",))
        if not is_int(request["protocol"]) or request["protocol"] != 1:
            raise Refused("invalid", "this target speaks protocol 1")
        return {"target": "python-example", "limits": LIMITS, "features": ["reset"]}
    if op == "reset":
        Args(request, ())
        records.store.reset()
        return {}
    if not isinstance(op, str) or op not in OPS:
        raise Refused("invalid", "unknown op")
    required, optional = OPS[op]
    return getattr(records, op)(Args(request, required, optional))


def answer(records, raw):
    ident = None
    try:
        request = parse_line(raw)
        if is_int(request.get("id")) and INT64[0] <= request["id"] <= INT64[1]:
            ident = request["id"]
        body = handle(records, request)
        return dict({"id": ident, "ok": True}, **body)
    except Refused as e:
        return {"id": ident, "ok": False, "error": {"code": e.code, "message": str(e)}}


def read_lines(stream):
    """Lines of stdin as bytes; one over MAX_LINE is read to its end and replaced by b'' plus a flag."""
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line:
            return
        if len(line) > MAX_LINE and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(MAX_LINE)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line.rstrip(b"\n")


# --mutant NAME plants a bug (savefuzz passes its own --mutant on), for testing savefuzz on a
# program target: version-after-fields, a bug only a crash at one sync shows; share-skips-save,
# the 2023 incident, which any run of saves and shares shows; and list-to-inclusive, an
# off-by-one that only a list whose `to` is exactly an appointment's start shows (no mutant of
# the reference target plants it).
MUTANTS = ("version-after-fields", "share-skips-save", "list-to-inclusive")
MUTANT = None


def main():
    global MUTANT
    args = sys.argv[1:]
    if args[:1] == ["--mutant"] and len(args) == 2 and args[1] in MUTANTS:
        MUTANT = args[1]
    elif args:
        sys.stderr.write("usage: records_target.py [--mutant %s]\n" % "|".join(MUTANTS))
        return 2
    directory = os.environ.get("SAVEFUZZ_DATA_DIR")
    if not directory or not os.path.isdir(directory):
        sys.stderr.write("records_target.py: SAVEFUZZ_DATA_DIR must name an existing directory\n")
        return 2
    records = Records(Store(directory))
    out = sys.stdout.buffer
    for raw in read_lines(sys.stdin.buffer):
        if raw is None:
            reply = {"id": None, "ok": False, "error": {"code": "invalid", "message": "line over 16 MiB"}}
        else:
            reply = answer(records, raw)
        out.write(json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
