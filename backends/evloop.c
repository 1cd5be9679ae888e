/* The event loop libvirt runs its keepalives, close callbacks and domain
 * events on (see evloop.h). One mutex guards the tables; no callback runs
 * under it, as callbacks come back into add, update and remove. Entries
 * removed stay as tombstones until the loop thread, between dispatches,
 * drops them and calls their free callbacks: libvirt frees the callback's
 * argument there, so it must not run while the callback may. */
#include "backends/evloop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xmalloc.h"

#define EV_BATCH	64
#define EV_NEVER	UINT64_MAX

struct ev_handle {
	int			 id;
	int			 fd;	/* the caller's, given to the callback */
	int			 efd;	/* our dup() of it, in the epoll set */
	int			 events;	/* VIR_EVENT_HANDLE_*, 0: off */
	bool			 deleted;
	virEventHandleCallback	 cb;
	void			*opaque;
	virFreeCallback		 ff;
};

struct ev_timeout {
	int			 id;
	int			 ms;	/* -1: off, 0: every iteration */
	uint64_t		 due;
	bool			 deleted;
	virEventTimeoutCallback	 cb;
	void			*opaque;
	virFreeCallback		 ff;
};

struct ev_free {
	virFreeCallback		 ff;
	void			*opaque;
};

static pthread_once_t	 ev_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t	 ev_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ev_handle	*ev_h;
static size_t		 ev_nh;
static struct ev_timeout *ev_t;
static size_t		 ev_nt;
static size_t		 ev_ndeleted;
static int		 ev_lastid;
static int		 ev_epfd = -1;
static int		 ev_wakefd = -1;
static bool		 ev_sleeping;	/* in epoll_wait until ev_wake_at */
static uint64_t		 ev_wake_at;
static atomic_bool	 ev_run;
static pthread_t	 ev_thread;
static bool		 ev_started;

/* Under ev_lock. A sleeping loop is woken once; it recomputes its
 * deadline before it sleeps again. */
static void
wake_locked(void)
{
	uint64_t	one = 1;
	ssize_t		r;

	if (!ev_sleeping)
		return;
	ev_sleeping = false;
	r = write(ev_wakefd, &one, sizeof one);
	(void)r;	/* cannot fail short of 2^64 - 1 pending wake-ups */
}

static void
setup_once(void)
{
	struct epoll_event	ee = { .events = EPOLLIN, .data.u64 = 0 };

	if ((ev_epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	if ((ev_wakefd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1)
		fatal("eventfd");
	/* Id 0 is the wake-up eventfd; handles count from 1. */
	if (epoll_ctl(ev_epfd, EPOLL_CTL_ADD, ev_wakefd, &ee) == -1)
		fatal("epoll_ctl");
}

static struct ev_handle *
find_handle(int id)
{
	size_t	i;

	for (i = 0; i < ev_nh; i++)
		if (ev_h[i].id == id && !ev_h[i].deleted)
			return &ev_h[i];
	return NULL;
}

static struct ev_timeout *
find_timeout(int id)
{
	size_t	i;

	for (i = 0; i < ev_nt; i++)
		if (ev_t[i].id == id && !ev_t[i].deleted)
			return &ev_t[i];
	return NULL;
}

/*
 * Puts a handle's interest in the epoll set. Interest 0 takes the fd out:
 * epoll reports errors and hang-ups whatever it is asked, and a hung-up
 * socket left in would make the loop spin while the RPC client has it.
 */
static int
set_interest(struct ev_handle *h, int events)
{
	struct epoll_event	ee;
	int			op;

	events &= VIR_EVENT_HANDLE_READABLE | VIR_EVENT_HANDLE_WRITABLE;
	ee.events = 0;
	if (events & VIR_EVENT_HANDLE_READABLE)
		ee.events |= EPOLLIN;
	if (events & VIR_EVENT_HANDLE_WRITABLE)
		ee.events |= EPOLLOUT;
	ee.data.u64 = (uint64_t)h->id;
	if (events == h->events)
		return 0;
	if (events == 0)
		op = EPOLL_CTL_DEL;
	else if (h->events == 0)
		op = EPOLL_CTL_ADD;
	else
		op = EPOLL_CTL_MOD;
	if (epoll_ctl(ev_epfd, op, h->efd, &ee) == -1)
		return -1;
	h->events = events;
	return 0;
}

/*
 * Each handle watches its own dup() of the fd: epoll refuses a second
 * registration of one fd, and libvirt may watch one fd from two handles.
 */
int
evloop_add_handle(int fd, int events, virEventHandleCallback cb,
    void *opaque, virFreeCallback ff)
{
	struct ev_handle	*h;
	int			 efd, id = -1;

	pthread_once(&ev_once, setup_once);
	if ((efd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) == -1)
		return -1;
	pthread_mutex_lock(&ev_lock);
	ev_h = xreallocarray(ev_h, ev_nh + 1, sizeof *ev_h);
	h = &ev_h[ev_nh];
	h->id = ++ev_lastid;
	h->fd = fd;
	h->efd = efd;
	h->events = 0;
	h->deleted = false;
	h->cb = cb;
	h->opaque = opaque;
	h->ff = ff;
	if (set_interest(h, events) == 0) {
		ev_nh++;
		id = h->id;
	} else
		close(efd);
	pthread_mutex_unlock(&ev_lock);
	return id;
}

void
evloop_update_handle(int id, int events)
{
	struct ev_handle	*h;

	pthread_mutex_lock(&ev_lock);
	if ((h = find_handle(id)) != NULL)
		(void)set_interest(h, events);
	pthread_mutex_unlock(&ev_lock);
}

int
evloop_remove_handle(int id)
{
	struct ev_handle	*h;

	pthread_mutex_lock(&ev_lock);
	if ((h = find_handle(id)) == NULL) {
		pthread_mutex_unlock(&ev_lock);
		return -1;
	}
	(void)set_interest(h, 0);
	close(h->efd);
	h->efd = -1;
	h->deleted = true;
	ev_ndeleted++;
	/* Only to run the free callback soon: removals are rare. */
	if (h->ff != NULL)
		wake_locked();
	pthread_mutex_unlock(&ev_lock);
	return 0;
}

/* Under ev_lock: a timeout (re)armed; wakes the loop only if it is asleep
 * past the new deadline. */
static void
arm_timeout(struct ev_timeout *t, int ms)
{
	t->ms = ms < 0 ? -1 : ms;
	if (t->ms < 0)
		return;
	t->due = clock_mono_ms() + (uint64_t)t->ms;
	if (t->due < ev_wake_at)
		wake_locked();
}

int
evloop_add_timeout(int ms, virEventTimeoutCallback cb, void *opaque,
    virFreeCallback ff)
{
	struct ev_timeout	*t;
	int			 id;

	pthread_mutex_lock(&ev_lock);
	ev_t = xreallocarray(ev_t, ev_nt + 1, sizeof *ev_t);
	t = &ev_t[ev_nt++];
	t->id = id = ++ev_lastid;
	t->deleted = false;
	t->cb = cb;
	t->opaque = opaque;
	t->ff = ff;
	arm_timeout(t, ms);
	pthread_mutex_unlock(&ev_lock);
	return id;
}

void
evloop_update_timeout(int id, int ms)
{
	struct ev_timeout	*t;

	pthread_mutex_lock(&ev_lock);
	if ((t = find_timeout(id)) != NULL)
		arm_timeout(t, ms);
	pthread_mutex_unlock(&ev_lock);
}

int
evloop_remove_timeout(int id)
{
	struct ev_timeout	*t;

	pthread_mutex_lock(&ev_lock);
	if ((t = find_timeout(id)) == NULL) {
		pthread_mutex_unlock(&ev_lock);
		return -1;
	}
	t->deleted = true;
	ev_ndeleted++;
	if (t->ff != NULL)
		wake_locked();
	pthread_mutex_unlock(&ev_lock);
	return 0;
}

static int
from_epoll(uint32_t e)
{
	int	events = 0;

	if (e & EPOLLIN)
		events |= VIR_EVENT_HANDLE_READABLE;
	if (e & EPOLLOUT)
		events |= VIR_EVENT_HANDLE_WRITABLE;
	if (e & EPOLLERR)
		events |= VIR_EVENT_HANDLE_ERROR;
	if (e & EPOLLHUP)
		events |= VIR_EVENT_HANDLE_HANGUP;
	return events;
}

/* One ready handle, looked up by id: one removed or turned off since
 * epoll_wait returned is not called. */
static void
dispatch_handle(int id, uint32_t e)
{
	struct ev_handle	*h;
	virEventHandleCallback	 cb;
	void			*opaque;
	int			 fd, events;

	pthread_mutex_lock(&ev_lock);
	if ((h = find_handle(id)) == NULL || h->events == 0) {
		pthread_mutex_unlock(&ev_lock);
		return;
	}
	events = from_epoll(e) & (h->events | VIR_EVENT_HANDLE_ERROR |
	    VIR_EVENT_HANDLE_HANGUP);
	cb = h->cb;
	opaque = h->opaque;
	fd = h->fd;
	pthread_mutex_unlock(&ev_lock);
	if (events != 0)
		cb(id, fd, events, opaque);
}

/* Timeouts due now; only those there at the start, so that a callback
 * adding a timeout of 0 cannot keep this pass going. */
static void
dispatch_timeouts(void)
{
	virEventTimeoutCallback	 cb;
	void			*opaque;
	uint64_t		 now;
	size_t			 i, n;
	int			 id;

	pthread_mutex_lock(&ev_lock);
	now = clock_mono_ms();
	for (i = 0, n = ev_nt; i < n; i++) {
		if (ev_t[i].deleted || ev_t[i].ms < 0 || ev_t[i].due > now)
			continue;
		ev_t[i].due = now + (uint64_t)ev_t[i].ms;
		id = ev_t[i].id;
		cb = ev_t[i].cb;
		opaque = ev_t[i].opaque;
		pthread_mutex_unlock(&ev_lock);
		cb(id, opaque);
		pthread_mutex_lock(&ev_lock);
	}
	pthread_mutex_unlock(&ev_lock);
}

/* Drops the tombstones and calls their free callbacks, unlocked: nothing
 * can dispatch them any more. */
static void
purge(void)
{
	struct ev_free	*fr = NULL;
	size_t		 i, j, nfr = 0;

	pthread_mutex_lock(&ev_lock);
	if (ev_ndeleted == 0) {
		pthread_mutex_unlock(&ev_lock);
		return;
	}
	fr = xreallocarray(NULL, ev_ndeleted, sizeof *fr);
	for (i = j = 0; i < ev_nh; i++) {
		if (!ev_h[i].deleted)
			ev_h[j++] = ev_h[i];
		else if (ev_h[i].ff != NULL)
			fr[nfr++] = (struct ev_free){ ev_h[i].ff, ev_h[i].opaque };
	}
	ev_nh = j;
	for (i = j = 0; i < ev_nt; i++) {
		if (!ev_t[i].deleted)
			ev_t[j++] = ev_t[i];
		else if (ev_t[i].ff != NULL)
			fr[nfr++] = (struct ev_free){ ev_t[i].ff, ev_t[i].opaque };
	}
	ev_nt = j;
	ev_ndeleted = 0;
	pthread_mutex_unlock(&ev_lock);
	for (i = 0; i < nfr; i++)
		fr[i].ff(fr[i].opaque);
	free(fr);
}

/* Under ev_lock: milliseconds epoll_wait may sleep, -1 for no limit. */
static int
sleep_ms(void)
{
	uint64_t	now, next = EV_NEVER;
	size_t		i;

	for (i = 0; i < ev_nt; i++)
		if (!ev_t[i].deleted && ev_t[i].ms >= 0 && ev_t[i].due < next)
			next = ev_t[i].due;
	ev_wake_at = next;
	if (next == EV_NEVER)
		return -1;
	now = clock_mono_ms();
	if (next <= now)
		return 0;
	return next - now > INT_MAX ? INT_MAX : (int)(next - now);
}

static void *
loop_main(void *arg)
{
	struct epoll_event	ev[EV_BATCH];
	uint64_t		drain;
	ssize_t			r;
	int			i, n, ms;

	(void)arg;
	while (atomic_load(&ev_run)) {
		pthread_mutex_lock(&ev_lock);
		ms = sleep_ms();
		ev_sleeping = ms != 0;
		pthread_mutex_unlock(&ev_lock);

		n = epoll_wait(ev_epfd, ev, EV_BATCH, ms);
		pthread_mutex_lock(&ev_lock);
		ev_sleeping = false;
		ev_wake_at = 0;
		pthread_mutex_unlock(&ev_lock);
		if (n == -1 && errno != EINTR)
			fatal("epoll_wait");
		for (i = 0; i < n; i++) {
			if (ev[i].data.u64 == 0) {
				r = read(ev_wakefd, &drain, sizeof drain);
				(void)r;
			} else
				dispatch_handle((int)ev[i].data.u64,
				    ev[i].events);
		}
		dispatch_timeouts();
		purge();
	}
	purge();
	return NULL;
}

void
evloop_register(void)
{
	static bool	registered;

	if (registered)
		return;
	registered = true;
	pthread_once(&ev_once, setup_once);
	virEventRegisterImpl(evloop_add_handle, evloop_update_handle,
	    evloop_remove_handle, evloop_add_timeout, evloop_update_timeout,
	    evloop_remove_timeout);
}

int
evloop_start(void)
{
	pthread_once(&ev_once, setup_once);
	if (ev_started)
		return 0;
	atomic_store(&ev_run, true);
	if (pthread_create(&ev_thread, NULL, loop_main, NULL) != 0)
		return -1;
	ev_started = true;
	return 0;
}

void
evloop_stop(void)
{
	if (!ev_started)
		return;
	atomic_store(&ev_run, false);
	pthread_mutex_lock(&ev_lock);
	ev_sleeping = true;
	wake_locked();
	pthread_mutex_unlock(&ev_lock);
	pthread_join(ev_thread, NULL);
	ev_started = false;
}
