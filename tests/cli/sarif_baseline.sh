#!/usr/bin/env bash
# --sarif and --baseline as a pull request's CI uses them: the SARIF logs of run, replay and fuzz
# validate against the SARIF 2.1.0 schema (tests/data, from OASIS), a baseline (a SARIF log or a
# findings folder) suppresses a known finding found again from another seed, and a new finding
# still fails the command. Usage: sarif_baseline.sh SAVEFUZZ SCHEMA WORK_DIR [FUZZER_DIR CORPUS]
# (the fuzz part is skipped when FUZZER_DIR has no save_path_fuzzer).
set -euo pipefail
sf=$1; schema=$2; work=$3; fuzzers=${4:-}; corpus=${5:-}
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
validate() {
  /usr/bin/python3 - "$schema" "$@" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
for path in sys.argv[2:]:
    log = json.load(open(path))
    jsonschema.validate(log, schema)
    print("valid SARIF 2.1.0:", path, len(log["runs"][0]["results"]), "result(s)")
PY
}
# Runs savefuzz with its output in LOG; echoes its exit code.
code() { local log=$1; shift; set +e; "$sf" "$@" > "$log" 2>&1; local rc=$?; set -e; echo $rc; }
campaign=(--target records --cases 400 --jobs 1 --no-progress)

rc=$(code run1.log run "${campaign[@]}" --mutant share-skips-save --seed 1 --findings known --sarif known.sarif)
[ "$rc" = 1 ] || { cat run1.log; fail "a mutant's finding should exit 1, got $rc"; }
validate known.sarif
grep -q '"ruleId": "share-preserves-observation"' known.sarif || fail "the rule is not the invariant"
grep -q '"startLine"' known.sarif || fail "no line of the diverging step"

# The same bug from another seed: known, exit 0, baselineState unchanged.
rc=$(code run2.log run "${campaign[@]}" --mutant share-skips-save --seed 2 --findings again --baseline known.sarif --sarif again.sarif)
[ "$rc" = 0 ] || { cat run2.log; fail "a known finding should not fail the run, got $rc"; }
grep -q 'known finding (in the baseline' run2.log || fail "the known finding is not named"
validate again.sarif
grep -q '"baselineState": "unchanged"' again.sarif || fail "the known finding is not marked unchanged"

# The findings folder works as a baseline too.
rc=$(code run3.log run "${campaign[@]}" --mutant share-skips-save --seed 2 --findings again2 --baseline known)
[ "$rc" = 0 ] || { cat run3.log; fail "a findings folder as baseline should suppress the known finding, got $rc"; }

# Another bug: new, exit 1, and the summary says so.
rc=$(code run4.log run "${campaign[@]}" --mutant lost-update --seed 1 --findings new --baseline known.sarif --sarif new.sarif)
[ "$rc" = 1 ] || { cat run4.log; fail "a new finding should fail the run despite the baseline, got $rc"; }
grep -q 'BASELINE: .* new=[1-9]' run4.log || fail "the summary does not count the new finding"
validate new.sarif
grep -q '"baselineState": "new"' new.sarif || fail "the new finding is not marked new"

# replay: the known findings fail without the baseline and pass with it; its SARIF validates.
rc=$(code replay1.log replay known --target records --mutant share-skips-save --sarif replay.sarif)
[ "$rc" = 1 ] || { cat replay1.log; fail "replaying a finding should exit 1, got $rc"; }
validate replay.sarif
rc=$(code replay2.log replay known --target records --mutant share-skips-save --baseline known.sarif)
[ "$rc" = 0 ] || { cat replay2.log; fail "replaying known findings with their baseline should exit 0, got $rc"; }

# A baseline that is neither form is a set-up error that names it.
echo '{"hello": 1}' > bad.json
rc=$(code bad.log run "${campaign[@]}" --seed 1 --baseline bad.json)
[ "$rc" = 2 ] || fail "a bad baseline should exit 2, got $rc"
grep -q 'bad.json' bad.log || fail "the bad baseline is not named: $(cat bad.log)"
# fuzz: a fuzzer's finding, decoded and shrunk, is a SARIF result on its scenario file.
if [ -n "$fuzzers" ] && [ -x "$fuzzers/save_path_fuzzer" ]; then
  rc=$(code fuzz.log fuzz --fuzzer save_path_fuzzer --fuzzer-dir "$fuzzers" --corpus-root "$corpus" --no-seeds \
       --mutant patient-reads-unshared --time 120s --work-dir fuzz-work --findings fuzz-findings \
       --libfuzzer-flag=-seed=1 --sarif fuzz.sarif)
  [ "$rc" = 1 ] || { tail -30 fuzz.log; fail "savefuzz fuzz should find patient-reads-unshared, got $rc"; }
  validate fuzz.sarif
  grep -q '"uri": "fuzz-findings/share-scope-' fuzz.sarif || fail "the fuzz result does not point at the scenario file"
else
  echo "fuzz part skipped: no save_path_fuzzer in '$fuzzers'"
fi
echo "sarif and baseline: ok"
