/* Rates: counters to percentages and bytes per second. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/rates.h"
#include "core/snap.h"

#define SEC	1000000000ull

static struct raw_guest
guest(unsigned have)
{
	struct raw_guest	g;

	memset(&g, 0, sizeof g);
	strcpy(g.id, "g1");
	g.have = have | RAW_VCPUS;
	g.vcpus = 2;
	return g;
}

static void
first_sample_has_no_rates(void **state)
{
	struct raw_guest	g = guest(RAW_CPU_TIME | RAW_NET | RAW_DISK |
				    RAW_MEM);
	struct guest_snap	out;
	struct rate_prev	next;

	(void)state;
	memset(&out, 0, sizeof out);
	g.mem_bytes = 1024;
	rates_compute(NULL, &g, 10 * SEC, 0, &out, &next);
	assert_false(out.have & GS_CPU);
	assert_false(out.have & GS_NET);
	assert_false(out.have & GS_DISK);
	assert_true(out.have & GS_MEM);
	assert_true(out.have & GS_VCPUS);
	assert_int_equal(out.mem_bytes, 1024);
}

static void
cpu_is_share_of_vcpus(void **state)
{
	struct raw_guest	a = guest(RAW_CPU_TIME), b = a;
	struct guest_snap	out;
	struct rate_prev	p1, p2;

	(void)state;
	memset(&out, 0, sizeof out);
	a.cpu_time_ns = 5 * SEC;
	rates_compute(NULL, &a, 10 * SEC, 0, &out, &p1);
	/* One vCPU of two busy for two seconds: 50 %. */
	b.cpu_time_ns = 7 * SEC;
	memset(&out, 0, sizeof out);
	rates_compute(&p1, &b, 12 * SEC, 0, &out, &p2);
	assert_true(out.have & GS_CPU);
	assert_true(out.cpu_pct > 49.99 && out.cpu_pct < 50.01);
}

static void
cpu_clamped_and_reset_gives_none(void **state)
{
	struct raw_guest	a = guest(RAW_CPU_TIME), b = a;
	struct guest_snap	out;
	struct rate_prev	p1, p2;

	(void)state;
	a.cpu_time_ns = 5 * SEC;
	memset(&out, 0, sizeof out);
	rates_compute(NULL, &a, 10 * SEC, 0, &out, &p1);
	b.cpu_time_ns = 15 * SEC;
	memset(&out, 0, sizeof out);
	rates_compute(&p1, &b, 11 * SEC, 0, &out, &p2);
	assert_true(out.cpu_pct == 100.0);
	/* The guest restarted: its counter went back. */
	b.cpu_time_ns = 1 * SEC;
	memset(&out, 0, sizeof out);
	rates_compute(&p2, &b, 12 * SEC, 0, &out, &p1);
	assert_false(out.have & GS_CPU);
}

static void
hyperv_usage_scaled_by_host(void **state)
{
	struct raw_guest	g = guest(RAW_CPU_USAGE);
	struct guest_snap	out;
	struct rate_prev	next;

	(void)state;
	/* 10 % of a 16-thread host used by a 2-vCPU guest: 80 % of it. */
	g.cpu_usage = 10;
	memset(&out, 0, sizeof out);
	rates_compute(NULL, &g, SEC, 16, &out, &next);
	assert_true(out.have & GS_CPU);
	assert_true(out.cpu_pct > 79.99 && out.cpu_pct < 80.01);
	assert_true(rates_usage_pct(50, 16, 2) == 100.0);
	assert_true(rates_usage_pct(50, 0, 2) == 0.0);
}

static void
net_bytes_per_second(void **state)
{
	struct raw_guest	a = guest(RAW_NET), b = a;
	struct guest_snap	out;
	struct rate_prev	p1, p2;

	(void)state;
	a.net_rx_bytes = 1000;
	a.net_tx_bytes = 0;
	memset(&out, 0, sizeof out);
	rates_compute(NULL, &a, 10 * SEC, 0, &out, &p1);
	b.net_rx_bytes = 5000;
	b.net_tx_bytes = 2000;
	memset(&out, 0, sizeof out);
	rates_compute(&p1, &b, 12 * SEC, 0, &out, &p2);
	assert_true(out.have & GS_NET);
	assert_true(out.net_rx_bps == 2000.0);
	assert_true(out.net_tx_bps == 1000.0);
}

/* The slow groups repeat with their own time: the rate holds between two
 * slow reads. */
static void
disk_rate_holds_between_slow_reads(void **state)
{
	struct raw_guest	a = guest(RAW_DISK), b = a;
	struct guest_snap	out;
	struct rate_prev	p1, p2, p3;

	(void)state;
	a.slow_ns = 10 * SEC;
	a.disk_rd_bytes = 0;
	memset(&out, 0, sizeof out);
	rates_compute(NULL, &a, 10 * SEC, 0, &out, &p1);
	assert_false(out.have & GS_DISK);
	/* Not re-read: same slow_ns, no rate yet. */
	memset(&out, 0, sizeof out);
	rates_compute(&p1, &a, 12 * SEC, 0, &out, &p2);
	assert_false(out.have & GS_DISK);
	b.slow_ns = 20 * SEC;
	b.disk_rd_bytes = 10000;
	b.disk_wr_bytes = 5000;
	memset(&out, 0, sizeof out);
	rates_compute(&p2, &b, 20 * SEC, 0, &out, &p3);
	assert_true(out.have & GS_DISK);
	assert_true(out.disk_rd_bps == 1000.0);
	assert_true(out.disk_wr_bps == 500.0);
	memset(&out, 0, sizeof out);
	rates_compute(&p3, &b, 22 * SEC, 0, &out, &p1);
	assert_true(out.have & GS_DISK);
	assert_true(out.disk_rd_bps == 1000.0);
}

static void
absent_stays_absent(void **state)
{
	struct raw_guest	g;
	struct guest_snap	out;
	struct rate_prev	next;

	(void)state;
	memset(&g, 0, sizeof g);
	memset(&out, 0, sizeof out);
	rates_compute(NULL, &g, SEC, 8, &out, &next);
	assert_int_equal(out.have, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_sample_has_no_rates),
		cmocka_unit_test(cpu_is_share_of_vcpus),
		cmocka_unit_test(cpu_clamped_and_reset_gives_none),
		cmocka_unit_test(hyperv_usage_scaled_by_host),
		cmocka_unit_test(net_bytes_per_second),
		cmocka_unit_test(disk_rate_holds_between_slow_reads),
		cmocka_unit_test(absent_stays_absent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
