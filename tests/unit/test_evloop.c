/* The epoll event loop libvirt is given (backends/evloop.c), driven with
 * pipes and eventfds: dispatch, interest turned off and on, removal while
 * an event is pending, free callbacks (once, on the loop thread), timeouts
 * of 0, -1 and an interval, changes made while the loop sleeps, and a
 * stop and restart. */
#include <sys/eventfd.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/evloop.h"

struct probe {
	atomic_int	 calls;
	atomic_int	 events;	/* of the last call */
	atomic_int	 fd;
	atomic_int	 frees;
	atomic_bool	 free_on_loop;
	/* Atomic: set while the loop may be reading them. */
	atomic_int	 other;		/* a watch to remove, or 0 */
	atomic_bool	 drain;		/* read the byte the call is for */
	atomic_bool	 off;		/* turn itself off */
	atomic_bool	 remove;	/* remove itself */
};

static pthread_t	loop_thread;
static atomic_bool	loop_known;

static void
sleep_ms(int ms)
{
	struct timespec	ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Waits up to ms for *v to reach want; returns its value. */
static int
wait_for(atomic_int *v, int want, int ms)
{
	while (atomic_load(v) < want && ms-- > 0)
		sleep_ms(1);
	return atomic_load(v);
}

static void
note_loop_thread(void)
{
	if (!atomic_load(&loop_known)) {
		loop_thread = pthread_self();
		atomic_store(&loop_known, true);
	}
}

static void
on_handle(int watch, int fd, int events, void *arg)
{
	struct probe	*p = arg;
	ssize_t		 r = 0;
	char		 c;

	note_loop_thread();
	atomic_store(&p->events, events);
	atomic_store(&p->fd, fd);
	if (atomic_load(&p->drain) && (events & VIR_EVENT_HANDLE_READABLE))
		r = read(fd, &c, 1);
	(void)r;
	if (atomic_load(&p->other) != 0)
		evloop_remove_handle(atomic_load(&p->other));
	if (atomic_load(&p->off))
		evloop_update_handle(watch, 0);
	if (atomic_load(&p->remove))
		evloop_remove_handle(watch);
	atomic_fetch_add(&p->calls, 1);
}

static void
on_timeout(int timer, void *arg)
{
	struct probe	*p = arg;

	note_loop_thread();
	if (atomic_load(&p->remove))
		evloop_remove_timeout(timer);
	atomic_fetch_add(&p->calls, 1);
}

static void
on_free(void *arg)
{
	struct probe	*p = arg;

	atomic_store(&p->free_on_loop, atomic_load(&loop_known) &&
	    pthread_equal(pthread_self(), loop_thread));
	atomic_fetch_add(&p->frees, 1);
}

static void
put(int fd)
{
	assert_int_equal(write(fd, "x", 1), 1);
}

static void
dispatch_and_interest(void **state)
{
	struct probe	p = { .drain = true };
	int		fds[2], w;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	w = evloop_add_handle(fds[0], VIR_EVENT_HANDLE_READABLE, on_handle,
	    &p, on_free);
	assert_true(w > 0);
	put(fds[1]);
	assert_int_equal(wait_for(&p.calls, 1, 2000), 1);
	assert_int_equal(atomic_load(&p.events), VIR_EVENT_HANDLE_READABLE);
	assert_int_equal(atomic_load(&p.fd), fds[0]);

	/* Off: a byte waits unseen; on again: it is delivered. */
	evloop_update_handle(w, 0);
	put(fds[1]);
	sleep_ms(100);
	assert_int_equal(atomic_load(&p.calls), 1);
	evloop_update_handle(w, VIR_EVENT_HANDLE_READABLE);
	assert_int_equal(wait_for(&p.calls, 2, 2000), 2);

	/* The peer gone: a hang-up, even when only reading is asked for. */
	atomic_store(&p.off, true);
	close(fds[1]);
	assert_int_equal(wait_for(&p.calls, 3, 2000), 3);
	assert_true(atomic_load(&p.events) & VIR_EVENT_HANDLE_HANGUP);

	assert_int_equal(evloop_remove_handle(w), 0);
	assert_int_equal(evloop_remove_handle(w), -1);
	assert_int_equal(wait_for(&p.frees, 1, 2000), 1);
	assert_true(atomic_load(&p.free_on_loop));
	close(fds[0]);
}

/* Two watches of one fd: epoll takes one registration per fd, each
 * watch has its own. */
static void
same_fd_twice(void **state)
{
	struct probe	a = { .off = true }, b = { .off = true };
	int		fds[2], wa, wb;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	wa = evloop_add_handle(fds[0], VIR_EVENT_HANDLE_READABLE, on_handle,
	    &a, on_free);
	wb = evloop_add_handle(fds[0], VIR_EVENT_HANDLE_READABLE, on_handle,
	    &b, on_free);
	assert_true(wa > 0 && wb > 0 && wa != wb);
	put(fds[1]);
	assert_int_equal(wait_for(&a.calls, 1, 2000), 1);
	assert_int_equal(wait_for(&b.calls, 1, 2000), 1);
	assert_int_equal(atomic_load(&a.fd), fds[0]);
	assert_int_equal(atomic_load(&b.fd), fds[0]);
	evloop_remove_handle(wa);
	evloop_remove_handle(wb);
	assert_int_equal(wait_for(&a.frees, 1, 2000), 1);
	assert_int_equal(wait_for(&b.frees, 1, 2000), 1);
	close(fds[0]);
	close(fds[1]);
}

/* Holds the loop in a callback while the test makes two pipes readable,
 * so that both come back in one epoll batch. */
static atomic_int	gate_open;

static void
on_gate(int watch, int fd, int events, void *arg)
{
	uint64_t	v;

	(void)watch;
	(void)events;
	(void)arg;
	if (read(fd, &v, sizeof v) != sizeof v)
		return;
	atomic_fetch_add(&gate_open, 1);
	while (atomic_load(&gate_open) < 2)
		sleep_ms(1);
}

static void
removed_while_pending(void **state)
{
	struct probe	a = { .off = true }, b = { .off = true };
	uint64_t	one = 1;
	int		pa[2], pb[2], gate, wg, wa, wb, n;

	(void)state;
	assert_int_equal(pipe(pa), 0);
	assert_int_equal(pipe(pb), 0);
	gate = eventfd(0, EFD_NONBLOCK);
	assert_true(gate >= 0);
	wg = evloop_add_handle(gate, VIR_EVENT_HANDLE_READABLE, on_gate,
	    NULL, NULL);
	wa = evloop_add_handle(pa[0], VIR_EVENT_HANDLE_READABLE, on_handle,
	    &a, on_free);
	wb = evloop_add_handle(pb[0], VIR_EVENT_HANDLE_READABLE, on_handle,
	    &b, on_free);
	atomic_store(&a.other, wb);
	atomic_store(&b.other, wa);
	assert_int_equal(write(gate, &one, sizeof one), sizeof one);
	assert_int_equal(wait_for(&gate_open, 1, 2000), 1);
	put(pa[1]);
	put(pb[1]);
	atomic_store(&gate_open, 2);

	/* Whichever runs first removes the other, pending in the batch. */
	for (n = 0; n < 2000 && atomic_load(&a.frees) +
	    atomic_load(&b.frees) == 0; n++)
		sleep_ms(1);
	sleep_ms(100);
	assert_int_equal(atomic_load(&a.calls) + atomic_load(&b.calls), 1);
	assert_int_equal(atomic_load(&a.frees) + atomic_load(&b.frees), 1);
	if (atomic_load(&a.calls) == 1) {
		assert_true(atomic_load(&b.free_on_loop));
		evloop_remove_handle(wa);
		assert_int_equal(wait_for(&a.frees, 1, 2000), 1);
	} else {
		assert_true(atomic_load(&a.free_on_loop));
		evloop_remove_handle(wb);
		assert_int_equal(wait_for(&b.frees, 1, 2000), 1);
	}
	sleep_ms(50);
	assert_int_equal(atomic_load(&a.frees), 1);
	assert_int_equal(atomic_load(&b.frees), 1);
	evloop_remove_handle(wg);
	close(gate);
	close(pa[0]);
	close(pa[1]);
	close(pb[0]);
	close(pb[1]);
}

static void
self_removal(void **state)
{
	struct probe	h = { .remove = true }, t = { .remove = true };
	int		fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_true(evloop_add_handle(fds[0], VIR_EVENT_HANDLE_READABLE,
	    on_handle, &h, on_free) > 0);
	put(fds[1]);
	assert_true(evloop_add_timeout(0, on_timeout, &t, on_free) > 0);
	assert_int_equal(wait_for(&h.frees, 1, 2000), 1);
	assert_int_equal(wait_for(&t.frees, 1, 2000), 1);
	sleep_ms(50);
	assert_int_equal(atomic_load(&h.calls), 1);
	assert_int_equal(atomic_load(&t.calls), 1);
	assert_int_equal(atomic_load(&h.frees), 1);
	assert_true(atomic_load(&h.free_on_loop));
	assert_true(atomic_load(&t.free_on_loop));
	close(fds[0]);
	close(fds[1]);
}

static void
timeouts(void **state)
{
	struct probe	zero = { 0 }, off = { 0 }, every = { 0 };
	int		tz, toff, tev, n;

	(void)state;
	tz = evloop_add_timeout(0, on_timeout, &zero, on_free);
	toff = evloop_add_timeout(-1, on_timeout, &off, on_free);
	tev = evloop_add_timeout(50, on_timeout, &every, on_free);
	assert_true(tz > 0 && toff > 0 && tev > 0);
	sleep_ms(275);
	assert_true(atomic_load(&zero.calls) > 20);
	assert_int_equal(atomic_load(&off.calls), 0);
	n = atomic_load(&every.calls);
	assert_true(n >= 2 && n <= 6);

	/* -1 stops a timeout, an interval restarts it. */
	evloop_update_timeout(tz, -1);
	sleep_ms(20);
	n = atomic_load(&zero.calls);
	sleep_ms(100);
	assert_int_equal(atomic_load(&zero.calls), n);
	evloop_update_timeout(toff, 10);
	assert_true(wait_for(&off.calls, 1, 2000) >= 1);

	evloop_remove_timeout(tz);
	evloop_remove_timeout(toff);
	evloop_remove_timeout(tev);
	assert_int_equal(evloop_remove_timeout(tev), -1);
	assert_int_equal(wait_for(&zero.frees, 1, 2000), 1);
	assert_int_equal(wait_for(&off.frees, 1, 2000), 1);
	assert_int_equal(wait_for(&every.frees, 1, 2000), 1);
	n = atomic_load(&every.calls);
	sleep_ms(120);
	assert_int_equal(atomic_load(&every.calls), n);
}

/* The loop asleep for 10 s: a sooner timeout added or updated from this
 * thread wakes it, and a handle added or turned on is seen at once. */
static void
changes_while_asleep(void **state)
{
	struct probe	slow = { 0 }, soon = { 0 }, h = { .drain = true };
	int		fds[2], ts, tn, w;

	(void)state;
	ts = evloop_add_timeout(10000, on_timeout, &slow, on_free);
	sleep_ms(50);
	tn = evloop_add_timeout(20, on_timeout, &soon, on_free);
	assert_int_equal(wait_for(&soon.calls, 1, 500), 1);
	evloop_update_timeout(tn, -1);
	sleep_ms(50);
	evloop_update_timeout(ts, 10);
	assert_int_equal(wait_for(&slow.calls, 1, 500), 1);
	evloop_update_timeout(ts, 10000);
	sleep_ms(50);

	assert_int_equal(pipe(fds), 0);
	w = evloop_add_handle(fds[0], 0, on_handle, &h, on_free);
	assert_true(w > 0);
	put(fds[1]);
	sleep_ms(50);
	assert_int_equal(atomic_load(&h.calls), 0);
	evloop_update_handle(w, VIR_EVENT_HANDLE_READABLE);
	assert_int_equal(wait_for(&h.calls, 1, 500), 1);
	evloop_remove_handle(w);
	evloop_remove_timeout(ts);
	evloop_remove_timeout(tn);
	assert_int_equal(wait_for(&h.frees, 1, 2000), 1);
	assert_int_equal(wait_for(&slow.frees, 1, 2000), 1);
	assert_int_equal(wait_for(&soon.frees, 1, 2000), 1);
	close(fds[0]);
	close(fds[1]);
}

/* Stopped, nothing runs; started again, what was added meanwhile runs. */
static void
stop_and_restart(void **state)
{
	struct probe	t = { .remove = true };

	(void)state;
	evloop_stop();
	evloop_add_timeout(0, on_timeout, &t, on_free);
	sleep_ms(50);
	assert_int_equal(atomic_load(&t.calls), 0);
	atomic_store(&loop_known, false);
	assert_int_equal(evloop_start(), 0);
	assert_int_equal(wait_for(&t.frees, 1, 2000), 1);
	assert_int_equal(atomic_load(&t.calls), 1);
	assert_true(atomic_load(&t.free_on_loop));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(dispatch_and_interest),
		cmocka_unit_test(same_fd_twice),
		cmocka_unit_test(removed_while_pending),
		cmocka_unit_test(self_removal),
		cmocka_unit_test(timeouts),
		cmocka_unit_test(changes_while_asleep),
		cmocka_unit_test(stop_and_restart),
	};
	int	rc;

	if (evloop_start() != 0)
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	evloop_stop();
	return rc;
}
