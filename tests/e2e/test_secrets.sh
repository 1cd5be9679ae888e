#!/bin/bash
# tests/e2e/test_secrets.sh -- a Hyper-V host reached with a `password` from
# the config (a real password login: the simulator's sshd takes passwords
# only, checked against a shadow file bind-mounted in the test's private
# mount namespace) and a second host whose password is wrong. The secrets
# must never show: not in stdout or stderr of batch (text, csv, json),
# audit (all formats), act (done, refused, not found), the console's
# screens (fleet, details, its event line) and what is left of it after a
# fatal signal, nor in config errors about lines next to the password line,
# nor on any process's command line or environment, nor in the simulator's
# log or sshd's log.
set -eu
. "$(dirname "$0")/lib.sh"

T0=$(e2e_now_ms)

e2e_require_crossvisor
e2e_require_hvsim
e2e_require openssl tmux
e2e_setup_ssh_only     # traps e2e_teardown on EXIT, INT, TERM and HUP

# Random, so that no other text can hold them by chance.
SECRET="pw-$(openssl rand -hex 12)-S3cret"
WRONG="pw-$(openssl rand -hex 12)-Wr0ng"
OUTS=$E2E_DIR/outs
mkdir -p "$OUTS"

# --- a password-only sshd -----------------------------------------------------
# root's password in a shadow file of our own, seen only inside the
# namespace; the real /etc/shadow is neither read nor changed.
HASH=$(openssl passwd -6 -salt "$(openssl rand -hex 8)" "$SECRET")
printf 'root:%s:19000:0:99999:7:::\n' "$HASH" >"$E2E_DIR/shadow"
chmod 600 "$E2E_DIR/shadow"
e2e_ns mount --bind "$E2E_DIR/shadow" /etc/shadow ||
    e2e_die "cannot bind-mount a shadow file in the namespace"

cat >"$E2E_DIR/hv-pw.json" <<'EOF'
{"host": {"ComputerName": "HV-PW"},
 "vms": [{"Name": "pw-web", "Id": "5ec7e700-0000-4000-8000-000000000001", "State": "Running",
          "ProcessorCount": 2, "MemoryAssigned": 2147483648},
         {"Name": "pw-db", "Id": "5ec7e700-0000-4000-8000-000000000002", "State": "Off"}]}
EOF
# The template e2e_hv_sshd copies, for this one sshd: passwords only.
cp "$E2E_DIR/sshd_config" "$E2E_DIR/sshd_config.keys"
sed -i -e 's/^PasswordAuthentication .*/PasswordAuthentication yes/' \
    -e 's/^PubkeyAuthentication .*/PubkeyAuthentication no/' \
    -e 's/^PermitRootLogin .*/PermitRootLogin yes/' "$E2E_DIR/sshd_config"
PORT=$(e2e_hv_sshd hv-pw --state "$E2E_DIR/hv-pw.json" --log "$E2E_DIR/hv-pw.log")
mv "$E2E_DIR/sshd_config.keys" "$E2E_DIR/sshd_config"

pw_host() {   # NAME PASSWORD
    printf '{ name = "%s"; type = "hyperv"; address = "127.0.0.1"; port = %s; user = "root"; password = "%s"; known_hosts = "%s"; }' \
        "$1" "$PORT" "$2" "$E2E_KNOWN_HOSTS"
}
CONF=$E2E_DIR/crossvisor.conf
e2e_conf "$CONF" 1.0 "$(pw_host hv-pw "$SECRET")" "$(pw_host hv-wrong "$WRONG")"
# Generous: a loaded machine (or a sanitizer build) is slow, not wrong.
printf 'connect_timeout = 60.0;\npoll_timeout = 60.0;\n' >>"$CONF"
chmod 600 "$CONF"

# run NAME ARGS... -- crossvisor, both streams kept under $OUTS.
run() {
    local name=$1
    shift
    cv_run "$name" "$@"
    cp "$CV_OUT" "$OUTS/$name.out"
    cp "$CV_ERR" "$OUTS/$name.err"
}

# --- the password works, the wrong one is refused ---------------------------
run batch-json -c "$CONF" batch -n 2 --format json
e2e_assert_eq "hv-pw state (password login; error: $(tail -n 1 "$CV_OUT" | json_get 'hosts[name=hv-pw].error'))" up \
    "$(tail -n 1 "$CV_OUT" | json_get 'hosts[name=hv-pw].state')"
e2e_assert_eq "hv-wrong state (wrong password)" down \
    "$(tail -n 1 "$CV_OUT" | json_get 'hosts[name=hv-wrong].state')"
err=$(tail -n 1 "$CV_OUT" | json_get 'hosts[name=hv-wrong].error')
case $err in
    *"authentication refused (tried the password"*) e2e_pass "hv-wrong says why: $err" ;;
    *) e2e_fail "hv-wrong: expected an authentication error, saw '$err'" ;;
esac
run batch-csv -c "$CONF" batch -n 1 --format csv
run batch-text -c "$CONF" batch -n 1 --format text
for fmt in text csv json; do
    run "audit-$fmt" -c "$CONF" audit --format "$fmt"
done
run act-done -c "$CONF" act poweroff hv-pw/pw-web
e2e_assert_eq "act poweroff hv-pw/pw-web exit status ($(cv_err1))" 0 "$CV_RC"
run act-noop -c "$CONF" act poweroff hv-pw/pw-db
run act-missing -c "$CONF" act start hv-pw/no-such-vm
run act-wrong -c "$CONF" act start hv-wrong/pw-web
run act-readonly -c "$CONF" --read-only act start hv-pw/pw-web

# While a batch runs: its command line and environment, and those of every
# process it started, must not hold the secret.
# Under a sanitizer build its crash report goes with the outputs checked.
CRASH_ASAN="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}log_path=$OUTS/asan-crash"
(cd "$E2E_ROOT" && ASAN_OPTIONS=$CRASH_ASAN exec "$CV_BIN" -c "$CONF" batch -d 1 --format json) \
    </dev/null >"$OUTS/batch-live.out" 2>"$OUTS/batch-live.err" &
LIVE=$!
e2e_wait_for "grep -q '\"state\":\"up\"' '$OUTS/batch-live.out'" 30 ||
    e2e_fail "the live batch never showed a host up"
procs=$(ps -e -o pid= | while read -r p; do
    [ -r "/proc/$p/environ" ] || continue
    if tr '\0' '\n' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$SECRET" ||
        tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qF -- "$SECRET"; then
        echo "$p $(tr '\0' ' ' <"/proc/$p/cmdline" | cut -c1-80)"
    fi
done 2>/dev/null)
if [ -z "$procs" ]; then
    e2e_pass "no process has the secret on its command line or in its environment"
else
    e2e_fail "the secret is in the command line or environment of: $procs"
fi
# A crash: whatever a dying crossvisor prints.
kill -SEGV "$LIVE" 2>/dev/null || true
wait "$LIVE" 2>/dev/null || true
cp "$OUTS/batch-live.err" "$OUTS/crash.err"

# --- config errors next to the password line ---------------------------------
bad_conf() {   # NAME LINES...
    local f=$E2E_DIR/bad-$1.conf
    shift
    printf '%s\n' "hosts = (" "  { name = \"hv-pw\"; type = \"hyperv\"; address = \"127.0.0.1\";" "$@" "  }" ");" >"$f"
    chmod 600 "$f"
}
bad_conf syntax "    password = \"$SECRET\"" "    port = ;"
bad_conf port "    password = \"$SECRET\"; port = \"22\";"
bad_conf typo "    pasword = \"$SECRET\";"
bad_conf type "    password = [ \"$SECRET\" ];"
bad_conf dup "    password = \"$SECRET\"; password = \"$SECRET\";"
bad_conf unknown "    password = \"$SECRET\"; passphrase = \"$SECRET\";"
bad_conf quote "    password = \"$SECRET\\\"; user = \"root\";"
bad_conf open "    password = \"$SECRET;"
bad_conf group "    password = \"$SECRET\";"
chmod 644 "$E2E_DIR/bad-group.conf"
printf 'password = "%s";\nhosts = ();\n' "$SECRET" >"$E2E_DIR/bad-top.conf"
chmod 600 "$E2E_DIR/bad-top.conf"
for f in "$E2E_DIR"/bad-*.conf; do
    name=$(basename "$f" .conf)
    run "$name" -c "$f" batch -n 1
    if [ "$CV_RC" -eq 2 ] && [ -s "$CV_ERR" ]; then
        e2e_pass "$name: refused, exit 2: $(cv_err1)"
    else
        e2e_fail "$name: expected exit 2 with a message, saw exit $CV_RC: $(cv_err1)"
    fi
    run "$name-help" -c "$f" --help
done

# --- the console ----------------------------------------------------------------
SOCK=cv-e2e-secrets-$$
tmux -L "$SOCK" -f /dev/null new-session -d -x 160 -y 40 -c "$E2E_ROOT" \
    "env TERM=screen LANG=C.UTF-8 ASAN_OPTIONS=$CRASH_ASAN-console $CV_BIN -c $CONF; echo EXITED-\$?; sleep 60"
echo "tmux -L $SOCK kill-server" >"$E2E_DIR/tmux-kill"
screen() { tmux -L "$SOCK" capture-pane -p -S -100 -t 0 2>/dev/null; }
e2e_wait_for "screen | grep -q pw-db" 30 ||
    e2e_fail "the console never showed hv-pw's guests: $(screen | head -n 5)"
screen >"$OUTS/console-fleet.txt"
# j: the first guest (the cursor starts on its host's line), whose
# details Enter opens; q then closes them and the console runs on.
tmux -L "$SOCK" send-keys -t 0 j Enter
e2e_wait_for "screen | grep -q '^Certification'" 10 || true
screen >"$OUTS/console-details.txt"
tmux -L "$SOCK" send-keys -t 0 q
pid=$(pgrep -f -n -- "-c $CONF\$" || true)
[ -n "$pid" ] && { kill -SEGV "$pid" ||
    e2e_fail "the console was gone before SIGSEGV: $(screen | tail -n 3)"; }
e2e_wait_for "screen | grep -q EXITED-" 10 || e2e_fail "the console did not die of SIGSEGV"
screen >"$OUTS/console-crash.txt"
tmux -L "$SOCK" kill-server 2>/dev/null || true

# --- not one copy of either password -----------------------------------------
cp "$E2E_DIR/hv-pw.log" "$E2E_DIR/sshd-hv-pw.log" "$OUTS/" 2>/dev/null || true
n=$(ls "$OUTS" | wc -l)
hits=$(grep -rlF -e "$SECRET" -e "$WRONG" "$OUTS" || true)
if [ -z "$hits" ]; then
    e2e_pass "neither password in any of $n outputs (batch, audit, act, config errors, --help, console, crash, hvsim and sshd logs)"
else
    for f in $hits; do
        e2e_fail "a password shows in $(basename "$f"): $(grep -F -e "$SECRET" -e "$WRONG" "$f" | head -n 2)"
    done
fi
# The outputs were not empty by accident.
[ -s "$OUTS/batch-text.out" ] && [ -s "$OUTS/audit-json.out" ] && [ -s "$OUTS/bad-syntax.err" ] &&
    grep -q pw-db "$OUTS/console-fleet.txt" ||
    e2e_fail "some outputs are empty: $(wc -c "$OUTS"/* | sort -n | head -n 5)"

e2e_log "test_secrets: $(( ($(e2e_now_ms) - T0) / 1000 )) s"
e2e_finish
