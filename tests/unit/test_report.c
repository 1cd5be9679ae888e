/* Batch writers: the JSON line, CSV and text shapes of DESIGN.md, nulls for
 * absent figures, escaping of hostile names. JSON is checked by parsing it
 * back with json-c. */
#include <json-c/json.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/fleet.h"
#include "core/report.h"
#include "core/snap.h"

static struct host_snap *
sample_host(const char *gname)
{
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct guest_snap	 g;

	memset(&hi, 0, sizeof hi);
	hi.name = "kvm-a";
	hi.type = "kvm";
	hi.state = HOST_UP;
	hi.platform = "rhel-9.4";
	hi.hypervisor = "QEMU 8.2.0";
	hi.latency_ms = 12;
	hi.good_ms = 1000;
	hi.polls = 2;
	b = snap_builder_create(&hi, 2);
	memset(&g, 0, sizeof g);
	g.name = gname;
	g.id = "0b7c2f6e-0000-4000-8000-000000000001";
	g.state = GUEST_RUNNING;
	g.health = HEALTH_OK;
	g.have = GS_VCPUS | GS_CPU | GS_MEM | GS_MEM_MAX | GS_DISK | GS_NET;
	g.vcpus = 2;
	g.cpu_pct = 12.5;
	g.mem_bytes = 2147483648u;
	g.mem_max_bytes = 4294967296u;
	g.disk_wr_bps = 4096;
	g.net_rx_bps = 1200;
	g.net_tx_bps = 800;
	g.os = "Red Hat Enterprise Linux 9.2";
	g.cert.status = CERT_CERTIFIED;
	g.cert.reason = "validated";
	snap_builder_add(b, &g);
	memset(&g, 0, sizeof g);
	g.name = "zz-off";
	g.id = "0b7c2f6e-0000-4000-8000-000000000002";
	g.state = GUEST_SHUTOFF;
	g.cert.status = CERT_UNKNOWN;
	g.cert.reason = "guest OS not identified";
	snap_builder_add(b, &g);
	return snap_builder_finish(b);
}

static char *
render(enum report_format fmt, const char *gname, bool first)
{
	struct host_snap	*h = sample_host(gname);
	const struct host_snap	*hosts[1] = { h };
	struct fleet_view	 v = { 1, hosts, 1, NULL };
	struct report_clock	 rc = { 1795600800, 1400, 2.0 };
	char			*buf = NULL;
	size_t			 len = 0;
	FILE			*f = open_memstream(&buf, &len);

	report_batch(f, fmt, &v, &rc, first);
	fclose(f);
	snap_unref(h);
	return buf;
}

static json_object *
field(json_object *o, const char *key)
{
	json_object	*v = NULL;

	assert_true(json_object_object_get_ex(o, key, &v));
	return v;
}

static void
json_line_shape(void **state)
{
	char		*out = render(REPORT_JSON, "web1", true);
	json_object	*o, *g, *h, *off;

	(void)state;
	assert_non_null(strchr(out, '\n'));
	assert_null(strchr(out, '\n') + 1 == NULL ? NULL :
	    strchr(strchr(out, '\n') + 1, '\n'));
	o = json_tokener_parse(out);
	assert_non_null(o);
	assert_string_equal(json_object_get_string(field(o, "time")),
	    "2026-11-25T10:00:00Z");
	assert_false(json_object_get_boolean(field(o, "demo")));
	h = json_object_array_get_idx(field(o, "hosts"), 0);
	assert_string_equal(json_object_get_string(field(h, "state")), "up");
	assert_null(field(h, "error"));
	assert_int_equal(json_object_get_int(field(h, "latency_ms")), 12);
	assert_int_equal(json_object_get_int(field(h, "guest_count")), 2);
	assert_true(json_object_get_double(field(h, "age_s")) == 0.4);

	g = json_object_array_get_idx(field(o, "guests"), 0);
	assert_string_equal(json_object_get_string(field(g, "host")), "kvm-a");
	assert_string_equal(json_object_get_string(field(g, "name")), "web1");
	assert_string_equal(json_object_get_string(field(g, "health")), "ok");
	assert_true(json_object_get_double(field(g, "cpu_pct")) == 12.5);
	assert_int_equal(json_object_get_int64(field(g, "mem_bytes")),
	    2147483648LL);
	assert_null(field(g, "mem_used_bytes"));
	assert_null(field(g, "uptime_s"));
	assert_int_equal(json_object_get_int(field(g, "disk_wr_bps")), 4096);
	assert_false(json_object_get_boolean(field(g, "stale")));
	assert_string_equal(json_object_get_string(field(field(g, "cert"),
	    "status")), "certified");
	assert_null(field(field(g, "cert"), "rule"));

	/* Absent figures are null, never 0. */
	off = json_object_array_get_idx(field(o, "guests"), 1);
	assert_null(field(off, "vcpus"));
	assert_null(field(off, "cpu_pct"));
	assert_null(field(off, "mem_bytes"));
	assert_null(field(off, "net_rx_bps"));
	assert_null(field(off, "health"));
	json_object_put(o);
	free(out);
}

static void
json_escapes_hostile_names(void **state)
{
	const char	*nasty = "a\"b\\c\nd\te$(rm)`x`;\x01\xff\xc3\xa9";
	char		*out = render(REPORT_JSON, nasty, true);
	json_object	*o, *g;

	(void)state;
	o = json_tokener_parse(out);
	assert_non_null(o);
	g = json_object_array_get_idx(field(o, "guests"), 0);
	/* Invalid UTF-8 becomes U+FFFD; everything else survives. */
	assert_string_equal(json_object_get_string(field(g, "name")),
	    "a\"b\\c\nd\te$(rm)`x`;\x01\xef\xbf\xbd\xc3\xa9");
	json_object_put(o);
	free(out);
}

static void
csv_header_once_and_quoting(void **state)
{
	char	*out = render(REPORT_CSV, "we,b\"1", true), *again;

	(void)state;
	assert_true(strncmp(out, "host,name,id,state,health,vcpus,cpu_pct,",
	    40) == 0);
	assert_non_null(strstr(out, "kvm-a,\"we,b\"\"1\","));
	assert_non_null(strstr(out, ",running,ok,2,12.5,2147483648,"
	    "4294967296,,0,4096,1200,800,,Red Hat Enterprise Linux 9.2,false,"
	    "certified,validated,,\n"));
	assert_non_null(strstr(out, ",shutoff,,,,,,,,,,,,,false,unknown,"));
	again = render(REPORT_CSV, "web1", false);
	assert_true(strncmp(again, "kvm-a,web1,", 11) == 0);
	free(out);
	free(again);
}

static void
text_has_columns_and_dashes(void **state)
{
	char	*out = render(REPORT_TEXT, "web1", true);

	(void)state;
	assert_non_null(strstr(out, "HOST"));
	assert_non_null(strstr(out, "CPU%"));
	assert_non_null(strstr(out, "web1"));
	assert_non_null(strstr(out, "12.5"));
	assert_non_null(strstr(out, "2.0G"));
	assert_non_null(strstr(out, "zz-off"));
	free(out);
}

/* The writers' FILE forms: quotes doubled wherever they fall, control
 * characters as \u escapes. */
static void
field_writers_quote(void **state)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);

	(void)state;
	report_csv_field(f, "\"a\"\"b\"");
	fputc('|', f);
	report_csv_field(f, "plain");
	fputc('|', f);
	report_csv_field(f, "x\ny");
	fputc('|', f);
	report_csv_field(f, NULL);
	fputc('|', f);
	report_json_string(f, "q\"\x1f\x7f\\");
	fputc('|', f);
	report_json_string(f, NULL);
	fclose(f);
	assert_string_equal(buf, "\"\"\"a\"\"\"\"b\"\"\"|plain|\"x\ny\"||"
	    "\"q\\\"\\u001f\x7f\\\\\"|null");
	free(buf);
}

/* A JSON string is scanned eight bytes at a time: a byte to escape, or
 * one that starts UTF-8, is found wherever it falls in a long string. */
static void
json_string_any_offset(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;
	} odd[] = {
		{ "\"", "\\\"" }, { "\\", "\\\\" }, { "\x01", "\\u0001" },
		{ "\x1f", "\\u001f" }, { "\xff", "\\ufffd" },
		{ "\xc3\xa9", "\xc3\xa9" }, { "\xc3", "\\ufffd" },
	};
	char	 in[64], want[64], *buf;
	size_t	 i, at, len;
	FILE	*f;

	(void)state;
	for (i = 0; i < sizeof odd / sizeof odd[0]; i++)
		for (at = 0; at <= 20; at++) {
			snprintf(in, sizeof in, "%.*s%s%.*s", (int)at,
			    "abcdefghijklmnopqrstu", odd[i].in,
			    (int)(20 - at), "ABCDEFGHIJKLMNOPQRSTU");
			snprintf(want, sizeof want, "\"%.*s%s%.*s\"", (int)at,
			    "abcdefghijklmnopqrstu", odd[i].out,
			    (int)(20 - at), "ABCDEFGHIJKLMNOPQRSTU");
			buf = NULL;
			len = 0;
			f = open_memstream(&buf, &len);
			report_json_string(f, in);
			fclose(f);
			assert_string_equal(buf, want);
			free(buf);
		}
}

static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Values where printing by hand could go wrong: ties of one decimal and of
 * none (exact, or the nearest double on either side), the ends of the
 * fast path, signs, tiny, huge and non-finite values. */
static const double edges[] = {
	0, -0.0, 0.05, 0.15, 0.25, 0.35, 0.45, 0.5, 1.5, 2.5, 3.5, 0.95, 9.95,
	99.95, 99.94999999999999, 12.25, 0.049999999999999996, 100, 1e15,
	1e15 - 0.5, 1e15 + 0.5, 999999999999999.4, 99999999999999.95,
	1e14 + 0.05, 4503599627370495.5, 9007199254740993.0, 1e20, 1e300,
	DBL_MAX, DBL_MIN, 4.9e-324, -0.05, -0.04, -2.5, -1e-300, -123.45,
	-1e20, NAN, -NAN, INFINITY, -INFINITY
};

/* The i-th value tried: the edges, then random ones in several ranges. */
static double
sample(uint64_t *seed, size_t i)
{
	uint64_t	r = next_rand(seed);
	double		u = (double)(r >> 11) / 9007199254740992.0, t;

	if (i < sizeof edges / sizeof edges[0])
		return edges[i];
	switch (i % 8) {
	case 0:
		return u;
	case 1:
		return u * 100;
	case 2:
		return u * 1e6;
	case 3:
		return u * 1e12;
	case 4:
		return ldexp(u, (int)(r % 64));		/* up to 2^63 */
	case 5:
		t = (double)(r % 40001) / 20;		/* k.k5 */
		break;
	case 6:
		t = (double)(r % 4000001) / 2;		/* k.5 */
		break;
	default:
		memcpy(&t, &r, sizeof t);		/* any double */
		return t;
	}
	switch ((r >> 32) % 3) {
	case 0:
		return nextafter(t, -INFINITY);
	case 1:
		return nextafter(t, INFINITY);
	}
	return t;
}

/* Field k of a CSV line of plain fields. */
static void
csv_nth(const char *line, int k, char *out, size_t len)
{
	size_t	n;

	for (; k > 0; k--)
		line = strchr(line, ',') + 1;
	n = strcspn(line, ",\n");
	assert_true(n < len);
	memcpy(out, line, n);
	out[n] = '\0';
}

/* cpu_pct ("%.1f") and the rates ("%.0f") are printed without printf:
 * they must be its bytes, rounding ties to even included. JSON prints its
 * figures with the same writer. */
static void
csv_figures_match_printf(void **state)
{
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct host_snap	*h;
	const struct host_snap	*hosts[1];
	struct guest_snap	 g;
	struct report_clock	 rc = { 1795600800, 1400, 2.0 };
	struct fleet_view	 v = { 1, hosts, 1, NULL };
	double			 vals[4096];
	char			 name[16], got[400], want[400], *buf, *line;
	size_t			 len, i, round;
	uint64_t		 seed = 0x9e3779b97f4a7c15ull;
	FILE			*f;

	(void)state;
	memset(&hi, 0, sizeof hi);
	hi.name = "h";
	hi.type = "kvm";
	hi.state = HOST_UP;
	hi.good_ms = 1000;
	for (round = 0; round < 50; round++) {
		b = snap_builder_create(&hi, 4096);
		for (i = 0; i < 4096; i++) {
			memset(&g, 0, sizeof g);
			snprintf(name, sizeof name, "%06zu", i);
			g.name = name;
			g.have = GS_CPU | GS_DISK;
			vals[i] = sample(&seed, round * 4096 + i);
			g.cpu_pct = g.disk_rd_bps = vals[i];
			snap_builder_add(b, &g);
		}
		h = snap_builder_finish(b);
		hosts[0] = h;
		buf = NULL;
		len = 0;
		f = open_memstream(&buf, &len);
		report_batch(f, REPORT_CSV, &v, &rc, false);
		fclose(f);
		line = buf;
		for (i = 0; i < 4096; i++) {
			csv_nth(line, 6, got, sizeof got);
			snprintf(want, sizeof want, "%.1f", vals[i]);
			if (strcmp(got, want) != 0)
				fail_msg("%a as %%.1f: %s, printf %s", vals[i],
				    got, want);
			csv_nth(line, 10, got, sizeof got);
			snprintf(want, sizeof want, "%.0f", vals[i]);
			if (strcmp(got, want) != 0)
				fail_msg("%a as %%.0f: %s, printf %s", vals[i],
				    got, want);
			line = strchr(line, '\n') + 1;
		}
		assert_int_equal(*line, '\0');
		free(buf);
		snap_unref(h);
	}
}

/* A host's name and a guest's OS and verdict texts go out once escaped and
 * are then copied while they stay the same string: each guest must still
 * get its own, nulls included, across guests and hosts. */
static struct host_snap *
host_of(const char *name, const char *const *os, const char *const *why,
    size_t n)
{
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct guest_snap	 g;
	char			 gname[24];
	size_t			 i;

	memset(&hi, 0, sizeof hi);
	hi.name = name;
	hi.type = "kvm";
	hi.state = HOST_UP;
	hi.good_ms = 1000;
	b = snap_builder_create(&hi, n);
	for (i = 0; i < n; i++) {
		memset(&g, 0, sizeof g);
		snprintf(gname, sizeof gname, "g%zu", i);
		g.name = gname;
		g.os = os[i];
		g.cert.reason = why[i];
		snap_builder_add(b, &g);
	}
	return snap_builder_finish(b);
}

static void
json_repeated_strings_stay_each_guests(void **state)
{
	static const char *const os_a[] = { "RHEL \"9\"", "RHEL \"9\"", NULL,
	    "Ubuntu", "RHEL \"9\"" };
	static const char *const why_a[] = { "ok\n", "ok\n", "ok\n", "",
	    "other" };
	static const char *const os_b[] = { "RHEL \"9\"" };
	static const char *const why_b[] = { "ok\n" };
	static const char *const host_want[] = { "kvm \"a\"", "kvm \"a\"",
	    "kvm \"a\"", "kvm \"a\"", "kvm \"a\"", "kvm-b" };
	const struct host_snap	*hosts[2];
	struct host_snap	*a, *b;
	struct fleet_view	 v = { 2, hosts, 2, NULL };
	struct report_clock	 rc = { 1795600800, 1400, 2.0 };
	json_object		*o, *gs, *g;
	char			*buf = NULL;
	size_t			 len = 0, i;
	FILE			*f;

	(void)state;
	hosts[0] = a = host_of("kvm \"a\"", os_a, why_a, 5);
	hosts[1] = b = host_of("kvm-b", os_b, why_b, 1);
	f = open_memstream(&buf, &len);
	report_batch(f, REPORT_JSON, &v, &rc, true);
	fclose(f);
	o = json_tokener_parse(buf);
	assert_non_null(o);
	gs = field(o, "guests");
	assert_int_equal(json_object_array_length(gs), 6);
	for (i = 0; i < 6; i++) {
		const char *os = i < 5 ? os_a[i] : os_b[0];
		const char *why = i < 5 ? why_a[i] : why_b[0];

		g = json_object_array_get_idx(gs, i);
		assert_string_equal(json_object_get_string(field(g, "host")),
		    host_want[i]);
		if (os == NULL)
			assert_null(field(g, "os"));
		else
			assert_string_equal(json_object_get_string(field(g,
			    "os")), os);
		assert_string_equal(json_object_get_string(field(field(g,
		    "cert"), "reason")), why);
		assert_null(field(field(g, "cert"), "rule"));
	}
	json_object_put(o);
	free(buf);
	snap_unref(a);
	snap_unref(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_line_shape),
		cmocka_unit_test(json_escapes_hostile_names),
		cmocka_unit_test(json_repeated_strings_stay_each_guests),
		cmocka_unit_test(csv_header_once_and_quoting),
		cmocka_unit_test(text_has_columns_and_dashes),
		cmocka_unit_test(field_writers_quote),
		cmocka_unit_test(json_string_any_offset),
		cmocka_unit_test(csv_figures_match_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
