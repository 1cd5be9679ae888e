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

/* The next multiple of PERIOD_MS on the monotonic clock that is at least
 * half a period after NOW_MS: every caller that keeps a beat with the
 * same period keeps the same one, and no two beats come closer than half
 * a period (rates over a shorter span would be noise). */
uint64_t
clock_next_beat_ms(uint64_t now_ms, uint64_t period_ms)
{
	uint64_t	next;

	if (period_ms == 0)
		return now_ms;
	next = (now_ms / period_ms + 1) * period_ms;
	if (next - now_ms < period_ms / 2)
		next += period_ms;
	return next;
}
