#!/bin/sh
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a
# bounded time (FUZZ_SECONDS, default 20) on its seed corpus; a crash fails
# and its input is kept under tests/fuzz/crashes/ to become a regression
# input. Prints executions per target.
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

run() {		# name seeds-dir
	name=$1 seeds=$2
	mkdir -p "$work/corpus-$name" tests/fuzz/crashes
	cp "$seeds"/* "$work/corpus-$name/" 2>/dev/null
	[ -d "tests/fuzz/regress/$name" ] &&
	    cp "tests/fuzz/regress/$name"/* "$work/corpus-$name/" 2>/dev/null
	if LSAN_OPTIONS="suppressions=$top/tests/fuzz/lsan.supp" \
	    "$work/$name" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 \
	    -artifact_prefix="tests/fuzz/crashes/$name-" "$work/corpus-$name" \
	    >"$work/$name.out" 2>&1; then
		echo "fuzz: $name: no crash in $secs s ($(grep '^Done' "$work/$name.out" | tail -1))"
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
[ $status -eq 0 ] || exit 1
run fuzz_hvps tests/fixtures/ps || status=1
run fuzz_cfg tests/fixtures/cfg || status=1
run fuzz_theme tests/fuzz/corpus/theme || status=1
exit $status
