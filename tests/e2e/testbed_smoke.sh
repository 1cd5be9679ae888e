#!/bin/bash
# tests/e2e/testbed_smoke.sh -- prove the testbed itself, with virsh only:
# the private libvirtd answers over qemu+ssh and test+ssh, a TCG guest runs
# with real statistics, a 300-domain node file lists over test+ssh, the
# blackhole accepts and hangs, and teardown leaves nothing behind.
# Run it when lib.sh changes, or when an e2e test fails in a way that points
# at the machine rather than at crossvisor.
set -eu
. "$(dirname "$0")/lib.sh"

GUEST=smoke-tcg
t_start=$(e2e_now_ms)

# Elapsed milliseconds since $1 (from e2e_now_ms).
since() { echo $(( $(e2e_now_ms) - $1 )); }

e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP
e2e_pass "testbed up in $(since "$t_start") ms (sshd 127.0.0.1:$E2E_PORT)"

check_transports() {
    local out t
    t=$(e2e_now_ms)
    # (virsh uri would print the client's URI: it proves nothing remote.)
    if out=$(virsh -c "$(e2e_qemu_uri)" hostname 2>&1) && [ -n "$out" ]; then
        e2e_pass "qemu+ssh with known_hosts= answers ($(since "$t") ms)"
    else
        e2e_fail "qemu+ssh: expected virsh hostname to answer, saw: $out"
    fi
    # The same URI without known_hosts=: what libvirt alone needs.
    out=$(virsh -c "qemu+ssh://root@127.0.0.1:$E2E_PORT/system?keyfile=$E2E_KEY&no_tty=1" \
          list --all --name 2>&1) ||
        e2e_fail "qemu+ssh without known_hosts=: virsh list failed: $out"
    t=$(e2e_now_ms)
    if out=$(virsh -c "$(e2e_test_uri /default)" list --name 2>&1) && [ "$out" = test ]; then
        e2e_pass "test+ssh:///default reaches the private daemon ($(since "$t") ms)"
    else
        e2e_fail "test+ssh /default: expected domain 'test', saw: $out"
    fi
}

# cpu.time, balloon.*, block.0.* and net.0.* must all be there, and the
# network counters must move (iPXE's DHCP requests) so rates are real.
check_tcg_guest() {
    local t stats
    t=$(e2e_now_ms)
    e2e_define_tcg_guest "$GUEST"
    e2e_start_guest "$GUEST"
    e2e_pass "TCG guest defined and running in $(since "$t") ms"
    # Seen over qemu+ssh, absent from the machine's own config: the sshd
    # reaches the private daemon, and the daemon's files stay private.
    if virsh -c "$(e2e_qemu_uri)" list --name | grep -qx "$GUEST"; then
        e2e_pass "qemu+ssh reaches the private daemon (lists $GUEST)"
    else
        e2e_fail "qemu+ssh: expected $GUEST in virsh list, saw: $(virsh -c "$(e2e_qemu_uri)" list --all --name 2>&1)"
    fi
    [ ! -e "/etc/libvirt/qemu/$GUEST.xml" ] ||
        e2e_fail "/etc/libvirt/qemu/$GUEST.xml exists outside the private namespace"
    t=$(e2e_now_ms)
    if e2e_wait_for "virsh -c '$(e2e_qemu_uri)' domstats $GUEST | grep -q 'net.0.tx.bytes=[1-9]'" 60 0.5; then
        e2e_pass "net.0.tx.bytes moved after $(since "$t") ms"
    else
        e2e_fail "net.0.tx.bytes stayed 0 for 60 s"
    fi
    stats=$(virsh -c "$(e2e_qemu_uri)" domstats "$GUEST")
    local key
    for key in 'cpu.time=[1-9]' 'balloon.current=[1-9]' 'balloon.maximum=[1-9]' \
               'block.0.rd.bytes=[1-9]' 'block.0.wr.bytes=[0-9]' \
               'net.0.rx.bytes=[0-9]' 'net.0.tx.bytes=[1-9]'; do
        if printf '%s\n' "$stats" | grep -q "^ *$key"; then
            e2e_pass "domstats has $key"
        else
            e2e_fail "domstats: expected a line matching '$key', saw: $(printf '%s' "$stats" | tr -s ' \n' ' ')"
        fi
    done
}

# Every domain of the node file, with its state, over test+ssh.
check_nodefile() {
    local node=$E2E_DIR/node300.xml t out expected seen
    e2e_gen_nodefile "$node" 300
    out=$(virsh -c "test:///$node" list --all --name | grep -c . || true)
    e2e_assert_eq "domains in $node read locally" 300 "$out"
    t=$(e2e_now_ms)
    # virsh words shutoff as "shut off"; compare the first word.
    seen=$(virsh -c "$(e2e_test_uri "$node")" list --all | awk 'NR > 2 && NF { print $2, $3 }' | sort)
    expected=$(awk '{ s = $3; if (s == "shutoff") s = "shut"; print $1, s }' "$node.manifest" | sort)
    if [ "$seen" = "$expected" ]; then
        e2e_pass "300 domains with their states over test+ssh ($(since "$t") ms)"
    else
        e2e_fail "test+ssh list differs from the manifest: $(diff <(echo "$expected") <(echo "$seen") | head -5 | tr '\n' ' ')"
    fi
    t=$(e2e_now_ms)
    out=$(virsh -c "$(e2e_test_uri "$node")" domstats --list-active | grep -c '^Domain:' || true)
    e2e_assert_eq "active domains in domstats over test+ssh ($(since "$t") ms)" 240 "$out"
}

# A connection is accepted, then nothing: neither a banner nor a close.
check_blackhole() {
    local port rc=0
    port=$(e2e_blackhole_port)
    if e2e_port_open "$port"; then
        e2e_pass "blackhole on port $port accepts"
    else
        e2e_fail "blackhole on port $port: connection refused"
    fi
    timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; read -r -t 2 line <&3" || rc=$?
    # read -t timing out returns > 128; EOF or data would return 1 or 0.
    if [ "$rc" -gt 128 ]; then
        e2e_pass "blackhole sends nothing in 2 s"
    else
        e2e_fail "blackhole: expected a read timeout (status > 128), saw status $rc"
    fi
    rc=0
    timeout 3 ssh -p "$port" root@127.0.0.1 true 2>/dev/null || rc=$?
    e2e_assert_eq "ssh to the blackhole still hanging after 3 s (timeout status)" 124 "$rc"
}

# After teardown nothing of this testbed may run: no daemon, guest, session
# or listener inside its namespace or naming its directory.
check_no_leftovers() {
    local dir=$E2E_DIR ns t left
    ns=$(cat "$dir/mntns")
    t=$(e2e_now_ms)
    e2e_teardown
    e2e_pass "teardown in $(since "$t") ms"
    left=$(for p in /proc/[0-9]*; do
        [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ] && ! e2e_pid_zombie "${p#/proc/}" &&
            echo "${p#/proc/}"
        tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q "$dir" && echo "${p#/proc/}"
    done | sort -u | paste -sd, -)
    if [ -n "$left" ]; then
        e2e_fail "processes left after teardown: $(ps -o pid=,args= -p "$left" | tr '\n' ';')"
    else
        e2e_pass "no process left from $dir"
    fi
    [ -n "${E2E_KEEP:-}" ] || [ ! -e "$dir" ] || e2e_fail "$dir still exists after teardown"
    left=$(find /sys/fs/cgroup -maxdepth 2 -name machine 2>/dev/null | paste -sd' ' -)
    [ -z "$left" ] || e2e_fail "cgroup partitions exist on the host: $left"
}

check_transports
check_nodefile
check_blackhole
check_tcg_guest
check_no_leftovers
e2e_pass "smoke total $(since "$t_start") ms"
e2e_finish
