#!/bin/bash
# tests/e2e/test_fault_action_hang.sh -- an action that never returns. hv-hang
# is the simulator behind its own sshd with the action request swallowed
# (polls are answered, the action never is); hv-local is the simulator run
# directly. poll_timeout = 3 s bounds one action.
#   1. `act poweroff hv-hang/...` ends by itself within the bound, exit
#      status 1, with one clear line saying there was no answer in time;
#   2. in the console (tmux): the same poweroff, confirmed with y; while it
#      hangs every key is answered within 1 s (Enter opens the details page,
#      Esc gives the table back), hv-local stays up and fresh, the status
#      line gives the timeout, hv-hang comes back by itself, and q quits at
#      once.
set -eu
. "$(dirname "$0")/lib.sh"
. "$E2E_ROOT/tests/tui/lib.sh"

T0=$(e2e_now_ms)
POLL_TIMEOUT=3
ACT_BOUND_MS=$(( (POLL_TIMEOUT + 6) * 1000 ))   # connect, poll, the action
KEY_BOUND_MS=1000

e2e_require_crossvisor
e2e_require_hvsim
e2e_require tmux
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP
TUI_ROOT=$E2E_ROOT
tui_setup action-hang
trap 'e2e_rc=$?; tui_cleanup; (exit $e2e_rc); e2e_teardown' EXIT

for h in hang local; do
    printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"%s-web","State":"Running"}]}\n' \
        "$h" >"$E2E_DIR/hv-$h.json"
done
PORT=$(E2E_HVSIM=$(e2e_hv_wrapper) e2e_hv_sshd hv-hang --wrap-hang-action \
    --state "$E2E_DIR/hv-hang.json" --log "$E2E_DIR/hv-hang.log")
CONF=$E2E_DIR/crossvisor.conf
e2e_conf "$CONF" 1 "$(e2e_hv_host hv-hang "$PORT")" \
    "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
printf 'connect_timeout = 5;\npoll_timeout = %s;\nbackoff_max = 2;\n' "$POLL_TIMEOUT" >>"$CONF"

# --- act -------------------------------------------------------------------
CV_TIMEOUT=60 cv_run act -c "$CONF" act poweroff hv-hang/hang-web
echo "figures: act ended after $CV_MS ms, exit status $CV_RC: $(cv_err1)"
e2e_assert_eq "act poweroff on a host that never answers: exit status" 1 "$CV_RC"
[ "$CV_MS" -le "$ACT_BOUND_MS" ] && e2e_pass "act ended in $CV_MS ms (bound $ACT_BOUND_MS)" ||
    e2e_fail "act took $CV_MS ms, bound $ACT_BOUND_MS"
case $(cv_err1) in
    *"poweroff hv-hang/hang-web: "*"no answer"*) e2e_pass "act says: $(cv_err1)" ;;
    *) e2e_fail "act: expected 'poweroff hv-hang/hang-web: ... no answer ...', saw '$(cv_err1)'" ;;
esac
e2e_assert_eq "act: stderr lines" 1 "$(wc -l <"$CV_ERR")"
e2e_assert_eq "hang-web untouched (state file)" Running \
    "$(json_get 'vms[Name=hang-web].State' "$E2E_DIR/hv-hang.json")"

# --- the console -------------------------------------------------------------
# key KEYS REGEX -- send tmux keys; the screen must show REGEX within 1 s.
key() {
    local t ms
    t=$(e2e_now_ms)
    tui_keys "$1"
    tui_wait "$2" 5
    ms=$(( $(e2e_now_ms) - t ))
    [ "$ms" -le "$KEY_BOUND_MS" ] && e2e_pass "key $1 answered in $ms ms" ||
        e2e_fail "key $1 answered only after $ms ms (bound $KEY_BOUND_MS)"
}

tui_shell 132 30
tui_type "./crossvisor -c $CONF"
tui_wait '^(▾|-)hv-hang +hyperv +up ' 20
tui_wait '^(▾|-)hv-local +hyperv +up ' 20
tui_keys j
tui_wait '^ *(├─|└─) +hyperv +hang-web +running'
tui_keys o
tui_wait '^Power off hang-web on hv-hang\? \[y/N\]'
tui_keys y
HANG_MS=$(e2e_now_ms)
# While the action hangs.
key Enter '^Certification *$'
key Escape '^HOST +HV +NAME'
key Enter '^Certification *$'
key Escape '^HOST +HV +NAME'
tui_capture
[ $(( $(e2e_now_ms) - HANG_MS )) -lt $((POLL_TIMEOUT * 1000)) ] &&
    e2e_pass "those keys were answered while the action hung" ||
    e2e_log "the keys took until the action's deadline: no proof of liveness during the hang"
grep -E '^(▾|-)hv-local ' "$TUI_TMP/screen" | grep -qE '^(▾|-)hv-local +hyperv +up ' &&
    ! grep -E '^(▾|-)hv-local ' "$TUI_TMP/screen" | grep -q 'last poll' &&
    e2e_pass "hv-local up and fresh during the hang: $(grep -E '^(▾|-)hv-local ' "$TUI_TMP/screen")" ||
    e2e_fail "hv-local during the hang: $(grep -E '^(▾|-)hv-local ' "$TUI_TMP/screen")"
tui_wait 'hang-web on hv-hang: .*no answer' $((POLL_TIMEOUT + 5))
e2e_pass "status line after $(( $(e2e_now_ms) - HANG_MS )) ms: $(grep -E 'hang-web on hv-hang' "$TUI_TMP/screen" | tail -n1)"
key j '^HOST +HV +NAME'
tui_wait '^(▾|-)hv-hang +hyperv +up ' $((2 * POLL_TIMEOUT + 10))
e2e_pass "hv-hang up again by itself $(( $(e2e_now_ms) - HANG_MS )) ms after the poweroff"
grep -qE '^(▾|-)hv-local +hyperv +up ' "$TUI_TMP/screen" || e2e_fail "hv-local not up at the end"
t=$(e2e_now_ms)
tui_keys q
tui_wait '^\$ ?$' 5
ms=$(( $(e2e_now_ms) - t ))
[ "$ms" -le "$KEY_BOUND_MS" ] && e2e_pass "q quit the console in $ms ms" ||
    e2e_fail "q took $ms ms to quit (bound $KEY_BOUND_MS)"
e2e_assert_eq "hang-web untouched after the console (state file)" Running \
    "$(json_get 'vms[Name=hang-web].State' "$E2E_DIR/hv-hang.json")"

printf 'time: test_fault_action_hang %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
