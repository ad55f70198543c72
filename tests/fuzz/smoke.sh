#!/bin/sh
# Runs one fuzzer over its seeds for a bounded number of runs, in a scratch corpus (the seed
# folder is read, never written). Exit 77 (skipped) when the fuzz build does not exist.
# usage: smoke.sh FUZZER_BIN SEEDS_DIR DICT RUNS [ENV=VALUE...]
set -u
bin=$1 seeds=$2 dict=$3 runs=$4
shift 4
if [ ! -x "$bin" ]; then
  echo "skipped: no $bin (cmake --preset fuzz && cmake --build --preset fuzz)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts"
# libFuzzer's own exit code for a finding is 77, which ctest would read as "skipped".
set -- env "$@" "$bin" -runs="$runs" -seed=1 -timeout=60 -error_exitcode=1 -artifact_prefix="$work/artifacts/" "$work/corpus"
[ -f "$dict" ] && set -- "$@" -dict="$dict"
[ -d "$seeds" ] && set -- "$@" "$seeds"
"$@"
