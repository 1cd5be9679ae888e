# The details page at 80x24: Enter on a guest opens it (identity and the
# certification block fit without scrolling), G scrolls to the host block,
# Esc and q give the table back with the cursor on the same guest, and
# Enter on a host row only says to pick a guest.

tui_shell 80 24
tui_run_cv --demo
tui_wait '^crossvisor .*DEMO *$' 15
tui_wait '^ *(\|-|├─|`-|└─) +(kvm|hyperv) +[^ ]+ +(running|paused|shutoff)'

# j: the first guest, named on line 4 (header, titles, host row above).
tui_keys j
tui_capture
g=$(tui_line 4 | awk '{ print $3 }')
[ -n "$g" ] || tui_fail "no guest on line 4: $(tui_line 4)"

tui_keys Enter
tui_wait '^Certification *$'
tui_wait "^crossvisor .*  $g on [^ ]+"
tui_wait "^  Name +$g *$"
tui_wait '^  Status +\[.{4}\] (certified|conditional|community|unsupported|unknown) *$'
tui_wait '^  (Rule|Source) +[^ -]'
tui_wait '^  Reason +[^ ]'
tui_wait '^Esc Back'
tui_gone '^HOST +HV +NAME'

# Longer than the screen: G shows the end (figures, then the host).
tui_keys G
tui_wait '^Host *$'
tui_wait '^  Hypervisor +[^ ]'
tui_wait '^crossvisor .* lines [0-9]+-([0-9]+) of \1 *$'
tui_keys g
tui_wait '^Guest *$'

# Esc: the table, with the cursor still on the guest.
tui_keys Escape
tui_wait '^HOST +HV +NAME'
tui_gone '^Certification'
tui_keys S
tui_wait "^Shut down $g on .*\\? \\[y/N\\]"
tui_keys n
tui_wait "$g on .*: shutdown cancelled"

# q closes the page too, without quitting.
tui_keys Enter
tui_wait '^Certification *$'
tui_keys q
tui_wait '^HOST +HV +NAME'

# On a host row Enter opens nothing.
tui_keys g Enter
tui_wait 'details: move the cursor to a guest first'
tui_gone '^Certification'

tui_quit
