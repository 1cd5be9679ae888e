#!/bin/bash
# tests/e2e/test_platform_pending.sh -- the console's first screen before a
# host's platform is known. Two hosts: kvm-a (libvirt's test driver over
# test+ssh, whose platform takes a second SSH session: /etc/os-release) and
# a blackhole that accepts TCP and never speaks, so one host is still on its
# first connect for CONNECT_TIMEOUT seconds.
#   1. kvm-a is shown up with its guests at once, its platform "pending",
#      every verdict "[ .. ]" and counted as pending on the summary line:
#      no badge is worked out without the platform;
#      (the guests' OS, a round trip per guest, is read at kvm-a's second
#      poll: the first screen may show them without it);
#   2. once the blackhole is shown down (its connect timed out), kvm-a's
#      platform is read and the badges follow, beside every guest's OS;
#   3. batch and audit read the platform before they show a host: no line
#      of theirs has a pending verdict.
set -eu
. "$(dirname "$0")/lib.sh"
. "$E2E_ROOT/tests/tui/lib.sh"

NGUESTS=6
REFRESH=1
CONNECT_TIMEOUT=10    # the platform read takes a session as long as a connect: room for a loaded machine

e2e_require_crossvisor
e2e_require tmux
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP
TUI_ROOT=$E2E_ROOT
tui_setup platform-pending
trap 'e2e_rc=$?; tui_cleanup; (exit $e2e_rc); e2e_teardown' EXIT

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
PLATFORM=$(e2e_local_platform)
e2e_gen_nodefile "$NODE" "$NGUESTS"
HOLE=$(e2e_blackhole_port)
e2e_conf "$CONF" "$REFRESH" \
    "$(e2e_kvm_host kvm-a "$(e2e_test_uri "$NODE")")" \
    "$(e2e_kvm_host hole "test+ssh://root@127.0.0.1:$HOLE/default?keyfile=$E2E_KEY&no_tty=1&known_hosts=$E2E_KNOWN_HOSTS")"
printf 'connect_timeout = %s;\n' "$CONNECT_TIMEOUT" >>"$CONF"

# --- 1. guests first, verdicts pending ---------------------------------------
tui_shell 160 30 "PATH=$E2E_DIR/bin:/usr/local/bin:/usr/bin:/bin"
t0=$(e2e_now_ms)
tui_type "./crossvisor -c $CONF"
tui_wait '^(▾|-)kvm-a +kvm +up ' 20
up_ms=$(( $(e2e_now_ms) - t0 ))
if grep -q -E '^(▾|-)hole +kvm +connecting' "$TUI_TMP/screen"; then
    e2e_pass "kvm-a up in $up_ms ms while hole is still connecting"
    grep -E '^(▾|-)kvm-a ' "$TUI_TMP/screen" | sed 's/^/    console: /'
    if grep -q -E '^(▾|-)kvm-a +kvm +up .*platform pending' "$TUI_TMP/screen"; then
        e2e_pass "kvm-a's line says its platform is pending"
    else
        e2e_fail "kvm-a's line does not say 'platform pending'"
    fi
    n=$(grep -c -E '^ [├└]─ .*\[ \.\. \]' "$TUI_TMP/screen" || true)
    e2e_assert_eq "guest rows with a pending verdict [ .. ]" "$NGUESTS" "$n"
    if grep -q -E "^cert .* $NGUESTS pending" "$TUI_TMP/screen"; then
        e2e_pass "summary line counts $NGUESTS verdicts pending"
    else
        e2e_fail "summary line: expected '$NGUESTS pending', saw: $(tui_line 2)"
    fi
    if grep -q -E '^ [├└]─ .*\[(CERT|COND|COMM| \?\? |UNSUP)\]' "$TUI_TMP/screen"; then
        e2e_fail "a badge is shown before the platform is known"
    fi
    n=$(grep -c -E '^ [├└]─ .*\[ \.\. \] +- *$' "$TUI_TMP/screen" || true)
    echo "info: $n of $NGUESTS guest rows on the first screen without their OS yet"
else
    # The blackhole's connect is over already: only on a machine so slow
    # that kvm-a took CONNECT_TIMEOUT s to come up.
    e2e_fail "hole no longer connecting when kvm-a came up ($up_ms ms); cannot see the pending screen"
fi

# --- 2. the platform read, the badges follow ---------------------------------
t=$(e2e_now_ms)
tui_wait "^(▾|-)kvm-a +kvm +up .*$PLATFORM" $((2 * CONNECT_TIMEOUT + 10))
tui_wait '^ [├└]─ .*\[(CERT|COND|COMM| \?\? |UNSUP)\]' 5
e2e_pass "kvm-a shows platform $PLATFORM and badges $(( $(e2e_now_ms) - t0 )) ms after start"
tui_capture
for os in 'tg-0001 .*Red Hat Enterprise Linux 8\.8' 'tg-0004 .*Windows Server 2022'; do
    if grep -q -E "^ [├└]─ .*$os" "$TUI_TMP/screen"; then
        e2e_pass "guest row shows its OS: ${os/ .\*/ ... }"
    else
        e2e_fail "no guest row matches '$os'"
    fi
done
tui_gone '\[ \.\. \]'
tui_gone '^cert .* pending'
tui_gone '^(▾|-)hole +kvm +connecting'
tui_keys q
tui_wait '^\$ ?$' 10

# --- 3. batch and audit never show a verdict pending -------------------------
CV_TIMEOUT=60 cv_run batch -c "$CONF" batch -n 1 --format json
e2e_check_py "$CV_OUT" "$PLATFORM" <<'PY'
import json, sys
out, platform = sys.argv[1:3]
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
lines = [l for l in open(out) if l.strip()]
if not lines:
    check(False, "batch printed no line"); sys.exit(0)
d = json.loads(lines[-1])
h = {h["name"]: h for h in d["hosts"]}.get("kvm-a", {})
check(h.get("state") == "up" and h.get("platform") == platform,
      "batch: kvm-a up on %s, saw %r %r" % (platform, h.get("state"), h.get("platform")))
rules = [g["cert"].get("rule") for g in d["guests"] if g["host"] == "kvm-a"]
check(len(rules) > 0 and "pending" not in rules,
      "batch: %d verdicts, none pending" % len(rules))
PY
CV_TIMEOUT=60 cv_run audit -c "$CONF" audit --format json
if grep -q '"pending"' "$CV_OUT"; then
    e2e_fail "audit output holds a pending verdict"
else
    e2e_pass "audit (exit status $CV_RC): no verdict pending"
fi

e2e_finish
