#!/bin/bash
# tests/e2e/test_fault_reconnect_growth.sh -- no thread, fd or memory growth
# over 100 reconnection cycles of fast faults, in one running `batch`:
#   hv-exit     the simulator run directly (transport local) that writes a
#               PowerShell error and exits 1 before answering;
#   kvm-refused test+ssh to a closed port (libvirt runs ssh, which is refused);
#   hv-drop     an sshd whose session runs the simulator with --exit 1: a
#               full SSH login (crossvisor's libssh), then the end of it;
# beside hv-good (the simulator, fine). backoff_max = 0.2 s keeps the cycles
# short (the counts are of processes started: PowerShell, ssh, logins).
# Then the back-off alone: waits that grow from half a second to the cap.
# The figures of /proc/PID (threads, fds, VmRSS) after a warm-up of
# 10 cycles and after 100 must stay within a small bound.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
CYCLES=100
WARMUP=10
RSS_SLACK_KIB=3072

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP
export PATH="$E2E_DIR/bin:$PATH"

# Count every ssh that libvirt runs (kvm-refused's cycles), with its time.
sed -i "2i date +%s%N >>'$E2E_DIR/ssh.count'" "$E2E_DIR/bin/ssh"
: >"$E2E_DIR/ssh.count"
: >"$E2E_DIR/exit.count"
printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"good-web","State":"Running"}]}\n' >"$E2E_DIR/good.json"
DROP=$(e2e_hv_sshd hv-drop --exit 1)
CLOSED=$(e2e_free_port)
CONF=$E2E_DIR/crossvisor.conf
e2e_conf "$CONF" 1 \
    "{ name = \"hv-good\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/good.json\" ]; }" \
    "{ name = \"hv-exit\"; type = \"hyperv\"; transport = \"local\"; command = [ \"/bin/sh\", \"-c\", \"echo x >>$E2E_DIR/exit.count; exec $E2E_HVSIM --exit 1\" ]; }" \
    "$(e2e_kvm_host kvm-refused "test+ssh://root@127.0.0.1:$CLOSED/default?keyfile=$E2E_KEY&no_tty=1&known_hosts=$E2E_KNOWN_HOSTS")" \
    "$(e2e_hv_host hv-drop "$DROP")"
printf 'connect_timeout = 5;\npoll_timeout = 5;\nbackoff_max = 0.2;\n' >>"$CONF"

cycles() {
    printf '%s %s %s\n' "$(wc -l <"$E2E_DIR/exit.count")" "$(wc -l <"$E2E_DIR/ssh.count")" \
        "$(grep -c 'Accepted publickey' "$E2E_DIR/sshd-hv-drop.log" || true)"
}
least() { cycles | awk '{ print ($1 < $2 ? $1 : $2) }'; }

cv_bg batch -c "$CONF" batch --format json
e2e_wait_for "[ \$(least) -ge $WARMUP ]" 60 0.1 || e2e_die "not $WARMUP cycles in 60 s: $(cycles)"
# A cycle in flight holds a pipe or a socket for a moment: the floor of a
# few samples is what a leak would raise.
floor_stats() {
    local i th fd rss mt=999999 mf=999999 mr=999999999
    for i in $(seq 1 15); do
        read -r th fd rss <<<"$(e2e_proc_stats "$CV_BG_PID")"
        [ "$th" -ge "$mt" ] || mt=$th
        [ "$fd" -ge "$mf" ] || mf=$fd
        [ "$rss" -ge "$mr" ] || mr=$rss
        sleep 0.1
    done
    echo "$mt $mf $mr"
}
read -r TH0 FD0 RSS0 <<<"$(floor_stats)"
C0=$(cycles)
[ -z "${E2E_DEBUG_FDS:-}" ] || ls -l /proc/$CV_BG_PID/fd | sed "s/^/fd0: /"
echo "figures: after warm-up (cycles exit/refused/drop: $C0): threads $TH0, fds $FD0, rss $RSS0 KiB"
e2e_wait_for "[ \$(least) -ge $CYCLES ]" 120 0.2 || e2e_fail "not $CYCLES cycles in 120 s: $(cycles)"
read -r TH1 FD1 RSS1 <<<"$(floor_stats)"
C1=$(cycles)
[ -z "${E2E_DEBUG_FDS:-}" ] || ls -l /proc/$CV_BG_PID/fd | sed "s/^/fd1: /"
echo "figures: after $CYCLES cycles (exit/refused/drop: $C1): threads $TH1, fds $FD1, rss $RSS1 KiB (growth: threads $((TH1 - TH0)), fds $((FD1 - FD0)), rss $((RSS1 - RSS0)) KiB)"
cv_bg_stop

[ "$TH1" -le $((TH0 + 1)) ] && e2e_pass "threads: $TH0 -> $TH1" ||
    e2e_fail "threads grew over $CYCLES reconnections: $TH0 -> $TH1"
[ "$FD1" -le $((FD0 + 2)) ] && e2e_pass "fds: $FD0 -> $FD1" ||
    e2e_fail "fds grew over $CYCLES reconnections: $FD0 -> $FD1"
[ "$RSS1" -le $((RSS0 + RSS_SLACK_KIB)) ] && e2e_pass "rss: $RSS0 -> $RSS1 KiB (bound +$RSS_SLACK_KIB)" ||
    e2e_fail "rss grew over $CYCLES reconnections: $RSS0 -> $RSS1 KiB (bound +$RSS_SLACK_KIB)"
read -r _ _ drops <<<"$C1"
# A full SSH login each: fewer cycles in the same time.
[ "$drops" -ge 10 ] && e2e_pass "hv-drop logged in and was dropped $drops times" ||
    e2e_fail "hv-drop cycled only $drops times"

e2e_check_timeline "$CV_BG_OUT" 1 GOOD=hv-good \
    "FAULT=hv-exit@$T0,30,stopped before it answered|exit" \
    "FAULT=kvm-refused@$T0,30,refused|connect" \
    "FAULT=hv-drop@$T0,30,stopped before it answered|exit|closed"

# --- the back-off itself ---------------------------------------------------
# kvm-refused alone with backoff_max = 2: the waits between its attempts
# (ssh started by libvirt) grow from half a second and stop at 2 s.
e2e_conf "$E2E_DIR/backoff.conf" 1 \
    "$(e2e_kvm_host kvm-refused "test+ssh://root@127.0.0.1:$CLOSED/default?keyfile=$E2E_KEY&no_tty=1&known_hosts=$E2E_KNOWN_HOSTS")"
printf 'connect_timeout = 5;\npoll_timeout = 5;\nbackoff_max = 2;\n' >>"$E2E_DIR/backoff.conf"
: >"$E2E_DIR/ssh.count"
cv_bg backoff -c "$E2E_DIR/backoff.conf" batch --format json
e2e_wait_for "[ \$(wc -l <'$E2E_DIR/ssh.count') -ge 7 ]" 20 0.2 || e2e_fail "kvm-refused: fewer than 7 attempts in 20 s"
cv_bg_stop
e2e_check_py "$E2E_DIR/ssh.count" <<'PY'
import sys
t = [int(l) / 1e9 for l in open(sys.argv[1]) if l.strip()]
gaps = [b - a for a, b in zip(t, t[1:])]
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
print("figures: waits between attempts (s): " + " ".join("%.2f" % g for g in gaps))
# Each gap is the wait plus one refused attempt (ssh start, well under 0.5 s).
check(gaps[0] < 1.0, "first retry after about half a second (%.2f s)" % gaps[0])
check(gaps[1] > gaps[0] and gaps[2] > gaps[1], "the waits grow (%.2f, %.2f, %.2f s)" % tuple(gaps[:3]))
check(max(gaps) <= 2.0 + 0.5, "no wait past backoff_max = 2 s (+0.5 s for the attempt): worst %.2f s" % max(gaps))
check(min(gaps[3:]) >= 1.5 - 0.05, "from the fourth on, at the cap: 1.5 to 2 s each (least %.2f s)" % min(gaps[3:]))
PY

printf 'time: test_fault_reconnect_growth %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
