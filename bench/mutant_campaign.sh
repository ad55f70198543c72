#!/usr/bin/env bash
# Time and steps to each mutant for `savefuzz run`, over several seeds, with the shrunk length.
#
#   bench/mutant_campaign.sh [--seeds N] [--time 60s] [--target-cmd] [MUTANT...]
#
# Uses build/release (builds it when missing). With --target-cmd the campaign drives
# records-server through the protocol; otherwise the in-process reference target.
# Prints one row per mutant: found/seeds, median and worst seconds and steps to the first
# failure, and the longest shrunk scenario.
set -euo pipefail
cd "$(dirname "$0")/.."

seeds=10 time=60s subprocess=0 mutants=()
while (($#)); do
  case "$1" in
    --seeds) seeds=$2; shift 2 ;;
    --time) time=$2; shift 2 ;;
    --target-cmd) subprocess=1; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) mutants+=("$1"); shift ;;
  esac
done
[[ -x build/release/bin/savefuzz ]] || { cmake --preset release >/dev/null && cmake --build --preset release >/dev/null; }
bin=build/release/bin
((${#mutants[@]})) || mapfile -t mutants < <("$bin/records-server" --list-mutants | cut -f1)
target=(--target records)
((subprocess)) && target=(--target-cmd "$bin/records-server")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "-"; else print a[int((NR+1)/2)]}'; }
worst() { sort -g | tail -1; }

printf "%-32s %6s %9s %9s %9s %9s %7s %s\n" mutant found med_s worst_s med_steps worst_st shrunk invariants
for m in "${mutants[@]}"; do
  : > "$work/rows"
  for ((s = 1; s <= seeds; s++)); do
    line=$("$bin/savefuzz" run "${target[@]}" --mutant "$m" --time "$time" --seed "$s" \
             --findings "$work/f-$m-$s" --no-progress | grep '^finding:' | head -1 || true)
    [[ -n $line ]] && echo "$line" >> "$work/rows"
  done
  found=$(wc -l < "$work/rows")
  secs=$(sed -E 's/.* after ([0-9.]+)s\/.*/\1/' "$work/rows")
  steps=$(sed -E 's/.*s\/([0-9]+) steps.*/\1/' "$work/rows")
  shrunk=$(sed -E 's/.*-> ([0-9]+) steps$/\1/' "$work/rows" | worst)
  invs=$(awk '{print $2}' "$work/rows" | sort | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=","}')
  printf "%-32s %3s/%-2s %9s %9s %9s %9s %7s %s\n" "$m" "$found" "$seeds" "$(echo "$secs" | median)" \
    "$(echo "$secs" | worst)" "$(echo "$steps" | median)" "$(echo "$steps" | worst)" "${shrunk:--}" "$invs"
done
