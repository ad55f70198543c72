#!/usr/bin/env bash
# The pre-merge check of a pull request, under 10 minutes on 2 cores: set up, build, the unit and
# regression tests, the regression corpus against records-server, a bounded property campaign
# against it, and a short run of each fuzzer from the saved corpus. Any failing test or finding
# fails it, and the log ends with each finding's scenario file and the command that replays it.
#
#   bash ci/premerge.sh                          # from the repository's root or anywhere in it
#   bash ci/premerge.sh --baseline main.sarif    # fail only on findings the baseline does not know
#
# Options: --baseline FILE (a SARIF log or findings folder: known findings do not fail), --out DIR
# (default ci-out/premerge), --seed N (default 1: the same cases on every run, so a pull request
# fails because of its change, never because of the draw), --campaign-time T (default 90s),
# --fuzz-time T (default 60s, shared by the three fuzzers), --skip-build.
# Environment: CMAKE_ARGS, extra -D options for both builds (CI shows it fails on a planted bug
# with CMAKE_ARGS=-DSAVEFUZZ_DEFAULT_MUTANT=share-skips-save).
#
# OUT gets junit.xml (one test case per stage, for the CI's test view), ctest.xml,
# regressions.xml, a SARIF log per engine (upload them to code scanning), campaign.jsonl (the
# event stream), findings/ (scenario files), summary.md (also appended to $GITHUB_STEP_SUMMARY).
# Exit code: 0 all passed, 1 a test failed or something was found, 2 set-up error.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

out=ci-out/premerge; seed=1; campaign_time=90s; fuzz_time=60s; baseline=""; build=1
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --campaign-time) campaign_time=$2; shift 2 ;;
    --fuzz-time) fuzz_time=$2; shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --skip-build) build=0; shift ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "premerge: unknown option $1 (--help lists them)" >&2; exit 2 ;;
  esac
done
[ -z "$baseline" ] || [ -e "$baseline" ] || { echo "premerge: no baseline $baseline" >&2; exit 2; }
rm -rf "$out"; mkdir -p "$out/findings"
bin=build/premerge/bin
baseline_args=(); [ -z "$baseline" ] || baseline_args=(--baseline "$baseline")
# A mutant left on by default in a cached build directory must not outlive the run that asked for it.
read -r -a cmake_args <<< "-DSAVEFUZZ_DEFAULT_MUTANT= ${CMAKE_ARGS:-}"

stages=()    # name|status|seconds|message
failed=0
stage() {    # stage NAME COMMAND...: runs it with its output in the log and OUT/NAME.log
  local name=$1; shift
  echo "== premerge: $name"
  local t0=$SECONDS rc
  "$@" 2>&1 | tee "$out/$name.log"
  rc=${PIPESTATUS[0]}
  local status=passed
  if [ "$rc" -ne 0 ]; then status=failed; failed=1; fi
  stages+=("$name|$status|$((SECONDS - t0))|exit code $rc; log $out/$name.log")
  echo "== premerge: $name $status in $((SECONDS - t0)) s"
  return "$rc"
}

build_all() {
  bash ci/setup.sh || return 2
  cmake --preset premerge "${cmake_args[@]}" > /dev/null || return 2
  cmake --build --preset premerge || return 2
  # The coverage-only fuzzers (clang, no sanitizers): the fastest, for a short run.
  cmake --preset fuzz-cov "${cmake_args[@]}" > /dev/null || return 2
  cmake --build --preset fuzz-cov --target save_path_fuzzer protocol_fuzzer scenario_fuzzer || return 2
}

if ((build)); then
  if ! stage build build_all; then
    echo "premerge: the build failed; nothing else runs" >&2
  fi
fi

if [ "$failed" = 0 ]; then
  # The quick tests and the corpus; the fuzz-smoke, example and benchmark suites are nightly's.
  stage tests ctest --preset premerge -L 'unit|regression' --output-junit "$root/$out/ctest.xml"
  stage regressions "$bin/savefuzz" replay corpus/regressions --target-cmd "$bin/records-server" \
    --junit "$out/regressions.xml" --sarif "$out/regressions.sarif" "${baseline_args[@]}"
  stage campaign "$bin/savefuzz" run --target-cmd "$bin/records-server" --time "$campaign_time" --seed "$seed" \
    --no-progress --findings "$out/findings" --sarif "$out/campaign.sarif" --events "$out/campaign.jsonl" \
    "${baseline_args[@]}"
  stage fuzz "$bin/savefuzz" fuzz --coverage-only --time "$fuzz_time" --corpus-root corpus \
    --work-dir "$out/fuzz" --findings "$out/findings" --sarif "$out/fuzz.sarif" "${baseline_args[@]}" \
    --libfuzzer-flag=-seed="$seed"
fi

# The stages as JUnit, and the summary: every finding with its scenario file and replay command.
printf '%s\n' "${stages[@]}" > "$out/stages.txt"
/usr/bin/python3 - "$out" <<'PY'
import glob, json, os, sys
from xml.sax.saxutils import escape, quoteattr
out = sys.argv[1]
stages = [l.split("|", 3) for l in open(os.path.join(out, "stages.txt")).read().splitlines() if l]
findings = []
for path in sorted(glob.glob(os.path.join(out, "*.sarif"))):
    for run in json.load(open(path))["runs"]:
        for r in run["results"]:
            if r.get("baselineState") == "unchanged":
                continue
            loc = r["locations"][0]["physicalLocation"]
            line = loc.get("region", {}).get("startLine")
            findings.append({"engine": os.path.basename(path)[:-6], "rule": r["ruleId"],
                             "file": loc["artifactLocation"]["uri"] + (f":{line}" if line else ""),
                             "reproduce": r["properties"].get("reproduce", ""), "message": r["message"]["text"]})
cases = []
for name, status, seconds, message in stages:
    mine = [f for f in findings if f["engine"] == name]
    body = "".join(f"{f['rule']}: {f['file']}\n  reproduce: {f['reproduce']}\n" for f in mine)
    failure = f'<failure message={quoteattr(message)}>{escape(body)}</failure>' if status == "failed" else ""
    cases.append(f'    <testcase classname="savefuzz.premerge" name="{name}" time="{seconds}">{failure}</testcase>')
nfail = sum(s[1] == "failed" for s in stages)
with open(os.path.join(out, "junit.xml"), "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<testsuites name="savefuzz premerge" tests="{len(stages)}" failures="{nfail}">\n'
            f'  <testsuite name="savefuzz premerge" tests="{len(stages)}" failures="{nfail}">\n'
            + "\n".join(cases) + "\n  </testsuite>\n</testsuites>\n")
lines = ["## savefuzz pre-merge", "", "| stage | result | seconds |", "| --- | --- | --- |"]
lines += [f"| {n} | {s} | {t} |" for n, s, t, _ in stages]
if findings:
    lines += ["", f"### {len(findings)} new finding(s)", ""]
    lines += [f"- `{f['rule']}` in `{f['file']}` ({f['engine']}): replay with `{f['reproduce']}`" for f in findings]
text = "\n".join(lines) + "\n"
open(os.path.join(out, "summary.md"), "w").write(text)
if os.environ.get("GITHUB_STEP_SUMMARY"):
    open(os.environ["GITHUB_STEP_SUMMARY"], "a").write(text)
print(text)
for f in findings:
    print(f"premerge: FINDING {f['rule']} scenario={f['file']}\n  reproduce: {f['reproduce']}")
PY

if [ "$failed" != 0 ]; then
  echo "premerge: FAILED (junit: $out/junit.xml, summary: $out/summary.md)"
  exit 1
fi
echo "premerge: passed (junit: $out/junit.xml, summary: $out/summary.md)"
