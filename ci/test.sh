#!/usr/bin/env bash
# The README's test command: install what is needed, configure, build, run ctest.
# Extra arguments go to ctest (for example: ci/test.sh -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -- -k 0
# The fuzzers (clang, libFuzzer): the dev build's fuzz-smoke and bench-smoke tests run them from
# build/fuzz. Only they: the tests run the dev build's savefuzz and records-server, and the fuzz
# build's copies of those would add about a third to this build.
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target save_path_fuzzer protocol_fuzzer scenario_fuzzer plain_save_path_fuzzer -- -k 0
# The coverage-only fuzzers, for the fuzz-smoke tests of `savefuzz fuzz --coverage-only` and the
# bench-smoke test's coverage-only kill-table rows.
cmake --preset fuzz-cov >/dev/null
cmake --build --preset fuzz-cov --target save_path_fuzzer plain_save_path_fuzzer -- -k 0
ctest --preset dev "$@"
