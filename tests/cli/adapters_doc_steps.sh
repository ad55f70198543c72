#!/usr/bin/env bash
# docs/adapters.md's step-by-step block, run as written (between its "steps: begin" and
# "steps: end" marks) in a folder that has the repository's corpus/ and targets/, with SAVEFUZZ
# naming the tested build. It must show the hand-spoken answers, all regressions passing, a
# clean campaign, and the planted bug found with its page.
# Usage: adapters_doc_steps.sh SAVEFUZZ SOURCE_DIR WORK_DIR
set -euo pipefail
sf=$1; src=$2; work=$3
fail() { echo "FAIL: $*" >&2; exit 1; }
rm -rf "$work"; mkdir -p "$work"; cd "$work"
ln -s "$src/corpus" corpus
ln -s "$src/targets" targets
sed -n '/<!-- steps: begin -->/,/<!-- steps: end -->/p' "$src/docs/adapters.md" | sed '/^<!--/d; /^```/d' > steps.sh
[ "$(grep -c SAVEFUZZ steps.sh)" -ge 4 ] || fail "no step-by-step block found in docs/adapters.md"
SAVEFUZZ=$sf bash -euo pipefail steps.sh > steps.log 2>&1 || { cat steps.log; fail "the steps failed as written"; }
grep -q '"target":"python-example"' steps.log || { cat steps.log; fail "step 2: no hello answer"; }
grep -q '^{"id":1,"ok":true}' steps.log || { cat steps.log; fail "step 2: no answer to the request"; }
grep -Eq '^SUMMARY: scenarios=([0-9]+) passed=\1 failed=0 errors=0' steps.log || { cat steps.log; fail "step 3: not every regression passed"; }
grep -Eq '^SUMMARY: cases=[0-9]+ .* findings=0' steps.log || { cat steps.log; fail "step 4: the campaign was not clean"; }
grep -q '^found it' steps.log || { cat steps.log; fail "step 5: the planted bug was not found"; }
grep -q '^savefuzz: FINDING invariant=' steps.log || { cat steps.log; fail "step 5: no finding line"; }
[ -s my-target/report.html ] || fail "step 5: no HTML report"
ls my-target/findings/*.json > /dev/null || fail "step 5: no finding scenario saved"
echo "adapters doc steps: ok"
