#!/bin/bash
# tests/e2e/test_fault_netcut.sh -- a network cut where packets are dropped
# and TCP hangs (no refusal, no reset). The whole testbed runs in a network
# namespace of its own (E2E_NETNS=1: only its loopback), crossvisor too, and
# the cut is a DROP rule in that namespace's firewall for the ports of two
# hosts: kvm-t (libvirt's test driver over test+ssh) and hv-a (the simulator
# behind its sshd, crossvisor's libssh). hv-local (run directly) is not cut.
# One `batch --format json` runs throughout:
#   1. the cut: both hosts down with a reason within poll_timeout + two
#      refreshes, last-known guests kept stale; hv-local up and fresh;
#   2. the rules go: both back by themselves within the back-off bound.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
REFRESH=1
CONNECT_TIMEOUT=4
POLL_TIMEOUT=3
BACKOFF_MAX=3
DOWN_S=$((POLL_TIMEOUT + 2 * REFRESH + 1))
# A late answer counts up to twice the timeout; a connect whose SYN was
# dropped retries it (TCP) 1, 3 and 7 s later.
BACK_S=$((BACKOFF_MAX + 2 * CONNECT_TIMEOUT + REFRESH + 8))

e2e_require_crossvisor
e2e_require_hvsim
e2e_require iptables ip
E2E_NETNS=1
export E2E_NETNS
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP
e2e_net iptables -S >/dev/null 2>&1 ||
    e2e_skip_or_fail "iptables does not work in a network namespace here"

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
e2e_gen_nodefile "$NODE" 5
for h in hv-a hv-local; do
    printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"%s-web","State":"Running"}]}\n' \
        "$h" >"$E2E_DIR/$h.json"
done
HVPORT=$(e2e_hv_sshd hv-a --state "$E2E_DIR/hv-a.json")
e2e_conf "$CONF" "$REFRESH" \
    "$(e2e_kvm_host kvm-t "$(e2e_test_uri "$NODE")")" \
    "$(e2e_hv_host hv-a "$HVPORT")" \
    "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
printf 'connect_timeout = %s;\npoll_timeout = %s;\nbackoff_max = %s;\n' \
    "$CONNECT_TIMEOUT" "$POLL_TIMEOUT" "$BACKOFF_MAX" >>"$CONF"

cv_bg batch -c "$CONF" batch --format json
cv_bg_wait_lines 1 30 || e2e_die "batch printed no line in 30 s: $(head -c 300 "$E2E_DIR/batch.stderr")"
host_state() { tail -n1 "$CV_BG_OUT" | cut -f2 | json_get "hosts[name=$1].state"; }
e2e_wait_for "[ \"\$(host_state kvm-t)\" = up ] && [ \"\$(host_state hv-a)\" = up ]" 30 ||
    e2e_fail "hosts not up before the cut"

# The cut: what reaches the two sshds is dropped, in this namespace only.
for p in "$E2E_PORT" "$HVPORT"; do
    e2e_net iptables -A INPUT -p tcp --dport "$p" -j DROP
done
CUT_MS=$(e2e_now_ms)
e2e_log "cut: $(e2e_net iptables -S INPUT | tr '\n' ';')"
e2e_wait_for "[ \"\$(host_state kvm-t)\" = down ] && [ \"\$(host_state hv-a)\" = down ]" 20 || true
sleep 6     # reconnections into the cut: SYNs dropped too
# A TCP probe hangs rather than being refused: the cut is a drop.
t=$(e2e_now_ms)
e2e_net timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$HVPORT" 2>/dev/null && rc=0 || rc=$?
e2e_assert_eq "a connect into the cut hangs (timeout's status)" 124 "$rc"

for p in "$E2E_PORT" "$HVPORT"; do
    e2e_net iptables -D INPUT -p tcp --dport "$p" -j DROP
done
MEND_MS=$(e2e_now_ms)
e2e_wait_for "[ \"\$(host_state kvm-t)\" = up ] && [ \"\$(host_state hv-a)\" = up ]" $((BACK_S + 5)) || true
cv_bg_stop
echo "figures: batch ended ${CV_BG_QUIT_MS} ms after Ctrl-C"

e2e_check_timeline "$CV_BG_OUT" "$REFRESH" GOOD=hv-local \
    "FAULT=kvm-t@$CUT_MS,$DOWN_S,no answer|time|keepalive|closed" \
    "FAULT=hv-a@$CUT_MS,$DOWN_S,no answer|time" \
    "BACK=kvm-t@$MEND_MS,$BACK_S" "BACK=hv-a@$MEND_MS,$BACK_S"

printf 'time: test_fault_netcut %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
