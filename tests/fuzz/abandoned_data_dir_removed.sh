#!/bin/sh
# A fuzzer that ends without destructors (here SIGKILL, as a timeout or an out-of-memory exit
# ends it) leaves its data directory; the next fuzzer to start removes it once it is a minute old,
# and leaves alone a living fuzzer's and every savefuzz-data-* directory. Exit 77 (skipped) when the
# fuzz build does not exist.
# usage: abandoned_data_dir_removed.sh FUZZER_DIR SEEDS_DIR
set -eu
fuzzers=$1 seeds=$2
if [ ! -x "$fuzzers/save_path_fuzzer" ]; then
  echo "skipped: no $fuzzers/save_path_fuzzer"
  exit 77
fi
work=$(mktemp -d)
living=""
trap '[ -n "$living" ] && kill -9 "$living" 2> /dev/null; rm -rf "$work"' EXIT
export SAVEFUZZ_DATA_ROOT="$work/data"
mkdir "$SAVEFUZZ_DATA_ROOT" "$work/corpus"
fuzz() { "$fuzzers/save_path_fuzzer" -seed=1 "$@" "$work/corpus" "$seeds" > /dev/null 2>&1; }
# In the background, $! the fuzzer itself (a function run with & would be a subshell around it).
fuzz_in_background() { "$fuzzers/save_path_fuzzer" -seed=1 -max_total_time=60 "$work/corpus" "$seeds" > /dev/null 2>&1 & }
count() { find "$SAVEFUZZ_DATA_ROOT" -mindepth 1 -maxdepth 1 -name "$1" | wc -l; }
fail() { echo "FAIL: $*"; ls -la "$SAVEFUZZ_DATA_ROOT"; exit 1; }

fuzz_in_background; killed=$!
sleep 3
kill -9 "$killed"; wait "$killed" 2> /dev/null || true
[ "$(count 'savefuzz-fuzz-*')" -eq 1 ] || fail "the killed fuzzer should have left its directory"
abandoned=$(find "$SAVEFUZZ_DATA_ROOT" -mindepth 1 -maxdepth 1 -name 'savefuzz-fuzz-*')
mkdir "$SAVEFUZZ_DATA_ROOT/savefuzz-data-kept01"
touch -d '2 minutes ago' "$abandoned" "$SAVEFUZZ_DATA_ROOT/savefuzz-data-kept01"

fuzz_in_background; living=$!
sleep 3
touch -d '2 minutes ago' "$SAVEFUZZ_DATA_ROOT"/savefuzz-fuzz-*
[ ! -e "$abandoned" ] || fail "the abandoned directory is still there"
[ "$(count 'savefuzz-fuzz-*')" -eq 1 ] || fail "the living fuzzer should have its directory"
fuzz -runs=10 || fail "a fuzzer beside a living one did not run"
[ "$(count 'savefuzz-fuzz-*')" -eq 1 ] || fail "a living fuzzer's directory was removed"
[ -d "$SAVEFUZZ_DATA_ROOT/savefuzz-data-kept01" ] || fail "a savefuzz-data-* directory was removed"
kill -9 "$living"; living=""
echo "PASS: abandoned fuzzer data directory removed, the living one's and savefuzz-data-* kept"
