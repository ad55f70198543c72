#!/usr/bin/env bash
# The README's main job on a fresh machine: install, build, and run savefuzz against the reference
# target (records-server, through the protocol). Extra arguments go to `savefuzz replay`, for
# example: bash ci/campaign.sh --mutant share-skips-save
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null

mkdir -p findings
build/release/bin/savefuzz replay corpus/regressions \
  --target-cmd build/release/bin/records-server \
  --report-json findings/replay.json --junit findings/replay.xml "$@"
