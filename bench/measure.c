/*
 * measure: what a command costs, read from outside it.
 *
 *   measure [-s SKIP] [-w PID]... -- COMMAND [ARG...]
 *	runs COMMAND with its standard output on a pipe and counts lines
 *	(crossvisor batch writes one line per refresh). The CPU between line
 *	SKIP and the last line, divided by the lines between them, is the
 *	cost per refresh without start-up and teardown.
 *	With -o FILE, the last line goes to FILE (to check what it said).
 *   measure [-p PID] [-w PID]... -t SECONDS
 *	samples a running process (the console in tmux) for SECONDS.
 *
 * Each -w PID is watched beside it, over the same window: watch_cpu is
 * their summed user+sys (libvirtd and QEMU: what a poll costs the host).
 *
 * One line of key=value pairs on stdout; times in ms, memory in KiB.
 * cpu is user+sys of every thread of the process; child_cpu that of its
 * live children (the ssh processes of +ssh URIs).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/procstat.h"

struct sample {
	double	t_ms;
	int64_t	cpu_ns;
	int64_t	child_ns;
	int64_t	watch_ns;
	long	rss_kb;
	long	hwm_kb;
};

static struct procstat_set	watch;

/* PID 0: only the watched set. */
static void
take(pid_t pid, struct sample *s)
{
	s->t_ms = procstat_now_ms();
	s->watch_ns = procstat_set_cpu_ns(&watch);
	if (pid == 0)
		return;
	s->cpu_ns = procstat_cpu_ns(pid);
	s->child_ns = procstat_children_cpu_ns(pid);
	s->rss_kb = procstat_rss_kb(pid);
	s->hwm_kb = procstat_hwm_kb(pid);
}

static void
print_watch(const struct sample *a, const struct sample *b,
    const char *key, double per)
{
	if (watch.n > 0)
		printf(" %s=%.3f", key,
		    (double)(b->watch_ns - a->watch_ns) / 1e6 / per);
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: measure [-s SKIP] [-o FILE] [-w PID]... -- "
	    "COMMAND [ARG...]\n"
	    "       measure [-p PID] [-w PID]... -t SECONDS\n");
	exit(2);
}

static int
sample_running(pid_t pid, double seconds)
{
	struct sample	a, b;
	struct timespec	ts;

	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	take(pid, &a);
	if (a.cpu_ns < 0) {
		fprintf(stderr, "measure: no process %d\n", (int)pid);
		return 1;
	}
	ts.tv_sec = (time_t)seconds;
	ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
	take(pid, &b);
	printf("wall_ms=%.1f cpu_ms=%.3f child_cpu_ms=%.3f rss_kb=%ld "
	    "hwm_kb=%ld", b.t_ms - a.t_ms, (double)(b.cpu_ns - a.cpu_ns) /
	    1e6, (double)(b.child_ns - a.child_ns) / 1e6, b.rss_kb, b.hwm_kb);
	print_watch(&a, &b, "watch_cpu_ms", 1);
	printf("\n");
	return 0;
}

/* The line being read and the last complete one, for -o. */
struct lines {
	char	*cur, *last;
	size_t	 len, cap, last_len, last_cap;
};

static void
lines_add(struct lines *l, const char *p, size_t n)
{
	if (l->len + n > l->cap) {
		l->cap = (l->len + n) * 2;
		if ((l->cur = realloc(l->cur, l->cap)) == NULL) {
			perror("measure");
			exit(1);
		}
	}
	memcpy(l->cur + l->len, p, n);
	l->len += n;
}

/* The line just read becomes the last one; its buffer is reused. */
static void
lines_end(struct lines *l)
{
	char	*t = l->last;
	size_t	 c = l->last_cap;

	l->last = l->cur;
	l->last_len = l->len;
	l->last_cap = l->cap;
	l->cur = t;
	l->cap = c;
	l->len = 0;
}

static int
run_command(char **argv, long skip, FILE *copy)
{
	struct lines	 keep;
	struct sample	 first, base, last;
	struct rusage	 ru;
	char		 buf[65536];
	long		 lines = 0, base_line = 0, last_line = 0;
	long long	 bytes = 0;
	double		 t0;
	ssize_t		 n, i, from;
	pid_t		 pid;
	int		 fd[2], status;

	memset(&keep, 0, sizeof keep);
	memset(&first, 0, sizeof first);
	memset(&base, 0, sizeof base);
	memset(&last, 0, sizeof last);
	if (pipe(fd) == -1) {
		perror("measure: pipe");
		return 1;
	}
	t0 = procstat_now_ms();
	if ((pid = fork()) == -1) {
		perror("measure: fork");
		return 1;
	}
	if (pid == 0) {
		close(fd[0]);
		dup2(fd[1], STDOUT_FILENO);
		close(fd[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "measure: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd[1]);
	while ((n = read(fd[0], buf, sizeof buf)) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		bytes += n;
		for (i = 0, from = 0; i < n; i++) {
			if (buf[i] != '\n')
				continue;
			if (copy != NULL) {
				lines_add(&keep, buf + from, (size_t)(i + 1 - from));
				lines_end(&keep);
			}
			from = i + 1;
			lines++;
			if (lines == 1)
				take(pid, &first);
			if (lines == skip) {
				take(pid, &base);
				base_line = lines;
			} else if (lines > skip) {
				take(pid, &last);
				last_line = lines;
			}
		}
		if (copy != NULL && from < n)
			lines_add(&keep, buf + from, (size_t)(n - from));
	}
	close(fd[0]);
	if (copy != NULL && keep.last != NULL)
		fwrite(keep.last, 1, keep.last_len, copy);
	free(keep.cur);
	free(keep.last);
	if (wait4(pid, &status, 0, &ru) == -1) {
		perror("measure: wait4");
		return 1;
	}
	printf("status=%d lines=%ld bytes_per_line=%lld first_ms=%.1f "
	    "wall_ms=%.1f user_ms=%.1f sys_ms=%.1f maxrss_kb=%ld "
	    "hwm_kb=%ld rss_kb=%ld",
	    WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
	    lines, lines ? bytes / lines : 0, lines ? first.t_ms - t0 : -1.0,
	    procstat_now_ms() - t0,
	    (double)ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3,
	    (double)ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3,
	    ru.ru_maxrss, last.hwm_kb, last.rss_kb);
	if (last_line > base_line && base_line > 0) {
		double	k = (double)(last_line - base_line);

		printf(" cpu_ms_per_line=%.3f child_cpu_ms_per_line=%.3f "
		    "wall_ms_per_line=%.1f",
		    (double)(last.cpu_ns - base.cpu_ns) / 1e6 / k,
		    (double)(last.child_ns - base.child_ns) / 1e6 / k,
		    (last.t_ms - base.t_ms) / k);
		print_watch(&base, &last, "watch_cpu_ms_per_line", k);
	}
	printf("\n");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int
main(int argc, char **argv)
{
	long	skip = 1, pid = 0;
	double	seconds = 0;
	FILE	*copy = NULL;
	int	ch;

	while ((ch = getopt(argc, argv, "s:p:t:o:w:")) != -1) {
		switch (ch) {
		case 'o':
			if ((copy = fopen(optarg, "w")) == NULL) {
				perror(optarg);
				return 2;
			}
			break;
		case 's':
			skip = strtol(optarg, NULL, 10);
			break;
		case 'p':
			pid = strtol(optarg, NULL, 10);
			break;
		case 't':
			seconds = strtod(optarg, NULL);
			break;
		case 'w':
			if (procstat_set_add(&watch, optarg) == -1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (pid > 0 || (watch.n > 0 && optind == argc)) {
		if (seconds <= 0)
			usage();
		return sample_running((pid_t)pid, seconds);
	}
	if (optind >= argc || skip < 1)
		usage();
	return run_command(argv + optind, skip, copy);
}
