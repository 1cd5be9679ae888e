#!/bin/bash
# tests/e2e/test_kvm_lifecycle.sh -- `crossvisor act` on a real TCG guest over
# qemu+ssh: start, pause, resume, poweroff, start again, each seen both by
# libvirt and in `batch --format json`; a no-op start; an unknown guest (2);
# --read-only refusing a poweroff (1) and leaving the guest running.
set -eu
. "$(dirname "$0")/lib.sh"

GUEST=e2e-life
HOST=kvm-e2e
TARGET=$HOST/$GUEST

e2e_require_crossvisor
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

CONF=$E2E_DIR/crossvisor.conf
e2e_define_tcg_guest "$GUEST"
e2e_conf "$CONF" 1.0 "$(e2e_kvm_host "$HOST" "$(e2e_qemu_uri)")"

# The guest's state as crossvisor reports it in one batch refresh.
batch_state() {
    CV_TIMEOUT=60 cv_run batch-state -c "$CONF" batch -n 1 --format json
    json_get "guests[name=$GUEST].state" "$CV_OUT"
}

# virsh words states its own way; map to crossvisor's words.
libvirt_state() {
    case $(e2e_domstate "$GUEST") in
        running) echo running ;;
        paused) echo paused ;;
        "shut off") echo shutoff ;;
        *) e2e_domstate "$GUEST" ;;
    esac
}

# expect_state STATE -- libvirt must reach STATE (crossvisor did act), then
# batch must show it; both polled with a bound, never a bare sleep.
expect_state() {
    local want=$1 seen
    if e2e_wait_for "[ \"\$(libvirt_state)\" = $want ]" 30; then
        e2e_pass "libvirt sees $GUEST $want"
    else
        e2e_fail "libvirt: expected $GUEST $want, saw '$(libvirt_state)'"
    fi
    if e2e_wait_for "[ \"\$(batch_state)\" = $want ]" 45 0.5; then
        e2e_pass "batch shows $TARGET $want"
    else
        seen=$(batch_state)
        e2e_fail "batch: expected $TARGET state '$want', saw '$seen' (exit $CV_RC, stderr: $(cv_err1))"
    fi
}

# act ACTION -- one action through crossvisor; it must exit 0.
act() {
    CV_TIMEOUT=90 cv_run "act-$1" -c "$CONF" act "$1" "$TARGET"
    e2e_assert_eq "act $1 $TARGET exit status ($CV_MS ms; stderr: $(cv_err1))" 0 "$CV_RC"
}

expect_state shutoff          # defined, never started
act start;    expect_state running
act start;    expect_state running   # a no-op counts as done
act pause;    expect_state paused
act resume;   expect_state running
act poweroff; expect_state shutoff
act start;    expect_state running

# A guest that does not exist: usage/target error, 2, with a reason.
CV_TIMEOUT=90 cv_run act-unknown -c "$CONF" act start "$HOST/no-such-guest"
e2e_assert_eq "act start $HOST/no-such-guest exit status (stderr: $(cv_err1))" 2 "$CV_RC"
[ -s "$CV_ERR" ] || e2e_fail "act on an unknown guest: expected a reason on stderr, saw nothing"

# --read-only refuses, in either position (global options may stand before
# or after the command), and the guest keeps running.
CV_TIMEOUT=90 cv_run act-ro -c "$CONF" --read-only act poweroff "$TARGET"
e2e_assert_eq "--read-only act poweroff exit status (stderr: $(cv_err1))" 1 "$CV_RC"
[ -s "$CV_ERR" ] || e2e_fail "--read-only act poweroff: expected a reason on stderr, saw nothing"
CV_TIMEOUT=90 cv_run act-ro-after -c "$CONF" act poweroff "$TARGET" --read-only
e2e_assert_eq "act poweroff ... --read-only exit status (stderr: $(cv_err1))" 1 "$CV_RC"
e2e_assert_eq "libvirt state after refused poweroffs" running "$(libvirt_state)"
e2e_assert_eq "batch state after refused poweroffs" running "$(batch_state)"

e2e_finish
