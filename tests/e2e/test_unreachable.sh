#!/bin/bash
# tests/e2e/test_unreachable.sh -- one good host beside two bad ones: a
# blackhole that accepts TCP and never speaks (ssh hangs before the banner)
# and a closed port. `batch` must finish within a bound, the good host up with
# its guests, the bad ones down with a reason; `act` on a bad one exits 2
# with one line. Then a config file with a syntax error: one
# `path:line: message` line on stderr and exit status 2.
set -eu
. "$(dirname "$0")/lib.sh"

NGUESTS=50
BOUND_S=60     # generous: two refreshes plus the default connect timeout

e2e_require_crossvisor
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

NODE=$E2E_DIR/node.xml
CONF=$E2E_DIR/crossvisor.conf
e2e_gen_nodefile "$NODE" "$NGUESTS"
HOLE=$(e2e_blackhole_port)
CLOSED=$(e2e_free_port)
e2e_port_open "$CLOSED" && e2e_die "port $CLOSED was meant to be closed but accepts"

# The bad hosts' URIs differ from the good one only by the port.
bad_uri() {
    printf 'test+ssh://root@127.0.0.1:%s/default?keyfile=%s&no_tty=1&known_hosts=%s\n' \
        "$1" "$E2E_KEY" "$E2E_KNOWN_HOSTS"
}
e2e_conf "$CONF" 1.0 \
    "$(e2e_kvm_host test-e2e "$(e2e_test_uri "$NODE")")" \
    "$(e2e_kvm_host hole-e2e "$(bad_uri "$HOLE")")" \
    "$(e2e_kvm_host closed-e2e "$(bad_uri "$CLOSED")")"

# --- a hanging and a refusing host do not hold up the good one -------------
CV_TIMEOUT=$((BOUND_S + 30)) cv_run batch -c "$CONF" batch -n 2 --format json
if cv_ended && [ "$CV_MS" -le $((BOUND_S * 1000)) ]; then
    e2e_pass "batch -n 2 finished in $CV_MS ms (bound ${BOUND_S} s), exit status $CV_RC"
else
    e2e_fail "batch -n 2: expected to finish within ${BOUND_S} s, took $CV_MS ms (exit status $CV_RC)"
fi
e2e_assert_eq "batch -n 2 --format json line count (stderr: $(cv_err1))" 2 "$(grep -c . "$CV_OUT" || true)"

e2e_check_py "$CV_OUT" "$NODE.manifest" <<'PY'
import json, sys
out, manifest = sys.argv[1:3]
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

good = hosts.get("test-e2e", {})
check(good.get("state") == "up", "test-e2e up, saw state=%r error=%r" % (good.get("state"), good.get("error")))
check(good.get("guest_count") == 50, "test-e2e guest_count 50, saw %r" % good.get("guest_count"))
want = {l.split()[0]: l.split()[2] for l in open(manifest)}
seen = {g.get("name"): g.get("state") for g in d.get("guests", []) if g.get("host") == "test-e2e"}
check(seen == want, "test-e2e guests and states as in the node file%s" %
      ("" if seen == want else ": %d expected, %d seen, e.g. %s" %
       (len(want), len(seen), sorted(set(want.items()) ^ set(seen.items()))[:3])))

for name in ("hole-e2e", "closed-e2e"):
    h = hosts.get(name)
    if h is None:
        check(False, "host %s in hosts[], saw %s" % (name, sorted(hosts))); continue
    err = h.get("error")
    check(h.get("state") == "down", "%s down, saw %r" % (name, h.get("state")))
    check(isinstance(err, str) and err.strip() != "",
          "%s has a non-empty error, saw %r" % (name, err))
    print("info: %s error: %s" % (name, err))
    ghosts = [g.get("name") for g in d.get("guests", []) if g.get("host") == name]
    check(not ghosts, "%s lists no guests (never reached), saw %s" % (name, ghosts[:3]))
PY

# --- act on a host that refuses, and on one that never answers --------------
# Exit status 2 and one line naming the host; it ends through the engine's
# shutdown, with a poller still inside ssh for the blackhole.
for bad in closed-e2e hole-e2e; do
    CV_TIMEOUT=$((BOUND_S + 30)) cv_run "act-$bad" -c "$CONF" act start "$bad/any" test-e2e/nope
    e2e_assert_eq "act start $bad/any: exit status ($CV_MS ms; stderr: $(cv_err1))" 2 "$CV_RC"
    case $(cv_err1) in
        "crossvisor: host $bad is unreachable: "?*|"crossvisor: no answer from the hosts in time")
            e2e_pass "act start $bad/any says: $(cv_err1)" ;;
        *) e2e_fail "act start $bad/any: expected the host unreachable, saw '$(cv_err1)'" ;;
    esac
    e2e_assert_eq "act start $bad/any: stderr line count" 1 "$(wc -l <"$CV_ERR")"
done

# --- a config with a syntax error ------------------------------------------
# Line 4 lacks the comma between two host groups: libconfig reports line 4.
BAD=$E2E_DIR/bad.conf
cat >"$BAD" <<'EOF'
refresh = 1.0;
hosts = (
  { name = "a"; type = "kvm"; uri = "test:///default"; }
  { name = "b"; type = "kvm"; uri = "test:///default"; }
);
EOF
CV_TIMEOUT=30 cv_run bad-conf -c "$BAD" batch -n 1 --format json
e2e_assert_eq "batch with a syntax error in the config: exit status" 2 "$CV_RC"
e2e_assert_eq "stderr line count for a bad config (saw: $(tr '\n' '|' <"$CV_ERR"))" 1 "$(wc -l <"$CV_ERR")"
# The path as given to -c, the line, a message, and nothing before them
# (crossvisor.conf(5)): editors and grep -n users jump to it.
case $(cv_err1) in
    "$BAD:4: "[!\ ]*) bad_line_ok=true ;;
    *) bad_line_ok=false ;;
esac
if $bad_line_ok; then
    e2e_pass "bad config error reads '$(cv_err1)'"
else
    e2e_fail "bad config: expected '$BAD:4: <message>' on stderr, saw '$(cv_err1)'"
fi
[ ! -s "$CV_OUT" ] || e2e_fail "bad config: expected nothing on stdout, saw: $(head -c 200 "$CV_OUT")"

e2e_finish
