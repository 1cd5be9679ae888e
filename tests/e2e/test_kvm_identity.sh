#!/bin/bash
# tests/e2e/test_kvm_identity.sh -- one long `crossvisor batch` while guests
# change identity under it, on the daemon's shared test driver over
# test+ssh: a guest undefined and defined again under its old name with a
# new UUID is listed with the new UUID, and a renamed guest keeps its UUID
# under the new name. Between full checks the KVM backend knows domains by
# name (slow_refresh is long here), so libvirt's define/undefine events
# must be what makes it look again. Between those checks the backend also
# asks for the running guests alone and carries the shut-off ones over: a
# guest started, stopped, or started and saved between two polls shows its
# state, and is in every line meanwhile.
set -eu
. "$(dirname "$0")/lib.sh"

UUID1=6b1f1d7e-0000-4000-8000-00000000a001
UUID2=6b1f1d7e-0000-4000-8000-00000000a002

e2e_require_crossvisor
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

URI=$(e2e_test_uri /default)
CONF=$E2E_DIR/crossvisor.conf
e2e_conf "$CONF" 2.0 "$(e2e_kvm_host test-ids "$URI")"
sed -i 's/^refresh = 2.0;/&\nslow_refresh = 600;/' "$CONF"

# vsh ARGS... -- virsh on the same shared test driver crossvisor watches.
vsh() { e2e_net virsh -q -c "$URI" "$@"; }

# domxml NAME UUID -- a test-driver domain definition, in $E2E_DIR/NAME.xml.
domxml() {
    cat >"$E2E_DIR/$1.xml" <<EOF
<domain type='test'>
  <name>$1</name>
  <uuid>$2</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
</domain>
EOF
}

OUT=$E2E_DIR/batch.out
CV_TIMEOUT=300 cv -c "$CONF" batch -n 200 -d 2 --format json \
    >"$OUT" 2>"$E2E_DIR/batch.stderr" </dev/null &
BATCH=$!

# last_of NAME [FIELD] -- FIELD (id) of guest NAME in the last complete
# line, or "-".
last_of() {
    tail -n 2 "$OUT" | head -n 1 | e2e_python -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
except ValueError:
    print("?"); sys.exit(0)
got = [g[sys.argv[2]] for g in d["guests"] if g["name"] == sys.argv[1]]
print(got[0] if len(got) == 1 else "-" if not got else "twice")' "$1" "${2:-id}"
}

# expect NAME VALUE WHAT [FIELD] -- batch lists guest NAME with VALUE as
# its FIELD (id) within 60 s (the full check, slow_refresh, is 600 s away).
expect() {
    local t0 seen
    t0=$(e2e_now_ms)
    if e2e_wait_for "[ \"\$(last_of $1 ${4:-id})\" = $2 ]" 60 0.2; then
        e2e_pass "$3: $1 listed as $2 after $(( $(e2e_now_ms) - t0 )) ms"
    else
        seen=$(last_of "$1" "${4:-id}")
        e2e_fail "$3: expected $1 as $2, saw '$seen' (stderr: $(head -c 300 "$E2E_DIR/batch.stderr"))"
    fi
}

# The default test driver lives while a connection holds it: define only
# once batch is connected (it lists the driver's own guest, "test").
e2e_wait_for "[ \"\$(last_of test)\" != - ]" 60 0.2 ||
    e2e_fail "batch never listed the test driver's own guest"
domxml ids-a "$UUID1"
vsh define "$E2E_DIR/ids-a.xml" >/dev/null || e2e_die "virsh define failed"
expect ids-a "$UUID1" "first definition"

# Both in one virsh, between two polls (2 s apart).
domxml ids-a "$UUID2"
vsh "undefine ids-a; define $E2E_DIR/ids-a.xml" >/dev/null ||
    e2e_die "virsh undefine + define failed"
expect ids-a "$UUID2" "undefined and defined again under its name"

vsh domrename ids-a ids-b >/dev/null || e2e_die "virsh domrename failed"
expect ids-b "$UUID2" "renamed"
expect ids-a - "renamed (old name gone)"
FROM=$(wc -l <"$OUT")

expect ids-b shutoff "defined, never started" state
vsh start ids-b >/dev/null || e2e_die "virsh start failed"
expect ids-b running "started" state
vsh destroy ids-b >/dev/null || e2e_die "virsh destroy failed"
expect ids-b shutoff "stopped" state
vsh "start ids-b; managedsave ids-b" >/dev/null ||
    e2e_die "virsh start + managedsave failed"
expect ids-b saved "started and saved between two polls" state

# Every line since the rename lists ids-b once: a guest carried over, or
# one that stopped, never leaves a refresh.
missing=$(tail -n +$((FROM + 1)) "$OUT" | head -n -1 | e2e_python -c '
import json, sys
print(sum(1 for l in sys.stdin
          if [g["name"] for g in json.loads(l)["guests"]].count("ids-b") != 1))')
e2e_assert_eq "lines since the rename without ids-b once" 0 "$missing"

kill "$BATCH" 2>/dev/null || true
wait "$BATCH" 2>/dev/null || true
e2e_finish
