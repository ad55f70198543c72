#!/bin/sh
# A fuzzer that ends without destructors (here SIGKILL, as a timeout or an out-of-memory exit
# ends it) leaves its data directory; the next fuzzer to start removes it once it is a minute old,
# and leaves alone a living fuzzer's and every savefuzz-data-* directory. With a program target,
# each fuzzer also has the fault library's directory (savefuzz-fuzz-faults-*), swept alike. Exit 77
# (skipped) when the fuzz build does not exist.
# usage: abandoned_data_dir_removed.sh FUZZER_DIR SEEDS_DIR [TARGET_CMD]
set -eu
fuzzers=$1 seeds=$2
per=1  # directories per fuzzer
if [ ! -x "$fuzzers/save_path_fuzzer" ]; then
  echo "skipped: no $fuzzers/save_path_fuzzer"
  exit 77
fi
work=$(mktemp -d)
living=""
trap '[ -n "$living" ] && kill -9 "$living" 2> /dev/null; rm -rf "$work"' EXIT
export SAVEFUZZ_DATA_ROOT="$work/data"
mkdir "$SAVEFUZZ_DATA_ROOT" "$work/corpus"
if [ -n "${3:-}" ]; then
  # The program through a script that notes its process: a killed fuzzer's program reads the end
  # of its input and closes its store, which changes its data directory's time; the test waits
  # for it to end before ageing the directories.
  printf '#!/bin/sh\necho $$ >> "%s/pids"\nexec "%s" "$@"\n' "$work" "$3" > "$work/target.sh"
  chmod +x "$work/target.sh"
  export SAVEFUZZ_TARGET_CMD="$work/target.sh"
  per=2
fi
wait_for_programs() {
  [ -f "$work/pids" ] || return 0
  for pid in $(cat "$work/pids"); do
    while kill -0 "$pid" 2> /dev/null; do sleep 0.1; done
  done
}
fuzz() { "$fuzzers/save_path_fuzzer" -seed=1 "$@" "$work/corpus" "$seeds" > /dev/null 2>&1; }
# In the background, $! the fuzzer itself (a function run with & would be a subshell around it).
fuzz_in_background() { "$fuzzers/save_path_fuzzer" -seed=1 -max_total_time=60 "$work/corpus" "$seeds" > /dev/null 2>&1 & }
count() { find "$SAVEFUZZ_DATA_ROOT" -mindepth 1 -maxdepth 1 -name "$1" | wc -l; }
fail() { echo "FAIL: $*"; ls -la "$SAVEFUZZ_DATA_ROOT"; exit 1; }

fuzz_in_background; killed=$!
sleep 3
kill -9 "$killed"; wait "$killed" 2> /dev/null || true
wait_for_programs
[ "$(count 'savefuzz-fuzz-*')" -eq "$per" ] || fail "the killed fuzzer should have left its directories"
[ "$per" -eq 1 ] || [ "$(count 'savefuzz-fuzz-faults-*')" -eq 1 ] || fail "no fault library directory was left"
abandoned=$(find "$SAVEFUZZ_DATA_ROOT" -mindepth 1 -maxdepth 1 -name 'savefuzz-fuzz-*')
mkdir "$SAVEFUZZ_DATA_ROOT/savefuzz-data-kept01"
touch -d '2 minutes ago' $abandoned "$SAVEFUZZ_DATA_ROOT/savefuzz-data-kept01"

fuzz_in_background; living=$!
sleep 3
touch -d '2 minutes ago' "$SAVEFUZZ_DATA_ROOT"/savefuzz-fuzz-*
for dir in $abandoned; do [ ! -e "$dir" ] || fail "the abandoned $dir is still there"; done
[ "$(count 'savefuzz-fuzz-*')" -eq "$per" ] || fail "the living fuzzer should have its directories"
fuzz -runs=10 || fail "a fuzzer beside a living one did not run"
[ "$(count 'savefuzz-fuzz-*')" -eq "$per" ] || fail "a living fuzzer's directory was removed"
[ -d "$SAVEFUZZ_DATA_ROOT/savefuzz-data-kept01" ] || fail "a savefuzz-data-* directory was removed"
kill -9 "$living"; living=""
echo "PASS: abandoned fuzzer directories removed ($per per fuzzer), the living one's and savefuzz-data-* kept"
