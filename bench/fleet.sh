# bench/fleet.sh -- fleets for the benchmark, on the end-to-end testbed.
#
# Sourced by bench/run.sh after tests/e2e/lib.sh and e2e_setup (a private
# sshd + libvirtd on loopback in their own mount namespace). Every file goes
# in $E2E_DIR, which teardown removes.
#
#   bench_nodefile M            -> path of a test-driver node file, M domains
#   bench_kvm_uris N M [local]  -> N URIs, one a line: test+ssh:// to the
#                                  private daemon, or test:/// (in-process)
#   bench_kvm_conf N M [local]  -> path of a crossvisor.conf for those hosts
#   bench_hv_conf N M [DELAY]   -> path of a crossvisor.conf: N simulated
#                                  Hyper-V hosts (local transport), M VMs
#                                  each, the simulator's start-up DELAY
#                                  (default 0.6 s, as PowerShell); logs in
#                                  $E2E_DIR/hv-N-M/hvI.log
#
# Each test-driver connection reads its node file anew, so N hosts sharing
# one file are N independent hosts to the client and to the daemon.

BENCH_REFRESH=${BENCH_REFRESH:-1.0}

bench_nodefile() {
    local m=$1 f=$E2E_DIR/node-$1.xml
    [ -s "$f" ] || e2e_gen_nodefile "$f" "$m"
    echo "$f"
}

bench_kvm_uris() {
    local n=$1 m=$2 mode=${3:-ssh} node i
    node=$(bench_nodefile "$m")
    for ((i = 1; i <= n; i++)); do
        if [ "$mode" = local ]; then
            echo "test://$node"
        else
            e2e_test_uri "$node"
        fi
    done
}

# bench_conf_header FILE -- the keys every bench config shares. A longer
# connect_timeout than the default 15 s: 100 ssh connects at once on a
# busy machine take longer, and batch waits for every host only that long.
bench_conf_header() {
    {
        echo "# written by bench/fleet.sh"
        echo "refresh = $BENCH_REFRESH;"
        echo "connect_timeout = 60.0;"
        echo "poll_timeout = 60.0;"
    } >"$1"
}

bench_kvm_conf() {
    local n=$1 m=$2 mode=${3:-ssh} f=$E2E_DIR/kvm-$1x$2-${3:-ssh}.conf i=0 sep= uri
    [ -s "$f" ] && { echo "$f"; return 0; }
    bench_conf_header "$f"
    {
        echo "hosts = ("
        while read -r uri; do
            i=$((i + 1))
            printf '%s  ' "$sep"
            e2e_kvm_host "kvm-$i" "$uri"
            echo
            sep=,
        done < <(bench_kvm_uris "$n" "$m" "$mode")
        echo ");"
    } >>"$f"
    echo "$f"
}

# bench_hv_state FILE M -- a simulator state with M running VMs; the
# simulator makes up the rest (ids, live CPU and memory figures).
bench_hv_state() {
    local f=$1 m=$2 i sep=
    {
        printf '{"host": {"ComputerName": "HV-BENCH"}, "vms": ['
        for ((i = 1; i <= m; i++)); do
            printf '%s\n {"Name": "vm-%04d", "State": "Running", "KVP": {"OSName": "Microsoft Windows Server 2022 Datacenter", "OSVersion": "10.0.20348"}}' "$sep" "$i"
            sep=,
        done
        printf '\n]}\n'
    } >"$f"
}

bench_hv_conf() {
    local n=$1 m=$2 delay=${3:-0.6} d=$E2E_DIR/hv-$1-$2 f i sep=
    f=$d.conf
    [ -n "${E2E_HVSIM:-}" ] || e2e_require_hvsim
    mkdir -p "$d"
    bench_hv_state "$d/state.json" "$m"
    bench_conf_header "$f"
    {
        echo "hosts = ("
        for ((i = 1; i <= n; i++)); do
            # One state file each: actions would write it (none run here).
            cp "$d/state.json" "$d/hv$i.json"
            : >"$d/hv$i.log"
            printf '%s  { name = "hv-%d"; type = "hyperv"; transport = "local"; command = [ "%s", "--delay", "%s", "--state", "%s", "--log", "%s" ]; }\n' \
                "$sep" "$i" "$E2E_HVSIM" "$delay" "$d/hv$i.json" "$d/hv$i.log"
            sep=,
        done
        echo ");"
    } >>"$f"
    echo "$f"
}
