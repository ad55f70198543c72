#!/usr/bin/env bash
# The README's main job on a fresh machine: install, build (release), and drive the reference
# target. Extra arguments are passed to records-server (for example: --mutant share-skips-save).
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release >/dev/null

data=$(mktemp -d "${TMPDIR:-/tmp}/savefuzz-demo.XXXXXX")
trap 'rm -rf "$data"' EXIT
echo "== records-server $* on docs/examples/session.jsonl"
build/release/bin/records-server --data-dir "$data" "$@" < docs/examples/session.jsonl
echo "== throughput from a second process"
build/release/bin/server_throughput --requests 5000 --repeats 3
