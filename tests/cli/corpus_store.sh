#!/usr/bin/env bash
# The corpus store's upkeep: `run --corpus-out` grows corpus/property/, `corpus prune` keeps the
# cases that add a model feature (and is idempotent, and a dry run removes nothing), the
# regressions are never changed; `corpus merge` minimizes a fuzzer's coverage corpus (skipped
# without the coverage-only build). Usage: corpus_store.sh SAVEFUZZ CORPUS WORK_DIR [FUZZER_DIR]
set -euo pipefail
sf=$1; corpus=$2; work=$3; fuzzers=${4:-}
rm -rf "$work"; mkdir -p "$work/store"; cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
cp -r "$corpus/regressions" "$corpus/seeds" "$corpus/dict" store/
sum_regressions() { find store/regressions -type f -exec md5sum {} + | sort; }
before=$(sum_regressions)

"$sf" run --target records --cases 400 --seed 1 --jobs 1 --no-progress --findings f --corpus-out store/property > grow.log
grown=$(ls store/property | wc -l)
[ "$grown" -gt 5 ] || fail "run --corpus-out saved $grown cases"
grep -q "corpus: $grown case(s)" grow.log || fail "the summary does not count the saved cases"

"$sf" corpus --corpus-root store prune --dry-run > dry.log
[ "$(ls store/property | wc -l)" = "$grown" ] || fail "a dry run removed files"
"$sf" corpus --corpus-root store prune > prune1.log
kept=$(ls store/property | wc -l)
grep -q "PRUNE: scenarios=$grown kept=$kept removed=$((grown - kept))" prune1.log || fail "$(cat prune1.log)"
[ "$kept" -lt "$grown" ] && [ "$kept" -gt 0 ] || fail "prune kept $kept of $grown"
"$sf" corpus --corpus-root store prune > prune2.log
grep -q "PRUNE: scenarios=$kept kept=$kept removed=0" prune2.log || fail "a second prune removed more: $(cat prune2.log)"
[ "$before" = "$(sum_regressions)" ] || fail "the regressions changed"
set +e; "$sf" corpus --corpus-root store prune store/regressions > refuse.log 2>&1; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "never changes it" refuse.log || fail "prune of the regressions was not refused"

if [ -n "$fuzzers" ] && [ -x "$fuzzers/save_path_fuzzer" ]; then
  "$sf" fuzz --coverage-only --fuzzer-dir "$fuzzers" --fuzzer save_path_fuzzer --time 10s --corpus-root store \
    --work-dir fuzz --findings fuzz-findings --libfuzzer-flag=-seed=1 > fuzz.log
  inputs=$(ls fuzz/corpus/save_path_fuzzer | wc -l)
  "$sf" corpus --corpus-root store merge --fuzzer save_path_fuzzer --from fuzz/corpus/save_path_fuzzer --fuzzer-dir "$fuzzers" > merge1.log
  merged=$(ls store/coverage/save_path_fuzzer | wc -l)
  [ "$merged" -gt 0 ] && [ "$merged" -le "$inputs" ] || fail "merge kept $merged of $inputs"
  "$sf" corpus --corpus-root store merge --fuzzer save_path_fuzzer --fuzzer-dir "$fuzzers" > merge2.log
  again=$(ls store/coverage/save_path_fuzzer | wc -l)
  [ "$again" -le "$merged" ] && [ "$again" -gt 0 ] || fail "a second merge went from $merged to $again"
  ls -a store/coverage | grep -q '^\.save_path_fuzzer' && fail "merge left its temporary folders"
  # The next fuzz run reads the grown corpus.
  "$sf" fuzz --coverage-only --fuzzer-dir "$fuzzers" --fuzzer save_path_fuzzer --time 3s --corpus-root store \
    --work-dir fuzz2 --findings fuzz-findings > fuzz2.log
  grep -q "store/coverage/save_path_fuzzer" fuzz/../fuzz2/save_path_fuzzer.log || fail "fuzz did not read the coverage corpus"
  echo "merge: $inputs inputs -> $merged -> $again"
else
  echo "merge part skipped: no save_path_fuzzer in '$fuzzers'"
fi
echo "corpus store: ok (grown $grown, kept $kept)"
