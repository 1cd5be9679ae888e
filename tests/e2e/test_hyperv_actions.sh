#!/bin/bash
# tests/e2e/test_hyperv_actions.sh -- `crossvisor act` on a Hyper-V host over
# SSH (an sshd on loopback running the simulator, tests/sim/hvsim, in place of
# powershell.exe). Every action round-trips: the simulator's state file
# changes and the next `batch -n 1` shows it. Then the refusals (a no-op, a
# VM without the shutdown service, an unknown guest, --read-only) and the
# injection case: VMs whose names are PowerShell code, command substitutions,
# backticks, a newline, Unicode, 1000 characters, are listed with their exact
# names and acted on by name, their names never reach the script text (the
# simulator's --log), and no other VM is touched.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
HOST=hv-e2e
LIFE=life

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP

STATE=$E2E_DIR/hv-e2e.json
LOG=$E2E_DIR/hv-e2e.log
CONF=$E2E_DIR/crossvisor.conf
NAMES=$E2E_DIR/names.json

# The hostile names, kept in a JSON file so that every check reads the same
# bytes (bash arrays cannot hold a name with a newline from a heredoc nicely).
e2e_python - "$NAMES" <<'PY'
import json, sys
names = [
    "x'; Remove-VM -Name * -Force; '",
    "$(id)",
    "`whoami` and `Remove-VM -Name *`",
    "two\nlines; Stop-VM -Name *",
    "\u00dcberwachung \u2014 \u0412\u041c \u4eee\u60f3\u30de\u30b7\u30f3 \U0001f5a5",
    "quote\" back\\slash \"; exit 1",
    "dir/with/slash",
    ("long-" + "0123456789" * 100)[:1000],
]
json.dump(names, open(sys.argv[1], "w"))
PY

# The host: the VM under test ($LIFE, off), one without the shutdown
# integration service, bystanders in every state, and the hostile names. Every
# running VM has a BootTime (not an UptimeSeconds) so that the simulator does
# not rewrite bystanders when it saves the file after an action.
e2e_python - "$STATE" "$NAMES" <<'PY'
import json, sys, time
path, names = sys.argv[1], json.load(open(sys.argv[2]))
now = int(time.time())
def vm(n, name, state, **kw):
    v = {"Name": name, "Id": "5e2e0000-0000-4000-8000-%012d" % n, "State": state,
         "CPUUsage": 5, "ProcessorCount": 2, "MemoryStartup": 2147483648,
         "Heartbeat": "OkApplicationsHealthy"}
    if state in ("Running", "Paused"):
        v["MemoryAssigned"] = 2147483648
        v["BootTime"] = now - 3600 * n
    v.update(kw)
    return v
vms = [vm(1, "life", "Off"),
       vm(2, "noshut", "Running", ShutdownService=False),
       vm(3, "bystander-run", "Running",
          KVP={"OSName": "Red Hat Enterprise Linux", "OSMajorVersion": "9", "OSMinorVersion": "4"}),
       vm(4, "bystander-off", "Off"),
       vm(5, "bystander-saved", "Saved", UptimeSeconds=5000),
       vm(6, "bystander-paused", "Paused"),
       # The long name's first 127 bytes: a VM that an action on the long
       # name must never reach, however the name is cut.
       vm(7, names[-1][:127], "Running")]
for i, name in enumerate(names):
    vms.append(vm(100 + i, name, "Running"))
host = {"ComputerName": "HV-E2E", "Caption": "Microsoft Windows Server 2022 Datacenter",
        "Version": "10.0.20348", "BuildNumber": "20348", "ProductType": 3,
        "LogicalProcessorCount": 8, "TotalMemoryBytes": 137438953472}
json.dump({"host": host, "vms": vms}, open(path, "w"), indent=1, ensure_ascii=False)
PY
cp "$STATE" "$E2E_DIR/state.orig.json"

PORT=$(e2e_hv_sshd "$HOST" --state "$STATE" --log "$LOG")
e2e_conf "$CONF" 0.5 "$(e2e_hv_host "$HOST" "$PORT")"

# ------------------------------------------------------------------ helpers

# vm_field NAME FIELD -- a VM's field in the state file ("<none>" if absent).
vm_field() {
    e2e_python - "$STATE" "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
v = next((v for v in d["vms"] if v.get("Name") == sys.argv[2]), None)
print("<no such vm>" if v is None else json.dumps(v.get(sys.argv[3], "<none>")).strip('"'))
PY
}

# set_boot_time NAME SECONDS_AGO -- move a VM's boot into the past, under the
# simulator's lock and with its atomic replace, so that a reboot shows.
set_boot_time() {
    e2e_python - "$STATE" "$1" "$2" <<'PY'
import fcntl, json, os, sys, time
path, name, ago = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(os.path.realpath(path) + ".lock", "a") as lock:
    fcntl.flock(lock, fcntl.LOCK_EX)
    d = json.load(open(path))
    for v in d["vms"]:
        if v.get("Name") == name:
            v["BootTime"] = int(time.time()) - ago
            v.pop("UptimeSeconds", None)
    json.dump(d, open(path + ".tmp", "w"), indent=1, ensure_ascii=False)
    os.rename(path + ".tmp", path)
PY
}

# batch_once -- one `batch -n 1` refresh in $CV_OUT.
batch_once() { CV_TIMEOUT=30 cv_run batch-once -c "$CONF" batch -n 1 --format json; }

# guest_field NAME KEY -- from the last batch_once.
guest_field() { json_get "guests[name=$1].$2" "$CV_OUT"; }

# act NAME ACTION [WANT_RC] -- one action by name; the exit status must be
# WANT_RC (default 0).
act() {
    local name=$1 action=$2 want=${3:-0}
    CV_TIMEOUT=30 cv_run "act-$action" -c "$CONF" act "$action" "$HOST/$name"
    e2e_assert_eq "act $action $HOST/$name exit status ($CV_MS ms; stderr: $(cv_err1))" "$want" "$CV_RC"
}

# expect NAME FILE_STATE BATCH_STATE -- the state file says FILE_STATE and the
# next batch shows BATCH_STATE.
expect() {
    local name=$1 file_state=$2 batch_state=$3
    e2e_assert_eq "state file: $name" "$file_state" "$(vm_field "$name" State)"
    batch_once
    e2e_assert_eq "batch: $HOST/$name (exit $CV_RC, stderr: $(cv_err1))" "$batch_state" "$(guest_field "$name" state)"
}

# ------------------------------------------------------------------ lifecycle

expect "$LIFE" Off shutoff
act "$LIFE" start;    expect "$LIFE" Running running
act "$LIFE" pause;    expect "$LIFE" Paused paused
act "$LIFE" resume;   expect "$LIFE" Running running
act "$LIFE" save;     expect "$LIFE" Saved saved
e2e_assert_eq "batch: a saved VM has no uptime" null "$(guest_field "$LIFE" uptime_s)"
act "$LIFE" start;    expect "$LIFE" Running running

act "$LIFE" snapshot
case $(cat "$CV_OUT" "$CV_ERR") in
    *"checkpoint crossvisor-"*" taken"*) e2e_pass "act snapshot says: $(head -n1 "$CV_OUT")" ;;
    *) e2e_fail "act snapshot: expected 'checkpoint crossvisor-... taken', saw '$(cat "$CV_OUT" "$CV_ERR" | head -n2 | tr '\n' '|')'" ;;
esac
CKPT=$(vm_field "$LIFE" Checkpoints)
case $CKPT in
    '["crossvisor-'[0-9]*'"]') e2e_pass "state file gained the checkpoint: $CKPT" ;;
    *) e2e_fail "state file: expected one crossvisor-<time> checkpoint on $LIFE, saw $CKPT" ;;
esac
expect "$LIFE" Running running

# A reboot and a reset restart the VM: with its boot moved a day back, the
# uptime that batch shows falls back under a minute.
for action in reboot reset; do
    set_boot_time "$LIFE" 86400
    batch_once
    up=$(guest_field "$LIFE" uptime_s)
    if [ "$up" = null ] || ! [ "$up" -ge 86400 ] 2>/dev/null; then
        e2e_fail "before $action: expected an uptime of a day, saw $up"
    fi
    act "$LIFE" "$action"
    expect "$LIFE" Running running
    up=$(guest_field "$LIFE" uptime_s)
    if [ "$up" != null ] && [ "$up" -lt 60 ] 2>/dev/null; then
        e2e_pass "after $action the uptime restarted: $up s"
    else
        e2e_fail "after $action: expected an uptime under 60 s, saw $up"
    fi
done

act "$LIFE" shutdown; expect "$LIFE" Off shutoff
act "$LIFE" start;    expect "$LIFE" Running running
act "$LIFE" poweroff; expect "$LIFE" Off shutoff

# ------------------------------------------------------------------ refusals

# A no-op is done: exit 0, and it says so.
act bystander-off poweroff 0
case $(cat "$CV_OUT" "$CV_ERR") in
    *already*) e2e_pass "poweroff of an Off VM says: $(cat "$CV_OUT" "$CV_ERR" | head -n1)" ;;
    *) e2e_fail "poweroff of an Off VM: expected 'already ...', saw '$(cat "$CV_OUT" "$CV_ERR" | head -n2 | tr '\n' '|')'" ;;
esac

# No shutdown integration service: refused with the host's reason, VM untouched.
act noshut shutdown 1
case $(cat "$CV_ERR") in
    *"shutdown integration service of VM 'noshut' is not running"*"graceful shutdown is impossible"*)
        e2e_pass "shutdown without the service: $(cv_err1)" ;;
    *) e2e_fail "shutdown without the service: expected the simulator's NoShutdownService message on stderr, saw '$(cv_err1)'" ;;
esac
e2e_assert_eq "state file: noshut after a refused shutdown" Running "$(vm_field noshut State)"

# An unknown guest: 2, with a reason.
act no-such-vm start 2
[ -s "$CV_ERR" ] || e2e_fail "act on an unknown guest: expected a reason on stderr, saw nothing"

# --read-only: refused (1), nothing sent to the host, the VM keeps running.
actions_before=$(e2e_hv_log_count "$LOG" action)
CV_TIMEOUT=30 cv_run act-ro -c "$CONF" --read-only act poweroff "$HOST/bystander-run"
e2e_assert_eq "--read-only act poweroff exit status (stderr: $(cv_err1))" 1 "$CV_RC"
[ -s "$CV_ERR" ] || e2e_fail "--read-only act poweroff: expected a reason on stderr, saw nothing"
e2e_assert_eq "simulator actions run under --read-only" 0 "$(( $(e2e_hv_log_count "$LOG" action) - actions_before ))"
expect bystander-run Running running

# ------------------------------------------------------------------ injection

# compare BEFORE TARGET_INDEX WHAT -- every VM but the target is as in BEFORE;
# the target kept its name and Id (only State, BootTime, UptimeSeconds move).
compare() {
    e2e_check_py "$1" "$STATE" "$2" "$3" <<'PY'
import json, sys
before, after = (json.load(open(p))["vms"] for p in sys.argv[1:3])
t, what = int(sys.argv[3]), sys.argv[4]
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
check(len(after) == len(before), "%s: %d VMs before, %d after" % (what, len(before), len(after)))
changed = [b.get("Name") for i, (b, a) in enumerate(zip(before, after)) if i != t and a != b]
check(not changed, "%s: no other VM changed%s" % (what, "" if not changed else ", but %r did" % [n[:50] for n in changed[:3]]))
if t < len(after):
    strip = lambda v: {k: x for k, x in v.items() if k not in ("State", "BootTime", "UptimeSeconds")}
    check(strip(after[t]) == strip(before[t]), "%s: the target kept its name, Id and settings" % what)
PY
}

NNAMES=$(e2e_python -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$NAMES")
FIRST=7    # the index of the first hostile VM in the state file
for ((i = 0; i < NNAMES; i++)); do
    name=$(e2e_python -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))[int(sys.argv[2])])' "$NAMES" "$i"; printf x)
    name=${name%x}      # keep a trailing newline, if any
    label=$(printf '%s' "$name" | head -c 40 | tr '\n' '~')
    for action in poweroff start; do
        cp "$STATE" "$E2E_DIR/before.json"
        CV_TIMEOUT=30 cv_run "inj-$action" -c "$CONF" act "$action" "$HOST/$name"
        e2e_assert_eq "act $action on hostile name #$i '$label' exit status (stderr: $(cv_err1 | cut -c1-160))" 0 "$CV_RC"
        case $action in poweroff) want=Off ;; start) want=Running ;; esac
        seen=$(e2e_python - "$STATE" "$NAMES" "$i" <<'PY'
import json, sys
d, names = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(next((v.get("State") for v in d["vms"] if v.get("Name") == names[int(sys.argv[3])]), "<gone>"))
PY
)
        e2e_assert_eq "state file after $action of hostile name #$i '$label'" "$want" "$seen"
        compare "$E2E_DIR/before.json" $((FIRST + i)) "$action of hostile name #$i"
    done
done

# batch lists every hostile name exactly, running again.
batch_once
e2e_check_py "$CV_OUT" "$NAMES" "$FIRST" <<'PY'
import json, sys
out, names, FIRST = sys.argv[1], json.load(open(sys.argv[2])), int(sys.argv[3])
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
try:
    d = json.loads(open(out).readline())
except ValueError as e:
    check(False, "batch output is not JSON: %s" % e); sys.exit(0)
seen = {g.get("name"): g for g in d.get("guests", []) if g.get("host") == "hv-e2e"}
for i, n in enumerate(names):
    g = seen.get(n)
    near = [s for s in seen if isinstance(s, str) and s[:3] == n[:3] and len(s) == len(n)]
    check(g is not None, "hostile name #%d listed exactly (%r...)%s" % (i, n[:40], "" if g else ", saw instead %r" % [s[:60] for s in near]))
    if g is not None:
        check(g.get("state") == "running", "hostile name #%d running after start, saw %r" % (i, g.get("state")))
check(len(seen) == FIRST + len(names), "hv-e2e lists %d guests, saw %d" % (FIRST + len(names), len(seen)))
PY

# The simulator's log: only crossvisor's own scripts ran, and no name was
# ever part of a script -- at most inside the parameters JSON.
e2e_check_py "$LOG" "$NAMES" <<'PY'
import json, sys
log, names = sys.argv[1], json.load(open(sys.argv[2]))
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
lines = open(log, encoding="utf-8", errors="replace").read().splitlines()
scripts, bad_params, leaks = {}, [], []
frags = ["Remove-VM", "Stop-VM", "$(id)", "whoami", "quote\"", "\u00dcberwachung", "0123456789" * 3]
for l in lines:
    parts = l.split(" ", 3)
    if len(parts) < 4:
        bad_params.append(l[:80]); continue
    _, script, _, params = parts
    scripts[script] = scripts.get(script, 0) + 1
    head = " ".join(parts[:3])
    leaks += [f for f in frags if f in head]
    if params == "-":
        continue
    try:
        p = json.loads(params)
    except ValueError:
        bad_params.append(params[:80]); continue
    if script == "action" and not (isinstance(p, dict) and set(p) == {"Id", "Action"}):
        bad_params.append(params[:80])
check(set(scripts) <= {"session", "poll", "action"}, "only session, poll and action ran: %r" % scripts)
check(not bad_params, "every parameters field is one JSON object (action: Id and Action)%s" %
      ("" if not bad_params else ", not %r" % bad_params[:2]))
check(not leaks, "no hostile name outside the parameters JSON%s" % ("" if not leaks else ": %r" % leaks[:3]))
PY

# Every VM that no action was meant to change is as it was at the start.
e2e_check_py "$E2E_DIR/state.orig.json" "$STATE" "$NAMES" <<'PY'
import json, sys
before, after = (json.load(open(p))["vms"] for p in sys.argv[1:3])
names = json.load(open(sys.argv[3]))
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
for b in before:
    if b["Name"] == "life" or b["Name"] in names:
        continue
    a = next((v for v in after if v.get("Id") == b["Id"]), None)
    check(a == b, "%.40r unchanged since the start%s" % (b["Name"], "" if a == b else ": now %.200r" % a))
PY

printf 'time: test %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
