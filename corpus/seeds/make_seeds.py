#!/usr/bin/env python3
"""Writes the protocol_fuzzer and scenario_fuzzer seeds from corpus/regressions/.

The save_path_fuzzer seeds come from `savefuzz encode corpus/regressions --out
corpus/seeds/save_path_fuzzer` plus the drawn inputs written here. Run from the
repository root; the output is deterministic.
"""
import json
import pathlib
import random

root = pathlib.Path("corpus")
regressions = sorted((root / "regressions").glob("*.json"))
seeds = root / "seeds"
for d in ("protocol_fuzzer", "scenario_fuzzer", "save_path_fuzzer"):
    (seeds / d).mkdir(parents=True, exist_ok=True)

# protocol_fuzzer: each regression's requests as protocol lines, hello first.
for path in regressions:
    scenario = json.loads(path.read_text())
    lines = [json.dumps({"id": 0, "op": "hello", "protocol": 1}, ensure_ascii=False)]
    for i, step in enumerate(scenario["steps"], 1):
        request = step.get("request", step)
        if "op" not in request:
            continue
        request = {k: v for k, v in request.items() if k != "expect"}
        lines.append(json.dumps({"id": i, **request}, ensure_ascii=False))
    (seeds / "protocol_fuzzer" / (path.stem + ".jsonl")).write_text("\n".join(lines) + "\n")

# A reset between two runs of the same requests (SPEC.md 8): the second run must answer like the first.
first = (seeds / "protocol_fuzzer" / (regressions[0].stem + ".jsonl")).read_text().splitlines()
next_id = max(json.loads(line)["id"] for line in first) + 1
reset = json.dumps({"id": next_id, "op": "reset"})
again = [json.dumps({**json.loads(line), "id": next_id + 1 + i}, ensure_ascii=False) for i, line in enumerate(first[1:])]
(seeds / "protocol_fuzzer" / "reset-between.jsonl").write_text("\n".join(first + [reset] + again) + "\n")

# Lines the contract calls malformed (SPEC.md 4a.1, 4a.2), one file each.
malformed = {
    "blank": "\n",
    "not-json": "hello\n",
    "float-id": '{"id":7.0,"op":"create_practice","practice":"P1"}\n',
    "exponent-id": '{"id":7e0,"op":"create_practice","practice":"P1"}\n',
    "bool-id": '{"id":true,"op":"create_practice","practice":"P1"}\n',
    "duplicate-key": '{"id":1,"op":"create_practice","practice":"P1","practice":"P2"}\n',
    # A duplicate "op" whose last value is a well-formed reset: still malformed, never a reset.
    "duplicate-op-reset": '{"id":20,"op":6,"op":"reset"}\n',
    "lone-surrogate": '{"id":1,"op":"create_practice","practice":"\\ud800"}\n',
    "nan": '{"id":1,"op":"save_observation","as":"D1","appointment":"A1","fields":{},"base_version":NaN}\n',
    "null-optional": '{"id":1,"op":"update_appointment","as":"D1","appointment":"A1","start":null}\n',
    "deep": '{"id":1,"op":"create_practice","practice":' + "[" * 40 + "]" * 40 + "}\n",
    "unknown-key": '{"id":1,"op":"create_practice","practice":"P1","extra":1}\n',
    "huge-id": '{"id":123456789012345678901234567890,"op":"create_practice","practice":"P1"}\n',
}
for name, line in malformed.items():
    (seeds / "protocol_fuzzer" / (name + ".jsonl")).write_text(line)
(seeds / "protocol_fuzzer" / "invalid-utf8.jsonl").write_bytes(b'{"id":1,"op":"create_practice","practice":"P\xff1"}\n')

# scenario_fuzzer: the regression files themselves, and a few that must be rejected.
for path in regressions:
    (seeds / "scenario_fuzzer" / (path.stem + ".seed")).write_text(path.read_text())
rejected = {
    "no-version": '{"name":"x","steps":[]}',
    "control-with-expect": '{"savefuzz_scenario":1,"name":"x","steps":[{"control":"restart","expect":{}}]}',
    "request-with-id": '{"savefuzz_scenario":1,"name":"x","steps":[{"id":1,"op":"create_practice","practice":"P1"}]}',
    "crash-during-no-request": '{"savefuzz_scenario":1,"name":"x","steps":[{"control":"crash_during"}]}',
}
for name, text in rejected.items():
    (seeds / "scenario_fuzzer" / (name + ".seed")).write_text(text)

# save_path_fuzzer: drawn inputs (a world, then drawn steps of every op and control).
rng = random.Random(20231)
def record(tag, body):
    return bytes([tag]) + len(body).to_bytes(3, "little") + body
for n in range(8):
    # An empty world body: its sizes come from a stream seeded by the record itself, so every seed
    # starts from the same world (a practice, two practitioners, three patients, an api client, an
    # appointment, two documents). Worlds drawn per seed were tried: the fuzzer reached the
    # fifth save of one appointment later (bench/results/fuzz.md, "Seeds with worlds of their own").
    data = record(0, b"")
    for _ in range(rng.randint(4, 24)):
        tag = rng.randrange(232)
        data += record(tag, bytes(rng.randrange(256) for _ in range(rng.randint(0, 24))))
    (seeds / "save_path_fuzzer" / f"drawn-{n}.bin").write_bytes(data)

# Dictionaries (libFuzzer -dict) under corpus/dict/.
OPS = ["hello", "create_practice", "create_practitioner", "create_patient", "create_api_client", "book_appointment",
       "update_appointment", "save_observation", "read_observation", "attach_document", "share_document",
       "unshare_document", "read_document", "list_appointments", "reset"]
KEYS = ["id", "op", "as", "practice", "practitioner", "patient", "client", "appointment", "document", "with", "name",
        "first_name", "sex", "phone", "email", "specialty", "title", "content", "start", "status", "fields",
        "base_version", "from", "to", "protocol", "motif", "interrogatoire", "examen", "conclusion"]
IDS = ["P1", "P2", "D1", "D2", "E1", "U1", "U2", "V1", "C1", "C2", "A1", "A2", "A10", "X1", "X2"]
VALUES = ["booked", "done", "cancelled", "2024-03-01T09:30", "2023-02-29T10:00", "2024-01-01T24:00", "true", "false",
          "null", "NaN", "Infinity", "7.0", "7e0", "-1", "0", "9223372036854775807", "9223372036854775808",
          "-9223372036854775809"]
# JSON escapes at the contract's edges, then raw bytes: UTF-8 (é, emoji, combining mark, ZWJ) and not.
TEXTS = [b"\\u0000", b"\\ud800", b"\\udc00", b"\\u00e9", b"\\r\\n", b'\\"', b"\\\\", "é".encode(), "😷".encode(),
         "e\u0301".encode(), "\u200d".encode(), b"\xff", b"\xc3", b"\xed\xa0\x80"]
TOKENS = ["{", "}", "[", "]", ":", ",", '"', '{"id":1,"op":"', '"}']
SCENARIO = ['"savefuzz_scenario":1', '"name":', '"description":', '"steps":', '"control":', '"restart"', '"crash"',
            '"crash_during"', '"request":', '"expect":', '"ok":', '"error":', '"invalid"', '"not_found"',
            '"forbidden"', '"conflict"', '"exists"', '"unavailable"', '"version":', '"observation":']


def dict_entry(value):
    data = value.encode() if isinstance(value, str) else value
    out = ""
    for b in data:
        c = chr(b)
        out += "\\" + c if c in '\\"' else c if 32 <= b < 127 else "\\x%02X" % b
    return '"' + out + '"'


def write_dict(name, header, entries):
    lines, seen = ["# " + header], set()
    for e in entries:
        if dict_entry(e) not in seen:
            seen.add(dict_entry(e))
            lines.append(dict_entry(e))
    (root / "dict").mkdir(exist_ok=True)
    (root / "dict" / name).write_text("\n".join(lines) + "\n")


json_words = ['"%s":' % k for k in KEYS] + ['"%s"' % o for o in OPS] + ['"%s"' % i for i in IDS] + VALUES
write_dict("protocol_fuzzer.dict", "protocol_fuzzer: JSON tokens, the protocol's keys, ops, pool ids, edge values.",
           TOKENS + json_words + [b'"' + t + b'"' for t in TEXTS])
write_dict("scenario_fuzzer.dict", "scenario_fuzzer: the scenario file format (SPEC.md 7), keys, ops, ids.",
           TOKENS + SCENARIO + json_words)
write_dict("save_path_fuzzer.dict", "save_path_fuzzer: step JSON for literal records; bytes for raw texts.",
           SCENARIO[4:10] + json_words + TEXTS)
