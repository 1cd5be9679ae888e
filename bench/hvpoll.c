/*
 * hvpoll: the Hyper-V backend's poll, persistent session against one
 * PowerShell per poll, with crossvisor's own backend code and the
 * simulator behind the local transport.
 *
 *   hvpoll [-n POLLS] -- SIMULATOR [ARG...]
 *
 * Persistent: open once (PowerShell starts: the simulator's --delay), then
 * POLLS polls on the same session. One process per poll: POLLS times
 * open, poll and close, as a client that starts powershell.exe for every
 * refresh would. One line of key=value pairs: open_ms, the medians of the
 * wall time per poll both ways, the CPU per persistent poll of this
 * process and of the simulator, and the guests seen.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backends/backend.h"
#include "bench/procstat.h"
#include "core/conf.h"
#include "core/err.h"

#define POLLS_MAX	1000

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n > 0 ? v[n / 2] : -1;
}

int
main(int argc, char **argv)
{
	static double			 persist[POLLS_MAX], fresh[POLLS_MAX];
	static char			 name[] = "hv-bench", type[] = "hyperv";
	static char			 transport[] = "local";
	const struct backend_ops	*ops = backend_find("hyperv");
	struct backend_params		 bp = { .timeout_s = 60,
	    .slow_refresh_s = 3600, .call_timeout_s = 60 };
	struct backend_conn		*conn;
	struct raw_sample		 s;
	struct raw_host			 rh;
	struct cfg_host			 hc;
	struct cv_err			 err;
	double				 t, open_ms;
	int64_t				 c0, c1, k0, k1;
	int				 polls = 20, ch, i;
	size_t				 guests;

	while ((ch = getopt(argc, argv, "n:")) != -1) {
		if (ch != 'n') {
			fprintf(stderr, "usage: hvpoll [-n POLLS] -- "
			    "SIMULATOR [ARG...]\n");
			return 2;
		}
		polls = atoi(optarg);
	}
	if (optind >= argc || polls < 1 || polls > POLLS_MAX || ops == NULL)
		return 2;
	memset(&hc, 0, sizeof hc);
	hc.name = name;
	hc.type = type;
	hc.transport = transport;
	hc.command.v = argv + optind;
	hc.command.n = (size_t)(argc - optind);
	memset(&s, 0, sizeof s);
	cv_err_clear(&err);

	t = procstat_now_ms();
	memset(&rh, 0, sizeof rh);
	if (ops->open(&hc, &bp, &conn, &rh, &err) == -1) {
		fprintf(stderr, "hvpoll: open: %s\n", err.msg);
		return 1;
	}
	open_ms = procstat_now_ms() - t;
	c0 = procstat_cpu_ns(getpid());
	k0 = procstat_children_cpu_ns(getpid());
	for (i = 0; i < polls; i++) {
		t = procstat_now_ms();
		if (ops->poll(conn, &s, &err) == -1) {
			fprintf(stderr, "hvpoll: poll: %s\n", err.msg);
			return 1;
		}
		persist[i] = procstat_now_ms() - t;
	}
	c1 = procstat_cpu_ns(getpid());
	k1 = procstat_children_cpu_ns(getpid());
	guests = s.n;
	ops->close(conn);

	for (i = 0; i < polls; i++) {
		t = procstat_now_ms();
		memset(&rh, 0, sizeof rh);
		if (ops->open(&hc, &bp, &conn, &rh, &err) == -1 ||
		    ops->poll(conn, &s, &err) == -1) {
			fprintf(stderr, "hvpoll: %s\n", err.msg);
			return 1;
		}
		ops->close(conn);
		fresh[i] = procstat_now_ms() - t;
	}
	free(s.guests);
	printf("guests=%zu polls=%d open_ms=%.1f persistent_poll_ms=%.2f "
	    "process_per_poll_ms=%.1f cpu_ms_per_poll=%.3f "
	    "sim_cpu_ms_per_poll=%.3f\n", guests, polls, open_ms,
	    median(persist, polls), median(fresh, polls),
	    (double)(c1 - c0) / 1e6 / polls, (double)(k1 - k0) / 1e6 / polls);
	return 0;
}
