#!/usr/bin/env bash
# The benchmarks in one command: builds the release preset (savefuzz-bench, records-server) and the
# fuzz and fuzz-cov presets (the libFuzzer engines, with and without sanitizers), then writes
# bench/results/latest.md and latest.json.
# Arguments go to savefuzz-bench (bench/run.sh --help lists them). A full default run takes hours
# on 2 cores; for example, a quicker one:
#   bench/run.sh --seeds 10 --budget 30s --fuzz-budget 120s --fuzz-baseline-cap 120s
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target savefuzz-bench records-server
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target save_path_fuzzer plain_save_path_fuzzer
cmake --preset fuzz-cov >/dev/null
cmake --build --preset fuzz-cov --target save_path_fuzzer plain_save_path_fuzzer
exec build/release/bin/savefuzz-bench "$@"
