/* Human-readable figures. Pure. */
#include "core/fmt.h"

#include <stdio.h>
#include <time.h>

static const char units[] = "BKMGTPE";

/* 1536 -> "1.5K", 2147483648 -> "2.0G": binary units, at most 5 columns. */
char *
fmt_bytes(char *buf, size_t len, uint64_t v)
{
	double	d = (double)v;
	int	u = 0;

	while (d >= 999.5 && u < 6) {
		d /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%uB", (unsigned)v);
	else if (d < 10)
		snprintf(buf, len, "%.1f%c", d, units[u]);
	else
		snprintf(buf, len, "%.0f%c", d, units[u]);
	return buf;
}

char *
fmt_rate(char *buf, size_t len, double bps)
{
	return fmt_bytes(buf, len, bps < 0 ? 0 : (uint64_t)(bps + 0.5));
}

/* 59 -> "59s", 3600 -> "1h00m", 90061 -> "1d01h". */
char *
fmt_duration(char *buf, size_t len, int64_t s)
{
	if (s < 0)
		s = 0;
	if (s < 60)
		snprintf(buf, len, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", (long long)(s / 3600),
		    (long long)(s / 60 % 60));
	else
		snprintf(buf, len, "%lldd%02lldh", (long long)(s / 86400),
		    (long long)(s / 3600 % 24));
	return buf;
}

char *
fmt_time_utc(char *buf, size_t len, int64_t wall)
{
	time_t		t = (time_t)wall;
	struct tm	tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
