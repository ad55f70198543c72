#!/usr/bin/env bash
# `savefuzz check` as QA use it: a scenario written from an incident with a real-looking NIR,
# phone number and e-mail domain, an expect the contract contradicts, an expect that holds only
# for one crash outcome, and a misspelt key are each named with file, line, step and key; the
# fixed file passes. (The bad values are made up here, never committed.)
# Usage: check_scenarios.sh SAVEFUZZ WORK_DIR
set -euo pipefail
sf=$1; work=$2
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
nir="2 55 08 14 168 025 38"   # its control key is valid
cat > incident.json <<JSON
{
  "savefuzz_scenario": 1,
  "name": "incident",
  "description": "Patient $nir called about lost notes.",
  "steps": [
    {"op": "create_practice", "practice": "P1"},
    {"op": "create_practitioner", "practitioner": "D1", "practice": "P1", "name": "Martin", "specialty": "cardiologie"},
    {"op": "create_patient", "patient": "U1", "practice": "P1", "name": "Durand", "first_name": "Léa", "sex": "F",
     "phone": "06 12 34 56 78", "email": "lea.durand@gmail.com"},
    {"op": "book_appointment", "as": "D1", "appointment": "A1", "patient": "U1", "start": "2024-03-01T09:30"},
    {"op": "save_observation", "as": "D1", "appointment": "A1", "fields": {"motif": "douleur"}, "expect": {"ok": true, "version": 2}}
  ]
}
JSON
set +e; "$sf" check incident.json > bad.log 2>&1; rc=$?; set -e
cat bad.log
[ "$rc" = 1 ] || fail "check should exit 1 on a bad file, got $rc"
grep -q '^incident.json: key "description": looks like real patient data: NIR' bad.log || fail "the NIR is not named"
grep -q '^incident.json:8: step 3, key "phone": looks like real patient data: phone number' bad.log || fail "the phone is not named"
grep -q '^incident.json:8: step 3, key "email": looks like real patient data: e-mail address "lea.durand@gmail.com"' bad.log || fail "the e-mail is not named"
grep -q '^incident.json:11: step 5, key "expect": the contract answers {"ok":true,"version":1}' bad.log || fail "the contradicted expect is not named"

# An expect that holds only if a crash_during took effect, and a misspelt key.
cat > fragile.json <<'JSON'
{"savefuzz_scenario": 1, "name": "fragile", "description": "", "steps": [
  {"op": "create_practice", "practice": "P1"},
  {"op": "create_practitioner", "practitioner": "D1", "practice": "P1", "name": "n", "specialty": "s"},
  {"op": "create_patient", "patient": "U1", "practice": "P1", "name": "n", "first_name": "f", "sex": "F", "phone": "0639980000", "email": "u@example.org"},
  {"op": "book_appointment", "as": "D1", "appointment": "A1", "patient": "U1", "start": "2024-03-01T09:30"},
  {"control": "crash_during", "request": {"op": "save_observation", "as": "D1", "appointment": "A1", "fields": {"motif": "m"}}},
  {"op": "read_observation", "as": "D1", "appointment": "A1", "expect": {"version": 1}}
]}
JSON
printf '{"savefuzz_scenario": 1, "name": "typo", "description": "", "steps": [\n  {"op": "create_practice", "practise": "P1"}\n]}\n' > typo.json
set +e; "$sf" check fragile.json typo.json > more.log 2>&1; rc=$?; set -e
cat more.log
[ "$rc" = 1 ] || fail "check should exit 1, got $rc"
grep -q '^fragile.json:7: step 6, key "expect": holds only if a crash_during before it took effect' more.log || fail "the fragile expect is not named"
grep -q '^typo.json:2: step 1: .*practise' more.log || fail "the misspelt key is not named"

# Fixed: fictional values, the expect the contract gives.
sed -e "s/$nir/(numéro de sécurité sociale retiré)/" -e 's/06 12 34 56 78/06 39 98 12 34/' -e 's/lea.durand@gmail.com/lea@example.org/' \
    -e 's/"version": 2/"version": 1/' incident.json > fixed.json
"$sf" check fixed.json > fixed.log 2>&1 || { cat fixed.log; fail "the fixed file should pass"; }
grep -q "CHECK: files=1 with_problems=0 problems=0" fixed.log || fail "$(cat fixed.log)"
echo "check: ok"
