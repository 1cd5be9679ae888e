#!/usr/bin/env bash
# tests/sim/test_hvsim.sh -- drives the Hyper-V simulator (tests/sim/hvsim)
# directly, as crossvisor's local transport would: the powershell.exe
# command line with the bootstrap, then session.ps1 and requests on stdin.
# Needs bash, iconv, base64, python3 (JSON checks); valgrind if present.
# Prints "hvsim: N passed, M failed"; exits 1 on any failure.
# HVSIM names the binary (default: tests/sim/hvsim, built if missing);
# HVSIM_VALGRIND=0 skips the valgrind runs (for a sanitizer build).

set -u
shopt -s lastpipe
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HVSIM=${HVSIM:-$ROOT/tests/sim/hvsim}
PS=$ROOT/backends/ps
STATES=$ROOT/tests/sim/states
T=$(mktemp -d "${TMPDIR:-/tmp}/hvsim-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
PASS=0
FAIL=0

ok()  { PASS=$((PASS + 1)); printf 'ok   %s\n' "$*"; }
bad() { FAIL=$((FAIL + 1)); printf 'FAIL %s\n' "$*"; }
eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$2], saw [$3]"; fi
}
has() {		# has WHAT FILE FIXED-STRING
	if grep -qF -- "$3" "$2"; then ok "$1"; else bad "$1: no [$3] in $2"; fi
}
hasnt() {
	if grep -qF -- "$3" "$2"; then bad "$1: [$3] in $2"; else ok "$1"; fi
}

if [ ! -x "$HVSIM" ]; then
	make -C "$ROOT" -f tests/sim/sim.mk tests/sim/hvsim >/dev/null ||
	    { echo "hvsim: cannot build $HVSIM"; exit 1; }
fi
for tool in iconv base64 python3; do
	command -v $tool >/dev/null || { echo "hvsim: $tool is missing"; exit 1; }
done

B64=$(iconv -f UTF-8 -t UTF-16LE "$PS/bootstrap.ps1" | base64 -w0)
PSARGS=(-NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass
    -EncodedCommand "$B64")

# The parts of what crossvisor writes on stdin.
session() { cat "$PS/session.ps1"; printf '@@CVEND@@\n'; }
req() {		# req N SCRIPT PARAMS
	printf '@@CVREQ@@ %s\n' "$1"
	cat "$PS/$2.ps1"
	printf '@@CVPARAMS@@ %s\n@@CVEND@@\n' "$3"
}
poll() { req "$1" poll '{}'; }
act() { req "$1" action "{\"Id\":\"$2\",\"Action\":\"$3\"}"; }

# run [hvsim options] < stdin: stdout in $T/out, stderr in $T/err, RC.
run() { "$HVSIM" "$@" "${PSARGS[@]}" >"$T/out" 2>"$T/err"; RC=$?; }
# The JSON of answer N in $T/out (the CR of the CRLF removed).
answer() { sed -n "s/^@@CV@@ $1 \\(.*\\)\\r\$/\\1/p" "$T/out"; }
# py 'expression of d' < json: prints it.
py() { python3 -c "import json,sys; d=json.loads(sys.stdin.read()); print($1)"; }

DC=c050d04f-abec-4332-84e0-4c5652e3c57e		# dc01, Running
W11=ad2fb4c9-0fb2-40b2-bd57-902b5f2af27d	# win11-test, Off
C7=7b57e1f3-0bda-4d82-9373-613d9feba546		# centos7-legacy, Saved
SLES=5ed0ac58-d95a-4ace-be6f-64862a699731	# sles15-sap, Paused
PXE=0533fbb3-92d4-4631-ae96-e0b30e6d498b	# pxe-rescue, no ICs
CLOCK=1795000000				# 2026-11-18T11:06:40Z
export CROSSVISOR_FAKE_CLOCK=$CLOCK

fresh() { cp "$STATES/lab.json" "$T/lab.json"; rm -f "$T/lab.json.lock"; }

# ------------------------------------------------------------------ poll
fresh
{ session; poll 1; } | run --state "$T/lab.json"
eq "poll: exit status" 0 "$RC"
eq "poll: two lines, CRLF" "2 2" "$(wc -l <"$T/out") $(grep -c $'\r$' "$T/out")"
eq "poll: DONE line" "@@CVDONE@@ 1" "$(sed -n '2s/\r$//p' "$T/out")"
answer 1 >"$T/poll.json"
eq "poll: valid JSON, key order" "ok" "$(python3 - "$T/poll.json" <<'EOF'
import json, re, sys
raw = open(sys.argv[1], encoding="utf-8").read().strip()
d = json.loads(raw)
def fail(m): print(m); sys.exit()
if list(d) != ["host", "vms"]: fail("top keys %s" % list(d))
if list(d["host"]) != ["ComputerName", "Caption", "Version", "BuildNumber",
    "ProductType", "LogicalProcessorCount", "TotalMemoryBytes"]:
	fail("host keys %s" % list(d["host"]))
keys = ["Id", "Name", "State", "Status", "CPUUsage", "ProcessorCount",
    "MemoryAssigned", "MemoryDemand", "MemoryStartup", "UptimeSeconds",
    "Heartbeat", "Generation", "Version", "IntegrationServicesState", "KVP"]
for v in d["vms"]:
	if list(v) != keys: fail("vm keys %s" % list(v))
	if not re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", v["Id"]):
		fail("Id " + v["Id"])
	for k in ("CPUUsage", "ProcessorCount", "MemoryAssigned", "MemoryDemand",
	    "MemoryStartup", "UptimeSeconds", "Generation"):
		if type(v[k]) is not int: fail("%s %r" % (k, v[k]))
if raw != json.dumps(d, separators=(",", ":"), ensure_ascii=False):
	fail("not as ConvertTo-Json -Compress prints it")
print("ok")
EOF
)"
eq "poll: Running VM" \
    "Running|OkApplicationsHealthy|Up to date|1893612|4294967296|Microsoft Windows Server 2019 Standard" \
    "$(py "'|'.join(str(x) for x in [v for v in d['vms'] if v['Name']=='dc01'][0] and [(v['State'],v['Heartbeat'],v['IntegrationServicesState'],v['UptimeSeconds'],v['MemoryAssigned'],v['KVP']['OSName']) for v in d['vms'] if v['Name']=='dc01'][0])" <"$T/poll.json")"
eq "poll: Off VM has no figures, no heartbeat, no KVP" "Off 0 0 0 0  None" \
    "$(py "' '.join(str(x) for x in [(v['State'],v['CPUUsage'],v['MemoryAssigned'],v['MemoryDemand'],v['UptimeSeconds'],v['Heartbeat'],v['KVP']) for v in d['vms'] if v['Name']=='win11-test'][0])" <"$T/poll.json")"
eq "poll: Saved VM" "Saved 0 0 0  None" \
    "$(py "' '.join(str(x) for x in [(v['State'],v['CPUUsage'],v['MemoryAssigned'],v['UptimeSeconds'],v['Heartbeat'],v['KVP']) for v in d['vms'] if v['Name']=='centos7-legacy'][0])" <"$T/poll.json")"
eq "poll: Paused VM" "Paused 0 34359738368 0 Paused 604800 None" \
    "$(py "' '.join(str(x) for x in [(v['State'],v['CPUUsage'],v['MemoryAssigned'],v['MemoryDemand'],v['Heartbeat'],v['UptimeSeconds'],v['KVP']) for v in d['vms'] if v['Name']=='sles15-sap'][0])" <"$T/poll.json")"
eq "poll: VM without integration services" "NoContact None" \
    "$(py "' '.join(str(x) for x in [(v['Heartbeat'],v['KVP']) for v in d['vms'] if v['Name']=='pxe-rescue'][0])" <"$T/poll.json")"
eq "poll: CPU and demand plausible" "ok" \
    "$(py "'ok' if all(0 <= v['CPUUsage'] <= 100 and v['MemoryDemand'] <= v['MemoryAssigned'] for v in d['vms']) else d" <"$T/poll.json")"
cp "$T/out" "$T/out1"
{ session; poll 1; } | run --state "$T/lab.json"
if cmp -s "$T/out" "$T/out1"; then ok "poll: byte-stable under CROSSVISOR_FAKE_CLOCK"
else bad "poll: two polls at one fake time differ"; fi

# Without the fake clock uptimes follow the wall clock.
{ session; poll 1; sleep 1.2; poll 2; } |
    CROSSVISOR_FAKE_CLOCK= run --state "$T/lab.json"
u1=$(answer 1 | py "[v['UptimeSeconds'] for v in d['vms'] if v['Name']=='dc01'][0]")
u2=$(answer 2 | py "[v['UptimeSeconds'] for v in d['vms'] if v['Name']=='dc01'][0]")
if [ "$u2" -gt "$u1" ]; then ok "poll: uptime moves ($u1 -> $u2)"
else bad "poll: uptime did not move ($u1 -> $u2)"; fi

# ConvertTo-Json 5.1 escapes; other non-ASCII raw.
python3 - "$T/esc.json" <<'EOF'
import json, sys
json.dump({"host": {}, "vms": [{"Name": "a'b<c>&d \"q\" \\ é 日本 \u2028\u0085\x01\t\n/",
    "State": "Running", "KVP": {"OSName": "x&y"}}]}, open(sys.argv[1], "w"))
EOF
{ session; poll 1; } | run --state "$T/esc.json"
has "poll: ConvertTo-Json escapes" "$T/out" \
    '"Name":"a\u0027b\u003cc\u003e\u0026d \"q\" \\ é 日本 \u2028\u0085\u0001\t\n/"'
has "poll: KVP value escaped" "$T/out" '"KVP":{"OSName":"x\u0026y"}'
has "poll: defaults" "$T/out" '"ComputerName":"ESC","Caption":"Microsoft Windows Server 2022 Datacenter","Version":"10.0.20348","BuildNumber":"20348","ProductType":3,"LogicalProcessorCount":16,"TotalMemoryBytes":137257549824}'
has "poll: VM defaults" "$T/out" '"ProcessorCount":2,"MemoryAssigned":2147483648'

# A state without VMs: an empty array.
echo '{"host":{"ComputerName":"EMPTY"}}' >"$T/empty.json"
{ session; poll 1; } | run --state "$T/empty.json"
has "poll: no VMs" "$T/out" '"vms":[]}'

# ---------------------------------------------------------------- actions
fresh
# expect N JSON: the answer to request N.
expect() { eq "$1" "$3" "$(answer "$2")"; }
{ session
  act 1 "$W11" start; act 2 "$W11" start
  act 3 "$W11" pause; act 4 "$W11" pause
  act 5 "$W11" resume; act 6 "$W11" resume
  act 7 "$W11" save; act 8 "$W11" save
  act 9 "$W11" start
  act 10 "$W11" shutdown; act 11 "$W11" shutdown
  act 12 "$W11" poweroff
  act 13 "$W11" pause
  act 14 "$DC" reboot; act 15 "$DC" reset
  act 16 "$PXE" shutdown; act 17 "$PXE" reboot
  act 18 "$DC" snapshot
  act 19 "$DC" explode
  act 20 "$DC" START
  act 21 "$C7" poweroff
  act 22 "$SLES" shutdown
  act 23 "$W11" reset
  act 24 "$SLES" save; act 25 "$SLES" start
} | run --state "$T/lab.json"
DONE='{"result":"done","message":""}'
expect "start Off" 1 "$DONE"
expect "start Running: no-op" 2 '{"result":"noop","message":"already running"}'
expect "pause Running" 3 "$DONE"
expect "pause Paused: no-op" 4 '{"result":"noop","message":"already paused"}'
expect "resume Paused" 5 "$DONE"
expect "resume Running: no-op" 6 '{"result":"noop","message":"already running"}'
expect "save Running" 7 "$DONE"
expect "save Saved: no-op" 8 '{"result":"noop","message":"already saved"}'
expect "start Saved" 9 "$DONE"
expect "shutdown Running" 10 "$DONE"
expect "shutdown Off: no-op" 11 '{"result":"noop","message":"already off"}'
expect "poweroff Off: no-op" 12 '{"result":"noop","message":"already off"}'
expect "pause Off: the cmdlet's invalid-state error" 13 \
    '{"error":{"message":"The operation cannot be performed while the virtual machine is in its current state.","category":"InvalidOperation","fqid":"InvalidState,Microsoft.HyperV.PowerShell.Commands.SuspendVM","target":""}}'
expect "reboot Running" 14 "$DONE"
expect "reset Running" 15 "$DONE"
expect "shutdown without the Shutdown service" 16 \
    '{"error":{"message":"the shutdown integration service of VM \u0027pxe-rescue\u0027 is not running, so a graceful shutdown is impossible; use poweroff or reset","category":"InvalidOperation","fqid":"NoShutdownService,Assert-ShutdownService","target":""}}'
expect "reboot without the Shutdown service" 17 \
    '{"error":{"message":"the shutdown integration service of VM \u0027pxe-rescue\u0027 is not running, so a graceful reboot is impossible; use poweroff or reset","category":"InvalidOperation","fqid":"NoShutdownService,Assert-ShutdownService","target":""}}'
expect "snapshot" 18 '{"result":"done","message":"checkpoint crossvisor-20261118-110640 taken"}'
expect "unknown action" 19 \
    '{"error":{"message":"unknown action \u0027explode\u0027","category":"InvalidArgument","fqid":"UnknownAction","target":""}}'
expect "action names without case" 20 '{"result":"noop","message":"already running"}'
expect "poweroff Saved" 21 "$DONE"
expect "shutdown Paused: Stop-VM refuses" 22 \
    '{"error":{"message":"The operation cannot be performed while the virtual machine is in its current state.","category":"InvalidOperation","fqid":"InvalidState,Microsoft.HyperV.PowerShell.Commands.StopVM","target":""}}'
expect "reset Off" 23 \
    '{"error":{"message":"The operation cannot be performed while the virtual machine is in its current state.","category":"InvalidOperation","fqid":"InvalidState,Microsoft.HyperV.PowerShell.Commands.RestartVM","target":""}}'
expect "save Paused" 24 "$DONE"
expect "start Saved again" 25 "$DONE"
eq "exit status: the last request's" 0 "$RC"
eq "state file: states written back" "Off Running Off Running" "$(python3 -c '
import json,sys; d={v["Name"]:v for v in json.load(open(sys.argv[1]))["vms"]}
print(d["win11-test"]["State"], d["dc01"]["State"], d["centos7-legacy"]["State"], d["sles15-sap"]["State"])' "$T/lab.json")"
eq "state file: checkpoint recorded" "['crossvisor-20261118-110640']" "$(python3 -c '
import json,sys; print([v for v in json.load(open(sys.argv[1]))["vms"] if v["Name"]=="dc01"][0]["Checkpoints"])' "$T/lab.json")"

# Uptime after a start counts from the stored boot time; Saved keeps it.
fresh
{ session; act 1 "$W11" start; act 2 "$SLES" save; } | run --state "$T/lab.json"
{ session; poll 1; } | CROSSVISOR_FAKE_CLOCK=$((CLOCK + 100)) run --state "$T/lab.json"
eq "uptime counts from the start" "100" \
    "$(answer 1 | py "[v['UptimeSeconds'] for v in d['vms'] if v['Name']=='win11-test'][0]")"
{ session; act 1 "$SLES" start; } | CROSSVISOR_FAKE_CLOCK=$((CLOCK + 500)) run --state "$T/lab.json"
{ session; poll 1; } | CROSSVISOR_FAKE_CLOCK=$((CLOCK + 510)) run --state "$T/lab.json"
eq "uptime goes on from where Save-VM left it" "604810" \
    "$(answer 1 | py "[v['UptimeSeconds'] for v in d['vms'] if v['Name']=='sles15-sap'][0]")"
eq "state persists across processes" "Running" \
    "$(answer 1 | py "[v['State'] for v in d['vms'] if v['Name']=='win11-test'][0]")"

# A host whose Restart-VM has no -Type.
python3 - "$STATES/lab.json" "$T/old.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1])); d["host"]["RestartVMHasType"] = False
json.dump(d, open(sys.argv[2], "w"))
EOF
{ session; act 1 "$DC" reboot; } | run --state "$T/old.json"
expect "reboot where Restart-VM has no -Type" 1 \
    '{"error":{"message":"this host offers no graceful reboot (Restart-VM has no -Type); use reset","category":"NotImplemented","fqid":"NoGracefulReboot","target":""}}'
eq "exit status after a failed request" 1 "$RC"

# ----------------------------------------------------------------- errors
fresh
{ session
  act 1 "c050d04f-abec-4332-84e0-4c5652e3c5ff" start
  act 2 "{C050D04F-ABEC-4332-84E0-4C5652E3C57E}" START
  act 3 "not-a-guid" start
  req 4 action '{"Action":"start"}'
  req 5 action '{"Id":"c050d04fabec433284e04c5652e3c57e"}'
  req 6 action '{"Id":42,"Action":"start"}'
  req 7 action 'null'
} | run --state "$T/lab.json"
expect "not found: Get-VM -Id's error" 1 \
    '{"error":{"message":"Hyper-V was unable to find a virtual machine with ID \"c050d04f-abec-4332-84e0-4c5652e3c5ff\".","category":"InvalidArgument","fqid":"InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM","target":"c050d04f-abec-4332-84e0-4c5652e3c5ff"}}'
expect "Id in any GUID form" 2 '{"result":"noop","message":"already running"}'
expect "Id not a GUID: the binder's error" 3 \
    '{"error":{"message":"Cannot bind parameter \u0027Id\u0027. Cannot convert value \"not-a-guid\" to type \"System.Guid\". Error: \"Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).\"","category":"InvalidArgument","fqid":"CannotConvertArgumentNoMessage,Microsoft.HyperV.PowerShell.Commands.GetVM","target":""}}'
expect "no Id: strict mode's error" 4 \
    '{"error":{"message":"The property \u0027Id\u0027 cannot be found on this object. Verify that the property exists.","category":"NotSpecified","fqid":"PropertyNotFoundStrict","target":""}}'
expect "no Action: strict mode's error" 5 \
    '{"error":{"message":"The property \u0027Action\u0027 cannot be found on this object. Verify that the property exists.","category":"NotSpecified","fqid":"PropertyNotFoundStrict","target":""}}'
expect "Id a number" 6 \
    '{"error":{"message":"Cannot bind parameter \u0027Id\u0027. Cannot convert value \"42\" to type \"System.Guid\". Error: \"Invalid cast from \u0027System.Int32\u0027 to \u0027System.Guid\u0027.\"","category":"InvalidArgument","fqid":"CannotConvertArgumentNoMessage,Microsoft.HyperV.PowerShell.Commands.GetVM","target":""}}'
expect "parameters null" 7 \
    '{"error":{"message":"Cannot bind parameter \u0027Id\u0027. Cannot convert null to type \"System.Guid\".","category":"InvalidArgument","fqid":"CannotConvertArgumentNoMessage,Microsoft.HyperV.PowerShell.Commands.GetVM","target":""}}'

# An unknown request script is refused; the session goes on.
{ session
  printf '@@CVREQ@@ 1\nGet-VM | Remove-VM -Force\n@@CVPARAMS@@ {}\n@@CVEND@@\n'
  poll 2
} | run --state "$T/lab.json" --log "$T/log"
H=$(printf 'Get-VM | Remove-VM -Force\n' | python3 -c '
import sys
h = 14695981039346656037
for c in sys.stdin.buffer.read():
	h = ((h ^ c) * 1099511628211) & 0xffffffffffffffff
print("%016x" % h)')
expect "unknown script refused" 1 \
    "{\"error\":{\"message\":\"The script cannot be run on this host: its FNV-1a 64 hash $H is not the hash of one of crossvisor\\u0027s scripts.\",\"category\":\"SecurityError\",\"fqid\":\"UnknownScript\",\"target\":\"$H\"}}"
if [ -n "$(answer 2)" ]; then ok "session goes on after a refusal"; else bad "no answer after a refusal"; fi
has "log: the refused script" "$T/log" " unknown $H {}"

# Unknown session script, unknown bootstrap, no -EncodedCommand.
{ printf 'Write-Output pwned\n@@CVEND@@\n'; poll 1; } | run --state "$T/lab.json"
eq "unknown session: exit 1" 1 "$RC"
eq "unknown session: CLIXML on stderr" "#< CLIXML" "$(head -n 1 "$T/err" | tr -d '\r')"
has "unknown session: its error id" "$T/err" "FullyQualifiedErrorId : UnknownScript_x000D__x000A_"
eq "unknown session: no answer" 0 "$(wc -c <"$T/out")"
OTHER=$(printf 'Remove-Item C:\\ -Recurse\n' | iconv -f UTF-8 -t UTF-16LE | base64 -w0)
session | "$HVSIM" -NoProfile -EncodedCommand "$OTHER" >"$T/out" 2>"$T/err"
eq "unknown bootstrap: exit 1" 1 "$?"
has "unknown bootstrap: CLIXML" "$T/err" '<S S="Error">The script cannot be run on this host'
session | "$HVSIM" -NoProfile -Command 'Get-VM' >"$T/out" 2>"$T/err"
eq "-Command: refused" 1 "$?"
session | "$HVSIM" --state "$T/lab.json" >"$T/out" 2>"$T/err"
eq "no -EncodedCommand: exit 1" 1 "$?"
has "no -EncodedCommand: CLIXML" "$T/err" "#< CLIXML"
session | "$HVSIM" -EncodedCommand 'not base64!' >"$T/out" 2>"$T/err"
eq "bad base64: exit 1" 1 "$?"
has "bad base64: powershell.exe's words" "$T/err" "is not properly encoded"
printf 'half a session\n' | run --state "$T/lab.json"
eq "stdin ends inside the bootstrap: exit 3" 3 "$RC"
: | run --state "$T/lab.json"
eq "empty stdin: exit 3" 3 "$RC"
{ session; } | run --state "$T/lab.json"
eq "no request: exit 0" 0 "$RC"

# Bad parameter JSON: session.ps1 parses it inside its try, so that request
# answers ConvertFrom-Json's error and the session goes on.
{ session; poll 1; req 2 action '{"Id": nope'; poll 3; } |
    run --state "$T/lab.json" --log "$T/log2"
eq "bad params: exit 0 (the last request succeeded)" 0 "$RC"
if [ -n "$(answer 1)" ] && [ -n "$(answer 3)" ]; then
	ok "bad params: answers before and after"
else bad "bad params: wrong answers"; fi
case "$(answer 2)" in
*'"error":'*ConvertFromJsonCommand*) ok "bad params: ConvertFrom-Json's error as an envelope" ;;
*) bad "bad params: no envelope with ConvertFrom-Json's error: $(answer 2)" ;;
esac

# Options.
"$HVSIM" --bogus >"$T/out" 2>"$T/err"
eq "unknown option: exit 2" 2 "$?"
has "unknown option: usage" "$T/err" "usage: hvsim"
"$HVSIM" --help >"$T/out" 2>"$T/err"
eq "--help: exit 0" 0 "$?"
has "--help: usage on stdout" "$T/out" "--fail-action FILE"
"$HVSIM" --state "$T/nonexistent.json" "${PSARGS[@]}" </dev/null >"$T/out" 2>"$T/err"
eq "missing state file: exit 2" 2 "$?"
echo '{"vms":[1]}' >"$T/bad.json"
"$HVSIM" --state "$T/bad.json" "${PSARGS[@]}" </dev/null >"$T/out" 2>"$T/err"
eq "bad state file: exit 2" 2 "$?"
has "bad state file: says why" "$T/err" "vms[0] is not an object"

# ---------------------------------------------------------- injections
fresh
t0=$(date +%s%N)
{ session; poll 1; } | run --state "$T/lab.json" --delay 0.5
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
if [ "$ms" -ge 500 ] && [ -n "$(answer 1)" ]; then ok "--delay 0.5 (${ms} ms)"
else bad "--delay 0.5 took ${ms} ms"; fi

printf '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><Obj S="progress" RefId="0"><TN RefId="0"><T>System.Management.Automation.PSCustomObject</T><T>System.Object</T></TN><MS><I64 N="SourceId">1</I64><PR N="Record"><AV>Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR></MS></Obj></Objs>' >"$T/progress"
{ session; poll 1; } | run --state "$T/lab.json" --stderr-prelude "$T/progress"
if cmp -s "$T/err" "$T/progress" && [ -n "$(answer 1)" ]; then
	ok "--stderr-prelude"
else bad "--stderr-prelude: stderr differs"; fi

printf 'Windows PowerShell\r\nCopyright (C) Microsoft Corporation. All rights reserved.\r\n\r\n' >"$T/banner"
{ session; poll 1; } | run --state "$T/lab.json" --stdout-prelude "$T/banner"
eq "--stdout-prelude: banner first" "Windows PowerShell" "$(head -n 1 "$T/out" | tr -d '\r')"
if [ -n "$(answer 1)" ]; then ok "--stdout-prelude: answer after"; else bad "--stdout-prelude: no answer"; fi

{ session; poll 1; } | run --state "$T/lab.json" --utf16 --stdout-prelude "$T/banner"
eq "--utf16: BOM" "fffe" "$(head -c 2 "$T/out" | od -An -tx1 | tr -d ' \n')"
tail -c +3 "$T/out" | iconv -f UTF-16LE -t UTF-8 >"$T/out8"
if head -n 1 "$T/out8" | grep -q '^Windows PowerShell' &&
    grep -q '^@@CV@@ 1 {"host"' "$T/out8" && grep -q $'^@@CVDONE@@ 1\r$' "$T/out8"; then
	ok "--utf16: banner and answer in UTF-16LE"
else bad "--utf16: not UTF-16LE"; fi

{ session; poll 1; poll 2; } >"$T/in"
timeout 2 "$HVSIM" --state "$T/lab.json" --hang --log "$T/log3" "${PSARGS[@]}" <"$T/in" >"$T/out" 2>"$T/err"
eq "--hang: still running when killed" 124 "$?"
eq "--hang: no answer" 0 "$(wc -c <"$T/out")"
has "--hang: the request was read" "$T/log3" " poll 897fb34b0927e2a0 {}"

{ session; poll 1; act 2 "$DC" start; } | run --state "$T/lab.json" --garbage
if ! grep -q '^@@CV@@ ' "$T/out" && grep -q $'^@@CVDONE@@ 1\r$' "$T/out" &&
    grep -q $'^@@CVDONE@@ 2\r$' "$T/out"; then
	ok "--garbage: no answer line, DONE lines kept"
else bad "--garbage"; fi

{ session; poll 1; } | run --state "$T/lab.json" --flood 3000
if [ "$(grep -c $'^abcdefghij.*\r$' "$T/out")" -eq 3 ] && [ -n "$(answer 1)" ]; then
	ok "--flood 3000: three noise lines, then the answer"
else bad "--flood 3000"; fi
{ session; poll 1; } | run --state "$T/lab.json" --long-line 200K
if [ "$(head -n 1 "$T/out" | wc -c)" -eq $((200 * 1024 + 2)) ] && [ -n "$(answer 1)" ]; then
	ok "--long-line 200K: one line of 200 KiB, then the answer"
else bad "--long-line 200K: first line $(head -n 1 "$T/out" | wc -c) bytes"; fi
{ session; poll 1; } | run --state "$T/lab.json" --flood-stderr 1M
eq "--flood-stderr 1M: bytes on stderr" $((1 << 20)) "$(wc -c <"$T/err")"
{ session; poll 1; } | timeout 10 "$HVSIM" --state "$T/lab.json" --flood 1G "${PSARGS[@]}" 2>"$T/err" | head -c 100 >/dev/null
eq "--flood 1G: ends when its reader goes away" "1 0" "${PIPESTATUS[*]:1:2}"
run --flood 12X </dev/null
eq "--flood 12X: usage error" 2 "$RC"

{ session; poll 1; } | run --state "$T/lab.json" --exit 7
eq "--exit 7: status" 7 "$RC"
eq "--exit 7: nothing on stdout" 0 "$(wc -c <"$T/out")"
has "--exit 7: CLIXML error" "$T/err" '<S S="Error">The Windows PowerShell host stopped'

printf '{"poweroff":{"message":"\u0027dc01\u0027 failed to change state.","category":"NotSpecified","fqid":"OperationFailed,Microsoft.HyperV.PowerShell.Commands.StopVM"},"poll":"Access denied."}\n' >"$T/fail.json"
{ session; act 1 "$DC" poweroff; act 2 "$W11" poweroff; poll 3; act 4 "$DC" start; } |
    run --state "$T/lab.json" --fail-action "$T/fail.json"
expect "--fail-action: the action fails so" 1 \
    '{"error":{"message":"\u0027dc01\u0027 failed to change state.","category":"NotSpecified","fqid":"OperationFailed,Microsoft.HyperV.PowerShell.Commands.StopVM","target":""}}'
expect "--fail-action: its no-op still comes first" 2 '{"result":"noop","message":"already off"}'
expect "--fail-action: poll" 3 \
    '{"error":{"message":"Access denied.","category":"NotSpecified","fqid":"OperationFailed,Microsoft.HyperV.PowerShell.Commands.GetVM","target":""}}'
expect "--fail-action: other actions work" 4 '{"result":"noop","message":"already running"}'
eq "--fail-action: state unchanged" "Running" "$(python3 -c '
import json,sys; print([v for v in json.load(open(sys.argv[1]))["vms"] if v["Name"]=="dc01"][0]["State"])' "$T/lab.json")"

rm -f "$T/log"
{ session; poll 1; act 2 "$DC" snapshot; } | run --state "$T/lab.json" --log "$T/log"
eq "--log: three lines" 3 "$(wc -l <"$T/log")"
eq "--log: format" "ok" "$(python3 - "$T/log" <<'EOF'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
want = [r"session [0-9a-f]{16} -",
    r"poll [0-9a-f]{16} \{\}",
    r'action [0-9a-f]{16} \{"Id":"c050d04f-abec-4332-84e0-4c5652e3c57e","Action":"snapshot"\}']
for l, w in zip(lines, want):
	if not re.fullmatch(r"2026-11-18T11:06:40\.000Z " + w, l):
		print("bad line: " + l); sys.exit()
print("ok")
EOF
)"

# -------------------------------------------- ways of being started
fresh
{ session; poll 1; } | SSH_ORIGINAL_COMMAND="powershell.exe ${PSARGS[*]}" \
    "$HVSIM" --state "$T/lab.json" >"$T/out" 2>"$T/err"
if [ -n "$(answer 1)" ]; then ok "SSH_ORIGINAL_COMMAND"; else bad "SSH_ORIGINAL_COMMAND"; fi
{ session; poll 1; } | "$HVSIM" --state "$T/lab.json" powershell -nop -noni -ep Bypass -ec "$B64" >"$T/out" 2>"$T/err"
if [ -n "$(answer 1)" ]; then ok "argv with powershell and short parameters"; else bad "short parameters"; fi
{ session; poll 1; act 2 "$DC" start; } | sed 's/$/\r/' | run --state "$T/lab.json"
if [ -n "$(answer 1)" ] && [ "$(answer 2)" = '{"result":"noop","message":"already running"}' ]; then
	ok "CRLF input"
else bad "CRLF input"; fi

# ---------------------------------------------------- hostile names
python3 - "$T/hostile.json" "$T/names.json" <<'EOF'
import json, sys
names = ["'; Remove-VM * -Force; '", "$(Stop-Computer -Force)", "`whoami`",
    "a;b|c&d>e<f", 'say "hi"', "back\\slash\\", "line1\nline2\r\nline3",
    "tab\there", "日本語の仮想マシン", "Zürich ✓ 🚀", "\u2028\u2029\u0085",
    "ctl\x01\x1b[31m", "@@CV@@ 9 {}", "@@CVDONE@@ 9", "x" * 1000,
    "<script>alert(1)</script>&amp;", "{\"Id\":\"fake\"}", " leading and trailing "]
vms = [{"Name": n, "State": "Running", "Heartbeat": "NoContact"} for n in names]
json.dump({"host": {}, "vms": vms}, open(sys.argv[1], "w"))
json.dump(names, open(sys.argv[2], "w"))
EOF
{ session; poll 1; } | run --state "$T/hostile.json"
answer 1 >"$T/hpoll.json"
eq "hostile names round-trip" "ok" "$(python3 - "$T/hpoll.json" "$T/names.json" <<'EOF'
import json, sys
got = [v["Name"] for v in json.load(open(sys.argv[1], encoding="utf-8"))["vms"]]
want = json.load(open(sys.argv[2]))
print("ok" if got == want else "differ: %r" % [(a, b) for a, b in zip(got, want) if a != b][:2])
EOF
)"
eq "hostile names: one answer line" "2" "$(wc -l <"$T/out")"
ids=$(py "' '.join(v['Id'] for v in d['vms'])" <"$T/hpoll.json")
{ session; n=1; for id in $ids; do act $n "$id" shutdown; n=$((n + 1)); done; } |
    run --state "$T/hostile.json"
eq "hostile names in error messages" "ok" "$(python3 - "$T/out" "$T/names.json" <<'EOF'
import json, sys
names = json.load(open(sys.argv[2]))
out = open(sys.argv[1], encoding="utf-8", newline="").read().split("\r\n")
msgs = [json.loads(l.split(" ", 2)[2])["error"]["message"] for l in out if l.startswith("@@CV@@ ")]
want = ["the shutdown integration service of VM '%s' is not running, so a graceful shutdown is impossible; use poweroff or reset" % n for n in names]
print("ok" if msgs == want else "differ")
EOF
)"
{ session; act 1 "$(echo "$ids" | cut -d' ' -f1)" snapshot; act 2 "$(echo "$ids" | cut -d' ' -f1)" poweroff; } |
    run --state "$T/hostile.json"
eq "hostile names survive a rewrite of the state" "ok" "$(python3 - "$T/hostile.json" "$T/names.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
print("ok" if [v["Name"] for v in d["vms"]] == json.load(open(sys.argv[2])) and d["vms"][0]["State"] == "Off" else "differ")
EOF
)"
{ session; req 1 action "{\"Id\":\"$DC\",\"Action\":\"\$(rm -rf /)'\\n\\u0000\"}"; } |
    run --state "$T/lab.json"
expect "hostile action names are data" 1 \
    '{"error":{"message":"unknown action \u0027$(rm -rf /)\u0027\n\u0000\u0027","category":"InvalidArgument","fqid":"UnknownAction","target":""}}'
{ session; printf '@@CVREQ@@ 1\n'; cat "$PS/action.ps1"; printf '@@CVPARAMS@@ {"Id":"%s","Action":"st\xffart"}\n@@CVEND@@\n' "$DC"; } |
    run --state "$T/lab.json"
expect "invalid UTF-8 becomes U+FFFD" 1 \
    '{"error":{"message":"unknown action \u0027st�art\u0027","category":"InvalidArgument","fqid":"UnknownAction","target":""}}'

# ------------------------------------------------------------ robustness
{ session; head -c 200000 /dev/urandom; printf '\n'; poll 1; } | run --state "$T/lab.json"
if [ "$RC" -lt 128 ] && [ -n "$(answer 1)" ]; then ok "binary noise between requests"
else bad "binary noise: status $RC"; fi
{ session; printf '@@CVREQ@@ 1\n'; head -c 300000 /dev/urandom; printf '\n@@CVEND@@\n'; poll 2; } |
    run --state "$T/lab.json"
if [ "$RC" -lt 128 ] && [ -n "$(answer 2)" ]; then ok "binary noise as a script"
else bad "binary noise as a script: status $RC"; fi
{ session; printf '@@CVREQ@@ 1\n'; head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' x; printf '\n'; } |
    run --state "$T/lab.json"
eq "17 MiB line: refused, exit 1" 1 "$RC"
has "17 MiB line: OutOfMemory, as .NET would" "$T/err" "OutOfMemoryException"
{ session; printf '@@CVREQ@@ 1\n'; cat "$PS/poll.ps1"; printf '@@CVPARAMS@@ {}\n'; } |
    run --state "$T/lab.json"
if [ -n "$(answer 1)" ] && [ "$RC" = 0 ]; then ok "a request cut by the end of stdin still runs"
else bad "request without @@CVEND@@"; fi

# Concurrency: ten processes take a checkpoint of one VM at once.
fresh
for i in 1 2 3 4 5 6 7 8 9 10; do
	{ session; act 1 "$DC" snapshot; } | "$HVSIM" --state "$T/lab.json" "${PSARGS[@]}" >/dev/null 2>&1 &
done
wait
eq "ten concurrent actions, no update lost" 10 "$(python3 -c '
import json,sys; print(len([v for v in json.load(open(sys.argv[1]))["vms"] if v["Name"]=="dc01"][0]["Checkpoints"]))' "$T/lab.json")"

# ------------------------------------------------------ a big fleet
python3 - "$T/big.json" <<'EOF'
import json, sys
states = ["Running"] * 7 + ["Off", "Saved", "Paused"]
vms = []
for i in range(2000):
	v = {"Name": "vm-%04d" % i, "State": states[i % 10], "ProcessorCount": 1 + i % 8,
	    "MemoryStartup": (1 + i % 16) * 1073741824}
	if i % 3:
		v["KVP"] = {"OSName": "Ubuntu", "OSVersion": "6.8.0", "OSMajorVersion": "24.04",
		    "OSMinorVersion": "", "OSBuildNumber": "6.8.0-45-generic",
		    "ProcessorArchitecture": "x86_64"}
	vms.append(v)
json.dump({"host": {"LogicalProcessorCount": 128}, "vms": vms}, open(sys.argv[1], "w"))
EOF
{ session; poll 1; } >"$T/in"
t0=$(date +%s%N)
run --state "$T/big.json" <"$T/in"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
printf 'info 2000-VM poll: %d ms, %d bytes\n' "$ms" "$(wc -c <"$T/out")"
eq "2000 VMs: all in the answer" 2000 "$(answer 1 | py "len(d['vms'])")"
eq "2000 VMs: unique Ids" 2000 "$(answer 1 | py "len(set(v['Id'] for v in d['vms']))")"
if [ "$ms" -lt 1000 ]; then ok "2000 VMs under a second"; else bad "2000 VMs took $ms ms"; fi

# ---------------------------------------------------------- valgrind
if [ "${HVSIM_VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
	fresh
	VG=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect
	    --error-exitcode=99)
	{ session; poll 1; act 2 "$W11" start; act 3 "$W11" snapshot; act 4 "$DC" pause
	  act 5 "not-a-guid" start; req 6 action '{"Id":[1]}'; act 7 "$PXE" reboot
	  printf '@@CVREQ@@ 8\nnope\n@@CVEND@@\n'; poll 9; } >"$T/in"
	"${VG[@]}" "$HVSIM" --state "$T/lab.json" --log "$T/vglog" \
	    --fail-action "$T/fail.json" "${PSARGS[@]}" <"$T/in" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != 99 ] && [ -n "$(answer 9)" ]; then ok "valgrind: session clean"
	else bad "valgrind: session (status $rc)"; sed 's/^/  /' "$T/err" | head -20; fi
	{ session; req 1 action '{"Id": bad'; } >"$T/in"
	"${VG[@]}" "$HVSIM" --state "$T/lab.json" "${PSARGS[@]}" <"$T/in" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 1 ]; then ok "valgrind: fatal path clean"
	else bad "valgrind: fatal path (status $rc)"; fi
	{ session; poll 1; } >"$T/in"
	"${VG[@]}" "$HVSIM" --state "$T/lab.json" --utf16 --garbage "${PSARGS[@]}" <"$T/in" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = 0 ]; then ok "valgrind: --utf16 --garbage clean"
	else bad "valgrind: --utf16 --garbage (status $rc)"; fi
else
	printf 'info valgrind runs skipped\n'
fi

printf 'hvsim: %d passed, %d failed\n' "$PASS" "$FAIL"
[ "$FAIL" -eq 0 ]
