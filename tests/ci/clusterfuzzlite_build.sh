#!/usr/bin/env bash
# .clusterfuzzlite/build.sh as ClusterFuzzLite runs it for libFuzzer + ASan: the environment its
# base image sets ($CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $OUT $WORK $SANITIZER...), then
# each fuzzer it put in $OUT runs on its seed corpus, with its dictionary and options, and must
# not fail. Exit 77 (skipped) without clang. Usage: clusterfuzzlite_build.sh SOURCE_DIR WORK_DIR
set -euo pipefail
src=$1; work=$2
command -v clang++ > /dev/null || { echo "skipped: no clang++"; exit 77; }
export CC=clang CXX=clang++ SANITIZER=address FUZZING_ENGINE=libfuzzer ARCHITECTURE=x86_64
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS -stdlib=libc++"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export OUT=$work/out WORK=$work/work   # WORK is kept between runs: the build is incremental
rm -rf "$OUT"; mkdir -p "$OUT" "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }
(cd "$src" && bash .clusterfuzzlite/build.sh)
for f in save_path_fuzzer protocol_fuzzer scenario_fuzzer; do
  [ -x "$OUT/$f" ] || fail "no $OUT/$f"
  [ -s "$OUT/$f.dict" ] || fail "no $f.dict"
  grep -q '^\[libfuzzer\]' "$OUT/$f.options" || fail "no $f.options"
  seeds=$work/seeds-$f; rm -rf "$seeds"; mkdir -p "$seeds"
  /usr/bin/python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$OUT/${f}_seed_corpus.zip" "$seeds"
  n=$(ls "$seeds" | wc -l)
  [ "$n" -gt 0 ] || fail "$f: empty seed corpus"
  # As ClusterFuzzLite runs it: from the seed corpus, with the .options flags.
  flags=$(sed -n 's/^\([a-z_]*\) = \(.*\)$/-\1=\2/p' "$OUT/$f.options" | sed "s|-dict=|-dict=$OUT/|" | tr "\n" " ")
  (cd "$OUT" && ./"$f" $flags -runs=$((n + 300)) "$seeds" > "$work/$f.log" 2>&1) || { tail -30 "$work/$f.log"; fail "$f failed on its seeds"; }
  grep -q "Done $((n + 300)) runs\|Done [0-9]* runs" "$work/$f.log" || fail "$f did not finish: $(tail -5 "$work/$f.log")"
  echo "$f: $n seeds, $(grep -o 'Done [0-9]* runs' "$work/$f.log"), flags: $flags"
done
echo "clusterfuzzlite build: ok"
