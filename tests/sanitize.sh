#!/bin/sh
# Builds a copy of the tree with a sanitizer and runs the unit tests and
# the demo in batch mode under it: ASan+UBSan, then TSan (the pollers and
# the fleet under threads). A copy keeps the main build untouched.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/cv-sanitize.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

copy_tree() {
	(cd "$top" && git ls-files -co --exclude-standard -z 2>/dev/null | xargs -0 tar cf - 2>/dev/null \
	    || tar cf - --exclude='*.o' --exclude='*.d' --exclude='*.a' .) \
	    | (mkdir -p "$1" && cd "$1" && tar xf -)
}

run_one() {	# name cflags env...
	name=$1 flags=$2
	shift 2
	dir="$work/$name"
	copy_tree "$dir"
	start=$(date +%s)
	if ! make -C "$dir" -s -j2 all unit-bins CC=gcc \
	    CFLAGS="-O1 -g -fno-omit-frame-pointer $flags" \
	    LDFLAGS="$flags" >"$work/$name.log" 2>&1; then
		tail -20 "$work/$name.log"
		echo "sanitize: $name: build FAILED"
		return 1
	fi
	(cd "$dir" && env "$@" sh tests/run_unit.sh $(cd "$dir" && ls tests/unit/test_* | grep -v '\.[cd]$')) \
	    >"$work/$name.unit" 2>&1 || {
		cat "$work/$name.unit"
		echo "sanitize: $name: unit tests FAILED"
		return 1
	}
	(cd "$dir" && env "$@" XDG_STATE_HOME="$work/state" \
	    ./crossvisor --demo batch -n 3 -d 0.5 --format json \
	    >/dev/null 2>"$work/$name.batch") || {
		cat "$work/$name.batch"
		echo "sanitize: $name: batch --demo FAILED"
		return 1
	}
	if [ -s "$work/$name.batch" ]; then
		cat "$work/$name.batch"
		echo "sanitize: $name: batch --demo reported errors"
		return 1
	fi
	echo "sanitize: $name: clean ($(tail -1 "$work/$name.unit"); batch --demo -n 3) in $(( $(date +%s) - start )) s"
}

status=0
run_one asan "-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    || status=1
run_one tsan "-fsanitize=thread" \
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$top/tests/tsan.supp" \
    || status=1
exit $status
