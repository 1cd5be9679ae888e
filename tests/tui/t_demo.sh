# The demo at 80x24: header, guest rows, cursor movement (checked through
# the guest each confirmation prompt names), a cancelled prompt, a live
# resize, Ctrl-Z and fg, and q giving the shell back.

tui_shell 80 24
tui_run_cv --demo
tui_wait '^crossvisor .*DEMO *$' 15
tui_wait '^ *(\|-|├─|`-|└─) +(kvm|hyperv) +[^ ]+ +(running|paused|shutoff)'
l1=$(tui_line 1)
case $l1 in
*"hosts "*" up"*"guests "*" running"*) ;;
*) tui_fail "header: $l1" ;;
esac
tui_line 2 | grep -q -E '^HOST +HV +NAME +STATE +VCPU +CPU% +MEM' ||
    tui_fail "column titles: $(tui_line 2)"
tui_gone ' OS *$'	# 80 columns: no room for OS

# The cursor starts on the first host row: an action asks for a guest.
tui_keys S
tui_wait 'move the cursor to a guest first'

# j: the first guest. S asks before shutting it down; n cancels.
tui_keys j S
tui_wait '^Shut down .* on .*\? \[y/N\]'
g1=$(sed -n 's/^Shut down \(.*\) on .*? \[y\/N\].*/\1/p' "$TUI_TMP/screen")
tui_keys n
tui_wait "$g1 on .*: shutdown cancelled"

# j again: the prompt names the next guest.
tui_keys j S
tui_wait '^Shut down .* on .*\? \[y/N\]'
g2=$(sed -n 's/^Shut down \(.*\) on .*? \[y\/N\].*/\1/p' "$TUI_TMP/screen")
tui_keys Escape
tui_wait "$g2 on .*: shutdown cancelled"
[ -n "$g1" ] && [ -n "$g2" ] && [ "$g1" != "$g2" ] ||
    tui_fail "j did not move: '$g1' then '$g2'"

# Wider: the OS column appears, the cursor stays on its guest.
tmux -L "$TUI_SOCK" resize-window -t 0 -x 132 -y 30
tui_wait '^HOST +HV +NAME .* OS *$'
tui_keys S
tui_wait "^Shut down $g2 on "
tui_keys n
tmux -L "$TUI_SOCK" resize-window -t 0 -x 80 -y 24
tui_wait '^HOST +HV +NAME .*CERT *$'

# Ctrl-Z gives the shell back; fg brings the console back whole.
tui_keys C-z
tui_wait '^\$ ?$'
tui_capture
tui_gone '^HOST +HV +NAME'
tui_type fg
tui_wait '^HOST +HV +NAME'
tui_wait '^crossvisor .*DEMO *$'

tui_quit
