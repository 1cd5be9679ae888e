/*
 * tests/docs/names: prints the names that the man pages must document, read
 * from the code's own tables, so that the check follows the code when a key,
 * an action or a setting is added:
 *
 *	key	<name as the man page writes it>	(tui/keymap.c)
 *	action	<name>					(core/action.h)
 *	config	top|host	<key>			(config/cfg_table.c)
 *
 * Key names: a printable character is itself; Esc, Enter, Space, Tab,
 * Backspace; Ctrl-X for control characters; Up, Down, Left, Right, PgUp,
 * PgDn, Home, End, Insert, Delete, Shift-Tab and Fn for curses keys; any
 * other curses key by its curses name (which the man page then has to use,
 * or this table to learn).
 */
#include <stdio.h>
#include <string.h>

#include "config/cfg.h"
#include "core/action.h"
#include "tui/curses_wrap.h"
#include "tui/keymap.h"

static void
put_utf8(int c)
{
	if (c < 0x80)
		putchar(c);
	else if (c < 0x800) {
		putchar(0xc0 | (c >> 6));
		putchar(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		putchar(0xe0 | (c >> 12));
		putchar(0x80 | ((c >> 6) & 0x3f));
		putchar(0x80 | (c & 0x3f));
	} else {
		putchar(0xf0 | (c >> 18));
		putchar(0x80 | ((c >> 12) & 0x3f));
		putchar(0x80 | ((c >> 6) & 0x3f));
		putchar(0x80 | (c & 0x3f));
	}
}

/* A curses key code (KEYMAP_FN(code) in the table). 0: not a key a user
 * presses (resize, mouse), so not documented. */
static int
put_fn(int code)
{
	static const struct {
		int		 code;
		const char	*name;
	} fn[] = {
		{ KEY_UP, "Up" }, { KEY_DOWN, "Down" }, { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" }, { KEY_PPAGE, "PgUp" },
		{ KEY_NPAGE, "PgDn" }, { KEY_HOME, "Home" }, { KEY_END, "End" },
		{ KEY_ENTER, "Enter" }, { KEY_BACKSPACE, "Backspace" },
		{ KEY_DC, "Delete" }, { KEY_IC, "Insert" },
		{ KEY_BTAB, "Shift-Tab" },
	};
	const char	*kn;
	size_t		 i;

	if (code == KEY_RESIZE || code == KEY_MOUSE)
		return 0;
	for (i = 0; i < sizeof fn / sizeof fn[0]; i++)
		if (fn[i].code == code) {
			fputs(fn[i].name, stdout);
			return 1;
		}
	if (code >= KEY_F(1) && code <= KEY_F(63)) {
		printf("F%d", code - KEY_F0);
		return 1;
	}
	kn = keyname(code);
	fputs(kn != NULL ? kn : "?", stdout);
	return 1;
}

static void
put_key(int key)
{
	fputs("key\t", stdout);
	if (key < 0) {
		if (!put_fn(-key)) {
			fputs("-\n", stdout);
			return;
		}
	} else if (key == 27)
		fputs("Esc", stdout);
	else if (key == '\r' || key == '\n')
		fputs("Enter", stdout);
	else if (key == '\t')
		fputs("Tab", stdout);
	else if (key == ' ')
		fputs("Space", stdout);
	else if (key == 127 || key == 8)
		fputs("Backspace", stdout);
	else if (key < 32)
		printf("Ctrl-%c", 'A' + key - 1);
	else
		put_utf8(key);
	putchar('\n');
}

int
main(void)
{
	const struct keymap_binding	*b;
	const struct cfg_key		*k;
	int				 a;

	for (b = keymap_next(NULL); b != NULL; b = keymap_next(b))
		put_key(b->key);
	for (a = 0; a < ACTION__COUNT; a++)
		printf("action\t%s\n", action_name((enum action)a));
	for (k = cfg_table_next(NULL); k != NULL; k = cfg_table_next(k))
		printf("config\t%s\t%s\n", cfg_scope_name(k->scope), k->name);
	return ferror(stdout) ? 1 : 0;
}
