#!/bin/bash
# tests/e2e/test_hyperv_batch.sh -- `crossvisor batch` on two Hyper-V hosts
# reached over SSH, each an sshd on loopback that runs the simulator
# (tests/sim/hvsim) in place of powershell.exe:
#   hv-e2e: five VMs, one per kind of state (Running, Off, Saved, Paused,
#           RunningCritical), with KVP guest OS data;
#   hv-big: 2000 VMs, a poll answer of several megabytes over the channel.
# Every VM must be listed with the right state, health, cpu_pct (CPUUsage x
# host logical processors / vCPUs, clamped to 100), mem_bytes
# (MemoryAssigned), uptime for running VMs, null disk/net figures and the
# guest OS named from KVP. The simulator's --log must show one PowerShell
# session per host (the long-lived one), not one per poll.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
NBIG=2000
BOUND_S=30     # two refreshes plus the connect timeout, with a margin

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP

SMALL=$E2E_DIR/hv-e2e.json
BIG=$E2E_DIR/hv-big.json
CONF=$E2E_DIR/crossvisor.conf

# --- the two hosts' state files ----------------------------------------------
cat >"$SMALL" <<'EOF'
{"host": {"ComputerName": "HV-E2E", "Caption": "Microsoft Windows Server 2022 Datacenter",
          "Version": "10.0.20348", "BuildNumber": "20348", "ProductType": 3,
          "LogicalProcessorCount": 16, "TotalMemoryBytes": 274877906944},
 "vms": [
  {"Name": "web1", "Id": "0f6b5f0e-1c1d-4e39-9d0a-5b8a1e0c0001", "State": "Running",
   "CPUUsage": 3, "ProcessorCount": 2, "MemoryAssigned": 2147483648,
   "MemoryStartup": 2147483648, "UptimeSeconds": 86400, "Heartbeat": "OkApplicationsHealthy",
   "KVP": {"OSName": "Red Hat Enterprise Linux", "OSVersion": "5.14.0-427.el9.x86_64",
           "OSMajorVersion": "9", "OSMinorVersion": "4", "OSBuildNumber": "5.14.0-427.el9.x86_64"}},
  {"Name": "db1", "Id": "0f6b5f0e-1c1d-4e39-9d0a-5b8a1e0c0002", "State": "Off",
   "CPUUsage": 0, "ProcessorCount": 4, "MemoryStartup": 8589934592,
   "KVP": {"OSName": "Ubuntu", "OSMajorVersion": "22.04"}},
  {"Name": "app1", "Id": "0f6b5f0e-1c1d-4e39-9d0a-5b8a1e0c0003", "State": "Saved",
   "ProcessorCount": 2, "MemoryStartup": 4294967296, "UptimeSeconds": 5000,
   "KVP": {"OSName": "Debian GNU/Linux", "OSMajorVersion": "12"}},
  {"Name": "batch1", "Id": "0f6b5f0e-1c1d-4e39-9d0a-5b8a1e0c0004", "State": "Paused",
   "ProcessorCount": 3, "MemoryAssigned": 3221225472, "MemoryStartup": 3221225472,
   "UptimeSeconds": 7200},
  {"Name": "dc1", "Id": "0f6b5f0e-1c1d-4e39-9d0a-5b8a1e0c0005", "State": "RunningCritical",
   "CPUUsage": 50, "ProcessorCount": 4, "MemoryAssigned": 4294967296,
   "MemoryStartup": 4294967296, "UptimeSeconds": 3600, "Heartbeat": "OkApplicationsHealthy",
   "KVP": {"OSName": "Microsoft Windows Server 2022 Datacenter", "OSVersion": "10.0.20348",
           "OSMajorVersion": "10", "OSMinorVersion": "0", "OSBuildNumber": "20348",
           "ProductType": "3"}}
 ]}
EOF

# The big host: states, figures and guest OSes that vary with the index; KVP
# items of a realistic size (what a Linux hv_kvp_daemon and Windows report),
# so that the poll answer runs to megabytes.
e2e_python - "$BIG" "$NBIG" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
oses = [
    {"OSName": "Red Hat Enterprise Linux", "OSMajorVersion": "9", "OSMinorVersion": "4"},
    {"OSName": "Ubuntu", "OSMajorVersion": "22", "OSMinorVersion": "04"},
    {"OSName": "Microsoft Windows Server 2019 Standard", "OSVersion": "10.0.17763",
     "OSMajorVersion": "10", "OSMinorVersion": "0", "OSBuildNumber": "17763", "ProductType": "3"},
    {"OSName": "SUSE Linux Enterprise Server", "OSMajorVersion": "15.5"},
]
vms = []
for i in range(1, n + 1):
    st = "Running"
    if i % 10 == 0: st = "Off"
    elif i % 10 == 5: st = "Saved"
    elif i % 10 == 7: st = "Paused"
    elif i % 25 == 3: st = "RunningCritical"
    kvp = dict(oses[i % len(oses)])
    kvp.update({
        "FullyQualifiedDomainName": "big-%04d.fleet.example.com" % i,
        "NetworkAddressIPv4": "10.%d.%d.%d" % (i // 65536, (i // 256) % 256, i % 256),
        "NetworkAddressIPv6": "fd00:e2e:%x::%x;fe80::215:5dff:fe%02x:%04x" % (i, i, i % 256, i),
        "IntegrationServicesVersion": "10.0.20348.1",
        "ProcessorArchitecture": "9",
        "RDPAddressIPv4": "10.%d.%d.%d" % (i // 65536, (i // 256) % 256, i % 256),
        "Notes": "e2e padding " + ("x" * 800),
    })
    vms.append({
        "Name": "big-%04d" % i,
        "Id": "6c7a0e2e-b000-4000-8000-%012d" % i,
        "State": st,
        "CPUUsage": i % 13,
        "ProcessorCount": 1 + i % 8,
        "MemoryAssigned": (1 + i % 16) * 268435456,
        "MemoryStartup": (1 + i % 16) * 268435456,
        "UptimeSeconds": 1000 + i,
        "KVP": kvp,
    })
host = {"ComputerName": "HV-BIG", "Caption": "Microsoft Windows Server 2022 Datacenter",
        "Version": "10.0.20348", "BuildNumber": "20348", "ProductType": 3,
        "LogicalProcessorCount": 64, "TotalMemoryBytes": 1099511627776}
json.dump({"host": host, "vms": vms}, open(path, "w"), indent=1)
PY

SMALL_PORT=$(e2e_hv_sshd hv-e2e --state "$SMALL" --log "$E2E_DIR/hv-e2e.log")
BIG_PORT=$(e2e_hv_sshd hv-big --state "$BIG" --log "$E2E_DIR/hv-big.log")
e2e_conf "$CONF" 1.0 "$(e2e_hv_host hv-e2e "$SMALL_PORT")" "$(e2e_hv_host hv-big "$BIG_PORT")"

# --- one batch run -----------------------------------------------------------
CV_TIMEOUT=$((BOUND_S + 30)) cv_run batch -c "$CONF" batch -n 2 --format json
BATCH_MS=$CV_MS
if cv_ended && [ "$CV_RC" -eq 0 ] && [ "$CV_MS" -le $((BOUND_S * 1000)) ]; then
    e2e_pass "batch -n 2 over two Hyper-V hosts ($NBIG + 5 VMs) took $CV_MS ms, exit status 0"
else
    e2e_fail "batch -n 2: expected exit 0 within ${BOUND_S} s, took $CV_MS ms, exit status $CV_RC (stderr: $(cv_err1))"
fi
e2e_assert_eq "batch -n 2 --format json line count (stderr: $(cv_err1))" 2 "$(grep -c . "$CV_OUT" || true)"

e2e_check_py "$CV_OUT" "$SMALL" "$BIG" <<'PY'
import json, sys
out, small, big = sys.argv[1:4]
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
lines = [l for l in open(out) if l.strip()]
if not lines:
    check(False, "batch printed no JSON line"); sys.exit(0)
try:
    d = json.loads(lines[-1])
except ValueError as e:
    check(False, "last line is not JSON (%s): %.120s" % (e, lines[-1])); sys.exit(0)
hosts = {h.get("name"): h for h in d.get("hosts", [])}

# Expected figures from a state file, as crossvisor(1) and the contract say.
STATES = {"Running": ("running", None), "Off": ("shutoff", None), "Saved": ("saved", None),
          "Paused": ("paused", None), "RunningCritical": ("running", "critical")}
def expected(vm, lps):
    state, health = STATES[vm["State"]]
    e = {"state": state}
    if health:
        e["health"] = health
    if state == "running":
        e["cpu_pct"] = min(100.0, vm.get("CPUUsage", 0) * lps / vm["ProcessorCount"])
        e["mem_bytes"] = vm["MemoryAssigned"]
    return e

for hname, path, n in (("hv-e2e", small, 5), ("hv-big", big, 2000)):
    st = json.load(open(path))
    lps = st["host"]["LogicalProcessorCount"]
    h = hosts.get(hname, {})
    check(h.get("state") == "up", "%s up, saw state=%r error=%r" % (hname, h.get("state"), h.get("error")))
    check(h.get("guest_count") == n, "%s guest_count %d, saw %r" % (hname, n, h.get("guest_count")))
    check(h.get("platform") == "windows-server-2022",
          "%s platform windows-server-2022, saw %r" % (hname, h.get("platform")))
    guests = [g for g in d.get("guests", []) if g.get("host") == hname]
    byname = {g.get("name"): g for g in guests}
    check(len(guests) == n and len(byname) == n,
          "%s: %d guests listed once each, saw %d (%d names)" % (hname, n, len(guests), len(byname)))
    bad = []
    for vm in st["vms"]:
        g = byname.get(vm["Name"])
        if g is None:
            bad.append("%s missing" % vm["Name"]); continue
        if g.get("id") != vm["Id"]:
            bad.append("%s id %r" % (vm["Name"], g.get("id")))
        for k, v in expected(vm, lps).items():
            seen = g.get(k)
            if isinstance(v, float):
                if not isinstance(seen, (int, float)) or abs(seen - v) > 0.05:
                    bad.append("%s %s=%r, expected %.2f" % (vm["Name"], k, seen, v))
            elif seen != v:
                bad.append("%s %s=%r, expected %r" % (vm["Name"], k, seen, v))
        if g.get("state") == "running" and not isinstance(g.get("uptime_s"), int):
            bad.append("%s running without uptime_s (%r)" % (vm["Name"], g.get("uptime_s")))
        if g.get("state") in ("shutoff", "saved"):
            for k in ("cpu_pct", "mem_bytes", "uptime_s"):
                if g.get(k) is not None:
                    bad.append("%s (%s) %s=%r, expected null" % (vm["Name"], g.get("state"), k, g.get(k)))
        for k in ("disk_rd_bps", "disk_wr_bps", "net_rx_bps", "net_tx_bps"):
            if g.get(k) is not None:
                bad.append("%s %s=%r, expected null (Hyper-V gives none)" % (vm["Name"], k, g.get(k)))
        if g.get("vcpus") != vm["ProcessorCount"]:
            bad.append("%s vcpus=%r, expected %r" % (vm["Name"], g.get("vcpus"), vm["ProcessorCount"]))
    check(not bad, "%s: every VM with its state, health, cpu_pct, mem_bytes, uptime, vcpus, null disk/net%s"
          % (hname, "" if not bad else " -- %d wrong, e.g. %s" % (len(bad), "; ".join(bad[:5]))))

# hv-e2e, one by one, so that a failure names the case.
g = {x["name"]: x for x in d.get("guests", []) if x.get("host") == "hv-e2e"}
def guest(name, key):
    return g.get(name, {}).get(key, "<missing>")
check(guest("web1", "cpu_pct") == 24.0, "web1 cpu_pct = 3 x 16 / 2 = 24.0, saw %r" % guest("web1", "cpu_pct"))
check(guest("dc1", "cpu_pct") == 100.0, "dc1 cpu_pct = 50 x 16 / 4 clamped to 100, saw %r" % guest("dc1", "cpu_pct"))
check(guest("dc1", "state") == "running" and guest("dc1", "health") == "critical",
      "RunningCritical dc1: running + critical, saw %r + %r" % (guest("dc1", "state"), guest("dc1", "health")))
check(guest("web1", "health") == "ok", "web1 (heartbeat OK) health ok, saw %r" % guest("web1", "health"))
check(guest("app1", "state") == "saved", "Saved app1: saved, saw %r" % guest("app1", "state"))
check(guest("batch1", "state") == "paused", "Paused batch1: paused, saw %r" % guest("batch1", "state"))
check(guest("batch1", "mem_bytes") == 3221225472,
      "paused batch1 mem_bytes = MemoryAssigned, saw %r" % guest("batch1", "mem_bytes"))
check(guest("db1", "state") == "shutoff", "Off db1: shutoff, saw %r" % guest("db1", "state"))
u = guest("web1", "uptime_s")
check(isinstance(u, int) and 86400 <= u < 86400 + 600, "web1 uptime_s from UptimeSeconds 86400, saw %r" % u)
check(guest("web1", "os") == "Red Hat Enterprise Linux 9.4",
      "web1 os from KVP 'Red Hat Enterprise Linux 9.4', saw %r" % guest("web1", "os"))
check(guest("dc1", "os") == "Windows Server 2022",
      "dc1 os from KVP (build 20348, server) 'Windows Server 2022', saw %r" % guest("dc1", "os"))
# KVP is exchanged only while a VM runs: Off and Saved VMs report nothing.
for name in ("db1", "app1", "batch1"):
    check(guest(name, "os") is None, "%s (not running) os null, saw %r" % (name, guest(name, "os")))

# hv-big: the guest OS of running VMs from KVP.
want = {0: "Red Hat Enterprise Linux 9.4", 1: "Ubuntu 22.04", 2: "Windows Server 2019",
        3: "SUSE Linux Enterprise Server 15.5"}
bad = []
for x in d.get("guests", []):
    if x.get("host") != "hv-big" or x.get("state") != "running":
        continue
    i = int(x["name"][4:])
    if x.get("os") != want[i % 4]:
        bad.append("%s os=%r, expected %r" % (x["name"], x.get("os"), want[i % 4]))
check(not bad, "hv-big: running VMs' os from KVP%s" % ("" if not bad else " -- %d wrong, e.g. %s" % (len(bad), "; ".join(bad[:3]))))
PY

# --- the answer size, and sessions per host ------------------------------------
# The big host's answer, measured by running the simulator as crossvisor
# does (bootstrap on the command line; session.ps1 and one poll on stdin).
PS=$E2E_ROOT/backends/ps
ANSWER_BYTES=$(e2e_python - "$E2E_HVSIM" "$BIG" "$PS" <<'PY'
import base64, subprocess, sys
hvsim, state, ps = sys.argv[1:4]
b64 = base64.b64encode(open(ps + "/bootstrap.ps1", "rb").read().decode("utf-8").encode("utf-16-le")).decode()
stdin = (open(ps + "/session.ps1", "rb").read() + b"@@CVEND@@\n@@CVREQ@@ 1\n"
         + open(ps + "/poll.ps1", "rb").read() + b"@@CVPARAMS@@ {}\n@@CVEND@@\n")
r = subprocess.run([hvsim, "--state", state, "powershell.exe", "-NoLogo", "-NoProfile",
                    "-NonInteractive", "-ExecutionPolicy", "Bypass", "-EncodedCommand", b64],
                   input=stdin, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=60)
print(len(r.stdout))
PY
)
if [ "${ANSWER_BYTES:-0}" -ge 2000000 ]; then
    e2e_pass "hv-big's poll answer is $ANSWER_BYTES bytes (multi-megabyte)"
else
    e2e_fail "hv-big's poll answer: expected at least 2000000 bytes, measured '$ANSWER_BYTES'"
fi

for h in hv-e2e hv-big; do
    log=$E2E_DIR/$h.log
    sessions=$(e2e_hv_log_count "$log" session)
    polls=$(e2e_hv_log_count "$log" poll)
    e2e_assert_eq "$h: PowerShell sessions started during batch -n 2 ($polls polls; --log)" 1 "$sessions"
    if [ "$polls" -ge 2 ]; then
        e2e_pass "$h: $polls polls served by that one session"
    else
        e2e_fail "$h: expected at least 2 polls in the simulator's log, saw $polls"
    fi
    others=$(awk '$2 != "session" && $2 != "poll"' "$log" | head -n 3)
    [ -z "$others" ] || e2e_fail "$h: unexpected calls in the simulator's log: $others"
done

printf 'time: batch %s ms, test %s ms\n' "$BATCH_MS" "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
