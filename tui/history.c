/* Recent figures per guest. Each host keeps a table in its snapshot's
 * order (by name, then id), brought up to date when the host brings a new
 * good poll: in place while the guests stay the same, else rebuilt (so a
 * guest that went away is forgotten). Pure. Main thread. */
#include "tui/history.h"

#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"
#include "core/snap.h"
#include "core/xmalloc.h"

_Static_assert(HISTORY_LEN <= UINT8_MAX, "a series counts its samples in a byte");

struct history_host {
	unsigned		 polls;		/* of the last snapshot fed */
	struct history_series	*v;		/* (owned) snapshot order */
	size_t			 n;
};

struct history {
	struct history_host	*hosts;		/* (owned) */
	size_t			 nhosts;
};

static int	history_cmp(const void *, const void *);
static void	history_sample(struct history_series *,
		    const struct guest_snap *);
static bool	history_same(const struct history_host *,
		    const struct host_snap *);
static struct history_series *history_lookup(struct history_host *,
		    const char *);
static void	history_feed_host(struct history_host *,
		    const struct host_snap *);

struct history *
history_create(void)
{
	return xcalloc(1, sizeof (struct history));
}

void
history_free(struct history *h)
{
	size_t	i;

	if (h == NULL)
		return;
	for (i = 0; i < h->nhosts; i++)
		free(h->hosts[i].v);
	free(h->hosts);
	free(h);
}

static int
history_cmp(const void *a, const void *b)
{
	return strcmp((*(struct history_series *const *)a)->id,
	    (*(struct history_series *const *)b)->id);
}

/* Only the details page looks one up: a scan is enough. */
static struct history_series *
history_lookup(struct history_host *hh, const char *id)
{
	size_t	i;

	for (i = 0; i < hh->n; i++)
		if (strcmp(hh->v[i].id, id) == 0)
			return &hh->v[i];
	return NULL;
}

/* A percentage as a cell: rounded to a whole one, capped below
 * HISTORY_NONE. */
static uint8_t
history_cell(double pct)
{
	if (!(pct > 0))
		return 0;
	if (pct >= HISTORY_NONE - 1)
		return HISTORY_NONE - 1;
	return (uint8_t)(pct + 0.5);
}

/* Adds g's figures to s. */
static void
history_sample(struct history_series *s, const struct guest_snap *g)
{
	s->cpu[s->head] = (g->have & GS_CPU) ? history_cell(g->cpu_pct) :
	    HISTORY_NONE;
	if ((g->have & GS_MEM_USED) && (g->have & GS_MEM_MAX) &&
	    g->mem_max_bytes > 0)
		s->mem[s->head] = history_cell(100.0 *
		    (double)g->mem_used_bytes / (double)g->mem_max_bytes);
	else if ((g->have & GS_MEM) && (g->have & GS_MEM_MAX) &&
	    g->mem_max_bytes > 0)
		s->mem[s->head] = history_cell(100.0 * (double)g->mem_bytes /
		    (double)g->mem_max_bytes);
	else
		s->mem[s->head] = HISTORY_NONE;
	s->head = (s->head + 1) % HISTORY_LEN;
	if (s->n < HISTORY_LEN)
		s->n++;
}

/* The same guests in the same order as the table holds: the common
 * case, a refresh, needs no allocation and no search. */
static bool
history_same(const struct history_host *hh, const struct host_snap *hs)
{
	size_t	i;

	if (hh->n != hs->nguests)
		return false;
	for (i = 0; i < hh->n; i++)
		if (strcmp(hh->v[i].id, hs->guests[i].id) != 0)
			return false;
	return true;
}

/* One sample per guest of a new snapshot: in place when the guests are
 * those of the last one, else through an index of the old table by id;
 * O(n log n) then. */
static void
history_feed_host(struct history_host *hh, const struct host_snap *hs)
{
	struct history_series	*next, **idx = NULL, key, *kp = &key, **hit;
	size_t			 i;

	if (history_same(hh, hs)) {
		for (i = 0; i < hs->nguests; i++)
			history_sample(&hh->v[i], &hs->guests[i]);
		hh->polls = hs->polls;
		return;
	}
	if (hh->n > 0) {
		idx = xreallocarray(NULL, hh->n, sizeof *idx);
		for (i = 0; i < hh->n; i++)
			idx[i] = &hh->v[i];
		qsort(idx, hh->n, sizeof *idx, history_cmp);
	}
	next = xcalloc(hs->nguests ? hs->nguests : 1, sizeof *next);
	for (i = 0; i < hs->nguests; i++) {
		strlcpy_cv(key.id, hs->guests[i].id, sizeof key.id);
		hit = idx != NULL ? bsearch(&kp, idx, hh->n, sizeof *idx,
		    history_cmp) : NULL;
		if (hit != NULL)
			next[i] = **hit;
		else
			strlcpy_cv(next[i].id, hs->guests[i].id,
			    sizeof next[i].id);
		history_sample(&next[i], &hs->guests[i]);
	}
	free(idx);
	free(hh->v);
	hh->v = next;
	hh->n = hs->nguests;
	hh->polls = hs->polls;
}

/* Takes a sample from every host polled since the last view; a host that
 * is down or stale adds nothing (its figures are old). */
void
history_feed(struct history *h, const struct fleet_view *v)
{
	const struct host_snap	*hs;
	size_t			 i;

	if (v->n > h->nhosts) {
		h->hosts = xreallocarray(h->hosts, v->n, sizeof *h->hosts);
		memset(h->hosts + h->nhosts, 0, (v->n - h->nhosts) *
		    sizeof *h->hosts);
		h->nhosts = v->n;
	}
	for (i = 0; i < v->n; i++) {
		hs = v->hosts[i];
		if (hs == NULL || hs->state != HOST_UP || hs->stale ||
		    hs->polls == 0 || hs->polls == h->hosts[i].polls)
			continue;
		history_feed_host(&h->hosts[i], hs);
	}
}

const struct history_series *
history_find(const struct history *h, size_t host, const char *id)
{
	if (h == NULL || host >= h->nhosts)
		return NULL;
	return history_lookup(&h->hosts[host], id);
}

/* The CPU (or memory) percentages of s, oldest first, into out (-1: not
 * given); returns how many. */
size_t
history_values(const struct history_series *s, bool mem, float *out,
    size_t max)
{
	const uint8_t	*ring = mem ? s->mem : s->cpu;
	size_t		 n = s->n < max ? s->n : max, i;
	unsigned	 first = (s->head + HISTORY_LEN - n) % HISTORY_LEN;
	uint8_t		 c;

	for (i = 0; i < n; i++) {
		c = ring[(first + i) % HISTORY_LEN];
		out[i] = c == HISTORY_NONE ? -1 : (float)c;
	}
	return n;
}

/*
 * A sparkline of n percentages (0 to 100, one column each, a fixed scale
 * so two guests compare): eighth blocks in UTF-8, else the ASCII ramp
 * _.-=+*#%@; a sample that was not given is a blank.
 */
const char *
history_spark(const float *v, size_t n, bool utf8, char *buf, size_t len)
{
	static const char *const blocks[] = {
		"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
		"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
	};
	static const char	ascii[] = "_.-=+*#%@";
	size_t			i, off = 0, levels, w;
	const char		*g;
	char			one[2];
	float			x;
	int			lv;

	levels = utf8 ? 8 : sizeof ascii - 1;
	if (len == 0)
		return buf;
	for (i = 0; i < n; i++) {
		x = v[i];
		if (x < 0) {
			g = " ";
		} else {
			if (x > 100)
				x = 100;
			lv = (int)(x / 100.0f * (float)(levels - 1) + 0.5f);
			if (utf8)
				g = blocks[lv];
			else {
				one[0] = ascii[lv];
				one[1] = '\0';
				g = one;
			}
		}
		w = strlen(g);
		if (off + w >= len)
			break;
		memcpy(buf + off, g, w);
		off += w;
	}
	buf[off] = '\0';
	return buf;
}
