#!/usr/bin/env bash
# The coverage-only fuzzers clear libFuzzer's tables in huge pages (targets/fuzz/engine_heap.cpp).
# Where the system's transparent huge pages are "madvise", only a process that asks gets any, so
# a started save_path_fuzzer holding at least the corpus's 16 MB of feature tables in anonymous
# huge pages shows that the advice reached them. Usage: engine_tables_in_huge_pages.sh FUZZ_COV_BIN SEEDS
set -euo pipefail
bin=$1/save_path_fuzzer; seeds=$2
[ -x "$bin" ] || { echo "skipped: no fuzz-cov build"; exit 77; }
mode=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo "not available")
case $mode in
  *"[madvise]"*) ;;
  *) echo "skipped: transparent huge pages are '$mode', not madvise: the advice decides nothing"; exit 77 ;;
esac

unset SAVEFUZZ_MUTANT  # the correct target: a mutant could end the run at a seed
work=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; rm -rf "$work"' EXIT
mkdir "$work/corpus"
"$bin" -max_total_time=120 -artifact_prefix="$work/" "$work/corpus" "$seeds" > "$work/log" 2>&1 &
pid=$!
# libFuzzer prints INITED once its tables exist and the seeds have run.
for _ in $(seq 600); do
  grep -q INITED "$work/log" && break
  kill -0 "$pid" 2> /dev/null || { echo "FAIL: the fuzzer ended before INITED:"; tail -5 "$work/log"; exit 1; }
  sleep 0.1
done
grep -q INITED "$work/log" || { echo "FAIL: no INITED within 60 s:"; tail -5 "$work/log"; exit 1; }
huge_kb=$(awk '/^AnonHugePages:/ {print $2}' "/proc/$pid/smaps_rollup")
if [ "${huge_kb:-0}" -ge 16384 ]; then
  echo "PASS: ${huge_kb} kB of the started fuzzer in huge pages"
else
  echo "FAIL: ${huge_kb:-0} kB of the started fuzzer in huge pages, expected at least 16384"
  exit 1
fi
