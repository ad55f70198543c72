#!/usr/bin/env bash
# A first run teaches: `savefuzz` alone exits 0 with the first steps, and every command's --help
# (the list is read from savefuzz's own help, so a new command is covered) ends with examples.
# Usage: help_examples.sh SAVEFUZZ
set -euo pipefail
sf=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
out=$("$sf") || fail "savefuzz with no arguments should exit 0"
grep -q "First steps" <<<"$out" || fail "savefuzz with no arguments shows no first steps"
grep -q -- "--mutant share-skips-save --report-html" <<<"$out" || fail "the first steps do not show a finding and its report"
commands=$(sed -n '/^Subcommands:/,/^$/p' <<<"$out" | awk 'NR > 1 && NF { print $1 }')
[ "$(wc -w <<<"$commands")" -ge 8 ] || fail "too few commands read from the help: $commands"
for c in $commands; do
  help=$("$sf" "$c" --help) || fail "savefuzz $c --help exits non-zero"
  grep -q "^Example" <<<"$help" || fail "savefuzz $c --help shows no example"
  grep -q "savefuzz $c" <<<"$help" || fail "savefuzz $c --help has no example of the command itself"
  subs=$(sed -n '/^Subcommands:/,/^$/p' <<<"$help" | awk 'NR > 1 && NF { print $1 }')
  for s in $subs; do
    "$sf" "$c" "$s" --help | grep -q "^Example" || fail "savefuzz $c $s --help shows no example"
  done
done
echo "help examples: ok ($(wc -w <<<"$commands") commands)"
