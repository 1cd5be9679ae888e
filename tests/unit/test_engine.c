/* The engine's pollers against a fake backend: publishing, rates, down and
 * back, actions, read-only, and the watchdog on a call that hangs. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "backends/backend.h"
#include "config/certs.h"
#include "core/cert.h"
#include "core/clock.h"
#include "core/conf.h"
#include "core/engine.h"
#include "core/err.h"
#include "core/evlog.h"
#include "core/fleet.h"
#include "core/snap.h"
#include "core/xmalloc.h"

/* What each fake host does; index = host. Locked by fake_lock. */
struct fake_host {
	int		fail_open;
	int		fail_poll;
	int		hang_poll;
	int		hang_once;	/* the next poll (or action) hangs */
	int		hang_act;
	int		stuck;		/* threads inside a hung call */
	int		polls;
	int		acts;
	int		fail_act;
	int		hang_open;
	int		platform_hold;	/* its reads wait until released */
	int		platform_flaky;	/* its next reads fail on the way */
	char		last_act_id[40];
	enum action	last_act;
};

static pthread_mutex_t	fake_lock;	/* see init_fake_lock */
static pthread_cond_t	fake_cond = PTHREAD_COND_INITIALIZER;
#define FAKE_HOSTS	(ENGINE_PLATFORM_READS + 4)
static struct fake_host	fake[FAKE_HOSTS];
static int		fake_defer;	/* open leaves the platform for later */
static int		fake_platform_fail;
static int		fake_platform_flaky;	/* reads failing on the way */
static int		fake_platform_reads;
static const char	*fake_os_id;	/* alpha's; locked by fake_lock */
static int		 fake_alternate; /* the guests swap places each poll */
static int		 fake_details;	/* a poll may leave the OS; fake0's
					   next one then holds until
					   released */

struct backend_conn {
	int	host;
};

static int
fake_open(const struct cfg_host *hc, const struct backend_params *bp,
    struct backend_conn **out, struct raw_host *rh, struct cv_err *err)
{
	int	i = hc->name[4] - '0', fail;

	pthread_mutex_lock(&fake_lock);
	while (fake[i].hang_open)
		pthread_cond_wait(&fake_cond, &fake_lock);
	fail = fake[i].fail_open;
	pthread_mutex_unlock(&fake_lock);
	if (fail)
		return cv_err_set(err, CV_E_CONNECT, "refused by fake");
	*out = xcalloc(1, sizeof **out);
	(*out)->host = i;
	strcpy(rh->hypervisor, "FAKE 1.0");
	if (fake_defer && bp->defer_platform)
		rh->platform_later = true;
	else if (fake_defer)
		strcpy(rh->platform, "rhel-9.4");
	return 0;
}

static int
fake_platform(struct backend_conn *c, struct raw_host *rh, struct cv_err *err)
{
	struct fake_host	*f = &fake[c->host];
	bool			 flaky;

	(void)err;
	pthread_mutex_lock(&fake_lock);
	fake_platform_reads++;
	while (f->platform_hold)
		pthread_cond_wait(&fake_cond, &fake_lock);
	flaky = fake_platform_flaky > 0 || f->platform_flaky > 0;
	if (fake_platform_flaky > 0)
		fake_platform_flaky--;
	else if (f->platform_flaky > 0)
		f->platform_flaky--;
	pthread_mutex_unlock(&fake_lock);
	rh->platform_retry = flaky;
	if (flaky)
		strcpy(rh->notice, "host platform not read (timeout)");
	else if (fake_platform_fail)
		strcpy(rh->notice, "host platform not detected");
	else
		strcpy(rh->platform, "rhel-9.4");
	rh->platform_later = false;
	return 0;
}

static int
fake_poll(struct backend_conn *c, struct raw_sample *s, struct cv_err *err)
{
	struct fake_host	*f = &fake[c->host];
	struct raw_guest	*g;
	int			 n;
	bool			 later = fake_details && s->defer_details;

	pthread_mutex_lock(&fake_lock);
	if (f->hang_once == 1) {
		/* Only a release (hang_once = 0) ends this one. */
		f->hang_once = 2;
		f->stuck++;
		while (f->hang_once != 0)
			pthread_cond_wait(&fake_cond, &fake_lock);
		f->stuck--;
	}
	while (f->hang_poll)
		pthread_cond_wait(&fake_cond, &fake_lock);
	if (f->fail_poll) {
		pthread_mutex_unlock(&fake_lock);
		return cv_err_set(err, CV_E_CONNECT, "link lost");
	}
	n = ++f->polls;
	if (later && c->host == 0)
		f->hang_poll = 1;
	pthread_mutex_unlock(&fake_lock);

	s->n = 0;
	s->taken_ns = (uint64_t)n * 1000000000u;
	if (fake_alternate && n % 2 == 0) {
		g = raw_sample_next(s);
		strcpy(g->id, "uuid-b");
		g->name = "beta";
		g->state = GUEST_SHUTOFF;
	}
	g = raw_sample_next(s);
	strcpy(g->id, "uuid-a");
	g->name = "alpha";
	pthread_mutex_lock(&fake_lock);
	g->os_id = later ? NULL : fake_os_id;
	pthread_mutex_unlock(&fake_lock);
	g->details_later = later;
	g->state = GUEST_RUNNING;
	g->have = RAW_VCPUS | RAW_CPU_TIME;
	g->vcpus = 1;
	g->cpu_time_ns = (uint64_t)n * 250000000u;	/* 25 % */
	if (fake_alternate && n % 2 == 0)
		return 0;
	g = raw_sample_next(s);
	strcpy(g->id, "uuid-b");
	g->name = "beta";
	g->state = GUEST_SHUTOFF;
	g->details_later = later;
	return 0;
}

static int
fake_act(struct backend_conn *c, const char *id, enum action a,
    struct cv_err *err)
{
	struct fake_host	*f = &fake[c->host];
	int			 fail;

	pthread_mutex_lock(&fake_lock);
	if (f->hang_act) {
		f->stuck++;
		while (f->hang_act)
			pthread_cond_wait(&fake_cond, &fake_lock);
		f->stuck--;
	}
	f->acts++;
	f->last_act = a;
	strcpy(f->last_act_id, id);
	fail = f->fail_act;
	pthread_mutex_unlock(&fake_lock);
	if (fail)
		return cv_err_set(err, CV_E_FAILED, "fake refuses");
	return 0;
}

static void
fake_close(struct backend_conn *c)
{
	free(c);
}

static const struct backend_ops fake_ops = {
	.type = "fake",
	.open = fake_open,
	.poll = fake_poll,
	.act = fake_act,
	.close = fake_close,
	.platform = fake_platform,
};

static const struct backend_ops *
fake_find(const char *type)
{
	return strcmp(type, "fake") == 0 ? &fake_ops : NULL;
}

/* For hosts that must look like KVM to the certification rules. */
static const struct backend_ops *
fake_find_any(const char *type)
{
	(void)type;
	return &fake_ops;
}

/* N fake hosts, fake0 to fake<N - 1>. */
static void
make_cfg_n(struct cfg *c, bool read_only, size_t n)
{
	size_t	i;

	cfg_init_defaults(c);
	c->refresh = 0.05;
	c->poll_timeout = 0.4;
	c->connect_timeout = 0.4;
	c->backoff_max = 0.1;
	c->read_only = read_only;
	c->nhosts = n;
	c->hosts = xcalloc(n, sizeof *c->hosts);
	for (i = 0; i < n; i++) {
		xasprintf(&c->hosts[i].name, "fake%zu", i);
		c->hosts[i].type = xstrdup("fake");
	}
	memset(fake, 0, sizeof fake);
	fake_defer = fake_platform_fail = 0;
	fake_platform_flaky = fake_platform_reads = 0;
	fake_os_id = NULL;
	fake_alternate = 0;
	fake_details = 0;
}

static void
make_cfg(struct cfg *c, bool read_only)
{
	make_cfg_n(c, read_only, 2);
}

/*
 * The engine of the running test. A failed assertion leaves its test before
 * engine_free: the teardown ends that engine, whose pollers would otherwise
 * go on into the next tests (they share the fakes). Each test's config is
 * static for the same reason: pollers read it until they end.
 */
static struct engine	*live;

/* Creates the test's engine and starts it; startup (engine_guests_first
 * and the like) is NULL for the engine's default. */
static struct engine *
engine_up(const struct cfg *c, const struct cert_matrix *m,
    engine_backend_fn *find, void (*startup)(struct engine *))
{
	live = engine_create(c, m, find);
	if (startup != NULL)
		startup(live);
	engine_start(live);
	return live;
}

static void
engine_down(struct engine *e)
{
	if (e == live)
		live = NULL;
	engine_free(e);
}

/* Error-checking: a test that failed holding the lock does not deadlock
 * its teardown (end_live_engine). */
static int
init_fake_lock(void **state)
{
	pthread_mutexattr_t	a;

	(void)state;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(&fake_lock, &a);
	pthread_mutexattr_destroy(&a);
	return 0;
}

/* Releases every hung fake call, so that the engine's threads can end
 * rather than be left behind into the next tests. */
static int
end_live_engine(void **state)
{
	int	i;

	(void)state;
	if (live == NULL)
		return 0;
	/* EDEADLK when the test failed holding it: held once either way. */
	(void)pthread_mutex_lock(&fake_lock);
	for (i = 0; i < FAKE_HOSTS; i++)
		fake[i].platform_hold = fake[i].hang_open =
		    fake[i].hang_poll = fake[i].hang_act =
		    fake[i].hang_once = 0;
	pthread_cond_broadcast(&fake_cond);
	pthread_mutex_unlock(&fake_lock);
	engine_down(live);
	return 0;
}

/* Waits (bounded) until host i's snapshot satisfies the predicate. */
static const struct host_snap *
wait_host(struct engine *e, size_t i, bool (*pred)(const struct host_snap *))
{
	struct fleet		*f = engine_fleet(e);
	struct fleet_view	 v;
	const struct host_snap	*h = NULL;
	uint64_t		 until = clock_mono_ms() + 5000;

	while (clock_mono_ms() < until) {
		fleet_acquire(f, &v);
		if (pred(v.hosts[i]))
			h = snap_ref(v.hosts[i]);
		fleet_view_release(&v);
		if (h != NULL)
			return h;
		fleet_wait(f, fleet_gen(f), 50);
	}
	fail_msg("host %zu never reached the state", i);
	return NULL;
}

static bool
polled_twice(const struct host_snap *h)
{
	return h->state == HOST_UP && h->polls >= 2;
}

static bool
is_down(const struct host_snap *h)
{
	return h->state == HOST_DOWN;
}

static bool
is_up(const struct host_snap *h)
{
	return h->state == HOST_UP;
}

static void
publishes_guests_and_rates(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	e = engine_up(&c, NULL, fake_find, NULL);
	h = wait_host(e, 0, polled_twice);
	assert_string_equal(h->name, "fake0");
	assert_string_equal(h->hypervisor, "FAKE 1.0");
	assert_int_equal(h->nguests, 2);
	assert_string_equal(h->guests[0].name, "alpha");
	assert_true(h->guests[0].have & GS_CPU);
	assert_true(h->guests[0].cpu_pct > 24.9 && h->guests[0].cpu_pct < 25.1);
	/* A shut-off guest has no figures at all: null, not 0. */
	assert_int_equal(h->guests[1].have, 0);
	assert_false(h->stale);
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
}

static bool
alpha_rated_late(const struct host_snap *h)
{
	return h->state == HOST_UP && h->polls >= 6 && h->nguests == 2 &&
	    (h->guests[0].have & GS_CPU) && h->guests[0].cpu_pct > 24.9 &&
	    h->guests[0].cpu_pct < 25.1;
}

/* A backend that lists its guests in a new order keeps their rates: the
 * last figures are found by id when not at the same place. */
static void
rates_survive_a_new_order(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	fake_alternate = 1;
	e = engine_up(&c, NULL, fake_find, NULL);
	h = wait_host(e, 0, alpha_rated_late);
	assert_string_equal(h->guests[1].name, "beta");
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
}

static bool
platform_settled(const struct host_snap *h)
{
	return h->state == HOST_UP && !h->platform_pending &&
	    h->nguests == 2 && !snap_cert_pending(&h->guests[0]) &&
	    !snap_cert_pending(&h->guests[1]);
}

static char	*alpha_reason;	/* the verdict the test waits for or away from */

static bool
alpha_has_reason(const struct host_snap *h)
{
	return h->state == HOST_UP && h->nguests == 2 &&
	    strcmp(h->guests[0].cert.reason, alpha_reason) == 0;
}

static bool
alpha_lost_reason(const struct host_snap *h)
{
	return h->state == HOST_UP && h->nguests == 2 &&
	    strcmp(h->guests[0].cert.reason, alpha_reason) != 0;
}

static void
set_alpha_os(const char *os_id)
{
	pthread_mutex_lock(&fake_lock);
	fake_os_id = os_id;
	pthread_mutex_unlock(&fake_lock);
}

/* A verdict is reused while its guest's inputs stay the same: when the
 * guest's OS changes between two polls, the verdict follows at once, and
 * back again. */
static void
verdict_follows_guest_inputs(void **state)
{
	static struct cfg	 c;
	struct cert_matrix	*m;
	struct cv_err		 err;
	struct engine		*e;
	const struct host_snap	*h;
	char			*rhel;

	(void)state;
	if (certs_load("config/certifications.conf", NULL, &m, &err) != 0)
		fail_msg("%s", err.msg);
	make_cfg(&c, false);
	free(c.hosts[0].type);
	c.hosts[0].type = xstrdup("kvm");
	c.hosts[0].platform = xstrdup("rhel-9.4");
	set_alpha_os("rhel9.4");
	e = engine_up(&c, m, fake_find_any, NULL);
	h = wait_host(e, 0, polled_twice);
	rhel = xstrdup(h->guests[0].cert.reason);
	snap_unref(h);

	alpha_reason = rhel;
	set_alpha_os("win2k22");
	h = wait_host(e, 0, alpha_lost_reason);
	snap_unref(h);
	set_alpha_os("rhel9.4");
	h = wait_host(e, 0, alpha_has_reason);
	snap_unref(h);
	engine_down(e);
	free(rhel);
	cert_matrix_free(m);
	cfg_free(&c);
}

static void
assert_pending(const struct host_snap *h)
{
	size_t	i;

	assert_true(h->platform_pending);
	assert_null(h->platform);
	assert_int_equal(h->nguests, 2);
	for (i = 0; i < h->nguests; i++) {
		assert_true(snap_cert_pending(&h->guests[i]));
		assert_int_equal(h->guests[i].cert.status, CERT_UNKNOWN);
	}
}

/* Lets fake1's connect go on; both hosts then read their platform, and
 * every verdict is worked out. */
static void
open_fake1_then_platforms(struct engine *e)
{
	const struct host_snap	*h;
	size_t			 i;

	pthread_mutex_lock(&fake_lock);
	fake[1].hang_open = 0;
	pthread_cond_broadcast(&fake_cond);
	pthread_mutex_unlock(&fake_lock);
	for (i = 0; i < 2; i++) {
		h = wait_host(e, i, platform_settled);
		assert_string_equal(h->platform, "rhel-9.4");
		snap_unref(h);
	}
}

/* The console's start-up: a host comes up with its guests while another
 * still connects, its verdicts pending; its platform is read once every
 * host is up or down, and the verdicts follow. */
static void
platform_read_after_every_connect(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	c.connect_timeout = 10;
	fake_defer = 1;
	fake[1].hang_open = 1;
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	h = wait_host(e, 0, is_up);
	assert_pending(h);
	snap_unref(h);
	/* Polls go on; the verdicts still wait for fake1. */
	h = wait_host(e, 0, polled_twice);
	assert_pending(h);
	snap_unref(h);
	open_fake1_then_platforms(e);
	engine_down(e);
	cfg_free(&c);
}

/* A platform that cannot be read leaves the verdicts to say so, never
 * pending; an engine with no start-up of its own (act's) reads it at
 * connect. */
static void
platform_unread_or_not_deferred(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	fake_defer = 1;
	fake_platform_fail = 1;
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	h = wait_host(e, 0, platform_settled);
	assert_null(h->platform);
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);

	make_cfg(&c, false);
	fake_defer = 1;
	e = engine_up(&c, NULL, fake_find, NULL);
	h = wait_host(e, 0, is_up);
	assert_false(h->platform_pending);
	assert_string_equal(h->platform, "rhel-9.4");
	assert_false(snap_cert_pending(&h->guests[0]));
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
}

static bool
polled_often(const struct host_snap *h)
{
	return h->state == HOST_UP && h->polls >= 10;
}

static bool
platform_known(const struct host_snap *h)
{
	return platform_settled(h) && h->platform != NULL;
}

static int
platform_reads(void)
{
	int	n;

	pthread_mutex_lock(&fake_lock);
	n = fake_platform_reads;
	pthread_mutex_unlock(&fake_lock);
	return n;
}

/* Six hosts whose platforms are read once all are up, polled once an hour:
 * only a wake-up within the engine brings a read on in a test's time. */
static void
make_cfg_hourly(struct cfg *c)
{
	make_cfg_n(c, false, ENGINE_PLATFORM_READS + 2);
	c->refresh = 3600;
	c->connect_timeout = 10;
	fake_defer = 1;
}

/* Waits (bounded) until N platform reads have started. */
static void
wait_platform_reads(int n)
{
	uint64_t	until = clock_mono_ms() + 5000;

	while (platform_reads() < n && clock_mono_ms() < until)
		nanosleep(&(struct timespec){ 0, 10000000L }, NULL);
	assert_true(platform_reads() >= n);
}

/* Lets every held platform read go on. */
static void
platform_release(void)
{
	size_t	i;

	pthread_mutex_lock(&fake_lock);
	for (i = 0; i < FAKE_HOSTS; i++)
		fake[i].platform_hold = 0;
	pthread_cond_broadcast(&fake_cond);
	pthread_mutex_unlock(&fake_lock);
}

/* Platform reads go ENGINE_PLATFORM_READS at a time, and two hosts more
 * wait for a slot. One that ends hands its slot to a
 * host queued for one, which reads at once, not at its next poll: with a
 * refresh of an hour, the test would wait for that in vain. */
static void
platform_slot_handed_on(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	size_t			 i;

	(void)state;
	make_cfg_hourly(&c);
	for (i = 0; i < c.nhosts; i++)
		fake[i].platform_hold = 1;
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	wait_platform_reads(ENGINE_PLATFORM_READS);
	assert_int_equal(platform_reads(), ENGINE_PLATFORM_READS);
	platform_release();
	for (i = 0; i < c.nhosts; i++)
		snap_unref(wait_host(e, i, platform_known));
	assert_int_equal(platform_reads(), (int)c.nhosts);
	engine_down(e);
	cfg_free(&c);
}

/* A retry that finds every read slot taken waits in the queue as a first
 * read does, and a slot handed on wakes it: no poll would, within the
 * hour. Whether fake0's retry finds the slots taken depends on the order
 * the reads start in; the test passes either way, and fails only if a
 * queued retry is left asleep. */
static void
platform_retry_queued_takes_a_slot(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	size_t			 i;

	(void)state;
	make_cfg_hourly(&c);
	fake[0].platform_flaky = 1;
	for (i = 1; i < c.nhosts; i++)
		fake[i].platform_hold = 1;
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	/* Every slot at least, whichever hosts took them: one more when
	 * fake0 was among them, its read failed and its slot went on. */
	wait_platform_reads(ENGINE_PLATFORM_READS);
	/* fake0's retry comes after backoff_max at most. */
	nanosleep(&(struct timespec){ 0, 300000000L }, NULL);
	platform_release();
	for (i = 0; i < c.nhosts; i++)
		snap_unref(wait_host(e, i, platform_known));
	engine_down(e);
	cfg_free(&c);
}

/* A read that failed on its way is tried again when its backoff ends, not
 * at the host's next poll (an hour away here). */
static void
platform_retry_keeps_its_time(void **state)
{
	static struct cfg	 c;
	struct engine		*e;

	(void)state;
	make_cfg(&c, false);
	c.refresh = 3600;
	fake_defer = 1;
	fake_platform_flaky = 1;
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	snap_unref(wait_host(e, 0, platform_known));
	snap_unref(wait_host(e, 1, platform_known));
	assert_int_equal(platform_reads(), 3);
	engine_down(e);
	cfg_free(&c);
}

/* A read that failed on its way (no answer, a timeout) is tried again
 * until the platform is known: the verdicts do not stay unknown until a
 * reconnect. A platform that is not there (no os-release) is not. */
static void
platform_read_again_after_failing_on_the_way(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;
	int			 reads;

	(void)state;
	make_cfg(&c, false);
	fake_defer = 1;
	fake_platform_flaky = 4;
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	h = wait_host(e, 0, platform_known);
	assert_string_equal(h->platform, "rhel-9.4");
	snap_unref(h);
	h = wait_host(e, 1, platform_known);
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
	pthread_mutex_lock(&fake_lock);
	reads = fake_platform_reads;
	pthread_mutex_unlock(&fake_lock);
	assert_int_equal(reads, 6);

	make_cfg(&c, false);
	fake_defer = 1;
	fake_platform_fail = 1;
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	h = wait_host(e, 0, platform_settled);
	snap_unref(h);
	/* Room for retries, were there any: a few times backoff_max. */
	h = wait_host(e, 0, polled_often);
	snap_unref(h);
	h = wait_host(e, 1, polled_often);
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
	pthread_mutex_lock(&fake_lock);
	reads = fake_platform_reads;
	pthread_mutex_unlock(&fake_lock);
	assert_int_equal(reads, 2);
}

static bool
details_pending(const struct guest_snap *g)
{
	return snap_cert_pending(g) && strstr(g->cert.reason, "guest's") !=
	    NULL;
}

static bool
details_read(const struct host_snap *h)
{
	return h->polls >= 2 && platform_settled(h);
}

/* The console's start-up again: a first poll that leaves the guests' OS
 * to the next shows them at once, their verdicts pending; the next poll
 * works the verdicts out, also for a guest whose OS stays unknown (beta),
 * whose inputs are those of the pending poll. Batch's start-up reads them
 * at the first poll. */
static void
details_follow_at_next_poll(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	fake_details = 1;
	fake_os_id = "rhel9.4";
	e = engine_up(&c, NULL, fake_find, engine_guests_first);
	h = wait_host(e, 0, is_up);
	assert_int_equal(h->polls, 1);
	assert_int_equal(h->nguests, 2);
	assert_string_equal(h->guests[0].name, "alpha");
	assert_null(h->guests[0].os_id);
	assert_true(details_pending(&h->guests[0]));
	assert_true(details_pending(&h->guests[1]));
	snap_unref(h);
	pthread_mutex_lock(&fake_lock);
	fake[0].hang_poll = 0;
	pthread_cond_broadcast(&fake_cond);
	pthread_mutex_unlock(&fake_lock);
	h = wait_host(e, 0, details_read);
	assert_string_equal(h->guests[0].os_id, "rhel9.4");
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);

	make_cfg(&c, false);
	fake_details = 1;
	e = engine_up(&c, NULL, fake_find, engine_platforms_last);
	h = wait_host(e, 0, is_up);
	assert_false(snap_cert_pending(&h->guests[0]));
	assert_false(snap_cert_pending(&h->guests[1]));
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
}

static void
fake_open_release(int from, int to)
{
	int	i;

	pthread_mutex_lock(&fake_lock);
	for (i = from; i < to; i++)
		fake[i].hang_open = 0;
	fake[0].hang_poll = 0;
	pthread_cond_broadcast(&fake_cond);
	pthread_mutex_unlock(&fake_lock);
}

static bool
details_wait_for_crowd(const struct host_snap *h)
{
	return h->polls >= 2 && details_pending(&h->guests[0]) &&
	    strstr(h->guests[0].cert.reason, "hosts have connected") != NULL;
}

/* Seven hosts, fake1 to fake6 hanging in their connect until released;
 * the guests' details give rhel9.4. */
static struct engine *
crowd_up(struct cfg *c, void (*startup)(struct engine *))
{
	int	i;

	make_cfg_n(c, false, 7);
	c->connect_timeout = 30;
	fake_details = 1;
	fake_os_id = "rhel9.4";
	for (i = 1; i < 7; i++)
		fake[i].hang_open = 1;
	return engine_up(c, NULL, fake_find, startup);
}

/* The hosts still connecting, fake FROM on, end before their engine. */
static void
crowd_down(struct engine *e, struct cfg *c, int from)
{
	int	i;

	fake_open_release(from, 7);
	for (i = from; i < 7; i++)
		snap_unref(wait_host(e, (size_t)i, is_up));
	engine_down(e);
	cfg_free(c);
}

/* The console's start-up, with a crowd that lasts as long as the test
 * needs it. */
static void
guests_first_crowd_stays(struct engine *e)
{
	engine_guests_first(e);
	engine_crowd_quiet(e, 3600 * 1000);
}

/* While more than four hosts still connect, the console's polls go on
 * leaving the guests' details; a host waiting out its connect holds them
 * back no longer once the others are in. */
static void
details_wait_for_a_crowd(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	e = crowd_up(&c, guests_first_crowd_stays);
	h = wait_host(e, 0, is_up);
	assert_true(details_pending(&h->guests[0]));
	snap_unref(h);
	fake_open_release(0, 0);
	h = wait_host(e, 0, details_wait_for_crowd);
	snap_unref(h);
	/* Four hosts still connecting are no crowd. */
	fake_open_release(1, 3);
	h = wait_host(e, 0, details_read);
	assert_string_equal(h->guests[0].os_id, "rhel9.4");
	snap_unref(h);
	crowd_down(e, &c, 3);
}

static bool
os_read(const struct host_snap *h)
{
	return h->state == HOST_UP && h->guests[0].os_id != NULL;
}

/* Hosts that hang in their connect until their timeout take no CPU: once
 * none has come up or down for two seconds, they are no crowd, and the
 * hosts that are up read their details. */
static void
details_wait_not_for_hung_hosts(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	struct fleet_view	 v;
	const struct host_snap	*h = NULL;
	uint64_t		 until;

	(void)state;
	e = crowd_up(&c, engine_guests_first);
	snap_unref(wait_host(e, 0, is_up));
	/* fake0 holds each poll that leaves the details: let them go. */
	for (until = clock_mono_ms() + 10000; h == NULL &&
	    clock_mono_ms() < until; fleet_wait(engine_fleet(e),
	    fleet_gen(engine_fleet(e)), 50)) {
		fake_open_release(0, 0);
		fleet_acquire(engine_fleet(e), &v);
		if (os_read(v.hosts[0]))
			h = snap_ref(v.hosts[0]);
		fleet_view_release(&v);
	}
	assert_non_null(h);
	assert_string_equal(h->guests[0].os_id, "rhel9.4");
	snap_unref(h);
	crowd_down(e, &c, 1);
}

/* Batch's and audit's start-up: no platform is read while a host still
 * connects, so that a second session per host never slows the connects;
 * the guests' details come with the first poll. */
static void
batch_reads_platforms_after_every_connect(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	c.connect_timeout = 10;
	fake_defer = 1;
	fake_details = 1;
	fake_os_id = "rhel9.4";
	fake[1].hang_open = 1;
	e = engine_up(&c, NULL, fake_find, engine_platforms_last);
	h = wait_host(e, 0, polled_twice);
	assert_true(h->platform_pending);
	assert_string_equal(h->guests[0].os_id, "rhel9.4");
	assert_false(details_pending(&h->guests[0]));
	snap_unref(h);
	pthread_mutex_lock(&fake_lock);
	assert_int_equal(fake_platform_reads, 0);
	pthread_mutex_unlock(&fake_lock);
	open_fake1_then_platforms(e);
	engine_down(e);
	cfg_free(&c);
}

/* Act's start-up: an action needs no platform, so none is read, and the
 * host is up and polled as ever. */
static void
act_reads_no_platform(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	fake_defer = 1;
	e = engine_up(&c, NULL, fake_find, engine_platforms_never);
	h = wait_host(e, 0, polled_often);
	assert_true(h->platform_pending);
	assert_int_equal(h->nguests, 2);
	snap_unref(h);
	h = wait_host(e, 1, polled_often);
	snap_unref(h);
	engine_down(e);
	assert_int_equal(fake_platform_reads, 0);
	cfg_free(&c);
}

static void
down_host_does_not_stop_others(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	fake[1].fail_open = 1;
	e = engine_up(&c, NULL, fake_find, NULL);
	h = wait_host(e, 1, is_down);
	assert_string_equal(h->error, "refused by fake");
	snap_unref(h);
	h = wait_host(e, 0, polled_twice);
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
}

static void
lost_host_keeps_stale_guests_and_returns(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;

	(void)state;
	make_cfg(&c, false);
	e = engine_up(&c, NULL, fake_find, NULL);
	snap_unref(wait_host(e, 0, polled_twice));
	pthread_mutex_lock(&fake_lock);
	fake[0].fail_poll = 1;
	pthread_mutex_unlock(&fake_lock);
	h = wait_host(e, 0, is_down);
	assert_string_equal(h->error, "link lost");
	assert_true(h->stale);
	assert_int_equal(h->nguests, 2);
	snap_unref(h);
	pthread_mutex_lock(&fake_lock);
	fake[0].fail_poll = 0;
	pthread_mutex_unlock(&fake_lock);
	h = wait_host(e, 0, is_up);
	assert_false(h->stale);
	snap_unref(h);
	engine_down(e);
	cfg_free(&c);
}

static void
actions_reach_the_backend(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	struct evlog_entry	 ev;
	struct cv_err		 err;
	uint64_t		 id;

	(void)state;
	make_cfg(&c, false);
	e = engine_up(&c, NULL, fake_find, NULL);
	snap_unref(wait_host(e, 0, polled_twice));
	id = engine_submit(e, 0, "uuid-a", "alpha", ACTION_PAUSE, &err);
	assert_true(id != 0);
	assert_int_equal(evlog_wait_action(engine_evlog(e), id, 5000, &ev), 0);
	assert_true(ev.ok);
	assert_string_equal(ev.guest, "alpha");
	assert_string_equal(ev.what, "pause");
	assert_string_equal(ev.msg, "paused");
	assert_string_equal(fake[0].last_act_id, "uuid-a");
	assert_int_equal(fake[0].last_act, ACTION_PAUSE);

	pthread_mutex_lock(&fake_lock);
	fake[0].fail_act = 1;
	pthread_mutex_unlock(&fake_lock);
	id = engine_submit(e, 0, "uuid-a", "alpha", ACTION_RESUME, &err);
	assert_int_equal(evlog_wait_action(engine_evlog(e), id, 5000, &ev), 0);
	assert_false(ev.ok);
	assert_string_equal(ev.msg, "fake refuses");
	engine_down(e);
	cfg_free(&c);
}

static void
read_only_refused_in_core(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	struct evlog_entry	 ev[8];
	struct cv_err		 err;
	size_t			 n, i;
	bool			 logged = false;

	(void)state;
	make_cfg(&c, true);
	e = engine_up(&c, NULL, fake_find, NULL);
	snap_unref(wait_host(e, 0, polled_twice));
	assert_int_equal(engine_submit(e, 0, "uuid-a", "alpha",
	    ACTION_POWEROFF, &err), 0);
	assert_int_equal(err.code, CV_E_READONLY);
	n = evlog_since(engine_evlog(e), 0, ev, 8);
	for (i = 0; i < n; i++)
		logged |= ev[i].kind == EV_ACTION && !ev[i].ok;
	assert_true(logged);
	assert_int_equal(fake[0].acts, 0);
	engine_down(e);
	cfg_free(&c);
}

static void
hung_poll_shown_down_by_watchdog(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;
	int			 before;

	(void)state;
	make_cfg(&c, false);
	e = engine_up(&c, NULL, fake_find, NULL);
	snap_unref(wait_host(e, 0, polled_twice));
	pthread_mutex_lock(&fake_lock);
	fake[0].hang_poll = 1;
	pthread_mutex_unlock(&fake_lock);
	h = wait_host(e, 0, is_down);
	assert_non_null(strstr(h->error, "no answer to poll"));
	assert_true(h->stale);
	snap_unref(h);
	/* The other host goes on refreshing meanwhile. */
	pthread_mutex_lock(&fake_lock);
	before = fake[1].polls;
	pthread_mutex_unlock(&fake_lock);
	snap_unref(wait_host(e, 1, polled_twice));
	{
		struct timespec ts = { 0, 300 * 1000000L };
		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&fake_lock);
	assert_true(fake[1].polls > before);
	fake[0].hang_poll = 0;
	pthread_cond_broadcast(&fake_cond);
	pthread_mutex_unlock(&fake_lock);
	snap_unref(wait_host(e, 0, is_up));
	engine_down(e);
	cfg_free(&c);
}

/* A poller stuck for good is abandoned: the host gets a fresh thread and
 * comes back while the old one is still stuck. */
static void
stuck_poller_abandoned_host_returns(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	const struct host_snap	*h;
	struct evlog_entry	 ev[64];
	size_t			 n, i;
	unsigned		 polls;
	bool			 down = false;

	(void)state;
	make_cfg(&c, false);
	e = engine_up(&c, NULL, fake_find, NULL);
	snap_unref(wait_host(e, 0, polled_twice));
	pthread_mutex_lock(&fake_lock);
	fake[0].hang_once = 1;
	pthread_mutex_unlock(&fake_lock);
	/* Down with the watchdog's reason (the fresh thread may bring the
	 * host back before a snapshot shows it down: the log keeps it). */
	for (i = 0; i < 100 && !down; i++) {
		struct timespec ts = { 0, 50 * 1000000L };

		nanosleep(&ts, NULL);
		n = evlog_since(engine_evlog(e), 0, ev, 64);
		while (n-- > 0)
			down |= ev[n].kind == EV_HOST_DOWN &&
			    strstr(ev[n].msg, "no answer to poll") != NULL;
	}
	assert_true(down);
	h = wait_host(e, 0, is_up);
	polls = h->polls;
	snap_unref(h);
	do {
		h = wait_host(e, 0, is_up);
		n = h->polls;
		snap_unref(h);
	} while (n < polls + 2);
	pthread_mutex_lock(&fake_lock);
	assert_int_equal(fake[0].stuck, 1);
	fake[0].hang_once = 0;
	pthread_cond_broadcast(&fake_cond);
	pthread_mutex_unlock(&fake_lock);
	/* The abandoned thread ends within quitting's grace: nothing is
	 * left behind (ASan would see the leak). */
	engine_down(e);
	assert_false(engine_left_threads());
	cfg_free(&c);
}

/* An action that never returns fails after poll_timeout with a clear
 * reason; the other host keeps being polled. */
static void
hung_action_fails_in_time(void **state)
{
	static struct cfg	 c;
	struct engine		*e;
	struct evlog_entry	 ev;
	struct cv_err		 err;
	uint64_t		 id, t0;
	int			 before;

	(void)state;
	make_cfg(&c, false);
	e = engine_up(&c, NULL, fake_find, NULL);
	snap_unref(wait_host(e, 0, polled_twice));
	pthread_mutex_lock(&fake_lock);
	fake[0].hang_act = 1;
	before = fake[1].polls;
	pthread_mutex_unlock(&fake_lock);
	t0 = clock_mono_ms();
	id = engine_submit(e, 0, "uuid-a", "alpha", ACTION_POWEROFF, &err);
	assert_true(id != 0);
	assert_int_equal(evlog_wait_action(engine_evlog(e), id, 5000, &ev), 0);
	assert_false(ev.ok);
	assert_non_null(strstr(ev.msg, "no answer to poweroff"));
	assert_true(clock_mono_ms() - t0 < 2000);
	pthread_mutex_lock(&fake_lock);
	assert_true(fake[1].polls > before);
	fake[0].hang_act = 0;
	pthread_cond_broadcast(&fake_cond);
	/* The abandoned thread is out of the call before quitting: its end
	 * then fits quitting's grace on a loaded machine too, and nothing is
	 * left behind to read the config freed below. */
	while (fake[0].stuck != 0) {
		pthread_mutex_unlock(&fake_lock);
		nanosleep(&(struct timespec){ 0, 1000000L }, NULL);
		pthread_mutex_lock(&fake_lock);
	}
	pthread_mutex_unlock(&fake_lock);
	engine_down(e);
	assert_false(engine_left_threads());
	cfg_free(&c);
}

/* Pollers keep one beat: a poll at any moment is followed by one on the
 * next multiple of the refresh, never sooner than half a refresh. */
static void
polls_keep_one_beat(void **state)
{
	uint64_t	now;

	(void)state;
	assert_int_equal(clock_next_beat_ms(10000, 1000), 11000);
	assert_int_equal(clock_next_beat_ms(10001, 1000), 11000);
	assert_int_equal(clock_next_beat_ms(10500, 1000), 11000);
	assert_int_equal(clock_next_beat_ms(10501, 1000), 12000);
	assert_int_equal(clock_next_beat_ms(10999, 1000), 12000);
	assert_int_equal(clock_next_beat_ms(7, 0), 7);
	for (now = 123456; now < 123456 + 4000; now += 7) {
		uint64_t	next = clock_next_beat_ms(now, 2000);

		assert_int_equal(next % 2000, 0);
		assert_true(next - now >= 1000 && next - now <= 3000);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(polls_keep_one_beat),
		cmocka_unit_test_teardown(publishes_guests_and_rates, end_live_engine),
		cmocka_unit_test_teardown(verdict_follows_guest_inputs, end_live_engine),
		cmocka_unit_test_teardown(rates_survive_a_new_order, end_live_engine),
		cmocka_unit_test_teardown(platform_read_after_every_connect, end_live_engine),
		cmocka_unit_test_teardown(platform_unread_or_not_deferred, end_live_engine),
		cmocka_unit_test_teardown(platform_read_again_after_failing_on_the_way, end_live_engine),
		cmocka_unit_test_teardown(platform_slot_handed_on, end_live_engine),
		cmocka_unit_test_teardown(platform_retry_keeps_its_time, end_live_engine),
		cmocka_unit_test_teardown(platform_retry_queued_takes_a_slot, end_live_engine),
		cmocka_unit_test_teardown(details_follow_at_next_poll, end_live_engine),
		cmocka_unit_test_teardown(details_wait_for_a_crowd, end_live_engine),
		cmocka_unit_test_teardown(details_wait_not_for_hung_hosts, end_live_engine),
		cmocka_unit_test_teardown(batch_reads_platforms_after_every_connect, end_live_engine),
		cmocka_unit_test_teardown(act_reads_no_platform, end_live_engine),
		cmocka_unit_test_teardown(down_host_does_not_stop_others, end_live_engine),
		cmocka_unit_test_teardown(lost_host_keeps_stale_guests_and_returns, end_live_engine),
		cmocka_unit_test_teardown(actions_reach_the_backend, end_live_engine),
		cmocka_unit_test_teardown(read_only_refused_in_core, end_live_engine),
		cmocka_unit_test_teardown(hung_poll_shown_down_by_watchdog, end_live_engine),
		cmocka_unit_test_teardown(stuck_poller_abandoned_host_returns, end_live_engine),
		cmocka_unit_test_teardown(hung_action_fails_in_time, end_live_engine),
	};

	return cmocka_run_group_tests(tests, init_fake_lock, NULL);
}
