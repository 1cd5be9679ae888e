#!/bin/bash
# tests/e2e/test_audit.sh -- `crossvisor audit` on the demo fleet (real
# backends: libvirt's test driver and the Hyper-V simulator; hosts that
# declare their platform, guests with libosinfo metadata or KVP): the verdicts
# the vendors' published lists give, the report in all three formats, and the
# exit statuses cron jobs rely on. No server is needed, so no testbed.
set -eu
. "$(dirname "$0")/lib.sh"

e2e_require_crossvisor
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cv-audit.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# --- JSON: the verdicts -----------------------------------------------------
rc=0
cv --demo audit --format json >"$TMP/audit.json" 2>"$TMP/err" || rc=$?
e2e_assert_eq "audit exit status (some guest is not certified)" 1 "$rc"

e2e_check_py "$TMP/audit.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
g = {(x["host"], x["guest"]): x for x in d["guests"]}
check(set(d) == {"time", "hosts", "guests"}, "top-level keys %s" % sorted(d))
for x in d["guests"]:
    if set(x) != {"host", "guest", "id", "platform", "os", "status", "reason", "rule", "source"}:
        check(False, "guest keys %s" % sorted(x)); break
# What the vendors' lists say (each pair is on a published list, or not).
want = {
    ("kvm-prod", "web01"):     "certified",    # RHEL 9.4 on RHEL 9 KVM
    ("kvm-prod", "dc01"):      "certified",    # Windows Server 2022 on RHEL 9 KVM (SVVP)
    ("kvm-prod", "erp-legacy"): "conditional", # RHEL 7.9: ELS only
    ("kvm-prod", "mon01"):     "community",    # Ubuntu on RHEL KVM
    ("kvm-lab", "tcg-smoke01"): "unsupported", # software emulation
    ("kvm-lab", "test-win11-01"): "conditional", # Windows 11: not SVVP
    ("kvm-prod", "fw-appliance01"): "unknown", # no OS metadata
    ("hv-prod", "rhel-web01"): "certified",    # RHEL 9.4 on WS2022 Hyper-V
    ("hv-prod", "ad-dc01"):    "certified",    # WS2022 on WS2022 Hyper-V
    ("hv-prod", "ubuntu-ci01"): "conditional", # Ubuntu on Hyper-V
    ("hv-lab", "rocky9-lab"):  "community",    # Rocky: not on Microsoft's list
}
for k, s in want.items():
    x = g.get(k)
    if x is None:
        check(False, "%s/%s in the report" % k); continue
    check(x["status"] == s, "%s/%s: %s, saw %s (%s)" % (k[0], k[1], s, x["status"], x["reason"]))
    check(bool(x["reason"]) and bool(x["rule"]), "%s/%s has a reason and a rule" % k)
    if s != "unknown":
        check((x["source"] or "").startswith("http"), "%s/%s names its source: %r" % (k[0], k[1], x["source"]))
u = g[("kvm-prod", "fw-appliance01")]
check("not identified" in u["reason"], "unknown says what was not identified: %r" % u["reason"])
hosts = {h["name"]: h for h in d["hosts"]}
check(hosts.get("hv-prod", {}).get("platform") == "windows-server-2022",
      "hv-prod platform from Win32_OperatingSystem: %r" % hosts.get("hv-prod", {}).get("platform"))
PY

# --- CSV and text carry the same fields ------------------------------------
cv --demo audit --format csv >"$TMP/audit.csv" || true
e2e_assert_eq "CSV header" "time,host,guest,id,platform,os,status,reason,rule,source" \
    "$(head -n1 "$TMP/audit.csv")"
e2e_assert_eq "CSV rows = JSON guests" \
    "$(e2e_python -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["guests"]))' "$TMP/audit.json")" \
    "$(e2e_python -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1]))))-1)' "$TMP/audit.csv")"
cv --demo audit >"$TMP/audit.txt" || true
grep -q '^kvm-lab .*tcg-smoke01 .*\[UNSUP\]' "$TMP/audit.txt" &&
    e2e_pass "text report shows the badge" || e2e_fail "text report: no [UNSUP] line for tcg-smoke01"

# --- --fail-on and the exit statuses ----------------------------------------
rc=0; cv --demo audit --format json --fail-on unsupported >/dev/null 2>&1 || rc=$?
e2e_assert_eq "--fail-on unsupported: TCG guests exist, exit 1" 1 "$rc"
rc=0; cv --demo audit --fail-on nonsense >/dev/null 2>"$TMP/err" || rc=$?
e2e_assert_eq "--fail-on nonsense: usage, exit 2" 2 "$rc"

# A host that cannot be audited: exit 2, and the report still lists the rest.
cat >"$TMP/down.conf" <<EOF2
connect_timeout = 2;
hosts = (
  { name = "lab"; type = "kvm"; uri = "test://$E2E_ROOT/demo/kvm-lab.xml"; platform = "rhel-9.4"; },
  { name = "gone"; type = "kvm"; uri = "test:///nonexistent/fleet.xml"; platform = "rhel-9.4"; }
);
EOF2
rc=0; cv -c "$TMP/down.conf" audit --format json >"$TMP/down.json" 2>"$TMP/down.err" || rc=$?
e2e_assert_eq "a host that could not be audited: exit 2" 2 "$rc"
grep -q 'host gone could not be audited' "$TMP/down.err" &&
    e2e_pass "stderr names the host that could not be audited" ||
    e2e_fail "stderr: $(head -c 200 "$TMP/down.err")"
e2e_assert_eq "the reachable host's guests are still listed" 20 \
    "$(e2e_python -c 'import json,sys; print(sum(1 for g in json.load(open(sys.argv[1]))["guests"] if g["host"]=="lab"))' "$TMP/down.json")"

e2e_finish
