# Lifecycle actions on the demo's first guest, end to end, at 132x30 so
# names are not cut: power-off (confirmed by name when its host is tagged
# for it, else by y), start, pause and resume with p; each outcome arrives
# on the status line.

tui_shell 132 30
tui_run_cv --demo
tui_wait '^crossvisor .*DEMO *$' 15
tui_wait '^ *(├─|└─) +(kvm|hyperv) +[^ ]+ +running'

tui_keys j o
tui_wait '^Power off .* on .*(\[y/N\]|Type its name:)'
g=$(sed -n 's/^Power off \([^ ]*\) on \([^ ?]*\).*/\1/p' "$TUI_TMP/screen")
h=$(sed -n 's/^Power off \([^ ]*\) on \([^ ?]*\).*/\2/p' "$TUI_TMP/screen")
[ -n "$g" ] && [ -n "$h" ] || tui_fail "no guest in the prompt"
if grep -q 'Type its name:' "$TUI_TMP/screen"; then
	# A wrong name cancels.
	tmux -L "$TUI_SOCK" send-keys -t 0 -l "x$g"
	tui_keys Enter
	tui_wait "$g on $h: the name typed did not match; poweroff cancelled"
	tui_keys o
	tui_wait 'Type its name:'
	tmux -L "$TUI_SOCK" send-keys -t 0 -l "$g"
	tui_wait "Type its name: $g"
	tui_keys Enter
else
	tui_keys y
fi
tui_wait "$g on $h: powered off" 15

tui_keys s
tui_wait "$g on $h: started" 15

# p pauses a running guest (after y), and resumes a paused one.
tui_wait "^ *(├─|└─) +(kvm|hyperv) +$g +running" 15
tui_keys p
tui_wait "^Pause $g on $h\\? \\[y/N\\]"
tui_keys y
tui_wait "$g on $h: paused" 15
tui_wait "^ *(├─|└─) +(kvm|hyperv) +$g +paused" 15
tui_keys p
tui_wait "$g on $h: resumed" 15

tui_quit
