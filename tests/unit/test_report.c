/* Batch writers: the JSON line, CSV and text shapes of DESIGN.md, nulls for
 * absent figures, escaping of hostile names. JSON is checked by parsing it
 * back with json-c. */
#include <json-c/json.h>
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
	struct fleet_view	 v = { 1, hosts, 1 };
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_line_shape),
		cmocka_unit_test(json_escapes_hostile_names),
		cmocka_unit_test(csv_header_once_and_quoting),
		cmocka_unit_test(text_has_columns_and_dashes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
