#!/bin/sh
# `savefuzz fuzz` end to end: save_path_fuzzer from an empty corpus against a mutant, the crash
# input decoded, shrunk and saved; the saved scenario must replay failing. Exit 77 (skipped)
# when the fuzz build does not exist.
# usage: finds_mutant.sh SAVEFUZZ FUZZER_DIR CORPUS_ROOT MUTANT TIME
set -eu
savefuzz=$1 fuzzers=$2 corpus=$3 mutant=$4 time=$5
if [ ! -x "$fuzzers/save_path_fuzzer" ]; then
  echo "skipped: no $fuzzers/save_path_fuzzer (cmake --preset fuzz && cmake --build --preset fuzz)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
"$savefuzz" fuzz --fuzzer save_path_fuzzer --fuzzer-dir "$fuzzers" --corpus-root "$corpus" --no-seeds \
  --mutant "$mutant" --time "$time" --work-dir "$work/fuzz" --findings "$work/findings" \
  --libfuzzer-flag=-seed=1 || status=$?
if [ "$status" -ne 1 ]; then
  echo "expected exit 1 (a finding), got $status"
  exit 1
fi
for f in "$work"/findings/*.json; do
  echo "== replaying $f"
  "$savefuzz" replay --target records --mutant "$mutant" "$f"
done
