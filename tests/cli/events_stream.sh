#!/usr/bin/env bash
# --events as a consumer reads it: every line is a JSON object; a campaign writes one test_case
# line per case (its features in model terms), a line per finding and the run's start and end
# (with the features never reached); replay writes one per file; a run killed midway keeps every
# line written so far. Usage: events_stream.sh SAVEFUZZ WORK_DIR
set -euo pipefail
sf=$1; work=$2
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

set +e
"$sf" run --target records --mutant share-skips-save --cases 300 --seed 1 --jobs 1 --no-progress \
  --findings findings --events run.jsonl > run.log 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { cat run.log; fail "the mutant's finding should exit 1, got $rc"; }
cases=$(grep -o 'SUMMARY: cases=[0-9]*' run.log | grep -o '[0-9]*$')
/usr/bin/python3 - run.jsonl "$cases" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
cases = [l for l in lines if l["type"] == "test_case"]
assert len(cases) == int(sys.argv[2]), (len(cases), sys.argv[2])
for l in lines:
    assert "property" in l and "run_start" in l, l
for c in cases:
    for key in ("status", "status_reason", "representation", "arguments", "how_generated", "features", "timing", "metadata"):
        assert key in c, (key, c)
    assert c["status"] in ("passed", "failed", "gave_up"), c["status"]
assert sum(c["status"] == "failed" for c in cases) >= 1, "no failed case"
assert any(f.startswith("situation:") for c in cases for f in c["features"]), "no situation reached by any case"
findings = [l for l in lines if l.get("event") == "finding"]
assert len(findings) == 1 and findings[0]["content"]["invariant"] == "share-preserves-observation", findings
assert lines[0]["event"] == "run_start" and lines[-1]["event"] == "run_end", (lines[0]["event"], lines[-1]["event"])
end = lines[-1]["content"]
assert isinstance(end["features_never_reached"], list) and end["features"], end
print("run events:", len(cases), "cases,", len(findings), "finding, never reached:", len(end["features_never_reached"]))
PY

"$sf" replay "$(ls findings/*.json)" --target records --events replay.jsonl > replay.log 2>&1 || true
/usr/bin/python3 - replay.jsonl <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
cases = [l for l in lines if l["type"] == "test_case"]
assert len(cases) == 1 and cases[0]["how_generated"] == "replayed" and cases[0]["status"] == "passed", cases
print("replay events: ok")
PY

# Killed midway (SIGKILL, no chance to clean up): the lines written are whole and parse.
"$sf" run --target records --time 60s --seed 3 --jobs 1 --no-progress --findings killed --events killed.jsonl > killed.log 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  [ -s killed.jsonl ] && [ "$(wc -l < killed.jsonl)" -gt 20 ] && break
  sleep 0.1
done
kill -9 $pid; wait $pid 2>/dev/null || true
/usr/bin/python3 - killed.jsonl <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.endswith("\n")]
assert sum(l["type"] == "test_case" for l in lines) > 10, len(lines)
print("killed run kept", len(lines), "lines")
PY
echo "event stream: ok"
