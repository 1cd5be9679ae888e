/* Clocks: monotonic milliseconds and a beat kept on them, and the wall
 * clock that CROSSVISOR_FAKE_CLOCK can freeze so demo screens are
 * byte-stable. */
#ifndef CV_CORE_CLOCK_H
#define CV_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

uint64_t	clock_mono_ms(void);
uint64_t	clock_mono_ns(void);
int64_t		clock_wall(void);
bool		clock_is_fake(void);
uint64_t	clock_next_beat_ms(uint64_t now_ms, uint64_t period_ms);

#endif
