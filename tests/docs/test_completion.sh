#!/bin/bash
# tests/docs/test_completion.sh -- bash completion as a user meets it:
# `crossvisor batch` writes the fleet cache under $XDG_STATE_HOME/crossvisor/,
# and completion/crossvisor.bash offers commands, options, actions, the host
# names of the configuration (crossvisor hosts) and HOST/GUEST names from
# that cache: for a configured fleet (one Hyper-V host on the simulator,
# run through the local transport) and for --demo.
set -u
cd "$(dirname "$0")/../.."
root=$PWD

fail=0
ok()  { printf 'ok: %s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*" >&2; fail=$((fail + 1)); }

[ -x ./crossvisor ] && [ -x tests/sim/hvsim ] || { echo "FAIL: build first (make)" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/cv-completion.XXXXXX")
trap 'rm -rf "$T"' EXIT
export XDG_STATE_HOME=$T/state HOME=$T/home
mkdir -p "$HOME"
cp tests/sim/states/lab.json "$T/lab.json"
cat >"$T/crossvisor.conf" <<CONF
hosts = (
  { name = "hv-a"; type = "hyperv"; transport = "local";
    command = [ "$root/tests/sim/hvsim", "--state", "$T/lab.json" ]; },
  { name = "kvm-z"; type = "kvm"; uri = "test:///default"; }
);
CONF

# ---- the cache ----
./crossvisor -c "$T/crossvisor.conf" batch -n 1 --format json >"$T/batch.json" 2>"$T/batch.err" ||
    bad "batch failed: $(head -n 2 "$T/batch.err")"
cache=$XDG_STATE_HOME/crossvisor/fleet-cache
if [ -s "$cache" ]; then
    want=$(python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
for g in d["guests"]: print(g["host"] + "/" + g["name"])' "$T/batch.json" | sort)
    [ "$want" = "$(sort "$cache")" ] &&
        ok "batch wrote \$XDG_STATE_HOME/crossvisor/fleet-cache: $(wc -l <"$cache") HOST/GUEST lines, as batch listed" ||
        bad "fleet-cache differs from the batch output: $(diff <(echo "$want") <(sort "$cache") | head -n 4)"
    [ "$(stat -c %a "$XDG_STATE_HOME/crossvisor")" = 700 ] &&
        ok "the state directory is mode 700" || bad "state dir mode $(stat -c %a "$XDG_STATE_HOME/crossvisor")"
else
    bad "batch wrote no $cache"
fi
./crossvisor --demo batch -n 1 >/dev/null 2>&1
[ -s "$XDG_STATE_HOME/crossvisor/fleet-cache-demo" ] &&
    ok "--demo writes its own cache (fleet-cache-demo): $(wc -l <"$XDG_STATE_HOME/crossvisor/fleet-cache-demo") lines" ||
    bad "--demo wrote no fleet-cache-demo"

# ---- completion ----
# comp WORDS...: what completion offers for the last word, sorted, one line.
comp() {
    PATH=$root:$PATH bash -c '
        . completion/crossvisor.bash
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        _crossvisor
        printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " " | sed "s/ $//"' comp "$@"
}
# expect WHAT WANT WORDS...
expect() {
    local what=$1 want=$2 got
    shift 2
    got=$(comp "$@")
    [ "$got" = "$want" ] && ok "$what: $got" || bad "$what: expected '$want', got '$got'"
}
expect "commands" "act audit batch hosts" crossvisor ''
expect "actions" "pause poweroff reboot reset resume save shutdown snapshot start" crossvisor act ''
expect "batch --format" "csv json text" crossvisor batch --format ''
expect "batch -f" "csv json text" crossvisor batch -f ''
expect "audit --fail-on" "certified community conditional unknown unsupported" crossvisor audit --fail-on ''
expect "host names of -c FILE" "hv-a/ kvm-z/" crossvisor -c "$T/crossvisor.conf" act start ''
guests=$(grep '^hv-a/d' "$cache" | sort | tr '\n' ' ' | sed 's/ $//')
expect "guests of hv-a from the cache" "$guests" crossvisor -c "$T/crossvisor.conf" act shutdown hv-a/d
expect "demo host names" "hv-lab/ hv-prod/ kvm-lab/ kvm-prod/" crossvisor --demo act start ''
guests=$(grep '^hv-lab/' "$XDG_STATE_HOME/crossvisor/fleet-cache-demo" | sort | tr '\n' ' ' | sed 's/ $//')
expect "demo guests of hv-lab" "$guests" crossvisor --demo act reboot hv-lab/
expect "no guests for a host not in the config" "" crossvisor -c "$T/crossvisor.conf" act start hv-lab/

[ "$fail" -eq 0 ] || { echo "test_completion: $fail check(s) failed" >&2; exit 1; }
echo "test_completion: all checks passed"
