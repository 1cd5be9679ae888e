#!/bin/bash
# tests/e2e/test_output_bounds.sh -- a Hyper-V host that writes far too much
# must be cut off with an error naming the host and the limit, and must not
# make crossvisor's memory grow with what it sends. Each case runs the
# simulator (tests/sim/hvsim) both behind a loopback sshd (the ssh channel)
# and as a child process (transport = "local"), beside a good host:
#   flood     a gigabyte of output lines before every answer (streamed);
#   longline  one 100 MB line without a newline before every answer;
#   errflood  a gigabyte on PowerShell's stderr before any answer: cut off
#             at 1 MiB (PowerShell writes a few KiB of CLIXML there; over
#             SSH, libssh keeps what stderr brings, so only a cut bounds it).
# crossvisor runs `batch` for three refreshes while its VmHWM is read from
# /proc/PID/status; the peak must stay within BASE + 3 x the 16 MiB answer
# limit (under AddressSanitizer, also its shadow and quarantine), where BASE
# is the peak of the same run on two good hosts. The good host must be up
# with its guests in every run, and no flooding simulator may outlive the
# run.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
LIMIT_MIB=16
REFRESHES=3    # refreshes of batch per case (refresh 1 s)

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP

for h in good flood longline errflood; do
    e2e_python - "$E2E_DIR/hv-$h.json" "hv-$h" <<'PY'
import json, sys
path, host = sys.argv[1:3]
vms = [{"Name": host + "-web", "State": "Running", "CPUUsage": 4, "ProcessorCount": 2,
        "MemoryAssigned": 2147483648},
       {"Name": host + "-db", "State": "Off", "ProcessorCount": 4}]
json.dump({"host": {"ComputerName": host.upper()[:15]}, "vms": vms}, open(path, "w"))
PY
done

declare -A ARGS=(
    [good]=""
    [flood]="--flood 1G"
    [longline]="--long-line 100M"
    [errflood]="--flood-stderr 1G"
)
declare -A PORT
for h in good flood longline errflood; do
    # shellcheck disable=SC2086
    PORT[$h]=$(e2e_hv_sshd "$h" --state "$E2E_DIR/hv-$h.json" ${ARGS[$h]})
done

# local_host NAME CASE -- a transport = "local" entry running the simulator.
local_host() {
    local args='' a
    for a in ${ARGS[$2]}; do args="$args, \"$a\""; done
    printf '{ name = "%s"; type = "hyperv"; transport = "local"; command = [ "%s", "--state", "%s"%s ]; }' \
        "$1" "$E2E_HVSIM" "$E2E_DIR/hv-$2.json" "$args"
}

# peak_run NAME CONF -- batch on CONF until it has printed REFRESHES
# refreshes (at most 120 s: a loaded machine is slow, not wrong); VmHWM (KiB)
# read all along and once more just before SIGTERM stops it, in PEAK. It
# must then end cleanly (status 0), with nothing on stderr. Output in
# $E2E_DIR/NAME.out / .stderr.
peak_run() {
    local name=$1 conf=$2 pid hwm t_end rc=0
    PEAK=0
    # Generous: bounds are tested here, not speed, and a loaded machine
    # must not turn the good host's slow answer into a failure.
    printf 'connect_timeout = 60.0;\npoll_timeout = 60.0;\n' >>"$conf"
    (cd "$E2E_ROOT" && exec "$CV_BIN" -c "$conf" batch -d 1 --format text) \
        </dev/null >"$E2E_DIR/$name.out" 2>"$E2E_DIR/$name.stderr" &
    pid=$!
    t_end=$(( $(e2e_now_ms) + 120000 ))
    while [ "$(e2e_now_ms)" -lt "$t_end" ] && kill -0 "$pid" 2>/dev/null &&
        [ "$(grep -c '^crossvisor ' "$E2E_DIR/$name.out")" -lt "$REFRESHES" ]; do
        hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$hwm" ] && [ "$hwm" -gt "$PEAK" ] && PEAK=$hwm
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)
        [ -n "$hwm" ] && [ "$hwm" -gt "$PEAK" ] && PEAK=$hwm
        kill -TERM "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null || rc=$?
        [ "$rc" -eq 0 ] || e2e_fail "$name: batch stopped by SIGTERM exited $rc"
    else
        wait "$pid" 2>/dev/null || true
        e2e_fail "$name: crossvisor batch ended by itself: $(head -n 3 "$E2E_DIR/$name.stderr")"
    fi
    [ "$(grep -c '^crossvisor ' "$E2E_DIR/$name.out")" -ge "$REFRESHES" ] ||
        e2e_fail "$name: fewer than $REFRESHES refreshes in 120 s"
}

# The last refresh's line for host NAME in a text batch output.
host_line() { grep "^host $2 " "$E2E_DIR/$1.out" | tail -n 1; }

# --- baseline: two good hosts --------------------------------------------------
CONF=$E2E_DIR/base.conf
e2e_conf "$CONF" 1.0 "$(e2e_hv_host hv-good "${PORT[good]}")" "$(local_host hv-good2 good)"
peak_run base "$CONF"
BASE=$PEAK
e2e_pass "baseline: two good hosts, VmHWM $BASE KiB"
BOUND=$(( BASE + 3 * LIMIT_MIB * 1024 ))
# Under AddressSanitizer (tests/sanitize.sh) the same bytes cost more: a
# shadow byte for every eight, and freed blocks wait in its quarantine
# (quarantine_size_mb, 256 unless set) before they are used again.
if ldd "$CV_BIN" 2>/dev/null | grep -q libasan; then
    Q=$(printf '%s' "${ASAN_OPTIONS:-}" | sed -n 's/.*quarantine_size_mb=\([0-9]*\).*/\1/p')
    BOUND=$(( BOUND + 3 * LIMIT_MIB * 1024 / 8 + ${Q:-256} * 1024 ))
    e2e_log "AddressSanitizer build: bound $BOUND KiB (shadow and quarantine)"
fi

for h in flood longline errflood; do
    for tr in ssh local; do
        name=$h-$tr
        CONF=$E2E_DIR/$name.conf
        if [ "$tr" = ssh ]; then
            entry=$(e2e_hv_host "hv-$h" "${PORT[$h]}")
        else
            entry=$(local_host "hv-$h" "$h")
        fi
        e2e_conf "$CONF" 1.0 "$entry" "$(e2e_hv_host hv-good "${PORT[good]}")"
        peak_run "$name" "$CONF"
        if [ "$PEAK" -gt 0 ] && [ "$PEAK" -le "$BOUND" ]; then
            e2e_pass "$name: VmHWM $PEAK KiB <= $BOUND KiB (baseline $BASE KiB)"
        else
            e2e_fail "$name: VmHWM $PEAK KiB, over $BOUND KiB (baseline $BASE KiB)"
        fi
        line=$(host_line "$name" "hv-$h")
        want="answer larger than $LIMIT_MIB MiB; cut off"
        [ "$h" = errflood ] && want="error output larger than 1 MiB; cut off"
        case $line in
            *" down "*"$want"*) e2e_pass "$name: cut off: $line" ;;
            *) e2e_fail "$name: expected 'host hv-$h ... down ... $want', saw: '$line'" ;;
        esac
        line=$(host_line "$name" hv-good)
        case $line in
            *" up "*"2 guests"*) e2e_pass "$name: the good host stays up: $line" ;;
            *) e2e_fail "$name: expected hv-good up with 2 guests, saw: '$line'" ;;
        esac
        [ -s "$E2E_DIR/$name.stderr" ] &&
            e2e_fail "$name: crossvisor wrote on stderr: $(head -n 3 "$E2E_DIR/$name.stderr")"
        # A simulator still streaming after crossvisor is gone would be
        # a flood that nothing stops.
        if e2e_wait_for "! pgrep -f 'hv-$h.json' >/dev/null" 30 0.2; then
            e2e_pass "$name: no simulator of hv-$h left running"
        else
            e2e_fail "$name: a simulator of hv-$h still runs: $(pgrep -af "hv-$h.json" | head -n 2)"
        fi
    done
done

e2e_log "test_output_bounds: $(( ($(e2e_now_ms) - T0) / 1000 )) s"
e2e_finish
