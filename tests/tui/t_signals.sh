# Signals as a user's terminal meets them:
#  - each fatal signal (SEGV, BUS, ABRT, FPE, ILL) sent to the running
#    console leaves the terminal as it was: cooked mode (icanon, echo, isig,
#    icrnl), the alternate screen left, and the exit status says which
#    signal it was (128 + N, the default action re-raised). The console runs
#    under `sh -c`, which restores nothing, so that what stty then shows is
#    what crossvisor left (an interactive bash would mend the terminal of a
#    job killed by a signal by itself);
#  - SIGPIPE is ignored: the console lives on and still answers keys;
#  - Ctrl-Z stops it with the terminal restored, and `fg` brings it back
#    drawn whole.

tui_shell 100 30 LANG=C.UTF-8

# The console's pid: the newest crossvisor process under this pane's shell.
cv_pid() {
	local sh
	sh=$(tmux -L "$TUI_SOCK" display -p -t 0 '#{pane_pid}')
	pgrep -n -f -P "$(pgrep -d, -P "$sh")" '^\./crossvisor' 2>/dev/null ||
	    pgrep -n -P "$sh" -x crossvisor
}

# The terminal's modes that matter, as one line: "modes: icrnl isig icanon
# echo" when sane ("-icanon" and so on when not).
cat >"$TUI_TMP/modes.sh" <<'EOF'
echo modes: $(stty -a | tr ' ;' '\n\n' | grep -x -e '-\?icanon' -e '-\?echo' \
    -e '-\?isig' -e '-\?icrnl')
EOF
cat >"$TUI_TMP/run.sh" <<EOF
CROSSVISOR_FAKE_CLOCK=$TUI_CLOCK ./crossvisor --demo
echo cv-exit=\$?
. "$TUI_TMP/modes.sh"
EOF

for sig in SEGV BUS ABRT FPE ILL; do
	tui_type "clear; echo before-$sig; sh $TUI_TMP/run.sh"
	tui_wait '^HOST +(HV +)?NAME' 15
	pid=$(cv_pid)
	[ -n "$pid" ] || tui_fail "$sig: no crossvisor process found"
	kill -"$sig" "$pid"
	tui_wait '^modes: ' 10
	n=$(kill -l "$sig")
	tui_wait "^cv-exit=$((128 + n))\$" 2
	tui_wait "^modes: icrnl isig icanon echo *\$" 2
	tui_wait "^before-$sig\$" 2	# the screen from before the console
	tui_gone '^HOST +(HV +)?NAME'
	tui_wait '^\$ ?$' 5
done

# SIGPIPE: ignored; the console goes on and answers a key.
tui_type "CROSSVISOR_FAKE_CLOCK=$TUI_CLOCK ./crossvisor --demo"
tui_wait '^HOST +(HV +)?NAME' 15
pid=$(cv_pid)
kill -PIPE "$pid"
sleep 0.3	# a death would be immediate; nothing to poll for yet
kill -0 "$pid" 2>/dev/null || tui_fail "SIGPIPE killed the console"
tui_keys j Enter
tui_wait '^Certification *$' 5

# Ctrl-Z: the shell is back in a sane terminal; fg redraws the console.
tui_keys q
tui_wait '^HOST +(HV +)?NAME' 5
tui_keys C-z
tui_wait '^\$ ?$' 10
tui_gone '^HOST +(HV +)?NAME'
tui_type "sh $TUI_TMP/modes.sh"
tui_wait '^modes: icrnl isig icanon echo *$' 5
tui_type 'clear; fg'
tui_wait '^HOST +(HV +)?NAME' 10
tui_wait '^crossvisor ' 5
tui_quit
