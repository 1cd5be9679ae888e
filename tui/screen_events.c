/* The event log screen (as a tig view): header, column titles, one row per
 * event with the oldest at the top and the newest at the bottom, as in the
 * journal file, tail -f and journalctl, so the list reads down in time and
 * a new event appears where the eye already is; it opens on the newest and
 * follows new ones while the cursor stays on the last row. Rows take the
 * colour of their outcome. Only the rows on screen are formatted. Main
 * thread only. */
#include "tui/screen_events.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/evlog.h"
#include "tui/bar.h"
#include "tui/curses_wrap.h"
#include "tui/events.h"
#include "tui/keymap.h"
#include "tui/list.h"
#include "tui/rows.h"
#include "tui/screen_fleet.h"
#include "tui/term.h"

#ifndef CV_VERSION
#define CV_VERSION "?"
#endif

/* Screen lines: the list runs from SE_LIST_Y to LINES - 3. */
#define SE_HEADER_Y	0
#define SE_TITLES_Y	1
#define SE_LIST_Y	2
#define SE_MIN_LINES	5
#define SE_MIN_COLS	20

enum se_col {
	SE_TIME,
	SE_KIND,
	SE_HOST,
	SE_GUEST,
	SE_ACTION,
	SE_OUTCOME,
	SE_MSG,
	SE__COUNT
};

static const char *const se_titles[SE__COUNT] = {
	"TIME", "KIND", "HOST", "GUEST", "ACTION", "OUTCOME", "MESSAGE"
};

struct se_ctx {
	struct ui	*ui;
	int		 x[SE__COUNT];
	int		 w[SE__COUNT];
	int64_t		 now;
	bool		 dates;
};

static void	screen_events_draw(struct ui *);
static void	screen_events_key(struct ui *, int);
static void	screen_events_layout(struct se_ctx *);
static void	screen_events_row(void *, int, size_t, bool);
static void	screen_events_put(int, int, int, enum ui_color, const char *);
static int	screen_events_height(void);
static void	screen_events_sync(struct ui *, bool);

const struct ui_screen screen_events_entry = {
	.name = "events",
	.keys = KEYMAP_IN_EVENTS,
	.draw = screen_events_draw,
	.key = screen_events_key,
};

static int
screen_events_height(void)
{
	return LINES > 4 ? LINES - 4 : 1;
}

/* Keeps the list on the events; on the last row, follows new ones. */
static void
screen_events_sync(struct ui *ui, bool to_end)
{
	struct list	*l = &ui->events_list;
	bool		 follow = to_end || l->n == 0 || l->sel + 1 >= l->n;

	list_set(l, ui->events.n, screen_events_height());
	if (follow)
		list_end(l);
}

/* Opens the log on its newest event. */
void
screen_events_open(struct ui *ui)
{
	ui->screen = &screen_events_entry;
	screen_events_sync(ui, true);
	ui->dirty = true;
}

/* Columns for the width: the fixed ones first, then host and guest grow
 * with the terminal, and the message takes the rest. */
static void
screen_events_layout(struct se_ctx *c)
{
	static const int	 base[SE__COUNT] = { 8, 6, 10, 14, 8, 9, 0 };
	int			 i, x = 0, extra;

	memcpy(c->w, base, sizeof base);
	if (c->dates)
		c->w[SE_TIME] = 14;
	for (i = 0; i < SE_MSG; i++)
		x += c->w[i] + 1;
	extra = COLS - x - 20;
	if (extra > 0) {
		c->w[SE_HOST] += extra / 3 > 10 ? 10 : extra / 3;
		c->w[SE_GUEST] += extra / 3 > 18 ? 18 : extra / 3;
	}
	for (x = 0, i = 0; i < SE__COUNT; i++) {
		c->x[i] = x;
		if (i == SE_MSG)
			c->w[i] = COLS - x;
		x += c->w[i] + 1;
	}
}

static void
screen_events_put(int y, int x, int width, enum ui_color color,
    const char *text)
{
	char	buf[1024];

	if (width <= 0 || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	wattrset(stdscr, term_attr(color));
	mvwaddstr(stdscr, y, x, rows_fit(text, width, false,
	    term_glyph(TERM_GLYPH_ELLIPSIS), buf, sizeof buf));
}

/* list_draw_fn: one event, in the colour of its outcome. */
static void
screen_events_row(void *arg, int y, size_t idx, bool sel)
{
	static const enum ui_color tones[] = {
		[EVENTS_PLAIN] = UI_COLOR_DEFAULT,
		[EVENTS_GOOD] = UI_COLOR_EVENT_DONE,
		[EVENTS_REFUSED] = UI_COLOR_EVENT_REFUSED,
		[EVENTS_BAD] = UI_COLOR_EVENT_FAILED,
	};
	const struct se_ctx		*c = arg;
	const struct evlog_entry	*e = &c->ui->events.v[idx];
	enum ui_color			 color;
	char				 t[32];
	const char			*cell[SE__COUNT];
	int				 i;

	color = sel ? UI_COLOR_CURSOR : tones[events_tone(e)];
	cell[SE_TIME] = events_time(e, c->now, c->dates, t, sizeof t);
	cell[SE_KIND] = events_kind(e);
	cell[SE_HOST] = e->host;
	cell[SE_GUEST] = e->guest;
	cell[SE_ACTION] = e->what;
	cell[SE_OUTCOME] = evlog_outcome(e);
	cell[SE_MSG] = events_message(e);
	y += SE_LIST_Y;
	screen_events_put(y, 0, COLS, color, "");
	for (i = 0; i < SE__COUNT; i++)
		screen_events_put(y, c->x[i], c->w[i], color, cell[i]);
}

static void
screen_events_draw(struct ui *ui)
{
	struct se_ctx	c;
	struct list	*l = &ui->events_list;
	char		head[256];
	size_t		i;
	int		h;

	werase(stdscr);
	if (LINES < SE_MIN_LINES || COLS < SE_MIN_COLS) {
		mvwaddnstr(stdscr, 0, 0, "crossvisor: terminal too small",
		    COLS);
		return;
	}
	screen_events_sync(ui, false);
	memset(&c, 0, sizeof c);
	c.ui = ui;
	c.now = clock_wall();
	/* A date in front of the times once the log spans more than today. */
	for (i = 0; i < ui->events.n && !c.dates; i++)
		c.dates = !events_today(&ui->events.v[i], c.now);
	screen_events_layout(&c);

	h = screen_events_height();
	if (ui->events.n > (size_t)h)
		snprintf(head, sizeof head, "crossvisor %s  Event log  "
		    "%zu-%zu of %zu events", CV_VERSION, l->top + 1,
		    l->top + (size_t)h, ui->events.n);
	else
		snprintf(head, sizeof head, "crossvisor %s  Event log  %zu "
		    "event%s", CV_VERSION, ui->events.n,
		    ui->events.n == 1 ? "" : "s");
	bar_line(SE_HEADER_Y, 0, COLS, UI_COLOR_HEADER, head);

	bar_line(SE_TITLES_Y, 0, COLS, UI_COLOR_TITLE, "");
	for (i = 0; i < SE__COUNT; i++)
		screen_events_put(SE_TITLES_Y, c.x[i], c.w[i], UI_COLOR_TITLE,
		    se_titles[i]);
	if (ui->events.n == 0)
		bar_line(SE_LIST_Y, 0, COLS, UI_COLOR_DEFAULT,
		    "No events yet: actions and hosts going up or down "
		    "appear here.");
	list_draw(l, screen_events_row, &c);

	bar_line(LINES - 2, 0, COLS, ui->status_error ?
	    UI_COLOR_STATUS_ERROR : UI_COLOR_STATUS, ui->status);
	bar_hints(LINES - 1, KEYMAP_IN_EVENTS);
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
}

static void
screen_events_key(struct ui *ui, int key)
{
	const struct keymap_binding	*b;
	struct list			*l = &ui->events_list;

	if ((b = keymap_lookup(KEYMAP_IN_EVENTS, key)) == NULL)
		return;
	list_set(l, ui->events.n, screen_events_height());
	switch (b->cmd) {
	case KEYMAP_BACK:
		ui->screen = &screen_fleet_entry;
		ui_cursor_sync(ui);
		break;
	case KEYMAP_QUIT:
		ui->quit = true;
		return;
	case KEYMAP_UP:
		list_move(l, -1);
		break;
	case KEYMAP_DOWN:
		list_move(l, 1);
		break;
	case KEYMAP_PAGE_UP:
		list_page(l, -1);
		break;
	case KEYMAP_PAGE_DOWN:
		list_page(l, 1);
		break;
	case KEYMAP_HOME:
		list_home(l);
		break;
	case KEYMAP_END:
		list_end(l);
		break;
	case KEYMAP_REDRAW:
		term_redraw_all();
		break;
	default:
		break;
	}
	ui->dirty = true;
}
