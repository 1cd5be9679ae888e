#!/bin/bash
# tests/e2e/test_fault_sshd_kill.sh -- sshd killed under a running fleet,
# then started again. Three hosts: kvm-a (libvirt's test driver over
# test+ssh, through the testbed's main sshd), hv-a (the Hyper-V simulator
# behind its own sshd, crossvisor's libssh session) and hv-local (the
# simulator run directly: no sshd to lose). One `batch --format json` runs
# throughout, and so does the console in tmux, as a user would watch it.
#   1. kill kvm-a's sshd and every session of it: kvm-a down within two
#      refreshes, with a reason, its guests kept stale; the others go on;
#   2. start that sshd again: kvm-a back by itself within the back-off bound
#      (backoff_max + connect_timeout + a refresh);
#   3. the same for hv-a;
#   4. Ctrl-C ends batch within a second.
set -eu
. "$(dirname "$0")/lib.sh"
. "$E2E_ROOT/tests/tui/lib.sh"

T0=$(e2e_now_ms)
REFRESH=1
BACKOFF_MAX=3
CONNECT_TIMEOUT=4
DOWN_S=2.5     # two refreshes, and half a second for the line to be printed
BACK_S=$((BACKOFF_MAX + 2 * CONNECT_TIMEOUT + REFRESH + 2))   # a late answer counts up to twice the timeout

e2e_require_crossvisor
e2e_require_hvsim
e2e_require tmux
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP
TUI_ROOT=$E2E_ROOT
tui_setup sshd-kill
trap 'e2e_rc=$?; tui_cleanup; (exit $e2e_rc); e2e_teardown' EXIT

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
e2e_gen_nodefile "$NODE" 10
for h in hv-a hv-local; do
    printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"%s-web","State":"Running"},{"Name":"%s-db","State":"Off"}]}\n' \
        "$h" "$h" >"$E2E_DIR/$h.json"
done
HVPORT=$(e2e_hv_sshd hv-a --state "$E2E_DIR/hv-a.json")
e2e_conf "$CONF" "$REFRESH" \
    "$(e2e_kvm_host kvm-a "$(e2e_test_uri "$NODE")")" \
    "$(e2e_hv_host hv-a "$HVPORT")" \
    "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
printf 'connect_timeout = %s;\npoll_timeout = 3;\nbackoff_max = %s;\n' \
    "$CONNECT_TIMEOUT" "$BACKOFF_MAX" >>"$CONF"

cv_bg batch -c "$CONF" batch --format json
cv_bg_wait_lines 2 30 || e2e_die "batch printed no line in 30 s: $(head -c 300 "$E2E_DIR/batch.stderr")"

# The console, as a user runs it.
tui_shell 160 30 "PATH=$E2E_DIR/bin:/usr/local/bin:/usr/bin:/bin"
tui_type "./crossvisor -c $CONF"
tui_wait '^(▾|-)kvm-a +kvm +up ' 20
tui_wait '^(▾|-)hv-a +hyperv +up ' 20

# host_state NAME -- its state in the last batch line.
host_state() { tail -n1 "$CV_BG_OUT" | cut -f2 | json_get "hosts[name=$1].state"; }

# fault NAME SSHD -- kill, watch, restart, watch; FAULT_MS and BACK_MS set.
fault() {
    local name=$1 sshd=$2 t
    e2e_wait_for "[ \"\$(host_state $name)\" = up ]" 20 || e2e_fail "$name not up before the fault"
    e2e_sshd_kill "$sshd"
    FAULT_MS=$(e2e_now_ms)
    # The console shows it down within two refreshes.
    t=$FAULT_MS
    tui_wait "^(▾|-)$name +[a-z]+ +down " 10
    t=$(( $(e2e_now_ms) - t ))
    if [ "$t" -le $((2 * REFRESH * 1000 + 500)) ]; then
        e2e_pass "console shows $name down $t ms after its sshd died"
    else
        e2e_fail "console showed $name down only after $t ms (two refreshes: $((2 * REFRESH)) s)"
    fi
    grep -E "^(▾|-)$name " "$TUI_TMP/screen" | sed 's/^/    console: /'
    # Down for a while: several failed reconnections, the back-off grows.
    e2e_wait_for "[ \$(( \$(e2e_now_ms) - $FAULT_MS )) -ge 6000 ]" 10 0.2
    BACK_MS=$(e2e_now_ms)
    e2e_sshd_restart "$sshd"
    t=$(e2e_now_ms)
    tui_wait "^(▾|-)$name +[a-z]+ +up " "$BACK_S"
    e2e_pass "console shows $name up again $(( $(e2e_now_ms) - t )) ms after its sshd came back"
    e2e_wait_for "[ \"\$(host_state $name)\" = up ]" "$BACK_S" || true
}

fault kvm-a ''
KVM_FAULT=$FAULT_MS KVM_BACK=$BACK_MS
fault hv-a hv-a
HV_FAULT=$FAULT_MS HV_BACK=$BACK_MS
cv_bg_wait_lines $(( $(cv_bg_lines) + 2 )) 5 || true

# Keys are still answered: q quits the console at once.
t=$(e2e_now_ms)
tui_keys q
tui_wait '^\$ ?$' 5
e2e_pass "console quit $(( $(e2e_now_ms) - t )) ms after q"

cv_bg_stop
if [ "$CV_BG_QUIT_MS" -le 1500 ] && [ "$CV_BG_RC" -eq 0 ]; then
    e2e_pass "batch ended $CV_BG_QUIT_MS ms after Ctrl-C, exit status 0"
else
    e2e_fail "batch took $CV_BG_QUIT_MS ms to end after Ctrl-C (exit status $CV_BG_RC), want <= 1500 ms"
fi

e2e_check_timeline "$CV_BG_OUT" "$REFRESH" GOOD=hv-local \
    "FAULT=kvm-a@$KVM_FAULT,$DOWN_S,closed|end of file|eof|cannot recv|cannot write|reset|broken|refused|lost" \
    "BACK=kvm-a@$KVM_BACK,$BACK_S" \
    "FAULT=hv-a@$HV_FAULT,$DOWN_S,closed|end of file|eof|socket|reset|broken|refused|disconnect|lost" \
    "BACK=hv-a@$HV_BACK,$BACK_S"

printf 'time: test_fault_sshd_kill %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
