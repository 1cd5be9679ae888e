# Helpers for the tmux console tests; sourced by run.sh for each t_*.sh.
# Every wait polls capture-pane for a marker, with a deadline: no test
# synchronises with a bare sleep.

TUI_ROOT=$(pwd)
TUI_CLOCK=1767225600

# tui_setup NAME: a private tmux socket and scratch directory.
tui_setup() {
	TUI_NAME=$1
	TUI_SOCK="cvtest$$-$1"
	TUI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cvtui.XXXXXX")
	mkdir -p "$TUI_TMP/home"
}

tui_cleanup() {
	tmux -L "$TUI_SOCK" kill-server >/dev/null 2>&1
	# A console killed with its pane may still be writing its state.
	rm -rf "$TUI_TMP" 2>/dev/null || { sleep 1; rm -rf "$TUI_TMP"; }
}

tui_fail() {
	echo "  $TUI_NAME: $*" >&2
	exit 1
}

# tui_shell [W H] [VAR=value...]: a bash in a fresh tmux pane, with a
# clean environment (no config anywhere unless the test makes one) and the
# prompt "$ ".
tui_shell() {
	local w=$1 h=$2
	shift 2
	tmux -L "$TUI_SOCK" -f /dev/null new-session -d -x "$w" -y "$h" \
	    -c "$TUI_ROOT" \
	    "env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=$TUI_TMP/home \
	    TERM=screen LANG=C.UTF-8 PS1='\$ ' $* \
	    bash --norc --noprofile -i" ||
	    tui_fail "tmux did not start"
	tui_wait '^\$ ?$' 10
}

# tui_type TEXT: types TEXT and Enter at the shell.
tui_type() {
	tmux -L "$TUI_SOCK" send-keys -t 0 -l "$1" &&
	    tmux -L "$TUI_SOCK" send-keys -t 0 Enter
}

# tui_keys KEY...: tmux key names (j, Escape, C-z...).
tui_keys() {
	tmux -L "$TUI_SOCK" send-keys -t 0 "$@"
}

tui_capture() {
	tmux -L "$TUI_SOCK" capture-pane -p -t 0 >"$TUI_TMP/screen" 2>/dev/null
}

# tui_wait REGEX [SECONDS]: polls the pane until a line matches.
tui_wait() {
	local i=0 max=$(( ${2:-10} * 10 ))

	while [ "$i" -lt "$max" ]; do
		tui_capture
		grep -q -E -- "$1" "$TUI_TMP/screen" && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "  $TUI_NAME: timed out waiting for /$1/; the pane:" >&2
	sed 's/^/  | /' "$TUI_TMP/screen" >&2
	exit 1
}

# tui_gone REGEX: the current capture must not match.
tui_gone() {
	if grep -q -E -- "$1" "$TUI_TMP/screen"; then
		sed 's/^/  | /' "$TUI_TMP/screen" >&2
		tui_fail "unexpected /$1/ on screen"
	fi
}

# tui_line N: line N (1-based) of the last capture.
tui_line() {
	sed -n "${1}p" "$TUI_TMP/screen"
}

# tui_run_cv ARGS...: crossvisor in the pane with the fake clock, as the
# shell's job itself (so Ctrl-Z and fg act on it as a user's would).
tui_run_cv() {
	tui_type "CROSSVISOR_FAKE_CLOCK=$TUI_CLOCK ./crossvisor $*"
}

# tui_status: the exit status of the last job (also after fg), at the
# shell prompt.
tui_status() {
	tui_type 'echo cv-exit=$?'
	tui_wait '^cv-exit=[0-9]+' 5
	sed -n 's/^cv-exit=\([0-9]*\).*/\1/p' "$TUI_TMP/screen" | tail -n 1
}

# tui_quit: q, then the shell must be back with the console's screen gone
# (the alternate screen was left) and the status 0.
tui_quit() {
	local st

	tui_keys q
	tui_wait '^\$ ?$' 10
	tui_gone '^HOST +(HV +)?NAME'
	st=$(tui_status)
	[ "$st" = 0 ] || tui_fail "exit status $st"
}
