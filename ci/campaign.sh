#!/usr/bin/env bash
# The README's main job on a fresh machine: install, build (release), replay the regression
# corpus, then run a property campaign against the reference target.
#
#   bash ci/campaign.sh                      # 60 s in-process campaign, seed 1
#   bash ci/campaign.sh --time 10m --seed 7  # any `savefuzz run` flags replace the defaults
#   bash ci/campaign.sh --target-cmd build/release/bin/records-server --mutant nonatomic-save
#
# Findings go to findings/ as scenario files; the exit code is savefuzz's (0 nothing found,
# 1 a finding, 2 a usage or set-up error).
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null

bin=build/release/bin
mkdir -p findings
echo "== savefuzz replay corpus/regressions (records-server)"
"$bin/savefuzz" replay corpus/regressions --target-cmd "$bin/records-server" \
  --report-json findings/replay.json --junit findings/replay.xml

echo "== savefuzz run"
args=("$@")
((${#args[@]})) || args=(--target records --time 60s --seed 1)
has_target=0
for a in "${args[@]}"; do [[ $a == --target || $a == --target-cmd ]] && has_target=1; done
((has_target)) || args=(--target records "${args[@]}")
exec "$bin/savefuzz" run --findings findings "${args[@]}"
