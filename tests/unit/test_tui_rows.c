/* Unit tests of the console's pure parts: fleet view -> rows (order,
 * grouping, counts, cursor keying), cells, layout, fitting and wrapping,
 * the details page, the list widget, the key table and the status-line
 * text of events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/conf.h"
#include "core/evlog.h"
#include "core/fleet.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/curses_wrap.h"
#include "tui/cmdline.h"
#include "tui/details.h"
#include "tui/filter.h"
#include "tui/input.h"
#include "tui/keymap.h"
#include "tui/list.h"
#include "tui/rows.h"
#include "tui/screen_help.h"
#include "tui/ui.h"

#define NITEMS(a) (sizeof (a) / sizeof (a)[0])

/* ---- building snapshots ---- */

struct tguest {
	const char		*name;
	const char		*id;
	enum guest_state	 state;
	double			 cpu;		/* > 0: given */
	enum cert_status	 cert;
};

static struct host_snap *
mkhost(const char *name, const char *type, enum host_state st,
    const struct tguest *g, size_t n)
{
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct guest_snap	 gs;
	size_t			 i;

	memset(&hi, 0, sizeof hi);
	hi.name = name;
	hi.type = type;
	hi.state = st;
	hi.platform = "rhel-9.4";
	hi.hypervisor = "QEMU 8.2.0";
	hi.latency_ms = 12;
	hi.taken_ms = 100000;
	hi.good_ms = st == HOST_UP ? 100000 : 40000;
	hi.error = st == HOST_DOWN ? "connection refused" : NULL;
	hi.stale = st == HOST_DOWN;
	b = snap_builder_create(&hi, n);
	for (i = 0; i < n; i++) {
		memset(&gs, 0, sizeof gs);
		gs.name = g[i].name;
		gs.id = g[i].id;
		gs.state = g[i].state;
		gs.cert.status = g[i].cert;
		gs.cert.reason = "";
		if (g[i].cpu > 0) {
			gs.have |= GS_CPU;
			gs.cpu_pct = g[i].cpu;
		}
		snap_builder_add(b, &gs);
	}
	return snap_builder_finish(b);
}

static void
view_init(struct fleet_view *v, size_t n)
{
	v->n = n;
	v->hosts = calloc(n, sizeof *v->hosts);
	v->gen = 1;
	v->fleet = NULL;
	assert_non_null(v->hosts);
}

static void
view_free(struct fleet_view *v)
{
	fleet_view_release(v);
}

static const struct tguest web_guests[] = {
	{ "web2", "id-web2", GUEST_RUNNING, 0, 0 },
	{ "app1", "id-app1", GUEST_SHUTOFF, 0, 0 },
	{ "db", "id-db", GUEST_RUNNING, 0, 0 },
};

static const struct tguest hv_guests[] = {
	{ "win1", "id-win1", GUEST_PAUSED, 0, 0 },
};

/* ---- rows ---- */

static void
test_rows_grouped_and_sorted(void **state)
{
	struct fleet_view	v;
	struct rows		r;

	(void)state;
	view_init(&v, 2);
	v.hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, web_guests,
	    NITEMS(web_guests));
	v.hosts[1] = mkhost("hv-1", "hyperv", HOST_DOWN, hv_guests,
	    NITEMS(hv_guests));
	rows_init(&r);
	rows_build(&r, &v, NULL, NULL);

	assert_int_equal(r.n, 6);
	assert_int_equal(r.v[0].kind, ROWS_HOST);
	assert_string_equal(r.v[0].host_name, "kvm-a");
	assert_string_equal(r.v[1].gs->name, "app1");
	assert_string_equal(r.v[2].gs->name, "db");
	assert_string_equal(r.v[3].gs->name, "web2");
	assert_false(r.v[2].last);
	assert_true(r.v[3].last);
	assert_int_equal(r.v[4].kind, ROWS_HOST);
	assert_int_equal(r.v[4].host, 1);
	assert_int_equal(r.v[4].host_state, HOST_DOWN);
	assert_string_equal(r.v[5].gs->name, "win1");
	assert_string_equal(r.v[5].host_type, "hyperv");

	assert_int_equal(r.hosts, 2);
	assert_int_equal(r.hosts_up, 1);
	assert_int_equal(r.hosts_down, 1);
	assert_int_equal(r.guests, 4);
	assert_int_equal(r.guests_running, 2);
	assert_false(r.demo);

	rows_done(&r);
	view_free(&v);
}

/* A host whose poller has not published yet still has its row. */
static void
test_rows_unpublished_host(void **state)
{
	struct fleet_view	v;
	struct rows		r;
	struct cfg		c;

	(void)state;
	cfg_init_defaults(&c);
	c.nhosts = 2;
	c.hosts = calloc(2, sizeof *c.hosts);
	c.hosts[0].name = strdup("kvm-a");
	c.hosts[0].type = strdup("kvm");
	c.hosts[1].name = strdup("hv-1");
	c.hosts[1].type = strdup("hyperv");

	view_init(&v, 2);
	v.hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, web_guests, 1);
	rows_init(&r);
	rows_build(&r, &v, &c, NULL);

	assert_int_equal(r.n, 3);
	assert_null(r.v[2].hs);
	assert_string_equal(r.v[2].host_name, "hv-1");
	assert_string_equal(r.v[2].host_type, "hyperv");
	assert_int_equal(r.v[2].host_state, HOST_CONNECTING);
	assert_int_equal(r.hosts_up, 1);

	rows_done(&r);
	view_free(&v);
	cfg_free(&c);
}

/* The cursor stays on the same guest when a refresh adds rows above. */
static void
test_rows_cursor_keyed(void **state)
{
	static const struct tguest more[] = {
		{ "aaa", "id-aaa", GUEST_RUNNING, 0, 0 },
		{ "web2", "id-web2", GUEST_RUNNING, 0, 0 },
		{ "app1", "id-app1", GUEST_SHUTOFF, 0, 0 },
		{ "abc", "id-abc", GUEST_RUNNING, 0, 0 },
		{ "db", "id-db", GUEST_RUNNING, 0, 0 },
	};
	struct fleet_view	v1, v2;
	struct rows		r;
	struct rows_key		key, hkey;
	size_t			idx;

	(void)state;
	view_init(&v1, 2);
	v1.hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, web_guests,
	    NITEMS(web_guests));
	v1.hosts[1] = mkhost("hv-1", "hyperv", HOST_UP, hv_guests, 1);
	rows_init(&r);
	rows_build(&r, &v1, NULL, NULL);
	rows_key_of(&r, 3, &key);		/* web2 */
	assert_true(key.guest);
	assert_string_equal(key.id, "id-web2");
	rows_key_of(&r, 4, &hkey);		/* hv-1's host row */
	assert_false(hkey.guest);
	assert_int_equal(hkey.host, 1);

	view_init(&v2, 2);
	v2.hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, more, NITEMS(more));
	v2.hosts[1] = mkhost("hv-1", "hyperv", HOST_UP, hv_guests, 1);
	rows_build(&r, &v2, NULL, NULL);
	view_free(&v1);

	idx = rows_locate(&r, &key, 3);
	assert_int_equal(idx, 5);
	assert_string_equal(r.v[idx].gs->name, "web2");
	idx = rows_locate(&r, &hkey, 4);
	assert_int_equal(idx, 6);
	assert_int_equal(r.v[idx].kind, ROWS_HOST);

	rows_done(&r);
	view_free(&v2);
}

/* A guest that went away leaves the cursor where it was, clamped. */
static void
test_rows_cursor_vanished(void **state)
{
	struct fleet_view	v;
	struct rows		r;
	struct rows_key		key;

	(void)state;
	view_init(&v, 1);
	v.hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, web_guests, 1);
	rows_init(&r);
	rows_build(&r, &v, NULL, NULL);

	memset(&key, 0, sizeof key);
	key.guest = true;
	strcpy(key.id, "id-gone");
	assert_int_equal(rows_locate(&r, &key, 1), 1);
	assert_int_equal(rows_locate(&r, &key, 9), 1);
	key.host = 7;
	key.guest = false;
	assert_int_equal(rows_locate(&r, &key, 0), 0);

	rows_done(&r);
	view_free(&v);

	rows_init(&r);
	assert_int_equal(rows_locate(&r, &key, 5), 0);
	rows_done(&r);
}

static void
test_rows_demo_flag(void **state)
{
	struct host_snap_info	 hi;
	struct fleet_view	 v;
	struct rows		 r;

	(void)state;
	memset(&hi, 0, sizeof hi);
	hi.name = "demo";
	hi.type = "kvm";
	hi.state = HOST_UP;
	hi.demo = true;
	view_init(&v, 1);
	v.hosts[0] = snap_builder_finish(snap_builder_create(&hi, 0));
	rows_init(&r);
	rows_build(&r, &v, NULL, NULL);
	assert_true(r.demo);
	rows_done(&r);
	view_free(&v);
}

/* ---- cells ---- */

static struct row
guest_row(const struct guest_snap *g)
{
	struct row	row;

	memset(&row, 0, sizeof row);
	row.kind = ROWS_GUEST;
	row.gs = g;
	row.host_name = "kvm-a";
	row.host_type = "kvm";
	return row;
}

/* A figure the host did not give is "-", never 0. */
static void
test_cells_absent_figures(void **state)
{
	static const enum rows_col cols[] = {
		ROWS_COL_VCPU, ROWS_COL_CPU, ROWS_COL_MEM, ROWS_COL_DISK,
		ROWS_COL_NET, ROWS_COL_UPTIME, ROWS_COL_OS
	};
	struct guest_snap	g;
	struct row		row;
	char			buf[64];
	size_t			i;

	(void)state;
	memset(&g, 0, sizeof g);
	g.name = "web1";
	g.id = "x";
	g.state = GUEST_SHUTOFF;
	row = guest_row(&g);
	for (i = 0; i < NITEMS(cols); i++)
		assert_string_equal(rows_cell(&row, cols[i], buf, sizeof buf),
		    "-");
	assert_string_equal(rows_cell(&row, ROWS_COL_NAME, buf, sizeof buf),
	    "web1");
	assert_string_equal(rows_cell(&row, ROWS_COL_STATE, buf, sizeof buf),
	    "shutoff");
	assert_string_equal(rows_cell(&row, ROWS_COL_HV, buf, sizeof buf),
	    "kvm");
	assert_string_equal(rows_cell(&row, ROWS_COL_HOST, buf, sizeof buf),
	    "");
}

static void
test_cells_figures(void **state)
{
	struct guest_snap	g;
	struct row		row;
	char			buf[64];

	(void)state;
	memset(&g, 0, sizeof g);
	g.name = "web1";
	g.id = "x";
	g.os = "Red Hat Enterprise Linux 9.2";
	g.state = GUEST_RUNNING;
	g.have = GS_VCPUS | GS_CPU | GS_MEM | GS_DISK | GS_NET | GS_UPTIME;
	g.vcpus = 2;
	g.cpu_pct = 12.5;
	g.mem_bytes = 2147483648ull;
	g.disk_rd_bps = 0;
	g.disk_wr_bps = 4096;
	g.net_rx_bps = 1536;
	g.net_tx_bps = 800;
	g.uptime_s = 90061;
	row = guest_row(&g);

	assert_string_equal(rows_cell(&row, ROWS_COL_VCPU, buf, sizeof buf),
	    "2");
	assert_string_equal(rows_cell(&row, ROWS_COL_CPU, buf, sizeof buf),
	    "12.5");
	assert_string_equal(rows_cell(&row, ROWS_COL_MEM, buf, sizeof buf),
	    "2.0G");
	assert_string_equal(rows_cell(&row, ROWS_COL_DISK, buf, sizeof buf),
	    "0B/4.0K");
	assert_string_equal(rows_cell(&row, ROWS_COL_NET, buf, sizeof buf),
	    "1.5K/800B");
	assert_string_equal(rows_cell(&row, ROWS_COL_UPTIME, buf, sizeof buf),
	    "1d01h");
	assert_string_equal(rows_cell(&row, ROWS_COL_OS, buf, sizeof buf),
	    "Red Hat Enterprise Linux 9.2");

	g.cpu_pct = 250.0;
	assert_string_equal(rows_cell(&row, ROWS_COL_CPU, buf, sizeof buf),
	    "100.0");
	g.os = NULL;
	g.os_id = "rhel9.2";
	assert_string_equal(rows_cell(&row, ROWS_COL_OS, buf, sizeof buf),
	    "rhel9.2");
}

static void
test_host_detail(void **state)
{
	struct fleet_view	v;
	struct rows		r;
	char			buf[256];

	(void)state;
	view_init(&v, 2);
	v.hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, web_guests,
	    NITEMS(web_guests));
	v.hosts[1] = mkhost("hv-1", "hyperv", HOST_DOWN, hv_guests, 1);
	rows_init(&r);
	rows_build(&r, &v, NULL, NULL);

	assert_string_equal(rows_host_detail(&r.v[0], 100500, 2.0, buf,
	    sizeof buf), "QEMU 8.2.0  rhel-9.4  3 guests, 2 running  12 ms");
	/* 20 s after the last poll with a 2 s refresh: say how old. */
	assert_string_equal(rows_host_detail(&r.v[0], 120000, 2.0, buf,
	    sizeof buf), "QEMU 8.2.0  rhel-9.4  3 guests, 2 running  12 ms  "
	    "last poll 20s ago");
	assert_string_equal(rows_host_detail(&r.v[4], 100000, 2.0, buf,
	    sizeof buf), "connection refused  1 guest stale  "
	    "last good poll 1m00s ago");
	assert_string_equal(rows_cell(&r.v[4], ROWS_COL_HOST, buf,
	    sizeof buf), "hv-1");
	assert_string_equal(rows_cell(&r.v[4], ROWS_COL_HV, buf,
	    sizeof buf), "hyperv");

	/* Truncation never overflows. */
	rows_host_detail(&r.v[4], 100000, 2.0, buf, 8);
	assert_int_equal(strlen(buf), 7);

	rows_done(&r);
	view_free(&v);
}

/* Before its platform is read, a host says so and its guests' verdicts
 * are pending: no badge, counted apart from the badges. */
static void
test_rows_platform_pending(void **state)
{
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct guest_snap	 gs;
	struct fleet_view	 v;
	struct rows		 r;
	char			 buf[256];
	size_t			 i;

	(void)state;
	memset(&hi, 0, sizeof hi);
	hi.name = "kvm-a";
	hi.type = "kvm";
	hi.state = HOST_UP;
	hi.platform_pending = true;
	hi.hypervisor = "QEMU 8.2.0";
	hi.latency_ms = 12;
	hi.taken_ms = hi.good_ms = 100000;
	b = snap_builder_create(&hi, 3);
	for (i = 0; i < 3; i++) {
		memset(&gs, 0, sizeof gs);
		gs.name = web_guests[i].name;
		gs.id = web_guests[i].id;
		gs.state = web_guests[i].state;
		gs.cert.status = CERT_UNKNOWN;
		gs.cert.reason = "waiting for the host platform";
		/* db: a verdict of its own, unknown for another reason. */
		gs.cert.rule = i == 2 ? "no-guest" : SNAP_CERT_PENDING;
		snap_builder_add(b, &gs);
	}
	view_init(&v, 1);
	v.hosts[0] = snap_builder_finish(b);
	rows_init(&r);
	rows_build(&r, &v, NULL, NULL);

	assert_string_equal(rows_host_detail(&r.v[0], 100500, 2.0, buf,
	    sizeof buf), "QEMU 8.2.0  platform pending  3 guests, 2 running  "
	    "12 ms");
	assert_string_equal(r.v[1].gs->name, "app1");
	assert_string_equal(rows_cell(&r.v[1], ROWS_COL_CERT, buf,
	    sizeof buf), "[ .. ]");
	assert_string_equal(r.v[2].gs->name, "db");
	assert_string_equal(rows_cell(&r.v[2], ROWS_COL_CERT, buf,
	    sizeof buf), "[ ?? ]");
	assert_int_equal(r.cert_pending, 2);
	assert_int_equal(r.by_cert[CERT_UNKNOWN], 1);

	rows_done(&r);
	view_free(&v);
}

/* Two hosts of one guest each: kvm-a up (rows 0, 1), its last good poll
 * at 100 s; hv-1 down since 40 s (rows 2, 3), its guest kept stale. */
static void
up_and_down(struct fleet_view *v, struct rows *r)
{
	view_init(v, 2);
	v->hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, web_guests, 1);
	v->hosts[1] = mkhost("hv-1", "hyperv", HOST_DOWN, hv_guests, 1);
	rows_init(r);
	rows_build(r, v, NULL, NULL);
}

static void
test_rows_stale(void **state)
{
	struct fleet_view	v;
	struct rows		r;
	struct row		none;

	(void)state;
	up_and_down(&v, &r);

	assert_false(rows_is_stale(&r.v[1], 100000, 2.0));
	assert_false(rows_is_stale(&r.v[1], 106000, 2.0));
	assert_true(rows_is_stale(&r.v[1], 106001, 2.0));
	assert_false(rows_is_stale(&r.v[1], 106001, 5.0));
	assert_true(rows_is_stale(&r.v[3], 100000, 2.0));	/* down */

	memset(&none, 0, sizeof none);
	none.kind = ROWS_HOST;
	assert_false(rows_is_stale(&none, 100000, 2.0));

	rows_done(&r);
	view_free(&v);
}

/* A row's look at NOW: its detail text, or its staleness. */
static void
row_look(const struct row *row, uint64_t now, char *buf, size_t len)
{
	if (row->kind == ROWS_HOST)
		rows_host_detail(row, now, 2.0, buf, len);
	else
		snprintf(buf, len, "%d", rows_is_stale(row, now, 2.0));
}

static void
test_rows_clock_due(void **state)
{
	struct fleet_view	v;
	struct rows		r;
	struct row		none;
	char			drawn[256], look[256];
	uint64_t		t, due;
	size_t			i;

	(void)state;
	up_and_down(&v, &r);

	/* Up, last good poll at 100 s: old after 3 refreshes of 2 s. */
	assert_int_equal(rows_clock_due(&r.v[0], 100000, 2.0), 106001);
	assert_int_equal(rows_clock_due(&r.v[0], 106001, 2.0), 107000);
	assert_int_equal(rows_clock_due(&r.v[0], 107000, 2.0), 108000);
	assert_int_equal(rows_clock_due(&r.v[1], 100000, 2.0), 106001);
	assert_true(rows_clock_due(&r.v[1], 106001, 2.0) == UINT64_MAX);
	/* Down since 40 s: the host's age ticks, its stale guests do not. */
	assert_int_equal(rows_clock_due(&r.v[2], 100000, 2.0), 101000);
	assert_true(rows_clock_due(&r.v[3], 100000, 2.0) == UINT64_MAX);
	memset(&none, 0, sizeof none);
	none.kind = ROWS_HOST;
	assert_true(rows_clock_due(&none, 100000, 2.0) == UINT64_MAX);

	/* Drawn again only from the time due, never shown out of date. */
	for (i = 0; i < r.n; i++) {
		row_look(&r.v[i], 99000, drawn, sizeof drawn);
		due = rows_clock_due(&r.v[i], 99000, 2.0);
		for (t = 99001; t < 112000; t++) {
			row_look(&r.v[i], t, look, sizeof look);
			if (t < due) {
				assert_string_equal(look, drawn);
				continue;
			}
			strlcpy_cv(drawn, look, sizeof drawn);
			due = rows_clock_due(&r.v[i], t, 2.0);
		}
	}

	rows_done(&r);
	view_free(&v);
}

/* ---- layout ---- */

static int
layout_check(int width, struct rows_layout *l)
{
	int	i, shown = 0;

	rows_layout(width, l);
	for (i = 0; i < ROWS_COL__COUNT; i++) {
		if (l->width[i] == 0)
			continue;
		shown++;
		assert_true(l->x[i] + l->width[i] <= l->used);
		assert_true(l->width[i] >= (int)strlen(rows_col_title(i)));
	}
	return shown;
}

static void
test_layout(void **state)
{
	struct rows_layout	l;
	int			i;

	(void)state;
	/* 80 columns: everything but HV (the host row says it), OS and
	 * UPTIME; the badge stays. */
	assert_int_equal(layout_check(80, &l), ROWS_COL__COUNT - 3);
	assert_int_equal(l.width[ROWS_COL_HV], 0);
	assert_int_equal(l.width[ROWS_COL_OS], 0);
	assert_int_equal(l.width[ROWS_COL_UPTIME], 0);
	assert_int_equal(l.width[ROWS_COL_CERT], 7);
	assert_true(l.used <= 80);
	assert_int_equal(l.x[ROWS_COL_HOST], 0);
	/* A little wider and UPTIME is back. */
	layout_check(90, &l);
	assert_int_equal(l.width[ROWS_COL_UPTIME], 7);

	/* Wider: OS comes back and the names widen. */
	assert_int_equal(layout_check(132, &l), ROWS_COL__COUNT);
	assert_true(l.used <= 132);
	assert_true(l.width[ROWS_COL_OS] >= 12);
	assert_true(l.width[ROWS_COL_NAME] >= 20);

	/* Narrower: the least useful columns go first. */
	layout_check(70, &l);
	assert_true(l.used <= 70);
	assert_int_equal(l.width[ROWS_COL_UPTIME], 0);
	assert_true(l.width[ROWS_COL_NAME] > 0);
	assert_true(l.width[ROWS_COL_CPU] > 0);

	for (i = 40; i <= 300; i++) {
		layout_check(i, &l);
		if (i >= 60)
			assert_true(l.used <= i);
	}
}

/* ---- fitting text ---- */

static void
test_fit_ascii(void **state)
{
	char	buf[64];

	(void)state;
	assert_string_equal(rows_fit("web1", 6, false, "~", buf, sizeof buf),
	    "web1  ");
	assert_string_equal(rows_fit("42", 5, true, "~", buf, sizeof buf),
	    "   42");
	assert_string_equal(rows_fit("webserver", 6, false, "~", buf,
	    sizeof buf), "webse~");
	assert_string_equal(rows_fit("webserver", 6, true, "~", buf,
	    sizeof buf), "webse~");
	assert_string_equal(rows_fit("a\nb\x01", 5, false, "~", buf,
	    sizeof buf), "a b? ");
	assert_string_equal(rows_fit("abc", 0, false, "~", buf, sizeof buf),
	    "");
	/* A buffer too small is cut, never overrun. */
	assert_string_equal(rows_fit("abcdef", 6, false, "~", buf, 4),
	    "abc");
}

static void
test_fit_utf8(void **state)
{
	char	buf[64];

	(void)state;
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) {
		skip();
		return;
	}
	/* Three wide characters, six columns. */
	assert_int_equal(rows_text_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"),
	    6);
	assert_string_equal(rows_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    5, false, "\xe2\x80\xa6", buf, sizeof buf),
	    "\xe6\x97\xa5\xe6\x9c\xac\xe2\x80\xa6");
	assert_string_equal(rows_fit("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
	    4, false, "\xe2\x80\xa6", buf, sizeof buf),
	    "\xe6\x97\xa5\xe2\x80\xa6 ");
	assert_string_equal(rows_fit("caf\xc3\xa9", 5, false, "~", buf,
	    sizeof buf), "caf\xc3\xa9 ");
	/* Not UTF-8: each bad byte is one '?'. */
	assert_string_equal(rows_fit("a\xff" "b", 4, false, "~", buf,
	    sizeof buf), "a?b ");
	/* A right-to-left override would reorder the rest of the row. */
	assert_string_equal(rows_fit("ab\xe2\x80\xae" "cd", 6, false, "~", buf,
	    sizeof buf), "ab?cd ");
	setlocale(LC_CTYPE, "C");
	assert_string_equal(rows_fit("caf\xc3\xa9", 6, false, "~", buf,
	    sizeof buf), "caf?? ");
}

/* Wrapping: at the last space that fits, inside words longer than the
 * width, at newlines; each line within the width, nothing lost. */
static void
test_wrap(void **state)
{
	static const char	reason[] = "RHEL guests on RHEL KVM are on "
	    "Red Hat's certified guest list; assumed: a RHEL subscription";
	char			buf[64], all[256];
	size_t			n, i;

	(void)state;
	assert_int_equal(rows_wrap("", 10, 0, buf, sizeof buf), 1);
	assert_string_equal(buf, "");
	assert_int_equal(rows_wrap("hello world", 20, 0, buf, sizeof buf), 1);
	assert_string_equal(buf, "hello world");
	assert_int_equal(rows_wrap("aaa bbb", 7, 0, NULL, 0), 1);
	assert_int_equal(rows_wrap("aaa bbb ccc", 7, 1, buf, sizeof buf), 2);
	assert_string_equal(buf, "ccc");
	/* The spaces at a soft break go; a hard newline keeps an empty line. */
	assert_int_equal(rows_wrap("aa   bb", 3, 0, buf, sizeof buf), 2);
	assert_string_equal(buf, "aa");
	rows_wrap("aa   bb", 3, 1, buf, sizeof buf);
	assert_string_equal(buf, "bb");
	assert_int_equal(rows_wrap("a\n\nb", 10, 1, buf, sizeof buf), 3);
	assert_string_equal(buf, "");
	/* A URL is cut where the width ends. */
	assert_int_equal(rows_wrap("https://example.com/x", 8, 1, buf,
	    sizeof buf), 3);
	assert_string_equal(buf, "example.");
	rows_wrap("https://example.com/x", 8, 2, buf, sizeof buf);
	assert_string_equal(buf, "com/x");
	/* Past the end: empty; a zero width still makes progress. */
	rows_wrap("abc", 10, 5, buf, sizeof buf);
	assert_string_equal(buf, "");
	assert_int_equal(rows_wrap("abc", 0, 0, NULL, 0), 3);
	/* A buffer too small is cut, never overrun. */
	rows_wrap("abcdef", 10, 0, buf, 4);
	assert_string_equal(buf, "abc");

	n = rows_wrap(reason, 20, 0, NULL, 0);
	assert_true(n > 1);
	all[0] = '\0';
	for (i = 0; i < n; i++) {
		rows_wrap(reason, 20, i, buf, sizeof buf);
		assert_true(rows_text_width(buf) <= 20);
		assert_true(buf[0] != '\0' && buf[0] != ' ');
		if (i > 0)
			strcat(all, " ");
		strcat(all, buf);
	}
	assert_string_equal(all, reason);

	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		return;
	/* Wide characters count two columns and are never split. */
	assert_int_equal(rows_wrap("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4,
	    1, buf, sizeof buf), 2);
	assert_string_equal(buf, "\xe8\xaa\x9e");
	assert_int_equal(rows_wrap("caf\xc3\xa9 caf\xc3\xa9", 4, 1, buf,
	    sizeof buf), 2);
	assert_string_equal(buf, "caf\xc3\xa9");
	setlocale(LC_CTYPE, "C");
}

/* ---- details page ---- */

#define PAGE_MAX	64
struct page {
	size_t			n;
	struct details_line	line[PAGE_MAX];
	char			text[PAGE_MAX][128];
};

static void
page_build(struct page *p, const struct row *r, int width, bool stale)
{
	size_t	i;

	memset(p, 0, sizeof *p);
	for (i = 0; i < PAGE_MAX; i++) {
		if (!details_line(r, width, stale, i, &p->line[i], p->text[i],
		    sizeof p->text[i]))
			break;
		assert_non_null(p->line[i].label);
		assert_non_null(p->line[i].value);
		if (p->line[i].style == DETAILS_MORE)
			assert_true(rows_text_width(p->line[i].value) <=
			    width);
	}
	p->n = i;
	assert_int_equal(p->n, details_count(r, width));
}

/* The value of label under section heading, or NULL. */
static const struct details_line *
page_find(const struct page *p, const char *heading, const char *label)
{
	size_t	i;
	bool	in = false;

	for (i = 0; i < p->n; i++) {
		if (p->line[i].style == DETAILS_HEADING)
			in = strcmp(p->line[i].label, heading) == 0;
		else if (in && strcmp(p->line[i].label, label) == 0)
			return &p->line[i];
	}
	return NULL;
}

static const char *
page_value(const struct page *p, const char *heading, const char *label)
{
	const struct details_line	*l = page_find(p, heading, label);

	return l != NULL ? l->value : NULL;
}

static void
test_details_page(void **state)
{
	static const char	reason[] = "on the certified list for this "
	    "release; checked: a supported machine type and virtio drivers";
	struct host_snap	*hs;
	struct guest_snap	 g;
	struct row		 row;
	struct page		*p;
	const struct details_line *l;
	char			 all[256];
	size_t			 i;

	(void)state;
	p = calloc(1, sizeof *p);
	assert_non_null(p);
	hs = mkhost("kvm-a", "kvm", HOST_DOWN, NULL, 0);
	memset(&g, 0, sizeof g);
	g.name = "web1";
	g.id = "6f1c0e1e-0000-4000-8000-000000000001";
	g.os = "Red Hat Enterprise Linux 9.2";
	g.os_id = "rhel9.2";
	g.virt_type = "kvm";
	g.machine = "pc-q35-8.2";
	g.state = GUEST_RUNNING;
	g.have = GS_VCPUS | GS_CPU | GS_MEM | GS_MEM_MAX;
	g.vcpus = 2;
	g.cpu_pct = 12.5;
	g.mem_bytes = 2147483648ull;
	g.mem_max_bytes = 4294967296ull;
	g.cert.status = CERT_CONDITIONAL;
	g.cert.reason = reason;
	g.cert.rule = "rh-kvm-rhel9";
	g.cert.source = "https://access.example.com/articles/973163";
	row = guest_row(&g);
	row.hs = hs;
	row.host_state = hs->state;

	page_build(p, &row, 30, false);
	assert_string_equal(page_value(p, "Guest", "Name"), "web1");
	assert_string_equal(page_value(p, "Guest", "Id"), g.id);
	assert_string_equal(page_value(p, "Guest", "OS"), g.os);
	assert_string_equal(page_value(p, "Guest", "OS id"), "rhel9.2");
	assert_string_equal(page_value(p, "Guest", "Virt type"), "kvm");
	assert_string_equal(page_value(p, "Guest", "Machine type"),
	    "pc-q35-8.2");
	assert_string_equal(page_value(p, "Guest", "State"), "running");
	/* Absent facts and figures are "-", never 0 or "(null)". */
	assert_string_equal(page_value(p, "Guest", "Generation"), "-");
	assert_string_equal(page_value(p, "Guest", "Config version"), "-");
	assert_string_equal(page_value(p, "Guest", "Heartbeat"), "-");
	assert_string_equal(page_value(p, "Guest", "Health"), "-");
	assert_string_equal(page_value(p, "Figures", "vCPUs"), "2");
	assert_string_equal(page_value(p, "Figures", "CPU%"), "12.5");
	assert_string_equal(page_value(p, "Figures", "Memory assigned"),
	    "2.0G");
	assert_string_equal(page_value(p, "Figures", "Memory max"), "4.0G");
	assert_string_equal(page_value(p, "Figures", "Memory used"), "-");
	assert_string_equal(page_value(p, "Figures", "Disk R/W /s"), "-");
	assert_string_equal(page_value(p, "Figures", "Net RX/TX /s"), "-");
	assert_string_equal(page_value(p, "Figures", "Uptime"), "-");
	assert_string_equal(page_value(p, "Host", "Name"), "kvm-a");
	assert_string_equal(page_value(p, "Host", "Type"), "kvm");
	assert_string_equal(page_value(p, "Host", "Platform"), "rhel-9.4");
	assert_string_equal(page_value(p, "Host", "Hypervisor"),
	    "QEMU 8.2.0");
	assert_string_equal(page_value(p, "Host", "State"), "down");
	assert_string_equal(page_value(p, "Host", "Error"),
	    "connection refused");

	/* Certification: the status with its badge, the reason wrapped to
	 * the width (first line labelled, then continuations), the rule and
	 * the source URL, wrapped too. */
	l = page_find(p, "Certification", "Status");
	assert_non_null(l);
	assert_int_equal(l->style, DETAILS_CERT);
	assert_int_equal(l->cert, CERT_CONDITIONAL);
	assert_string_equal(l->value, "conditional");
	assert_string_equal(page_value(p, "Certification", "Rule"),
	    "rh-kvm-rhel9");
	l = page_find(p, "Certification", "Reason");
	assert_non_null(l);
	i = (size_t)(l - p->line);
	assert_int_equal(l->style, DETAILS_FIELD);
	snprintf(all, sizeof all, "%s", l->value);
	for (i++; p->line[i].style == DETAILS_MORE; i++) {
		assert_string_equal(p->line[i].label, "");
		assert_true(rows_text_width(p->line[i].value) <= 30);
		strcat(all, " ");
		strcat(all, p->line[i].value);
	}
	assert_string_equal(all, reason);
	l = page_find(p, "Certification", "Source");
	assert_non_null(l);
	assert_string_equal(l->value, "https://access.example.com/art");
	assert_int_equal(l[1].style, DETAILS_MORE);
	assert_string_equal(l[1].value, "icles/973163");

	/* The Figures title says when they are from an earlier poll. */
	for (i = 0; i < p->n; i++)
		if (strcmp(p->line[i].label, "Figures") == 0)
			assert_string_equal(p->line[i].value, "");
	page_build(p, &row, 30, true);
	for (i = 0; i < p->n; i++)
		if (strcmp(p->line[i].label, "Figures") == 0)
			assert_true(p->line[i].value[0] != '\0');

	/* Wider: fewer lines. Hyper-V facts, a cert without rule or source,
	 * no host snapshot. */
	assert_true(details_count(&row, 200) < details_count(&row, 30));
	g.generation = 2;
	g.config_version = "11.0";
	g.heartbeat = "OkApplicationsHealthy";
	g.health = HEALTH_DEGRADED;
	g.cert.status = CERT_UNKNOWN;
	g.cert.rule = NULL;
	g.cert.source = NULL;
	row.hs = NULL;
	row.host_state = HOST_CONNECTING;
	page_build(p, &row, 200, false);
	assert_string_equal(page_value(p, "Guest", "Generation"), "2");
	assert_string_equal(page_value(p, "Guest", "Config version"), "11.0");
	assert_string_equal(page_value(p, "Guest", "Heartbeat"),
	    "OkApplicationsHealthy");
	assert_string_equal(page_value(p, "Guest", "Health"), "degraded");
	assert_string_equal(page_value(p, "Certification", "Status"),
	    "unknown");
	assert_string_equal(page_value(p, "Certification", "Reason"), reason);
	assert_string_equal(page_value(p, "Certification", "Rule"), "-");
	assert_string_equal(page_value(p, "Certification", "Source"), "-");
	assert_string_equal(page_value(p, "Host", "Platform"), "-");
	assert_string_equal(page_value(p, "Host", "Error"), "-");
	assert_false(details_line(&row, 200, false, p->n, &p->line[0],
	    p->text[0], sizeof p->text[0]));

	/* A host row has no page. */
	row.kind = ROWS_HOST;
	row.gs = NULL;
	assert_int_equal(details_count(&row, 80), 0);
	assert_false(details_line(&row, 80, false, 0, &p->line[0],
	    p->text[0], sizeof p->text[0]));

	snap_unref(hs);
	free(p);
}

/* ---- list ---- */

static void
test_list_scrolling(void **state)
{
	struct list	l;

	(void)state;
	list_init(&l);
	list_set(&l, 100, 10);
	assert_int_equal(l.sel, 0);
	list_move(&l, 12);
	assert_int_equal(l.sel, 12);
	assert_int_equal(l.top, 3);
	list_move(&l, -100);
	assert_int_equal(l.sel, 0);
	assert_int_equal(l.top, 0);
	list_page(&l, 1);
	assert_int_equal(l.sel, 9);
	assert_int_equal(l.top, 9);
	list_end(&l);
	assert_int_equal(l.sel, 99);
	assert_int_equal(l.top, 90);
	list_home(&l);
	assert_int_equal(l.top, 0);

	/* Shrinking keeps the selection inside and no blank tail. */
	list_select(&l, 95);
	list_set(&l, 20, 10);
	assert_int_equal(l.sel, 19);
	assert_int_equal(l.top, 10);
	list_set(&l, 0, 10);
	assert_int_equal(l.sel, 0);
}

struct draw_log {
	size_t	idx[32];
	size_t	n;
	size_t	sel;
};

static void
draw_log_fn(void *arg, int y, size_t idx, bool selected)
{
	struct draw_log	*d = arg;

	assert_int_equal((size_t)y, d->n);
	d->idx[d->n++] = idx;
	if (selected)
		d->sel = idx;
}

/* Only the rows on screen are drawn (and so formatted). */
static void
test_list_draws_visible_only(void **state)
{
	struct list	l;
	struct draw_log	d;

	(void)state;
	memset(&d, 0, sizeof d);
	list_init(&l);
	list_set(&l, 1000, 20);
	list_select(&l, 500);
	list_draw(&l, draw_log_fn, &d);
	assert_int_equal(d.n, 20);
	assert_int_equal(d.idx[0], 481);
	assert_int_equal(d.idx[19], 500);
	assert_int_equal(d.sel, 500);

	memset(&d, 0, sizeof d);
	list_set(&l, 3, 20);
	list_draw(&l, draw_log_fn, &d);
	assert_int_equal(d.n, 3);
}

/* ---- keys ---- */

static void
test_keymap(void **state)
{
	static const struct {
		int		key;
		enum action	action;
	} acts[] = {
		{ 's', ACTION_START }, { 'S', ACTION_SHUTDOWN },
		{ 'r', ACTION_REBOOT }, { 'R', ACTION_RESET },
		{ 'o', ACTION_POWEROFF }, { 'v', ACTION_SAVE },
		{ 'n', ACTION_SNAPSHOT },
	};
	const struct keymap_binding	*b;
	size_t				 i;

	(void)state;
	for (i = 0; i < NITEMS(acts); i++) {
		b = keymap_lookup(KEYMAP_IN_FLEET, acts[i].key);
		assert_non_null(b);
		assert_int_equal(b->cmd, KEYMAP_ACTION);
		assert_int_equal(b->action, acts[i].action);
	}
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET, 'p')->cmd,
	    KEYMAP_PAUSE_TOGGLE);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET, 'j')->cmd,
	    KEYMAP_DOWN);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET,
	    KEYMAP_FN(KEY_DOWN))->cmd, KEYMAP_DOWN);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET, 'G')->cmd,
	    KEYMAP_END);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET,
	    KEYMAP_FN(KEY_F(10)))->cmd, KEYMAP_QUIT);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FIRST_RUN, 'q')->cmd,
	    KEYMAP_QUIT);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FIRST_RUN, 'd')->cmd,
	    KEYMAP_DEMO);
	assert_null(keymap_lookup(KEYMAP_IN_FLEET, 'd'));
	assert_null(keymap_lookup(KEYMAP_IN_FIRST_RUN, 'o'));
	/* Enter opens a guest's details; Esc, q and Enter close them, and
	 * the movement keys scroll the page. */
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET, '\r')->cmd,
	    KEYMAP_DETAILS);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET,
	    KEYMAP_FN(KEY_ENTER))->cmd, KEYMAP_DETAILS);
	assert_int_equal(keymap_lookup(KEYMAP_IN_DETAILS, 27)->cmd,
	    KEYMAP_BACK);
	assert_int_equal(keymap_lookup(KEYMAP_IN_DETAILS, 'q')->cmd,
	    KEYMAP_BACK);
	assert_int_equal(keymap_lookup(KEYMAP_IN_DETAILS, '\r')->cmd,
	    KEYMAP_BACK);
	assert_int_equal(keymap_lookup(KEYMAP_IN_DETAILS, 'j')->cmd,
	    KEYMAP_DOWN);
	assert_int_equal(keymap_lookup(KEYMAP_IN_DETAILS,
	    KEYMAP_FN(KEY_NPAGE))->cmd, KEYMAP_PAGE_DOWN);
	assert_int_equal(keymap_lookup(KEYMAP_IN_FLEET, 'q')->cmd,
	    KEYMAP_QUIT);
	assert_null(keymap_lookup(KEYMAP_IN_DETAILS, 'o'));
	/* A wide character never matches a key code. */
	assert_null(keymap_lookup(KEYMAP_IN_FLEET, KEY_DOWN));

	/* No key is bound twice in one screen. */
	for (b = keymap_next(NULL); b != NULL; b = keymap_next(b))
		assert_ptr_equal(keymap_lookup(b->in, b->key), b);
}

/* ---- status line text ---- */

static void
test_event_text(void **state)
{
	struct evlog_entry	e;
	char			buf[256];
	bool			error;

	(void)state;
	memset(&e, 0, sizeof e);
	e.kind = EV_ACTION;
	e.ok = true;
	strcpy(e.host, "kvm-a");
	strcpy(e.guest, "web1");
	strcpy(e.what, "poweroff");
	strcpy(e.msg, "powered off");
	ui_event_text(&e, buf, sizeof buf, &error);
	assert_string_equal(buf, "web1 on kvm-a: powered off");
	assert_false(error);

	strcpy(e.what, "start");
	strcpy(e.msg, "already running");
	ui_event_text(&e, buf, sizeof buf, &error);
	assert_string_equal(buf, "web1 on kvm-a: started (already running)");

	e.ok = false;
	strcpy(e.what, "save");
	strcpy(e.msg, "Hyper-V cannot save a guest with a passthrough disk");
	ui_event_text(&e, buf, sizeof buf, &error);
	assert_string_equal(buf, "web1 on kvm-a: save failed: Hyper-V cannot "
	    "save a guest with a passthrough disk");
	assert_true(error);

	strcpy(e.what, "poweroff");
	strcpy(e.msg, "poweroff refused: crossvisor runs with --read-only");
	ui_event_text(&e, buf, sizeof buf, &error);
	assert_string_equal(buf, "web1 on kvm-a: poweroff refused: crossvisor "
	    "runs with --read-only");

	memset(&e, 0, sizeof e);
	e.kind = EV_NOTICE;
	e.ok = true;
	strcpy(e.host, "kvm-b");
	strcpy(e.msg, "qemu+libssh:// stalls on large replies");
	ui_event_text(&e, buf, sizeof buf, &error);
	assert_string_equal(buf, "kvm-b: qemu+libssh:// stalls on large "
	    "replies");
	assert_false(error);
}

static void
test_action_verbs(void **state)
{
	int	a;

	(void)state;
	assert_string_equal(ui_action_verb(ACTION_POWEROFF), "Power off");
	for (a = 0; a < ACTION__COUNT; a++)
		assert_non_null(ui_action_verb(a));
}


/* ---- sort, filter, fold, flat ---- */

static const struct tguest busy_guests[] = {
	{ "web2", "id-web2", GUEST_RUNNING, 40.0, CERT_CERTIFIED },
	{ "app1", "id-app1", GUEST_SHUTOFF, 0, CERT_UNSUPPORTED },
	{ "db", "id-db", GUEST_RUNNING, 90.0, CERT_CONDITIONAL },
};

static const struct tguest win_guests[] = {
	{ "win1", "id-win1", GUEST_PAUSED, 5.0, CERT_UNKNOWN },
	{ "Web-Win", "id-ww", GUEST_RUNNING, 60.0, CERT_CERTIFIED },
};

static void
busy_view(struct fleet_view *v, struct cfg *c)
{
	view_init(v, 2);
	v->hosts[0] = mkhost("kvm-a", "kvm", HOST_UP, busy_guests,
	    NITEMS(busy_guests));
	v->hosts[1] = mkhost("hv-1", "hyperv", HOST_UP, win_guests,
	    NITEMS(win_guests));
	cfg_init_defaults(c);
	c->nhosts = 2;
	c->hosts = calloc(2, sizeof *c->hosts);
	assert_non_null(c->hosts);
	c->hosts[0].name = strdup("kvm-a");
	c->hosts[0].type = strdup("kvm");
	strv_add(&c->hosts[0].tags, "prod");
	c->hosts[1].name = strdup("hv-1");
	c->hosts[1].type = strdup("hyperv");
}

/* The names of the guest rows, space-separated. */
static const char *
guest_names(const struct rows *r, char *buf, size_t len)
{
	size_t	i;

	buf[0] = '\0';
	for (i = 0; i < r->n; i++)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    buf[0] != '\0' ? " " : "", r->v[i].kind == ROWS_HOST ?
		    r->v[i].host_name : r->v[i].gs->name);
	return buf;
}

static void
test_rows_sort(void **state)
{
	struct fleet_view	v;
	struct cfg		c;
	struct rows		r;
	struct rows_opts	o;
	char			buf[256];

	(void)state;
	busy_view(&v, &c);
	rows_init(&r);
	memset(&o, 0, sizeof o);

	/* Grouped, CPU largest first; a guest with no figure comes last. */
	o.sort = ROWS_COL_CPU;
	o.desc = true;
	rows_build(&r, &v, &c, &o);
	assert_string_equal(guest_names(&r, buf, sizeof buf),
	    "kvm-a db web2 app1 hv-1 Web-Win win1");
	assert_true(r.v[3].last);
	/* Smallest first: still last. */
	o.desc = false;
	rows_build(&r, &v, &c, &o);
	assert_string_equal(guest_names(&r, buf, sizeof buf),
	    "kvm-a web2 db app1 hv-1 win1 Web-Win");
	/* Flat: across hosts, no host rows. */
	o.flat = true;
	o.desc = true;
	rows_build(&r, &v, &c, &o);
	assert_string_equal(guest_names(&r, buf, sizeof buf),
	    "db Web-Win web2 win1 app1");
	assert_true(r.flat);
	/* By certification: worst first. */
	o.sort = ROWS_COL_CERT;
	o.desc = false;
	rows_build(&r, &v, &c, &o);
	assert_string_equal(guest_names(&r, buf, sizeof buf),
	    "app1 win1 db Web-Win web2");
	/* Counts cover every guest. */
	assert_int_equal(r.guests, 5);
	assert_int_equal(r.by_state[GUEST_RUNNING], 3);
	assert_int_equal(r.by_cert[CERT_CERTIFIED], 2);
	assert_int_equal(r.shown, 5);

	rows_done(&r);
	view_free(&v);
	cfg_free(&c);
}

static void
test_rows_filter_and_fold(void **state)
{
	struct fleet_view	v;
	struct cfg		c;
	struct rows		r;
	struct rows_opts	o;
	struct filter		f;
	bool			fold[2] = { true, false };
	char			buf[256];

	(void)state;
	busy_view(&v, &c);
	rows_init(&r);
	filter_init(&f);
	memset(&o, 0, sizeof o);
	o.filter = &f;

#define EXPECT(text, names) do {					\
	filter_set(&f, text);						\
	rows_build(&r, &v, &c, &o);					\
	assert_string_equal(guest_names(&r, buf, sizeof buf), names);	\
} while (0)
	EXPECT("web", "kvm-a web2 hv-1 Web-Win");
	EXPECT("WEB host:hv", "hv-1 Web-Win");
	EXPECT("!web", "kvm-a app1 db hv-1 win1");
	EXPECT("state:run", "kvm-a db web2 hv-1 Web-Win");
	EXPECT("state:off", "kvm-a app1");
	EXPECT("cert:unsup", "kvm-a app1");
	EXPECT("!cert:certified tag:prod", "kvm-a app1 db");
	EXPECT("^w.*[0-9]$", "kvm-a web2 hv-1 win1");
	EXPECT("hv:hyperv !state:paused", "hv-1 Web-Win");
	EXPECT("nothing-matches", "");
	assert_int_equal(r.shown, 0);
	assert_int_equal(r.guests, 5);
	/* A bad regular expression matches as text, and says so. */
	EXPECT("web2(", "");
	assert_true(f.error[0] != '\0');
	EXPECT("", "kvm-a app1 db web2 hv-1 Web-Win win1");
	assert_false(filter_active(&f));

	/* A collapsed host keeps its row and its roll-up. */
	o.collapsed = fold;
	o.ncollapsed = 2;
	EXPECT("", "kvm-a hv-1 Web-Win win1");
	assert_true(r.v[0].collapsed);
	assert_int_equal(r.v[0].nshown, 3);
	assert_int_equal(r.v[0].nrunning, 2);
#undef EXPECT

	filter_free(&f);
	rows_done(&r);
	view_free(&v);
	cfg_free(&c);
}

static void
test_cmdline(void **state)
{
	struct cmdline	c;
	char		err[128], out[256], cands[256];

	(void)state;
	assert_int_equal(cmdline_parse("pause", &c, err, sizeof err), 0);
	assert_int_equal(c.cmd, CMDLINE_ACTION);
	assert_int_equal(c.action, ACTION_PAUSE);
	assert_int_equal(cmdline_parse(" so cpu desc ", &c, err, sizeof err),
	    0);
	assert_int_equal(c.cmd, CMDLINE_SORT);
	assert_string_equal(c.arg, "cpu desc");
	assert_int_equal(cmdline_parse("filter host:kvm !x", &c, err,
	    sizeof err), 0);
	assert_string_equal(c.arg, "host:kvm !x");
	/* "re" is reboot, reset and resume. */
	assert_int_equal(cmdline_parse("re", &c, err, sizeof err), -1);
	assert_non_null(strstr(err, "which one"));
	assert_int_equal(cmdline_parse("frobnicate", &c, err, sizeof err),
	    -1);
	assert_non_null(strstr(err, "no such command"));

	assert_int_equal(cmdline_complete("re", out, sizeof out, cands,
	    sizeof cands), 3);
	assert_string_equal(cands, "reboot reset resume");
	assert_string_equal(out, "re");
	assert_int_equal(cmdline_complete("pow", out, sizeof out, cands,
	    sizeof cands), 1);
	assert_string_equal(out, "poweroff ");
	assert_int_equal(cmdline_complete("sort u", out, sizeof out, cands,
	    sizeof cands), 1);
	assert_string_equal(out, "sort uptime ");
	assert_int_equal(cmdline_complete("filter state:run ho", out,
	    sizeof out, cands, sizeof cands), 1);
	assert_string_equal(out, "filter state:run host:");
	assert_int_equal(cmdline_complete("mark ", out, sizeof out, cands,
	    sizeof cands), 2);
	assert_string_equal(cands, "all none");
	assert_int_equal(cmdline_complete("pause x", out, sizeof out, cands,
	    sizeof cands), 0);
}

static void
test_input(void **state)
{
	struct input_history	h;
	struct input		in;
	const char		*s;

	(void)state;
	memset(&h, 0, sizeof h);
	input_history_add(&h, "host:kvm");
	input_history_add(&h, "state:run");
	input_history_add(&h, "state:run");
	assert_int_equal(h.n, 2);

	input_open(&in, "", &h);
	for (s = "web db"; *s != '\0'; s++)
		assert_int_equal(input_key(&in, *s), INPUT_CHANGED);
	assert_string_equal(in.text, "web db");
	assert_int_equal(input_key(&in, KEYMAP_CTRL('w')), INPUT_CHANGED);
	assert_string_equal(in.text, "web ");
	assert_int_equal(input_key(&in, 127), INPUT_CHANGED);
	assert_string_equal(in.text, "web");
	/* Up recalls, Down past the newest gives back what was typed. */
	assert_int_equal(input_key(&in, KEYMAP_FN(KEY_UP)), INPUT_CHANGED);
	assert_string_equal(in.text, "state:run");
	assert_int_equal(input_key(&in, KEYMAP_FN(KEY_UP)), INPUT_CHANGED);
	assert_string_equal(in.text, "host:kvm");
	assert_int_equal(input_key(&in, KEYMAP_FN(KEY_UP)), INPUT_KEPT);
	input_key(&in, KEYMAP_FN(KEY_DOWN));
	assert_int_equal(input_key(&in, KEYMAP_FN(KEY_DOWN)), INPUT_CHANGED);
	assert_string_equal(in.text, "web");
	assert_int_equal(input_key(&in, KEYMAP_CTRL('u')), INPUT_CHANGED);
	assert_string_equal(in.text, "");
	assert_int_equal(input_key(&in, '\r'), INPUT_ACCEPT);
	assert_int_equal(input_key(&in, 27), INPUT_CANCEL);
	assert_int_equal(input_key(&in, KEYMAP_FN(KEY_F(5))), INPUT_IGNORED);
}

/* The help screen names every key of the table, every sort key, every
 * filter field and every command. */
static void
test_help_complete(void **state)
{
	const struct keymap_binding	*b;
	char				**l, all[16384], name[32], want[64];
	size_t				 n, i;
	int				 k;

	(void)state;
	n = screen_help_lines(&l);
	all[0] = '\0';
	for (i = 0; i < n; i++)
		snprintf(all + strlen(all), sizeof all - strlen(all), "%s\n",
		    l[i]);
	for (b = keymap_next(NULL); b != NULL; b = keymap_next(b)) {
		if (b->in == KEYMAP_IN_FIRST_RUN)
			continue;
		keymap_key_name(b->key, name, sizeof name);
		if (b->cmd == KEYMAP_SORT)
			continue;
		snprintf(want, sizeof want, " %s", name);
		if (strstr(all, want) == NULL)
			fail_msg("key %s is not on the help screen", name);
	}
	for (i = 0; i < ROWS_COL__COUNT; i++)
		if ((k = rows_col_sort_key(i)) != 0) {
			snprintf(want, sizeof want, "%c %s", k,
			    rows_col_name(i));
			assert_non_null(strstr(all, want));
		}
	for (i = 1; i < FILTER_F__COUNT; i++)
		assert_non_null(strstr(all, filter_field_name(i)));
	for (i = 0; cmdline_help(i) != NULL; i++)
		assert_non_null(strstr(all, cmdline_help(i)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_grouped_and_sorted),
		cmocka_unit_test(test_rows_unpublished_host),
		cmocka_unit_test(test_rows_cursor_keyed),
		cmocka_unit_test(test_rows_cursor_vanished),
		cmocka_unit_test(test_rows_demo_flag),
		cmocka_unit_test(test_cells_absent_figures),
		cmocka_unit_test(test_cells_figures),
		cmocka_unit_test(test_host_detail),
		cmocka_unit_test(test_rows_stale),
		cmocka_unit_test(test_rows_clock_due),
		cmocka_unit_test(test_rows_platform_pending),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_fit_ascii),
		cmocka_unit_test(test_fit_utf8),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_details_page),
		cmocka_unit_test(test_list_scrolling),
		cmocka_unit_test(test_list_draws_visible_only),
		cmocka_unit_test(test_keymap),
		cmocka_unit_test(test_event_text),
		cmocka_unit_test(test_action_verbs),
		cmocka_unit_test(test_rows_sort),
		cmocka_unit_test(test_rows_filter_and_fold),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_input),
		cmocka_unit_test(test_help_complete),
	};

	return cmocka_run_group_tests_name("tui_rows", tests, NULL, NULL);
}
