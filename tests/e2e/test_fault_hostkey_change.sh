#!/bin/bash
# tests/e2e/test_fault_hostkey_change.sh -- host keys that change while
# crossvisor runs (a reinstalled host, or a man in the middle). kvm-t
# (libvirt's test driver over test+ssh: OpenSSH's client checks the key) and
# hv-a (the simulator behind its sshd: crossvisor's libssh checks it) are up
# in a running `batch`; then each sshd is killed and started again on the
# same port with a new host key. Both must be refused: shown down with the
# reason (hv-a's names the new and the pinned fingerprints), and no login
# may reach either sshd after the change. hv-local is not touched and stays
# up and fresh. (test_hostkey.sh covers keys wrong from the start.)
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
REFRESH=1

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
e2e_gen_nodefile "$NODE" 3
for h in hv-a hv-local; do
    printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"%s-web","State":"Running"}]}\n' \
        "$h" >"$E2E_DIR/$h.json"
done
HVPORT=$(e2e_hv_sshd hv-a --state "$E2E_DIR/hv-a.json")
e2e_conf "$CONF" "$REFRESH" \
    "$(e2e_kvm_host kvm-t "$(e2e_test_uri "$NODE")")" \
    "$(e2e_hv_host hv-a "$HVPORT")" \
    "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
printf 'connect_timeout = 5;\npoll_timeout = 4;\nbackoff_max = 2;\n' >>"$CONF"

cv_bg batch -c "$CONF" batch --format json
cv_bg_wait_lines 1 30 || e2e_die "batch printed no line in 30 s: $(head -c 300 "$E2E_DIR/batch.stderr")"
host_state() { tail -n1 "$CV_BG_OUT" | cut -f2 | json_get "hosts[name=$1].state"; }
host_error() { tail -n1 "$CV_BG_OUT" | cut -f2 | json_get "hosts[name=$1].error"; }
e2e_wait_for "[ \"\$(host_state kvm-t)\" = up ] && [ \"\$(host_state hv-a)\" = up ]" 30 ||
    e2e_fail "hosts not up before the key change"

fp() { ssh-keygen -l -E sha256 -f "$1" | cut -d' ' -f2; }
OLD_KVM=$(fp "$E2E_DIR/ssh_host_ed25519_key.pub")
OLD_HV=$(fp "$E2E_DIR/ssh_host_hv-a_key.pub")
# new_key NAME KEYFILE -- the sshd comes back with another key.
new_key() {
    e2e_sshd_kill "$1"
    rm -f "$2" "$2.pub"
    ssh-keygen -q -t ed25519 -N '' -C cv-e2e-new -f "$2"
    e2e_sshd_restart "$1"
}
new_key '' "$E2E_DIR/ssh_host_ed25519_key"
new_key hv-a "$E2E_DIR/ssh_host_hv-a_key"
CHANGE_MS=$(e2e_now_ms)
NEW_KVM=$(fp "$E2E_DIR/ssh_host_ed25519_key.pub")
NEW_HV=$(fp "$E2E_DIR/ssh_host_hv-a_key.pub")
# Logins from here on are failures.
: >"$E2E_DIR/sshd.log"
: >"$E2E_DIR/sshd-hv-a.log"

KVM_RX='CHANGED to SHA256:'
e2e_wait_for "host_error hv-a | grep -q CHANGED && host_error kvm-t | grep -qiE '$KVM_RX'" 30 || true
sleep 4     # a few reconnections more: each must be refused
cv_bg_stop

e2e_check_timeline "$CV_BG_OUT" "$REFRESH" GOOD=hv-local
# When each showed the refusal (the kill itself showed them down first).
e2e_check_py "$CV_BG_OUT" "$CHANGE_MS" "$KVM_RX" <<'PY'
import json, re, sys
out, t0, kvm_rx = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for name, rx in (("kvm-t", kvm_rx), ("hv-a", "CHANGED")):
    seen = None
    for l in open(out):
        t, _, text = l.partition("\t")
        h = next(x for x in json.loads(text)["hosts"] if x["name"] == name)
        if int(t) >= t0 and h["state"] == "down" and re.search(rx, h["error"] or "", re.I):
            seen = int(t) - t0
            break
    print(("ok: %s refused for its key %d ms after the change" % (name, seen)) if seen is not None
          and seen <= 15000 else "FAIL: %s not refused for its key within 15 s (%r)" % (name, seen))
PY
ERR=$(host_error hv-a)
echo "figures: hv-a says: $ERR"
echo "figures: kvm-t says: $(host_error kvm-t | head -c 300)"
case $ERR in *"$NEW_HV"*) e2e_pass "hv-a names the new key $NEW_HV" ;;
    *) e2e_fail "hv-a's reason lacks the new fingerprint $NEW_HV" ;; esac
case $ERR in *"$OLD_HV"*) e2e_pass "hv-a names the pinned key $OLD_HV" ;;
    *) e2e_fail "hv-a's reason lacks the pinned fingerprint $OLD_HV" ;; esac
case $(host_error kvm-t) in *"CHANGED to $NEW_KVM (OpenSSH); refused. If expected: ssh-keygen -R "*)
        e2e_pass "kvm-t names the new key $NEW_KVM and how to trust it" ;;
    *) e2e_fail "kvm-t's reason lacks the new fingerprint $NEW_KVM or the advice" ;; esac
[ "$(host_state kvm-t)" = down ] && [ "$(host_state hv-a)" = down ] &&
    e2e_pass "both still refused at the end" || e2e_fail "a changed key was accepted in the end"
for f in sshd.log sshd-hv-a.log; do
    if grep -q 'Accepted publickey' "$E2E_DIR/$f"; then
        e2e_fail "$f: a login after the key change: $(grep -m1 Accepted "$E2E_DIR/$f")"
    else
        e2e_pass "$f: no login after the key change ($(grep -c 'Connection from' "$E2E_DIR/$f" || true) connection(s) refused)"
    fi
done
echo "figures: kvm-t key $OLD_KVM -> $NEW_KVM"

printf 'time: test_fault_hostkey_change %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
