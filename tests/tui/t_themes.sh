# Colours and glyphs: the default theme colours the screen; NO_COLOR=1 and
# --no-color leave no colour in it (capture-pane -e); a theme of the
# user's themes directory is applied by name; a theme file with an error
# is one line on the status line (and on stderr at the end) and the
# console runs on the default theme; LANG=C gives ASCII glyphs, the
# sparkline included.

# tui_colors: the SGR colour parameters in the pane (30-37, 40-47, 90-97,
# 100-107, 38;5;N, 48;5;N); 39 and 49 only reset to the default.
tui_colors() {
	tmux -L "$TUI_SOCK" capture-pane -e -p -t 0 |
	    grep -o $'\e\\[[0-9;]*m' | tr -d '\033[m' | tr ';' '\n' |
	    grep -E '^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$' | sort -u | tr '\n' ' '
}

# The default theme: colours.
tui_shell 80 24
tui_run_cv --demo
tui_wait '^crossvisor .*hosts 4/4 up' 15
c=$(tui_colors)
[ -n "$c" ] || tui_fail "no colour with the default theme"
tui_quit

# NO_COLOR=1: attributes only.
tui_type "NO_COLOR=1 CROSSVISOR_FAKE_CLOCK=$TUI_CLOCK ./crossvisor --demo"
tui_wait '^crossvisor .*hosts 4/4 up' 15
c=$(tui_colors)
[ -z "$c" ] || tui_fail "NO_COLOR=1 still shows colours: $c"
tui_quit

# --no-color, with a theme asked for: still none.
printf 'theme = "dark";\n' >"$TUI_TMP/dark.conf"
tui_run_cv --demo --no-color -c "$TUI_TMP/dark.conf"
tui_wait '^crossvisor .*hosts 4/4 up' 15
c=$(tui_colors)
[ -z "$c" ] || tui_fail "--no-color still shows colours: $c"
tui_quit

# A theme by name from $XDG_CONFIG_HOME/crossvisor/themes: red header.
mkdir -p "$TUI_TMP/home/.config/crossvisor/themes"
printf '# mine\nheader = bright-white red bold\n' \
    >"$TUI_TMP/home/.config/crossvisor/themes/mine.theme"
printf 'theme = "mine";\n' >"$TUI_TMP/mine.conf"
tui_run_cv --demo -c "$TUI_TMP/mine.conf"
tui_wait '^crossvisor .*hosts 4/4 up' 15
tmux -L "$TUI_SOCK" capture-pane -e -p -t 0 | head -n 1 | grep -q '41m' ||
    tui_fail "the header of theme 'mine' is not on red"
tui_gone 'default theme'
tui_quit

# A shipped theme by name (themes/ of the build tree): no complaint.
tui_run_cv --demo -c "$TUI_TMP/dark.conf"
tui_wait '^crossvisor .*hosts 4/4 up' 15
tui_gone 'theme'
tui_quit

# A theme with an error: one line, the default theme, the console runs.
printf 'header = red\nhedaer = blue\n' >"$TUI_TMP/bad.theme"
printf 'theme = "%s";\n' "$TUI_TMP/bad.theme" >"$TUI_TMP/bad.conf"
tui_run_cv --demo -c "$TUI_TMP/bad.conf"
tui_wait '^crossvisor .*hosts 4/4 up' 15
tui_wait "bad.theme:2: unknown element 'hedaer' \\(did you mean"
tui_keys j
tui_wait '^.(├─|└─) +((kvm|hyperv) +)?[^ ]+ +(running|paused|shutoff)'
tui_keys q
tui_wait '^\$ ?$' 10
tui_wait "^crossvisor: .*bad.theme:2: unknown element 'hedaer' \\(did you mea"
st=$(tui_status)
[ "$st" = 0 ] || tui_fail "exit status $st with a bad theme"

# A theme name that exists nowhere: said, and the console runs.
printf 'theme = "nosuch";\n' >"$TUI_TMP/nosuch.conf"
tui_run_cv --demo -c "$TUI_TMP/nosuch.conf"
tui_wait "theme 'nosuch' not found"
tui_wait '^crossvisor .*hosts 4/4 up' 15
tui_quit

# LANG=C: ASCII tree glyphs, ellipsis and sparkline.
tui_type "LANG=C CROSSVISOR_FAKE_CLOCK=$TUI_CLOCK ./crossvisor --demo"
tui_wait '^crossvisor .*hosts 4/4 up' 15
tui_wait '^.(\|-|`-) +((kvm|hyperv) +)?[^ ]+ +(running|paused|shutoff)'
tui_gone '├─|└─|…'
tui_keys g j Enter G
tui_wait '^History +last [0-9]+ polls'
tui_wait '^  CPU% +[_.=+*#%@ -]+ [0-9]+%'
tui_gone '▁|▂|▃|▄|▅|▆|▇|█'
tui_keys q
tui_wait '^HOST +(HV +)?NAME'
tui_quit
