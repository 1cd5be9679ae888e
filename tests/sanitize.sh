#!/bin/sh
# Builds a copy of the tree with a sanitizer and runs the unit tests and
# the demo in batch mode under it: ASan+UBSan, then TSan (the pollers and
# the fleet under threads). A copy keeps the main build untouched. Then,
# with the ASan+UBSan build (crossvisor and the simulator), the end-to-end
# tests of hostile hosts and input (SANITIZE_E2E, default below; "" for
# none), and with the TSan build those of real libvirt and of a hung call
# (SANITIZE_E2E_TSAN), every report of every process going to a file that
# must not appear; and valgrind memcheck on `--demo batch -n 2` of the main
# build.
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

# run_e2e NAME TESTS -- those e2e tests on the NAME build's binaries, the
# sanitizer's reports going to files under $work/NAME-e2e.
run_e2e() {
	name=$1 tests=$2 dir="$work/$1" logs="$work/$1-e2e"
	[ -n "$tests" ] || return 0
	mkdir -p "$logs"
	start=$(date +%s)
	# A small quarantine: test_output_bounds measures memory.
	# shellcheck disable=SC2086
	if ! CROSSVISOR="$dir/crossvisor" HVSIM="$dir/tests/sim/hvsim" \
	    ASAN_OPTIONS="detect_leaks=1:quarantine_size_mb=8:log_path=$logs/asan" \
	    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:log_path=$logs/ubsan" \
	    TSAN_OPTIONS="suppressions=$top/tests/tsan.supp log_path=$logs/tsan" \
	    bash "$top/tests/e2e/run.sh" $tests >"$work/$name.e2e" 2>&1; then
		cat "$work/$name.e2e"
		[ -z "$(ls "$logs")" ] || head -n 60 "$logs"/*
		echo "sanitize: $name: e2e FAILED"
		return 1
	fi
	if [ -n "$(ls "$logs")" ]; then
		head -n 40 "$logs"/*
		echo "sanitize: $name: e2e: sanitizer reports in $(ls "$logs" | wc -l) processes"
		return 1
	fi
	echo "sanitize: $name: e2e clean ($(tail -n 1 "$work/$name.e2e"): $tests) in $(( $(date +%s) - start )) s"
}

# valgrind memcheck on the demo's batch run of the main build.
run_valgrind() {
	if ! command -v valgrind >/dev/null 2>&1; then
		[ "${CI:-}" = true ] && { echo "sanitize: valgrind missing"; return 1; }
		echo "sanitize: valgrind missing, memcheck skipped"
		return 0
	fi
	[ -x "$top/crossvisor" ] || make -C "$top" -s -j2 crossvisor >/dev/null
	start=$(date +%s)
	if ! (cd "$top" && valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite --track-fds=no \
	    ./crossvisor --demo batch -n 2 -d 0.5 --format json) \
	    >/dev/null 2>"$work/valgrind.log"; then
		tail -40 "$work/valgrind.log"
		echo "sanitize: valgrind: --demo batch -n 2 FAILED"
		return 1
	fi
	echo "sanitize: valgrind: --demo batch -n 2 clean in $(( $(date +%s) - start )) s"
}

status=0
run_one asan "-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
    && run_e2e asan "${SANITIZE_E2E-test_hyperv_batch test_injection test_output_bounds test_secrets}" \
    || status=1
run_one tsan "-fsanitize=thread" \
    TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$top/tests/tsan.supp" \
    && run_e2e tsan "${SANITIZE_E2E_TSAN-test_kvm_batch test_fault_action_hang}" \
    || status=1
run_valgrind || status=1
exit $status
