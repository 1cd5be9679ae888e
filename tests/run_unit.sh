#!/bin/sh
# Runs every unit test binary given, from the repository root, and prints
# one line each and the totals.
pass=0 fail=0
for t in "$@"; do
	if out=$("./$t" 2>&1); then
		n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
		echo "unit: $t: ${n:-?} passed"
		pass=$((pass + ${n:-0}))
	else
		printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Assert' | head -20
		echo "unit: $t: FAILED"
		fail=$((fail + 1))
	fi
done
echo "unit: $pass tests passed in $# binaries, $fail binaries failed"
[ "$fail" -eq 0 ]
