/* The event log: a bounded ring under a mutex. Pollers add; consumers read
 * new entries by sequence number or wait for one action's outcome. */
#include "core/evlog.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "core/xmalloc.h"

struct evlog {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct evlog_entry	*ring;		/* Locked by lock. */
	size_t			 cap;
	uint64_t		 seq;		/* Locked by lock: last given */
	uint64_t		 action_ids;	/* Locked by lock. */
};

struct evlog *
evlog_create(size_t cap)
{
	struct evlog		*ev = xcalloc(1, sizeof *ev);
	pthread_condattr_t	 ca;

	pthread_mutex_init(&ev->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ev->cond, &ca);
	pthread_condattr_destroy(&ca);
	ev->cap = cap ? cap : 1;
	ev->ring = xcalloc(ev->cap, sizeof *ev->ring);
	return ev;
}

void
evlog_free(struct evlog *ev)
{
	if (ev == NULL)
		return;
	pthread_cond_destroy(&ev->cond);
	pthread_mutex_destroy(&ev->lock);
	free(ev->ring);
	free(ev);
}

/* Stamps e with a sequence number and the time, stores it and returns the
 * sequence number. */
uint64_t
evlog_add(struct evlog *ev, const struct evlog_entry *e)
{
	struct evlog_entry	*slot;
	uint64_t		 seq;

	pthread_mutex_lock(&ev->lock);
	seq = ++ev->seq;
	slot = &ev->ring[(seq - 1) % ev->cap];
	*slot = *e;
	slot->seq = seq;
	if (slot->wall == 0)
		slot->wall = (int64_t)time(NULL);
	pthread_cond_broadcast(&ev->cond);
	pthread_mutex_unlock(&ev->lock);
	return seq;
}

/* Copies up to max entries newer than after, oldest first. */
size_t
evlog_since(struct evlog *ev, uint64_t after, struct evlog_entry *out,
    size_t max)
{
	uint64_t	first, s;
	size_t		n = 0;

	pthread_mutex_lock(&ev->lock);
	first = ev->seq >= ev->cap ? ev->seq - ev->cap + 1 : 1;
	if (after + 1 > first)
		first = after + 1;
	for (s = first; s <= ev->seq && n < max; s++)
		out[n++] = ev->ring[(s - 1) % ev->cap];
	pthread_mutex_unlock(&ev->lock);
	return n;
}

uint64_t
evlog_last_seq(struct evlog *ev)
{
	uint64_t	seq;

	pthread_mutex_lock(&ev->lock);
	seq = ev->seq;
	pthread_mutex_unlock(&ev->lock);
	return seq;
}

uint64_t
evlog_next_action_id(struct evlog *ev)
{
	uint64_t	id;

	pthread_mutex_lock(&ev->lock);
	id = ++ev->action_ids;
	pthread_mutex_unlock(&ev->lock);
	return id;
}

static int
find_action(struct evlog *ev, uint64_t id, struct evlog_entry *out)
{
	uint64_t	first, s;

	first = ev->seq >= ev->cap ? ev->seq - ev->cap + 1 : 1;
	for (s = ev->seq; s >= first && s > 0; s--) {
		const struct evlog_entry *e = &ev->ring[(s - 1) % ev->cap];

		if (e->kind == EV_ACTION && e->action_id == id) {
			*out = *e;
			return 0;
		}
	}
	return -1;
}

/* Waits for the outcome of action id; 0 with *out filled, -1 on timeout. */
int
evlog_wait_action(struct evlog *ev, uint64_t id, int timeout_ms,
    struct evlog_entry *out)
{
	struct timespec	ts;
	int		rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ev->lock);
	while ((rc = find_action(ev, id, out)) == -1)
		if (pthread_cond_timedwait(&ev->cond, &ev->lock, &ts) ==
		    ETIMEDOUT) {
			rc = find_action(ev, id, out);
			break;
		}
	pthread_mutex_unlock(&ev->lock);
	return rc;
}
