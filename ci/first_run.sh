#!/usr/bin/env bash
# What the README's main command shows a new user, once savefuzz is built: a short campaign
# against the reference save path that finds nothing, then the same against a planted bug that
# does (share-skips-save: the 2023 incident, observations of a consultation with a shared
# document no longer saved), its minimal scenario, the HTML report, and what to do next.
#
#   bash ci/first_run.sh [--bin DIR] [--out DIR] [--time T]
#
# --bin: where savefuzz and records-server are (default build/release/bin); --out: findings and
# reports (default findings); --time: each campaign's length (default 30s).
# Exit code: 0 the reference passed and the planted bug was found; 1 the reference save path has
# a finding (a real one: see its report); 2 the planted bug was not found, or a set-up error.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=build/release/bin; out=findings; time=30s
while (($#)); do
  case $1 in
    --bin) bin=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --time) time=$2; shift 2 ;;
    *) echo "first_run.sh: unknown argument $1 (--bin DIR, --out DIR, --time T)" >&2; exit 2 ;;
  esac
done
sf=$bin/savefuzz
[ -x "$sf" ] || { echo "first_run.sh: no $sf: build it first (cmake --preset release && cmake --build --preset release)" >&2; exit 2; }
mkdir -p "$out"
started=$SECONDS

# `savefuzz run` with its output kept for the summary; its exit code in $rc.
run() {
  local log=$1; shift
  set +e
  "$sf" run --target records --seed 1 --time "$time" --no-progress "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
}
field() { grep -o "$1=[^ ]*" "$2" | head -1 | cut -d= -f2; }

echo "== 1/3  replay corpus/regressions against records-server (the reference save path as a process)"
"$sf" replay corpus/regressions --target-cmd "$bin/records-server" --report-json "$out/replay.json" --junit "$out/replay.xml" \
  | tail -1

echo
echo "== 2/3  a $time campaign against the reference save path: every answer checked against the model"
run "$out/reference.log" --findings "$out/reference" --report-html "$out/reference.html"
reference_rc=$rc
((reference_rc <= 1)) || exit 2

echo
echo "== 3/3  the same against a planted bug: records-server --mutant share-skips-save"
run "$out/share-skips-save.log" --mutant share-skips-save --findings "$out/share-skips-save" --report-html "$out/report.html"
mutant_rc=$rc
scenario=$(field scenario "$out/share-skips-save.log")
if ((mutant_rc != 1)) || [ -z "$scenario" ]; then
  echo "first_run.sh: the planted bug share-skips-save was not found in $time: savefuzz is not working here" >&2
  exit 2
fi
echo
echo "-- the minimal scenario that shows it ($scenario):"
cat "$scenario"

echo
echo "== what happened ($((SECONDS - started)) s)"
if ((reference_rc == 0)); then
  echo "  reference save path: clean pass, $(field cases "$out/reference.log") cases, $(field steps "$out/reference.log") steps, no finding"
else
  echo "  reference save path: A FINDING ($(field invariant "$out/reference.log")): $(field scenario "$out/reference.log")"
  echo "                       see $out/reference.html"
fi
echo "  share-skips-save:    1 finding, $(field invariant "$out/share-skips-save.log") ($(field breach "$out/share-skips-save.log") breach), shrunk to $(grep -c '"op"\|"control"' "$scenario") steps"
echo "  HTML report:         $out/report.html  (open it in a browser: the timeline, the expected and actual answer)"
echo
echo "Next:"
echo "  replay the finding:       $(grep -m1 '^  reproduce: ' "$out/share-skips-save.log" | sed 's/^  reproduce: //')"
echo "  every planted bug:        $bin/records-server --list-mutants"
echo "  your own save path:       docs/adapters.md, then"
echo "                            $sf run --target-cmd 'python3 targets/examples/python/records_target.py' --time 2m"
echo "  an incident as a test:    docs/scenarios.md, then $sf check my-incident.json"
echo "  longer campaigns:         bash ci/campaign.sh --time 10m --seed 7"
exit "$reference_rc"
