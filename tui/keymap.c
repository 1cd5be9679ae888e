/* The key table. Main thread (read-only data). */
#include "tui/keymap.h"

#include <stddef.h>
#include <stdio.h>

#include "tui/curses_wrap.h"

#define K_ALL	KEYMAP_IN_ALL
#define K_FLEET	KEYMAP_IN_FLEET
#define K_FIRST	KEYMAP_IN_FIRST_RUN
#define K_INFO	(KEYMAP_IN_DETAILS | KEYMAP_IN_EVENTS)
#define K_EVENTS KEYMAP_IN_EVENTS
/* q quits, but closes the details, the event log and the help; the
 * movement keys scroll them. */
#define K_BACK	(KEYMAP_IN_DETAILS | KEYMAP_IN_EVENTS | KEYMAP_IN_HELP)
#define K_QUIT	(KEYMAP_IN_ALL & ~K_BACK)
#define K_MOVE	(KEYMAP_IN_FLEET | K_BACK)
#define K_HELPS	(KEYMAP_IN_FLEET | KEYMAP_IN_DETAILS | KEYMAP_IN_HELP)
#define KEYMAP_ESC	27

/* In hint-bar order: the first binding of a command that has a hint is
 * the one shown. The help screen lists every binding, in this order, with
 * the help of the command's first binding. */
static const struct keymap_binding keymap_table[] = {
	{ '?', K_HELPS, KEYMAP_HELP, 0, "?", "Help",
	  "every key, the filter terms and the : commands" },
	{ KEYMAP_FN(KEY_F(1)), K_HELPS, KEYMAP_HELP, 0, NULL, NULL, NULL },
	{ KEYMAP_ESC, K_BACK, KEYMAP_BACK, 0, "Esc", "Back",
	  "back to the table" },
	{ 'q', K_BACK, KEYMAP_BACK, 0, NULL, NULL, NULL },
	{ '\r', K_INFO, KEYMAP_BACK, 0, NULL, NULL, NULL },
	{ '\n', K_INFO, KEYMAP_BACK, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_ENTER), K_INFO, KEYMAP_BACK, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_LEFT), K_BACK, KEYMAP_BACK, 0, NULL, NULL, NULL },
	{ 'd', K_FIRST, KEYMAP_DEMO, 0, "d", "Demo",
	  "open the demo fleet" },
	{ '/', K_FLEET, KEYMAP_FILTER, 0, "/", "Filter",
	  "filter as you type (terms below); Enter keeps, Esc drops it" },
	{ KEYMAP_ESC, K_FLEET, KEYMAP_CLEAR, 0, NULL, NULL,
	  "clear the filter" },
	{ ' ', K_FLEET, KEYMAP_MARK, 0, "Space", "Mark",
	  "mark or unmark a guest (on a host: all its guests shown)" },
	{ 'u', K_FLEET, KEYMAP_UNMARK_ALL, 0, NULL, NULL,
	  "unmark every guest" },
	{ '\r', K_FLEET, KEYMAP_DETAILS, 0, "Enter", "Details",
	  "everything known about the guest" },
	{ '\n', K_FLEET, KEYMAP_DETAILS, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_ENTER), K_FLEET, KEYMAP_DETAILS, 0, NULL, NULL, NULL },
	{ 'e', K_FLEET, KEYMAP_EVENTS, 0, "e", "Events",
	  "the event log: every action and host up or down" },
	{ 'e', K_EVENTS, KEYMAP_BACK, 0, NULL, NULL, NULL },
	{ 's', K_FLEET, KEYMAP_ACTION, ACTION_START, "s", "Start",
	  "start (the marked guests, else this one)" },
	{ 'S', K_FLEET, KEYMAP_ACTION, ACTION_SHUTDOWN, "S", "Shutdown",
	  "shut down gracefully" },
	{ 'r', K_FLEET, KEYMAP_ACTION, ACTION_REBOOT, "r", "Reboot",
	  "reboot gracefully" },
	{ 'R', K_FLEET, KEYMAP_ACTION, ACTION_RESET, "R", "Reset",
	  "reset (hard)" },
	{ 'o', K_FLEET, KEYMAP_ACTION, ACTION_POWEROFF, "o", "Poweroff",
	  "power off (forced)" },
	{ 'p', K_FLEET, KEYMAP_PAUSE_TOGGLE, 0, "p", "Pause",
	  "pause a running guest, resume a paused one" },
	{ 'v', K_FLEET, KEYMAP_ACTION, ACTION_SAVE, "v", "Save",
	  "save (hibernate to disk)" },
	{ 'n', K_FLEET, KEYMAP_ACTION, ACTION_SNAPSHOT, "n", "Snapshot",
	  "take a snapshot" },
	{ ':', K_FLEET, KEYMAP_COMMAND, 0, ":", "Cmd",
	  "command line (commands below); Tab completes, Up recalls" },
	{ 'q', K_QUIT, KEYMAP_QUIT, 0, "q", "Quit", "quit" },
	{ KEYMAP_FN(KEY_F(10)), K_ALL, KEYMAP_QUIT, 0, NULL, NULL, NULL },
	{ 't', K_FLEET, KEYMAP_TREE, 0, NULL, NULL,
	  "guests grouped under hosts, or one list across hosts" },
	{ '-', K_FLEET, KEYMAP_COLLAPSE, 0, NULL, NULL,
	  "collapse a host (hide its guests)" },
	{ KEYMAP_FN(KEY_LEFT), K_FLEET, KEYMAP_COLLAPSE, 0, NULL, NULL, NULL },
	{ '+', K_FLEET, KEYMAP_EXPAND, 0, NULL, NULL,
	  "expand a host" },
	{ KEYMAP_FN(KEY_RIGHT), K_FLEET, KEYMAP_EXPAND, 0, NULL, NULL, NULL },
	{ 'H', K_FLEET, KEYMAP_SORT, 0, NULL, NULL,
	  "sort by this column; again: the other way" },
	{ 'N', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'T', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'V', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'C', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'M', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'D', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'I', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'U', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'A', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ 'O', K_FLEET, KEYMAP_SORT, 0, NULL, NULL, NULL },
	{ '<', K_FLEET, KEYMAP_SORT_PREV, 0, NULL, NULL,
	  "sort by the column to the left" },
	{ '>', K_FLEET, KEYMAP_SORT_NEXT, 0, NULL, NULL,
	  "sort by the column to the right" },
	{ KEYMAP_FN(KEY_UP), K_MOVE, KEYMAP_UP, 0, NULL, NULL, "up" },
	{ 'k', K_MOVE, KEYMAP_UP, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_DOWN), K_MOVE, KEYMAP_DOWN, 0, NULL, NULL, "down" },
	{ 'j', K_MOVE, KEYMAP_DOWN, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_PPAGE), K_MOVE, KEYMAP_PAGE_UP, 0, NULL, NULL,
	  "a page up" },
	{ KEYMAP_CTRL('b'), K_MOVE, KEYMAP_PAGE_UP, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_NPAGE), K_MOVE, KEYMAP_PAGE_DOWN, 0, NULL, NULL,
	  "a page down" },
	{ KEYMAP_CTRL('f'), K_MOVE, KEYMAP_PAGE_DOWN, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_HOME), K_MOVE, KEYMAP_HOME, 0, NULL, NULL,
	  "the first line" },
	{ 'g', K_MOVE, KEYMAP_HOME, 0, NULL, NULL, NULL },
	{ KEYMAP_FN(KEY_END), K_MOVE, KEYMAP_END, 0, NULL, NULL,
	  "the last line" },
	{ 'G', K_MOVE, KEYMAP_END, 0, NULL, NULL, NULL },
	{ KEYMAP_CTRL('l'), K_ALL, KEYMAP_REDRAW, 0, NULL, NULL,
	  "redraw the whole screen" },
	{ KEYMAP_FN(KEY_MOUSE), K_FLEET, KEYMAP_MOUSE, 0, NULL, NULL,
	  "with mouse = true: click selects, double-click opens, a click on "
	  "a title sorts, the wheel scrolls" },
};

#define KEYMAP_N (sizeof keymap_table / sizeof keymap_table[0])

/* The binding of key in a screen, or NULL. */
const struct keymap_binding *
keymap_lookup(unsigned in, int key)
{
	size_t	i;

	for (i = 0; i < KEYMAP_N; i++)
		if (keymap_table[i].key == key && (keymap_table[i].in & in))
			return &keymap_table[i];
	return NULL;
}

/* Walks the table: NULL gives the first binding, the last gives NULL. */
const struct keymap_binding *
keymap_next(const struct keymap_binding *b)
{
	if (b == NULL)
		return &keymap_table[0];
	if (b + 1 >= keymap_table + KEYMAP_N)
		return NULL;
	return b + 1;
}

/* "Space", "Up", "Ctrl-B", "F10", "q": a key as the help screen names it. */
const char *
keymap_key_name(int key, char *buf, size_t len)
{
	static const struct {
		int		 key;
		const char	*name;
	} names[] = {
		{ ' ', "Space" }, { '\r', "Enter" }, { '\n', "Ctrl-J" },
		{ KEYMAP_ESC, "Esc" }, { KEYMAP_FN(KEY_ENTER), "Enter" },
		{ KEYMAP_FN(KEY_UP), "Up" }, { KEYMAP_FN(KEY_DOWN), "Down" },
		{ KEYMAP_FN(KEY_LEFT), "Left" },
		{ KEYMAP_FN(KEY_RIGHT), "Right" },
		{ KEYMAP_FN(KEY_PPAGE), "PgUp" },
		{ KEYMAP_FN(KEY_NPAGE), "PgDn" },
		{ KEYMAP_FN(KEY_HOME), "Home" }, { KEYMAP_FN(KEY_END), "End" },
		{ KEYMAP_FN(KEY_MOUSE), "Mouse" },
	};
	size_t	i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++)
		if (names[i].key == key) {
			snprintf(buf, len, "%s", names[i].name);
			return buf;
		}
	if (key <= KEYMAP_FN(KEY_F(1)) && key >= KEYMAP_FN(KEY_F(12)))
		snprintf(buf, len, "F%d", KEYMAP_FN(key) - KEY_F(0));
	else if (key > 0 && key < ' ')
		snprintf(buf, len, "Ctrl-%c", key + '@');
	else
		snprintf(buf, len, "%c", key);
	return buf;
}
