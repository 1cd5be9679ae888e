#!/bin/bash
# tests/e2e/test_hyperv_faults.sh -- one good Hyper-V host beside faulty
# ones, each an sshd on loopback running the simulator (tests/sim/hvsim) with
# one injection:
#   errprelude  CLIXML progress records on stderr ("Preparing modules for
#               first use."): not an error, host up with its guests;
#   outprelude  a banner and a WARNING line on stdout before the answers: up;
#   utf16       stdout in UTF-16LE with a BOM: up;
#   delay       2 s of start-up cost, inside the 6 s connect timeout
#               (which covers PowerShell's start and first answer): up;
#   hang        reads the request and never answers: down, "no answer"/timeout;
#   garbage     answers with noise and no @@CV@@ line: down, quoting what came;
#   exit        a CLIXML error and exit 1 before answering: down with that error;
#   failact     poweroff fails with an injected Hyper-V error: act exits 1 and
#               says it; the host itself is up;
#   unknownkey  its known_hosts lacks the host's key: down, naming the key's
#               fingerprint; no login;
#   changedkey  its known_hosts pins another key: refused with the new
#               fingerprint and the ssh-keygen -R advice; no login.
# All in one `batch` run, with poll_timeout 3 s, connect_timeout 6 s: the good
# host must be up with its guests in the same output as the faulty ones.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
BOUND_S=18     # two refreshes plus the 6 s connect timeout, with a margin

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP

CONF=$E2E_DIR/crossvisor.conf
HOSTS="good errprelude outprelude utf16 delay hang garbage exit failact unknownkey changedkey"

# One state file per host, with guests named after the host, so that a host
# showing another host's guests would be caught.
for h in $HOSTS; do
    e2e_python - "$E2E_DIR/hv-$h.json" "hv-$h" <<'PY'
import json, sys, time
path, host = sys.argv[1:3]
now = int(time.time())
vms = [{"Name": host + "-web", "State": "Running", "CPUUsage": 4, "ProcessorCount": 2,
        "MemoryAssigned": 2147483648, "BootTime": now - 7200,
        "KVP": {"OSName": "Red Hat Enterprise Linux", "OSMajorVersion": "9", "OSMinorVersion": "4"}},
       {"Name": host + "-db", "State": "Off", "ProcessorCount": 4},
       {"Name": host + "-ünicode", "State": "Paused", "MemoryAssigned": 1073741824,
        "BootTime": now - 60}]
json.dump({"host": {"ComputerName": host.upper()[:15], "LogicalProcessorCount": 8}, "vms": vms},
          open(path, "w"), ensure_ascii=False)
PY
done

# The injections' inputs.
PROGRESS=$E2E_ROOT/tests/fixtures/ps/stderr_progress.txt
[ -s "$PROGRESS" ] || e2e_die "fixture $PROGRESS is missing"
grep -q 'Preparing modules for first use.' "$PROGRESS" ||
    e2e_die "fixture $PROGRESS has no progress record"
printf '%s\r\n' 'Windows PowerShell' \
    'Copyright (C) Microsoft Corporation. All rights reserved.' '' \
    'WARNING: The virtual machine is already in the specified state.' \
    'WARNING: Remote profile scripts are disabled on this host.' >"$E2E_DIR/banner.txt"
FAILMSG="Failed to turn off the virtual machine: injected by the e2e test (0x80070005)."
printf '{"poweroff":{"message":"%s","category":"PermissionDenied","fqid":"OperationFailed,Microsoft.HyperV.PowerShell.Commands.StopVM"}}\n' \
    "$FAILMSG" >"$E2E_DIR/fail-action.json"

# One sshd per host; ${PORT[name]} holds its port.
declare -A PORT
start() {
    local h=$1
    shift
    PORT[$h]=$(e2e_hv_sshd "hv-$h" --state "$E2E_DIR/hv-$h.json" --log "$E2E_DIR/hv-$h.log" "$@")
}
start good
start errprelude --stderr-prelude "$PROGRESS"
start outprelude --stdout-prelude "$E2E_DIR/banner.txt"
start utf16 --utf16
start delay --delay 2
start hang --hang
start garbage --garbage
start exit --exit 1
start failact --fail-action "$E2E_DIR/fail-action.json"
start unknownkey
start changedkey

# Host keys: unknownkey's known_hosts knows only the good host; changedkey's
# pins the good host's key for changedkey's address.
KEY_OF() { cut -d' ' -f1,2 "$E2E_DIR/ssh_host_hv-$1_key.pub"; }
FP_OF() { ssh-keygen -l -E sha256 -f "$E2E_DIR/ssh_host_hv-$1_key.pub" | cut -d' ' -f2; }
printf '[127.0.0.1]:%s %s\n' "${PORT[good]}" "$(KEY_OF good)" >"$E2E_DIR/known_hosts.unknownkey"
printf '[127.0.0.1]:%s %s\n' "${PORT[changedkey]}" "$(KEY_OF good)" >"$E2E_DIR/known_hosts.changedkey"

entries=()
for h in $HOSTS; do
    case $h in
        unknownkey|changedkey) entries+=("$(e2e_hv_host "hv-$h" "${PORT[$h]}" "$E2E_DIR/known_hosts.$h")") ;;
        *) entries+=("$(e2e_hv_host "hv-$h" "${PORT[$h]}")") ;;
    esac
done
e2e_conf "$CONF" 1 "${entries[@]}"
# Fast fault detection (crossvisor.conf(5): GLOBAL SETTINGS).
printf 'connect_timeout = 6;\npoll_timeout = 3;\n' >>"$CONF"

# --- one batch over the whole fleet -------------------------------------------
CV_TIMEOUT=$((BOUND_S + 30)) cv_run batch -c "$CONF" batch -n 1 --format json
BATCH_MS=$CV_MS
if cv_ended && [ "$CV_RC" -eq 0 ] && [ "$CV_MS" -le $((BOUND_S * 1000)) ]; then
    e2e_pass "batch -n 1 over ${#PORT[@]} Hyper-V hosts finished in $CV_MS ms, exit status 0"
else
    e2e_fail "batch -n 1: expected exit 0 within ${BOUND_S} s, took $CV_MS ms, exit status $CV_RC (stderr: $(cv_err1))"
fi

e2e_check_py "$CV_OUT" "$(FP_OF unknownkey)" "$(FP_OF changedkey)" "$(FP_OF good)" <<'PY'
import json, re, sys
out, fp_unknown, fp_changed, fp_good = sys.argv[1:5]
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
lines = [l for l in open(out) if l.strip()]
if not lines:
    check(False, "batch printed no JSON line"); sys.exit(0)
try:
    d = json.loads(lines[0])
except ValueError as e:
    check(False, "batch output is not JSON (%s): %.120s" % (e, lines[0])); sys.exit(0)
hosts = {h.get("name"): h for h in d.get("hosts", [])}

for h in ("good", "errprelude", "outprelude", "utf16", "delay", "failact"):
    name = "hv-" + h
    x = hosts.get(name, {})
    check(x.get("state") == "up" and x.get("error") is None,
          "%s up without error, saw state=%r error=%r" % (name, x.get("state"), x.get("error")))
    want = {name + "-web": "running", name + "-db": "shutoff", name + "-\u00fcnicode": "paused"}
    seen = {g.get("name"): g.get("state") for g in d.get("guests", []) if g.get("host") == name}
    check(seen == want, "%s lists its own guests with their states, saw %r" % (name, seen))
    web = next((g for g in d.get("guests", []) if g.get("name") == name + "-web"), {})
    check(web.get("cpu_pct") == 16.0 and web.get("os") == "Red Hat Enterprise Linux 9.4",
          "%s-web cpu_pct 16.0 (4 x 8 / 2) and os from KVP, saw %r, %r" % (name, web.get("cpu_pct"), web.get("os")))

def down(h, pattern, what):
    name = "hv-" + h
    x = hosts.get(name, {})
    err = x.get("error")
    print("info: %s error: %s" % (name, err))
    check(x.get("state") == "down", "%s down, saw %r" % (name, x.get("state")))
    check(isinstance(err, str) and re.search(pattern, err, re.I) is not None,
          "%s error %s, saw %r" % (name, what, err))
    ghosts = [g.get("name") for g in d.get("guests", []) if g.get("host") == name]
    check(not ghosts, "%s lists no guests (it never answered), saw %s" % (name, ghosts[:3]))
    return err or ""

down("hang", r"no answer|time ?out|timed out", "says no answer / timeout")
# The noise holds a torn marker ("@@CV", NUL, "@@ N {...") that is no answer
# line: the reason must quote the text that came, not parse the torn line.
err = down("garbage", r"WARNING|already in the specified state|ComputerName|PS C:", "quotes what came")
if "ends early" in err:
    print("FAIL: hv-garbage: crossvisor took the torn marker '@@CV\\0@@ N' for an answer line "
          "(a NUL dropped before the marker was matched)")
down("exit", r"The Windows PowerShell host stopped before it answered", "is the CLIXML error's text")
down("unknownkey", re.escape(fp_unknown), "names the offered key's fingerprint " + fp_unknown)
err = down("changedkey", re.escape(fp_changed), "names the new key's fingerprint " + fp_changed)
check("ssh-keygen -R" in err, "hv-changedkey error gives the ssh-keygen -R advice, saw %r" % err)
if fp_good in err:
    print("ok: hv-changedkey error also names the known (old) fingerprint")
else:
    print("info: hv-changedkey error does not name the old fingerprint %s" % fp_good)
PY

# The advice in those reasons must work as written (on copies of the files).
ERR_UNKNOWN=$(head -n1 "$CV_OUT" | json_get 'hosts[name=hv-unknownkey].error')
case $ERR_UNKNOWN in
    *"ssh-keyscan "*" >> "*)
        advice=${ERR_UNKNOWN##*ssh-keyscan }
        args=${advice%% >> *}
        read -r -a argv <<<"$args"     # words, no globbing of [host]:port
        scanned=$(timeout 10 ssh-keyscan "${argv[@]}" 2>&1 || true)
        case $(printf '%s\n' "$scanned" | grep -F "$(KEY_OF unknownkey)") in
            "[127.0.0.1]:${PORT[unknownkey]} "*)
                e2e_pass "the advised 'ssh-keyscan $args' prints the line known_hosts needs" ;;
            *)  e2e_fail "hv-unknownkey: the advised 'ssh-keyscan $args' does not print '[127.0.0.1]:${PORT[unknownkey]} <key>' (ssh-keyscan takes -p PORT HOST; it printed '$(printf '%s\n' "$scanned" | head -n1)')" ;;
        esac ;;
    *) e2e_log "hv-unknownkey reason gives no ssh-keyscan advice to try" ;;
esac
ERR_CHANGED=$(head -n1 "$CV_OUT" | json_get 'hosts[name=hv-changedkey].error')
case $ERR_CHANGED in
    *"ssh-keygen -R '"*"' -f "*)
        name=${ERR_CHANGED#*ssh-keygen -R \'}
        name=${name%%\'*}
        cp "$E2E_DIR/known_hosts.changedkey" "$E2E_DIR/known_hosts.removed"
        ssh-keygen -R "$name" -f "$E2E_DIR/known_hosts.removed" >/dev/null 2>&1 || true
        if [ -s "$E2E_DIR/known_hosts.removed" ]; then
            e2e_fail "hv-changedkey: the advised 'ssh-keygen -R $name' left the stale line in place"
        else
            e2e_pass "the advised 'ssh-keygen -R $name' removes the stale line"
        fi ;;
esac

# A host key that known_hosts does not vouch for never gets as far as a login.
for h in unknownkey changedkey; do
    if grep -q 'Accepted publickey' "$E2E_DIR/sshd-hv-$h.log"; then
        e2e_fail "sshd hv-$h accepted a login despite the host key: $(grep -m1 Accepted "$E2E_DIR/sshd-hv-$h.log")"
    else
        e2e_pass "no login reached sshd hv-$h"
    fi
done
# The CLIXML error and the garbage did reach the hosts: the simulator ran.
e2e_assert_eq "hv-hang: requests the simulator read (--log)" 1 "$(e2e_hv_log_count "$E2E_DIR/hv-hang.log" poll)"

# --- an action that the host refuses ------------------------------------------
CV_TIMEOUT=30 cv_run act-fail -c "$CONF" act poweroff hv-failact/hv-failact-web
e2e_assert_eq "act poweroff on hv-failact exit status (stderr: $(cv_err1))" 1 "$CV_RC"
if grep -qF "$FAILMSG" "$CV_ERR"; then
    e2e_pass "act poweroff says the host's error: $(cv_err1)"
else
    e2e_fail "act poweroff on hv-failact: expected '$FAILMSG' on stderr, saw '$(cv_err1)'"
fi
e2e_assert_eq "hv-failact-web after the failed poweroff (state file)" Running \
    "$(json_get 'vms[Name=hv-failact-web].State' "$E2E_DIR/hv-failact.json")"
# Only poweroff is injected: another action on the same host works.
CV_TIMEOUT=30 cv_run act-ok -c "$CONF" act pause hv-failact/hv-failact-web
e2e_assert_eq "act pause on hv-failact exit status (stderr: $(cv_err1))" 0 "$CV_RC"
e2e_assert_eq "hv-failact-web after pause (state file)" Paused \
    "$(json_get 'vms[Name=hv-failact-web].State' "$E2E_DIR/hv-failact.json")"

printf 'time: batch %s ms, test %s ms\n' "$BATCH_MS" "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
