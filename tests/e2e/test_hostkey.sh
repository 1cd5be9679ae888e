#!/bin/bash
# tests/e2e/test_hostkey.sh -- host keys are verified against known_hosts,
# never accepted silently (crossvisor.conf(5)). Beside a good host, two
# sshds on loopback that crossvisor must refuse:
#   changed: known_hosts pins another key for [127.0.0.1]:PORT (a key change,
#            or a man in the middle);
#   unknown: known_hosts has no line for [127.0.0.1]:PORT.
# Both must be shown down with a reason, and neither sshd may see a login:
# not from libvirt's ssh, not from the platform read's.
# A fourth host, on the good sshd, names a known_hosts= that lacks its key:
# libvirt's ssh (which leaves known_hosts= to its ssh_config) gets in, and
# the platform read, which passes it to ssh, must be refused and say so.
# A fifth host's sshd (known) offers only the key exchange sntrup761, which
# the platform read leaves out at first: its platform is read all the same.
set -eu
. "$(dirname "$0")/lib.sh"

BOUND_S=60

e2e_require_crossvisor
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

CHANGED=$(e2e_extra_sshd changed)
UNKNOWN=$(e2e_extra_sshd unknown)
PQONLY=$(e2e_extra_sshd pqonly 'KexAlgorithms sntrup761x25519-sha512@openssh.com')
printf '[127.0.0.1]:%s %s\n' "$PQONLY" "$(cut -d' ' -f1,2 "$E2E_DIR/ssh_host_pqonly_key.pub")" \
    >>"$E2E_KNOWN_HOSTS"
# Pin the main sshd's key for the "changed" port: the key it presents differs.
printf '[127.0.0.1]:%s %s\n' "$CHANGED" "$(cut -d' ' -f1,2 "$E2E_DIR/ssh_host_ed25519_key.pub")" \
    >>"$E2E_KNOWN_HOSTS"

# The refusals come from the host key, not from the rest of the setup:
# without known_hosts checking the same sshds let us in.
for port in "$CHANGED" "$UNKNOWN"; do
    /usr/bin/ssh -F "$E2E_SSH_CONFIG" -o StrictHostKeyChecking=no \
        -o UserKnownHostsFile=/dev/null -p "$port" root@127.0.0.1 true ||
        e2e_die "sshd on port $port refuses even without host key checks"
done
# Forget those probe logins: below, any login is a failure.
: >"$E2E_DIR/sshd-changed.log"
: >"$E2E_DIR/sshd-unknown.log"

uri_on() {
    printf 'qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&no_tty=1&known_hosts=%s\n' \
        "$1" "$E2E_KEY" "$E2E_KNOWN_HOSTS"
}
CONF=$E2E_DIR/crossvisor.conf
: >"$E2E_DIR/known_hosts.empty"
e2e_conf "$CONF" 1.0 \
    "$(e2e_kvm_host good-e2e "$(uri_on "$E2E_PORT")")" \
    "$(e2e_kvm_host unread-e2e "$(uri_on "$E2E_PORT" | sed "s|known_hosts=.*|known_hosts=$E2E_DIR/known_hosts.empty|")")" \
    "$(e2e_kvm_host changed-e2e "$(uri_on "$CHANGED")")" \
    "$(e2e_kvm_host unknown-e2e "$(uri_on "$UNKNOWN")")" \
    "$(e2e_kvm_host pqonly-e2e "$(uri_on "$PQONLY")")"

CV_TIMEOUT=$((BOUND_S + 30)) cv_run batch -c "$CONF" batch -n 1 --format json
if cv_ended && [ "$CV_MS" -le $((BOUND_S * 1000)) ]; then
    e2e_pass "batch -n 1 finished in $CV_MS ms, exit status $CV_RC"
else
    e2e_fail "batch -n 1: expected to finish within $BOUND_S s, took $CV_MS ms (exit status $CV_RC)"
fi
LINE=$(head -n1 "$CV_OUT")
e2e_assert_eq "good-e2e state (stderr: $(cv_err1))" up "$(printf '%s' "$LINE" | json_get 'hosts[name=good-e2e].state')"
# One line each that says what happened and what to do (OpenSSH's own
# banner would fill the line with capitals and lose the advice).
for host in changed-e2e:CHANGED:"host key of \[127.0.0.1\]:$CHANGED CHANGED to SHA256:[^ ]+ \(OpenSSH\); refused. If expected: ssh-keygen -R '\[127.0.0.1\]:$CHANGED' -f " \
    unknown-e2e:UNKNOWN:"unknown host key of \[127.0.0.1\]:$UNKNOWN \(OpenSSH\); refused. To trust it, check the fingerprint, then: ssh-keyscan -p $UNKNOWN 127.0.0.1 >> "; do
    name=${host%%:*} rx=${host#*:*:}
    e2e_assert_eq "$name state" down "$(printf '%s' "$LINE" | json_get "hosts[name=$name].state")"
    err=$(printf '%s' "$LINE" | json_get "hosts[name=$name].error")
    if printf '%s' "$err" | grep -qE "^$rx"; then
        e2e_pass "$name error: $err"
    else
        e2e_fail "$name: expected /^$rx/, saw '$err'"
    fi
done

# The platform read refused: the host is up, its platform unknown, and the
# journal says why in one line, and what to do.
e2e_assert_eq "unread-e2e state" up "$(printf '%s' "$LINE" | json_get 'hosts[name=unread-e2e].state')"
e2e_assert_eq "unread-e2e platform" null "$(printf '%s' "$LINE" | json_get 'hosts[name=unread-e2e].platform')"
JOURNAL=$E2E_DIR/state/crossvisor/journal
rx="host=unread-e2e .*host platform not read, trying again later \(or set platform = in the config\): unknown host key of \[127.0.0.1\]:$E2E_PORT \(OpenSSH\); refused. To trust it, check the fingerprint, then: ssh-keyscan -p $E2E_PORT 127.0.0.1 >> $E2E_DIR/known_hosts.empty\"$"
if grep -qE "$rx" "$JOURNAL"; then
    e2e_pass "journal: $(grep -m1 -o 'host platform not read.*' "$JOURNAL")"
else
    e2e_fail "journal: expected /$rx/, saw: $(grep 'unread-e2e' "$JOURNAL" 2>/dev/null | tail -3)"
fi

# A server that takes only sntrup761 is asked again with the whole list.
e2e_assert_eq "pqonly-e2e state" up "$(printf '%s' "$LINE" | json_get 'hosts[name=pqonly-e2e].state')"
e2e_assert_eq "pqonly-e2e platform" "$(e2e_local_platform)" "$(printf '%s' "$LINE" | json_get 'hosts[name=pqonly-e2e].platform')"

# The proof that nothing was accepted silently: no session on either sshd.
for name in changed unknown; do
    if grep -q 'Accepted publickey' "$E2E_DIR/sshd-$name.log"; then
        e2e_fail "sshd '$name' accepted a login despite the host key: $(grep -m1 'Accepted' "$E2E_DIR/sshd-$name.log")"
    else
        e2e_pass "no login reached sshd '$name'"
    fi
done

e2e_finish
