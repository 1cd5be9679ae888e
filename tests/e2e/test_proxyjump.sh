#!/bin/bash
# tests/e2e/test_proxyjump.sh -- hosts reached only through a jump host named
# in ~/.ssh/config, for both hypervisors:
#
#   this machine --veth-- jump (sshd) --lo-- kvm-behind (sshd, libvirtd)
#                                      `-lo-- hv-behind  (sshd, hvsim)
#
# A network namespace of the test's own holds the jump sshd (on a veth
# address that this machine reaches) and the two target sshds (on the
# namespace's loopback, which nothing outside reaches). ~/.ssh/config (a
# private bind mount over the passwd home, so the account's own ~/.ssh is
# never touched; OpenSSH and libssh both find ~ through passwd) has:
#   Host jump        HostName <veth address>, Port
#   Host kvm-behind  HostName 127.0.0.1, Port, ProxyJump jump
#   Host hv-behind   HostName 127.0.0.1, Port, ProxyJump jump
#   Host (all)       User, IdentityFile, UserKnownHostsFile
# and crossvisor.conf names only the aliases:
#   kvm-behind: uri = "qemu+ssh://kvm-behind/system" (libvirt runs OpenSSH's
#               client); the host's platform comes from a second run of
#               that client to the same alias;
#   hv-behind:  address = "hv-behind", no user, port, key or known_hosts:
#               crossvisor's libssh session takes all of it, ProxyJump
#               included, from ~/.ssh/config.
# Checks: the targets are unreachable without the jump; batch shows both
# hosts up with their guests and the KVM host's detected platform; an
# action reaches a guest behind the jump.
set -eu
. "$(dirname "$0")/lib.sh"

BOUND_S=60
T0=$(e2e_now_ms)

e2e_require_crossvisor
e2e_require_hvsim
e2e_require ip mount getent
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

PJ=cvpj$(( $$ % 100000 ))
pj_cleanup() { ip link del "${PJ}a" 2>/dev/null || true; }
trap 'rc=$?; pj_cleanup; (exit $rc); e2e_teardown' EXIT

# --- the network behind the jump ---------------------------------------------
# A process in a new network namespace (and in the testbed's mount
# namespace, where libvirtd runs): the namespace lives while it does.
nsenter -t "$(cat "$E2E_DIR/holder.pid")" -m -- \
    unshare -n -- /bin/sh -c "echo \$\$ >'$E2E_DIR/pids/netns.pid.tmp' &&
        mv '$E2E_DIR/pids/netns.pid.tmp' '$E2E_DIR/pids/netns.pid' && exec sleep infinity" \
    </dev/null >/dev/null 2>&1 &
e2e_wait_for "[ -s '$E2E_DIR/pids/netns.pid' ]" 10 0.05 || e2e_die "network namespace did not start"
NSPID=$(cat "$E2E_DIR/pids/netns.pid")
inns() { nsenter -t "$NSPID" -m -n -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C "$@"; }

# A /30 of 198.18.0.0/15 (RFC 2544: never routed) that no interface uses.
for _ in 1 2 3 4 5 6 7 8; do
    NET=198.18.$(( (RANDOM % 254) + 1 )).$(( (RANDOM % 63) * 4 ))
    ip -4 addr | grep -q "inet ${NET%.*}\." || break
done
OUTER=${NET%.*}.$(( ${NET##*.} + 1 ))
JUMPADDR=${NET%.*}.$(( ${NET##*.} + 2 ))
ip link add "${PJ}a" type veth peer name "${PJ}b" || e2e_die "cannot make a veth pair"
ip link set "${PJ}b" netns "$NSPID"
ip addr add "$OUTER/30" dev "${PJ}a"
ip link set "${PJ}a" up
inns ip addr add "$JUMPADDR/30" dev "${PJ}b"
inns ip link set "${PJ}b" up
inns ip link set lo up

# --- three sshds in it ---------------------------------------------------------
KH=$E2E_DIR/home/.ssh/known_hosts
mkdir -p "$E2E_DIR/home/.ssh"
chmod 700 "$E2E_DIR/home" "$E2E_DIR/home/.ssh"
: >"$KH"

# pj_sshd NAME ADDRESS PORT [FORCECOMMAND] -- its key goes in ~/.ssh/known_hosts.
pj_sshd() {
    local name=$1 addr=$2 port=$3 cfg=$E2E_DIR/sshd_config.$1 key=$E2E_DIR/ssh_host_$1_key
    ssh-keygen -q -t ed25519 -N '' -C "cv-e2e-$name" -f "$key"
    sed -e "s|^Port .*|Port $port|" -e "s|^ListenAddress .*|ListenAddress $addr|" \
        -e "s|^HostKey .*|HostKey $key|" -e "s|^PidFile .*|PidFile $E2E_DIR/pids/sshd-$name.pid|" \
        "$E2E_DIR/sshd_config" >"$cfg"
    [ -z "${4:-}" ] || printf 'ForceCommand %s\n' "$4" >>"$cfg"
    inns "$E2E_SSHD" -f "$cfg" -E "$E2E_DIR/sshd-$name.log" || e2e_die "sshd $name did not start"
    e2e_wait_for "[ -s '$E2E_DIR/pids/sshd-$name.pid' ]" 10 0.05 || e2e_die "sshd $name wrote no pid"
    printf '[%s]:%s %s\n' "$addr" "$port" "$(cut -d' ' -f1,2 "$key.pub")" >>"$KH"
}

cat >"$E2E_DIR/hv.json" <<'JSON'
{"host": {"ComputerName": "HV-BEHIND", "Caption": "Microsoft Windows Server 2022 Datacenter",
          "Version": "10.0.20348", "BuildNumber": "20348", "ProductType": 3,
          "LogicalProcessorCount": 8, "TotalMemoryBytes": 68719476736},
 "vms": [
  {"Name": "web-behind", "Id": "5a1e0c0e-1c1d-4e39-9d0a-5b8a1e0c0001", "State": "Off",
   "ProcessorCount": 2, "MemoryStartup": 2147483648,
   "KVP": {"OSName": "Red Hat Enterprise Linux", "OSMajorVersion": "9", "OSMinorVersion": "4"}},
  {"Name": "db-behind", "Id": "5a1e0c0e-1c1d-4e39-9d0a-5b8a1e0c0002", "State": "Running",
   "CPUUsage": 4, "ProcessorCount": 4, "MemoryAssigned": 4294967296,
   "MemoryStartup": 4294967296, "UptimeSeconds": 600, "Heartbeat": "OkApplicationsHealthy"}
 ]}
JSON
JPORT=$(( 20000 + RANDOM % 20000 ))
pj_sshd jump "$JUMPADDR" "$JPORT"
pj_sshd kvm 127.0.0.1 2201
pj_sshd hv 127.0.0.1 2202 "$E2E_HVSIM --state $E2E_DIR/hv.json --log $E2E_DIR/hv.log"

cat >"$E2E_DIR/home/.ssh/config" <<SSHCONFIG
# The jump host: the one address of that network which this machine reaches.
Host jump
    HostName $JUMPADDR
    Port $JPORT

Host kvm-behind
    HostName 127.0.0.1
    Port 2201
    ProxyJump jump

Host hv-behind
    HostName 127.0.0.1
    Port 2202
    ProxyJump jump

Host *
    User root
    IdentityFile $E2E_KEY
    IdentitiesOnly yes
    UserKnownHostsFile $KH
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
    ConnectTimeout 10
    LogLevel ERROR
SSHCONFIG
chmod 600 "$E2E_DIR/home/.ssh/config"

# The guest behind the jump on KVM: a defined (not started) TCG guest.
e2e_define_tcg_guest pj-guest

# in_home CMD...: CMD with ~ (the passwd home) being $E2E_DIR/home, no agent,
# the system PATH (not the testbed's ssh wrapper), from the repository.
PWHOME=$(getent passwd "$(id -u)" | cut -d: -f6)
in_home() {
    unshare -m --propagation private -- /bin/sh -c '
        cd "$1" || exit 99
        mount --bind "$2" "$3" || exit 99
        shift 3
        exec env -u SSH_AUTH_SOCK HOME="$0" PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"' \
        "$PWHOME" "$E2E_ROOT" "$E2E_DIR/home" "$PWHOME" "$@"
}

# --- the targets are reachable through the jump only ---------------------------
if in_home timeout 20 ssh -o ProxyJump=none kvm-behind true </dev/null 2>"$E2E_DIR/direct.err"; then
    e2e_fail "kvm-behind answered without the jump: the test proves nothing"
else
    e2e_pass "kvm-behind is unreachable without ProxyJump: $(head -n1 "$E2E_DIR/direct.err")"
fi
in_home timeout 20 ssh kvm-behind true </dev/null 2>"$E2E_DIR/jump.err" &&
    e2e_pass "ssh kvm-behind works through the jump" ||
    e2e_die "ssh kvm-behind through the jump failed: $(head -n2 "$E2E_DIR/jump.err")"

# --- crossvisor, configured with the aliases only ------------------------------
CONF=$E2E_DIR/crossvisor.conf
e2e_conf "$CONF" 1 \
    '{ name = "kvm-behind"; type = "kvm"; uri = "qemu+ssh://kvm-behind/system"; }' \
    '{ name = "hv-behind"; type = "hyperv"; address = "hv-behind"; }'

# cv_home NAME ARGS...: crossvisor in that home, with cv_run's bookkeeping.
cv_home() {
    local name=$1 t
    shift
    CV_OUT=$E2E_DIR/$name.out CV_ERR=$E2E_DIR/$name.stderr CV_RC=0
    t=$(e2e_now_ms)
    in_home timeout -k 5 "$BOUND_S" "$CV_BIN" "$@" </dev/null >"$CV_OUT" 2>"$CV_ERR" || CV_RC=$?
    CV_MS=$(( $(e2e_now_ms) - t ))
    [ "$CV_RC" -ne 124 ] || e2e_fail "crossvisor $* hung: stopped after $BOUND_S s"
}

cv_home batch -c "$CONF" batch -n 1 --format json
e2e_assert_eq "batch exit status" 0 "$CV_RC"
J=$CV_OUT
e2e_assert_eq "kvm-behind state (qemu+ssh://kvm-behind/system through the jump)" up \
    "$(json_get 'hosts[name=kvm-behind].state' "$J")"
[ "$(json_get 'hosts[name=kvm-behind].state' "$J")" = up ] ||
    e2e_log "kvm-behind error: $(json_get 'hosts[name=kvm-behind].error' "$J")"
e2e_assert_eq "kvm-behind guest pj-guest" shutoff \
    "$(json_get 'guests[name=pj-guest].state' "$J")"
e2e_assert_eq "kvm-behind platform (crossvisor's libssh session through the jump)" \
    "$(e2e_local_platform)" "$(json_get 'hosts[name=kvm-behind].platform' "$J")"
e2e_assert_eq "hv-behind state (libssh, ProxyJump from ~/.ssh/config)" up \
    "$(json_get 'hosts[name=hv-behind].state' "$J")"
[ "$(json_get 'hosts[name=hv-behind].state' "$J")" = up ] ||
    e2e_log "hv-behind error: $(json_get 'hosts[name=hv-behind].error' "$J")"
e2e_assert_eq "hv-behind guest db-behind" running "$(json_get 'guests[name=db-behind].state' "$J")"
e2e_assert_eq "hv-behind guest web-behind" shutoff "$(json_get 'guests[name=web-behind].state' "$J")"
e2e_assert_eq "hv-behind platform" windows-server-2022 "$(json_get 'hosts[name=hv-behind].platform' "$J")"

# The jump carried them: the targets' sshds saw logins from the namespace's
# loopback (the jump's forwarding), and the jump saw this machine.
grep -q "Connection from $OUTER" "$E2E_DIR/sshd-jump.log" &&
    e2e_pass "the jump sshd saw connections from $OUTER" ||
    e2e_fail "the jump sshd's log shows no connection from $OUTER"
for t in kvm hv; do
    grep -q 'Accepted publickey' "$E2E_DIR/sshd-$t.log" &&
        e2e_pass "the $t target sshd (behind the jump) saw logins" ||
        e2e_fail "the $t target sshd saw no login"
done

# --- an action through the jump --------------------------------------------------
cv_home act -c "$CONF" act start hv-behind/web-behind
e2e_assert_eq "act start hv-behind/web-behind exit status" 0 "$CV_RC"
[ "$CV_RC" -eq 0 ] || e2e_log "act: $(head -n2 "$CV_ERR")"
e2e_assert_eq "web-behind in the simulator's state after act start" Running \
    "$(e2e_python -c 'import json, sys
print(next(v["State"] for v in json.load(open(sys.argv[1]))["vms"] if v["Name"] == "web-behind"))' \
        "$E2E_DIR/hv.json")"

e2e_log "test_proxyjump done in $(( $(e2e_now_ms) - T0 )) ms"
e2e_finish
