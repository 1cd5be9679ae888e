# No config file anywhere: the first-run screen says where crossvisor
# looks and offers the demo; q quits with status 0, d opens the demo.

for f in /etc/crossvisor/crossvisor.conf \
    /usr/local/etc/crossvisor/crossvisor.conf; do
	[ -e "$f" ] && { echo "  $TUI_NAME: skipped: $f exists"; exit 0; }
done

tui_shell 80 24
tui_run_cv
tui_wait '^ *No configuration file was found' 10
tui_wait 'CROSSVISOR_CONFIG'
tui_wait "$TUI_TMP/home/.config/crossvisor/crossvisor.conf"
tui_wait 'hosts = \('
tui_wait 'Press d to open the demo fleet, or q to quit'
tui_quit_first() {
	tui_keys q
	tui_wait '^\$ ?$' 10
	tui_gone 'No configuration file'
	st=$(tui_status)
	[ "$st" = 0 ] || tui_fail "exit status $st after q"
}
tui_quit_first

# Again, taking the demo this time.
tui_run_cv
tui_wait '^ *No configuration file was found' 10
tui_keys d
tui_wait '^crossvisor .*DEMO *$' 15
tui_wait '^.(├─|└─) +[^ ]+ +(running|paused|shutoff)'
tui_quit
