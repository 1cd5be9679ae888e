/* The fleet screen: a two-line header of fleet totals, one table of every
 * host and guest (sorted, filtered, hosts collapsed), the status line or
 * the line being edited, and key hints; lifecycle actions on the marked
 * guests or the one under the cursor. Only the rows on screen are
 * formatted. Main thread only. */
#include "tui/screen_fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/bar.h"
#include "tui/cmdline.h"
#include "tui/curses_wrap.h"
#include "tui/filter.h"
#include "tui/input.h"
#include "tui/keymap.h"
#include "tui/list.h"
#include "tui/rows.h"
#include "tui/screen_confirm.h"
#include "tui/screen_details.h"
#include "tui/screen_help.h"
#include "tui/screen_events.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/ui.h"

#ifndef CV_VERSION
#define CV_VERSION "?"
#endif

/* Screen lines: the list runs from SF_LIST_Y to LINES - 3. */
#define SF_HEADER_Y	0
#define SF_SUMMARY_Y	1
#define SF_TITLES_Y	2
#define SF_LIST_Y	3
#define SF_MIN_LINES	6
#define SF_MIN_COLS	20
#define SF_WHEEL_ROWS	3
#define SF_HOST_NAME_MAX 40	/* columns a host row's name may take */

struct screen_fleet_ctx {
	struct ui		*ui;
	struct rows_layout	 layout;
	uint64_t		 now_ms;
	uint64_t		 clock_due_ms;	/* see struct ui */
};

static void	screen_fleet_draw(struct ui *);
static void	screen_fleet_key(struct ui *, int);
static void	screen_fleet_header(struct ui *);
static void	screen_fleet_summary(struct ui *);
static void	screen_fleet_titles(const struct screen_fleet_ctx *);
static void	screen_fleet_bottom(struct ui *, int);
static void	screen_fleet_row(void *, int, size_t, bool);
static void	screen_fleet_host_row(const struct screen_fleet_ctx *, int,
		    const struct row *, bool);
static void	screen_fleet_guest_row(const struct screen_fleet_ctx *, int,
		    const struct row *, bool);
static void	screen_fleet_put(int, int, int, bool, enum ui_color,
		    const char *);
static int	screen_fleet_puts(int, int, enum ui_color, const char *);
static enum ui_color screen_fleet_state_color(const struct guest_snap *);
static attr_t	screen_fleet_accent(const struct ui *, const struct row *);
static void	screen_fleet_act(struct ui *, enum action);
static void	screen_fleet_toggle_pause(struct ui *);
static size_t	screen_fleet_targets(struct ui *, enum action,
		    struct ui_pending **);
static const struct row *screen_fleet_guest(struct ui *, const char *);
static const char *screen_fleet_name_tag(const struct ui *, size_t);
static void	screen_fleet_pending(struct ui_pending *, enum action,
		    const char *, const struct guest_snap *, size_t);
static void	screen_fleet_mark(struct ui *);
static void	screen_fleet_sort(struct ui *, enum rows_col, int);
static void	screen_fleet_collapse(struct ui *, bool, bool);
static void	screen_fleet_open_line(struct ui *, enum ui_line);
static void	screen_fleet_line_key(struct ui *, int);
static void	screen_fleet_command(struct ui *, const char *);
static void	screen_fleet_set_filter(struct ui *, const char *);
static void	screen_fleet_mouse(struct ui *);

const struct ui_screen screen_fleet_entry = {
	.name = "fleet",
	.keys = KEYMAP_IN_FLEET,
	.draw = screen_fleet_draw,
	.key = screen_fleet_key,
};

/* Writes printable ASCII as cells, without curses decoding each byte as
 * a multibyte character (most of a frame's cost, in perf); anything else
 * takes waddstr. The cursor is not moved: every caller moves it anew. */
static void
screen_fleet_cells(int y, int x, attr_t attr, const char *s)
{
	chtype	cells[512];
	size_t	i, n = rows_ascii_len(s);

	if (s[n] != '\0' || n >= sizeof cells / sizeof cells[0]) {
		wattrset(stdscr, attr);
		mvwaddstr(stdscr, y, x, s);
		return;
	}
	for (i = 0; i < n; i++)
		cells[i] = (chtype)(unsigned char)s[i] | attr;
	cells[n] = 0;
	mvwaddchnstr(stdscr, y, x, cells, (int)n);
}

/* Draws text fitted to width columns at (y, x) in one colour. */
static void
screen_fleet_put(int y, int x, int width, bool right, enum ui_color color,
    const char *text)
{
	char	buf[512];

	if (width <= 0 || x >= COLS)
		return;
	if (x + width > COLS)
		width = COLS - x;
	screen_fleet_cells(y, x, term_attr(color), rows_fit(text, width,
	    right, term_glyph(TERM_GLYPH_ELLIPSIS), buf, sizeof buf));
}

/* Draws text at (y, x) as far as it fits; returns the column after it. */
static int
screen_fleet_puts(int y, int x, enum ui_color color, const char *text)
{
	int	w = rows_text_width(text);

	if (x >= COLS)
		return x;
	screen_fleet_put(y, x, w, false, color, text);
	return x + w;
}

/* "crossvisor 0.1.0  hosts 2/3 up  guests 40: 12 running 3 paused 25 off",
 * and READ-ONLY and DEMO flags on the right. */
static void
screen_fleet_header(struct ui *ui)
{
	const struct rows	*r = &ui->rows;
	char			 left[256], down[32];
	int			 x = COLS;
	size_t			 paused, off;
	bool			 ro = ui->cfg != NULL && ui->cfg->read_only;

	paused = r->by_state[GUEST_PAUSED] + r->by_state[GUEST_SUSPENDED];
	off = r->by_state[GUEST_SHUTOFF] + r->by_state[GUEST_SAVED] +
	    r->by_state[GUEST_CRASHED];
	if (ro)
		x -= (int)strlen("READ-ONLY") + 1;
	if (r->demo)
		x -= (int)strlen("DEMO") + 1;
	/* The version goes first when the flags need the room. */
	down[0] = '\0';
	if (r->hosts_down > 0)
		snprintf(down, sizeof down, " %zu down", r->hosts_down);
	snprintf(left, sizeof left, "crossvisor %s  hosts %zu/%zu up%s  "
	    "guests %zu: %zu running %zu paused %zu off", CV_VERSION,
	    r->hosts_up, r->hosts, down, r->guests, r->guests_running, paused,
	    off);
	if (rows_text_width(left) > x)
		snprintf(left, sizeof left, "crossvisor  hosts %zu/%zu up%s  "
		    "guests %zu: %zu running %zu paused %zu off", r->hosts_up,
		    r->hosts, down, r->guests, r->guests_running, paused, off);
	bar_line(SF_HEADER_Y, 0, COLS, UI_COLOR_HEADER, left);
	x = COLS;

	if (ro) {
		x -= (int)strlen("READ-ONLY");
		if (x > 0)
			screen_fleet_put(SF_HEADER_Y, x, 9, false,
			    UI_COLOR_HEADER_FLAG, "READ-ONLY");
		x--;
	}
	if (r->demo) {
		x -= (int)strlen("DEMO");
		if (x > 0)
			screen_fleet_put(SF_HEADER_Y, x, 4, false,
			    UI_COLOR_HEADER_FLAG, "DEMO");
	}
}

/* The certification tally, each badge in its colour, then on the right
 * what shapes the table: sort, filter, marks. */
static void
screen_fleet_summary(struct ui *ui)
{
	const struct rows	*r = &ui->rows;
	char			 buf[384], sort[64];
	int			 x, i, pass;
	const char		*arrow;

	bar_line(SF_SUMMARY_Y, 0, COLS, UI_COLOR_DEFAULT, "");
	/* The badges as the CERT column shows them, best first. */
	x = screen_fleet_puts(SF_SUMMARY_Y, 0, UI_COLOR_DEFAULT, "cert");
	for (i = CERT__COUNT - 1; i >= 0; i--) {
		snprintf(buf, sizeof buf, " %zu ", r->by_cert[i]);
		x = screen_fleet_puts(SF_SUMMARY_Y, x, UI_COLOR_DEFAULT, buf);
		snprintf(buf, sizeof buf, "%s", cert_status_badge(i));
		x = screen_fleet_puts(SF_SUMMARY_Y, x,
		    (enum ui_color)(UI_COLOR_CERT_UNSUPPORTED + i), buf);
	}
	if (r->cert_pending > 0) {
		snprintf(buf, sizeof buf, " %zu pending", r->cert_pending);
		x = screen_fleet_puts(SF_SUMMARY_Y, x, UI_COLOR_DEFAULT, buf);
	}

	/* What shapes the table, the least needed part left out first when
	 * the line is short: the sort (the titles show it), the count; then
	 * the end of the filter is cut. */
	arrow = term_glyph(ui->opts.desc ? TERM_GLYPH_SORT_DOWN :
	    TERM_GLYPH_SORT_UP);
	snprintf(sort, sizeof sort, "sort %s%s%s  ", ui->opts.flat ? "flat " :
	    "", ui->opts.sort == ROWS_COL_HOST && !ui->opts.flat ? "name" :
	    rows_col_name(ui->opts.sort), arrow);
	for (pass = 0; pass < 3; pass++) {
		buf[0] = '\0';
		if (pass == 0)
			strlcpy_cv(buf, sort, sizeof buf);
		if (ui->nmarks > 0)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
			    "%zu marked  ", ui->nmarks);
		if (filter_active(&ui->filter) && pass < 2)
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
			    "%zu/%zu shown  ", r->shown, r->guests);
		if (filter_active(&ui->filter))	/* last: it may be cut */
			snprintf(buf + strlen(buf), sizeof buf - strlen(buf),
			    "/%s  ", ui->filter.text);
		buf[strlen(buf) > 2 ? strlen(buf) - 2 : 0] = '\0';
		i = rows_text_width(buf);
		if (x + 2 + i <= COLS || pass == 2)
			break;
	}
	if (x + 2 + i > COLS)
		i = COLS - x - 2;
	if (i > 0)
		screen_fleet_put(SF_SUMMARY_Y, COLS - i, i, false,
		    filter_active(&ui->filter) || ui->nmarks > 0 ?
		    UI_COLOR_HEADER_FLAG : UI_COLOR_DEFAULT, buf);
}

/* Column titles; the sort column's title carries the direction. */
static void
screen_fleet_titles(const struct screen_fleet_ctx *c)
{
	const struct ui	*ui = c->ui;
	char		 t[64];
	int		 i, sorted;
	size_t		 n;

	sorted = ui->opts.sort == ROWS_COL_HOST && !ui->opts.flat ?
	    ROWS_COL_NAME : ui->opts.sort;
	bar_line(SF_TITLES_Y, 0, COLS, UI_COLOR_TITLE, "");
	for (i = 0; i < ROWS_COL__COUNT; i++) {
		if (c->layout.width[i] == 0)
			continue;
		if (i == sorted) {
			/* Titles are ASCII: the arrow takes the last column
			 * of one that fills its width. */
			n = (size_t)c->layout.width[i] - 1;
			if (n > strlen(rows_col_title(i)))
				n = strlen(rows_col_title(i));
			snprintf(t, sizeof t, "%.*s%s", (int)n,
			    rows_col_title(i), term_glyph(ui->opts.desc ?
			    TERM_GLYPH_SORT_DOWN : TERM_GLYPH_SORT_UP));
		} else
			snprintf(t, sizeof t, "%s", rows_col_title(i));
		screen_fleet_put(SF_TITLES_Y, c->layout.x[i],
		    c->layout.width[i], rows_col_right(i),
		    UI_COLOR_TITLE, t);
	}
}

static enum ui_color
screen_fleet_state_color(const struct guest_snap *g)
{
	if (g->health == HEALTH_CRITICAL)
		return UI_COLOR_BAD;
	switch (g->state) {
	case GUEST_RUNNING:
		return g->health == HEALTH_DEGRADED ? UI_COLOR_PAUSED :
		    UI_COLOR_RUNNING;
	case GUEST_PAUSED:
	case GUEST_SUSPENDED:
	case GUEST_STARTING:
	case GUEST_STOPPING:
		return UI_COLOR_PAUSED;
	case GUEST_SHUTOFF:
	case GUEST_SAVED:
		return UI_COLOR_OFF;
	case GUEST_CRASHED:
		return UI_COLOR_BAD;
	default:
		return UI_COLOR_GUEST;
	}
}

/* The theme's accent for a host (its own, else one of its tags'), or
 * 0: `accent.tag.prod = red` makes production hosts stand out. */
static attr_t
screen_fleet_accent(const struct ui *ui, const struct row *r)
{
	const struct strv	*tags = NULL;

	if (ui->cfg != NULL && r->host < ui->cfg->nhosts)
		tags = &ui->cfg->hosts[r->host].tags;
	return theme_accent(r->host_name, tags);
}

/* A host row: the fold glyph and name, its type, then its state and what
 * goes with it (the reason when down, the roll-up when up) across the
 * rest. */
static void
screen_fleet_host_row(const struct screen_fleet_ctx *c, int y,
    const struct row *r, bool sel)
{
	const struct rows_layout	*l = &c->layout;
	enum ui_color			 base, state;
	char				 cell[256], detail[512], fit[512];
	attr_t				 accent;
	int				 x, w;

	base = sel ? UI_COLOR_CURSOR : UI_COLOR_HOST;
	switch (r->host_state) {
	case HOST_UP:
		state = UI_COLOR_HOST_UP;
		break;
	case HOST_DOWN:
		state = UI_COLOR_HOST_DOWN;
		break;
	default:
		state = UI_COLOR_HOST_CONNECTING;
		break;
	}
	if (sel)
		state = UI_COLOR_CURSOR;

	/* The name may run on over the columns before NAME, which a host
	 * row leaves empty, and pushes the state further when longer. */
	screen_fleet_put(y, 0, COLS, false, base, "");
	snprintf(cell, sizeof cell, "%s%s", term_glyph(r->collapsed ?
	    TERM_GLYPH_FOLDED : TERM_GLYPH_UNFOLDED), r->host_name);
	w = rows_text_width(cell);
	if (w > SF_HOST_NAME_MAX)
		w = SF_HOST_NAME_MAX;
	screen_fleet_put(y, l->x[ROWS_COL_HOST], w, false, base, cell);
	if (!sel && (accent = screen_fleet_accent(c->ui, r)) != 0) {
		wattrset(stdscr, accent);
		mvwaddstr(stdscr, y, l->x[ROWS_COL_HOST], rows_fit(cell, w,
		    false, term_glyph(TERM_GLYPH_ELLIPSIS), fit, sizeof fit));
	}
	x = l->x[ROWS_COL_HOST] + w + 1;
	if (l->width[ROWS_COL_HV] > 0 && x <= l->x[ROWS_COL_HV]) {
		screen_fleet_put(y, l->x[ROWS_COL_HV], l->width[ROWS_COL_HV],
		    false, base, rows_cell(r, ROWS_COL_HV, cell, sizeof cell));
		x = l->x[ROWS_COL_HV] + l->width[ROWS_COL_HV] + 1;
	}
	if (x < l->x[ROWS_COL_NAME])
		x = l->x[ROWS_COL_NAME];
	snprintf(cell, sizeof cell, "%s", host_state_name(r->host_state));
	w = rows_text_width(cell);
	screen_fleet_put(y, x, w, false, state, cell);
	x += w + 2;
	if (x < COLS)
		screen_fleet_put(y, x, COLS - x, false,
		    sel ? UI_COLOR_CURSOR : UI_COLOR_DEFAULT,
		    rows_host_detail(r, c->now_ms, c->ui->refresh_s, detail,
		    sizeof detail));
}

/* A guest row: its mark, the tree glyph under its host (flat: the host's
 * name), then one cell per column, dimmed when its figures are stale; an
 * action under way shows in the state column until its outcome comes. */
static void
screen_fleet_guest_row(const struct screen_fleet_ctx *c, int y,
    const struct row *r, bool sel)
{
	const struct rows_layout	*l = &c->layout;
	const struct ui_inflight	*f;
	struct rows_key			 key;
	enum ui_color			 base, color;
	char				 cell[256], tree[32];
	bool				 stale, marked;
	int				 i;

	memset(&key, 0, sizeof key);
	key.host = r->host;
	key.guest = true;
	strlcpy_cv(key.id, r->gs->id, sizeof key.id);
	marked = ui_marked(c->ui, &key);
	f = ui_inflight_of(c->ui, &key);

	stale = rows_is_stale(r, c->now_ms, c->ui->refresh_s);
	base = sel ? UI_COLOR_CURSOR : marked ? UI_COLOR_MARK : stale ?
	    UI_COLOR_STALE : UI_COLOR_GUEST;

	screen_fleet_put(y, 0, COLS, false, base, "");
	if (c->ui->rows.flat)
		snprintf(tree, sizeof tree, "%s%s", marked ?
		    term_glyph(TERM_GLYPH_MARK) : " ", r->host_name);
	else
		snprintf(tree, sizeof tree, "%s%s", marked ?
		    term_glyph(TERM_GLYPH_MARK) : " ", term_glyph(r->last ?
		    TERM_GLYPH_TREE_END : TERM_GLYPH_TREE_MID));
	screen_fleet_put(y, l->x[ROWS_COL_HOST], l->width[ROWS_COL_HOST],
	    false, base, tree);
	for (i = ROWS_COL_HOST + 1; i < ROWS_COL__COUNT; i++) {
		if (l->width[i] == 0)
			continue;
		color = base;
		if (i == ROWS_COL_STATE && f != NULL) {
			snprintf(cell, sizeof cell, "%s%s",
			    action_name(f->action),
			    term_glyph(TERM_GLYPH_ELLIPSIS));
			screen_fleet_put(y, l->x[i], l->width[i], false,
			    sel ? base : UI_COLOR_PAUSED, cell);
			continue;
		}
		if (i == ROWS_COL_STATE && !sel && !stale && !marked)
			color = screen_fleet_state_color(r->gs);
		/* The cert colours follow enum cert_status order. */
		if (i == ROWS_COL_CERT && !sel && !stale)
			color = (enum ui_color)(UI_COLOR_CERT_UNSUPPORTED +
			    (int)r->gs->cert.status);
		screen_fleet_put(y, l->x[i], l->width[i], rows_col_right(i),
		    color, rows_cell(r, i, cell, sizeof cell));
	}
}

/* list_draw_fn: called for the visible rows only. */
static void
screen_fleet_row(void *arg, int y, size_t idx, bool sel)
{
	struct screen_fleet_ctx	*c = arg;
	const struct row	*r = &c->ui->rows.v[idx];
	uint64_t		 due;

	due = rows_clock_due(r, c->now_ms, c->ui->refresh_s);
	if (due < c->clock_due_ms)
		c->clock_due_ms = due;
	if (r->kind == ROWS_HOST)
		screen_fleet_host_row(c, SF_LIST_Y + y, r, sel);
	else
		screen_fleet_guest_row(c, SF_LIST_Y + y, r, sel);
}

/* The status line, or the prompt, or the line being typed. */
static void
screen_fleet_bottom(struct ui *ui, int y)
{
	char	buf[INPUT_MAX + 64];

	if (screen_confirm_active(ui)) {
		screen_confirm_draw(ui, y);
		return;
	}
	if (ui->line == UI_LINE_NONE) {
		bar_line(y, 0, COLS, ui->status_error ?
		    UI_COLOR_STATUS_ERROR : UI_COLOR_STATUS, ui->status);
		return;
	}
	snprintf(buf, sizeof buf, "%c%s%s", ui->line == UI_LINE_FILTER ? '/' :
	    ':', ui->input.text, term_glyph(TERM_GLYPH_INPUT));
	/* Keep the end of a long line in sight: it is where one types. */
	bar_line(y, 0, COLS, UI_COLOR_PROMPT, rows_text_width(buf) < COLS ?
	    buf : buf + strlen(buf) - (size_t)(COLS > 8 ? COLS - 8 : 1));
}

static void
screen_fleet_draw(struct ui *ui)
{
	struct screen_fleet_ctx	c;
	int			status_y = LINES - 2;

	werase(stdscr);
	if (LINES < SF_MIN_LINES || COLS < SF_MIN_COLS) {
		mvwaddnstr(stdscr, 0, 0, "crossvisor: terminal too small",
		    COLS);
		return;
	}
	memset(&c, 0, sizeof c);
	c.ui = ui;
	c.now_ms = clock_mono_ms();
	c.clock_due_ms = UINT64_MAX;
	rows_layout(COLS, &c.layout);

	screen_fleet_header(ui);
	screen_fleet_summary(ui);
	screen_fleet_titles(&c);
	if (ui->rows.hosts == 0)
		bar_line(SF_LIST_Y, 0, COLS, UI_COLOR_DEFAULT,
		    "No hosts: add some to the config file "
		    "(see crossvisor.conf(5)).");
	else if (ui->rows.n == 0 && filter_active(&ui->filter))
		bar_line(SF_LIST_Y, 0, COLS, UI_COLOR_DEFAULT,
		    "No guest matches the filter: Esc clears it, / edits it.");
	list_draw(&ui->list, screen_fleet_row, &c);
	ui->clock_due_ms = c.clock_due_ms;

	screen_fleet_bottom(ui, status_y);
	bar_hints(LINES - 1, KEYMAP_IN_FLEET);
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
}

/* The guest under the cursor, or NULL with the reason on the status
 * line. */
static const struct row *
screen_fleet_guest(struct ui *ui, const char *what)
{
	const struct row	*r = ui_cursor_row(ui);

	if (r == NULL || r->kind != ROWS_GUEST) {
		ui_status(ui, false, "%s: move the cursor to a guest first",
		    what);
		return NULL;
	}
	return r;
}

/* The host's first tag listed in confirm_by_name_tags, or NULL. */
static const char *
screen_fleet_name_tag(const struct ui *ui, size_t host)
{
	const struct cfg_host	*h;
	size_t			 i;

	if (ui->cfg == NULL || host >= ui->cfg->nhosts)
		return NULL;
	h = &ui->cfg->hosts[host];
	for (i = 0; i < h->tags.n; i++)
		if (strv_has(&ui->cfg->confirm_by_name_tags, h->tags.v[i]))
			return h->tags.v[i];
	return NULL;
}

static void
screen_fleet_pending(struct ui_pending *p, enum action a, const char *host,
    const struct guest_snap *g, size_t hidx)
{
	memset(p, 0, sizeof *p);
	p->host = hidx;
	p->action = a;
	strlcpy_cv(p->host_name, host, sizeof p->host_name);
	strlcpy_cv(p->guest_id, g->id, sizeof p->guest_id);
	strlcpy_cv(p->guest_name, g->name, sizeof p->guest_name);
}

/*
 * What an action applies to: the marked guests still in the fleet (shown
 * or not: a mark is a choice the filter does not undo), else the guest
 * under the cursor. Marks whose guest went away are dropped. Returns the
 * number in *v (owned by the caller), 0 with the reason said.
 */
static size_t
screen_fleet_targets(struct ui *ui, enum action a, struct ui_pending **v)
{
	const struct host_snap	*hs;
	const struct guest_snap	*g;
	const struct row	*r;
	size_t			 i, n = 0;

	*v = NULL;
	if (ui->nmarks == 0) {
		if ((r = screen_fleet_guest(ui, action_name(a))) == NULL)
			return 0;
		*v = xcalloc(1, sizeof **v);
		screen_fleet_pending(*v, a, r->host_name, r->gs, r->host);
		return 1;
	}
	*v = xcalloc(ui->nmarks, sizeof **v);
	for (i = 0; i < ui->nmarks; i++) {
		hs = ui->marks[i].host < ui->view.n ?
		    ui->view.hosts[ui->marks[i].host] : NULL;
		if (hs == NULL ||
		    (g = snap_find_guest(hs, ui->marks[i].id)) == NULL) {
			ui->marks[i--] = ui->marks[--ui->nmarks];
			continue;
		}
		screen_fleet_pending(&(*v)[n++], a, hs->name, g,
		    ui->marks[i].host);
	}
	if (n == 0) {
		free(*v);
		*v = NULL;
		ui_status(ui, true, "%s: the marked guests are gone",
		    action_name(a));
	}
	return n;
}

/*
 * An action on the marked guests, else the one under the cursor. Actions
 * that interrupt a guest, and any on several, are confirmed first
 * (power-off on a tagged host by typing the name), unless core's
 * read-only gate would refuse them anyway: then the engine refuses at
 * once and says why, rather than asking a pointless question.
 */
static void
screen_fleet_act(struct ui *ui, enum action a)
{
	struct ui_pending	*v;
	const char		*tag = NULL, *t;
	size_t			 n, i, ntagged = 0;
	bool			 ro;

	if ((n = screen_fleet_targets(ui, a, &v)) == 0)
		return;
	ro = ui->cfg != NULL && ui->cfg->read_only;
	if (action_check_allowed(ro, a, NULL) != 0 ||
	    (n == 1 && !action_interrupts(a))) {
		ui_submit_many(ui, a, v, n);
		free(v);
		return;
	}
	if (a == ACTION_POWEROFF)
		for (i = 0; i < n; i++)
			if ((t = screen_fleet_name_tag(ui, v[i].host)) != NULL) {
				v[i].by_name = true;
				tag = t;
				ntagged++;
			}
	screen_confirm_open(ui, a, v, n, tag, ntagged);
	free(v);
}

/* p: pause a running guest, resume a paused one; with marks, what the
 * first marked guest needs (all of them are then asked the same). */
static void
screen_fleet_toggle_pause(struct ui *ui)
{
	const struct host_snap	*hs;
	const struct guest_snap	*g = NULL;
	const struct row	*r;

	if (ui->nmarks > 0) {
		hs = ui->marks[0].host < ui->view.n ?
		    ui->view.hosts[ui->marks[0].host] : NULL;
		if (hs != NULL)
			g = snap_find_guest(hs, ui->marks[0].id);
		screen_fleet_act(ui, g != NULL && g->state == GUEST_PAUSED ?
		    ACTION_RESUME : ACTION_PAUSE);
		return;
	}
	if ((r = screen_fleet_guest(ui, "pause")) == NULL)
		return;
	if (r->gs->state == GUEST_PAUSED)
		screen_fleet_act(ui, ACTION_RESUME);
	else if (r->gs->state == GUEST_RUNNING)
		screen_fleet_act(ui, ACTION_PAUSE);
	else
		ui_status(ui, false, "%s on %s is %s: p pauses a running guest "
		    "or resumes a paused one", r->gs->name, r->host_name,
		    guest_state_name(r->gs->state));
}

/* Space: marks or unmarks the guest under the cursor and moves on; on a
 * host row, every guest of it that is shown (all unmarked if all were
 * marked). */
static void
screen_fleet_mark(struct ui *ui)
{
	const struct row	*r = ui_cursor_row(ui);
	struct rows_key		 k;
	size_t			 i;
	bool			 all = true;

	if (r == NULL)
		return;
	if (r->kind == ROWS_GUEST) {
		rows_key_of(&ui->rows, ui->list.sel, &k);
		ui_mark(ui, &k, !ui_marked(ui, &k));
		list_move(&ui->list, 1);
		return;
	}
	for (i = ui->list.sel + 1; i < ui->rows.n &&
	    ui->rows.v[i].kind == ROWS_GUEST; i++) {
		rows_key_of(&ui->rows, i, &k);
		all = all && ui_marked(ui, &k);
	}
	for (i = ui->list.sel + 1; i < ui->rows.n &&
	    ui->rows.v[i].kind == ROWS_GUEST; i++) {
		rows_key_of(&ui->rows, i, &k);
		ui_mark(ui, &k, !all);
	}
	if (r->collapsed)
		ui_status(ui, false, "%s is collapsed: + shows its guests to "
		    "mark them", r->host_name);
}

/* Sorts by column c: dir 0 flips the direction when c is the sort
 * already (else the column's natural one), -1 ascending, 1 descending. */
static void
screen_fleet_sort(struct ui *ui, enum rows_col c, int dir)
{
	int	cur = ui->opts.sort == ROWS_COL_HOST && !ui->opts.flat ?
		    ROWS_COL_NAME : ui->opts.sort;

	if (dir == 0)
		ui->opts.desc = (int)c == cur ? !ui->opts.desc :
		    rows_col_desc_first(c);
	else
		ui->opts.desc = dir > 0;
	ui->opts.sort = c;
	ui_rebuild(ui);
	ui_status(ui, false, "sorted by %s, %s", rows_col_name(c),
	    ui->opts.desc ? "largest first" : "smallest first");
}

/* Collapses or expands the host of the cursor's row, or every host. */
static void
screen_fleet_collapse(struct ui *ui, bool fold, bool all)
{
	const struct row	*r = ui_cursor_row(ui);
	size_t			 i;

	if (ui->opts.flat) {
		ui_status(ui, false, "hosts fold in the tree view: t shows it");
		return;
	}
	if (all) {
		for (i = 0; i < ui->ncollapsed; i++)
			ui->collapsed[i] = fold;
	} else if (r != NULL && r->host < ui->ncollapsed)
		ui->collapsed[r->host] = fold;
	else
		return;
	if (!all && fold) {
		ui->cursor.guest = false;	/* onto the host row */
		ui->cursor.host = r->host;
	}
	ui_rebuild(ui);
}

static void
screen_fleet_set_filter(struct ui *ui, const char *text)
{
	filter_set(&ui->filter, text);
	ui_rebuild(ui);
}

/* Opens the line at the bottom: the filter starts from the one applied,
 * so / then Enter keeps it and Esc gives it back. */
static void
screen_fleet_open_line(struct ui *ui, enum ui_line line)
{
	ui->line = line;
	if (line == UI_LINE_FILTER) {
		strlcpy_cv(ui->filter_before, ui->filter.text,
		    sizeof ui->filter_before);
		input_open(&ui->input, ui->filter.text, &ui->filter_history);
	} else
		input_open(&ui->input, "", &ui->command_history);
	ui->dirty = true;
}

/* Keys while a line is being typed: the filter applies at every change;
 * Tab completes a command. */
static void
screen_fleet_line_key(struct ui *ui, int key)
{
	char	out[INPUT_MAX], cands[512];
	size_t	n;

	if (ui->line == UI_LINE_COMMAND && key == '\t') {
		n = cmdline_complete(ui->input.text, out, sizeof out, cands,
		    sizeof cands);
		input_set(&ui->input, out);
		if (n > 1)
			ui_status(ui, false, "%s", cands);
		else if (n == 0)
			ui_status(ui, false, "nothing to complete");
		return;
	}
	switch (input_key(&ui->input, key)) {
	case INPUT_ACCEPT:
		ui->line == UI_LINE_FILTER ?
		    input_history_add(&ui->filter_history, ui->input.text) :
		    input_history_add(&ui->command_history, ui->input.text);
		if (ui->line == UI_LINE_COMMAND) {
			ui->line = UI_LINE_NONE;
			screen_fleet_command(ui, ui->input.text);
			break;
		}
		ui->line = UI_LINE_NONE;
		if (ui->filter.error[0] != '\0')
			ui_status(ui, true, "filter: %s", ui->filter.error);
		else if (filter_active(&ui->filter))
			ui_status(ui, false, "%zu of %zu guests match; Esc "
			    "clears the filter", ui->rows.shown,
			    ui->rows.guests);
		else
			ui_status(ui, false, "no filter");
		break;
	case INPUT_CANCEL:
		if (ui->line == UI_LINE_FILTER)
			screen_fleet_set_filter(ui, ui->filter_before);
		ui->line = UI_LINE_NONE;
		break;
	case INPUT_CHANGED:
		if (ui->line == UI_LINE_FILTER)
			screen_fleet_set_filter(ui, ui->input.text);
		break;
	case INPUT_KEPT:
	case INPUT_IGNORED:
	default:
		break;
	}
	ui->dirty = true;
}

/* Runs a `:` command. */
static void
screen_fleet_command(struct ui *ui, const char *line)
{
	struct cmdline		 c;
	enum rows_col		 col;
	char			 err[160], word[32];
	const struct row	*r;
	const char		*dir;
	size_t			 i;
	struct rows_key		 k;

	if (cmdline_parse(line, &c, err, sizeof err) == -1) {
		ui_status(ui, true, ":%s", err);
		return;
	}
	switch (c.cmd) {
	case CMDLINE_ACTION:
		screen_fleet_act(ui, c.action);
		break;
	case CMDLINE_SORT:
		strlcpy_cv(word, c.arg, sizeof word);
		word[strcspn(word, " ")] = '\0';
		dir = strchr(c.arg, ' ');
		if (!rows_col_from_name(word, &col)) {
			ui_status(ui, true, ":sort %s: no such column (Tab "
			    "lists them)", word);
			break;
		}
		screen_fleet_sort(ui, col, dir == NULL ? 0 :
		    strstr(dir, "desc") != NULL ? 1 : -1);
		break;
	case CMDLINE_FILTER:
		screen_fleet_set_filter(ui, c.arg);
		break;
	case CMDLINE_MARK:
		if (strcmp(c.arg, "none") == 0) {
			ui_marks_clear(ui);
			break;
		}
		if (strcmp(c.arg, "all") != 0) {
			ui_status(ui, true, ":mark all or :mark none");
			break;
		}
		for (i = 0; i < ui->rows.n; i++)
			if (ui->rows.v[i].kind == ROWS_GUEST) {
				rows_key_of(&ui->rows, i, &k);
				ui_mark(ui, &k, true);
			}
		ui_status(ui, false, "%zu guests marked", ui->nmarks);
		break;
	case CMDLINE_TREE:
	case CMDLINE_FLAT:
		ui->opts.flat = c.cmd == CMDLINE_FLAT;
		ui_rebuild(ui);
		break;
	case CMDLINE_COLLAPSE:
	case CMDLINE_EXPAND:
		screen_fleet_collapse(ui, c.cmd == CMDLINE_COLLAPSE,
		    strcmp(c.arg, "all") == 0);
		break;
	case CMDLINE_EVENTS:
		screen_events_open(ui);
		break;
	case CMDLINE_DETAILS:
		if ((r = screen_fleet_guest(ui, "details")) != NULL)
			screen_details_open(ui, r);
		break;
	case CMDLINE_HELP:
		screen_help_open(ui);
		break;
	case CMDLINE_QUIT:
		ui->quit = true;
		break;
	case CMDLINE__COUNT:
	default:
		break;
	}
}

/* With mouse = true: a click selects a row (twice: its details), a click
 * on a column title sorts by it, the wheel scrolls. */
static void
screen_fleet_mouse(struct ui *ui)
{
	MEVENT			 ev;
	struct rows_layout	 l;
	const struct row	*r;
	int			 i;

	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		list_move(&ui->list, -SF_WHEEL_ROWS);
		return;
	}
	if (ev.bstate & BUTTON5_PRESSED) {
		list_move(&ui->list, SF_WHEEL_ROWS);
		return;
	}
	if ((ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED |
	    BUTTON1_DOUBLE_CLICKED)) == 0)
		return;
	if (ev.y == SF_TITLES_Y) {
		rows_layout(COLS, &l);
		for (i = 0; i < ROWS_COL__COUNT; i++)
			if (l.width[i] > 0 && ev.x >= l.x[i] &&
			    ev.x < l.x[i] + l.width[i])
				screen_fleet_sort(ui, i, 0);
		return;
	}
	if (ev.y < SF_LIST_Y || ev.y >= SF_LIST_Y + ui->list.height ||
	    ui->list.top + (size_t)(ev.y - SF_LIST_Y) >= ui->rows.n)
		return;
	list_select(&ui->list, ui->list.top + (size_t)(ev.y - SF_LIST_Y));
	if ((ev.bstate & BUTTON1_DOUBLE_CLICKED) &&
	    (r = ui_cursor_row(ui)) != NULL && r->kind == ROWS_GUEST)
		screen_details_open(ui, r);
}

static void
screen_fleet_key(struct ui *ui, int key)
{
	const struct keymap_binding	*b;
	const struct row		*r;
	enum rows_col			 col;

	if (ui->line != UI_LINE_NONE) {
		screen_fleet_line_key(ui, key);
		rows_key_of(&ui->rows, ui->list.sel, &ui->cursor);
		return;
	}
	if ((b = keymap_lookup(KEYMAP_IN_FLEET, key)) == NULL)
		return;
	switch (b->cmd) {
	case KEYMAP_QUIT:
		ui->quit = true;
		return;
	case KEYMAP_UP:
		list_move(&ui->list, -1);
		break;
	case KEYMAP_DOWN:
		list_move(&ui->list, 1);
		break;
	case KEYMAP_PAGE_UP:
		list_page(&ui->list, -1);
		break;
	case KEYMAP_PAGE_DOWN:
		list_page(&ui->list, 1);
		break;
	case KEYMAP_HOME:
		list_home(&ui->list);
		break;
	case KEYMAP_END:
		list_end(&ui->list);
		break;
	case KEYMAP_REDRAW:
		term_redraw_all();
		break;
	case KEYMAP_ACTION:
		screen_fleet_act(ui, b->action);
		break;
	case KEYMAP_PAUSE_TOGGLE:
		screen_fleet_toggle_pause(ui);
		break;
	case KEYMAP_DETAILS:
		if ((r = screen_fleet_guest(ui, "details")) != NULL)
			screen_details_open(ui, r);
		break;
	case KEYMAP_MARK:
		screen_fleet_mark(ui);
		break;
	case KEYMAP_UNMARK_ALL:
		ui_marks_clear(ui);
		ui_status(ui, false, "no guest marked");
		break;
	case KEYMAP_FILTER:
		screen_fleet_open_line(ui, UI_LINE_FILTER);
		break;
	case KEYMAP_COMMAND:
		screen_fleet_open_line(ui, UI_LINE_COMMAND);
		break;
	case KEYMAP_CLEAR:
		if (filter_active(&ui->filter)) {
			screen_fleet_set_filter(ui, "");
			ui_status(ui, false, "filter cleared");
		}
		break;
	case KEYMAP_HELP:
		screen_help_open(ui);
		break;
	case KEYMAP_TREE:
		ui->opts.flat = !ui->opts.flat;
		ui_rebuild(ui);
		ui_status(ui, false, ui->opts.flat ? "one list across hosts "
		    "(t: grouped by host)" : "grouped by host (t: one list)");
		break;
	case KEYMAP_COLLAPSE:
	case KEYMAP_EXPAND:
		screen_fleet_collapse(ui, b->cmd == KEYMAP_COLLAPSE, false);
		break;
	case KEYMAP_SORT:
		if (rows_col_from_key(key, &col))
			screen_fleet_sort(ui, col, 0);
		break;
	case KEYMAP_SORT_PREV:
	case KEYMAP_SORT_NEXT:
		col = ui->opts.sort == ROWS_COL_HOST && !ui->opts.flat ?
		    ROWS_COL_NAME : (enum rows_col)ui->opts.sort;
		col = (enum rows_col)(((int)col + ROWS_COL__COUNT +
		    (b->cmd == KEYMAP_SORT_NEXT ? 1 : -1)) % ROWS_COL__COUNT);
		screen_fleet_sort(ui, col, 0);
		break;
	case KEYMAP_MOUSE:
		screen_fleet_mouse(ui);
		break;
	case KEYMAP_EVENTS:
		screen_events_open(ui);
		break;
	default:
		break;
	}
	rows_key_of(&ui->rows, ui->list.sel, &ui->cursor);
	ui->dirty = true;
}
