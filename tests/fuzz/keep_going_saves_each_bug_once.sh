#!/bin/sh
# `savefuzz fuzz --keep-going` against one planted bug: libFuzzer keeps every crash input, and
# several inputs of the one bug may first fail at different steps (a lost save seen by a read
# or by the final sweep). savefuzz saves one scenario per bug as it names it once localized and
# counts the others; only the saved findings keep a data directory. Exit 77 (skipped) when the coverage-only build does not exist.
# usage: keep_going_saves_each_bug_once.sh SAVEFUZZ FUZZER_DIR CORPUS_ROOT TIME
set -eu
savefuzz=$1 fuzzers=$2 corpus=$3 time=$4
if [ ! -x "$fuzzers/save_path_fuzzer" ]; then
  echo "skipped: no $fuzzers/save_path_fuzzer (cmake --preset fuzz-cov && cmake --build --preset fuzz-cov)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SAVEFUZZ_DATA_ROOT="$work/data"  # the fuzzer processes' too
mkdir "$SAVEFUZZ_DATA_ROOT"
status=0
"$savefuzz" fuzz --coverage-only --fuzzer save_path_fuzzer --fuzzer-dir "$fuzzers" --mutant share-skips-save \
  --keep-going --time "$time" --corpus-root "$corpus" --no-seeds --work-dir "$work/fuzz" \
  --findings "$work/findings" --libfuzzer-flag=-seed=1 > "$work/out" 2>&1 || status=$?
cat "$work/out"
if [ "$status" -ne 1 ]; then
  echo "FAIL: expected exit 1 (a finding), got $status"
  exit 1
fi
crash_inputs=$(sed -n 's/^SUMMARY: .* crash_inputs=\([0-9]*\) .*/\1/p' "$work/out")
saved=$(ls "$work"/findings/*.json | wc -l)
names=$(sed -n 's/^savefuzz: FINDING invariant=\([^ ]*\) .*/\1/p' "$work/out")
echo "crash inputs: $crash_inputs, saved scenarios: $saved, invariants named: $(echo $names)"
if [ "${crash_inputs:-0}" -lt 2 ]; then
  echo "FAIL: the fuzzer kept ${crash_inputs:-no} crash input(s) in $time; this check needs two or more"
  exit 1
fi
if [ -n "$(echo "$names" | sort | uniq -d)" ]; then
  echo "FAIL: one invariant saved twice: $(echo "$names" | sort | uniq -d | tr '\n' ' ')"
  exit 1
fi
if [ "$saved" -ne "$(echo "$names" | wc -l)" ]; then
  echo "FAIL: $saved scenario files for $(echo "$names" | wc -l) findings printed"
  exit 1
fi
kept=$(find "$SAVEFUZZ_DATA_ROOT" -mindepth 1 -maxdepth 1 -name 'savefuzz-data-*' | wc -l)
if [ "$kept" -ne "$saved" ]; then
  echo "FAIL: $kept data directories kept for $saved saved findings (each crash and repeat leaves none)"
  exit 1
fi
# Fork mode's jobs log where libFuzzer deletes: each job's report of its finding is kept apart.
reports=$(grep -c '^  invariant: ' "$work/fuzz/save_path_fuzzer.findings.log" 2>/dev/null || true)
if [ "${reports:-0}" -lt "$crash_inputs" ]; then
  echo "FAIL: ${reports:-no} finding reports kept by the fuzzer processes for $crash_inputs crash inputs"
  exit 1
fi
echo "PASS: $crash_inputs crash inputs, $saved saved, $kept data directories kept, $reports reports kept"
