/* Keys to commands: one table for every screen (as tig's keymaps), so the
 * hint bar, the help screen and the bindings cannot drift. Main thread. */
#ifndef CV_TUI_KEYMAP_H
#define CV_TUI_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/action.h"

/* A key as the loop reads it: a character (>= 0) or a curses KEY_* code
 * stored negated, so wide characters and key codes cannot collide. */
#define KEYMAP_FN(k)	(-(k))
#define KEYMAP_CTRL(c)	((c) & 0x1f)

#define KEYMAP_CMD_LIST(_)	\
	_(NONE)			\
	_(QUIT)			\
	_(UP)			\
	_(DOWN)			\
	_(PAGE_UP)		\
	_(PAGE_DOWN)		\
	_(HOME)			\
	_(END)			\
	_(REDRAW)		\
	_(ACTION)		\
	_(PAUSE_TOGGLE)		\
	_(DETAILS)		\
	_(EVENTS)		\
	_(BACK)			\
	_(DEMO)			\
	_(MARK)			\
	_(UNMARK_ALL)		\
	_(FILTER)		\
	_(COMMAND)		\
	_(HELP)			\
	_(TREE)			\
	_(COLLAPSE)		\
	_(EXPAND)		\
	_(SORT)			\
	_(SORT_PREV)		\
	_(SORT_NEXT)		\
	_(CLEAR)		\
	_(MOUSE)

#define KEYMAP_CMD_ENUM(id) KEYMAP_##id,
enum keymap_cmd {
	KEYMAP_CMD_LIST(KEYMAP_CMD_ENUM)
	KEYMAP__COUNT
};
#undef KEYMAP_CMD_ENUM

/* Screens a binding works in. */
#define KEYMAP_IN_FLEET		0x1
#define KEYMAP_IN_FIRST_RUN	0x2
#define KEYMAP_IN_DETAILS	0x4
#define KEYMAP_IN_HELP		0x8
#define KEYMAP_IN_EVENTS	0x10
#define KEYMAP_IN_ALL		0xff

struct keymap_binding {
	int		 key;
	unsigned	 in;		/* KEYMAP_IN_* */
	enum keymap_cmd	 cmd;
	enum action	 action;	/* KEYMAP_ACTION */
	const char	*hint_key;	/* in the hint bar; NULL: not shown */
	const char	*hint;
	const char	*help;		/* on the help screen; NULL: as the
					   command's first binding */
};

const struct keymap_binding	*keymap_lookup(unsigned in, int key);
const struct keymap_binding	*keymap_next(const struct keymap_binding *);
const char			*keymap_key_name(int key, char *, size_t);

#endif
