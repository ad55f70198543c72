#!/usr/bin/env bash
# The README's main job on a fresh machine: install, build savefuzz and records-server (release),
# then, with no arguments, the first run (ci/first_run.sh): the regressions replayed, a 30 s
# campaign against the reference save path that finds nothing, the same against a planted bug
# that finds it, its minimal scenario, the HTML report and what to do next.
#
#   bash ci/campaign.sh                      # the first run
#   bash ci/campaign.sh --time 10m --seed 7  # `savefuzz run` with these flags instead
#   bash ci/campaign.sh --target-cmd build/release/bin/records-server --mutant nonatomic-save
#
# Findings go to findings/ as scenario files; the exit code is savefuzz's (0 nothing found,
# 1 a finding, 2 a usage or set-up error).
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target savefuzz records-server >/dev/null

((${#@})) || exec bash ci/first_run.sh --bin build/release/bin --out findings

bin=build/release/bin
mkdir -p findings
args=("$@")
has_target=0
for a in "${args[@]}"; do [[ $a == --target || $a == --target-cmd ]] && has_target=1; done
((has_target)) || args=(--target records "${args[@]}")
exec "$bin/savefuzz" run --findings findings "${args[@]}"
