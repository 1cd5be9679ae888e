/* Clocks. Any thread. */
#include "core/clock.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

uint64_t
clock_mono_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t
clock_mono_ms(void)
{
	return clock_mono_ns() / 1000000u;
}

static int64_t	fake_seconds;	/* 0: the real clock */

static void
fake_clock_read(void)
{
	const char	*s = getenv("CROSSVISOR_FAKE_CLOCK");
	char		*end;
	long long	 v;

	if (s == NULL || *s == '\0')
		return;
	v = strtoll(s, &end, 10);
	if (*end == '\0' && v > 0)
		fake_seconds = (int64_t)v;
}

/* Read once: every poll asks for the time, and getenv walks the
 * environment. */
static int64_t
fake_clock(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, fake_clock_read);
	return fake_seconds;
}

/* Seconds since the epoch: CROSSVISOR_FAKE_CLOCK when set (a testing aid). */
int64_t
clock_wall(void)
{
	int64_t	fake = fake_clock();

	return fake ? fake : (int64_t)time(NULL);
}

bool
clock_is_fake(void)
{
	return fake_clock() != 0;
}
