#!/usr/bin/env bash
# Console tests in tmux (as tmux's regress/): runs every tests/tui/t_*.sh,
# each in its own tmux server (or those named: run.sh t_demo), and prints
# "tui: N passed, M failed".
# Exit 0 when all pass, 1 when one fails, 77 (skip) when tmux is missing
# outside CI; under CI=true a missing tmux is a failure.
set -u
cd "$(dirname "$0")/../.." || exit 1

if ! command -v tmux >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then
		echo "tui: tmux is not installed (CI=true: failing)"
		echo "tui: 0 passed, 1 failed"
		exit 1
	fi
	echo "tui: skipped: tmux is not installed"
	exit 77
fi
if [ ! -x ./crossvisor ]; then
	echo "tui: ./crossvisor is not built (run make)"
	echo "tui: 0 passed, 1 failed"
	exit 1
fi

pass=0
fail=0
# Arguments name the tests to run (t_demo ...); none: all of them.
if [ $# -gt 0 ]; then
	set -- $(printf 'tests/tui/%s.sh ' "$@")
else
	set -- tests/tui/t_*.sh
fi
for t in "$@"; do
	[ -e "$t" ] || { echo "tui: no test $t"; fail=$((fail + 1)); continue; }
	name=$(basename "$t" .sh)
	if bash -c '. tests/tui/lib.sh; tui_setup "$1"; trap tui_cleanup EXIT;
	    . "$2"' _ "$name" "$t"; then
		echo "PASS: $name"
		pass=$((pass + 1))
	else
		echo "FAIL: $name"
		fail=$((fail + 1))
	fi
done
echo "tui: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
