# --read-only in a C locale without colour: READ-ONLY in the header, ASCII
# tree glyphs, and an action refused by the engine with its reason on the
# status line (no pointless confirmation first).

tui_shell 80 24 LANG=C NO_COLOR=1
tui_run_cv --demo --read-only
tui_wait '^crossvisor .*DEMO READ-ONLY *$' 15
tui_wait '^ (\|-|`-) +(kvm|hyperv) +[^ ]+ '
tui_gone '├─|└─|…'

tui_keys j o
tui_wait 'poweroff refused: .*read-only'
tui_gone '\[y/N\]|Type the guest'
tui_keys s
tui_wait 'start refused: .*read-only'

tui_quit
