# The console as a new user finds it at 80x24 on the demo: ? lists the
# keys, C sorts by CPU (again: the other way), / filters as typed and Esc
# clears, Space marks two guests and p pauses both after one confirmation
# that lists them, the outcome tallied on the status line; a power-off
# that reaches a host tagged prod wants the guest's name typed; the : command
# line completes with Tab; hosts fold; t gives one list across hosts; and
# at 200x60 every column is there.

tui_shell 80 24
tui_run_cv --demo
tui_wait '^crossvisor .*hosts 4/4 up.*DEMO *$' 15

# ? : every key, the filter terms, the commands; Esc goes back.
tui_keys ?
tui_wait '^crossvisor: keys and commands'
tui_wait '^  Space +mark or unmark a guest'
tui_wait '^  / +filter as you type'
tui_keys End
tui_wait '^  quit: leave crossvisor'
tui_keys Escape
tui_wait '^HOST +NAME'

# C: CPU, largest first; the figures shown go down the list.
tui_keys C
tui_wait '^HOST .*CPU%▼'
tui_wait 'sorted by cpu, largest first'
awk '/^.(├─|└─)/ && $5 ~ /^[0-9.]+$/ { if (seen && $5 > last + 0) bad = 1;
    last = $5; seen = 1 } END { exit bad }' "$TUI_TMP/screen" ||
    tui_fail "CPU% not in descending order"
tui_keys C
tui_wait '^HOST .*CPU%▲'

# / filters as one types; only paused guests are left; Enter keeps it.
tui_keys /
tui_wait '^/_'
tmux -L "$TUI_SOCK" send-keys -t 0 -l 'state:paused'
tui_wait '[0-9]+/69 shown  /state:paused'
tui_gone '^.(├─|└─) +[^ ]+ +(running|shutoff)'
tui_keys Enter
tui_wait '[0-9]+ of 69 guests match; Esc clears the filter'
tui_keys Escape
tui_wait 'filter cleared'

# Mark two guests (Space moves on), p pauses both after one question.
tui_keys /
tmux -L "$TUI_SOCK" send-keys -t 0 -l 'name:^web0[12]$'
tui_keys Enter
tui_wait '2/69 shown  /name:\^web0\[12\]\$'
tui_keys j Space Space
tui_wait '2 marked'
tui_wait '^\*(├─|└─) +web01 +running'
tui_wait '^\*(├─|└─) +web02 +running'
tui_keys p
tui_wait '^ Pause 2 guests:'
tui_wait '^   web01 on kvm-prod'
tui_wait '^Pause these 2 guests\? \[y/N\]'
tui_keys y
tui_wait 'Pause 2 guests: 2 done, 0 failed' 15
tui_wait '^\*(├─|└─) +web01 +paused'
tui_wait '^\*(├─|└─) +web02 +paused'
# p again: both paused, so both resume.
tui_keys p
tui_wait '^Resume these 2 guests\? \[y/N\]'
tui_keys y
tui_wait 'Resume 2 guests: 2 done, 0 failed' 15
tui_keys u
tui_wait 'no guest marked'
tui_keys Escape

# Power off two marked guests, one on a host tagged prod: its name must be
# typed; a wrong answer cancels both.
tui_keys /
tmux -L "$TUI_SOCK" send-keys -t 0 -l 'name:^(fw-appliance01|scratch01)$'
tui_keys Enter g j Space j Space o
tui_wait '^   fw-appliance01 on kvm-prod \(tagged\)'
tui_wait '^   scratch01 on kvm-lab *$'
tui_wait 'One is on a host tagged prod: type its name: _'
tui_keys x Enter
tui_wait 'what was typed did not match; poweroff on 2 guests cancelled'
tui_keys o
tmux -L "$TUI_SOCK" send-keys -t 0 -l 'fw-appliance01'
tui_keys Enter
tui_wait 'Power off 2 guests: 2 done, 0 failed' 15
tui_wait '^\*(├─|└─) +fw-appliance01 +shutoff'
tui_keys u Escape

# : with Tab completion, and a command that does not exist.
tui_keys :
tmux -L "$TUI_SOCK" send-keys -t 0 -l 'so'
tui_keys Tab
tui_wait '^:sort _'
tmux -L "$TUI_SOCK" send-keys -t 0 -l 'ne'
tui_keys Tab
tui_wait '^:sort net _'
tui_keys Enter
tui_wait '^HOST .*NET RX/T▼'
tui_keys : f r o b Enter
tui_wait ':frob: no such command'

# - folds the host under the cursor, + unfolds it.
tui_keys g -
tui_wait '^▸kvm-prod +up .*31 guests'
tui_wait '^▾kvm-lab'
tui_keys +
tui_wait '^▾kvm-prod'

# t: one list across hosts, the host's name on each guest's line.
tui_keys t
tui_wait 'one list across hosts'
tui_wait '^ (kvm|hv)-'
tui_gone '^▾'
tui_keys t
tui_wait '^▾kvm-prod'

# Wider: every column, the same rows.
tmux -L "$TUI_SOCK" resize-window -t 0 -x 200 -y 60
tui_wait '^HOST +HV +NAME.* UPTIME +CERT +OS *$'
tui_wait '^ (├─|└─) +(kvm|hyperv) +[^ ]+ +(running|paused|shutoff) '
tui_wait '^crossvisor 0.1.0  hosts 4/4 up  guests 69: '
tmux -L "$TUI_SOCK" resize-window -t 0 -x 300 -y 80
tui_wait '^ (├─|└─) +(kvm|hyperv) +[^ ]+ +(running|paused|shutoff) '
tui_wait '^▾hv-lab '
tui_wait '  q Quit *$'

tui_quit
