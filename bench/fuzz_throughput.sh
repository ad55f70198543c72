#!/usr/bin/env bash
# save_path_fuzzer's executions per second and peak memory, for each fuzz build that exists:
# one process from the seeds (with the dictionary, -use_value_profile=1 and
# -entropic_feature_frequency_threshold=2, as `savefuzz fuzz` runs it, and the libFuzzer flags in
# $FUZZ_FLAGS if any), on the correct target, for SECONDS. Usage:
#   bench/fuzz_throughput.sh [SECONDS]   (run from the repository's root; prints Markdown rows)
# Under ASan, libFuzzer runs an input a second time whenever it mallocs more than it frees (the
# first step of its leak check) and counts that run as an execution: the share of such re-runs,
# from a second pass of 3,000 runs with -trace_malloc=1, gives the new inputs tried per second.
set -euo pipefail
secs=${1:-30}
fuzz_flags=${FUZZ_FLAGS:-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "| build | execs/s | leak-check re-runs | new inputs/s | peak RSS (MB) | executions in ${secs} s |"
echo "| --- | --- | --- | --- | --- | --- |"
for build in fuzz-cov fuzz; do
  bin=build/$build/bin/save_path_fuzzer
  [ -x "$bin" ] || continue
  rm -rf "$work/corpus"; mkdir -p "$work/corpus"
  /usr/bin/time -f "%M" -o "$work/rss" "$bin" -max_total_time="$secs" -seed=1 -use_value_profile=1 \
    -entropic_feature_frequency_threshold=2 \
    -dict=corpus/dict/save_path_fuzzer.dict -print_final_stats=1 $fuzz_flags "$work/corpus" corpus/seeds/save_path_fuzzer \
    > "$work/log" 2>&1 || { echo "$bin failed: see its log" >&2; tail -20 "$work/log" >&2; exit 1; }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
  time=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
  rm -rf "$work/corpus"; mkdir -p "$work/corpus"
  # MallocFreeTracer prints one STOP line per execution, "(DIFFERENT)" when mallocs != frees.
  "$bin" -runs=3000 -seed=1 -use_value_profile=1 -entropic_feature_frequency_threshold=2 -trace_malloc=1 \
    -dict=corpus/dict/save_path_fuzzer.dict $fuzz_flags "$work/corpus" corpus/seeds/save_path_fuzzer 2>&1 \
    | grep '^MallocFreeTracer: STOP' > "$work/stops" || true
  traced=$(wc -l < "$work/stops"); reruns=$(grep -c DIFFERENT "$work/stops" || true)
  if [ "$traced" -gt 0 ]; then
    share="$(( 100 * reruns / traced ))%"; fresh=$(( time * (traced - reruns) / traced ))
  else
    share="none (no LeakSanitizer)"; fresh=$time
  fi
  label=$([ $build = fuzz ] && echo "fuzz (ASan + UBSan)" || echo "fuzz-cov (coverage only)")
  echo "| $label | $time | $share | $fresh | $(( $(cat "$work/rss") / 1024 )) | $runs |"
done
