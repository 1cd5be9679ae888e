/* The console's copy of the event log, fed by ui_read_events() with every
 * new entry; bounded, dropping the oldest quarter when full (the journal
 * file keeps everything). Pure. Main thread. */
#include "tui/events.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"

void
events_init(struct events *ev)
{
	memset(ev, 0, sizeof *ev);
}

void
events_done(struct events *ev)
{
	free(ev->v);
	memset(ev, 0, sizeof *ev);
}

void
events_add(struct events *ev, const struct evlog_entry *e)
{
	size_t	drop;

	if (ev->n == EVENTS_KEEP) {
		drop = EVENTS_KEEP / 4;
		memmove(ev->v, ev->v + drop, (ev->n - drop) * sizeof *ev->v);
		ev->n -= drop;
	}
	if (ev->n == ev->cap) {
		ev->cap = ev->cap ? ev->cap * 2 : 64;
		if (ev->cap > EVENTS_KEEP)
			ev->cap = EVENTS_KEEP;
		ev->v = xreallocarray(ev->v, ev->cap, sizeof *ev->v);
	}
	ev->v[ev->n++] = *e;
}

/* The KIND column: action, host or notice. */
const char *
events_kind(const struct evlog_entry *e)
{
	switch (e->kind) {
	case EV_ACTION:
	case EV_ACTION_START:
		return "action";
	case EV_HOST_UP:
	case EV_HOST_DOWN:
		return "host";
	case EV_NOTICE:
	default:
		return "notice";
	}
}

enum events_tone
events_tone(const struct evlog_entry *e)
{
	switch (e->kind) {
	case EV_ACTION:
		return e->ok ? EVENTS_GOOD : e->refused ? EVENTS_REFUSED :
		    EVENTS_BAD;
	case EV_HOST_UP:
		return EVENTS_GOOD;
	case EV_HOST_DOWN:
		return EVENTS_BAD;
	default:
		return EVENTS_PLAIN;
	}
}

/* True when the entry is from the local day of now. */
bool
events_today(const struct evlog_entry *e, int64_t now)
{
	struct tm	a, b;
	time_t		t = (time_t)e->wall, n = (time_t)now;

	localtime_r(&t, &a);
	localtime_r(&n, &b);
	return a.tm_year == b.tm_year && a.tm_yday == b.tm_yday;
}

/* Local time: HH:MM:SS, with MM-DD before it when with_date. */
const char *
events_time(const struct evlog_entry *e, int64_t now, bool with_date,
    char *buf, size_t len)
{
	struct tm	tm;
	time_t		t = (time_t)e->wall;

	(void)now;
	localtime_r(&t, &tm);
	if (strftime(buf, len, with_date ? "%m-%d %H:%M:%S" : "%H:%M:%S",
	    &tm) == 0 && len > 0)
		buf[0] = '\0';
	return buf;
}

/* The MESSAGE column: what the outcome said, without the "up: " or
 * "down: " that the OUTCOME column already says. */
const char *
events_message(const struct evlog_entry *e)
{
	const char	*m = e->msg;

	if (e->kind == EV_HOST_UP && strncmp(m, "up", 2) == 0)
		m += m[2] == ':' ? 3 : 2;
	else if (e->kind == EV_HOST_DOWN && strncmp(m, "down: ", 6) == 0)
		m += 6;
	while (*m == ' ')
		m++;
	return m;
}

/* The newest (up to max) actions of one guest, newest first: their
 * outcomes, and the requests still waiting for one; returns how many. */
size_t
events_of_guest(const struct events *ev, const char *host,
    const char *guest, const struct evlog_entry **out, size_t max)
{
	size_t	i, j, n = 0;
	bool	answered;

	for (i = ev->n; i > 0 && n < max; i--) {
		const struct evlog_entry *e = &ev->v[i - 1];

		if ((e->kind != EV_ACTION && e->kind != EV_ACTION_START) ||
		    strcmp(e->host, host) != 0 || strcmp(e->guest, guest) != 0)
			continue;
		answered = false;
		for (j = 0; j < n && e->kind == EV_ACTION_START; j++)
			answered |= out[j]->action_id == e->action_id;
		if (!answered)
			out[n++] = e;
	}
	return n;
}
