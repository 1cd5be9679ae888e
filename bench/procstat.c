/* Reading another process's CPU clock (clock_getcpuclockid) gives
 * nanoseconds for the whole thread group, where /proc/PID/stat has only
 * 10 ms ticks: one refresh of a small fleet costs less than a tick. */
#include "bench/procstat.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t
procstat_cpu_ns(pid_t pid)
{
	clockid_t	 clk;
	struct timespec	 ts;

	if (clock_getcpuclockid(pid, &clk) != 0 ||
	    clock_gettime(clk, &ts) != 0)
		return -1;
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
procstat_set_add(struct procstat_set *set, const char *arg)
{
	char	*end;
	long	 pid = strtol(arg, &end, 10);

	if (pid <= 0 || *end != '\0' || set->n == PROCSTAT_SET_MAX)
		return -1;
	set->pid[set->n++] = (pid_t)pid;
	return 0;
}

int64_t
procstat_set_cpu_ns(const struct procstat_set *set)
{
	int64_t	sum = 0, ns;
	size_t	i;

	for (i = 0; i < set->n; i++)
		if ((ns = procstat_cpu_ns(set->pid[i])) > 0)
			sum += ns;
	return sum;
}

/* Children are listed per thread: libvirt forks ssh from the thread that
 * opens the connection. */
int64_t
procstat_children_cpu_ns(pid_t pid)
{
	char		 path[64], buf[4096], *p, *end;
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	int64_t		 sum = 0, ns;
	size_t		 n;
	long		 child;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	if ((d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "/proc/%d/task/%.16s/children",
		    (int)pid, de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		n = fread(buf, 1, sizeof buf - 1, f);
		fclose(f);
		buf[n] = '\0';
		for (p = buf; (child = strtol(p, &end, 10)) > 0; p = end)
			if ((ns = procstat_cpu_ns((pid_t)child)) > 0)
				sum += ns;
	}
	closedir(d);
	return sum;
}

static long
status_kb(pid_t pid, const char *key)
{
	char	 path[64], line[256];
	size_t	 klen = strlen(key);
	long	 v = -1;
	FILE	*f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			v = strtol(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

long
procstat_rss_kb(pid_t pid)
{
	return status_kb(pid, "VmRSS");
}

long
procstat_hwm_kb(pid_t pid)
{
	return status_kb(pid, "VmHWM");
}

double
procstat_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}
