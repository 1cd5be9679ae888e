/* Human-readable figures for the console and text output. Pure. */
#ifndef CV_CORE_FMT_H
#define CV_CORE_FMT_H

#include <stddef.h>
#include <stdint.h>

char	*fmt_bytes(char *, size_t, uint64_t);
char	*fmt_rate(char *, size_t, double);
char	*fmt_duration(char *, size_t, int64_t);
char	*fmt_time_utc(char *, size_t, int64_t);

#endif
