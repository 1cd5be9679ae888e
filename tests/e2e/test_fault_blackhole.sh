#!/bin/bash
# tests/e2e/test_fault_blackhole.sh -- hosts that accept TCP and never say a
# word (a listener that holds every connection: ssh hangs before the
# banner). kvm-hole is qemu+ssh (libvirt runs OpenSSH's client, which waits
# for the banner forever: the poller is stuck inside libvirt), hv-hole is a
# Hyper-V host (crossvisor's own libssh session). Beside them, kvm-good
# (test+ssh through the testbed's sshd) and hv-local (the simulator run
# directly). One `batch --format json` runs throughout.
#   1. the holes are down with a reason within connect_timeout + a refresh;
#      the good hosts are up and fresh in every line;
#   2. the listener is replaced by a real sshd on the same port: both holes
#      come back by themselves within the back-off bound;
#   3. with 1 s deadlines, a stuck poller is abandoned and a host holds at
#      most one abandoned thread: crossvisor's thread count, and the ssh
#      clients it runs towards the hole, stop growing (DESIGN.md: "at most
#      one stuck thread per host");
#   4. with a poller stuck in libvirt, Ctrl-C ends batch within a second.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
REFRESH=1
CONNECT_TIMEOUT=5
BACKOFF_MAX=3
DOWN_S=$((CONNECT_TIMEOUT + 2 * REFRESH + 1))
BACK_S=$((BACKOFF_MAX + 2 * CONNECT_TIMEOUT + REFRESH + 2))   # a late answer counts up to twice the timeout

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
e2e_gen_nodefile "$NODE" 5
for h in hv-hole hv-local; do
    printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"%s-web","State":"Running"}]}\n' \
        "$h" >"$E2E_DIR/$h.json"
done
KHOLE=$(e2e_blackhole_port)
HHOLE=$(e2e_blackhole_port)
qemu_on() {
    printf 'qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&no_tty=1&known_hosts=%s\n' \
        "$1" "$E2E_KEY" "$E2E_KNOWN_HOSTS"
}
conf() {
    e2e_conf "$1" "$REFRESH" \
        "$(e2e_kvm_host kvm-good "$(e2e_test_uri "$NODE")")" \
        "$(e2e_kvm_host kvm-hole "$(qemu_on "$KHOLE")")" \
        "$(e2e_hv_host hv-hole "$HHOLE")" \
        "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
    printf 'connect_timeout = %s;\npoll_timeout = 4;\nbackoff_max = %s;\n' \
        "$CONNECT_TIMEOUT" "$BACKOFF_MAX" >>"$1"
}
conf "$CONF"

HOLE_MS=$(e2e_now_ms)
cv_bg batch -c "$CONF" batch --format json
cv_bg_wait_lines 1 30 || e2e_die "batch printed no line in 30 s: $(head -c 300 "$E2E_DIR/batch.stderr")"
host_state() { tail -n1 "$CV_BG_OUT" | cut -f2 | json_get "hosts[name=$1].state"; }
e2e_wait_for "[ \"\$(host_state kvm-hole)\" = down ] && [ \"\$(host_state hv-hole)\" = down ]" 20 || true
sleep 3

# --- the hole turns into a real host -------------------------------------------
BACK_MS=$(e2e_now_ms)
e2e_blackhole_stop "$KHOLE"
e2e_blackhole_stop "$HHOLE"
e2e_sshd_on_port kvm-back "$KHOLE"
E2E_HV_PORT=$HHOLE e2e_hv_sshd hv-back --state "$E2E_DIR/hv-hole.json" >/dev/null
e2e_wait_for "[ \"\$(host_state kvm-hole)\" = up ] && [ \"\$(host_state hv-hole)\" = up ]" \
    $((BACK_S + 5)) || true
cv_bg_stop
e2e_check_timeline "$CV_BG_OUT" "$REFRESH" GOOD=kvm-good,hv-local \
    "FAULT=kvm-hole@$HOLE_MS,$DOWN_S,no answer|time|banner" \
    "FAULT=hv-hole@$HOLE_MS,$DOWN_S,no answer|time|banner" \
    "BACK=kvm-hole@$BACK_MS,$BACK_S" "BACK=hv-hole@$BACK_MS,$BACK_S"

# --- stuck pollers: threads and ssh clients stop growing ----------------------
# A fleet with 1 s deadlines: a call that never returns is given up after 2 s,
# so over 12 s a poller stuck in libvirt could be replaced again and again.
KHOLE=$(e2e_blackhole_port)
HHOLE=$(e2e_blackhole_port)
e2e_conf "$E2E_DIR/stuck.conf" "$REFRESH" \
    "$(e2e_kvm_host kvm-hole "$(qemu_on "$KHOLE")")" \
    "$(e2e_hv_host hv-hole "$HHOLE")" \
    "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
printf 'connect_timeout = 1;\npoll_timeout = 1;\nbackoff_max = 1;\n' >>"$E2E_DIR/stuck.conf"
cv_bg stuck -c "$E2E_DIR/stuck.conf" batch --format json
cv_bg_wait_lines 1 30 || e2e_fail "batch (stuck) printed no line in 30 s"

# ssh clients of crossvisor towards PORT.
ssh_to() {
    local p n=0
    for p in $(e2e_descendants "$CV_BG_PID"); do
        tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q -- "-p $1 " && n=$((n + 1))
    done
    echo "$n"
}
samples=() SSH_SEEN=0 MAX_SEEN=0
for i in $(seq 1 12); do
    sleep 1
    read -r th fd rss <<<"$(e2e_proc_stats "$CV_BG_PID")"
    samples+=("$th")
    [ "$i" -eq 3 ] && WARM_TH=$th
    [ "$MAX_SEEN" -ge "$th" ] || MAX_SEEN=$th
    n=$(ssh_to "$KHOLE")
    [ "$SSH_SEEN" -ge "$n" ] || SSH_SEEN=$n
done
echo "figures: threads each second: ${samples[*]}; ssh clients to the hole at most $SSH_SEEN at once; fds $fd, rss ${rss} KiB at the end"
if [ "$MAX_SEEN" -le $((WARM_TH + 1)) ]; then
    e2e_pass "thread count bounded with pollers stuck in libvirt and libssh: $WARM_TH at 3 s, at most $MAX_SEEN over 12 s"
else
    e2e_fail "threads grow with stuck pollers: $WARM_TH at 3 s, up to $MAX_SEEN by 12 s (${samples[*]})"
fi
if [ "$SSH_SEEN" -ge 1 ] && [ "$SSH_SEEN" -le 2 ]; then
    e2e_pass "at most one abandoned call per host: $SSH_SEEN ssh client(s) stuck on the hole at once"
else
    e2e_fail "ssh clients stuck on kvm-hole's port at once: $SSH_SEEN, want 1 or 2 (the current poller and one abandoned)"
fi
e2e_check_timeline "$CV_BG_OUT" "$REFRESH" GOOD=hv-local

# --- Ctrl-C with a poller stuck in libvirt -------------------------------------
cv_bg_stop
if [ "$CV_BG_QUIT_MS" -le 1000 ] && [ "$CV_BG_RC" -eq 0 ]; then
    e2e_pass "batch with a poller stuck in libvirt ended $CV_BG_QUIT_MS ms after Ctrl-C, exit status 0"
else
    e2e_fail "batch with a stuck poller took $CV_BG_QUIT_MS ms to end after Ctrl-C (exit status $CV_BG_RC), want <= 1000 ms"
fi

printf 'time: test_fault_blackhole %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
