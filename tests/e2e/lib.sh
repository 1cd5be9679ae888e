# tests/e2e/lib.sh -- a private KVM testbed for crossvisor's end-to-end tests.
#
# Sourced by tests/e2e/test_*.sh. It needs root (mount namespaces, libvirtd's
# qemu driver) and nothing from the machine's own services:
#
#   * one mount namespace per test (unshare -m --propagation private) with
#     tmpfs over /run/libvirt, /var/lib/libvirt, /var/cache/libvirt,
#     /var/log/libvirt and a private copy of /etc/libvirt, so that a private
#     virtlogd + libvirtd never collide with the machine's own and nothing
#     they write (domain XML, images, logs) survives the test;
#   * an sshd on a free loopback port started inside that same namespace, so
#     qemu+ssh://root@127.0.0.1:PORT/system and test+ssh://.../ABS/node.xml
#     reach the private daemon;
#   * a client key, a pinned known_hosts and an ssh_config in $E2E_DIR, and
#     an `ssh` wrapper first in PATH, because libvirt's +ssh transport runs
#     whatever `ssh` is in PATH and OpenSSH reads ~/.ssh from the passwd home
#     (not $HOME), which the tests must not edit.
#
# Usage in a test:
#   set -eu
#   . "$(dirname "$0")/lib.sh"
#   e2e_setup                 # also traps e2e_teardown on EXIT/INT/TERM/HUP
#   ... assertions with e2e_fail / e2e_pass ...
#   e2e_finish                # exit 1 if any e2e_fail was recorded
#
# Exit statuses follow automake: 0 pass, 1 fail, 77 skip.
# Environment: CI=true turns skips for missing tools into failures;
# E2E_KEEP=1 keeps $E2E_DIR (logs, configs) after teardown; CROSSVISOR names
# the binary under test (default: ./crossvisor at the repository root).

# ---------------------------------------------------------------- constants

E2E_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_ROOT=$(cd "$E2E_LIB_DIR/../.." && pwd)
E2E_PREFIX=cv-e2e          # temp dirs are ${TMPDIR:-/tmp}/cv-e2e.XXXXXX
E2E_FAILURES=0
E2E_SSHD=/usr/sbin/sshd    # sshd must be started by absolute path (re-exec)

# Filled in by e2e_setup; empty means "no testbed".
E2E_DIR=${E2E_DIR:-}
E2E_PORT='' E2E_KEY='' E2E_KNOWN_HOSTS='' E2E_SSH_CONFIG=''

# ---------------------------------------------------------------- reporting

e2e_log()  { printf '%s\n' "e2e: $*" >&2; }

# One line per failed assertion; the test goes on so that every broken
# expectation is reported. e2e_finish turns any failure into exit 1.
e2e_fail() {
    E2E_FAILURES=$((E2E_FAILURES + 1))
    printf 'FAIL: %s\n' "$*" >&2
}

e2e_pass() { printf 'ok: %s\n' "$*"; }

# A failure after which the test cannot go on.
e2e_die() {
    e2e_fail "$*"
    exit 1
}

# Compare one value; WHAT says what was checked.
e2e_assert_eq() {
    local what=$1 expected=$2 seen=$3
    if [ "$expected" = "$seen" ]; then
        e2e_pass "$what = $seen"
    else
        e2e_fail "$what: expected '$expected', saw '$seen'"
    fi
}

e2e_finish() {
    if [ "$E2E_FAILURES" -gt 0 ]; then
        printf '%s: %d assertion(s) failed\n' "$(basename "$0")" "$E2E_FAILURES" >&2
        exit 1
    fi
    printf '%s: all assertions passed\n' "$(basename "$0")"
    exit 0
}

# Skip (77) outside CI, fail under CI=true: a missing daemon must never make
# CI green by skipping.
e2e_skip_or_fail() {
    if [ "${CI:-}" = true ]; then
        printf 'FAIL: %s (CI=true: missing prerequisites are failures)\n' "$*" >&2
        exit 1
    fi
    printf 'SKIP: %s\n' "$*"
    exit 77
}

# e2e_require CMD... -- every CMD must be runnable (a name in PATH or a path).
e2e_require() {
    local cmd missing=
    for cmd in "$@"; do
        command -v "$cmd" >/dev/null 2>&1 || missing="$missing $cmd"
    done
    [ -z "$missing" ] || e2e_skip_or_fail "missing required command(s):$missing"
}

e2e_require_root() {
    [ "$(id -u)" -eq 0 ] || e2e_skip_or_fail "needs root (mount namespace, libvirtd)"
}

# The binary under test. It is written in parallel with these tests, so its
# absence is a skip outside CI.
e2e_require_crossvisor() {
    CV_BIN=${CROSSVISOR:-$E2E_ROOT/crossvisor}
    [ -x "$CV_BIN" ] || e2e_skip_or_fail "crossvisor binary not found at $CV_BIN (run make)"
    export CV_BIN
}

# cv ARGS... -- run crossvisor from the repository root with a hard bound, so
# that a hang fails the test instead of blocking the run. CV_TIMEOUT seconds.
# In the background plus `wait`: a signal to the test interrupts the wait at
# once (a foreground child would delay the trap until it ends), and teardown
# then sweeps crossvisor, whose -c argument names $E2E_DIR.
# The journal goes to $E2E_DIR, never to the user's state directory.
cv() {
    (cd "$E2E_ROOT" && XDG_STATE_HOME="$E2E_DIR/state" &&
        export XDG_STATE_HOME &&
        exec $(e2e_net_words) timeout -k 5 "${CV_TIMEOUT:-120}" "$CV_BIN" "$@") &
    wait $!
}

# cv_run NAME ARGS... -- run crossvisor with stdout in $E2E_DIR/NAME.out and
# stderr in $E2E_DIR/NAME.stderr (files, not pipes: a child that inherited a
# pipe would hold a $(...) open). Sets CV_RC, CV_MS, CV_OUT, CV_ERR; never
# fails by itself, the caller asserts.
cv_run() {
    local name=$1 t
    shift
    CV_OUT=$E2E_DIR/$name.out CV_ERR=$E2E_DIR/$name.stderr CV_RC=0
    t=$(e2e_now_ms)
    cv "$@" </dev/null >"$CV_OUT" 2>"$CV_ERR" || CV_RC=$?
    CV_MS=$(( $(e2e_now_ms) - t ))
    if [ "$CV_RC" -eq 124 ] ||
        { [ "$CV_RC" -eq 137 ] && [ "$CV_MS" -ge $(( ${CV_TIMEOUT:-120} * 1000 )) ]; }; then
        e2e_fail "crossvisor $* hung: stopped by the test's ${CV_TIMEOUT:-120} s bound"
    elif [ "$CV_RC" -gt 128 ]; then
        e2e_fail "crossvisor $* died of signal $((CV_RC - 128)) after $CV_MS ms"
    fi
}

# True when the last cv_run ended by itself (not a timeout, not a signal).
cv_ended() { [ "$CV_RC" -ne 124 ] && [ "$CV_RC" -le 128 ]; }

# The first stderr line of the last cv_run, for failure messages.
cv_err1() { head -n1 "$CV_ERR" 2>/dev/null; }

# e2e_conf FILE REFRESH HOST_ENTRY... -- a crossvisor.conf (libconfig).
e2e_conf() {
    local file=$1 refresh=$2 sep=
    shift 2
    {
        echo "# written by tests/e2e for one test run"
        echo "refresh = $refresh;"
        echo "hosts = ("
        for entry in "$@"; do
            printf '%s  %s\n' "$sep" "$entry"
            sep=,
        done
        echo ");"
    } >"$file"
}

# e2e_kvm_host NAME URI -- one KVM host entry for e2e_conf.
e2e_kvm_host() { printf '{ name = "%s"; type = "kvm"; uri = "%s"; }' "$1" "$2"; }

# e2e_check_py ARGS... <<'PY' -- run a python check read from stdin; it
# prints "ok: ..." and "FAIL: ..." lines and each FAIL line counts as one
# failed assertion. A crash counts as one too.
e2e_check_py() {
    local out rc=0 n
    out=$(e2e_python - "$@" 2>&1) || rc=$?
    printf '%s\n' "$out" | grep -v '^FAIL: ' || true
    n=$(printf '%s\n' "$out" | grep -c '^FAIL: ' || true)
    printf '%s\n' "$out" | grep '^FAIL: ' >&2 || true
    E2E_FAILURES=$((E2E_FAILURES + n))
    [ "$rc" -eq 0 ] || [ "$n" -gt 0 ] || e2e_fail "python check exited $rc"
}

# Expected "platform" of the loopback host: <os-release ID>-<VERSION_ID>.
e2e_local_platform() {
    (. /etc/os-release && echo "$ID-$VERSION_ID")
}

# ---------------------------------------------------------------- utilities

# Monotonic-enough clock in milliseconds (date is fine at this resolution).
e2e_now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# e2e_wait_for 'SHELL COMMAND' TIMEOUT_SECONDS [INTERVAL]
# Polls until the command succeeds (0) or the timeout passes (1). All
# synchronisation goes through here: no bare sleeps.
e2e_wait_for() {
    local cmd=$1 timeout=$2 interval=${3:-0.2} deadline
    deadline=$(( $(e2e_now_ms) + ${timeout%.*} * 1000 ))
    while :; do
        if eval "$cmd" >/dev/null 2>&1; then return 0; fi
        [ "$(e2e_now_ms)" -lt "$deadline" ] || return 1
        sleep "$interval"
    done
}

# Real interpreter behind any pyenv-style shim, so that the pid we record is
# the python process itself.
e2e_python() {
    if [ -z "${E2E_PYTHON:-}" ]; then
        E2E_PYTHON=$(python3 -c 'import sys; print(sys.executable)')
    fi
    "$E2E_PYTHON" "$@"
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
e2e_free_port() {
    e2e_python -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

e2e_port_open() {
    if [ "${E2E_NETNS:-}" = 1 ]; then
        e2e_net bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
    else
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}

# E2E_NETNS=1 (set before e2e_setup or e2e_setup_ssh_only): the testbed's
# namespace is a network namespace too, with only its own loopback, so that
# a test may cut it (a DROP rule in its own firewall) without touching the
# machine's. Everything that talks to the testbed then runs through e2e_net.
e2e_netns_flag() { [ "${E2E_NETNS:-}" != 1 ] || printf '%s\n' -n; }
e2e_netns_word() { [ "${E2E_NETNS:-}" != 1 ] || echo net; }

# The words that put a command in the testbed's network namespace (none
# without E2E_NETNS), for `exec $(e2e_net_words) CMD`.
e2e_net_words() {
    if [ "${E2E_NETNS:-}" = 1 ] && [ -s "${E2E_DIR:-}/holder.pid" ]; then
        echo nsenter -t "$(cat "$E2E_DIR/holder.pid")" -n --
    fi
}

# e2e_net CMD... -- CMD in the testbed's network namespace (as is, without
# E2E_NETNS), keeping the caller's environment and mount namespace.
e2e_net() { $(e2e_net_words) "$@"; }

# json_get PATH [FILE] -- one value from one JSON document (stdin or FILE).
# PATH: dot-separated keys, [N] list indexes and [key=value] list filters
# (first match), e.g. 'hosts[name=kvm-e2e].state', 'guests[0].cpu_pct'.
# Strings print raw, null prints "null", containers print as JSON. A missing
# path prints "<missing>" and bad JSON "<invalid-json>" (exit 0 both), so an
# assertion can show what it saw.
json_get() {
    local path=$1
    shift
    e2e_python -c '
import json, re, sys
path = sys.argv[1]
src = open(sys.argv[2]) if len(sys.argv) > 2 else sys.stdin
try:
    v = json.loads(src.read())
except ValueError:
    print("<invalid-json>"); sys.exit(0)
tok = re.compile(r"\[(\d+)\]|\[([^=\]]+)=([^\]]*)\]|\.?([^.\[\]]+)")
pos = 0
while pos < len(path):
    m = tok.match(path, pos)
    if not m:
        print("<bad-path>"); sys.exit(0)
    pos = m.end()
    idx, fk, fv, key = m.groups()
    try:
        if idx is not None:
            v = v[int(idx)]
        elif fk is not None:
            v = next(e for e in v if str(e.get(fk)) == fv)
        else:
            v = v[key]
    except (KeyError, IndexError, TypeError, StopIteration, AttributeError):
        print("<missing>"); sys.exit(0)
if v is None: print("null")
elif isinstance(v, bool): print("true" if v else "false")
elif isinstance(v, str): print(v)
else: print(json.dumps(v))
' "$path" "$@"
}

# ---------------------------------------------------------------- processes

# A zombie counts as gone: PID 1 on these machines may reap late.
e2e_pid_zombie() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [ "${stat%% *}" = Z ]
}

e2e_pid_alive() {
    [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null && ! e2e_pid_zombie "$1"
}

# Stop PID: TERM, wait up to 5 s, then KILL.
e2e_stop_pid() {
    local pid=$1
    e2e_pid_alive "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    e2e_wait_for "! e2e_pid_alive $pid" 5 0.1 || kill -KILL "$pid" 2>/dev/null
    return 0
}

e2e_stop_pidfile() {
    [ -s "$1" ] || return 0
    e2e_stop_pid "$(cat "$1" 2>/dev/null)"
}

# Pids of every process inside the mount namespace recorded in DIR/mntns
# (libvirtd, virtlogd, sshd and its sessions, QEMU guests), or whose command
# line names DIR (ssh clients run through the wrapper, blackholes, crossvisor
# runs with a config in DIR). Never this shell or its ancestors.
e2e_leftover_pids() {
    local dir=$1 ns='' p pid cmd self=$$ me=${BASHPID:-$$}
    [ -s "$dir/mntns" ] && ns=$(cat "$dir/mntns")
    for p in /proc/[0-9]*; do
        pid=${p#/proc/}
        [ "$pid" = "$self" ] || [ "$pid" = "$me" ] && continue
        e2e_pid_zombie "$pid" && continue
        if [ -n "$ns" ] && [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$ns" ]; then
            echo "$pid"; continue
        fi
        cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
        case $cmd in *"$dir"*) echo "$pid" ;; esac
    done
}

# TERM, then KILL, every leftover of DIR until none is left (or 10 s).
e2e_sweep() {
    local dir=$1 pids
    pids=$(e2e_leftover_pids "$dir")
    [ -n "$pids" ] || return 0
    # shellcheck disable=SC2086
    kill -TERM $pids 2>/dev/null
    e2e_wait_for "[ -z \"\$(e2e_leftover_pids '$dir')\" ]" 3 0.1 && return 0
    # shellcheck disable=SC2046
    kill -KILL $(e2e_leftover_pids "$dir") 2>/dev/null
    e2e_wait_for "[ -z \"\$(e2e_leftover_pids '$dir')\" ]" 7 0.1 || {
        e2e_log "processes left behind from $dir:"
        # shellcheck disable=SC2046
        ps -o pid=,args= -p "$(e2e_leftover_pids "$dir" | paste -sd, -)" >&2
        return 1
    }
}

# ---------------------------------------------------------------- namespace

# e2e_ns CMD... -- run CMD inside the private mount namespace with a clean
# environment (the daemons must not inherit the test's PATH or locale).
e2e_ns() {
    nsenter -t "$(cat "$E2E_DIR/holder.pid")" -m $(e2e_netns_flag) -- \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C "$@"
}

# e2e_virsh ARGS... -- virsh on the private daemon's local socket (fast, no
# ssh: for fixtures and teardown, not for what is under test).
e2e_virsh() { e2e_ns virsh -q -c qemu:///system "$@"; }

# The script that becomes the namespace holder: it makes the private mounts,
# records itself and sleeps until teardown kills it.
e2e_write_ns_init() {
    cat >"$E2E_DIR/ns-init.sh" <<'EOF'
#!/bin/sh
# Runs as the first process of a new private mount namespace.
set -e
dir=$1
# A copy of /etc/libvirt: defining a domain writes /etc/libvirt/qemu/NAME.xml
# and the drivers create config dirs; none of that may reach the machine.
mkdir "$dir/ns-etc"
cp -a /etc/libvirt/. "$dir/ns-etc/"
mount -n -t tmpfs -o mode=0755 cv-e2e-etc /etc/libvirt
cp -a "$dir/ns-etc/." /etc/libvirt/
rm -rf "$dir/ns-etc" /etc/libvirt/qemu/networks/autostart/* /etc/libvirt/qemu/*.xml
# Errors only, to a file the test can show; the daemon's default is journald.
echo 'log_outputs="3:file:'"$dir"'/libvirtd.log"' >>/etc/libvirt/libvirtd.conf
echo 'log_outputs="3:file:'"$dir"'/virtlogd.log"' >>/etc/libvirt/virtlogd.conf
# No cgroups: libvirt would leave machine/ partitions on the host's cgroupfs.
# QEMU as root: where /dev/kvm exists but only root may open it, libvirt 9.0
# running QEMU as libvirt-qemu finds its capability cache stale on every
# lookup and re-probes QEMU (about 2 s, many times per call).
cat >>/etc/libvirt/qemu.conf <<'QEMUCONF'
cgroup_controllers = [ ]
user = "root"
group = "root"
QEMUCONF
for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
    mkdir -p "$d"
    mount -n -t tmpfs -o mode=0755 cv-e2e "$d"
done
mkdir -p /run/libvirt/qemu /var/lib/libvirt/qemu /var/lib/libvirt/images \
         /var/cache/libvirt/qemu /var/log/libvirt/qemu
# /run itself is shared: the /run/libvirt mount point and sshd's privilege-
# separation dir are the only traces on the machine (empty directories that
# the packages' own services create too). mount -n: no /run/mount/utab.
mkdir -p /run/sshd
# With E2E_NETNS=1 this is also a network namespace of its own: bring up lo.
[ "${2:-}" != net ] || ip link set lo up
readlink /proc/$$/ns/mnt >"$dir/mntns"
echo $$ >"$dir/holder.pid"
: >"$dir/ns-ready"
exec sleep infinity
EOF
}

# Runs $E2E_DIR/ns-init.sh as the holder of a new private mount namespace
# (a network one too with E2E_NETNS=1) and waits until it is ready.
# setsid: a Ctrl-C on the terminal reaches the test, whose trap tears the
# namespace down in order, rather than killing the holder first.
e2e_run_ns_init() {
    local starter
    setsid unshare -m $(e2e_netns_flag) --propagation private -- /bin/sh "$E2E_DIR/ns-init.sh" \
        "$E2E_DIR" $(e2e_netns_word) </dev/null >"$E2E_DIR/ns-init.log" 2>&1 &
    starter=$!
    e2e_wait_for "[ -f '$E2E_DIR/ns-ready' ] || ! kill -0 $starter" 20 0.05
    [ -f "$E2E_DIR/ns-ready" ] ||
        e2e_die "private mount namespace did not start: $(cat "$E2E_DIR/ns-init.log")"
}

e2e_start_namespace() {
    e2e_write_ns_init
    e2e_run_ns_init
}

e2e_start_libvirt() {
    local root
    root=/proc/$(cat "$E2E_DIR/holder.pid")/root
    e2e_ns virtlogd -d -p "$E2E_DIR/virtlogd.pid" ||
        e2e_die "virtlogd -d failed (see $E2E_DIR/virtlogd.log)"
    e2e_wait_for "[ -S $root/run/libvirt/virtlogd-sock ]" 20 0.05 ||
        e2e_die "virtlogd socket did not appear in 20 s"
    e2e_ns libvirtd -d -p "$E2E_DIR/libvirtd.pid" ||
        e2e_die "libvirtd -d failed (see $E2E_DIR/libvirtd.log)"
    e2e_wait_for "[ -S $root/run/libvirt/libvirt-sock ]" 30 0.05 ||
        e2e_die "libvirtd socket did not appear in 30 s: $(tail -3 "$E2E_DIR/libvirtd.log" 2>/dev/null)"
    # The socket exists before the qemu driver has probed QEMU: wait until it
    # answers, so the first test call does not pay (or time out on) that.
    e2e_wait_for "e2e_virsh uri" 60 0.1 ||
        e2e_die "private libvirtd does not answer on qemu:///system"
}

# ---------------------------------------------------------------- ssh

e2e_write_ssh_files() {
    local d=$E2E_DIR
    ssh-keygen -q -t ed25519 -N '' -C cv-e2e-client -f "$d/id_ed25519"
    ssh-keygen -q -t ed25519 -N '' -C cv-e2e-host -f "$d/ssh_host_ed25519_key"
    cp "$d/id_ed25519.pub" "$d/authorized_keys"
    chmod 600 "$d/authorized_keys" "$d/id_ed25519"
    E2E_KEY=$d/id_ed25519
    E2E_KNOWN_HOSTS=$d/known_hosts
    E2E_SSH_CONFIG=$d/ssh_config

    # Every option is explicit so that nothing from ~/.ssh or /etc/ssh can
    # change what the tests see. No ConnectTimeout or ServerAlive*: the tests
    # must prove that crossvisor bounds a stuck host by itself.
    cat >"$E2E_SSH_CONFIG" <<EOF
Host *
    IdentityFile $E2E_KEY
    IdentitiesOnly yes
    IdentityAgent none
    UserKnownHostsFile $E2E_KNOWN_HOSTS
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    UpdateHostKeys no
    BatchMode yes
    ControlMaster no
    ControlPath none
    LogLevel ERROR
EOF
    # libvirt's +ssh transport runs the first `ssh` in PATH; the paths are
    # written literally so the wrapper works whatever the caller's env.
    mkdir -p "$d/bin"
    cat >"$d/bin/ssh" <<EOF
#!/bin/sh
exec /usr/bin/ssh -F '$E2E_SSH_CONFIG' "\$@"
EOF
    chmod 755 "$d/bin/ssh"
}

e2e_write_sshd_config() {
    local d=$E2E_DIR
    cat >"$d/sshd_config" <<EOF
Port $E2E_PORT
ListenAddress 127.0.0.1
HostKey $d/ssh_host_ed25519_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
# The key lives under \$TMPDIR, whose modes StrictModes would refuse.
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
# Many hosts may connect at once; the default 10:30:100 drops some at random.
MaxStartups 200
MaxSessions 100
LogLevel VERBOSE
PrintMotd no
Subsystem sftp internal-sftp
# A session's command runs in the user's shell, and bash started by sshd
# reads ~/.bashrc: what root's start-up does there (a slow or locking
# script) is no part of a host's answer. bash skips it for a shell that is
# not the first one.
SetEnv SHLVL=1
EOF
    printf '[127.0.0.1]:%s %s\n' "$E2E_PORT" "$(cut -d' ' -f1,2 "$d/ssh_host_ed25519_key.pub")" \
        >"$E2E_KNOWN_HOSTS"
}

# Start the test sshd inside the namespace on a free port; a port taken
# between the probe and sshd's bind is retried with another one.
e2e_start_sshd() {
    local try
    for try in 1 2 3; do
        E2E_PORT=$(e2e_free_port)
        e2e_write_sshd_config
        e2e_ns "$E2E_SSHD" -t -f "$E2E_DIR/sshd_config" ||
            e2e_die "sshd -t refused $E2E_DIR/sshd_config"
        rm -f "$E2E_DIR/sshd.pid"
        e2e_ns "$E2E_SSHD" -f "$E2E_DIR/sshd_config" -E "$E2E_DIR/sshd.log" ||
            e2e_die "sshd failed to start (see $E2E_DIR/sshd.log)"
        if e2e_wait_for "[ -s '$E2E_DIR/sshd.pid' ] && e2e_port_open $E2E_PORT" 10 0.05; then
            return 0
        fi
        e2e_stop_pidfile "$E2E_DIR/sshd.pid"
        e2e_log "sshd did not listen on port $E2E_PORT (try $try)"
    done
    e2e_die "sshd did not start: $(tail -3 "$E2E_DIR/sshd.log" 2>/dev/null)"
}

# e2e_extra_sshd NAME [LINE] -- another sshd in the namespace, same users and
# keys but its own fresh host key ($E2E_DIR/ssh_host_NAME_key.pub) that is
# NOT in known_hosts, and LINE added to its sshd_config; prints its port.
# Log: $E2E_DIR/sshd-NAME.log. For host-key tests: add a wrong line to
# $E2E_KNOWN_HOSTS, or none.
e2e_extra_sshd() {
    local name=$1 port cfg=$E2E_DIR/sshd_config.$1 key=$E2E_DIR/ssh_host_$1_key
    ssh-keygen -q -t ed25519 -N '' -C "cv-e2e-$name" -f "$key"
    port=$(e2e_free_port)
    sed -e "s|^Port .*|Port $port|" -e "s|^HostKey .*|HostKey $key|" \
        -e "s|^PidFile .*|PidFile $E2E_DIR/pids/sshd-$name.pid|" \
        "$E2E_DIR/sshd_config" >"$cfg"
    [ -z "${2:-}" ] || printf '%s\n' "$2" >>"$cfg"
    e2e_ns "$E2E_SSHD" -f "$cfg" -E "$E2E_DIR/sshd-$name.log" ||
        e2e_die "sshd $name failed to start"
    e2e_wait_for "[ -s '$E2E_DIR/pids/sshd-$name.pid' ] && e2e_port_open $port" 10 0.05 ||
        e2e_die "sshd $name did not listen on port $port"
    echo "$port"
}

# ---------------------------------------------------------------- URIs

# known_hosts=... is accepted (and ignored) by libvirt 9.0's +ssh transport;
# it is there for the platform read, whose ssh is given it.
e2e_qemu_uri() {
    printf 'qemu+ssh://root@127.0.0.1:%s/system?keyfile=%s&no_tty=1&known_hosts=%s\n' \
        "$E2E_PORT" "$E2E_KEY" "$E2E_KNOWN_HOSTS"
}

# e2e_test_uri ABS_NODE_XML -- the node file is read on the daemon's side.
e2e_test_uri() {
    printf 'test+ssh://root@127.0.0.1:%s%s?keyfile=%s&no_tty=1&known_hosts=%s\n' \
        "$E2E_PORT" "$1" "$E2E_KEY" "$E2E_KNOWN_HOSTS"
}

# ---------------------------------------------------------------- setup

e2e_traps() {
    trap e2e_teardown EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'exit 129' HUP
}

# A test killed with SIGKILL cannot tear down: the next setup does it, for
# every testbed whose owner process is gone.
e2e_reap_stale() {
    local d owner
    for d in "${TMPDIR:-/tmp}/$E2E_PREFIX".*; do
        [ -f "$d/owner.pid" ] || continue
        owner=$(cat "$d/owner.pid" 2>/dev/null)
        e2e_pid_alive "$owner" && continue
        e2e_log "reaping stale testbed $d (owner $owner is gone)"
        E2E_KEEP='' e2e_teardown_dir "$d"
    done
}

e2e_setup() {
    e2e_require_root
    e2e_require unshare nsenter setsid timeout libvirtd virtlogd virsh "$E2E_SSHD" \
        ssh ssh-keygen python3
    E2E_PYTHON=$(python3 -c 'import sys; print(sys.executable)')
    export E2E_PYTHON
    e2e_reap_stale
    E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$E2E_PREFIX.XXXXXX")
    echo $$ >"$E2E_DIR/owner.pid"
    mkdir -p "$E2E_DIR/pids"
    : >"$E2E_DIR/domains"
    e2e_traps
    local t0
    t0=$(e2e_now_ms)

    e2e_write_ssh_files
    e2e_start_namespace
    e2e_start_libvirt
    e2e_start_sshd
    # Prove the whole chain once, with a clear message if it breaks.
    PATH="$E2E_DIR/bin:$PATH" e2e_net ssh -p "$E2E_PORT" root@127.0.0.1 true ||
        e2e_die "ssh to the test sshd failed (see $E2E_DIR/sshd.log)"

    export E2E_DIR E2E_PORT E2E_KEY E2E_KNOWN_HOSTS E2E_SSH_CONFIG
    export PATH="$E2E_DIR/bin:$PATH"
    e2e_log "testbed ready in $(( $(e2e_now_ms) - t0 )) ms: $E2E_DIR, sshd on 127.0.0.1:$E2E_PORT"
}

# ---------------------------------------------------------------- teardown

# Tear down the testbed in DIR; safe to call on a half-built or already torn
# down testbed, and from a trap. A subshell, so that the caller's set -e
# cannot stop it halfway: every step is best effort.
e2e_teardown_dir() (
    set +e
    dir=$1 holder='' daemon=''
    [ -d "$dir" ] || return 0
    [ -s "$dir/holder.pid" ] && holder=$(cat "$dir/holder.pid")
    [ -s "$dir/libvirtd.pid" ] && daemon=$(cat "$dir/libvirtd.pid")
    # Guests first: libvirtd leaves running QEMU processes behind when it
    # stops. virsh must run inside the namespace (the daemon's socket is
    # there): entered through libvirtd itself, which outlives a lost holder.
    if e2e_pid_alive "$daemon" && [ -s "$dir/domains" ]; then
        while read -r name; do
            [ -n "$name" ] || continue
            timeout 15 nsenter -t "$daemon" -m -- \
                virsh -q -c qemu:///system destroy "$name" >/dev/null 2>&1
        done <"$dir/domains"
    fi
    e2e_stop_pidfile "$dir/sshd.pid"
    e2e_stop_pidfile "$dir/libvirtd.pid"
    e2e_stop_pidfile "$dir/virtlogd.pid"
    for name in "$dir"/pids/*.pid; do
        [ -f "$name" ] && e2e_stop_pidfile "$name"
    done
    e2e_stop_pid "$holder"
    # Whatever is still inside the namespace or names the directory.
    e2e_sweep "$dir"
    if [ -n "${E2E_KEEP:-}" ]; then
        # Nothing runs any more: the next setup has nothing to reap here.
        mv -f "$dir/owner.pid" "$dir/owner.pid.kept" 2>/dev/null
        e2e_log "kept $dir (E2E_KEEP)"
    else
        rm -rf "$dir"
    fi
)

e2e_teardown() {
    local rc=$?
    set +e
    trap - EXIT INT TERM HUP
    if [ -n "${E2E_DIR:-}" ] && [ -d "$E2E_DIR" ]; then
        if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -z "${E2E_KEEP:-}" ]; then
            e2e_show_logs
        fi
        e2e_teardown_dir "$E2E_DIR"
    fi
    E2E_DIR=
    return "$rc"
}

# On failure, the tail of each daemon log: the test dir is about to go.
e2e_show_logs() {
    local f
    for f in "$E2E_DIR"/libvirtd.log "$E2E_DIR"/sshd.log "$E2E_DIR"/*.stderr; do
        [ -s "$f" ] || continue
        e2e_log "--- tail of $(basename "$f")"
        tail -n 15 "$f" >&2
    done
}

# ---------------------------------------------------------------- fixtures

# e2e_gen_nodefile FILE N -- a libvirt test-driver node file with N domains
# tg-0001..tg-NNNN, type kvm, a disk and a NIC each, stable UUIDs and MACs,
# states and OS ids that vary with the index. FILE.manifest gets one line
# per domain: "name uuid state os-id" (os-id "-" when the domain has no
# libosinfo metadata), which the tests compare crossvisor's output with.
#   i % 5 == 3: paused; i % 5 == 4: shutoff; else running.
#   i % 7 == 0: no libosinfo metadata (an unidentifiable guest).
e2e_gen_nodefile() {
    local file=$1 n=$2 i name uuid state rs os vcpus mem machine
    local oses=(http://redhat.com/rhel/9.2 http://redhat.com/rhel/8.8
                http://ubuntu.com/ubuntu/22.04 http://debian.org/debian/12
                http://microsoft.com/win/2k22 http://rockylinux.org/rocky/9
                http://suse.com/sles/15.5)
    : >"$file.manifest"
    {
        echo "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>"
        for ((i = 1; i <= n; i++)); do
            name=$(printf 'tg-%04d' "$i")
            uuid=$(printf '6c7a0e2e-0000-4000-8000-%012d' "$i")
            case $((i % 5)) in
                3) state=paused rs=3 ;;
                4) state=shutoff rs=5 ;;
                *) state=running rs=1 ;;
            esac
            if ((i % 7 == 0)); then os=-; else os=${oses[i % ${#oses[@]}]}; fi
            vcpus=$((1 << (i % 3)))
            mem=$((524288 << (i % 4)))
            if ((i % 2)); then machine=pc-q35-7.2; else machine=pc-i440fx-7.2; fi
            echo "$name $uuid $state $os" >>"$file.manifest"
            cat <<EOF
  <domain type='kvm'>
    <name>$name</name>
    <uuid>$uuid</uuid>
    <metadata>
EOF
            [ "$os" = - ] || cat <<EOF
      <libosinfo:libosinfo xmlns:libosinfo="http://libosinfo.org/xmlns/libvirt/domain/1.0">
        <libosinfo:os id="$os"/>
      </libosinfo:libosinfo>
EOF
            cat <<EOF
    </metadata>
    <memory unit='KiB'>$mem</memory>
    <currentMemory unit='KiB'>$mem</currentMemory>
    <vcpu placement='static'>$vcpus</vcpu>
    <os><type arch='x86_64' machine='$machine'>hvm</type><boot dev='hd'/></os>
    <devices>
      <disk type='file' device='disk'>
        <driver name='qemu' type='qcow2'/>
        <source file='/var/lib/libvirt/images/$name.qcow2'/>
        <target dev='vda' bus='virtio'/>
      </disk>
      <interface type='network'>
        <mac address='52:54:00:e2:$(printf '%02x:%02x' $((i / 256)) $((i % 256)))'/>
        <source network='default'/>
        <model type='virtio'/>
      </interface>
    </devices>
    <test:runstate>$rs</test:runstate>
  </domain>
EOF
        done
        cat <<'EOF'
  <network>
    <name>default</name>
    <bridge name='virbr0'/>
    <forward/>
    <ip address='192.168.122.1' netmask='255.255.255.0'/>
  </network>
</node>
EOF
    } >"$file"
}

# e2e_define_tcg_guest NAME [idle] -- define (not start) a real QEMU guest
# under TCG in the private daemon: 64 MiB, 1 vCPU, a 64 MiB qcow2 virtio
# disk, a virtio NIC on an unbridged tap (iPXE's DHCP requests make net.0.*
# move), a virtio balloon reporting stats every second, no graphics, serial
# to a file. An idle guest boots from its empty disk only and then waits at
# SeaBIOS's message instead of retrying every minute: its NIC stays quiet,
# and a fleet of them costs the machine next to nothing.
e2e_define_tcg_guest() {
    local name=$1 img=/var/lib/libvirt/images/$1.qcow2 boot
    boot="    <boot dev='hd'/>
    <boot dev='network'/>"
    [ "${2:-}" != idle ] || boot="    <boot dev='hd'/>
    <bios rebootTimeout='-1'/>"
    e2e_require qemu-img qemu-system-x86_64
    e2e_ns qemu-img create -q -f qcow2 "$img" 64M ||
        e2e_die "qemu-img create $img failed"
    cat >"$E2E_DIR/$name.xml" <<EOF
<domain type='qemu'>
  <name>$name</name>
  <memory unit='MiB'>64</memory>
  <currentMemory unit='MiB'>64</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
$boot
  </os>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='$img'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='ethernet'>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='/var/log/libvirt/qemu/$name.serial'/>
    </serial>
    <memballoon model='virtio'>
      <stats period='1'/>
    </memballoon>
  </devices>
</domain>
EOF
    echo "$name" >>"$E2E_DIR/domains"
    e2e_virsh define "$E2E_DIR/$name.xml" >/dev/null ||
        e2e_die "virsh define $name failed: $(tail -3 "$E2E_DIR/libvirtd.log" 2>/dev/null)"
}

# State of a domain in the private daemon, as virsh words it.
e2e_domstate() { e2e_virsh domstate "$1" 2>/dev/null | head -n1; }

# e2e_start_guest NAME -- start a defined guest and wait until it runs.
e2e_start_guest() {
    e2e_virsh start "$1" >/dev/null || e2e_die "virsh start $1 failed"
    e2e_wait_for "[ \"\$(e2e_domstate $1)\" = running ]" 30 ||
        e2e_die "$1 is not running 30 s after start: $(e2e_domstate "$1")"
}

# e2e_blackhole_port -- print the port of a loopback listener that accepts
# every connection and never sends a byte (a host that hangs mid-handshake).
# Killed at teardown; closing its sockets also ends any ssh client stuck on it.
e2e_blackhole_port() {
    local n f
    n=$(find "$E2E_DIR/pids" -name 'blackhole.*.port' | wc -l)
    f=$E2E_DIR/pids/blackhole.$n
    # The directory is in argv so that the sweep finds it by its cmdline.
    setsid "${E2E_PYTHON:-$(command -v python3)}" -c '
import os, socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(128)
open(sys.argv[1] + ".port.tmp", "w").write("%d\n" % s.getsockname()[1])
open(sys.argv[1] + ".pid", "w").write("%d\n" % os.getpid())
os.rename(sys.argv[1] + ".port.tmp", sys.argv[1] + ".port")
held = []
while True:
    c, _ = s.accept()
    held.append(c)            # keep it open, say nothing
' "$f" </dev/null >"$f.log" 2>&1 &
    e2e_wait_for "[ -s '$f.port' ]" 10 0.05 || e2e_die "blackhole listener did not start"
    cat "$f.port"
}

# ---------------------------------------------------------------- Hyper-V

# The Hyper-V tests need no libvirtd: only sshds that run the simulator
# (tests/sim/hvsim) in place of powershell.exe, one sshd per simulated host.
#
#   e2e_setup_ssh_only        # like e2e_setup, without libvirtd/virtlogd
#   port=$(e2e_hv_sshd hv-a --state "$E2E_DIR/a.json" --log "$E2E_DIR/a.log")
#   e2e_conf "$CONF" 1 "$(e2e_hv_host hv-a "$port")"
#
# Teardown is the same as e2e_setup's (trap on EXIT/INT/TERM/HUP): every
# sshd, its sessions and the simulators they run live in a private mount
# namespace, and all of it is swept by that namespace.

# The simulator binary; a skip (a failure under CI) when it is not built.
e2e_require_hvsim() {
    E2E_HVSIM=${HVSIM:-$E2E_ROOT/tests/sim/hvsim}
    [ -x "$E2E_HVSIM" ] || e2e_skip_or_fail "Hyper-V simulator not found at $E2E_HVSIM (run make)"
    export E2E_HVSIM
}

# The holder of a private mount namespace with nothing mounted in it: the
# sshds and their sessions are started inside, so that teardown finds every
# one of them (session processes do not name $E2E_DIR on their command line).
e2e_start_light_namespace() {
    cat >"$E2E_DIR/ns-init.sh" <<'NSINIT'
#!/bin/sh
# Runs as the first process of a new private mount namespace.
set -e
dir=$1
# sshd's privilege-separation directory (the packages' own sshd makes it too).
mkdir -p /run/sshd
# With E2E_NETNS=1 this is also a network namespace of its own: bring up lo.
[ "${2:-}" != net ] || ip link set lo up
readlink /proc/$$/ns/mnt >"$dir/mntns"
echo $$ >"$dir/holder.pid"
: >"$dir/ns-ready"
exec sleep infinity
NSINIT
    e2e_run_ns_init
}

# A testbed with ssh files (client key, ssh_config, an empty known_hosts,
# an sshd_config template) and the namespace, but no sshd and no libvirt:
# start sshds with e2e_hv_sshd. E2E_PORT stays empty.
e2e_setup_ssh_only() {
    e2e_require_root
    e2e_require unshare nsenter setsid timeout "$E2E_SSHD" ssh-keygen python3
    E2E_PYTHON=$(python3 -c 'import sys; print(sys.executable)')
    export E2E_PYTHON
    e2e_reap_stale
    E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/$E2E_PREFIX.XXXXXX")
    echo $$ >"$E2E_DIR/owner.pid"
    mkdir -p "$E2E_DIR/pids"
    e2e_traps
    local t0
    t0=$(e2e_now_ms)

    e2e_write_ssh_files
    # The template for e2e_hv_sshd; its port line is replaced per sshd.
    E2E_PORT=22
    e2e_write_sshd_config
    E2E_PORT=
    : >"$E2E_KNOWN_HOSTS"
    e2e_start_light_namespace

    export E2E_DIR E2E_PORT E2E_KEY E2E_KNOWN_HOSTS E2E_SSH_CONFIG
    e2e_log "ssh-only testbed ready in $(( $(e2e_now_ms) - t0 )) ms: $E2E_DIR"
}

# e2e_hv_sshd NAME HVSIM_ARGS... -- an sshd on a free loopback port (or
# $E2E_HV_PORT) whose
# every session runs the simulator (ForceCommand: hvsim HVSIM_ARGS, which
# reads powershell.exe's command line from SSH_ORIGINAL_COMMAND). Its own
# host key $E2E_DIR/ssh_host_NAME_key is pinned in $E2E_KNOWN_HOSTS; prints
# the port. Log: $E2E_DIR/sshd-NAME.log. Arguments must not contain blanks
# or quotes (sshd runs ForceCommand through the shell): use $E2E_DIR paths.
e2e_hv_sshd() {
    local name=$1 port try arg cmd cfg=$E2E_DIR/sshd_config.$1 key=$E2E_DIR/ssh_host_$1_key
    shift
    [ -n "${E2E_HVSIM:-}" ] || e2e_require_hvsim
    cmd=$E2E_HVSIM
    for arg in "$@"; do
        case $arg in
            *[[:space:]\'\"\\\$\`]*) e2e_die "e2e_hv_sshd $name: argument '$arg' needs quoting" ;;
        esac
        cmd="$cmd $arg"
    done
    [ -f "$key" ] || ssh-keygen -q -t ed25519 -N '' -C "cv-e2e-$name" -f "$key"
    for try in 1 2 3; do
        # E2E_HV_PORT: that port (a fault test replaces a listener with it).
        port=${E2E_HV_PORT:-$(e2e_free_port)}
        sed -e "s|^Port .*|Port $port|" -e "s|^HostKey .*|HostKey $key|" \
            -e "s|^PidFile .*|PidFile $E2E_DIR/pids/sshd-$name.pid|" \
            "$E2E_DIR/sshd_config" >"$cfg"
        printf 'ForceCommand %s\n' "$cmd" >>"$cfg"
        rm -f "$E2E_DIR/pids/sshd-$name.pid"
        e2e_ns "$E2E_SSHD" -f "$cfg" -E "$E2E_DIR/sshd-$name.log" ||
            e2e_die "sshd $name failed to start (see $E2E_DIR/sshd-$name.log)"
        if e2e_wait_for "[ -s '$E2E_DIR/pids/sshd-$name.pid' ] && e2e_port_open $port" 10 0.05; then
            printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$key.pub")" >>"$E2E_KNOWN_HOSTS"
            echo "$port"
            return 0
        fi
        e2e_stop_pidfile "$E2E_DIR/pids/sshd-$name.pid"
        e2e_log "sshd $name did not listen on port $port (try $try)"
    done
    e2e_die "sshd $name did not start: $(tail -3 "$E2E_DIR/sshd-$name.log" 2>/dev/null)"
}

# e2e_hv_host NAME PORT [KNOWN_HOSTS] -- one Hyper-V host entry for e2e_conf
# (ssh transport, the testbed's client key; known_hosts defaults to the
# testbed's).
e2e_hv_host() {
    printf '{ name = "%s"; type = "hyperv"; address = "127.0.0.1"; port = %s; user = "root"; identity = "%s"; known_hosts = "%s"; }' \
        "$1" "$2" "$E2E_KEY" "${3:-$E2E_KNOWN_HOSTS}"
}

# e2e_hv_log_count LOG SCRIPT -- how many calls of SCRIPT (session, poll,
# action, unknown, badparams) the simulator's --log LOG records.
e2e_hv_log_count() {
    [ -f "$1" ] || { echo 0; return 0; }
    awk -v s="$2" '$2 == s { n++ } END { print n + 0 }' "$1"
}

# ---------------------------------------------------------------- faults

# cv_bg NAME ARGS... -- crossvisor in the background (a `batch` that runs
# while the test injects faults). Each stdout line lands in $E2E_DIR/NAME.out
# as "MS<TAB>LINE", MS being when it arrived (e2e_now_ms's clock); stderr in
# NAME.stderr. Sets CV_BG_PID (crossvisor itself) and CV_BG_OUT.
cv_bg() {
    local name=$1 fifo
    shift
    fifo=$E2E_DIR/$name.fifo
    CV_BG_OUT=$E2E_DIR/$name.out
    rm -f "$fifo"
    mkfifo "$fifo"
    e2e_python -u -c 'import sys, time
out = open(sys.argv[1], "w")
for line in sys.stdin:
    out.write("%d\t%s" % (time.time() * 1000, line))
    out.flush()
' "$CV_BG_OUT" <"$fifo" &
    CV_BG_STAMP=$!
    (cd "$E2E_ROOT" && XDG_STATE_HOME="$E2E_DIR/state" &&
        export XDG_STATE_HOME && exec $(e2e_net_words) "$CV_BIN" "$@") \
        </dev/null >"$fifo" 2>"$E2E_DIR/$name.stderr" &
    CV_BG_PID=$!
}

# cv_bg_lines -- how many lines the background crossvisor has printed.
cv_bg_lines() { grep -c . "$CV_BG_OUT" 2>/dev/null || echo 0; }

# cv_bg_wait_lines N SECONDS -- until it has printed N lines.
cv_bg_wait_lines() {
    e2e_wait_for "[ \$(cv_bg_lines) -ge $1 ]" "$2" 0.1
}

# cv_bg_stop -- SIGINT (a user's Ctrl-C) to the background crossvisor; sets
# CV_BG_QUIT_MS (how long it took to exit) and CV_BG_RC.
cv_bg_stop() {
    local t
    t=$(e2e_now_ms)
    kill -INT "$CV_BG_PID" 2>/dev/null
    e2e_wait_for "! e2e_pid_alive $CV_BG_PID" 10 0.02 || kill -KILL "$CV_BG_PID" 2>/dev/null
    CV_BG_QUIT_MS=$(( $(e2e_now_ms) - t ))
    CV_BG_RC=0
    wait "$CV_BG_PID" 2>/dev/null || CV_BG_RC=$?
    wait "$CV_BG_STAMP" 2>/dev/null || true
}

# e2e_proc_stats PID -- "THREADS FDS RSS_KIB" of a running process.
e2e_proc_stats() {
    local pid=$1
    printf '%s %s %s\n' "$(find "/proc/$pid/task" -mindepth 1 -maxdepth 1 | wc -l)" \
        "$(find "/proc/$pid/fd" -mindepth 1 -maxdepth 1 | wc -l)" \
        "$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
}

# e2e_descendants PID -- every descendant of PID (one pass over ps).
e2e_descendants() {
    ps -e -o pid=,ppid= | awk -v root="$1" '
        { parent[$1] = $2 }
        END {
            for (p in parent) {
                q = parent[p]
                while (q != "" && q != 0 && q != 1 && q != root) q = parent[q]
                if (q == root) print p
            }
        }'
}

# e2e_sshd_files NAME -- "CONFIG PIDFILE LOG" of the testbed's sshd (NAME
# empty: the main one of e2e_setup; else one of e2e_hv_sshd/e2e_extra_sshd).
e2e_sshd_files() {
    if [ -z "$1" ]; then
        echo "$E2E_DIR/sshd_config $E2E_DIR/sshd.pid $E2E_DIR/sshd.log"
    else
        echo "$E2E_DIR/sshd_config.$1 $E2E_DIR/pids/sshd-$1.pid $E2E_DIR/sshd-$1.log"
    fi
}

# e2e_sshd_kill NAME -- kill an sshd and every session under it with
# SIGKILL (a crash, or the machine going away: the sessions die too, unlike
# `systemctl stop ssh`), and wait until its port refuses.
e2e_sshd_kill() {
    local cfg pidf log pid port kids
    read -r cfg pidf log <<<"$(e2e_sshd_files "$1")"
    pid=$(cat "$pidf")
    port=$(awk '$1 == "Port" { print $2 }' "$cfg")
    kids=$(e2e_descendants "$pid")
    # shellcheck disable=SC2086
    kill -KILL "$pid" $kids 2>/dev/null
    e2e_wait_for "! e2e_pid_alive $pid && ! e2e_port_open $port" 10 0.05 ||
        e2e_fail "sshd ${1:-main} still answers on port $port after SIGKILL"
}

# e2e_sshd_restart NAME -- start that sshd again, same port and host key.
e2e_sshd_restart() {
    local cfg pidf log port
    read -r cfg pidf log <<<"$(e2e_sshd_files "$1")"
    port=$(awk '$1 == "Port" { print $2 }' "$cfg")
    rm -f "$pidf"
    e2e_ns "$E2E_SSHD" -f "$cfg" -E "$log" || e2e_die "sshd ${1:-main} failed to restart"
    e2e_wait_for "[ -s '$pidf' ] && e2e_port_open $port" 10 0.05 ||
        e2e_die "sshd ${1:-main} did not listen again on port $port"
}

# e2e_check_timeline OUT REFRESH [GOOD=h1,h2] [LATE=S] [FAULT=HOST@MS,S,REGEX]
#     [BACK=HOST@MS,S] ... -- what a user of `batch --format json` saw over
# time (OUT from cv_bg). Each assertion is one ok:/FAIL: line:
#   lines kept coming every REFRESH (+ LATE, default 1.5 s);
#   GOOD hosts were up in every line from their first up, with
#   age_s <= REFRESH + LATE;
#   FAULT: HOST showed down, error matching REGEX (Python, case-blind),
#          within S seconds of MS (its last-known guests marked stale);
#   BACK: HOST showed up again within S seconds of MS.
# Figures (worst gaps, delays) are printed as info: lines.
e2e_check_timeline() {
    e2e_check_py "$@" <<'PY'
import json, re, sys
out, refresh = sys.argv[1], float(sys.argv[2])
args = sys.argv[3:]
late = 1.5
good, faults, backs = [], [], []
for a in args:
    k, v = a.split("=", 1)
    if k == "GOOD": good = [h for h in v.split(",") if h]
    elif k == "LATE": late = float(v)
    elif k == "FAULT":
        host, rest = v.split("@", 1)
        ms, s, rx = rest.split(",", 2)
        faults.append((host, int(ms), float(s), rx))
    elif k == "BACK":
        host, rest = v.split("@", 1)
        ms, s = rest.split(",", 1)
        backs.append((host, int(ms), float(s)))
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
lines = []
for raw in open(out):
    t, _, text = raw.partition("\t")
    try:
        lines.append((int(t), json.loads(text)))
    except ValueError:
        check(False, "a batch line is not JSON: %.120s" % text)
if len(lines) < 2:
    check(False, "batch printed %d line(s), want 2 or more" % len(lines)); sys.exit(0)
gaps = [b[0] - a[0] for a, b in zip(lines, lines[1:])]
check(max(gaps) <= (refresh + late) * 1000,
      "a line every %.1f s: %d lines, worst gap %d ms" % (refresh, len(lines), max(gaps)))
def host(d, name):
    return next((h for h in d.get("hosts", []) if h.get("name") == name), {})
for g in good:
    # From its first good poll on: a first connection slowed down by a
    # loaded machine is not what is checked here.
    first = next((i for i, (t, d) in enumerate(lines) if host(d, g).get("state") == "up"), None)
    if first is None:
        check(False, "%s never up (last state %r, error %r)" % (g, host(lines[-1][1], g).get("state"),
              host(lines[-1][1], g).get("error"))); continue
    rest = lines[first:]
    bad = [(t, host(d, g).get("state"), host(d, g).get("age_s")) for t, d in rest
           if host(d, g).get("state") != "up" or (host(d, g).get("age_s") or 0) > refresh + late]
    ages = [host(d, g).get("age_s") or 0 for t, d in rest]
    check(not bad, "%s up and fresh in every line from its first (%d of %d lines; worst age_s %.1f)%s" %
          (g, len(rest), len(lines), max(ages), "" if not bad else ": not so at %s" % bad[:3]))
for name, t0, within, rx in faults:
    seen = next(((t, host(d, name), d) for t, d in lines if t >= t0 and
                 host(d, name).get("state") == "down"), None)
    if seen is None:
        check(False, "%s shown down after the fault (never)" % name); continue
    t, h, d = seen
    err = h.get("error") or ""
    print("info: %s down %d ms after the fault: %s" % (name, t - t0, err))
    check(t - t0 <= within * 1000, "%s down within %.1f s (%d ms)" % (name, within, t - t0))
    check(re.search(rx, err, re.I) is not None, "%s down with a reason matching /%s/: %r" % (name, rx, err))
    gs = [x for x in d.get("guests", []) if x.get("host") == name]
    check(all(x.get("stale") for x in gs),
          "%s keeps its %d last-known guest(s), marked stale" % (name, len(gs)))
for name, t0, within in backs:
    seen = next((t for t, d in lines if t >= t0 and host(d, name).get("state") == "up"), None)
    if seen is None:
        check(False, "%s back up after the repair (never; last state %r)" %
              (name, host(lines[-1][1], name).get("state"))); continue
    print("info: %s back up %d ms after the repair" % (name, seen - t0))
    check(seen - t0 <= within * 1000, "%s back up within %.1f s (%d ms)" % (name, within, seen - t0))
PY
}

# e2e_sshd_on_port NAME PORT -- another sshd like the main one (same host
# key, pinned for PORT too) on a given port: a host that comes back where a
# fault was. Stopped with e2e_sshd_kill NAME.
e2e_sshd_on_port() {
    local name=$1 port=$2 cfg=$E2E_DIR/sshd_config.$1
    sed -e "s|^Port .*|Port $port|" \
        -e "s|^PidFile .*|PidFile $E2E_DIR/pids/sshd-$name.pid|" \
        "$E2E_DIR/sshd_config" >"$cfg"
    printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$E2E_DIR/ssh_host_ed25519_key.pub")" \
        >>"$E2E_KNOWN_HOSTS"
    e2e_sshd_restart "$name"
}

# e2e_blackhole_stop PORT -- end the blackhole listening on PORT (its held
# connections close: clients stuck on them see the end of the stream).
e2e_blackhole_stop() {
    local f
    for f in "$E2E_DIR"/pids/blackhole.*.port; do
        [ "$(cat "$f")" = "$1" ] || continue
        e2e_stop_pidfile "${f%.port}.pid"
        e2e_wait_for "! e2e_port_open $1" 5 0.05
        return 0
    done
    e2e_fail "no blackhole on port $1"
}

# e2e_libvirtd_stop / e2e_libvirtd_start -- stop the testbed's libvirtd
# (SIGTERM, as `systemctl stop libvirtd`) and start it again.
e2e_libvirtd_stop() {
    e2e_stop_pidfile "$E2E_DIR/libvirtd.pid"
    rm -f "$E2E_DIR/libvirtd.pid"
}

e2e_libvirtd_start() {
    e2e_ns libvirtd -d -p "$E2E_DIR/libvirtd.pid" ||
        e2e_die "libvirtd -d failed (see $E2E_DIR/libvirtd.log)"
    e2e_wait_for "e2e_virsh uri" 60 0.1 ||
        e2e_die "libvirtd does not answer again on qemu:///system"
}

# e2e_hv_wrapper -- writes $E2E_DIR/simwrap and prints its path: a stand-in
# for the simulator between sshd and hvsim that injects timing faults into a
# working session. Use it as E2E_HVSIM for e2e_hv_sshd:
#   E2E_HVSIM="$(e2e_hv_wrapper)" e2e_hv_sshd NAME --wrap-slow=2 --state F
#     every answer comes 2 s late (a slow host);
#   ... --wrap-hang-action ...
#     the request of an action is never passed on: it never returns, while
#     polls before it are answered.
# Its own options (--wrap-*) come first; the rest goes to hvsim.
e2e_hv_wrapper() {
    local w=$E2E_DIR/simwrap
    [ -n "${E2E_HVSIM:-}" ] || e2e_require_hvsim
    [ -x "$w" ] || {
        printf '#!%s\n' "${E2E_PYTHON:-$(command -v python3)}"
        printf 'HVSIM = %s\n' "'$E2E_HVSIM'"
        cat <<'PY'
import os, subprocess, sys, threading, time
slow, hang_action, args = 0.0, False, sys.argv[1:]
while args and args[0].startswith("--wrap-"):
    a = args.pop(0)
    if a.startswith("--wrap-slow="): slow = float(a.split("=", 1)[1])
    elif a == "--wrap-hang-action": hang_action = True
child = subprocess.Popen([HVSIM] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def feed():
    for line in sys.stdin.buffer:
        if hang_action and line.startswith(b"@@CVPARAMS@@ ") and b'"Action"' in line:
            while True:
                time.sleep(3600)
        child.stdin.write(line)
        child.stdin.flush()
    child.stdin.close()
threading.Thread(target=feed, daemon=True).start()
out = sys.stdout.buffer
for line in child.stdout:
    if slow and line.startswith(b"@@CV@@ "):
        time.sleep(slow)
    out.write(line)
    out.flush()
sys.exit(child.wait())
PY
    } >"$w"
    chmod 755 "$w"
    echo "$w"
}
