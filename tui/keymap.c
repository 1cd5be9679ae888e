/* The key table. Main thread (read-only data). */
#include "tui/keymap.h"

#include <stddef.h>

#include "tui/curses_wrap.h"

#define K_ALL	KEYMAP_IN_ALL
#define K_FLEET	KEYMAP_IN_FLEET
#define K_FIRST	KEYMAP_IN_FIRST_RUN
#define K_INFO	(KEYMAP_IN_DETAILS | KEYMAP_IN_EVENTS)
#define K_EVENTS KEYMAP_IN_EVENTS
/* q quits, but closes the details and the event log; the movement keys
 * scroll them. */
#define K_QUIT	(KEYMAP_IN_ALL & ~K_INFO)
#define K_MOVE	(KEYMAP_IN_FLEET | K_INFO)
#define KEYMAP_ESC	27

/* In hint-bar order: the first binding of a command that has a hint is
 * the one shown. */
static const struct keymap_binding keymap_table[] = {
	{ 'q', K_QUIT, KEYMAP_QUIT, 0, "q", "Quit" },
	{ KEYMAP_ESC, K_INFO, KEYMAP_BACK, 0, "Esc", "Back" },
	{ 'q', K_INFO, KEYMAP_BACK, 0, NULL, NULL },
	{ '\r', K_INFO, KEYMAP_BACK, 0, NULL, NULL },
	{ '\n', K_INFO, KEYMAP_BACK, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_ENTER), K_INFO, KEYMAP_BACK, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_LEFT), K_INFO, KEYMAP_BACK, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_F(10)), K_ALL, KEYMAP_QUIT, 0, NULL, NULL },
	{ 'd', K_FIRST, KEYMAP_DEMO, 0, "d", "Demo" },
	{ 's', K_FLEET, KEYMAP_ACTION, ACTION_START, "s", "Start" },
	{ 'S', K_FLEET, KEYMAP_ACTION, ACTION_SHUTDOWN, "S", "Shutdown" },
	{ 'r', K_FLEET, KEYMAP_ACTION, ACTION_REBOOT, "r", "Reboot" },
	{ 'R', K_FLEET, KEYMAP_ACTION, ACTION_RESET, "R", "Reset" },
	{ 'o', K_FLEET, KEYMAP_ACTION, ACTION_POWEROFF, "o", "Poweroff" },
	{ 'p', K_FLEET, KEYMAP_PAUSE_TOGGLE, 0, "p", "Pause" },
	{ 'v', K_FLEET, KEYMAP_ACTION, ACTION_SAVE, "v", "Save" },
	{ 'n', K_FLEET, KEYMAP_ACTION, ACTION_SNAPSHOT, "n", "Snapshot" },
	{ '\r', K_FLEET, KEYMAP_DETAILS, 0, "Enter", "Details" },
	{ '\n', K_FLEET, KEYMAP_DETAILS, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_ENTER), K_FLEET, KEYMAP_DETAILS, 0, NULL, NULL },
	{ 'e', K_FLEET, KEYMAP_EVENTS, 0, "e", "Events" },
	{ 'e', K_EVENTS, KEYMAP_BACK, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_UP), K_MOVE, KEYMAP_UP, 0, NULL, NULL },
	{ 'k', K_MOVE, KEYMAP_UP, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_DOWN), K_MOVE, KEYMAP_DOWN, 0, NULL, NULL },
	{ 'j', K_MOVE, KEYMAP_DOWN, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_PPAGE), K_MOVE, KEYMAP_PAGE_UP, 0, NULL, NULL },
	{ KEYMAP_CTRL('b'), K_MOVE, KEYMAP_PAGE_UP, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_NPAGE), K_MOVE, KEYMAP_PAGE_DOWN, 0, NULL, NULL },
	{ KEYMAP_CTRL('f'), K_MOVE, KEYMAP_PAGE_DOWN, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_HOME), K_MOVE, KEYMAP_HOME, 0, NULL, NULL },
	{ 'g', K_MOVE, KEYMAP_HOME, 0, NULL, NULL },
	{ KEYMAP_FN(KEY_END), K_MOVE, KEYMAP_END, 0, NULL, NULL },
	{ 'G', K_MOVE, KEYMAP_END, 0, NULL, NULL },
	{ KEYMAP_CTRL('l'), K_ALL, KEYMAP_REDRAW, 0, NULL, NULL },
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
