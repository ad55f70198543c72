#!/usr/bin/env bash
# The README's test command: install what is needed, configure, build, run ctest.
# Extra arguments go to ctest (for example: ci/test.sh -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev -- -k 0
# The fuzzers (clang, libFuzzer): the dev build's fuzz-smoke tests run them from build/fuzz.
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz -- -k 0
# The coverage-only fuzzers, for the fuzz-smoke tests of `savefuzz fuzz --coverage-only`.
cmake --preset fuzz-cov >/dev/null
cmake --build --preset fuzz-cov --target save_path_fuzzer -- -k 0
ctest --preset dev "$@"
