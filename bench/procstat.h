/* CPU time and memory of a running process and of its direct children,
 * read from outside: the benchmark's figures come from here, so the
 * product carries no timing hooks. Linux only (/proc). */
#ifndef CV_BENCH_PROCSTAT_H
#define CV_BENCH_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* user+sys CPU of every thread of pid, dead threads included (ns); -1 when
 * the process is gone. */
int64_t		procstat_cpu_ns(pid_t);

/* The same summed over pid's live children (the ssh processes libvirt and
 * libssh start); 0 when there are none. */
int64_t		procstat_children_cpu_ns(pid_t);

/* Processes watched beside the one measured (-w PID, repeated): the
 * host's side of a poll, libvirtd and its QEMU processes. */
#define PROCSTAT_SET_MAX	256
struct procstat_set {
	pid_t	pid[PROCSTAT_SET_MAX];
	size_t	n;
};

/* Adds the PID in ARG; -1 when it is no PID or the set is full. */
int		procstat_set_add(struct procstat_set *, const char *);

/* user+sys CPU of the set; a process that has gone counts nothing. */
int64_t		procstat_set_cpu_ns(const struct procstat_set *);

/* VmRSS and VmHWM (peak) of pid in KiB; -1 when unknown. */
long		procstat_rss_kb(pid_t);
long		procstat_hwm_kb(pid_t);

/* Monotonic milliseconds, as a double. */
double		procstat_now_ms(void);

#endif
