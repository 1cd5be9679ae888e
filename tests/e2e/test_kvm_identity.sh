#!/bin/bash
# tests/e2e/test_kvm_identity.sh -- one long `crossvisor batch` while guests
# change identity under it, on the daemon's shared test driver over
# test+ssh: a guest undefined and defined again under its old name with a
# new UUID is listed with the new UUID, and a renamed guest keeps its UUID
# under the new name. Between full checks the KVM backend knows domains by
# name (slow_refresh is long here), so libvirt's define/undefine events
# must be what makes it look again.
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

# last_id NAME -- the id of guest NAME in the last complete line, or "-".
last_id() {
    tail -n 2 "$OUT" | head -n 1 | e2e_python -c '
import json, sys
try:
    d = json.loads(sys.stdin.read())
except ValueError:
    print("?"); sys.exit(0)
ids = [g["id"] for g in d["guests"] if g["name"] == sys.argv[1]]
print(ids[0] if len(ids) == 1 else "-" if not ids else "twice")' "$1"
}

# expect NAME ID WHAT -- batch lists guest NAME with ID within 60 s (the
# full check, slow_refresh, is 600 s away).
expect() {
    local t0 seen
    t0=$(e2e_now_ms)
    if e2e_wait_for "[ \"\$(last_id $1)\" = $2 ]" 60 0.2; then
        e2e_pass "$3: $1 listed as $2 after $(( $(e2e_now_ms) - t0 )) ms"
    else
        seen=$(last_id "$1")
        e2e_fail "$3: expected $1 as $2, saw '$seen' (stderr: $(head -c 300 "$E2E_DIR/batch.stderr"))"
    fi
}

# The default test driver lives while a connection holds it: define only
# once batch is connected (it lists the driver's own guest, "test").
e2e_wait_for "[ \"\$(last_id test)\" != - ]" 60 0.2 ||
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

kill "$BATCH" 2>/dev/null || true
wait "$BATCH" 2>/dev/null || true
e2e_finish
