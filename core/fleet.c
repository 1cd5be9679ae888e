/* The fleet's slots. Pollers publish from their threads; consumers acquire
 * from theirs. Only the slot array and gen are shared, under lock. */
#include "core/fleet.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/snap.h"
#include "core/wakepipe.h"
#include "core/xmalloc.h"

struct fleet {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	size_t			 n;
	struct host_snap	**slots;	/* Locked by lock. */
	struct host_snap	**spares;	/* Locked by lock: a big
						   snapshot's block, ended,
						   for the host's next build */
	uint64_t		 gen;		/* Locked by lock. */
	int			 wake[2];
};

struct fleet *
fleet_create(size_t n)
{
	struct fleet		*f = xcalloc(1, sizeof *f);
	pthread_condattr_t	 ca;

	pthread_mutex_init(&f->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&f->cond, &ca);
	pthread_condattr_destroy(&ca);
	f->n = n;
	f->slots = xcalloc(n ? n : 1, sizeof *f->slots);
	f->spares = xcalloc(n ? n : 1, sizeof *f->spares);
	wake_pipe_open(f->wake);
	return f;
}

void
fleet_free(struct fleet *f)
{
	size_t	i;

	if (f == NULL)
		return;
	for (i = 0; i < f->n; i++) {
		snap_unref(f->slots[i]);
		snap_discard(f->spares[i]);
	}
	free(f->slots);
	free(f->spares);
	close(f->wake[0]);
	close(f->wake[1]);
	pthread_cond_destroy(&f->cond);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

size_t
fleet_size(const struct fleet *f)
{
	return f->n;
}

/* Takes the caller's reference to s, and gives back the fleet's to the
 * snapshot it replaces (NULL: none), for the caller to drop. */
struct host_snap *
fleet_publish(struct fleet *f, size_t i, struct host_snap *s)
{
	struct host_snap	*old;

	pthread_mutex_lock(&f->lock);
	old = f->slots[i];
	f->slots[i] = s;
	f->gen++;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
	fleet_wake(f);
	return old;
}

void
fleet_wake(struct fleet *f)
{
	ssize_t	r;

	r = write(f->wake[1], "", 1);
	(void)r;	/* EAGAIN: a wake-up is pending already */
}

void
fleet_acquire(struct fleet *f, struct fleet_view *v)
{
	size_t	i;

	v->n = f->n;
	v->hosts = xcalloc(f->n ? f->n : 1, sizeof *v->hosts);
	pthread_mutex_lock(&f->lock);
	for (i = 0; i < f->n; i++)
		v->hosts[i] = f->slots[i] ? snap_ref(f->slots[i]) : NULL;
	v->gen = f->gen;
	pthread_mutex_unlock(&f->lock);
	v->fleet = f;
}

/* Keeps a big snapshot's block (from snap_release; NULL: none) for host
 * i's next build, in place of one kept before. Whoever held the snapshot
 * last gives it: the poller, or a view (the console holds its view until
 * the next one, so the poller's reference is seldom the last). */
void
fleet_give_spare(struct fleet *f, size_t i, struct host_snap *s)
{
	struct host_snap	*old;

	if (s == NULL)
		return;
	pthread_mutex_lock(&f->lock);
	old = f->spares[i];
	f->spares[i] = s;
	pthread_mutex_unlock(&f->lock);
	snap_discard(old);
}

/* The block kept for host i's next build, or NULL; the caller's now. */
struct host_snap *
fleet_take_spare(struct fleet *f, size_t i)
{
	struct host_snap	*s;

	pthread_mutex_lock(&f->lock);
	s = f->spares[i];
	f->spares[i] = NULL;
	pthread_mutex_unlock(&f->lock);
	return s;
}

void
fleet_view_release(struct fleet_view *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->fleet == NULL)
			snap_unref(v->hosts[i]);
		else
			fleet_give_spare(v->fleet, i, snap_release(v->hosts[i]));
	free(v->hosts);
	v->hosts = NULL;
	v->n = 0;
}

uint64_t
fleet_gen(struct fleet *f)
{
	uint64_t	gen;

	pthread_mutex_lock(&f->lock);
	gen = f->gen;
	pthread_mutex_unlock(&f->lock);
	return gen;
}

/* Waits until the generation moves past gen; 0 when it did, -1 on timeout. */
int
fleet_wait(struct fleet *f, uint64_t gen, int timeout_ms)
{
	struct timespec	ts;
	int		rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&f->lock);
	while (f->gen == gen && rc == 0)
		if (pthread_cond_timedwait(&f->cond, &f->lock, &ts) ==
		    ETIMEDOUT)
			rc = -1;
	if (f->gen != gen)
		rc = 0;
	pthread_mutex_unlock(&f->lock);
	return rc;
}

int
fleet_wake_fd(const struct fleet *f)
{
	return f->wake[0];
}

void
fleet_drain_wake(struct fleet *f)
{
	char	buf[64];

	while (read(f->wake[0], buf, sizeof buf) > 0)
		;
}
