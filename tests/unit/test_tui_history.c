/* The console's history of figures (sparklines) and its copy of the event
 * log (the event log screen, a guest's recent actions). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/evlog.h"
#include "core/fleet.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/events.h"
#include "tui/history.h"

/* A host with guests "a" (cpu given) and "b" (no figures), at poll polls;
 * state up unless down. */
static const struct host_snap *
mkhost(unsigned polls, double cpu, bool down, bool with_a)
{
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct guest_snap	 g;

	memset(&hi, 0, sizeof hi);
	hi.name = "h";
	hi.type = "kvm";
	hi.state = down ? HOST_DOWN : HOST_UP;
	hi.stale = down;
	hi.polls = polls;
	b = snap_builder_create(&hi, 2);
	if (with_a) {
		memset(&g, 0, sizeof g);
		g.name = "a";
		g.id = "id-a";
		g.have = GS_CPU | GS_MEM | GS_MEM_MAX;
		g.cpu_pct = cpu;
		g.mem_bytes = 1024;
		g.mem_max_bytes = 4096;
		snap_builder_add(b, &g);
	}
	memset(&g, 0, sizeof g);
	g.name = "b";
	g.id = "id-b";
	snap_builder_add(b, &g);
	return snap_builder_finish(b);
}

static void
feed(struct history *h, const struct host_snap *hs)
{
	struct fleet_view	v;

	v.n = 1;
	v.hosts = &hs;
	v.gen = 1;
	v.fleet = NULL;
	history_feed(h, &v);
	snap_unref(hs);
}

static void
test_history(void **state)
{
	struct history			*h = history_create();
	const struct history_series	*s;
	float				 v[HISTORY_LEN];
	size_t				 n;
	unsigned			 i;

	(void)state;
	feed(h, mkhost(1, 10, false, true));
	feed(h, mkhost(1, 99, false, true));	/* same poll: no sample */
	feed(h, mkhost(2, 50, false, true));
	feed(h, mkhost(2, 77, true, true));	/* down: no sample */
	s = history_find(h, 0, "id-a");
	assert_non_null(s);
	n = history_values(s, false, v, HISTORY_LEN);
	assert_int_equal(n, 2);
	assert_true(v[0] == 10 && v[1] == 50);
	n = history_values(s, true, v, HISTORY_LEN);
	assert_true(v[0] == 25 && v[1] == 25);
	s = history_find(h, 0, "id-b");
	n = history_values(s, false, v, HISTORY_LEN);
	assert_true(n == 2 && v[0] < 0 && v[1] < 0);
	assert_null(history_find(h, 1, "id-a"));
	assert_null(history_find(h, 0, "id-c"));

	/* The ring keeps the last HISTORY_LEN, oldest first. */
	for (i = 3; i < 3 + 2 * HISTORY_LEN; i++)
		feed(h, mkhost(i, (double)(i % 100), false, true));
	s = history_find(h, 0, "id-a");
	n = history_values(s, false, v, HISTORY_LEN);
	assert_int_equal(n, HISTORY_LEN);
	assert_true(v[HISTORY_LEN - 1] ==
	    (float)((2 + 2 * HISTORY_LEN) % 100));
	assert_true(v[0] == (float)((3 + HISTORY_LEN) % 100));

	/* Kept to a whole percent, rounded; never negative, never "not
	 * given" however high. */
	feed(h, mkhost(899, 12.49, false, true));
	feed(h, mkhost(900, 12.5, false, true));
	feed(h, mkhost(901, 1e9, false, true));
	feed(h, mkhost(902, -3, false, true));
	s = history_find(h, 0, "id-a");
	n = history_values(s, false, v, HISTORY_LEN);
	assert_true(v[n - 4] == 12 && v[n - 3] == 13);
	assert_true(v[n - 2] >= 100);
	assert_true(v[n - 1] == 0);

	/* A guest that went away is forgotten. */
	feed(h, mkhost(1000, 0, false, false));
	assert_null(history_find(h, 0, "id-a"));
	assert_non_null(history_find(h, 0, "id-b"));
	history_free(h);
}

static void
test_spark(void **state)
{
	static const float	v[] = { 0, 50, 100, -1, 150, 12.5f };
	char			buf[128];

	(void)state;
	assert_string_equal(history_spark(v, 6, false, buf, sizeof buf),
	    "_+@ @.");
	assert_string_equal(history_spark(v, 6, true, buf, sizeof buf),
	    "\xe2\x96\x81\xe2\x96\x85\xe2\x96\x88 \xe2\x96\x88"
	    "\xe2\x96\x82");
	/* Cut whole, never in a character. */
	assert_string_equal(history_spark(v, 6, true, buf, 8),
	    "\xe2\x96\x81\xe2\x96\x85");
	assert_string_equal(history_spark(v, 0, true, buf, sizeof buf), "");
}

static struct evlog_entry
ev(enum evlog_kind k, uint64_t id, const char *guest, bool ok)
{
	struct evlog_entry	e;

	memset(&e, 0, sizeof e);
	e.kind = k;
	e.action_id = id;
	e.ok = ok;
	e.wall = 1767225600;
	strlcpy_cv(e.host, "h", sizeof e.host);
	strlcpy_cv(e.guest, guest, sizeof e.guest);
	strlcpy_cv(e.what, "pause", sizeof e.what);
	return e;
}

static void
test_events(void **state)
{
	struct events			 es;
	struct evlog_entry		 e;
	const struct evlog_entry	*out[8];
	size_t				 i, n;

	(void)state;
	events_init(&es);
	e = ev(EV_ACTION_START, 1, "a", false);
	events_add(&es, &e);
	e = ev(EV_ACTION, 1, "a", true);
	events_add(&es, &e);
	e = ev(EV_ACTION_START, 2, "b", false);
	events_add(&es, &e);
	e = ev(EV_ACTION_START, 3, "a", false);
	events_add(&es, &e);

	/* Outcomes, and requests with none yet; newest first. */
	n = events_of_guest(&es, "h", "a", out, 8);
	assert_int_equal(n, 2);
	assert_int_equal(out[0]->action_id, 3);
	assert_int_equal(out[0]->kind, EV_ACTION_START);
	assert_int_equal(out[1]->action_id, 1);
	assert_int_equal(out[1]->kind, EV_ACTION);
	assert_int_equal(events_of_guest(&es, "x", "a", out, 8), 0);

	assert_int_equal(events_tone(out[1]), EVENTS_GOOD);
	e = ev(EV_ACTION, 4, "a", false);
	assert_int_equal(events_tone(&e), EVENTS_BAD);
	e.refused = true;
	assert_int_equal(events_tone(&e), EVENTS_REFUSED);
	assert_string_equal(events_kind(&e), "action");

	e = ev(EV_HOST_UP, 0, "", true);
	strlcpy_cv(e.msg, "up: QEMU 8.2.0", sizeof e.msg);
	assert_string_equal(events_message(&e), "QEMU 8.2.0");
	assert_string_equal(events_kind(&e), "host");
	e.kind = EV_HOST_DOWN;
	strlcpy_cv(e.msg, "down: refused", sizeof e.msg);
	assert_string_equal(events_message(&e), "refused");
	assert_true(events_today(&e, e.wall + 60));
	assert_false(events_today(&e, e.wall + 3 * 86400));

	/* Bounded: the oldest go. */
	for (i = 0; i < EVENTS_KEEP + 10; i++) {
		e = ev(EV_NOTICE, 0, "", true);
		e.seq = i + 100;
		events_add(&es, &e);
	}
	assert_true(es.n <= EVENTS_KEEP);
	assert_int_equal(es.v[es.n - 1].seq, EVENTS_KEEP + 10 - 1 + 100);
	events_done(&es);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_spark),
		cmocka_unit_test(test_events),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
