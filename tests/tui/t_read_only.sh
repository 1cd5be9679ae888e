# --read-only in a C locale without colour: READ-ONLY in the header, ASCII
# tree and sort glyphs, no colour escape on the screen, and an action refused by the engine with its reason on the
# status line (no pointless confirmation first).

tui_shell 80 24 LANG=C NO_COLOR=1
tui_run_cv --demo --read-only
tui_wait '^crossvisor .*hosts 4/4 up.*DEMO READ-ONLY *$' 15
tui_wait '^.(\|-|`-) +[^ ]+ +(running|paused|shutoff)'
tui_gone '├─|└─|…|▲|▼|▾'
tui_wait '^HOST +NAME\^ '
# NO_COLOR: attributes (bold, reverse) but no colour at all.
tmux -L "$TUI_SOCK" capture-pane -e -p -t 0 >"$TUI_TMP/escapes"
grep -q "$(printf '\033')\[[0-9;]*1[;m]" "$TUI_TMP/escapes" ||
    tui_fail "no bold anywhere: the capture missed the attributes"
if grep -E -q "$(printf '\033')\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m" \
    "$TUI_TMP/escapes"; then
	tui_fail "colour escapes under NO_COLOR"
fi

tui_keys j o
tui_wait 'poweroff refused: .*read-only'
tui_gone '\[y/N\]|Type the guest'
tui_keys s
tui_wait 'start refused: .*read-only'

tui_quit
