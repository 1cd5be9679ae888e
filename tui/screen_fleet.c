/* The fleet screen: header, one table of every host and guest, status line
 * and key hints; lifecycle actions on the guest under the cursor. Only the
 * rows on screen are formatted. Main thread only. */
#include "tui/screen_fleet.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/conf.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/bar.h"
#include "tui/curses_wrap.h"
#include "tui/keymap.h"
#include "tui/list.h"
#include "tui/rows.h"
#include "tui/screen_confirm.h"
#include "tui/screen_details.h"
#include "tui/screen_events.h"
#include "tui/term.h"
#include "tui/ui.h"

#ifndef CV_VERSION
#define CV_VERSION "?"
#endif

/* Screen lines: the list runs from SF_LIST_Y to LINES - 3. */
#define SF_HEADER_Y	0
#define SF_TITLES_Y	1
#define SF_LIST_Y	2
#define SF_MIN_LINES	5
#define SF_MIN_COLS	20

struct screen_fleet_ctx {
	struct ui		*ui;
	struct rows_layout	 layout;
	uint64_t		 now_ms;
};

static void	screen_fleet_draw(struct ui *);
static void	screen_fleet_key(struct ui *, int);
static void	screen_fleet_header(struct ui *);
static void	screen_fleet_titles(const struct screen_fleet_ctx *);
static void	screen_fleet_row(void *, int, size_t, bool);
static void	screen_fleet_host_row(const struct screen_fleet_ctx *, int,
		    const struct row *, bool);
static void	screen_fleet_guest_row(const struct screen_fleet_ctx *, int,
		    const struct row *, bool);
static void	screen_fleet_put(int, int, int, bool, enum ui_color,
		    const char *);
static enum ui_color screen_fleet_state_color(const struct guest_snap *);
static void	screen_fleet_act(struct ui *, enum action);
static void	screen_fleet_toggle_pause(struct ui *);
static const struct row *screen_fleet_guest(struct ui *, const char *);
static const char *screen_fleet_name_tag(const struct ui *, size_t);

const struct ui_screen screen_fleet_entry = {
	.name = "fleet",
	.keys = KEYMAP_IN_FLEET,
	.draw = screen_fleet_draw,
	.key = screen_fleet_key,
};

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
	wattrset(stdscr, term_attr(color));
	mvwaddstr(stdscr, y, x, rows_fit(text, width, right,
	    term_glyph(TERM_GLYPH_ELLIPSIS), buf, sizeof buf));
}

/* "crossvisor 0.1.0  hosts 2/3 up  guests 12/40 running", and DEMO and
 * READ-ONLY flags on the right. */
static void
screen_fleet_header(struct ui *ui)
{
	char	left[256];
	int	x = COLS;
	bool	ro = ui->cfg != NULL && ui->cfg->read_only;

	snprintf(left, sizeof left, "crossvisor %s  hosts %zu/%zu up  "
	    "guests %zu/%zu running", CV_VERSION, ui->rows.hosts_up,
	    ui->rows.hosts, ui->rows.guests_running, ui->rows.guests);
	bar_line(SF_HEADER_Y, 0, COLS, UI_COLOR_HEADER, left);

	if (ro) {
		x -= (int)strlen("READ-ONLY");
		if (x > 0)
			screen_fleet_put(SF_HEADER_Y, x, 9, false,
			    UI_COLOR_HEADER_FLAG, "READ-ONLY");
		x--;
	}
	if (ui->rows.demo) {
		x -= (int)strlen("DEMO");
		if (x > 0)
			screen_fleet_put(SF_HEADER_Y, x, 4, false,
			    UI_COLOR_HEADER_FLAG, "DEMO");
	}
}

static void
screen_fleet_titles(const struct screen_fleet_ctx *c)
{
	int	i;

	bar_line(SF_TITLES_Y, 0, COLS, UI_COLOR_TITLE, "");
	for (i = 0; i < ROWS_COL__COUNT; i++)
		if (c->layout.width[i] > 0)
			screen_fleet_put(SF_TITLES_Y, c->layout.x[i],
			    c->layout.width[i], rows_col_right(i),
			    UI_COLOR_TITLE, rows_col_title(i));
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

/* A host row: name and type in the first columns, then its state and
 * what goes with it (the reason when down) across the rest. */
static void
screen_fleet_host_row(const struct screen_fleet_ctx *c, int y,
    const struct row *r, bool sel)
{
	const struct rows_layout	*l = &c->layout;
	enum ui_color			 base, state;
	char				 cell[256], detail[512];
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

	screen_fleet_put(y, 0, COLS, false, base, "");
	screen_fleet_put(y, l->x[ROWS_COL_HOST], l->width[ROWS_COL_HOST],
	    false, base, rows_cell(r, ROWS_COL_HOST, cell, sizeof cell));
	screen_fleet_put(y, l->x[ROWS_COL_HV], l->width[ROWS_COL_HV], false,
	    base, rows_cell(r, ROWS_COL_HV, cell, sizeof cell));

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

/* A guest row: the tree glyph under its host, then one cell per column,
 * dimmed when its figures are stale. */
static void
screen_fleet_guest_row(const struct screen_fleet_ctx *c, int y,
    const struct row *r, bool sel)
{
	const struct rows_layout	*l = &c->layout;
	enum ui_color			 base, color;
	char				 cell[256], tree[32];
	bool				 stale;
	int				 i;

	stale = rows_is_stale(r, c->now_ms, c->ui->refresh_s);
	base = sel ? UI_COLOR_CURSOR : stale ? UI_COLOR_STALE :
	    UI_COLOR_GUEST;

	screen_fleet_put(y, 0, COLS, false, base, "");
	snprintf(tree, sizeof tree, " %s", term_glyph(r->last ?
	    TERM_GLYPH_TREE_END : TERM_GLYPH_TREE_MID));
	screen_fleet_put(y, l->x[ROWS_COL_HOST], l->width[ROWS_COL_HOST],
	    false, base, tree);
	for (i = ROWS_COL_HOST + 1; i < ROWS_COL__COUNT; i++) {
		if (l->width[i] == 0)
			continue;
		color = base;
		if (i == ROWS_COL_STATE && !sel && !stale)
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
	const struct screen_fleet_ctx	*c = arg;
	const struct row		*r = &c->ui->rows.v[idx];

	if (r->kind == ROWS_HOST)
		screen_fleet_host_row(c, SF_LIST_Y + y, r, sel);
	else
		screen_fleet_guest_row(c, SF_LIST_Y + y, r, sel);
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
	rows_layout(COLS, &c.layout);

	screen_fleet_header(ui);
	screen_fleet_titles(&c);
	if (ui->rows.n == 0)
		bar_line(SF_LIST_Y, 0, COLS, UI_COLOR_DEFAULT,
		    "No hosts: add some to the config file "
		    "(see crossvisor.conf(5)).");
	list_draw(&ui->list, screen_fleet_row, &c);

	if (screen_confirm_active(ui))
		screen_confirm_draw(ui, status_y);
	else
		bar_line(status_y, 0, COLS, ui->status_error ?
		    UI_COLOR_STATUS_ERROR : UI_COLOR_STATUS, ui->status);
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

/*
 * An action on the guest under the cursor. Actions that interrupt a guest
 * are confirmed first (power-off on a tagged host by typing the name),
 * unless core's read-only gate would refuse them anyway: then the engine
 * refuses at once and says why, rather than asking a pointless question.
 */
static void
screen_fleet_act(struct ui *ui, enum action a)
{
	const struct row	*r;
	struct ui_pending	 p;
	bool			 ro;

	if ((r = screen_fleet_guest(ui, action_name(a))) == NULL)
		return;
	memset(&p, 0, sizeof p);
	p.host = r->host;
	p.action = a;
	strlcpy_cv(p.host_name, r->host_name, sizeof p.host_name);
	strlcpy_cv(p.guest_id, r->gs->id, sizeof p.guest_id);
	strlcpy_cv(p.guest_name, r->gs->name, sizeof p.guest_name);

	ro = ui->cfg != NULL && ui->cfg->read_only;
	if (!action_interrupts(a) || action_check_allowed(ro, a, NULL) != 0) {
		ui_submit(ui, &p);
		return;
	}
	screen_confirm_open(ui, &p, a == ACTION_POWEROFF ?
	    screen_fleet_name_tag(ui, r->host) : NULL);
}

/* p: pause a running guest, resume a paused one. */
static void
screen_fleet_toggle_pause(struct ui *ui)
{
	const struct row	*r;

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

static void
screen_fleet_key(struct ui *ui, int key)
{
	const struct keymap_binding	*b;
	const struct row		*r;

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
	case KEYMAP_EVENTS:
		screen_events_open(ui);
		break;
	default:
		break;
	}
	rows_key_of(&ui->rows, ui->list.sel, &ui->cursor);
	ui->dirty = true;
}
