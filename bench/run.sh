#!/bin/bash
# bench/run.sh -- `make bench`: crossvisor against the floor that libvirt
# sets, on the same fleets, and one table of figures next to their goals.
#
# Runs as root on the end-to-end testbed (tests/e2e/lib.sh: a private sshd
# and libvirtd on loopback in a mount namespace, torn down at exit). Every
# figure is measured BENCH_RUNS times (default 3); the table gives the
# median and the spread (min-max). Knobs:
#   BENCH_QUICK=1     one run each, fewer refreshes (a few minutes)
#   BENCH_RUNS=N      runs per figure
#   BENCH_REFRESHES=N refreshes measured per run (default 20, quick 10)
#   BENCH_KEEP=1      keep the raw results ($E2E_DIR is kept, E2E_KEEP)
# The raw key=value lines of every program go to $E2E_DIR/bench.log.
set -eu
cd "$(dirname "$0")/.."
. tests/e2e/lib.sh
. bench/fleet.sh

if [ -n "${BENCH_QUICK:-}" ]; then
    RUNS=${BENCH_RUNS:-1} REF=${BENCH_REFRESHES:-10}
else
    RUNS=${BENCH_RUNS:-3} REF=${BENCH_REFRESHES:-20}
fi
[ -z "${BENCH_KEEP:-}" ] || export E2E_KEEP=1
CV=./crossvisor
export TERM=xterm-256color LANG=C.UTF-8
unset TMUX

for b in bench/floor bench/measure bench/frame bench/ptyrun bench/hvpoll; do
    [ -x "$b" ] || { echo "bench: $b is not built (make bench-bins)" >&2; exit 1; }
done
e2e_require_crossvisor
e2e_require_hvsim
e2e_require tmux virsh
# A testbed of its own under a private TMPDIR: every end-to-end run reaps
# ${TMPDIR:-/tmp}/cv-e2e.* testbeds whose owner it cannot see, and a run
# from another PID namespace would take this one for stale mid-run.
BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cv-bench.XXXXXX")
export TMPDIR=$BENCH_TMP
e2e_setup
trap 'e2e_teardown; rmdir "$BENCH_TMP" 2>/dev/null' EXIT
RES=$E2E_DIR/results LOG=$E2E_DIR/bench.log INCOMPLETE=
: >"$RES"
: >"$LOG"
T_START=$(e2e_now_ms)

say() { printf 'bench: %s\n' "$*" >&2; }

# calc EXPR -- arithmetic on decimals (awk: bc is not always installed).
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }

# kv KEY LINE -- the value of KEY=value in a line of key=value pairs.
kv() { printf ' %s\n' "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# rec KEY VALUE -- one measurement; empty or negative values are dropped.
rec() {
    case ${2:-} in ''|-*) say "no value for $1"; return 0 ;; esac
    echo "$1 $2" >>"$RES"
}

# logged WHAT CMD... -- run CMD, keep its output line in the log, print it.
logged() {
    local what=$1 out
    shift
    out=$("$@" 2>>"$E2E_DIR/bench.stderr") || say "$what: exit $? (see $E2E_DIR/bench.stderr)"
    echo "$what: $out" >>"$LOG"
    printf '%s\n' "$out"
}

# ------------------------------------------------------------ KVM fleets

# floor_run LABEL URI... -- the floor program on a fleet.
floor_run() {
    local label=$1 out
    shift
    out=$(logged "floor $label" bench/floor -n "$REF" "$@")
    rec "floor.$label.cpu" "$(kv cpu_ms_per_refresh "$out")"
    rec "floor.$label.ssh" "$(kv child_cpu_ms_per_refresh "$out")"
    rec "floor.$label.wall" "$(kv wall_ms_per_refresh "$out")"
    rec "floor.$label.peak" "$(kv maxrss_kb "$out")"
    rec "floor.$label.kept" "$(kv rss_kb "$out")"
    rec "floor.$label.connect" "$(kv connect_ms "$out")"
    rec "floor.$label.first" "$(kv first_ms "$out")"
}

# floor_keepalive_run LABEL DELAY URI... -- the floor again, each
# connection kept alive on libvirt's event loop as crossvisor's are: its
# CPU only; then also paced as batch is (floor_paced_run).
floor_keepalive_run() {
    local label=$1 delay=$2 out
    shift 2
    out=$(logged "floor -K $label" bench/floor -K -n "$REF" "$@")
    rec "floor.$label.kacpu" "$(kv cpu_ms_per_refresh "$out")"
    floor_paced_run "$label" "$delay" -K "$@"
}

# floor_paced_run LABEL DELAY OPTS URI... -- the floor with OPTS (none, or
# -K), a refresh every DELAY s as batch's: each refresh wakes it from sleep
# as it wakes a client, and finds libvirt's objects out of the CPU's caches.
floor_paced_run() {
    local label=$1 delay=$2 opts=$3 out
    shift 3
    out=$(logged "floor ${opts:+$opts }-i $delay $label" bench/floor $opts -i "$delay" -n "$REF" "$@")
    rec "floor.$label.paced" "$(kv cpu_ms_per_refresh "$out")"
}

# floor_threaded_run LABEL DELAY URI... -- the floor polling as a fleet
# client must, so that a slow host delays no other: a thread per host, all
# at once at each refresh, every DELAY s, each connection kept alive. Its
# CPU and peak RSS: every reply of a refresh is held at once.
floor_threaded_run() {
    local label=$1 delay=$2 out
    shift 2
    out=$(logged "floor -K -T -i $delay $label" bench/floor -K -T -i "$delay" -n "$REF" "$@")
    rec "floor.$label.tcpu" "$(kv cpu_ms_per_refresh "$out")"
    rec "floor.$label.tpeak" "$(kv maxrss_kb "$out")"
}

# floor_connect_run LABEL URI... -- the floor's parallel connects alone
# (-P), taken right before the console starts: the reference for its first
# screen, measured beside it, as the machine's speed drifts over a bench.
# Then two seconds for sshd and libvirtd to end the floor's sessions.
floor_connect_run() {
    local label=$1 out
    shift
    out=$(logged "floor -P $label" bench/floor -P -n 1 "$@")
    rec "floor.$label.pconnect" "$(kv connect_ms "$out")"
    sleep 2
}

# guests_in FILE -- guests in a batch JSON line.
guests_in() {
    e2e_python -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["guests"]))' "$1" 2>/dev/null || echo 0
}

# ssh_sessions -- sessions the testbed's sshd has accepted so far.
ssh_sessions() { grep -c 'Accepted publickey' "$E2E_DIR/sshd.log" || true; }

# batch_run LABEL CONF DELAY GUESTS HOSTS -- crossvisor batch, JSON, REF
# refreshes measured after the first three; the last line must hold every
# guest. Also counts the ssh sessions it opened, per host.
batch_run() {
    local label=$1 conf=$2 delay=$3 guests=$4 hosts=$5 out seen s0
    s0=$(ssh_sessions)
    out=$(logged "batch $label" bench/measure -s 3 -o "$E2E_DIR/last.json" -- \
        "$CV" -c "$conf" batch -n $((REF + 3)) -d "$delay" --format json)
    seen=$(guests_in "$E2E_DIR/last.json")
    if [ "$seen" != "$guests" ]; then
        say "batch $label: the last line has $seen guests of $guests"
        INCOMPLETE="$INCOMPLETE batch.$label"
    fi
    case $label in
        *-ssh) rec "batch.$label.sessions" "$(calc "($(ssh_sessions) - $s0) / $hosts")" ;;
    esac
    rec "batch.$label.cpu" "$(kv cpu_ms_per_line "$out")"
    rec "batch.$label.ssh" "$(kv child_cpu_ms_per_line "$out")"
    rec "batch.$label.peak" "$(kv maxrss_kb "$out")"
    rec "batch.$label.kept" "$(kv rss_kb "$out")"
    rec "batch.$label.first" "$(kv first_ms "$out")"
    rec "batch.$label.bytes" "$(kv bytes_per_line "$out")"
}

# virsh_run LABEL URI -- `virsh domstats` K times in one virsh, less one
# call: the cost per call without the connect.
virsh_run() {
    local label=$1 uri=$2 k=$((REF + 1)) one many a b
    one=$(logged "virsh1 $label" bench/measure -- sh -c \
        'echo "domstats --raw" | virsh -q -c "$1"' sh "$uri")
    many=$(logged "virsh$k $label" bench/measure -- sh -c \
        'i=0; while [ $i -lt $2 ]; do echo "domstats --raw"; i=$((i + 1)); done |
         virsh -q -c "$1"' sh "$uri" "$k")
    a=$(calc "$(kv user_ms "$one") + $(kv sys_ms "$one")")
    b=$(calc "$(kv user_ms "$many") + $(kv sys_ms "$many")")
    rec "virsh.$label.cpu" "$(calc "($b - $a) / ($k - 1)")"
}

# tmux_screen SOCK -- the pane as text.
tmux_screen() { tmux -L "$1" capture-pane -p -t 0 2>/dev/null; }

# tmux_wait SOCK FORMAT TIMEOUT_S -- waits until FORMAT, a tmux format
# that reads the pane (#{C:text}: the line showing text, 0 for none),
# expands to neither 0 nor nothing. It looks every 50 ms through one
# control-mode client, and starts no process per look: the machine is busy
# with the very start-up being timed, and a capture-pane, grep and sleep
# ten times a second took 0.6 s of CPU over 8 s that the start-up needed.
tmux_wait() {
    local sock=$1 fmt=$2 limit=$3 line val n=0 got= deadline fifo nap pipe
    # A console that dies ends the client: a write then fails, not the bench.
    pipe=$(trap -p PIPE)
    trap '' PIPE
    fifo=$(mktemp -u)
    mkfifo "$fifo"
    exec {nap}<>"$fifo"
    rm -f "$fifo"
    coproc TMUXC { exec tmux -L "$sock" -C attach -t 0 2>/dev/null; }
    printf 'refresh-client -f no-output\n' >&"${TMUXC[1]}"
    deadline=$(( ${EPOCHREALTIME/./} / 1000 + limit * 1000 ))
    while [ $(( ${EPOCHREALTIME/./} / 1000 )) -lt "$deadline" ]; do
        n=$((n + 1))
        printf '%s\n' "display -p -t 0 'look$n $fmt'" 2>/dev/null >&"${TMUXC[1]}" ||
            break
        val=0
        while IFS= read -r -t 5 line <&"${TMUXC[0]}"; do
            case $line in "look$n "*) val=${line#"look$n "}; break ;; esac
        done
        case $val in 0|'') ;; *) got=1; break ;; esac
        read -r -t 0.05 -u "$nap" line || true
    done
    printf 'detach-client\n' 2>/dev/null >&"${TMUXC[1]}" || true
    wait "$TMUXC_PID" 2>/dev/null || true
    exec {nap}<&-
    eval "${pipe:-trap - PIPE}"
    [ -n "$got" ]
}

# console_run LABEL CONF NHOSTS [KEYS] -- the console in tmux (200x60):
# time to a screen with every host up, then its CPU over 10 s of
# refreshes; with KEYS, then the console again on a pty (bench/ptyrun)
# for key latency and bytes written while the hosts refresh.
console_run() {
    local label=$1 conf=$2 n=$3 keys=${4:-} sock=cvbench$$ t0 t1 tv pid out win=10
    tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 60 \
        "exec $CV -c $conf 2>/dev/null"
    t0=$(e2e_now_ms)
    pid=$(tmux -L "$sock" display -p -t 0 '#{pane_pid}')
    if ! tmux_wait "$sock" "#{C:hosts $n/$n up}" 300; then
        say "console $label: not every host up in 300 s"
        tmux_screen "$sock" | head -5 >&2
        tmux -L "$sock" kill-server 2>/dev/null || true
        return 0
    fi
    t1=$(e2e_now_ms)
    rec "console.$label.first" $((t1 - t0))
    # Verdicts wait for platforms read after every host is up (the summary
    # line counts them as pending until then).
    tmux_wait "$sock" '#{!=:#{C:pending},2}' 300 ||
        say "console $label: verdicts still pending after 300 s"
    tv=$(e2e_now_ms)
    rec "console.$label.verdicts" $((tv - t0))
    # Two refreshes to settle, then the window.
    sleep $((2 * ${BENCH_REFRESH%.*} + 1))
    out=$(logged "console $label" bench/measure -p "$pid" -t "$win")
    rec "console.$label.cpu" "$(calc "$(kv cpu_ms "$out") / ($win / $BENCH_REFRESH)")"
    rec "console.$label.ssh" "$(calc "$(kv child_cpu_ms "$out") / ($win / $BENCH_REFRESH)")"
    rec "console.$label.peak" "$(kv hwm_kb "$out")"
    tmux -L "$sock" send-keys -t 0 q
    e2e_wait_for "! e2e_pid_alive $pid" 20 0.1 || kill "$pid" 2>/dev/null || true
    tmux -L "$sock" kill-server 2>/dev/null || true
    [ -n "$keys" ] || return 0
    out=$(logged "keys $label" bench/ptyrun -x 80 -y 24 \
        -w $(( (tv - t0) / 1000 + 5 )) -t "$win" -k "$keys" -- "$CV" -c "$conf")
    rec "keys.$label.p50" "$(kv key_p50_ms "$out")"
    rec "keys.$label.p95" "$(kv key_p95_ms "$out")"
    rec "keys.$label.idle" "$(kv idle_before_key_ms "$out")"
    rec "keys.$label.bytes" "$(calc "$(kv bytes_per_s "$out") * $BENCH_REFRESH")"
}

# kvm_fleet LABEL N M MODE DELAY [console] [virsh] [KEYS]
kvm_fleet() {
    local label=$1 n=$2 m=$3 mode=$4 delay=$5 console=${6:-} virsh=${7:-} keys=${8:-}
    local conf uris
    conf=$(bench_kvm_conf "$n" "$m" "$mode")
    mapfile -t uris < <(bench_kvm_uris "$n" "$m" "$mode")
    say "$label: $n host(s) x $m guests ($mode), run $run/$RUNS"
    floor_run "$label" "${uris[@]}"
    [ "$mode" != ssh ] || floor_keepalive_run "$label" "$delay" "${uris[@]}"
    [ "$mode" != local ] || floor_paced_run "$label" "$delay" "" "${uris[@]}"
    [ "$n" -le 1 ] || floor_threaded_run "$label" "$delay" "${uris[@]}"
    batch_run "$label" "$conf" "$delay" $((n * m)) "$n"
    [ -z "$virsh" ] || virsh_run "$label" "${uris[0]}"
    [ -z "$console" ] || floor_connect_run "$label" "${uris[@]}"
    [ -z "$console" ] || console_run "$label" "$conf" "$n" "$keys"
}

# ------------------------------------------------------------ QEMU guests

QEMU_GUESTS=10

# qemu_start -- QEMU_GUESTS idle TCG guests in the private daemon; prints
# the PIDs to watch: libvirtd's and each QEMU's.
qemu_start() {
    local i root
    root=/proc/$(cat "$E2E_DIR/holder.pid")/root
    for i in $(seq 1 "$QEMU_GUESTS"); do
        e2e_define_tcg_guest "bench-qemu$i" idle
        e2e_start_guest "bench-qemu$i"
    done
    cat "$E2E_DIR/libvirtd.pid"
    for i in $(seq 1 "$QEMU_GUESTS"); do
        cat "$root/run/libvirt/qemu/bench-qemu$i.pid"
        echo
    done
}

# qemu_run -- the floor (every group at every refresh) and batch (the
# slow groups every slow_refresh) on the QEMU guests over +ssh: the
# client's CPU, and the host's (libvirtd and QEMU) less what it spends
# idle in as long.
qemu_run() {
    local uri conf out idle w=() p
    uri=$(e2e_qemu_uri)
    conf=$E2E_DIR/qemu.conf
    bench_conf_header "$conf"
    echo "hosts = ( $(e2e_kvm_host qemu "$uri") );" >>"$conf"
    for p in $QEMU_PIDS; do w+=(-w "$p"); done
    out=$(logged "qemu idle" bench/measure "${w[@]}" -t 10)
    idle=$(calc "$(kv watch_cpu_ms "$out") / $(kv wall_ms "$out")")
    rec "qemu.idle" "$(calc "$idle * 1000")"
    out=$(logged "floor qemu" bench/floor "${w[@]}" -n "$REF" "$uri")
    rec "floor.qemu.cpu" "$(kv cpu_ms_per_refresh "$out")"
    rec "floor.qemu.host" "$(calc "$(kv watch_cpu_ms_per_refresh "$out") - \
        $idle * $(kv wall_ms_per_refresh "$out")")"
    out=$(logged "batch qemu" bench/measure -s 3 "${w[@]}" \
        -o "$E2E_DIR/last.json" -- "$CV" -c "$conf" batch -n $((REF + 3)) \
        -d "$BENCH_REFRESH" --format json)
    [ "$(guests_in "$E2E_DIR/last.json")" = "$QEMU_GUESTS" ] ||
        INCOMPLETE="$INCOMPLETE batch.qemu"
    rec "batch.qemu.cpu" "$(kv cpu_ms_per_line "$out")"
    rec "batch.qemu.host" "$(calc "$(kv watch_cpu_ms_per_line "$out") - \
        $idle * $(kv wall_ms_per_line "$out")")"
}

# ------------------------------------------------------------ console

frame_run() {
    local out
    for size in 200x60 80x24; do
        out=$(logged "frame $size" bench/frame -x "${size%x*}" -y "${size#*x}" -H 10 -G 1000)
        rec "frame.$size.p50" "$(kv frame_p50_ms "$out")"
        rec "frame.$size.p95" "$(kv frame_p95_ms "$out")"
        rec "frame.$size.bytes" "$(kv bytes_per_frame "$out")"
    done
}

# The demo's figures change every refresh (simulated): bytes per refresh
# when only figures change, at two terminal sizes.
demo_bytes_run() {
    local conf=$E2E_DIR/demo.conf out size
    bench_conf_header "$conf"
    for size in 80x24 200x60; do
        out=$(logged "demo $size" bench/ptyrun -x "${size%x*}" -y "${size#*x}" \
            -w 4 -t 10 -k 0 -- "$CV" -c "$conf" --demo)
        rec "demo.$size.bytes" "$(calc "$(kv bytes_per_s "$out") * $BENCH_REFRESH")"
    done
}

# ------------------------------------------------------------ Hyper-V

# hv_run N M -- N simulated hosts of M VMs with PowerShell's start-up delay:
# batch for REF refreshes at 1 s, then the simulators' logs say how many
# PowerShell processes started; bench/hvpoll compares one persistent
# session with one process per poll on one host.
hv_run() {
    local n=$1 m=$2 conf out lines starts polls dur
    conf=$(bench_hv_conf "$n" "$m" 0.6)
    for f in "$E2E_DIR/hv-$n-$m"/hv*.log; do : >"$f"; done
    out=$(logged "hv batch" bench/measure -s 3 -o "$E2E_DIR/hv.json" -- \
        "$CV" -c "$conf" batch -n $((REF + 3)) -d 1 --format json)
    rec "hv.batch.cpu" "$(kv cpu_ms_per_line "$out")"
    rec "hv.batch.sim" "$(kv child_cpu_ms_per_line "$out")"
    dur=$(kv wall_ms "$out")
    starts=$(cat "$E2E_DIR/hv-$n-$m"/hv*.log | awk '$2 == "session"' | wc -l)
    polls=$(cat "$E2E_DIR/hv-$n-$m"/hv*.log | awk '$2 == "poll"' | wc -l)
    rec "hv.starts_per_poll" "$(calc "$starts / $polls")"
    # Starts beyond the first one per host, per host per minute.
    rec "hv.restarts_per_min" "$(calc "($starts - $n) / $n / ($dur / 60000)")"
    lines=$(tail -n 1 "$E2E_DIR/hv.json" | e2e_python -c '
import json, sys
d = json.loads(sys.stdin.read())
v = sorted(h["latency_ms"] for h in d["hosts"] if h.get("latency_ms") is not None)
print(v[len(v) // 2] if v else -1)')
    rec "hv.poll_ms" "$lines"
    out=$(logged "hvpoll" bench/hvpoll -n "$REF" -- "$E2E_HVSIM" --delay 0.6 \
        --state "$E2E_DIR/hv-$n-$m/hv1.json")
    rec "hv.persistent_ms" "$(kv persistent_poll_ms "$out")"
    rec "hv.per_process_ms" "$(kv process_per_poll_ms "$out")"
}

# ------------------------------------------------------------ runs

say "fleets: generating node files (1000 and 100 domains)"
bench_nodefile 1000 >/dev/null
bench_nodefile 100 >/dev/null
say "QEMU: starting $QEMU_GUESTS idle guests under TCG"
QEMU_PIDS=$(qemu_start)
for run in $(seq 1 "$RUNS"); do
    kvm_fleet 1x1000-local 1 1000 local 0.2
    kvm_fleet 1x100-ssh 1 100 ssh 0.2
    kvm_fleet 1x1000-ssh 1 1000 ssh 0.2 console virsh
    kvm_fleet 50x100-ssh 50 100 ssh 1.0 console
    kvm_fleet 100x100-ssh 100 100 ssh 1.0 console "" 40
    say "QEMU: 1 host x $QEMU_GUESTS guests (run $run/$RUNS)"
    qemu_run
    say "console: frames, bytes (run $run/$RUNS)"
    frame_run
    demo_bytes_run
    say "Hyper-V: 10 hosts x 50 VMs (run $run/$RUNS)"
    hv_run 10 50
done

elapsed=$(( ($(e2e_now_ms) - T_START) / 1000 ))
bash bench/table.sh "$RES" "$RUNS run(s), $REF refreshes each, $elapsed s"
[ -z "$INCOMPLETE" ] || printf 'INCOMPLETE (a host was not up in time):%s\n' "$INCOMPLETE"
[ -z "${BENCH_KEEP:-}" ] || printf 'raw lines: %s/bench.log\n' "$E2E_DIR"
