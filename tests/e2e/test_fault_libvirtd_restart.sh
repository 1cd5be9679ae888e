#!/bin/bash
# tests/e2e/test_fault_libvirtd_restart.sh -- libvirtd restarted under
# connected KVM hosts: kvm-q (qemu+ssh://.../system) and kvm-t (the test
# driver over test+ssh) go through the testbed's sshd to its libvirtd;
# hv-local (the simulator run directly) does not. One `batch --format json`
# runs throughout:
#   1. libvirtd stops: both KVM hosts down within two refreshes, with a
#      reason, last-known guests kept stale; hv-local up and fresh;
#   2. libvirtd starts again: both back by themselves within the back-off
#      bound.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
REFRESH=1
CONNECT_TIMEOUT=5
BACKOFF_MAX=3
DOWN_S=2.5
BACK_S=$((BACKOFF_MAX + 2 * CONNECT_TIMEOUT + REFRESH + 2))

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
e2e_gen_nodefile "$NODE" 5
printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"local-web","State":"Running"}]}\n' \
    >"$E2E_DIR/hv-local.json"
e2e_conf "$CONF" "$REFRESH" \
    "$(e2e_kvm_host kvm-q "$(e2e_qemu_uri)")" \
    "$(e2e_kvm_host kvm-t "$(e2e_test_uri "$NODE")")" \
    "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
printf 'connect_timeout = %s;\npoll_timeout = 4;\nbackoff_max = %s;\n' \
    "$CONNECT_TIMEOUT" "$BACKOFF_MAX" >>"$CONF"

cv_bg batch -c "$CONF" batch --format json
cv_bg_wait_lines 1 30 || e2e_die "batch printed no line in 30 s: $(head -c 300 "$E2E_DIR/batch.stderr")"
host_state() { tail -n1 "$CV_BG_OUT" | cut -f2 | json_get "hosts[name=$1].state"; }
e2e_wait_for "[ \"\$(host_state kvm-q)\" = up ] && [ \"\$(host_state kvm-t)\" = up ]" 30 ||
    e2e_fail "KVM hosts not up before the fault"

e2e_libvirtd_stop
STOP_MS=$(e2e_now_ms)
e2e_wait_for "[ \"\$(host_state kvm-q)\" = down ] && [ \"\$(host_state kvm-t)\" = down ]" 15 || true
sleep 4     # a few failed reconnections
START_MS=$(e2e_now_ms)
e2e_libvirtd_start
e2e_wait_for "[ \"\$(host_state kvm-q)\" = up ] && [ \"\$(host_state kvm-t)\" = up ]" $((BACK_S + 5)) || true
cv_bg_wait_lines $(( $(cv_bg_lines) + 1 )) 3 || true
cv_bg_stop

e2e_check_timeline "$CV_BG_OUT" "$REFRESH" GOOD=hv-local \
    "FAULT=kvm-q@$STOP_MS,$DOWN_S,closed|end of file|recv|write|broken pipe|reset|refused|libvirt" \
    "FAULT=kvm-t@$STOP_MS,$DOWN_S,closed|end of file|recv|write|broken pipe|reset|refused|libvirt" \
    "BACK=kvm-q@$START_MS,$BACK_S" "BACK=kvm-t@$START_MS,$BACK_S"

printf 'time: test_fault_libvirtd_restart %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
