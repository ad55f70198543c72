#!/usr/bin/env bash
# The coverage-guided engine against the property engine, mutant by mutant: which seeds find each
# mutant within the budget, and the median time to it. Usage:
#   bench/fuzz_mutants.sh OUT.md SEEDS BUDGET_SECONDS MUTANT...
# Environment: FUZZ_BIN (default build/fuzz-cov/bin), SAVEFUZZ (default build/release/bin/savefuzz,
# else build/dev/bin/savefuzz: the property engine compared in an optimized build without
# sanitizers, as the coverage-only fuzzer is),
# ENGINES (default "fuzzer property"), CORPUS (seeds or empty; default seeds), FUZZ_FLAGS (more
# libFuzzer flags, to compare a schedule with `savefuzz fuzz`'s; default none).
# The fuzzer starts from corpus/seeds/save_path_fuzzer minus the seeds that already show the
# mutant (a regression scenario is its answer), with the dictionary, -use_value_profile=1 and
# -entropic_feature_frequency_threshold=2, as `savefuzz fuzz` runs it. The property engine is
# `savefuzz run --target records` with the same seed and wall time, one job each. Paths in the
# output are relative to the repository; run from its root.
set -euo pipefail
out=${1:?output .md}; seeds=${2:?seeds}; budget=${3:?budget in seconds}; shift 3
fuzz_bin=${FUZZ_BIN:-build/fuzz-cov/bin}
sf=${SAVEFUZZ:-$([ -x build/release/bin/savefuzz ] && echo build/release/bin/savefuzz || echo build/dev/bin/savefuzz)}
engines=${ENGINES:-fuzzer property}; start_from=${CORPUS:-seeds}
fuzz_flags=${FUZZ_FLAGS:-}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }

{
echo "# Fuzzer and property engine, mutant by mutant"
echo
echo "Fuzzer: \`$fuzz_bin/save_path_fuzzer\` ($(grep -o 'SAVEFUZZ_FUZZ_SANITIZE:BOOL=[A-Z]*' "$fuzz_bin/../CMakeCache.txt" || true)), from the $start_from, \`-use_value_profile=1 -entropic_feature_frequency_threshold=2\`${fuzz_flags:+ \`$fuzz_flags\`} and the dictionary. Property engine: \`savefuzz run --target records --jobs 1\` (\`$sf\`). Seeds 1..$seeds, at most ${budget} s each, one run at a time; $(nproc) cores; data in memory (in-process)."
echo "Each cell: seeds that found the mutant, and the median seconds to it (a miss counts as slower than any find; \`> ${budget}\` when fewer than half found it); the last column has each seed's seconds in seed order (\`-\`: missed), so the count within any shorter wall time can be read off."
echo
echo "| mutant | engine | found | median s | execs/s or steps/s | seconds per seed |"
echo "| --- | --- | --- | --- | --- | --- |"
} > "$out"

median() { sort -g | awk '{v[NR]=$1} END{ if (NR==0) {print "-"; exit} m=v[int((NR+1)/2)]; print m}'; }
per_seed() { echo $1 | tr ' ' '\n' | awk '{printf "%s%s", (NR>1 ? " " : ""), ($1 == "1e9" ? "-" : $1)}'; }

fuzzer_row() {
  local mutant=$1 found=0 times="" rates=""
  local seeds_dir="$work/seeds-$mutant"; mkdir -p "$seeds_dir"
  if [ "$start_from" = seeds ]; then
    for f in corpus/seeds/save_path_fuzzer/*.bin; do
      # A seed that shows the mutant makes libFuzzer write a crash file: into the work directory.
      SAVEFUZZ_MUTANT=$mutant "$fuzz_bin/save_path_fuzzer" -artifact_prefix="$work/" "$f" > /dev/null 2>&1 \
        && cp "$f" "$seeds_dir/"
    done
  fi
  for s in $(seq 1 "$seeds"); do
    local dir="$work/f-$mutant-$s"; mkdir -p "$dir/corpus" "$dir/artifacts"
    local t0; t0=$(now)
    SAVEFUZZ_MUTANT=$mutant "$fuzz_bin/save_path_fuzzer" -seed="$s" -max_total_time="$budget" -timeout=30 \
      -rss_limit_mb=2560 -use_value_profile=1 -entropic_feature_frequency_threshold=2 -dict=corpus/dict/save_path_fuzzer.dict -print_final_stats=1 $fuzz_flags \
      -artifact_prefix="$dir/artifacts/" "$dir/corpus" "$seeds_dir" > "$dir/log" 2>&1 || true
    local took; took=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}')
    if ls "$dir/artifacts"/crash-* > /dev/null 2>&1; then
      found=$((found + 1)); times+="$took "
    else
      times+="1e9 "
    fi
    local runs; runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log" | grep -o '[0-9]*$' || echo 0)
    # A run that executed nothing did not fuzz: say why rather than count it as a miss.
    if [ "$runs" = 0 ] && ! ls "$dir/artifacts"/crash-* > /dev/null 2>&1; then
      echo "fuzz_mutants: $mutant seed $s executed no input; its log ends:" >&2; tail -5 "$dir/log" >&2
    fi
    rates+="$(awk -v r="$runs" -v t="$took" 'BEGIN{printf "%.0f", r/t}') "
  done
  local m; m=$(echo $times | tr ' ' '\n' | median)
  [ "$m" = 1e9 ] && m="> $budget"
  echo "| $mutant | save_path_fuzzer | $found/$seeds | $m | $(echo $rates | tr ' ' '\n' | median) | $(per_seed "$times") |" >> "$out"
}

property_row() {
  local mutant=$1 found=0 times="" rates=""
  for s in $(seq 1 "$seeds"); do
    local log="$work/p-$mutant-$s.log"
    local t0; t0=$(now)
    "$sf" run --target records --mutant "$mutant" --seed "$s" --time "${budget}s" --jobs 1 --no-shrink --reproduce 1 \
      --no-progress --findings "$work/p-findings" > "$log" 2>&1 || true
    local took; took=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.2f", b-a}')
    if grep -q '^finding:' "$log"; then found=$((found + 1)); times+="$took "; else times+="1e9 "; fi
    rates+="$(grep -o 'steps/s=[0-9]*' "$log" | cut -d= -f2 | tail -1) "
  done
  local m; m=$(echo $times | tr ' ' '\n' | median)
  [ "$m" = 1e9 ] && m="> $budget"
  echo "| $mutant | property (in-process) | $found/$seeds | $m | $(echo $rates | tr ' ' '\n' | median) | $(per_seed "$times") |" >> "$out"
}

for mutant in "$@"; do
  for e in $engines; do
    case $e in
      fuzzer) fuzzer_row "$mutant" ;;
      property) property_row "$mutant" ;;
      *) echo "unknown engine $e" >&2; exit 2 ;;
    esac
  done
done
