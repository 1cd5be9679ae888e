#!/bin/bash
# tests/e2e/test_tcache.sh -- a fleet of more than one KVM host runs with glibc's
# per-thread malloc caches off: crossvisor starts itself again with
# GLIBC_TUNABLES=glibc.malloc.tcache_count=0, under its own name and with
# its whole command line, and the commands it runs (the demo's Hyper-V
# simulators) do not inherit the setting. glibc's default stays for one KVM
# host, for Hyper-V hosts alone (their pollers are faster with the caches)
# and for a configuration read from a pipe, which could not be read again. A
# GLIBC_TUNABLES of the user's is kept as it is, and its children have it.
set -eu
. "$(dirname "$0")/lib.sh"

TCACHE_OFF=glibc.malloc.tcache_count=0

e2e_require_crossvisor
e2e_setup     # traps e2e_teardown on EXIT, INT, TERM and HUP

NODE=$E2E_DIR/node.xml
ONE=$E2E_DIR/one.conf
TWO=$E2E_DIR/two.conf
e2e_gen_nodefile "$NODE" 20
e2e_conf "$ONE" 1.0 "$(e2e_kvm_host a-e2e "$(e2e_test_uri "$NODE")")"
e2e_conf "$TWO" 1.0 \
    "$(e2e_kvm_host a-e2e "$(e2e_test_uri "$NODE")")" \
    "$(e2e_kvm_host b-e2e "$(e2e_test_uri "$NODE")")"
HV=$E2E_DIR/hyperv.conf
SELF=$(readlink -f "$CV_BIN")

# hv_local NAME STATE -- a Hyper-V host: the simulator, run as a command.
hv_local() {
    printf '{ name = "%s"; type = "hyperv"; transport = "local"; command = [ "%s", "--state", "%s" ]; }' \
        "$1" "$E2E_HVSIM" "$2"
}

# What GLIBC_TUNABLES a process started with ("-" for none).
tunables_of() {
    tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null |
        awk -F= '$1 == "GLIBC_TUNABLES" { v = substr($0, 16) } END { print v == "" ? "-" : v }'
}

# run_watch NAME ARGS... -- a batch until its second line; sets PID,
# TUNABLES, COMM and CHILD_TUNABLES (the distinct settings of its children).
run_watch() {
    local name=$1
    shift
    cv_bg "$name" "$@" batch -n 100 -d 1 --format json
    cv_bg_wait_lines 2 60 || e2e_fail "$name: no second line within 60 s ($(head -n1 "$E2E_DIR/$name.stderr"))"
    PID=$CV_BG_PID
    TUNABLES=$(tunables_of "$PID")
    COMM=$(cat "/proc/$PID/comm")
    CHILD_TUNABLES=$(for p in $(e2e_descendants "$PID"); do
        tunables_of "$p"
    done | sort -u | tr '\n' ' ')
    cv_bg_stop
}

# --- two hosts: started again, caches off ----------------------------------
run_watch two -c "$TWO"
e2e_assert_eq "two hosts: crossvisor's GLIBC_TUNABLES" "$TCACHE_OFF" "$TUNABLES"
e2e_assert_eq "two hosts: the process's name after the restart" \
    "$(basename "$SELF" | cut -c1-15)" "$COMM"

# The command line comes through whole: -n 2 gives two lines, of two hosts.
CV_TIMEOUT=90 cv_run two-n2 -c "$TWO" batch -n 2 --format json
e2e_assert_eq "two hosts: batch -n 2 exit status (stderr: $(cv_err1))" 0 "$CV_RC"
e2e_assert_eq "two hosts: batch -n 2 lines" 2 "$(grep -c . "$CV_OUT" || true)"
e2e_assert_eq "two hosts: hosts up in the last line" 2 \
    "$(tail -n1 "$CV_OUT" | grep -o '"state":"up"' | wc -l)"

# The demo's four hosts: its Hyper-V simulators run as crossvisor's children.
run_watch demo --demo
e2e_assert_eq "demo: crossvisor's GLIBC_TUNABLES" "$TCACHE_OFF" "$TUNABLES"
e2e_assert_eq "demo: the simulators' GLIBC_TUNABLES" "- " "$CHILD_TUNABLES"

# --- one KVM host, or Hyper-V hosts alone: glibc's default -----------------
run_watch one -c "$ONE"
e2e_assert_eq "one host: crossvisor's GLIBC_TUNABLES" "-" "$TUNABLES"

e2e_require_hvsim
for i in 1 2; do cp "$E2E_ROOT/demo/hv-lab.json" "$E2E_DIR/hv$i.json"; done
e2e_conf "$HV" 1.0 \
    "$(hv_local hv1-e2e "$E2E_DIR/hv1.json")" "$(hv_local hv2-e2e "$E2E_DIR/hv2.json")"
run_watch hyperv -c "$HV"
e2e_assert_eq "two Hyper-V hosts: crossvisor's GLIBC_TUNABLES" "-" "$TUNABLES"

# --- a configuration from a pipe cannot be read twice: no restart ----------
run_watch pipe -c <(cat "$TWO")
e2e_assert_eq "configuration from a pipe: crossvisor's GLIBC_TUNABLES" "-" "$TUNABLES"
e2e_assert_eq "configuration from a pipe: hosts up in the last line" 2 \
    "$(tail -n1 "$CV_BG_OUT" | grep -o '"state":"up"' | wc -l)"

# --- the user's own setting wins, and the children keep it -----------------
OWN=glibc.malloc.arena_max=8
GLIBC_TUNABLES=$OWN run_watch own --demo
e2e_assert_eq "user's GLIBC_TUNABLES: crossvisor's" "$OWN" "$TUNABLES"
e2e_assert_eq "user's GLIBC_TUNABLES: the simulators'" "$OWN " "$CHILD_TUNABLES"

e2e_finish
