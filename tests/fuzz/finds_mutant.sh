#!/bin/sh
# `savefuzz fuzz` end to end: save_path_fuzzer against a mutant, the crash input decoded, shrunk
# and saved; the saved scenario must replay failing. Exit 77 (skipped) when the fuzz build does
# not exist.
# usage: finds_mutant.sh SAVEFUZZ FUZZER_DIR CORPUS_ROOT MUTANT TIME [SEEDS [FLAG...]]
#   SEEDS: none (an empty corpus, the default) or withheld (corpus/seeds without the seeds that
#   already show the mutant: a regression scenario is its answer); FLAGs go to savefuzz fuzz.
# With $TARGET_CMD set, the target is that program (--target-cmd), else the in-process reference.
set -eu
savefuzz=$1 fuzzers=$2 corpus=$3 mutant=$4 time=$5 seeds=${6:-none}
shift 5; [ $# -gt 0 ] && shift
if [ ! -x "$fuzzers/save_path_fuzzer" ]; then
  echo "skipped: no $fuzzers/save_path_fuzzer (cmake --preset fuzz && cmake --build --preset fuzz)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Every data directory of this test, the fuzzer processes' included, goes here, where it is counted.
export SAVEFUZZ_DATA_ROOT="$work/data"
mkdir "$SAVEFUZZ_DATA_ROOT"
target() {  # the target flags, before the command's own
  if [ -n "${TARGET_CMD:-}" ]; then "$@" --target-cmd "$TARGET_CMD" --mutant "$mutant"; else "$@" --target records --mutant "$mutant"; fi
}
if [ "$seeds" = withheld ]; then
  mkdir -p "$work/corpus/seeds/save_path_fuzzer"
  cp -r "$corpus/dict" "$work/corpus/dict"
  for f in "$corpus"/seeds/save_path_fuzzer/*.bin; do
    SAVEFUZZ_MUTANT=$mutant SAVEFUZZ_TARGET_CMD=${TARGET_CMD:-} "$fuzzers/save_path_fuzzer" "$f" > /dev/null 2>&1 && cp "$f" "$work/corpus/seeds/save_path_fuzzer/"
  done
  echo "seeds kept: $(ls "$work/corpus/seeds/save_path_fuzzer" | wc -l) of $(ls "$corpus"/seeds/save_path_fuzzer/*.bin | wc -l)"
  set -- --corpus-root "$work/corpus" "$@"
else
  set -- --corpus-root "$corpus" --no-seeds "$@"
fi
status=0
target "$savefuzz" fuzz --fuzzer save_path_fuzzer --fuzzer-dir "$fuzzers" --time "$time" \
  --work-dir "$work/fuzz" --findings "$work/findings" --libfuzzer-flag=-seed=1 "$@" || status=$?
if [ "$status" -ne 1 ]; then
  echo "expected exit 1 (a finding), got $status"
  exit 1
fi
echo "command: $(head -1 "$work/fuzz/save_path_fuzzer.log")"
# One data directory per saved finding (its replay's); none from the crashing fuzzer processes,
# the seeds' filter above, or the runs a shrunk scenario's run replaced.
kept=$(find "$SAVEFUZZ_DATA_ROOT" -mindepth 1 -maxdepth 1 -name 'savefuzz-data-*' | wc -l)
saved=$(find "$work/findings" -maxdepth 1 -name '*.json' | wc -l)
if [ "$kept" -ne "$saved" ]; then
  echo "expected $saved kept data directories (one per finding), found $kept:"
  ls -l "$SAVEFUZZ_DATA_ROOT"
  exit 1
fi
for f in "$work"/findings/*.json; do
  echo "== replaying $f"
  target "$savefuzz" replay "$f"
done
