# The event log and the journal: pause a guest (confirmed), e opens the
# log with the request and its outcome at the bottom, Esc goes back; the
# journal file under $XDG_STATE_HOME has both lines; the details page
# shows the action under Recent actions and the CPU history; journal = ""
# in the config writes none.

tui_shell 100 30 "XDG_STATE_HOME=$TUI_TMP/state"
tui_run_cv --demo
tui_wait '^crossvisor .*DEMO *$' 15
tui_wait '^crossvisor .*hosts 4/4 up' 15

# The first guest of the first host, running in the demo.
tui_keys g j p
tui_wait '^Pause [^ ]+ on [^ ?]+\? \[y/N\]'
g=$(sed -n 's/^Pause \([^ ]*\) on \([^ ?]*\).*/\1/p' "$TUI_TMP/screen")
h=$(sed -n 's/^Pause \([^ ]*\) on \([^ ?]*\).*/\2/p' "$TUI_TMP/screen")
[ -n "$g" ] && [ -n "$h" ] || tui_fail "no guest in the prompt"
tui_keys y
tui_wait "$g on $h: paused" 15

tui_keys e
tui_wait '^crossvisor .* Event log '
tui_wait '^TIME +KIND +HOST +GUEST +ACTION +OUTCOME +MESSAGE'
tui_wait "^00:00:00 action +$h +$g +pause +submitted *\$"
tui_wait "^00:00:00 action +$h +$g +pause +done +paused *\$"
tui_wait "^00:00:00 host +$h +up "
tui_wait 'Esc Back *$'
# Newest at the bottom: the outcome is the last event.
last=$(grep -E '^00:00:00 ' "$TUI_TMP/screen" | tail -n 1)
case $last in
*"pause"*"done"*) ;;
*) tui_fail "the newest event is not at the bottom: $last" ;;
esac
tui_keys Escape
tui_wait '^HOST +(HV +)?NAME'
tui_gone 'Event log'

# The journal: both lines, one each, quoted where needed, private.
j="$TUI_TMP/state/crossvisor/journal"
[ -f "$j" ] || tui_fail "no journal at $j"
grep -q -E "^2026-01-01T00:00:00Z event=action id=[0-9]+ host=$h guest=$g action=pause outcome=submitted\$" "$j" ||
    tui_fail "journal lacks the request: $(cat "$j")"
grep -q -E "^2026-01-01T00:00:00Z event=action id=[0-9]+ host=$h guest=$g action=pause outcome=done msg=paused\$" "$j" ||
    tui_fail "journal lacks the outcome: $(cat "$j")"
grep -q -E "^2026-01-01T00:00:00Z event=host host=$h outcome=up msg=\"up: " "$j" ||
    tui_fail "journal lacks the host up line"
[ "$(stat -c %a "$TUI_TMP/state/crossvisor")" = 700 ] ||
    tui_fail "journal directory is not 0700"
[ "$(stat -c %a "$j")" = 600 ] || tui_fail "journal is not 0600"

# Details: the pause under Recent actions, and a CPU sparkline.
tui_keys Enter G
tui_wait '^Recent actions +newest first'
tui_wait '^  00:00:00 +pause done: paused *$'
tui_wait '^History +last [0-9]+ polls'
tui_wait '^  CPU% +[▁▂▃▄▅▆▇█ ]+ [0-9]+%'
tui_keys q
tui_wait '^HOST +(HV +)?NAME'
tui_quit

# journal = "" turns it off.
rm -rf "$TUI_TMP/state"
printf 'journal = "";\n' >"$TUI_TMP/nojournal.conf"
tui_run_cv --demo -c "$TUI_TMP/nojournal.conf"
tui_wait '^crossvisor .*DEMO *$' 15
tui_wait '^crossvisor .*hosts 4/4 up' 15
tui_keys e
tui_wait "^00:00:00 host +$h +up "
tui_keys q
tui_wait '^HOST +(HV +)?NAME'
tui_quit
[ ! -e "$TUI_TMP/state/crossvisor/journal" ] ||
    tui_fail "journal written with journal = \"\""
