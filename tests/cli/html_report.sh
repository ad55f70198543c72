#!/usr/bin/env bash
# The HTML report as its reader sees it, in a real browser (Debian's chromium, headless): a
# campaign that finds share-skips-save writes a page whose timeline and expected-vs-actual diff
# are in the rendered DOM, with no console message at all (the page has no script and loads
# nothing: any message is a broken page or a blocked load), and a screenshot of it. The page
# `savefuzz report` writes from the run's --events file is the same, byte for byte. Bad event
# files get a clear error, a cut last line is named and left out.
# Usage: html_report.sh SAVEFUZZ CORPUS_DIR WORK_DIR
set -euo pipefail
sf=$1; corpus=$2; work=$3
rm -rf "$work"; mkdir -p "$work"; cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v chromium >/dev/null || fail "chromium is not installed (bash ci/setup.sh installs it)"

set +e
"$sf" run --target records --mutant share-skips-save --seed 1 --time 30s --jobs 1 --no-progress \
  --findings findings --events run.jsonl --report-html run.html > run.log 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { cat run.log; fail "the mutant's finding should exit 1, got $rc"; }
grep -q "^savefuzz: HTML report run.html (1 finding)" run.log || { cat run.log; fail "the run did not say where its report is"; }

"$sf" report run.jsonl -o from-events.html > report.log 2>&1 || { cat report.log; fail "savefuzz report failed"; }
cmp run.html from-events.html || fail "the page from the events file differs from the run's"

# The browser: the DOM it built, its console, a screenshot. As root it needs --no-sandbox, and
# a profile of its own so that runs do not share state.
browse() {  # browse PAGE OUT_PREFIX: writes OUT_PREFIX.dom, OUT_PREFIX.png, OUT_PREFIX.console
  local page=$1 out=$2
  local flags=(--headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run --user-data-dir="$work/profile"
               --enable-logging=stderr --v=0 --window-size=1280,2400)
  timeout 60 chromium "${flags[@]}" --dump-dom "file://$work/$page" > "$out.dom" 2> "$out.log" || true
  timeout 60 chromium "${flags[@]}" --screenshot="$work/$out.png" "file://$work/$page" >> "$out.log" 2>&1 || true
  grep ':CONSOLE' "$out.log" > "$out.console" || true
}

browse run.html run
[ -s run.dom ] || { cat run.log; fail "chromium rendered nothing (see run.log)"; }
[ -s run.console ] && { cat run.console; fail "the page logged to the browser console"; }
grep -q 'class="finding" id="finding-1"' run.dom || fail "no finding in the rendered page"
grep -q '<code>share-preserves-observation</code>' run.dom || fail "the finding's invariant is not in the page"
grep -q 'class="timeline"' run.dom || fail "no timeline in the rendered page"
grep -Eq 'class="request[a-z ]* diverging"' run.dom || fail "the timeline does not mark where the answer diverged"
grep -q 'first visible after this step' run.dom || fail "the timeline does not mark where the finding first shows"
grep -q '<table class="diff">' run.dom || fail "no expected-vs-actual diff in the rendered page"
grep -q '<tr class="differs">' run.dom || fail "the diff marks no differing key"
grep -q 'id="progress"' run.dom || fail "no chart of the run's progress"
grep -q 'id="never-reached"' run.dom || fail "no list of the features never reached"
grep -q 'savefuzz replay' run.dom || fail "no reproduce command"
size=$(stat -c %s run.png 2>/dev/null || echo 0)
[ "$size" -gt 50000 ] || fail "the screenshot is missing or blank ($size bytes)"

# The console check is not blind: a page that loads an image from the network and runs a script
# gets both blocked, and says so in the console.
sed 's|</body>|<img src="https://example.invalid/x.png"><script>console.error("x")</script></body>|' run.html > broken.html
browse broken.html broken
[ "$(wc -l < broken.console)" -ge 2 ] || { cat broken.log; fail "the console check missed a blocked load and a blocked script"; }

# replay writes one too.
set +e
"$sf" replay "$corpus/regressions/incident-2023-share-then-save.json" --target records --mutant share-skips-save \
  --report-html replay.html > replay.log 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || { cat replay.log; fail "replaying the incident against share-skips-save should exit 1, got $rc"; }
grep -Eq 'class="request[a-z ]* diverging"' replay.html || fail "the replay's page has no diverging step"

# Bad event files: an error naming the file when nothing in it is an event; a cut last line (a
# killed run) is named by its line and left out, the rest reported.
printf 'garbage\n{"not":"an event"}\n' > garbage.jsonl
set +e
"$sf" report garbage.jsonl -o garbage.html > garbage.log 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat garbage.log; fail "an events file with no event should exit 2, got $rc"; }
grep -q "garbage.jsonl:1: not an event line" garbage.log || { cat garbage.log; fail "the bad line is not named"; }
grep -q "holds no event line" garbage.log || { cat garbage.log; fail "no clear error for a file with no event"; }
[ ! -e garbage.html ] || fail "a report was written from no event"
head -c -40 run.jsonl > cut.jsonl
"$sf" report cut.jsonl -o cut.html > cut.log 2>&1 || { cat cut.log; fail "a cut last line should not fail the report"; }
lines=$(wc -l < run.jsonl)
grep -q "cut.jsonl:$lines: not an event line, left out" cut.log || { cat cut.log; fail "the cut line is not named"; }
grep -q 'no end line' cut.html || fail "the page of a cut stream does not say the run did not end"
grep -q 'id="finding-1"' cut.html || fail "the finding before the cut is lost"
# A report that cannot be written is said before the run, not after it.
set +e
"$sf" run --target records --cases 5 --no-progress --findings findings-bad --report-html no-such-folder/r.html > bad-path.log 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat bad-path.log; fail "a report in a missing folder should exit 2, got $rc"; }
grep -q "no folder no-such-folder" bad-path.log || { cat bad-path.log; fail "no clear error for a missing folder"; }
grep -q "^SUMMARY" bad-path.log && { cat bad-path.log; fail "the run went ahead with a report it could not write"; }
echo "html report: ok ($(grep -c . run.jsonl) event lines, page $(stat -c %s run.html) bytes, screenshot $size bytes)"
