#!/bin/bash
# tests/e2e/run.sh [TEST...] -- run the end-to-end tests one after another
# (each starts its own private libvirtd and sshd; two cores do not take two
# at once) and print one line per test: name, result, seconds; then
#   e2e: N passed, M failed, K skipped
# and exit 1 if any failed. TEST names a tests/e2e/test_*.sh (with or
# without the directory and .sh); default: all of them.
# The output of a failed test is shown; every log is kept while any test
# fails (path printed). E2E_VERBOSE=1 streams every test's output.
set -u

dir=$(cd "$(dirname "$0")" && pwd)
logs=$(mktemp -d "${TMPDIR:-/tmp}/cv-e2e-logs.XXXXXX")
pass=0 fail=0 skip=0

# A Ctrl-C reaches the running test too (same process group); it tears its
# testbed down, then we stop instead of starting the next one.
trap 'echo "e2e: interrupted" >&2; exit 130' INT TERM

tests=()
if [ $# -eq 0 ]; then
    tests=("$dir"/test_*.sh)
else
    for t in "$@"; do
        t=$(basename "$t" .sh)
        tests+=("$dir/$t.sh")
    done
fi

for t in "${tests[@]}"; do
    name=$(basename "$t" .sh)
    log=$logs/$name.log
    start=$(date +%s)
    rc=0
    if [ ! -f "$t" ]; then
        echo "no such test: $t" >"$log"
        rc=1
    elif [ -n "${E2E_VERBOSE:-}" ]; then
        bash "$t" 2>&1 | tee "$log"
        rc=${PIPESTATUS[0]}
    else
        bash "$t" >"$log" 2>&1 || rc=$?
    fi
    secs=$(( $(date +%s) - start ))
    case $rc in
        0)  result=PASS; pass=$((pass + 1)) ;;
        77) result=SKIP; skip=$((skip + 1)) ;;
        *)  result=FAIL; fail=$((fail + 1)) ;;
    esac
    printf '%-28s %s %5ss\n' "$name" "$result" "$secs"
    case $result in
        SKIP) grep -m1 '^SKIP:' "$log" | sed 's/^/    /' ;;
        FAIL) [ -n "${E2E_VERBOSE:-}" ] || sed 's/^/    | /' "$log" ;;
    esac
done

echo "e2e: $pass passed, $fail failed, $skip skipped"
if [ "$fail" -gt 0 ]; then
    echo "e2e: logs kept in $logs"
    exit 1
fi
rm -rf "$logs"
exit 0
