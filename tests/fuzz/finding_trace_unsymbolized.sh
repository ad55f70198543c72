#!/usr/bin/env bash
# The coverage-only save_path_fuzzer meeting a planted bug in its seeds: the finding is reported
# and its input saved, and the stack trace of the abort that ends it is left unsymbolized
# (symbolizing it took as long as finding an easy mutant); UBSAN_OPTIONS=symbolize=1 names the
# frames again. Usage: finding_trace_unsymbolized.sh FUZZ_COV_BIN SEEDS_DIR
set -euo pipefail
fuzzer=$1/save_path_fuzzer; seeds=$2
[ -x "$fuzzer" ] || { echo "skipped: no fuzz-cov build"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; cat "$log"; exit 1; }

# Runs the seeds against ack-before-commit (some of them show it) until the first finding.
find_in_seeds() {
  log=$work/$1.log; mkdir -p "$work/$1"
  if env -u UBSAN_OPTIONS ${2:+UBSAN_OPTIONS=$2} SAVEFUZZ_MUTANT=ack-before-commit "$fuzzer" -runs=0 \
      -artifact_prefix="$work/$1/" "$seeds" > "$log" 2>&1; then
    fail "no seed showed ack-before-commit"
  fi
  grep -q '^savefuzz: FINDING invariant=' "$log" || fail "the finding was not reported"
  ls "$work/$1"/crash-* > /dev/null 2>&1 || fail "the crash input was not saved"
}

find_in_seeds default
grep -Eq '#[0-9]+ 0x[0-9a-f]+ +\(.*save_path_fuzzer\+0x[0-9a-f]+\)' "$log" || fail "no module+offset frame"
if grep -q ' in savefuzz::fuzz::check_or_abort' "$log"; then fail "the trace was symbolized"; fi

if command -v llvm-symbolizer > /dev/null || compgen -c llvm-symbolizer- > /dev/null; then
  find_in_seeds symbolized symbolize=1
  grep -q ' in savefuzz::fuzz::check_or_abort' "$log" || fail "symbolize=1 did not name the frames"
else
  echo "no llvm-symbolizer on PATH: symbolize=1 not checked"
fi
echo "PASS: finding reported and saved, trace unsymbolized unless asked"
