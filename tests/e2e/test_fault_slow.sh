#!/bin/bash
# tests/e2e/test_fault_slow.sh -- slow hosts beside fast ones, each behind
# its own sshd (the simulator, every answer held back by a wrapper):
#   hv-slow     2 s per answer, within poll_timeout (4 s): up, its latency
#               about 2 s, its figures never older than a refresh plus that;
#   hv-tooslow  6 s per answer, past poll_timeout: down with the reason;
#   hv-fast     no delay, and hv-local (run directly): up and fresh in every
#               line, refreshed every second as if the slow ones were not
#               there.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)
REFRESH=1
RUN_S=14

e2e_require_crossvisor
e2e_require_hvsim
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP

for h in slow tooslow fast local; do
    printf '{"host":{"LogicalProcessorCount":8},"vms":[{"Name":"%s-web","State":"Running"}]}\n' \
        "$h" >"$E2E_DIR/hv-$h.json"
done
WRAP=$(e2e_hv_wrapper)
SLOW=$(E2E_HVSIM=$WRAP e2e_hv_sshd hv-slow --wrap-slow=2 --state "$E2E_DIR/hv-slow.json")
TOOSLOW=$(E2E_HVSIM=$WRAP e2e_hv_sshd hv-tooslow --wrap-slow=6 --state "$E2E_DIR/hv-tooslow.json")
FAST=$(e2e_hv_sshd hv-fast --state "$E2E_DIR/hv-fast.json")
CONF=$E2E_DIR/crossvisor.conf
e2e_conf "$CONF" "$REFRESH" \
    "$(e2e_hv_host hv-slow "$SLOW")" "$(e2e_hv_host hv-tooslow "$TOOSLOW")" \
    "$(e2e_hv_host hv-fast "$FAST")" \
    "{ name = \"hv-local\"; type = \"hyperv\"; transport = \"local\"; command = [ \"$E2E_HVSIM\", \"--state\", \"$E2E_DIR/hv-local.json\" ]; }"
# The first answer waits for PowerShell and the 2 s: connect_timeout 8.
printf 'connect_timeout = 8;\npoll_timeout = 4;\nbackoff_max = 2;\n' >>"$CONF"

cv_bg batch -c "$CONF" batch --format json
cv_bg_wait_lines 1 40 || e2e_die "batch printed no line in 40 s: $(head -c 300 "$E2E_DIR/batch.stderr")"
START=$(e2e_now_ms)
e2e_wait_for "[ \$(( \$(e2e_now_ms) - $START )) -ge $((RUN_S * 1000)) ]" $((RUN_S + 5)) 0.5
cv_bg_stop

e2e_check_timeline "$CV_BG_OUT" "$REFRESH" GOOD=hv-fast,hv-local \
    "FAULT=hv-tooslow@$T0,20,no answer|time"
e2e_check_py "$CV_BG_OUT" "$REFRESH" <<'PY'
import json, sys
out, refresh = sys.argv[1], float(sys.argv[2])
def check(ok, msg):
    print(("ok: " if ok else "FAIL: ") + msg)
lines = [json.loads(l.split("\t", 1)[1]) for l in open(out)]
slow = [next(h for h in d["hosts"] if h["name"] == "hv-slow") for d in lines]
# From its first good poll on.
first = next((i for i, h in enumerate(slow) if h["state"] == "up"), None)
if first is None:
    check(False, "hv-slow never up: %r" % [h["state"] for h in slow][:5]); sys.exit(0)
rest = slow[first:]
states = [h["state"] for h in rest]
lat = [h["latency_ms"] for h in rest if h["state"] == "up"]
ages = [h["age_s"] for h in rest]
print("info: hv-slow over %d lines: states %s, latency_ms %s..%s, worst age_s %.1f" %
      (len(rest), sorted(set(states)), min(lat), max(lat), max(ages)))
check(all(s == "up" for s in states), "hv-slow stays up at 2 s per answer")
check(min(lat) >= 1800, "hv-slow's latency shows its 2 s (least %d ms)" % min(lat))
check(max(ages) <= refresh + 2 + 1.5, "hv-slow's figures no older than a refresh + 2 s + 1.5 s (worst %.1f s)" % max(ages))
PY

printf 'time: test_fault_slow %s ms\n' "$(( $(e2e_now_ms) - T0 ))"
e2e_finish
