#!/usr/bin/env bash
# The ASan + UBSan fuzzers start with ASan's quarantine at 64 MB (targets/fuzz/asan_options.cpp),
# and a user's $ASAN_OPTIONS still sets it. ASan prints its allocator's settings at verbosity=1.
# Usage: asan_quarantine_default.sh FUZZ_BIN
set -euo pipefail
bin=$1/save_path_fuzzer
[ -x "$bin" ] || { echo "skipped: no fuzz build"; exit 77; }
unset SAVEFUZZ_MUTANT
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
quarantine() {  # the quarantine size a start with ASAN_OPTIONS=$1 reports
  ASAN_OPTIONS=$1 "$bin" -runs=0 "$work" 2>&1 | grep -o 'quarantine_size_mb=[0-9]*M' | head -1
}
got=$(quarantine verbosity=1)
[ "$got" = "quarantine_size_mb=64M" ] || { echo "FAIL: default start reports '${got:-no quarantine size}'"; exit 1; }
got=$(quarantine verbosity=1:quarantine_size_mb=256)
[ "$got" = "quarantine_size_mb=256M" ] || { echo "FAIL: ASAN_OPTIONS=quarantine_size_mb=256 gives '${got:-nothing}'"; exit 1; }
echo "PASS: 64 MB by default, 256 MB when ASAN_OPTIONS asks"
