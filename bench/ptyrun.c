/*
 * ptyrun: the console on a pseudo-terminal that this program reads, as a
 * terminal emulator would, to count what the console writes and how fast
 * it answers a key.
 *
 *   ptyrun [-x COLS] [-y LINES] [-w WARMUP] [-t SECONDS] [-k KEYS]
 *       -- COMMAND [ARG...]
 *
 * After WARMUP seconds (hosts connect, the first screens are drawn), it
 * counts the bytes written to the terminal for SECONDS with no key
 * pressed, and the user+sys CPU of the command over that window. Then it
 * presses KEYS keys, alternately Down and Up (j, k), each when the output
 * has been quiet for a moment or 300 ms have passed, and takes the time
 * from the key's write to the first byte the console writes after it.
 * Then q, and the command must exit.
 *
 * One line of key=value pairs: bytes_per_s, writes_per_s (read(2) calls
 * that returned data: output bursts), cpu_ms_per_s, key_p50_ms,
 * key_p95_ms, key_max_ms, keys, idle_before_key_ms (median quiet time
 * before a key: output that arrives anyway would shorten a latency).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "bench/procstat.h"

#define KEYS_MAX	1000
#define QUIET_MS	50.0
#define KEY_GAP_MS	300.0

static int	master = -1;
static long long total_bytes;
static long	total_writes;
static double	last_output_ms;

/* Reads what is there within timeout_ms; returns the bytes read (0 on
 * timeout), -1 when the terminal closed. */
static long
drain(int timeout_ms)
{
	struct pollfd	pfd = { .fd = master, .events = POLLIN };
	char		buf[65536];
	ssize_t		n;

	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = read(master, buf, sizeof buf);
	if (n <= 0)
		return n == -1 && errno == EINTR ? 0 : -1;
	total_bytes += n;
	total_writes++;
	last_output_ms = procstat_now_ms();
	return (long)n;
}

/* Reads everything until `until` (monotonic ms). */
static int
drain_until(double until)
{
	double	now;

	while ((now = procstat_now_ms()) < until)
		if (drain((int)(until - now) + 1) < 0)
			return -1;
	return 0;
}

static pid_t
spawn(char **argv, int cols, int lines)
{
	struct winsize	 ws;
	char		*slave;
	pid_t		 pid;
	int		 fd;

	if ((master = posix_openpt(O_RDWR | O_NOCTTY)) == -1 ||
	    grantpt(master) == -1 || unlockpt(master) == -1 ||
	    (slave = ptsname(master)) == NULL) {
		perror("ptyrun: pty");
		exit(1);
	}
	memset(&ws, 0, sizeof ws);
	ws.ws_col = (unsigned short)cols;
	ws.ws_row = (unsigned short)lines;
	if ((pid = fork()) == -1) {
		perror("ptyrun: fork");
		exit(1);
	}
	if (pid == 0) {
		setsid();
		if ((fd = open(slave, O_RDWR)) == -1)
			_exit(127);
		ioctl(fd, TIOCSCTTY, 0);
		ioctl(fd, TIOCSWINSZ, &ws);
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
		close(master);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, int n, double p)
{
	int	i;

	if (n == 0)
		return -1;
	i = (int)(p * (n - 1) + 0.5);
	return v[i];
}

int
main(int argc, char **argv)
{
	static double	 lat[KEYS_MAX], idle[KEYS_MAX];
	double		 warmup = 10, seconds = 10, t, key_t;
	long long	 b0;
	long		 w0;
	int64_t		 c0, c1;
	int		 cols = 80, lines = 24, keys = 50, ch, i, nlat = 0;
	int		 status = 0;
	pid_t		 pid;

	while ((ch = getopt(argc, argv, "x:y:w:t:k:")) != -1) {
		switch (ch) {
		case 'x': cols = atoi(optarg); break;
		case 'y': lines = atoi(optarg); break;
		case 'w': warmup = atof(optarg); break;
		case 't': seconds = atof(optarg); break;
		case 'k': keys = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: ptyrun [-x COLS] [-y LINES] "
			    "[-w WARMUP] [-t SECONDS] [-k KEYS] -- COMMAND\n");
			return 2;
		}
	}
	if (optind >= argc || keys < 0 || keys > KEYS_MAX)
		return 2;
	pid = spawn(argv + optind, cols, lines);

	if (drain_until(procstat_now_ms() + warmup * 1e3) == -1)
		goto gone;
	b0 = total_bytes;
	w0 = total_writes;
	c0 = procstat_cpu_ns(pid);
	t = procstat_now_ms();
	if (drain_until(t + seconds * 1e3) == -1)
		goto gone;
	c1 = procstat_cpu_ns(pid);
	t = procstat_now_ms() - t;
	printf("bytes_per_s=%.0f writes_per_s=%.2f cpu_ms_per_s=%.3f",
	    (double)(total_bytes - b0) * 1e3 / t,
	    (double)(total_writes - w0) * 1e3 / t,
	    (double)(c1 - c0) / 1e6 / (t / 1e3));

	for (i = 0; i < keys; i++) {
		/* Wait for a quiet moment, or press anyway after the gap. */
		key_t = procstat_now_ms() + KEY_GAP_MS;
		while (procstat_now_ms() - last_output_ms < QUIET_MS &&
		    procstat_now_ms() < key_t)
			if (drain(10) < 0)
				goto gone;
		idle[nlat] = procstat_now_ms() - last_output_ms;
		key_t = procstat_now_ms();
		if (write(master, i % 2 ? "k" : "j", 1) != 1)
			goto gone;
		for (;;) {
			long r = drain(1000);

			if (r < 0)
				goto gone;
			if (r > 0)
				break;
			if (procstat_now_ms() - key_t > 5000)
				break;
		}
		lat[nlat++] = last_output_ms - key_t;
		drain_until(procstat_now_ms() + 20 + rand() % 80);
	}
	qsort(lat, (size_t)nlat, sizeof *lat, cmp_double);
	qsort(idle, (size_t)nlat, sizeof *idle, cmp_double);
	printf(" keys=%d key_p50_ms=%.2f key_p95_ms=%.2f key_max_ms=%.2f "
	    "idle_before_key_ms=%.1f", nlat, pct(lat, nlat, 0.5),
	    pct(lat, nlat, 0.95), nlat ? lat[nlat - 1] : -1,
	    pct(idle, nlat, 0.5));

	if (write(master, "q", 1) != 1)
		goto gone;
	t = procstat_now_ms() + 10e3;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (procstat_now_ms() > t) {
			kill(pid, SIGTERM);
			waitpid(pid, &status, 0);
			printf(" quit=timeout\n");
			return 1;
		}
		drain(50);
	}
	printf(" exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	return 0;
gone:
	waitpid(pid, &status, 0);
	printf(" gone=1 exit=%d\n", WIFEXITED(status) ? WEXITSTATUS(status) :
	    -1);
	return 1;
}
