#!/bin/sh
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a
# bounded time (FUZZ_SECONDS, default 20) on its seed corpus,
# tests/fuzz/corpus/<target>/: the fixtures it was started from plus every
# input that once crashed (regress-*), which are run first, one by one, so
# that a fixed crash that comes back fails at once. A new crash fails and
# its input is kept under tests/fuzz/crashes/: fix it, then move it to the
# corpus as regress-<what>. Prints executions per target.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_SECONDS:-20}
work=$(mktemp -d "${TMPDIR:-/tmp}/cv-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$top" || exit 1

if ! command -v clang >/dev/null 2>&1; then
	if [ "${CI:-}" = true ]; then echo "fuzz: clang missing"; exit 1; fi
	echo "fuzz: clang missing, skipped"; exit 77
fi
CFLAGS="-std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -I. \
-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE"

build() {	# name sources...
	name=$1; shift
	# shellcheck disable=SC2086
	clang $CFLAGS -o "$work/$name" "tests/fuzz/$name.c" "$@" \
	    $(pkg-config --cflags --libs json-c libconfig) >"$work/$name.log" 2>&1 ||
	    { cat "$work/$name.log"; echo "fuzz: $name: build FAILED"; return 1; }
}

run() {		# name
	name=$1 seeds=tests/fuzz/corpus/$1
	mkdir -p "$work/corpus-$name" tests/fuzz/crashes
	# Regression inputs alone first: a crash names its input.
	set -- "$seeds"/regress-*
	if [ -e "$1" ] && ! LSAN_OPTIONS="suppressions=$top/tests/fuzz/lsan.supp" \
	    "$work/$name" -rss_limit_mb=2048 "$@" >"$work/$name.regress" 2>&1; then
		tail -30 "$work/$name.regress"
		echo "fuzz: $name: a regression input crashes again"
		return 1
	fi
	# A copy: what the run adds must not land in the tree.
	cp "$seeds"/* "$work/corpus-$name/" 2>/dev/null
	if LSAN_OPTIONS="suppressions=$top/tests/fuzz/lsan.supp" \
	    "$work/$name" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
	    -artifact_prefix="tests/fuzz/crashes/$name-" "$work/corpus-$name" \
	    >"$work/$name.out" 2>&1; then
		echo "fuzz: $name: no crash in $secs s, $(ls "$seeds" | wc -l) seeds ($(grep '^Done' "$work/$name.out" | tail -1))"
		return 0
	fi
	tail -30 "$work/$name.out"
	echo "fuzz: $name: CRASH, input kept in tests/fuzz/crashes/"
	return 1
}

status=0
build fuzz_hvps backends/hyperv_ps.c core/err.c core/xmalloc.c core/model.c || status=1
build fuzz_cfg config/cfg.c config/cfg_table.c config/lc.c core/conf.c core/err.c \
    core/xmalloc.c core/words.c || status=1
build fuzz_theme core/theme.c core/err.c core/xmalloc.c core/words.c || status=1
build fuzz_kvmssh backends/kvm_ssherr.c backends/hostkey.c backends/kvm_uri.c \
    core/xmalloc.c core/err.c || status=1
[ $status -eq 0 ] || exit 1
run fuzz_hvps || status=1
run fuzz_cfg || status=1
run fuzz_theme || status=1
run fuzz_kvmssh || status=1
exit $status
