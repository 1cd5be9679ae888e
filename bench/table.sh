#!/bin/bash
# bench/table.sh RESULTS [NOTE] -- the table of bench/run.sh from its results
# file ("key value" lines, one per measurement; kept with BENCH_KEEP=1), so
# a kept or interrupted run can be printed again. NOTE goes in the heading.
set -u
RES=$1 NOTE=${2:-}
[ -r "$RES" ] || { echo "usage: table.sh RESULTS [NOTE]" >&2; exit 2; }
# The derived figures go in a copy: the results file stays as measured.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cp "$RES" "$tmp"
calc() { awk "BEGIN { printf \"%.6f\", $* }"; }
rec() {
    case ${2:-} in ''|-*) return 0 ;; esac
    echo "$1 $2" >>"$tmp"
}

# Derived: memory per 1000 guests (1x1000 less 1x100, over 900 guests) and
# kept between refreshes per guest.
for who in floor batch; do
    for k in peak kept; do
        a=$(awk -v k="$who.1x1000-ssh.$k" '$1 == k' "$RES" | sort -k2 -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
        b=$(awk -v k="$who.1x100-ssh.$k" '$1 == k' "$RES" | sort -k2 -n | awk '{ v[NR] = $2 } END { print v[int((NR + 1) / 2)] }')
        [ -n "$a" ] && [ -n "$b" ] || continue
        rec "$who.per1000.$k" "$(calc "($a - $b) / 0.9 / 1024")"
        rec "$who.perguest.$k" "$(calc "($a - $b) * 1024 / 900")"
    done
done

# ------------------------------------------------------------ the table

# Rows: key | figure | unit | goal text | reference key | max ratio | max value
ROWS=$(cat <<'EOF'
#|KVM, 1 host x 1000 guests, in-process test:///|||||
floor.1x1000-local.cpu|floor: CPU per refresh|ms|-|||
batch.1x1000-local.cpu|batch: CPU per refresh|ms|<= 1.3x floor|floor.1x1000-local.cpu|1.3|
floor.1x1000-local.paced|  floor paced, a refresh every 0.2 s as batch|ms|-|floor.1x1000-local.cpu||
batch.1x1000-local.cpu|  batch, over the paced floor|ms|-|floor.1x1000-local.paced||
floor.1x1000-local.peak|floor: peak RSS|KiB|-|||
batch.1x1000-local.peak|batch: peak RSS|KiB|<= 1.2x floor|floor.1x1000-local.peak|1.2|
#|KVM, 1 host x 1000 guests, test+ssh:// (ssh CPU apart)|||||
floor.1x1000-ssh.cpu|floor: CPU per refresh|ms|-|||
floor.1x1000-ssh.ssh|floor: its ssh, CPU per refresh|ms|-|||
floor.1x1000-ssh.wall|floor: wall per refresh|ms|-|||
floor.1x1000-ssh.kacpu|floor with keepalive: CPU per refresh|ms|-|floor.1x1000-ssh.cpu||
floor.1x1000-ssh.paced|  ... and paced, a refresh every 0.2 s as batch|ms|-|floor.1x1000-ssh.cpu||
virsh.1x1000-ssh.cpu|virsh domstats: CPU per call (with its ssh)|ms|-|floor.1x1000-ssh.cpu||
batch.1x1000-ssh.cpu|batch: CPU per refresh|ms|<= 1.3x floor|floor.1x1000-ssh.cpu|1.3|
batch.1x1000-ssh.cpu|  batch, over the paced floor with keepalive|ms|-|floor.1x1000-ssh.paced||
batch.1x1000-ssh.ssh|batch: its ssh, CPU per refresh|ms|-|floor.1x1000-ssh.ssh||
console.1x1000-ssh.cpu|console (tmux 200x60): CPU per refresh|ms|<= 1.3x floor|floor.1x1000-ssh.cpu|1.3|
floor.1x1000-ssh.peak|floor: peak RSS|KiB|-|||
batch.1x1000-ssh.peak|batch: peak RSS|KiB|<= 1.2x floor|floor.1x1000-ssh.peak|1.2|
console.1x1000-ssh.peak|console: peak RSS|KiB|<= 1.2x floor|floor.1x1000-ssh.peak|1.2|
floor.per1000.peak|floor: peak RSS per 1000 guests|MiB|-|||
batch.per1000.peak|batch: peak RSS per 1000 guests|MiB|-|floor.per1000.peak||
floor.perguest.kept|floor: RSS kept per guest (libvirt's own)|B|-|||
batch.perguest.kept|batch: RSS kept between refreshes per guest|B|<= 2048 B||| 2048
#|KVM, 50 hosts x 100 guests, test+ssh://|||||
floor.50x100-ssh.cpu|floor: CPU per refresh|ms|-|||
floor.50x100-ssh.kacpu|floor with keepalive: CPU per refresh|ms|-|floor.50x100-ssh.cpu||
floor.50x100-ssh.paced|  ... and paced, a refresh every 1 s as batch|ms|-|floor.50x100-ssh.cpu||
batch.50x100-ssh.cpu|batch: CPU per refresh|ms|<= 1.3x floor|floor.50x100-ssh.cpu|1.3|
console.50x100-ssh.cpu|console: CPU per refresh|ms|<= 1.3x floor|floor.50x100-ssh.cpu|1.3|
batch.50x100-ssh.cpu|  batch, over the paced floor with keepalive|ms|-|floor.50x100-ssh.paced||
console.50x100-ssh.cpu|  console, over the paced floor with keepalive|ms|-|floor.50x100-ssh.paced||
floor.50x100-ssh.tcpu|floor, a thread per host, paced, keepalive: CPU|ms|-|floor.50x100-ssh.cpu||
batch.50x100-ssh.cpu|  batch, over the threaded floor|ms|-|floor.50x100-ssh.tcpu||
console.50x100-ssh.cpu|  console, over the threaded floor|ms|-|floor.50x100-ssh.tcpu||
floor.50x100-ssh.ssh|floor: its 50 ssh, CPU per refresh|ms|-|||
batch.50x100-ssh.ssh|batch: its 50 ssh, CPU per refresh|ms|-|floor.50x100-ssh.ssh||
floor.50x100-ssh.peak|floor: peak RSS|KiB|-|||
batch.50x100-ssh.peak|batch: peak RSS|KiB|<= 1.2x floor|floor.50x100-ssh.peak|1.2|
floor.50x100-ssh.tpeak|floor, a thread per host: peak RSS|KiB|-|floor.50x100-ssh.peak||
batch.50x100-ssh.peak|  batch, over the threaded floor|KiB|-|floor.50x100-ssh.tpeak||
#|KVM, 100 hosts x 100 guests, test+ssh://|||||
floor.100x100-ssh.cpu|floor: CPU per refresh|ms|-|||
floor.100x100-ssh.kacpu|floor with keepalive: CPU per refresh|ms|-|floor.100x100-ssh.cpu||
floor.100x100-ssh.paced|  ... and paced, a refresh every 1 s as batch|ms|-|floor.100x100-ssh.cpu||
batch.100x100-ssh.cpu|batch: CPU per refresh|ms|<= 1.3x floor|floor.100x100-ssh.cpu|1.3|
console.100x100-ssh.cpu|console: CPU per refresh|ms|<= 1.3x floor|floor.100x100-ssh.cpu|1.3|
batch.100x100-ssh.cpu|  batch, over the paced floor with keepalive|ms|-|floor.100x100-ssh.paced||
console.100x100-ssh.cpu|  console, over the paced floor with keepalive|ms|-|floor.100x100-ssh.paced||
floor.100x100-ssh.tcpu|floor, a thread per host, paced, keepalive: CPU|ms|-|floor.100x100-ssh.cpu||
batch.100x100-ssh.cpu|  batch, over the threaded floor|ms|-|floor.100x100-ssh.tcpu||
console.100x100-ssh.cpu|  console, over the threaded floor|ms|-|floor.100x100-ssh.tcpu||
floor.100x100-ssh.peak|floor: peak RSS|KiB|-|||
batch.100x100-ssh.peak|batch: peak RSS|KiB|<= 1.2x floor|floor.100x100-ssh.peak|1.2|
console.100x100-ssh.peak|console: peak RSS|KiB|<= 1.2x floor|floor.100x100-ssh.peak|1.2|
floor.100x100-ssh.tpeak|floor, a thread per host: peak RSS|KiB|-|floor.100x100-ssh.peak||
batch.100x100-ssh.peak|  batch, over the threaded floor|KiB|-|floor.100x100-ssh.tpeak||
console.100x100-ssh.peak|  console, over the threaded floor|KiB|-|floor.100x100-ssh.tpeak||
floor.100x100-ssh.connect|floor: 100 parallel connects, all open|ms|-|||
floor.100x100-ssh.first|floor: ... and every host's first stats|ms|-|floor.100x100-ssh.connect||
floor.100x100-ssh.pconnect|floor: 100 parallel connects, right before the console|ms|-|||
console.100x100-ssh.first|console: first screen with 100/100 up|ms|<= 1.2x connects|floor.100x100-ssh.pconnect|1.2|
console.100x100-ssh.verdicts|console: ... and no verdict pending|ms|-|floor.100x100-ssh.connect||
batch.100x100-ssh.first|batch: first line (after 2 polls)|ms|-|floor.100x100-ssh.connect||
batch.100x100-ssh.sessions|batch: ssh sessions opened per KVM host|n|-|||
keys.100x100-ssh.p50|console: key to screen, p50 (80x24)|ms|-|||
keys.100x100-ssh.p95|console: key to screen, p95 (80x24)|ms|<= 20 ms|||20
keys.100x100-ssh.idle|  (output quiet before a key, median)|ms|-|||
keys.100x100-ssh.bytes|console: bytes per refresh (80x24)|B|-|||
#|KVM, 1 host x 10 real QEMU guests (TCG, idle), qemu+ssh://|||||
floor.qemu.cpu|floor: CPU per refresh (every group each time)|ms|-|||
batch.qemu.cpu|batch: CPU per refresh|ms|-|floor.qemu.cpu||
floor.qemu.host|floor: the host's CPU per refresh (libvirtd, QEMU)|ms|-|||
batch.qemu.host|batch: the host's CPU per refresh|ms|-|floor.qemu.host||
qemu.idle|the host with no client: CPU per second|ms|-|||
#|Console frames, 10 hosts x 1000 guests (bench/frame)|||||
frame.200x60.p50|frame build+draw, p50, 200x60|ms|<= 5 ms|||5
frame.200x60.p95|frame build+draw, p95, 200x60|ms|-|||
frame.80x24.p50|frame build+draw, p50, 80x24|ms|<= 5 ms|||5
frame.80x24.bytes|bytes per frame, figures changing, 80x24|B|<= 2048 B|||2048
frame.200x60.bytes|bytes per frame, figures changing, 200x60|B|-|||
demo.80x24.bytes|demo console: bytes per refresh, 80x24|B|<= 2048 B|||2048
demo.200x60.bytes|demo console: bytes per refresh, 200x60|B|-|||
#|Hyper-V, 10 simulated hosts x 50 VMs (0.6 s PowerShell start)|||||
hv.starts_per_poll|PowerShell starts per refresh per host|n|-|||
hv.restarts_per_min|PowerShell starts per host per minute after start-up|n|<= 1|||1
hv.poll_ms|wall per poll (latency_ms, median host)|ms|-|||
hv.batch.cpu|batch: CPU per refresh (10 hosts)|ms|-|||
hv.batch.sim|the simulators: CPU per refresh|ms|-|||
hv.persistent_ms|one host: poll on the persistent session|ms|-|||
hv.per_process_ms|one host: one PowerShell per poll|ms|-|hv.persistent_ms||
EOF
)

# spread -- "median min max" of the numbers on stdin, or nothing.
spread() {
    sort -g |
        awk '{ v[NR] = $1 } END { if (NR) printf "%s %s %s\n", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2), v[1], v[NR] }'
}

# stats KEY -- "median min max" of the recorded values, or nothing.
stats() { awk -v k="$1" '$1 == k { print $2 }' "$tmp" | spread; }

# ratio KEY REF -- KEY over REF. Each run measures both, minutes apart at
# most, while the machine's speed drifts over a whole bench: with as many
# runs of each, the median of the runs' own ratios; else the ratio of the
# medians.
ratio() {
    local a b
    a=$(awk -v k="$1" '$1 == k { print $2 }' "$tmp")
    b=$(awk -v k="$2" '$1 == k { print $2 }' "$tmp")
    if [ -n "$a" ] && [ "$(wc -l <<<"$a")" = "$(wc -l <<<"$b")" ]; then
        paste -d' ' <(echo "$a") <(echo "$b") |
            awk '$2 > 0 { print $1 / $2 }' | spread | cut -d' ' -f1
    else
        awk -v a="$(stats "$1" | cut -d' ' -f1)" -v b="$(stats "$2" | cut -d' ' -f1)" \
            'BEGIN { if (b > 0) print a / b }'
    fi
}

fmt() { awk -v x="$1" 'BEGIN { a = x < 0 ? -x : x; printf (a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f"), x }'; }

printf '\ncrossvisor bench: %s%s; %s CPU(s), %s; Linux %s; load average %s\n' \
    "${NOTE:+$NOTE; }" "$(date -u +%Y-%m-%dT%H:%MZ)" "$(nproc)" \
    "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
    "$(uname -r)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-50s %5s %9s %-19s %-17s %8s %s\n' figure unit median "spread (min-max)" goal ratio ""
while IFS='|' read -r key label unit goal ref maxr maxv; do
    if [ "$key" = '#' ]; then
        printf '%s\n' "-- $label"
        continue
    fi
    s=$(stats "$key")
    if [ -z "$s" ]; then
        printf '%-50s %5s %9s\n' "$label" "$unit" "n/a"
        continue
    fi
    set -- $s
    med=$1 lo=$2 hi=$3 ratio='' verdict=''
    if [ -n "$ref" ] && r=$(ratio "$key" "$ref") && [ -n "$r" ]; then
        ratio=$(awk -v r="$r" 'BEGIN { printf "%.2fx", r }')
        [ -z "$maxr" ] ||
            verdict=$(awk -v r="$r" -v m="$maxr" 'BEGIN { print (r <= m ? "ok" : "OVER") }')
    fi
    if [ -n "${maxv// /}" ]; then
        verdict=$(awk -v a="$med" -v m="$maxv" 'BEGIN { print (a <= m ? "ok" : "OVER") }')
    fi
    printf '%-50s %5s %9s %-19s %-17s %8s %s\n' "$label" "$unit" "$(fmt "$med")" \
        "$(fmt "$lo")-$(fmt "$hi")" "$goal" "$ratio" "$verdict"
done <<<"$ROWS"
printf '%s\n' "Medians of the runs; a ratio is the median of the runs' own ratios." \
    "Figures are noisy when other work shares the machine."
