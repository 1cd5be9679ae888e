/* The console's state, shared by the loop and the screens: the fleet view
 * being shown, its rows, the cursor, the status line and the prompt.
 * Main thread only. */
#ifndef CV_TUI_UI_H
#define CV_TUI_UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"
#include "core/fleet.h"
#include "tui/events.h"
#include "tui/list.h"
#include "tui/rows.h"

struct cfg;
struct engine;
struct evlog;
struct evlog_entry;
struct history;
struct ui;

/* A screen (as tmux's window_mode): what the loop draws and who gets the
 * keys. New screens (host, event log, help) are new tables. */
struct ui_screen {
	const char	*name;
	unsigned	 keys;				/* KEYMAP_IN_* */
	void		(*draw)(struct ui *);
	void		(*key)(struct ui *, int key);	/* see keymap.h */
};

/* An action waiting for the user's confirmation. Copied out of the rows
 * when asked, so a refresh cannot change what the answer applies to. */
struct ui_pending {
	size_t		host;
	enum action	action;
	char		host_name[64];
	char		guest_id[ROWS_ID_MAX];
	char		guest_name[128];
};

enum ui_prompt_kind {
	UI_PROMPT_NONE,
	UI_PROMPT_YES_NO,	/* [y/N] */
	UI_PROMPT_NAME		/* type the guest's name */
};

struct ui_prompt {
	enum ui_prompt_kind	kind;
	struct ui_pending	pending;
	char			tag[64];	/* UI_PROMPT_NAME: why */
	char			typed[128];	/* UI_PROMPT_NAME: so far */
};

/* The guest the details screen shows: by identity, as the cursor, so it
 * follows the guest through refreshes; its names are kept to say which
 * one went away. */
struct ui_details {
	struct rows_key	key;
	char		host_name[64];
	char		guest_name[128];
	size_t		top;		/* first line on screen */
};

struct ui {
	const struct cfg	*cfg;		/* (borrowed) NULL: first run */
	struct engine		*engine;	/* (borrowed) NULL: first run */
	struct fleet		*fleet;		/* (borrowed) */
	struct evlog		*evlog;		/* (borrowed) */
	const struct ui_screen	*screen;	/* (borrowed) static table */
	double			 refresh_s;

	struct fleet_view	 view;		/* (owned refs) shown now */
	bool			 have_view;
	struct rows		 rows;		/* borrows from view */
	struct list		 list;
	struct rows_key		 cursor;
	uint64_t		 ev_seq;	/* last evlog entry looked at */

	char			 status[256];
	bool			 status_error;
	struct ui_prompt	 prompt;
	struct ui_details	 details;
	struct events		 events;	/* every event read */
	struct list		 events_list;	/* the event log screen */
	struct history		*history;	/* (owned) figures per guest */

	const char		*demo_hint;	/* (borrowed) first run */
	int			 result;	/* first run: 1 = demo */
	bool			 quit;
	bool			 dirty;		/* redraw before waiting */
};

/* ---- life cycle ---- */
void	ui_init(struct ui *, const struct cfg *, struct engine *,
	    const struct ui_screen *);
void	ui_done(struct ui *);

/* ---- data from the engine ---- */
bool	ui_refresh(struct ui *);
bool	ui_read_events(struct ui *);
void	ui_event_text(const struct evlog_entry *, char *, size_t, bool *);

/* ---- cursor ---- */
int	ui_list_height(void);
void	ui_cursor_sync(struct ui *);
const struct row *ui_cursor_row(const struct ui *);

/* ---- status line and actions ---- */
void	ui_status(struct ui *, bool error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	ui_submit(struct ui *, const struct ui_pending *);
const char *ui_action_verb(enum action);

#endif
