#!/bin/bash
# tests/e2e/test_injection.sh -- guest names written to break things: quotes,
# semicolons, newlines, backticks, $(...) and PowerShell payloads that would
# create a marker file in $E2E_DIR/pwned if any shell ran them, framing
# words of crossvisor's PowerShell protocol, Unicode (CJK, emoji, combining
# marks, right-to-left text and the RLO override), 1000 characters, escape
# sequences and invalid UTF-8, on both hypervisors:
#
#   Hyper-V  a simulated host (tests/sim/hvsim behind a loopback sshd) whose
#            state file holds every name, each on its own running VM, with
#            padding VMs behind so that the poll answer spans many reads.
#            Invalid UTF-8 can only come from a broken host: PowerShell's
#            strings are UTF-16, the simulator writes each invalid sequence
#            as U+FFFD as the UTF-8 encoder does, and crossvisor shows that.
#   KVM      libvirt's test driver (over test+ssh) lists every name libvirt
#            takes (it refuses '/' and newlines, XML 1.0 refuses escapes);
#            actions run on real, disk-less TCG domains of the private
#            libvirtd (qemu+ssh) with the names its file layout takes.
#
# Asserted: batch --format json lists each name exactly (valid JSON, same
# characters, the right id), csv round-trips them, text shows no control
# byte; `act poweroff HOST/NAME` (Hyper-V) and `act start` / `poweroff`
# (KVM) change exactly that guest and no other; the simulator's --log holds
# only crossvisor's script hashes, with names never in the parameters; no
# marker file appears.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
NPAD=600       # padding VMs: a poll answer of about 400 KB, many reads

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup     # libvirtd and sshd; traps e2e_teardown on EXIT, INT, TERM, HUP

PWN=$E2E_DIR/pwned
mkdir -p "$PWN"
STATE=$E2E_DIR/hv-inj.json
NAMES=$E2E_DIR/names.json
CONF=$E2E_DIR/crossvisor.conf
HVLOG=$E2E_DIR/hv-inj.log

# --- the names ----------------------------------------------------------------
# names.json: [{"name": str (the exact text), "raw": hex of the bytes put in
# the state file when not its UTF-8, "kvm": listed on KVM, "act": acted on}]
e2e_python - "$PWN" "$NAMES" <<'PY'
import json, sys
pwn, out = sys.argv[1:3]
n = []
def add(name, kvm=True, act=True, raw=None):
    # libvirt refuses '/' in a name: those payloads are Hyper-V only.
    n.append({"name": name, "kvm": kvm and "/" not in name, "act": act, "raw": raw})
add("it's")
add('say "hi"')
add("x; touch %s/semicolon" % pwn)
add("$(touch %s/dollar-paren)" % pwn)
add("`touch %s/backtick`" % pwn)
add("x' ; touch %s/single-quote ; echo '" % pwn)
add('x" ; touch %s/double-quote ; echo "' % pwn)
add("x && touch %s/and || touch %s/or" % (pwn, pwn))
add("| touch %s/pipe" % pwn)
add("line1\ntouch %s/newline" % pwn, kvm=False)
add("$(New-Item -ItemType File %s/ps-subexpr)" % pwn)
# Relative markers, for KVM where no '/' may appear: looked for in every
# directory a shell could have started in.
add("$(touch cv-pwned-k1)")
add("`touch cv-pwned-k2`")
add("x; touch cv-pwned-k3")
add("x' ; touch cv-pwned-k4 ; echo '")
add('x" ; touch cv-pwned-k5 ; echo "')
add("'; Remove-VM -Name * -Force; '")
add('"; Stop-Computer -Force; "')
add("@@CVEND@@")
add("@@CVPARAMS@@ {\"Id\":\"00000000-0000-0000-0000-000000000000\"}")
for i in range(1, 6):
    add("@@CVDONE@@ %d" % i)
add("@@CV@@ 2 {\"host\":{},\"vms\":[]}")
add("仮想マシン-01")
add("🖥️-server-💥")
add("e\u0301\u0301-combining")
add("\u202eevil-rtl-override")
add("مرحبا-rtl")
add("<b>&amp;</b>")
add("back\\slash")
add("tab\there", kvm=False)
add("\x1b[31mred\x1b[0m", kvm=False)
add("c1-\u009b31m-csi")
add("a/b", kvm=False)
add("n" * 1000)
# Invalid UTF-8 in the state file: the simulator writes U+FFFD for each
# maximal invalid sequence, as .NET's UTF-8 encoder would.
add("bad-\ufffd\ufffd-utf8-\ufffd", kvm=False, raw="bad-\xff\xfe-utf8-\xc3")
json.dump(n, open(out, "w"))
PY

# --- Hyper-V -----------------------------------------------------------------
e2e_python - "$NAMES" "$STATE" "$NPAD" <<'PY'
import json, sys
names, state, npad = sys.argv[1], sys.argv[2], int(sys.argv[3])
vms = []
for i, e in enumerate(json.load(open(names))):
    vms.append({"Name": "@RAW%d@" % i if e["raw"] else e["name"],
                "Id": "1a2b3c4d-0000-4000-8000-%012d" % (i + 1), "State": "Running",
                "CPUUsage": 5, "ProcessorCount": 2, "MemoryAssigned": 1073741824})
for i in range(npad):
    vms.append({"Name": "pad-%04d" % i, "Id": "1a2b3c4d-ffff-4000-8000-%012d" % i,
                "State": "Running", "ProcessorCount": 1,
                "KVP": {"OSName": "Ubuntu", "OSMajorVersion": "22", "Notes": "p" * 400}})
text = json.dumps({"host": {"ComputerName": "HV-INJ"}, "vms": vms}, ensure_ascii=False)
raw = text.encode("utf-8")
for i, e in enumerate(json.load(open(names))):
    if e["raw"]:
        raw = raw.replace(b'"@RAW%d@"' % i, b'"' + e["raw"].encode("latin-1") + b'"')
open(state, "wb").write(raw)
PY
HV_PORT=$(e2e_hv_sshd hv-inj --state "$STATE" --log "$HVLOG")

# --- KVM: the test driver lists, the private libvirtd acts -------------------
NODE=$E2E_DIR/kvm-inj.xml
e2e_python - "$NAMES" "$NODE" <<'PY'
import json, sys
from xml.sax.saxutils import escape
names, node = sys.argv[1:3]
out = ["<node>"]
for i, e in enumerate(json.load(open(names))):
    if not e["kvm"]:
        continue
    out.append("""<domain type='test'><name>%s</name>
<uuid>2b3c4d5e-0000-4000-8000-%012d</uuid><memory>65536</memory><vcpu>1</vcpu>
<os><type>hvm</type></os></domain>""" % (escape(e["name"]), i + 1))
out.append("</node>")
open(node, "w", encoding="utf-8").write("\n".join(out))
PY

# Real domains for actions: a name must also be a file name (libvirt keeps
# NAME.xml and NAME.log), so nothing over 200 bytes and no '/'.
KVM_ACT=$E2E_DIR/kvm-act.names
e2e_python - "$NAMES" "$E2E_DIR" "$KVM_ACT" <<'PY'
import json, sys
from xml.sax.saxutils import escape
names, d, lst = sys.argv[1:4]
picked = [e["name"] for e in json.load(open(names))
          if e["kvm"] and len(e["name"].encode()) < 200 and e["name"] in (
              "it's", 'say "hi"', "$(touch cv-pwned-k1)", "`touch cv-pwned-k2`",
              "x' ; touch cv-pwned-k4 ; echo '", "仮想マシン-01", "🖥️-server-💥",
              "\u202eevil-rtl-override", "<b>&amp;</b>")]
with open(lst, "wb") as f:
    for i, name in enumerate(picked):
        open("%s/kvm-act-%d.xml" % (d, i), "w", encoding="utf-8").write("""<domain type='qemu'>
  <name>%s</name><uuid>3c4d5e6f-0000-4000-8000-%012d</uuid>
  <memory unit='MiB'>32</memory><vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <on_poweroff>destroy</on_poweroff><on_crash>destroy</on_crash>
</domain>""" % (escape(name), i + 1))
        f.write(name.encode() + b"\0")
PY
i=0
while IFS= read -r -d '' name; do
    printf '%s\n' "$name" >>"$E2E_DIR/domains"      # for teardown
    e2e_virsh define "$E2E_DIR/kvm-act-$i.xml" >/dev/null ||
        e2e_die "virsh define of '$name' failed: $(tail -2 "$E2E_DIR/libvirtd.log")"
    i=$((i + 1))
done <"$KVM_ACT"
e2e_pass "defined $i KVM domains with hostile names in the private libvirtd"

e2e_conf "$CONF" 1.0 "$(e2e_hv_host hv-inj "$HV_PORT")" \
    "$(e2e_kvm_host kvm-list "$(e2e_test_uri "$NODE")")" \
    "$(e2e_kvm_host kvm-act "$(e2e_qemu_uri)")"
# Generous: what is tested is exactness, not speed, and a loaded CI machine
# must not turn a slow connect into a failure.
printf 'connect_timeout = 60.0;\npoll_timeout = 60.0;\n' >>"$CONF"

# --- listing ------------------------------------------------------------------
for fmt in json csv text; do
    CV_TIMEOUT=90 cv_run "batch-$fmt" -c "$CONF" batch -n 1 --format "$fmt"
    e2e_assert_eq "batch --format $fmt exit status (stderr: $(cv_err1))" 0 "$CV_RC"
done

e2e_check_py "$NAMES" "$E2E_DIR" "$KVM_ACT" <<'PY'
import csv, json, sys
names, d, kvm_act = sys.argv[1:4]
entries = json.load(open(names))
raw = open(d + "/batch-json.out", "rb").read()
try:
    doc = json.loads(raw.decode("utf-8"))   # strict: any invalid UTF-8 fails
    print("ok: batch json is one valid UTF-8 JSON document")
except ValueError as e:
    print("FAIL: batch json is not valid JSON/UTF-8: %s" % e); sys.exit(0)
hosts = {h["name"]: h for h in doc["hosts"]}
for h in ("hv-inj", "kvm-list", "kvm-act"):
    st = hosts.get(h, {}).get("state")
    print(("ok: %s up" if st == "up" else "FAIL: %s is %s: " + str(hosts.get(h, {}).get("error"))) % ((h,) if st == "up" else (h, st)))
def listed(host):
    return {g["name"]: g for g in doc["guests"] if g["host"] == host}
hv = listed("hv-inj")
for i, e in enumerate(entries):
    g = hv.get(e["name"])
    want_id = "1a2b3c4d-0000-4000-8000-%012d" % (i + 1)
    if g is None:
        print("FAIL: hv-inj: %r not listed" % e["name"])
    elif g["id"] != want_id:
        print("FAIL: hv-inj: %r has id %s, not %s" % (e["name"], g["id"], want_id))
    else:
        print("ok: hv-inj lists %r exactly (%s)" % (e["name"][:40], want_id))
pads = sum(1 for n in hv if n.startswith("pad-"))
print(("ok: " if pads == 600 else "FAIL: ") + "hv-inj: %d padding VMs listed" % pads)
kl = listed("kvm-list")
for i, e in enumerate(entries):
    if not e["kvm"]:
        continue
    g = kl.get(e["name"])
    want = "2b3c4d5e-0000-4000-8000-%012d" % (i + 1)
    if g is None or g["id"] != want:
        print("FAIL: kvm-list: %r %s" % (e["name"][:60], "not listed" if g is None else "id " + g["id"]))
    else:
        print("ok: kvm-list lists %r exactly" % e["name"][:40])
ka = listed("kvm-act")
for name in open(kvm_act, "rb").read().decode().split("\0")[:-1]:
    print(("ok: kvm-act lists %r" if name in ka else "FAIL: kvm-act: %r not listed") % name)
# csv: the same names, exact, through a CSV reader
rows = list(csv.DictReader(open(d + "/batch-csv.out", encoding="utf-8", newline="")))
cnames = {(r["host"], r["name"]) for r in rows}
miss = [e["name"] for e in entries if ("hv-inj", e["name"]) not in cnames]
print(("FAIL: csv lacks %r" % miss[:3]) if miss else "ok: csv round-trips every hv-inj name")
# text: no control byte but LF, and one line per guest
text = open(d + "/batch-text.out", "rb").read()
bad = sorted({c for c in text if c < 0x20 and c != 0x0a or c == 0x7f})
print(("FAIL: text output holds control bytes %s" % bad) if bad else "ok: text output holds no control byte")
utext = text.decode("utf-8", "replace")
bad = sorted({"U+%04X" % ord(c) for c in utext
              if 0x80 <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069})
print(("FAIL: text output holds C1 or bidi controls %s" % bad) if bad else
      "ok: text output holds no C1 control and no bidi override")
rows = [l for l in text.split(b"\n") if l.startswith(b"hv-inj ")]
print(("ok: " if len(rows) == len(hv) else "FAIL: ") + "text: %d hv-inj rows for %d guests" % (len(rows), len(hv)))
PY

# --- acting on Hyper-V: exactly the named VM, every time -----------------------
e2e_python - "$NAMES" >"$E2E_DIR/hv-act.names" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])):
    if e["act"]:
        sys.stdout.buffer.write(e["name"].encode() + b"\0")
PY
: >"$E2E_DIR/hv-acted"
n=0
while IFS= read -r -d '' name; do
    CV_TIMEOUT=60 cv_run hv-act -c "$CONF" act poweroff "hv-inj/$name"
    n=$((n + 1))
    if [ "$CV_RC" -ne 0 ]; then
        e2e_fail "act poweroff hv-inj/$(printf '%q' "$name"): exit $CV_RC: $(cv_err1)"
        continue
    fi
    printf '%s\0' "$name" >>"$E2E_DIR/hv-acted"
    e2e_check_py "$NAMES" "$STATE" "$E2E_DIR/hv-acted" <<'PY'
import json, sys
names, state, acted = sys.argv[1:4]
entries = json.load(open(names))
done = open(acted, "rb").read().decode().split("\0")[:-1]
vms = json.loads(open(state, "rb").read().decode("utf-8", "replace"))["vms"]
off = {v["Id"] for v in vms if v.get("State") != "Running"}
want = {"1a2b3c4d-0000-4000-8000-%012d" % (i + 1) for i, e in enumerate(entries)
        if e["name"] in done}
if off == want:
    print("ok: poweroff %r: exactly the %d acted VMs are off" % (done[-1][:40], len(want)))
else:
    print("FAIL: poweroff %r: off %s, expected %s" % (done[-1][:40], sorted(off - want)[:3],
          sorted(want - off)[:3]))
PY
done <"$E2E_DIR/hv-act.names"
e2e_pass "acted on $n Hyper-V VMs by their hostile names"

# A name that is no VM, written as an injection: not found (2), nothing runs.
CV_TIMEOUT=60 cv_run hv-act-none -c "$CONF" act poweroff "hv-inj/\$(touch $PWN/notfound)"
e2e_assert_eq "act on a missing injected name exits 2 ($(cv_err1))" 2 "$CV_RC"

# --- the simulator's log: only crossvisor's scripts, names never sent ----------
e2e_check_py "$HVLOG" "$E2E_ROOT/backends/ps/scripts.fnv" "$NAMES" "$E2E_DIR/hv-acted" <<'PY'
import json, re, sys
log, fnv, names, acted = sys.argv[1:5]
known = {}
for line in open(fnv):
    if line.strip() and not line.startswith("#"):
        h, name = line.split()
        known[name] = h
entries = json.load(open(names))
ids = {e["name"]: "1a2b3c4d-0000-4000-8000-%012d" % (i + 1) for i, e in enumerate(entries)}
want_acts = [ids[n] for n in open(acted, "rb").read().decode().split("\0")[:-1]]
acts, bad = [], 0
for line in open(log, "rb").read().decode("utf-8", "replace").splitlines():
    f = line.split(" ", 3)
    if len(f) != 4 or f[1] not in ("session", "poll", "action") or known.get(f[1]) != f[2]:
        print("FAIL: hvsim log: unexpected call: %r" % line[:120]); bad += 1; continue
    if f[1] == "session" and f[3] != "-" or f[1] == "poll" and f[3] != "{}":
        print("FAIL: hvsim log: %s with parameters %r" % (f[1], f[3][:80])); bad += 1
    if f[1] == "action":
        m = re.fullmatch(r'\{"Id":"([0-9a-f-]{36})","Action":"poweroff"\}', f[3])
        if not m:
            print("FAIL: hvsim log: action parameters %r" % f[3][:120]); bad += 1
        else:
            acts.append(m.group(1))
if not bad:
    print("ok: hvsim log holds only the session, poll and action scripts by their hashes")
if acts == want_acts:
    print("ok: hvsim log: %d actions, each with the id of the named VM and nothing else" % len(acts))
else:
    print("FAIL: hvsim log: actions on %s, expected %s" % (acts[:3], want_acts[:3]))
PY

# --- acting on KVM: start then poweroff each, the others stay off --------------
running() { e2e_virsh list --name | sed '/^$/d' | LC_ALL=C sort; }
while IFS= read -r -d '' name; do
    CV_TIMEOUT=90 cv_run kvm-start -c "$CONF" act start "kvm-act/$name"
    e2e_assert_eq "act start kvm-act/$(printf '%q' "$name") exit status ($(cv_err1))" 0 "$CV_RC"
    e2e_assert_eq "running after start of $(printf '%q' "$name")" "$name" "$(running)"
    CV_TIMEOUT=90 cv_run kvm-off -c "$CONF" act poweroff "kvm-act/$name"
    e2e_assert_eq "act poweroff kvm-act/$(printf '%q' "$name") exit status ($(cv_err1))" 0 "$CV_RC"
    e2e_wait_for "[ -z \"\$(running)\" ]" 20 || true
    e2e_assert_eq "running after poweroff of $(printf '%q' "$name")" "" "$(running)"
done <"$KVM_ACT"

# --- nothing ran -------------------------------------------------------------
if [ -z "$(ls -A "$PWN")" ]; then
    e2e_pass "no marker file in $PWN: no name ran as a command"
else
    e2e_fail "marker files created: $(ls -A "$PWN" | tr '\n' ' ')"
fi
# The relative ones, wherever a shell of sshd, libvirtd or crossvisor
# would have started (the namespace's own view of / included).
NSROOT=/proc/$(cat "$E2E_DIR/holder.pid")/root
found=$(ls -d / /root "$HOME" "$E2E_ROOT" "$E2E_DIR" "${TMPDIR:-/tmp}" \
    "$NSROOT" "$NSROOT/root" "$NSROOT/var/lib/libvirt" "$NSROOT/run/libvirt" 2>/dev/null |
    while read -r d; do ls -d "$d"/cv-pwned-* 2>/dev/null || true; done)
if [ -z "$found" ]; then
    e2e_pass "no cv-pwned-* marker in any starting directory"
else
    e2e_fail "marker files created: $found"
fi

e2e_log "test_injection: $(( ($(e2e_now_ms) - T0) / 1000 )) s"
e2e_finish
