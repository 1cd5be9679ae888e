/*
 * frame: the console's frame cost on a large fleet, in-process, with the
 * console's own code (tui/ and core/) and a pseudo-terminal for a screen.
 *
 *   frame [-x COLS] [-y LINES] [-H HOSTS] [-G GUESTS] [-n FRAMES]
 *
 * HOSTS x GUESTS guests (default 10 x 1000) in two sets of snapshots that
 * differ only in their figures (CPU%, memory), published in turn as
 * pollers would. One frame is what the console's loop does when a host
 * publishes: take the new view and build the rows (ui_refresh), draw the
 * screen, and send the difference (wnoutrefresh + doupdate). A thread
 * reads the terminal's other side and counts the bytes.
 *
 * One line of key=value pairs on the standard output it was started with:
 * frame_p50_ms, frame_p95_ms, build_p50_ms (ui_refresh alone),
 * bytes_per_frame (steady frames, figures only changing).
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bench/procstat.h"
#include "core/clock.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/fleet.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/curses_wrap.h"
#include "tui/screen_fleet.h"
#include "tui/term.h"
#include "tui/ui.h"

#define FRAMES_MAX	2000

static atomic_llong	pty_bytes;
static int		pty_master = -1;

static void *
pty_reader(void *arg)
{
	char	buf[65536];
	ssize_t	n;

	(void)arg;
	while ((n = read(pty_master, buf, sizeof buf)) > 0)
		atomic_fetch_add(&pty_bytes, (long long)n);
	return NULL;
}

/* The console's terminal becomes a pty of the given size. */
static void
pty_open(int cols, int lines)
{
	struct winsize	 ws;
	pthread_t	 t;
	char		*name;
	int		 slave;

	if ((pty_master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(pty_master) == -1 || unlockpt(pty_master) == -1 ||
	    (name = ptsname(pty_master)) == NULL ||
	    (slave = open(name, O_RDWR | O_NOCTTY)) == -1)
		fatal("pty");
	memset(&ws, 0, sizeof ws);
	ws.ws_col = (unsigned short)cols;
	ws.ws_row = (unsigned short)lines;
	ioctl(slave, TIOCSWINSZ, &ws);
	dup2(slave, STDIN_FILENO);
	dup2(slave, STDOUT_FILENO);
	close(slave);
	if (pthread_create(&t, NULL, pty_reader, NULL) != 0)
		fatalx("pthread_create");
	pthread_detach(t);
}

static const char *const oses[][2] = {
	{ "Red Hat Enterprise Linux 9.2", "rhel9.2" },
	{ "Ubuntu 22.04 LTS", "ubuntu22.04" },
	{ "Microsoft Windows Server 2022", "win2k22" },
	{ "Debian GNU/Linux 12", "debian12" },
	{ NULL, NULL },
};

/* One host's snapshot; variant changes the figures only. */
static struct host_snap *
make_host(const char *name, int guests, int variant)
{
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct guest_snap	 g;
	char			 gname[64], id[64];
	uint64_t		 now = clock_mono_ms();
	int			 i, o;

	memset(&hi, 0, sizeof hi);
	hi.name = name;
	hi.type = "kvm";
	hi.state = HOST_UP;
	hi.platform = "rhel-9.4";
	hi.hypervisor = "QEMU 8.2.0";
	hi.taken_ms = hi.good_ms = now;
	hi.good_wall = clock_wall();
	hi.latency_ms = 12 + variant;
	hi.polls = 10 + (unsigned)variant;
	b = snap_builder_create(&hi, (size_t)guests);
	for (i = 0; i < guests; i++) {
		memset(&g, 0, sizeof g);
		snprintf(gname, sizeof gname, "%s-guest-%05d", name, i);
		snprintf(id, sizeof id, "6c7a0e2e-0000-4000-8000-%012d", i);
		o = i % 5;
		g.name = gname;
		g.id = id;
		g.os = oses[o][0];
		g.os_id = oses[o][1];
		g.virt_type = "kvm";
		g.machine = "pc-q35-7.2";
		g.state = i % 5 == 4 ? GUEST_SHUTOFF : GUEST_RUNNING;
		g.have = GS_VCPUS | GS_MEM_MAX;
		g.vcpus = 1 << (i % 3);
		g.mem_max_bytes = (uint64_t)2 << 30;
		if (g.state == GUEST_RUNNING) {
			g.have |= GS_CPU | GS_MEM | GS_DISK | GS_NET;
			g.cpu_pct = (double)((i * 7 + variant * 13) % 100);
			g.mem_bytes = ((uint64_t)1 << 30) +
			    (uint64_t)variant * 4096 * (uint64_t)i;
			g.disk_rd_bps = 4096.0 * ((i + variant) % 50);
			g.disk_wr_bps = 8192.0 * ((i + variant) % 30);
			g.net_rx_bps = 1200.0 * ((i + variant) % 20);
			g.net_tx_bps = 800.0 * ((i + variant) % 20);
		}
		g.cert.status = o == 4 ? CERT_UNKNOWN : CERT_CERTIFIED;
		g.cert.reason = "listed";
		snap_builder_add(b, &g);
	}
	return snap_builder_finish(b);
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
settle(void)
{
	struct timespec	ts = { 0, 200 * 1000 * 1000 };
	long long	before;

	do {
		before = atomic_load(&pty_bytes);
		nanosleep(&ts, NULL);
	} while (atomic_load(&pty_bytes) != before);
}

int
main(int argc, char **argv)
{
	static double		 frame_ms[FRAMES_MAX], build_ms[FRAMES_MAX];
	struct host_snap	**set[2];
	struct cfg		 cfg;
	struct cv_err		 err;
	struct fleet		*fleet;
	struct ui		 ui;
	FILE			*out;
	long long		 b0, b1;
	double			 t0, t1, t2;
	char			 name[32];
	int			 cols = 200, lines = 60, hosts = 10;
	int			 guests = 1000, frames = 200, ch, h, f, v;

	while ((ch = getopt(argc, argv, "x:y:H:G:n:")) != -1) {
		switch (ch) {
		case 'x': cols = atoi(optarg); break;
		case 'y': lines = atoi(optarg); break;
		case 'H': hosts = atoi(optarg); break;
		case 'G': guests = atoi(optarg); break;
		case 'n': frames = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: frame [-x COLS] [-y LINES] "
			    "[-H HOSTS] [-G GUESTS] [-n FRAMES]\n");
			return 2;
		}
	}
	if (hosts < 1 || guests < 0 || frames < 4 || frames > FRAMES_MAX)
		return 2;
	if (getenv("TERM") == NULL)
		setenv("TERM", "xterm-256color", 1);

	cfg_init_defaults(&cfg);
	cfg.hosts = xcalloc((size_t)hosts, sizeof *cfg.hosts);
	cfg.nhosts = (size_t)hosts;
	fleet = fleet_create((size_t)hosts);
	for (v = 0; v < 2; v++)
		set[v] = xcalloc((size_t)hosts, sizeof *set[v]);
	for (h = 0; h < hosts; h++) {
		snprintf(name, sizeof name, "kvm-%02d", h + 1);
		cfg.hosts[h].name = xstrdup(name);
		cfg.hosts[h].type = xstrdup("kvm");
		for (v = 0; v < 2; v++)
			set[v][h] = make_host(name, guests, v);
	}

	if ((out = fdopen(dup(STDOUT_FILENO), "w")) == NULL)
		fatal("fdopen");
	pty_open(cols, lines);
	cv_err_clear(&err);
	if (term_init(false, &err) == -1) {
		fprintf(out, "frame: %s\n", err.msg);
		return 1;
	}
	ui_init(&ui, &cfg, NULL, &screen_fleet_entry);
	ui.fleet = fleet;

	b0 = 0;
	for (f = 0; f < frames; f++) {
		/* What the pollers do: not part of the frame. */
		for (h = 0; h < hosts; h++)
			snap_unref(fleet_publish(fleet, (size_t)h,
			    snap_ref(set[f % 2][h])));
		t0 = procstat_now_ms();
		ui_refresh(&ui);
		t1 = procstat_now_ms();
		ui.screen->draw(&ui);
		wnoutrefresh(stdscr);
		doupdate();
		t2 = procstat_now_ms();
		frame_ms[f] = t2 - t0;
		build_ms[f] = t1 - t0;
		if (f == 1) {
			settle();
			b0 = atomic_load(&pty_bytes);
		}
	}
	settle();
	b1 = atomic_load(&pty_bytes);
	ui_done(&ui);
	term_done();

	/* The first two frames paint the whole screen: steady ones only. */
	qsort(frame_ms + 2, (size_t)frames - 2, sizeof *frame_ms, cmp_double);
	qsort(build_ms + 2, (size_t)frames - 2, sizeof *build_ms, cmp_double);
	fprintf(out, "guests=%d cols=%d lines=%d frames=%d frame_p50_ms=%.3f "
	    "frame_p95_ms=%.3f build_p50_ms=%.3f first_frame_ms=%.3f "
	    "bytes_per_frame=%.0f\n", hosts * guests, cols, lines, frames - 2,
	    frame_ms[2 + (frames - 2) / 2],
	    frame_ms[2 + (int)((frames - 2) * 0.95)],
	    build_ms[2 + (frames - 2) / 2], frame_ms[0],
	    (double)(b1 - b0) / (frames - 2));
	fclose(out);
	for (h = 0; h < hosts; h++)
		for (v = 0; v < 2; v++)
			snap_unref(set[v][h]);
	fleet_free(fleet);
	cfg_free(&cfg);
	return 0;
}
