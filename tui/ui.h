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
#include "tui/filter.h"
#include "tui/input.h"
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

/* An action on one guest, waiting for the user's confirmation. Copied out
 * of the rows when asked, so a refresh cannot change what the answer
 * applies to. */
struct ui_pending {
	size_t		host;
	enum action	action;
	char		host_name[64];
	char		guest_id[ROWS_ID_MAX];
	char		guest_name[128];
	bool		by_name;	/* its host has a confirm_by_name tag */
};

enum ui_prompt_kind {
	UI_PROMPT_NONE,
	UI_PROMPT_YES_NO,	/* [y/N] */
	UI_PROMPT_NAME		/* type the guest's name, or their count */
};

/* A question about one action on one or more guests. */
struct ui_prompt {
	enum ui_prompt_kind	 kind;
	enum action		 action;
	struct ui_pending	*v;		/* (owned) n targets */
	size_t			 n;
	char			 tag[64];	/* UI_PROMPT_NAME: why */
	size_t			 nby_name;	/* guests on such hosts */
	char			 expect[128];	/* UI_PROMPT_NAME: to type */
	struct input		 typed;		/* UI_PROMPT_NAME: so far */
};

/* The line at the bottom being edited: the `/` filter (applied as typed)
 * or a `:` command. */
enum ui_line {
	UI_LINE_NONE,
	UI_LINE_FILTER,
	UI_LINE_COMMAND
};

/* An action handed to the engine and not answered yet, so its guest's
 * row can say so; and the tally of the last action on many guests. */
struct ui_inflight {
	uint64_t	id;
	struct rows_key	key;
	enum action	action;
};

struct ui_bulk {
	enum action	action;
	uint64_t	first_id;	/* ids first_id..last_id are ours */
	uint64_t	last_id;
	size_t		n, done, failed, refused;
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
	/* When the screen last drawn changes with the clock alone
	 * (monotonic ms): the loop's tick redraws from then on. A screen
	 * that does not say leaves 0, for every tick. */
	uint64_t		 clock_due_ms;

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

	/* what the fleet screen shows and how */
	struct rows_opts	 opts;
	struct filter		 filter;
	bool			*collapsed;	/* (owned) by host index */
	size_t			 ncollapsed;
	struct rows_key		*marks;		/* (owned) marked guests */
	size_t			 nmarks;
	size_t			 marks_cap;
	struct ui_inflight	*inflight;	/* (owned) */
	size_t			 ninflight;
	size_t			 inflight_cap;
	struct ui_bulk		 bulk;

	/* the line being edited */
	enum ui_line		 line;
	struct input		 input;
	char			 filter_before[FILTER_TEXT_MAX];
	struct input_history	 filter_history;
	struct input_history	 command_history;
	size_t			 help_top;	/* the help screen's scroll */
	const struct ui_screen	*help_back;	/* where ? came from */

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
void	ui_rebuild(struct ui *);
bool	ui_read_events(struct ui *);
void	ui_event_text(const struct evlog_entry *, char *, size_t, bool *);

/* ---- cursor ---- */
int	ui_list_height(void);
void	ui_cursor_sync(struct ui *);
const struct row *ui_cursor_row(const struct ui *);

/* ---- marks ---- */
bool	ui_marked(const struct ui *, const struct rows_key *);
void	ui_mark(struct ui *, const struct rows_key *, bool on);
void	ui_marks_clear(struct ui *);

/* ---- status line and actions ---- */
void	ui_status(struct ui *, bool error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
uint64_t ui_submit(struct ui *, const struct ui_pending *);
void	ui_submit_many(struct ui *, enum action, const struct ui_pending *,
	    size_t);
const struct ui_inflight *ui_inflight_of(const struct ui *,
	    const struct rows_key *);
const char *ui_action_verb(enum action);

#endif
