#!/usr/bin/env bash
# The fault-step figures of docs/faults.md: which seeds find the storage mutants (and how the
# findings replay), and fault steps per second on the correct targets. Usage:
#   bench/fault_mutants.sh BUILD_DIR OUT.md [SEEDS] [BUDGET]
# Paths in the output are relative to the repository; run from its root.
set -euo pipefail
build=${1:?build dir, e.g. build/release}; out=${2:?output .md}; seeds=${3:-10}; budget=${4:-60s}
sf="$build/bin/savefuzz"; server="$build/bin/records-server"
py="python3 targets/examples/python/records_target.py"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

{
echo "# Fault steps: storage mutants and fault throughput"
echo
echo "Build: \`$build\` ($(grep -o 'SAVEFUZZ_SANITIZE:BOOL=[A-Z]*' "$build/CMakeCache.txt" || true)); $(nproc) cores; data on a tmpfs."
echo "Each cell: seeds (of $seeds, \`--seed 1..$seeds\`, \`--time $budget --jobs 1 --reproduce 10\`) whose run found the mutant, the invariants named, and replays of the findings."
echo
echo "| mutant | target | found | named | replayed |"
echo "| --- | --- | --- | --- | --- |"
} > "$out"

row() {  # mutant, label, target flags...
  local mutant=$1 label=$2; shift 2
  local found=0 named="" replays=""
  for s in $(seq 1 "$seeds"); do
    local log="$work/$mutant-$label-$s.log"
    "$sf" run "$@" --mutant "$mutant" --seed "$s" --time "$budget" --jobs 1 --reproduce 10 --no-progress \
      --findings "$work/findings" > "$log" 2>&1 || true
    if line=$(grep -m1 '^finding:' "$log"); then
      found=$((found + 1))
      named+="$(echo "$line" | awk '{print $2}') "
      replays+="$(echo "$line" | grep -o 'reproduced [0-9]*/[0-9]*' | cut -d' ' -f2) "
    fi
  done
  echo "| $mutant | $label | $found/$seeds | $(echo $named | tr ' ' '\n' | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}') | $(echo $replays | tr ' ' '\n' | sort | uniq -c | awk '{printf "%s×%s ", $2, $1}') |" >> "$out"
}

row no-sync in-process --target records
row no-sync records-server --target-cmd "$server"
row ignore-commit-error in-process --target records
row ignore-commit-error records-server --target-cmd "$server"
row version-after-fields in-process --target records
row version-after-fields records-server --target-cmd "$server"
row version-after-fields python-example --target-cmd "$py"

{
echo
echo "## Fault steps per second on the correct targets"
echo
echo "One \`savefuzz run --seed 1 --time $budget --jobs 1\` each; \`--io-faults 50\` so that storage faults are frequent. Power-loss states: power_loss steps run (each a kill, a roll-back of unsynced writes and a start); I/O-error points: storage faults that fired."
echo
echo "| target | findings | steps/s | power-loss states/s | I/O-error points/s | crash_during at a sync/s |"
echo "| --- | --- | --- | --- | --- | --- |"
} >> "$out"
rate() {  # label, target flags...
  local label=$1; shift
  local log="$work/rate-$label.log"
  "$sf" run "$@" --seed 1 --time "$budget" --jobs 1 --io-faults 50 --no-progress --findings "$work/rate" > "$log" 2>&1 || true
  local secs steps findings pl wf sf_ cs
  secs=$(grep -o 'elapsed=[0-9.]*' "$log" | cut -d= -f2); steps=$(grep -o ' steps=[0-9]*' "$log" | cut -d= -f2)
  findings=$(grep -o 'findings=[0-9]*' "$log" | cut -d= -f2)
  pl=$(grep -o 'power_loss=[0-9]*' "$log" | tail -1 | cut -d= -f2); wf=$(grep -o 'write faults=[0-9]*' "$log" | cut -d= -f2)
  sf_=$(grep -o 'sync faults=[0-9]*' "$log" | cut -d= -f2); cs=$(grep -o 'at a given sync=[0-9]*' "$log" | cut -d= -f2)
  awk -v l="$label" -v t="$secs" -v st="$steps" -v f="$findings" -v p="$pl" -v w="$wf" -v s="$sf_" -v c="$cs" \
    'BEGIN{printf "| %s | %s | %.0f | %.1f | %.1f | %.1f |\n", l, f, st/t, p/t, (w+s)/t, c/t}' >> "$out"
}
rate in-process --target records
rate records-server --target-cmd "$server"
rate python-example --target-cmd "$py"

{
echo
echo "## Cost of the preload library"
echo
echo "Steps/s of \`savefuzz run --seed 1 --time $budget --jobs 1 --no-faults\`, with the library preloaded (it counts and logs every write) and with \`--no-fault-library\`."
echo
echo "| target | with library | without | ratio |"
echo "| --- | --- | --- | --- |"
} >> "$out"
cost() {  # label, target command
  local label=$1 cmd=$2 with without
  with=$("$sf" run --target-cmd "$cmd" --seed 1 --time "$budget" --jobs 1 --no-faults --no-progress --findings "$work/c1" 2>&1 | grep -o 'steps/s=[0-9]*' | cut -d= -f2)
  without=$("$sf" run --target-cmd "$cmd" --no-fault-library --seed 1 --time "$budget" --jobs 1 --no-faults --no-progress --findings "$work/c2" 2>&1 | grep -o 'steps/s=[0-9]*' | cut -d= -f2)
  awk -v l="$label" -v a="$with" -v b="$without" 'BEGIN{printf "| %s | %d | %d | %.2f |\n", l, a, b, a/b}' >> "$out"
}
cost records-server "$server"
cost python-example "$py"
