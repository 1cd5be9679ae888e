/* The console's state: taking new fleet views, keeping the cursor on the
 * same host or guest, reading the event log into the status line and
 * submitting actions. Main thread only. */
#include "tui/ui.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/engine.h"
#include "core/err.h"
#include "core/evlog.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/curses_wrap.h"
#include "tui/history.h"

static void	ui_inflight_add(struct ui *, uint64_t, const struct ui_pending *);
static bool	ui_inflight_done(struct ui *, uint64_t);
static void	ui_bulk_status(struct ui *, const struct evlog_entry *);

/* Lines that are not the list: two of header, column titles, status,
 * hints. */
#define UI_CHROME_LINES	5

static const char *const ui_verbs[ACTION__COUNT] = {
	[ACTION_START] =	"Start",
	[ACTION_SHUTDOWN] =	"Shut down",
	[ACTION_REBOOT] =	"Reboot",
	[ACTION_RESET] =	"Reset",
	[ACTION_POWEROFF] =	"Power off",
	[ACTION_PAUSE] =	"Pause",
	[ACTION_RESUME] =	"Resume",
	[ACTION_SAVE] =		"Save",
	[ACTION_SNAPSHOT] =	"Snapshot",
};

void
ui_init(struct ui *ui, const struct cfg *cfg, struct engine *engine,
    const struct ui_screen *screen)
{
	memset(ui, 0, sizeof *ui);
	ui->cfg = cfg;
	ui->engine = engine;
	if (engine != NULL) {
		ui->fleet = engine_fleet(engine);
		ui->evlog = engine_evlog(engine);
	}
	ui->screen = screen;
	ui->refresh_s = cfg != NULL && cfg->refresh > 0 ? cfg->refresh : 2.0;
	filter_init(&ui->filter);
	ui->opts.filter = &ui->filter;
	if (cfg != NULL && cfg->nhosts > 0) {
		ui->collapsed = xcalloc(cfg->nhosts, sizeof *ui->collapsed);
		ui->ncollapsed = cfg->nhosts;
		ui->opts.collapsed = ui->collapsed;
		ui->opts.ncollapsed = ui->ncollapsed;
	}
	rows_init(&ui->rows);
	list_init(&ui->list);
	events_init(&ui->events);
	list_init(&ui->events_list);
	ui->history = history_create();
	ui->dirty = true;
}

void
ui_done(struct ui *ui)
{
	rows_done(&ui->rows);
	events_done(&ui->events);
	history_free(ui->history);
	ui->history = NULL;
	if (ui->have_view)
		fleet_view_release(&ui->view);
	ui->have_view = false;
	filter_free(&ui->filter);
	free(ui->collapsed);
	free(ui->marks);
	free(ui->inflight);
	free(ui->prompt.v);
	ui->collapsed = NULL;
	ui->marks = NULL;
	ui->inflight = NULL;
	ui->prompt.v = NULL;
}

/* Takes the fleet's latest snapshots if something was published since the
 * view on screen; true when the rows changed. O(hosts + guests). */
bool
ui_refresh(struct ui *ui)
{
	struct fleet_view	nv;

	if (ui->fleet == NULL)
		return false;
	if (ui->have_view && fleet_gen(ui->fleet) == ui->view.gen)
		return false;
	fleet_acquire(ui->fleet, &nv);
	history_feed(ui->history, &nv);
	if (ui->have_view)
		fleet_view_release(&ui->view);
	ui->view = nv;
	ui->have_view = true;
	ui_rebuild(ui);
	return true;
}

/* Builds the rows again from the view on screen, after the sort, the
 * filter or a collapsed host changed; the cursor stays on its guest if it
 * is still shown. */
void
ui_rebuild(struct ui *ui)
{
	if (!ui->have_view)
		return;
	rows_build(&ui->rows, &ui->view, ui->cfg, &ui->opts);
	ui_cursor_sync(ui);
	ui->dirty = true;
}

int
ui_list_height(void)
{
	return LINES > UI_CHROME_LINES ? LINES - UI_CHROME_LINES : 1;
}

/* Puts the list's selection back on the cursor's host or guest after the
 * rows or the height changed, then re-reads the key of what is selected
 * (it differs when the guest went away). */
void
ui_cursor_sync(struct ui *ui)
{
	size_t	idx;

	idx = rows_locate(&ui->rows, &ui->cursor, ui->list.sel);
	list_set(&ui->list, ui->rows.n, ui_list_height());
	list_select(&ui->list, idx);
	rows_key_of(&ui->rows, ui->list.sel, &ui->cursor);
}

const struct row *
ui_cursor_row(const struct ui *ui)
{
	if (ui->list.sel >= ui->rows.n)
		return NULL;
	return &ui->rows.v[ui->list.sel];
}

/* One line for an event, as the status line shows it; *error is set for
 * a failed action or a host going down. */
void
ui_event_text(const struct evlog_entry *e, char *buf, size_t len,
    bool *error)
{
	char		target[200];
	enum action	a;
	const char	*past;

	*error = false;
	if (e->guest[0] != '\0')
		snprintf(target, sizeof target, "%s on %s", e->guest, e->host);
	else
		snprintf(target, sizeof target, "%s", e->host);

	switch (e->kind) {
	case EV_ACTION:
		if (e->ok) {
			past = action_from_name(e->what, &a) == 0 ?
			    action_past(a) : "done";
			if (e->msg[0] != '\0' && strcmp(e->msg, past) != 0)
				snprintf(buf, len, "%s: %s (%s)", target, past,
				    e->msg);
			else
				snprintf(buf, len, "%s: %s", target, past);
			break;
		}
		*error = true;
		if (e->msg[0] == '\0')
			snprintf(buf, len, "%s: %s failed", target, e->what);
		else if (e->what[0] != '\0' &&
		    strncmp(e->msg, e->what, strlen(e->what)) == 0)
			snprintf(buf, len, "%s: %s", target, e->msg);
		else
			snprintf(buf, len, "%s: %s failed: %s", target,
			    e->what, e->msg);
		break;
	case EV_ACTION_START:
		snprintf(buf, len, "%s: %s requested", target, e->what);
		break;
	case EV_HOST_UP:
		snprintf(buf, len, "%s is up", e->host);
		break;
	case EV_HOST_DOWN:
		*error = true;
		snprintf(buf, len, "%s is down: %s", e->host, e->msg);
		break;
	case EV_NOTICE:
	default:
		if (e->host[0] != '\0')
			snprintf(buf, len, "%s: %s", e->host, e->msg);
		else
			snprintf(buf, len, "%s", e->msg);
		break;
	}
}

/*
 * Shows new action outcomes and notices on the status line (the latest
 * wins). Host up/down events are left to the host rows, which say it
 * better and would make the line flicker at start-up.
 */
bool
ui_read_events(struct ui *ui)
{
	struct evlog_entry	ev[16];
	size_t			n, i;
	bool			changed = false, error;
	char			line[sizeof ui->status];

	if (ui->evlog == NULL || evlog_last_seq(ui->evlog) == ui->ev_seq)
		return false;
	do {
		n = evlog_since(ui->evlog, ui->ev_seq, ev, 16);
		for (i = 0; i < n; i++) {
			ui->ev_seq = ev[i].seq;
			events_add(&ui->events, &ev[i]);
			ui->dirty = true;	/* the event log screen */
			if (ev[i].kind != EV_ACTION && ev[i].kind != EV_NOTICE)
				continue;
			if (ev[i].kind == EV_ACTION)
				ui_inflight_done(ui, ev[i].action_id);
			changed = true;
			if (ev[i].kind == EV_ACTION && ui->bulk.n > 1 &&
			    ev[i].action_id >= ui->bulk.first_id &&
			    ev[i].action_id <= ui->bulk.last_id) {
				ui_bulk_status(ui, &ev[i]);
				continue;
			}
			ui_event_text(&ev[i], line, sizeof line, &error);
			ui_status(ui, error, "%s", line);
			changed = true;
		}
	} while (n == 16);
	return changed;
}

/* ---- marks: by identity, so they survive refreshes and sorting ---- */

static bool
ui_key_eq(const struct rows_key *a, const struct rows_key *b)
{
	return a->host == b->host && a->guest == b->guest &&
	    strcmp(a->id, b->id) == 0;
}

bool
ui_marked(const struct ui *ui, const struct rows_key *k)
{
	size_t	i;

	for (i = 0; i < ui->nmarks; i++)
		if (ui_key_eq(&ui->marks[i], k))
			return true;
	return false;
}

void
ui_mark(struct ui *ui, const struct rows_key *k, bool on)
{
	size_t	i;

	for (i = 0; i < ui->nmarks; i++)
		if (ui_key_eq(&ui->marks[i], k))
			break;
	if (on && i == ui->nmarks) {
		if (ui->nmarks == ui->marks_cap) {
			ui->marks_cap = ui->marks_cap ? ui->marks_cap * 2 : 16;
			ui->marks = xreallocarray(ui->marks, ui->marks_cap,
			    sizeof *ui->marks);
		}
		ui->marks[ui->nmarks++] = *k;
	} else if (!on && i < ui->nmarks)
		ui->marks[i] = ui->marks[--ui->nmarks];
	ui->dirty = true;
}

void
ui_marks_clear(struct ui *ui)
{
	ui->nmarks = 0;
	ui->dirty = true;
}

/* ---- actions in flight ---- */

static void
ui_inflight_add(struct ui *ui, uint64_t id, const struct ui_pending *p)
{
	struct ui_inflight	*f;

	if (ui->ninflight == ui->inflight_cap) {
		ui->inflight_cap = ui->inflight_cap ? ui->inflight_cap * 2 : 16;
		ui->inflight = xreallocarray(ui->inflight, ui->inflight_cap,
		    sizeof *ui->inflight);
	}
	f = &ui->inflight[ui->ninflight++];
	memset(f, 0, sizeof *f);
	f->id = id;
	f->action = p->action;
	f->key.host = p->host;
	f->key.guest = true;
	strlcpy_cv(f->key.id, p->guest_id, sizeof f->key.id);
}

static bool
ui_inflight_done(struct ui *ui, uint64_t id)
{
	size_t	i;

	for (i = 0; i < ui->ninflight; i++)
		if (ui->inflight[i].id == id) {
			ui->inflight[i] = ui->inflight[--ui->ninflight];
			return true;
		}
	return false;
}

/* The action under way on a guest, or NULL. */
const struct ui_inflight *
ui_inflight_of(const struct ui *ui, const struct rows_key *k)
{
	size_t	i;

	for (i = 0; i < ui->ninflight; i++)
		if (ui_key_eq(&ui->inflight[i].key, k))
			return &ui->inflight[i];
	return NULL;
}

/* "Pause 3 guests: 2 done, 1 failed" while the outcomes of an action on
 * many guests come in; a failure keeps its own line as well (the event
 * log view has them all). */
static void
ui_bulk_status(struct ui *ui, const struct evlog_entry *e)
{
	struct ui_bulk	*b = &ui->bulk;
	size_t		 left;

	if (e->ok)
		b->done++;
	else
		b->failed++;
	left = b->n - b->done - b->failed - b->refused;
	ui_status(ui, b->failed + b->refused > 0, "%s %zu guests: %zu done, "
	    "%zu failed%s%s", ui_action_verb(b->action), b->n, b->done,
	    b->failed + b->refused, left > 0 ? ", waiting for " : "",
	    left > 0 ? "the rest" : "");
}

void
ui_status(struct ui *ui, bool error, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(ui->status, sizeof ui->status, fmt, ap);
	va_end(ap);
	ui->status_error = error;
	ui->dirty = true;
}

/* Hands the action to the host's poller; a refusal (read-only, queue
 * full) comes back at once and goes on the status line, the outcome comes
 * later through the event log. Returns the request's id, 0 if refused. */
uint64_t
ui_submit(struct ui *ui, const struct ui_pending *p)
{
	struct cv_err	err;
	uint64_t	id;

	if (ui->engine == NULL)
		return 0;
	cv_err_clear(&err);
	id = engine_submit(ui->engine, p->host, p->guest_id, p->guest_name,
	    p->action, &err);
	if (id == 0) {
		ui_status(ui, true, "%s on %s: %s", p->guest_name,
		    p->host_name, err.msg[0] != '\0' ? err.msg : "refused");
		return 0;
	}
	ui_inflight_add(ui, id, p);
	ui_status(ui, false, "%s on %s: %s requested", p->guest_name,
	    p->host_name, action_name(p->action));
	return id;
}

/* One action on n guests: each is handed to its host's poller (hosts work
 * in parallel); the status line then keeps the tally. */
void
ui_submit_many(struct ui *ui, enum action a, const struct ui_pending *v,
    size_t n)
{
	struct ui_bulk	*b = &ui->bulk;
	char		 why[sizeof ui->status];
	bool		 refused_error = false;
	uint64_t	 id;
	size_t		 i;

	if (n == 1) {
		memset(b, 0, sizeof *b);
		ui_submit(ui, &v[0]);
		return;
	}
	memset(b, 0, sizeof *b);
	b->action = a;
	b->n = n;
	why[0] = '\0';
	for (i = 0; i < n; i++) {
		id = ui_submit(ui, &v[i]);
		if (id == 0) {
			b->refused++;
			refused_error = true;
			strlcpy_cv(why, ui->status, sizeof why);
			continue;
		}
		if (b->first_id == 0)
			b->first_id = id;
		b->last_id = id;
	}
	if (b->refused == n)
		ui_status(ui, true, "%s %zu guests: all refused: %s",
		    ui_action_verb(a), n, why);
	else
		ui_status(ui, refused_error, "%s %zu guests: %zu requested%s%s",
		    ui_action_verb(a), n, n - b->refused,
		    refused_error ? "; refused: " : "", why);
}

/* "Power off" for the prompt; the action's name if the table lacks it. */
const char *
ui_action_verb(enum action a)
{
	if ((unsigned)a < ACTION__COUNT && ui_verbs[a] != NULL)
		return ui_verbs[a];
	return action_name(a);
}
