#!/usr/bin/env bash
# The nightly job: long campaigns on every core, then corpus upkeep and a coverage report.
#
#   bash ci/nightly.sh --time 2h
#   bash ci/nightly.sh --time 5m --out ci-out/nightly --corpus corpus
#
# 1. The property engine against the reference target on a seed that changes every night (the
#    date; --seed fixes it), with every core, going on after findings; the cases that reach a new
#    model feature go to CORPUS/property/. Half of --time.
# 2. The coverage-only fuzzers in libFuzzer's fork mode on every core, from the seeds and the
#    coverage corpus, going on after findings. The other half.
# 3. Every finding of both is decoded, shrunk and saved as a scenario file in OUT/findings/ (with
#    SARIF logs, the event stream and summary.md); fuzzers' crash inputs are kept in
#    CORPUS/crashes/<fuzzer>/.
# 4. Corpus upkeep: `savefuzz corpus merge` takes each fuzzer's grown corpus into
#    CORPUS/coverage/<fuzzer>/, `savefuzz corpus prune` keeps the property cases that add a
#    feature. CORPUS/regressions/ is never changed. Commit or cache CORPUS afterwards.
# 5. Coverage of targets/records (clang source-based, llvm-cov): from the regressions alone and
#    from the whole corpus after the run, as line and branch summaries and an HTML report
#    (OUT/coverage/html/index.html).
#
# Options: --time T (required; s, m or h), --out DIR (default ci-out/nightly), --corpus DIR
# (default corpus), --seed N, --jobs N (default: every core), --baseline FILE (known findings
# do not fail), --skip-build. Exit code: 0 nothing new found, 1 a new finding, 2 set-up error.
set -uo pipefail
cd "$(dirname "$0")/.."

time_arg=""; out=ci-out/nightly; corpus=corpus; seed=$(date -u +%Y%m%d); jobs=$(nproc); baseline=""; build=1
while (($#)); do
  case $1 in
    --time) time_arg=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --skip-build) build=0; shift ;;
    -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "nightly: unknown option $1 (--help lists them)" >&2; exit 2 ;;
  esac
done
case $time_arg in
  *h) total=$(( ${time_arg%h} * 3600 )) ;;
  *m) total=$(( ${time_arg%m} * 60 )) ;;
  *s) total=${time_arg%s} ;;
  *) echo "nightly: --time T is required (e.g. 5m, 2h)" >&2; exit 2 ;;
esac
[ "$total" -ge 20 ] || { echo "nightly: --time must be at least 20s" >&2; exit 2; }
[ -d "$corpus/regressions" ] || { echo "nightly: $corpus/regressions does not exist" >&2; exit 2; }
half=$(( total / 2 ))
rm -rf "$out"; mkdir -p "$out/findings" "$out/coverage"
baseline_args=(); [ -z "$baseline" ] || baseline_args=(--baseline "$baseline")
fuzzers=(save_path_fuzzer protocol_fuzzer scenario_fuzzer)
log() { echo "== nightly: $*"; }
die() { echo "nightly: $*" >&2; exit 2; }

if ((build)); then
  log "build (release, coverage-only fuzzers, coverage)"
  bash ci/setup.sh || die "set-up failed"
  for preset in release fuzz-cov coverage; do
    cmake --preset $preset > /dev/null || die "cmake --preset $preset failed"
  done
  cmake --build --preset release --target savefuzz records-server || die "release build failed"
  cmake --build --preset fuzz-cov --target "${fuzzers[@]}" || die "fuzz-cov build failed"
  cmake --build --preset coverage --target savefuzz records-server || die "coverage build failed"
fi
sf=build/release/bin/savefuzz
found=0

log "property campaign: ${half}s, seed $seed, $jobs job(s)"
"$sf" run --target records --time "${half}s" --seed "$seed" --jobs "$jobs" --keep-going --no-progress \
  --findings "$out/findings" --corpus-out "$corpus/property" --sarif "$out/campaign.sarif" \
  --events "$out/campaign.jsonl" "${baseline_args[@]}" 2>&1 | tee "$out/campaign.log"
rc=${PIPESTATUS[0]}; [ "$rc" -le 1 ] || die "the campaign failed to run (exit $rc; $out/campaign.log)"; [ "$rc" = 0 ] || found=1

log "fuzzing: ${half}s over ${#fuzzers[@]} fuzzers, $jobs job(s) each"
"$sf" fuzz --coverage-only --fuzzer-dir build/fuzz-cov/bin --time "${half}s" --jobs "$jobs" --keep-going \
  --corpus-root "$corpus" --work-dir "$out/fuzz" --findings "$out/findings" --sarif "$out/fuzz.sarif" \
  --events "$out/fuzz.jsonl" "${baseline_args[@]}" 2>&1 | tee "$out/fuzz.log"
rc=${PIPESTATUS[0]}; [ "$rc" -le 1 ] || die "fuzzing failed to run (exit $rc; $out/fuzz.log)"; [ "$rc" = 0 ] || found=1

log "corpus upkeep"
for f in "${fuzzers[@]}"; do
  mkdir -p "$corpus/crashes/$f"
  cp -n "$out/fuzz/artifacts/$f/"* "$corpus/crashes/$f/" 2>/dev/null || true
  [ -d "$out/fuzz/corpus/$f" ] || continue
  "$sf" corpus --corpus-root "$corpus" merge --fuzzer "$f" --from "$out/fuzz/corpus/$f" \
    --fuzzer-dir build/fuzz-cov/bin | tee -a "$out/corpus.log" || die "corpus merge of $f failed"
done
"$sf" corpus --corpus-root "$corpus" prune 2>&1 | tee -a "$out/corpus.log"
[ "${PIPESTATUS[0]}" -le 1 ] || die "corpus prune failed"

log "coverage of targets/records"
cov=build/coverage/bin
scenarios="$out/coverage/scenarios"; mkdir -p "$scenarios"
# The fuzzer's coverage corpus, as scenario files (inputs that decode to nothing are skipped).
if [ -d "$corpus/coverage/save_path_fuzzer" ]; then
  for input in "$corpus/coverage/save_path_fuzzer"/*; do
    [ -f "$input" ] && "$cov/savefuzz" decode "$input" -o "$scenarios/$(basename "$input").json" > /dev/null 2>&1 || true
  done
fi
profile() {  # profile NAME PATH...: replays PATHs in-process under coverage, merges the profile
  local name=$1; shift
  rm -rf "$out/coverage/raw-$name"; mkdir -p "$out/coverage/raw-$name"
  LLVM_PROFILE_FILE="$out/coverage/raw-$name/%p-%m.profraw" "$cov/savefuzz" replay "$@" --target records \
    --reproduce 0 --no-localize > "$out/coverage/replay-$name.log" 2>&1 || true
  llvm-profdata-14 merge -sparse "$out/coverage/raw-$name"/*.profraw -o "$out/coverage/$name.profdata" \
    || die "llvm-profdata merge failed for $name"
}
sources=(targets/records/*.cpp)
summary() {  # summary NAME: the TOTAL line of llvm-cov report over targets/records
  llvm-cov-14 report "$cov/savefuzz" -instr-profile="$out/coverage/$1.profdata" "${sources[@]}" \
    > "$out/coverage/$1.txt" || die "llvm-cov report failed"
  awk '/^TOTAL/ {printf "lines %s of %s covered (%s), branches %s of %s covered (%s)\n", $8-$9, $8, $10, $11-$12, $11, $13}' \
    "$out/coverage/$1.txt"
}
profile regressions "$corpus/regressions"
extra=("$corpus/regressions")
[ -d "$corpus/property" ] && extra+=("$corpus/property")
compgen -G "$scenarios/*.json" > /dev/null && extra+=("$scenarios")
profile corpus "${extra[@]}"
llvm-cov-14 show "$cov/savefuzz" -instr-profile="$out/coverage/corpus.profdata" -format=html \
  -output-dir="$out/coverage/html" -show-branches=count "${sources[@]}" || die "llvm-cov show failed"
cov_regressions=$(summary regressions); cov_corpus=$(summary corpus)

{
  echo "## savefuzz nightly ($time_arg, seed $seed, $jobs job(s))"
  echo
  grep '^SUMMARY:' "$out/campaign.log" | tail -1 | sed 's/^/- property: /'
  grep '^SUMMARY: fuzzer=' "$out/fuzz.log" | sed 's/^/- fuzz: /'
  grep -E '^(MERGE|PRUNE):' "$out/corpus.log" | sed 's/^/- corpus: /'
  echo "- coverage of targets/records, regressions alone: $cov_regressions"
  echo "- coverage of targets/records, whole corpus after the run: $cov_corpus"
  echo "- HTML coverage report: $out/coverage/html/index.html"
  echo
  n=$(find "$out/findings" -maxdepth 1 -name '*.json' | wc -l)
  echo "findings: $n scenario file(s) in $out/findings"
  for f in "$out/findings"/*.json; do [ -f "$f" ] && echo "- $f"; done
} > "$out/summary.md"
[ -z "${GITHUB_STEP_SUMMARY:-}" ] || cat "$out/summary.md" >> "$GITHUB_STEP_SUMMARY"
cat "$out/summary.md"
[ "$found" = 0 ] || { echo "nightly: new findings (see $out/summary.md)"; exit 1; }
echo "nightly: nothing new found"
