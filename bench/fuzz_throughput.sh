#!/usr/bin/env bash
# save_path_fuzzer's executions per second and peak memory, for each fuzz build that exists:
# one process from the seeds (with the dictionary, -use_value_profile=1 and
# -entropic_feature_frequency_threshold=16, as `savefuzz fuzz` runs it, and the libFuzzer flags in
# $FUZZ_FLAGS if any), on the correct target, for SECONDS. Usage:
#   bench/fuzz_throughput.sh [SECONDS]   (run from the repository's root; prints Markdown rows)
set -euo pipefail
secs=${1:-30}
fuzz_flags=${FUZZ_FLAGS:-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
echo "| build | execs/s | peak RSS (MB) | executions in ${secs} s |"
echo "| --- | --- | --- | --- |"
for build in fuzz-cov fuzz; do
  bin=build/$build/bin/save_path_fuzzer
  [ -x "$bin" ] || continue
  rm -rf "$work/corpus"; mkdir -p "$work/corpus"
  /usr/bin/time -f "%M" -o "$work/rss" "$bin" -max_total_time="$secs" -seed=1 -use_value_profile=1 \
    -entropic_feature_frequency_threshold=16 \
    -dict=corpus/dict/save_path_fuzzer.dict -print_final_stats=1 $fuzz_flags "$work/corpus" corpus/seeds/save_path_fuzzer \
    > "$work/log" 2>&1 || { echo "$bin failed: see its log" >&2; tail -20 "$work/log" >&2; exit 1; }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
  time=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$work/log" | grep -o '[0-9]*$')
  label=$([ $build = fuzz ] && echo "fuzz (ASan + UBSan)" || echo "fuzz-cov (coverage only)")
  echo "| $label | $time | $(( $(cat "$work/rss") / 1024 )) | $runs |"
done
