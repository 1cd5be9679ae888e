/*
 * floor: what any libvirt client pays to watch a fleet, and nothing more.
 *
 *   floor [-n REFRESHES] [-K] [-P] [-T] [-i SECONDS] [-w PID]... URI...
 *
 * Opens every URI at once (one thread each, as a client that connects in
 * parallel must), reads each host's first stats, then, unless -P, calls
 * virConnectGetAllDomainStats on every connection REFRESHES times and frees
 * each reply: no formatting, no model, no screen. The groups asked for are
 * the ones crossvisor asks for on a full poll. With -K, every connection
 * also keeps alive as crossvisor's do (5 s, 3 missed), on libvirt's own
 * event loop in a thread of its own: what a client pays to notice a host
 * that has gone. With -i, a refresh starts every SECONDS, as a client's
 * does, instead of right after the last one. With -T, each host's thread
 * stays and polls its host, all of them at once at each refresh: what a
 * client pays that polls hosts side by side, so that a slow host delays no
 * other (every reply of a refresh is then held at once, and the threads
 * share malloc's arenas). Each -w PID is watched over the refreshes
 * (libvirtd and QEMU: what the polls cost the host).
 *
 * One line of key=value pairs on stdout; times in ms, memory in KiB:
 * connect_ms (until every connection is open), first_ms (until every host
 * has answered its first stats), then per refresh the user+sys CPU of this
 * process (getrusage), that of its children (the ssh processes of +ssh
 * URIs) and the wall time, and the peak RSS (ru_maxrss); with -w, the
 * watched processes' user+sys per refresh (watch_cpu_ms_per_refresh).
 */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bench/procstat.h"

#define FLOOR_STATS	(VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL | \
	VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BALLOON |		       \
	VIR_DOMAIN_STATS_VCPU | VIR_DOMAIN_STATS_BLOCK)

struct host {
	const char	*uri;
	virConnectPtr	 conn;
	pthread_t	 thread;
	double		 connected_ms;
	double		 first_ms;
	int		 guests;
	int		 errors;
	char		 why[256];	/* libvirt's error, kept by the
					   thread that met it */
};

static double	t0;
static int	keepalive;
static int	threaded;
static long	refreshes = 20;

/* -T: the main thread and the hosts' threads meet here once all hosts
 * are open, twice every refresh, at its start and at its end, and once
 * after the last. */
static pthread_barrier_t beat;

static void *
event_loop(void *arg)
{
	(void)arg;
	while (virEventRunDefaultImpl() == 0)
		;
	return NULL;
}

/* One full poll of one host: the call and the free. */
static int
stats_once(virConnectPtr conn)
{
	virDomainStatsRecordPtr	*recs = NULL;
	int			 n;

	n = virConnectGetAllDomainStats(conn, FLOOR_STATS, &recs, 0);
	if (n >= 0)
		virDomainStatsRecordListFree(recs);
	return n;
}

static void *
host_open(void *arg)
{
	struct host	*h = arg;

	h->conn = virConnectOpenAuth(h->uri, NULL, 0);
	h->connected_ms = procstat_now_ms() - t0;
	if (h->conn != NULL) {
		if (keepalive)
			virConnectSetKeepAlive(h->conn, 5, 3);
		h->guests = stats_once(h->conn);
		h->first_ms = procstat_now_ms() - t0;
	}
	/* libvirt keeps the last error per thread: the main thread's says
	 * nothing of this one's. */
	if (h->conn == NULL || h->guests < 0)
		snprintf(h->why, sizeof h->why, "%s",
		    virGetLastErrorMessage());
	return NULL;
}

/* -T: opens the host, then polls it at each refresh the main thread
 * starts. A host that failed still meets the others at every beat. */
static void *
host_open_poll(void *arg)
{
	struct host	*h = arg;
	long		 r;

	host_open(h);
	pthread_barrier_wait(&beat);
	for (r = 0; r < refreshes; r++) {
		pthread_barrier_wait(&beat);
		if (h->conn != NULL && stats_once(h->conn) < 0)
			h->errors++;
		pthread_barrier_wait(&beat);
	}
	/* Its ssh child is counted at the end: it stays this thread's until
	 * then. */
	pthread_barrier_wait(&beat);
	return NULL;
}

/* One refresh of every host: here in turn, or with -T by the hosts' own
 * threads at once, the main thread waiting for the last. */
static void
refresh(struct host *hosts, int n, int *bad)
{
	int	i;

	if (threaded) {
		pthread_barrier_wait(&beat);
		pthread_barrier_wait(&beat);
		for (i = 0; i < n; i++) {
			*bad += hosts[i].errors;
			hosts[i].errors = 0;
		}
		return;
	}
	for (i = 0; i < n; i++)
		if (stats_once(hosts[i].conn) < 0)
			(*bad)++;
}

/* Sleeps until MS on procstat's clock. */
static void
sleep_until(double ms)
{
	double	left = ms - procstat_now_ms();

	if (left > 0)
		usleep((useconds_t)(left * 1000));
}

static double
rusage_ms(int who)
{
	struct rusage	ru;

	getrusage(who, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static void
split_ms(double *user, double *sys)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3;
	*sys = (double)ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

static long
maxrss_kb(void)
{
	struct rusage	ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* libvirt prints every error on stderr by default; one line per host that
 * failed is enough. */
static void
quiet(void *arg, virErrorPtr e)
{
	(void)arg;
	(void)e;
}

static int
usage(void)
{
	fprintf(stderr, "usage: floor [-n REFRESHES] [-K] [-P] [-T] "
	    "[-i SECONDS] [-w PID]... URI...\n");
	return 2;
}

int
main(int argc, char **argv)
{
	static struct procstat_set watch;
	struct host	*hosts;
	pthread_t	 loop;
	double		 connect_ms = 0, first_ms = 0, u0, s0, u1, s1, w0, w1;
	int64_t		 c0, c1, h0, h1;
	long		 r, guests = 0;
	double		 pace_ms = 0;
	int		 ch, i, n, bad = 0;
	int		 parallel_only = 0, measured;

	while ((ch = getopt(argc, argv, "n:KPTw:i:")) != -1) {
		switch (ch) {
		case 'n':
			refreshes = strtol(optarg, NULL, 10);
			break;
		case 'K':
			keepalive = 1;
			break;
		case 'P':
			parallel_only = 1;
			break;
		case 'T':
			threaded = 1;
			break;
		case 'w':
			if (procstat_set_add(&watch, optarg) == -1)
				return usage();
			break;
		case 'i':
			pace_ms = strtod(optarg, NULL) * 1000;
			break;
		default:
			return usage();
		}
	}
	n = argc - optind;
	if (n < 1 || refreshes < 1 || (threaded && parallel_only))
		return usage();
	virSetErrorFunc(NULL, quiet);
	if (virInitialize() < 0)
		return 1;
	if (keepalive && (virEventRegisterDefaultImpl() < 0 ||
	    pthread_create(&loop, NULL, event_loop, NULL) != 0))
		return 1;
	hosts = calloc((size_t)n, sizeof *hosts);
	if (hosts == NULL)
		return 1;

	if (threaded && pthread_barrier_init(&beat, NULL, (unsigned)n + 1) != 0)
		return 1;
	t0 = procstat_now_ms();
	for (i = 0; i < n; i++) {
		hosts[i].uri = argv[optind + i];
		if (pthread_create(&hosts[i].thread, NULL, threaded ?
		    host_open_poll : host_open, &hosts[i]) != 0)
			return 1;
	}
	if (threaded)
		pthread_barrier_wait(&beat);
	for (i = 0; i < n; i++) {
		if (!threaded)
			pthread_join(hosts[i].thread, NULL);
		if (hosts[i].conn == NULL || hosts[i].guests < 0) {
			fprintf(stderr, "floor: %s: %s\n", hosts[i].uri,
			    hosts[i].why);
			bad++;
			continue;
		}
		guests += hosts[i].guests;
		if (hosts[i].connected_ms > connect_ms)
			connect_ms = hosts[i].connected_ms;
		if (hosts[i].first_ms > first_ms)
			first_ms = hosts[i].first_ms;
	}
	printf("hosts=%d failed=%d guests=%ld connect_ms=%.1f first_ms=%.1f "
	    "cpu_ms_total=%.1f", n, bad, guests, connect_ms, first_ms,
	    rusage_ms(RUSAGE_SELF));
	measured = bad == 0 && !parallel_only;
	if (measured) {
		split_ms(&u0, &s0);
		c0 = procstat_children_cpu_ns(getpid());
		h0 = procstat_set_cpu_ns(&watch);
		w0 = procstat_now_ms();
		for (r = 0; r < refreshes; r++) {
			if (r > 0 && pace_ms > 0)
				sleep_until(w0 + (double)r * pace_ms);
			refresh(hosts, n, &bad);
		}
		w1 = procstat_now_ms();
		h1 = procstat_set_cpu_ns(&watch);
		c1 = procstat_children_cpu_ns(getpid());
		split_ms(&u1, &s1);
		printf(" refreshes=%ld errors=%d cpu_ms_per_refresh=%.3f "
		    "user_ms_per_refresh=%.3f sys_ms_per_refresh=%.3f "
		    "child_cpu_ms_per_refresh=%.3f wall_ms_per_refresh=%.2f "
		    "rss_kb=%ld", refreshes, bad,
		    (u1 - u0 + s1 - s0) / (double)refreshes,
		    (u1 - u0) / (double)refreshes,
		    (s1 - s0) / (double)refreshes,
		    (double)(c1 - c0) / 1e6 / (double)refreshes,
		    (w1 - w0) / (double)refreshes, procstat_rss_kb(getpid()));
		if (watch.n > 0)
			printf(" watch_cpu_ms_per_refresh=%.3f",
			    (double)(h1 - h0) / 1e6 / (double)refreshes);
	}
	/* The hosts' threads end after their last beat, and one more. */
	if (threaded && !measured)
		for (r = 0; r < refreshes; r++)
			refresh(hosts, n, &bad);
	if (threaded) {
		pthread_barrier_wait(&beat);
		for (i = 0; i < n; i++)
			pthread_join(hosts[i].thread, NULL);
	}
	printf(" maxrss_kb=%ld\n", maxrss_kb());
	fflush(stdout);
	for (i = 0; i < n; i++)
		if (hosts[i].conn != NULL)
			virConnectClose(hosts[i].conn);
	free(hosts);
	return bad ? 1 : 0;
}
