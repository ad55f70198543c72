#!/bin/sh
# `savefuzz fuzz` with one job and no --keep-going runs libFuzzer as one process, not in fork
# mode (whose one job ran three fifths of the inputs per second), and its summary counts the
# executions libFuzzer's final stats give. Its progress line, every 10 s in a log, reads
# libFuzzer's status lines of one process. Exit 77 (skipped) when the coverage-only build does
# not exist.
# usage: one_job_runs_one_process.sh SAVEFUZZ FUZZER_DIR CORPUS_ROOT
set -eu
savefuzz=$1 fuzzers=$2 corpus=$3
if [ ! -x "$fuzzers/save_path_fuzzer" ]; then
  echo "skipped: no $fuzzers/save_path_fuzzer (cmake --preset fuzz-cov && cmake --build --preset fuzz-cov)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SAVEFUZZ_DATA_ROOT="$work/data"
mkdir "$SAVEFUZZ_DATA_ROOT"
"$savefuzz" fuzz --coverage-only --fuzzer save_path_fuzzer --fuzzer-dir "$fuzzers" --time 12s \
  --corpus-root "$corpus" --work-dir "$work/fuzz" --findings "$work/findings" > "$work/out" 2>&1
cat "$work/out"
log="$work/fuzz/save_path_fuzzer.log"
command=$(head -n 1 "$log")
echo "command: $command"
case "$command" in
  *-fork=*) echo "FAIL: one job ran in fork mode"; exit 1 ;;
esac
runs=$(sed -n 's/^SUMMARY: fuzzer=save_path_fuzzer .* runs=\([0-9]*\) .*/\1/p' "$work/out")
counted=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)$/\1/p' "$log")
echo "summary runs: ${runs:-none}, libFuzzer's count: ${counted:-none}"
if [ -z "$counted" ] || [ "${runs:-0}" != "$counted" ] || [ "$counted" -eq 0 ]; then
  echo "FAIL: the summary's runs are not the executions libFuzzer counted"
  exit 1
fi
progress=$(grep -E '^progress: save_path_fuzzer \| runs [1-9][0-9]* \([1-9][0-9]*/s\) \| 1[0-9]s of 12s \| features [1-9][0-9]* \| corpus [1-9][0-9]* \| crash inputs 0$' "$work/out" || true)
if [ -z "$progress" ]; then
  echo "FAIL: no progress line with the runs, features and corpus of libFuzzer's status"
  exit 1
fi
echo "PASS: one process, $runs executions"
