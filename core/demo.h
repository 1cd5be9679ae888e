/* Simulated figures for demo hosts only: deterministic in the guest id and
 * the wall clock, filled where the backend gave none. Pure. */
#ifndef CV_CORE_DEMO_H
#define CV_CORE_DEMO_H

#include <stdint.h>

struct guest_snap;

void	demo_fill(struct guest_snap *, int64_t wall);

#endif
