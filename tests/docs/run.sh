#!/bin/bash
# tests/docs/run.sh -- the "installed like a real tool" checks, one line per
# test: the man pages against the code and their rendering (test_man), make
# install/uninstall and the installed demo (test_install), bash completion
# (test_completion). Run by `make check` and `make check-docs`.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
pass=0 fail=0 skip=0
for t in "$dir"/test_*.sh; do
    name=$(basename "$t" .sh)
    start=$(date +%s)
    out=$(bash "$t" 2>&1)
    rc=$?
    secs=$(( $(date +%s) - start ))
    case $rc in
        0) result=PASS; pass=$((pass + 1)) ;;
        77) result=SKIP; skip=$((skip + 1)) ;;
        *) result=FAIL; fail=$((fail + 1)) ;;
    esac
    printf '%-28s %s %5ss\n' "$name" "$result" "$secs"
    case $result in
        FAIL) printf '%s\n' "$out" | grep -v '^ok: ' | sed 's/^/    | /' ;;
        SKIP) printf '%s\n' "$out" | grep -m1 '^SKIP' | sed 's/^/    /' ;;
    esac
done
echo "docs: $pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
