/* The details screen: header, one guest's page (details.c) from the
 * latest snapshot, status line and key hints. The guest is found again by
 * its key after every refresh; only the lines on screen are formatted.
 * Main thread only. */
#include "tui/screen_details.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/bar.h"
#include "tui/curses_wrap.h"
#include "tui/details.h"
#include "tui/events.h"
#include "tui/history.h"
#include "tui/keymap.h"
#include "tui/rows.h"
#include "tui/screen_fleet.h"
#include "tui/screen_help.h"
#include "tui/term.h"

#ifndef CV_VERSION
#define CV_VERSION "?"
#endif

/* Screen lines: the page runs from SD_PAGE_Y to LINES - 3. */
#define SD_HEADER_Y	0
#define SD_PAGE_Y	1
#define SD_MIN_LINES	5
#define SD_MIN_COLS	20
#define SD_ACTIONS	8	/* recent actions shown */
#define SD_EXTRA_MAX	(8 + SD_ACTIONS)

/* The lines after details.c's page: the history sparklines and the
 * guest's recent actions, which need the console's state. */
struct sd_extra {
	enum details_style	style;
	char			label[32];
	char			value[512];
	enum ui_color		color;
};

static void	screen_details_draw(struct ui *);
static void	screen_details_key(struct ui *, int);
static void	screen_details_close(struct ui *);
static void	screen_details_clamp(struct ui *);
static void	screen_details_put(int, const struct details_line *);
static const struct row *screen_details_row(const struct ui *);
static size_t	screen_details_extra(const struct ui *, const struct row *,
		    struct sd_extra *);
static void	screen_details_spark(const struct history_series *, bool,
		    struct sd_extra *);
static void	screen_details_put_extra(int, const struct sd_extra *);
static size_t	screen_details_height(void);
static int	screen_details_width(void);

const struct ui_screen screen_details_entry = {
	.name = "details",
	.keys = KEYMAP_IN_DETAILS,
	.draw = screen_details_draw,
	.key = screen_details_key,
};

/* Lines of the page: between the header and the status line. */
static size_t
screen_details_height(void)
{
	return LINES > 3 ? (size_t)LINES - 3 : 1;
}

/* Columns of the values, after the labels. */
static int
screen_details_width(void)
{
	int	w = COLS - DETAILS_INDENT - DETAILS_LABEL_W;

	return w > 1 ? w : 1;
}

/* Opens the page of guest row r (the fleet's cursor row). */
void
screen_details_open(struct ui *ui, const struct row *r)
{
	struct ui_details	*d = &ui->details;

	memset(d, 0, sizeof *d);
	d->key.host = r->host;
	d->key.guest = true;
	strlcpy_cv(d->key.id, r->gs->id, sizeof d->key.id);
	strlcpy_cv(d->host_name, r->host_name, sizeof d->host_name);
	strlcpy_cv(d->guest_name, r->gs->name, sizeof d->guest_name);
	ui->screen = &screen_details_entry;
	ui->dirty = true;
}

/* Back to the table, with the cursor on the guest if it is still there
 * (else where the table's own refreshes left it). */
static void
screen_details_close(struct ui *ui)
{
	size_t	idx;

	if (rows_find(&ui->rows, &ui->details.key, &idx))
		ui->cursor = ui->details.key;
	ui->screen = &screen_fleet_entry;
	ui_cursor_sync(ui);
	ui->dirty = true;
}

/* The guest's row in the latest rows; NULL once it has gone. */
static const struct row *
screen_details_row(const struct ui *ui)
{
	size_t	idx;

	if (!rows_find(&ui->rows, &ui->details.key, &idx))
		return NULL;
	return &ui->rows.v[idx];
}

/* A sparkline of the guest's last polls that fit the value column, and
 * the latest figure after it. */
static void
screen_details_spark(const struct history_series *hs, bool mem,
    struct sd_extra *x)
{
	float	v[HISTORY_LEN];
	size_t	n = 0, fit;
	int	w = screen_details_width() - 6;
	char	last[16] = "-";

	x->style = DETAILS_FIELD;
	x->color = UI_COLOR_SPARK;
	strlcpy_cv(x->label, mem ? "Memory%" : "CPU%", sizeof x->label);
	if (hs != NULL)
		n = history_values(hs, mem, v, HISTORY_LEN);
	fit = w > 0 ? (size_t)w : 0;
	if (n > fit) {
		memmove(v, v + (n - fit), fit * sizeof v[0]);
		n = fit;
	}
	if (n > 0 && v[n - 1] >= 0)
		snprintf(last, sizeof last, "%.0f%%", v[n - 1]);
	history_spark(v, n, term_is_utf8(), x->value, sizeof x->value - 8);
	strlcpy_cv(x->value + strlen(x->value), " ", 2);
	strlcpy_cv(x->value + strlen(x->value), last, sizeof last);
}

/* The History and Recent actions blocks of guest row r into x; returns
 * the number of lines. */
static size_t
screen_details_extra(const struct ui *ui, const struct row *r,
    struct sd_extra *x)
{
	const struct history_series	*hs;
	const struct evlog_entry	*acts[SD_ACTIONS];
	size_t				 n = 0, na, i;
	char				 t[32];

	hs = history_find(ui->history, r->host, r->gs->id);
	memset(x, 0, SD_EXTRA_MAX * sizeof *x);
	x[n++].style = DETAILS_BLANK;
	x[n].style = DETAILS_HEADING;
	strlcpy_cv(x[n].label, "History", sizeof x[n].label);
	snprintf(x[n++].value, sizeof x[0].value, "last %u polls, 0-100%%",
	    hs != NULL ? hs->n : 0);
	screen_details_spark(hs, false, &x[n++]);
	screen_details_spark(hs, true, &x[n++]);

	x[n++].style = DETAILS_BLANK;
	x[n].style = DETAILS_HEADING;
	strlcpy_cv(x[n].label, "Recent actions", sizeof x[n].label);
	na = events_of_guest(&ui->events, r->host_name, r->gs->name, acts,
	    SD_ACTIONS);
	strlcpy_cv(x[n++].value, na == 0 ? "none since the console started" :
	    "newest first", sizeof x[0].value);
	for (i = 0; i < na; i++, n++) {
		static const enum ui_color tones[] = {
			[EVENTS_PLAIN] = UI_COLOR_DEFAULT,
			[EVENTS_GOOD] = UI_COLOR_EVENT_DONE,
			[EVENTS_REFUSED] = UI_COLOR_EVENT_REFUSED,
			[EVENTS_BAD] = UI_COLOR_EVENT_FAILED,
		};

		x[n].style = DETAILS_FIELD;
		x[n].color = tones[events_tone(acts[i])];
		strlcpy_cv(x[n].label, events_time(acts[i], clock_wall(),
		    !events_today(acts[i], clock_wall()), t, sizeof t),
		    sizeof x[n].label);
		if (acts[i]->msg[0] != '\0')
			snprintf(x[n].value, sizeof x[n].value, "%s %s: %s",
			    acts[i]->what, evlog_outcome(acts[i]),
			    acts[i]->msg);
		else
			snprintf(x[n].value, sizeof x[n].value, "%s %s",
			    acts[i]->what, evlog_outcome(acts[i]));
	}
	return n;
}

static void
screen_details_put_extra(int y, const struct sd_extra *x)
{
	int	vx = DETAILS_INDENT + DETAILS_LABEL_W, w;

	switch (x->style) {
	case DETAILS_BLANK:
		return;
	case DETAILS_HEADING:
		w = rows_text_width(x->label);
		bar_line(y, 0, w, UI_COLOR_TEXT_BOLD, x->label);
		if (x->value[0] != '\0')
			bar_line(y, w + 2, COLS - w - 2, UI_COLOR_STALE,
			    x->value);
		return;
	default:
		bar_line(y, DETAILS_INDENT, DETAILS_LABEL_W, UI_COLOR_DEFAULT,
		    x->label);
		if (vx < COLS)
			bar_line(y, vx, COLS - vx, x->color, x->value);
		return;
	}
}

/* Keeps the page's last line at the bottom or above: the length changes
 * with the width and with new snapshots. */
static void
screen_details_clamp(struct ui *ui)
{
	const struct row	*r = screen_details_row(ui);
	struct sd_extra		 x[SD_EXTRA_MAX];
	size_t			 n, h = screen_details_height();

	n = r != NULL ? details_count(r, screen_details_width()) +
	    screen_details_extra(ui, r, x) : 0;
	if (n <= h)
		ui->details.top = 0;
	else if (ui->details.top > n - h)
		ui->details.top = n - h;
}

/* One page line: section titles flush left, labels indented, values in
 * their column; the certification badge in its status colour. */
static void
screen_details_put(int y, const struct details_line *l)
{
	char	badge[16];
	int	x = DETAILS_INDENT + DETAILS_LABEL_W, w;

	switch (l->style) {
	case DETAILS_BLANK:
		return;
	case DETAILS_HEADING:
		w = rows_text_width(l->label);
		bar_line(y, 0, w, UI_COLOR_TEXT_BOLD, l->label);
		if (*l->value != '\0')
			bar_line(y, w + 2, COLS - w - 2, UI_COLOR_STALE,
			    l->value);
		return;
	case DETAILS_CERT:
		bar_line(y, DETAILS_INDENT, DETAILS_LABEL_W, UI_COLOR_DEFAULT,
		    l->label);
		snprintf(badge, sizeof badge, "[%s]",
		    cert_status_badge(l->cert));
		w = rows_text_width(badge);
		/* The cert colours follow enum cert_status order. */
		bar_line(y, x, w < COLS - x ? w : COLS - x,
		    (enum ui_color)(UI_COLOR_CERT_UNSUPPORTED + (int)l->cert),
		    badge);
		x += w + 1;
		break;
	case DETAILS_FIELD:
	case DETAILS_MORE:
	default:
		bar_line(y, DETAILS_INDENT, DETAILS_LABEL_W, UI_COLOR_DEFAULT,
		    l->label);
		break;
	}
	if (x < COLS)
		bar_line(y, x, COLS - x, UI_COLOR_DEFAULT, l->value);
}

static void
screen_details_draw(struct ui *ui)
{
	struct ui_details	*d = &ui->details;
	const struct row	*r;
	struct details_line	 l;
	struct sd_extra		 x[SD_EXTRA_MAX];
	char			 head[512], buf[1024];
	size_t			 n, nd, nx, h, i;
	bool			 stale;

	werase(stdscr);
	if (LINES < SD_MIN_LINES || COLS < SD_MIN_COLS) {
		mvwaddnstr(stdscr, 0, 0, "crossvisor: terminal too small",
		    COLS);
		return;
	}
	screen_details_clamp(ui);
	r = screen_details_row(ui);
	h = screen_details_height();
	nd = r != NULL ? details_count(r, screen_details_width()) : 0;
	nx = r != NULL ? screen_details_extra(ui, r, x) : 0;
	n = nd + nx;

	if (n > h)
		snprintf(head, sizeof head, "crossvisor %s  %s on %s  "
		    "lines %zu-%zu of %zu", CV_VERSION, d->guest_name,
		    d->host_name, d->top + 1, d->top + h, n);
	else
		snprintf(head, sizeof head, "crossvisor %s  %s on %s",
		    CV_VERSION, d->guest_name, d->host_name);
	bar_line(SD_HEADER_Y, 0, COLS, UI_COLOR_HEADER, head);

	if (r == NULL) {
		snprintf(buf, sizeof buf, "%s is gone: %s no longer lists it.",
		    d->guest_name, d->host_name);
		bar_line(SD_PAGE_Y, 0, COLS, UI_COLOR_TEXT_BOLD, buf);
	} else {
		stale = rows_is_stale(r, clock_mono_ms(), ui->refresh_s);
		for (i = 0; i < h && d->top + i < n; i++) {
			if (d->top + i >= nd) {
				screen_details_put_extra(SD_PAGE_Y + (int)i,
				    &x[d->top + i - nd]);
				continue;
			}
			if (!details_line(r, screen_details_width(), stale,
			    d->top + i, &l, buf, sizeof buf))
				break;
			screen_details_put(SD_PAGE_Y + (int)i, &l);
		}
	}

	bar_line(LINES - 2, 0, COLS, ui->status_error ?
	    UI_COLOR_STATUS_ERROR : UI_COLOR_STATUS, ui->status);
	bar_hints(LINES - 1, KEYMAP_IN_DETAILS);
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
}

static void
screen_details_key(struct ui *ui, int key)
{
	const struct keymap_binding	*b;
	size_t				*top = &ui->details.top;
	size_t				 page;

	if ((b = keymap_lookup(KEYMAP_IN_DETAILS, key)) == NULL)
		return;
	page = screen_details_height() > 1 ? screen_details_height() - 1 : 1;
	switch (b->cmd) {
	case KEYMAP_BACK:
		screen_details_close(ui);
		return;
	case KEYMAP_HELP:
		screen_help_open(ui);
		break;
	case KEYMAP_QUIT:
		ui->quit = true;
		return;
	case KEYMAP_UP:
		if (*top > 0)
			(*top)--;
		break;
	case KEYMAP_DOWN:
		(*top)++;
		break;
	case KEYMAP_PAGE_UP:
		*top = *top > page ? *top - page : 0;
		break;
	case KEYMAP_PAGE_DOWN:
		*top += page;
		break;
	case KEYMAP_HOME:
		*top = 0;
		break;
	case KEYMAP_END:
		*top = SIZE_MAX;
		break;
	case KEYMAP_REDRAW:
		term_redraw_all();
		break;
	default:
		break;
	}
	screen_details_clamp(ui);
	ui->dirty = true;
}
