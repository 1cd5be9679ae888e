/* Recent figures per guest. Each host keeps a table sorted by guest id,
 * rebuilt when the host brings a new good poll (so a guest that went away
 * is forgotten, and a refresh of another host adds nothing). Pure. Main
 * thread. */
#include "tui/history.h"

#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"
#include "core/snap.h"
#include "core/xmalloc.h"

struct history_host {
	unsigned		 polls;		/* of the last snapshot fed */
	struct history_series	*v;		/* (owned) sorted by id */
	size_t			 n;
};

struct history {
	struct history_host	*hosts;		/* (owned) */
	size_t			 nhosts;
};

static int	history_cmp(const void *, const void *);
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
	return strcmp(((const struct history_series *)a)->id,
	    ((const struct history_series *)b)->id);
}

static struct history_series *
history_lookup(struct history_host *hh, const char *id)
{
	struct history_series	key;

	if (hh->n == 0)
		return NULL;
	strlcpy_cv(key.id, id, sizeof key.id);
	return bsearch(&key, hh->v, hh->n, sizeof *hh->v, history_cmp);
}

/* One sample per guest of a new snapshot; O(n log n). */
static void
history_feed_host(struct history_host *hh, const struct host_snap *hs)
{
	struct history_series	*next, *old, *s;
	const struct guest_snap	*g;
	size_t			 i;

	next = xcalloc(hs->nguests ? hs->nguests : 1, sizeof *next);
	for (i = 0; i < hs->nguests; i++) {
		g = &hs->guests[i];
		s = &next[i];
		if ((old = history_lookup(hh, g->id)) != NULL)
			*s = *old;
		else
			strlcpy_cv(s->id, g->id, sizeof s->id);
		s->cpu[s->head] = (g->have & GS_CPU) ? (float)g->cpu_pct : -1;
		if ((g->have & GS_MEM_USED) && (g->have & GS_MEM_MAX) &&
		    g->mem_max_bytes > 0)
			s->mem[s->head] = (float)(100.0 *
			    (double)g->mem_used_bytes /
			    (double)g->mem_max_bytes);
		else if ((g->have & GS_MEM) && (g->have & GS_MEM_MAX) &&
		    g->mem_max_bytes > 0)
			s->mem[s->head] = (float)(100.0 * (double)g->mem_bytes /
			    (double)g->mem_max_bytes);
		else
			s->mem[s->head] = -1;
		s->head = (s->head + 1) % HISTORY_LEN;
		if (s->n < HISTORY_LEN)
			s->n++;
	}
	qsort(next, hs->nguests, sizeof *next, history_cmp);
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

/* The CPU (or memory) samples of s, oldest first, into out; returns how
 * many. */
size_t
history_values(const struct history_series *s, bool mem, float *out,
    size_t max)
{
	const float	*ring = mem ? s->mem : s->cpu;
	size_t		 n = s->n < max ? s->n : max, i;
	unsigned	 first = (s->head + HISTORY_LEN - n) % HISTORY_LEN;

	for (i = 0; i < n; i++)
		out[i] = ring[(first + i) % HISTORY_LEN];
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
