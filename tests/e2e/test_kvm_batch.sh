#!/bin/bash
# tests/e2e/test_kvm_batch.sh -- `crossvisor batch` on two KVM hosts behind a
# real sshd: a 300-domain libvirt test-driver node file over test+ssh and a
# real TCG guest over qemu+ssh. Checks the JSON contract (every guest with
# its state, live figures for the real guest), CSV and text.
set -eu
. "$(dirname "$0")/lib.sh"

GUEST=e2e-tcg
NGUESTS=300

e2e_require_crossvisor
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
e2e_gen_nodefile "$NODE" "$NGUESTS"
e2e_define_tcg_guest "$GUEST"
e2e_start_guest "$GUEST"
e2e_conf "$CONF" 1.0 \
    "$(e2e_kvm_host kvm-e2e "$(e2e_qemu_uri)")" \
    "$(e2e_kvm_host test-e2e "$(e2e_test_uri "$NODE")")"

# --- JSON: two refreshes, one object a line --------------------------------
CV_TIMEOUT=90 cv_run batch-json -c "$CONF" batch -n 2 --format json
e2e_assert_eq "batch --format json exit status ($CV_MS ms; stderr: $(cv_err1))" 0 "$CV_RC"
e2e_assert_eq "batch -n 2 --format json line count" 2 "$(grep -c . "$CV_OUT" || true)"

# Batch reads the platforms after every host has connected, yet its first
# line already has them, and no verdict in it is pending.
e2e_check_py "$CV_OUT" "$(e2e_local_platform)" <<'PY'
import json, sys
out, platform = sys.argv[1:3]
d = json.loads(open(out).readline())
hosts = {h["name"]: h for h in d.get("hosts", [])}
print(("ok: " if hosts.get("kvm-e2e", {}).get("platform") == platform else "FAIL: ") +
      "first line: host kvm-e2e platform %r, saw %r" % (platform, hosts.get("kvm-e2e", {}).get("platform")))
pending = [g.get("name") for g in d.get("guests", []) if (g.get("cert") or {}).get("rule") == "pending"]
print(("ok: " if not pending else "FAIL: ") +
      "first line: no verdict pending, saw %d (%s)" % (len(pending), ", ".join(map(str, pending[:3]))))
PY

# The last refresh carries rates over a full period; check it in depth, and
# that each line is a complete document.
e2e_check_py "$CV_OUT" "$NODE.manifest" "$GUEST" "$(e2e_local_platform)" <<'PY'
import json, re, sys
out, manifest, guest, platform = sys.argv[1:5]
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)

lines = [l for l in open(out) if l.strip()]
docs = []
for i, l in enumerate(lines, 1):
    try:
        docs.append(json.loads(l))
    except ValueError as e:
        check(False, "line %d is not JSON (%s): %.120s" % (i, e, l))
if not docs:
    sys.exit(0)
for i, d in enumerate(docs, 1):
    t = d.get("time")
    check(isinstance(t, str) and re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$", t),
          "line %d time is ISO 8601 UTC, saw %r" % (i, t))
    check(d.get("demo") is False, "line %d demo is false, saw %r" % (i, d.get("demo")))
d = docs[-1]

hosts = {h.get("name"): h for h in d.get("hosts", [])}
for name, count in (("kvm-e2e", 1), ("test-e2e", 300)):
    h = hosts.get(name)
    if h is None:
        check(False, "host %s in hosts[], saw %s" % (name, sorted(hosts)))
        continue
    check(h.get("state") == "up" and h.get("error") is None,
          "host %s up with error null, saw state=%r error=%r" % (name, h.get("state"), h.get("error")))
    check(h.get("type") == "kvm", "host %s type kvm, saw %r" % (name, h.get("type")))
    check(h.get("guest_count") == count,
          "host %s guest_count %d, saw %r" % (name, count, h.get("guest_count")))
# The platform comes from ssh, run by crossvisor, reading /etc/os-release
# (it must use the URI's keyfile= and known_hosts=).
h = hosts.get("kvm-e2e", {})
check(h.get("platform") == platform,
      "host kvm-e2e platform %r (from /etc/os-release over ssh), saw %r" % (platform, h.get("platform")))
check(str(h.get("hypervisor", "")).startswith("QEMU "),
      "host kvm-e2e hypervisor 'QEMU x.y.z', saw %r" % h.get("hypervisor"))

guests = {}
for g in d.get("guests", []):
    key = (g.get("host"), g.get("name"))
    if key in guests:
        check(False, "guest %s/%s listed once, saw it twice" % key)
    guests[key] = g

# Every node-file domain, with its id and state.
wrong = []
for line in open(manifest):
    name, uuid, state, _os = line.split()
    g = guests.get(("test-e2e", name))
    if g is None:
        wrong.append("%s missing" % name)
    elif g.get("state") != state or g.get("id") != uuid:
        wrong.append("%s: expected %s/%s, saw %s/%s" % (name, state, uuid, g.get("state"), g.get("id")))
check(not wrong, "all %d test-e2e guests listed with their state and uuid%s"
      % (sum(1 for _ in open(manifest)), "" if not wrong else ": " + "; ".join(wrong[:5])))
extra = [k for k in guests if k[0] == "test-e2e" and not k[1].startswith("tg-")]
check(not extra, "no unexpected test-e2e guests, saw %s" % extra[:5])

# The real guest: live figures are numbers, not null.
g = guests.get(("kvm-e2e", guest))
if g is None:
    check(False, "guest kvm-e2e/%s listed, saw %s" % (guest, [k for k in guests if k[0] == "kvm-e2e"]))
    sys.exit(0)
check(g.get("state") == "running", "kvm-e2e/%s running, saw %r" % (guest, g.get("state")))
def number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)
for key in ("cpu_pct", "mem_bytes", "disk_rd_bps", "disk_wr_bps", "net_rx_bps"):
    check(number(g.get(key)), "kvm-e2e/%s %s is a number, saw %r" % (guest, key, g.get(key)))
cpu = g.get("cpu_pct")
check(number(cpu) and 0 <= cpu <= 100, "cpu_pct within 0..100, saw %r" % cpu)
check(g.get("mem_bytes") == 64 * 1024 * 1024, "mem_bytes 64 MiB (balloon current), saw %r" % g.get("mem_bytes"))
check(g.get("vcpus") == 1, "vcpus 1, saw %r" % g.get("vcpus"))
# No guest agent: KVM has no uptime, and a missing figure is null, never 0.
check(g.get("uptime_s") is None, "uptime_s null without a guest agent, saw %r" % g.get("uptime_s"))
PY

# --- CSV: a header and one row per guest -----------------------------------
CV_TIMEOUT=90 cv_run batch-csv -c "$CONF" batch -n 1 --format csv
e2e_assert_eq "batch --format csv exit status ($CV_MS ms; stderr: $(cv_err1))" 0 "$CV_RC"
e2e_check_py "$CV_OUT" "$((NGUESTS + 1))" "$GUEST" <<'PY'
import csv, sys
out, nrows, guest = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = list(csv.reader(open(out, newline="")))
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
if not rows:
    check(False, "csv output is empty"); sys.exit(0)
head = rows[0]
for col in ("host", "name", "state", "cpu_pct", "cert_status"):
    check(col in head, "csv header has %s" % col + ("" if col in head else ", saw %s" % head))
body = [r for r in rows[1:] if r]
check(len(body) == nrows, "csv has %d guest rows, saw %d" % (nrows, len(body)))
check(all(len(r) == len(head) for r in body), "every csv row has %d fields" % len(head))
check(head not in body, "header appears once")
if "name" in head and "state" in head:
    n, s = head.index("name"), head.index("state")
    states = {r[n]: r[s] for r in body if len(r) == len(head)}
    check(states.get(guest) == "running", "csv %s state running, saw %r" % (guest, states.get(guest)))
    check(states.get("tg-0003") == "paused", "csv tg-0003 state paused, saw %r" % states.get("tg-0003"))
    check(states.get("tg-0004") == "shutoff", "csv tg-0004 state shutoff, saw %r" % states.get("tg-0004"))
PY

# --- text: the console's columns; it runs and names the guests -------------
CV_TIMEOUT=90 cv_run batch-text -c "$CONF" batch -n 1 --format text
e2e_assert_eq "batch --format text exit status ($CV_MS ms; stderr: $(cv_err1))" 0 "$CV_RC"
for name in "$GUEST" tg-0001 tg-0300; do
    if grep -q -- "$name" "$CV_OUT"; then
        e2e_pass "text output names $name"
    else
        e2e_fail "text output: expected a row for $name, saw $(wc -l <"$CV_OUT") lines: $(head -c 200 "$CV_OUT")"
    fi
done

e2e_finish
