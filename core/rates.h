/* Counters to rates and percentages. Pure: no I/O, no clock. */
#ifndef CV_CORE_RATES_H
#define CV_CORE_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"

struct guest_snap;

/* What a poller keeps of a guest between two polls, to take differences. */
struct rate_prev {
	char		id[40];
	unsigned	have;		/* RAW_* of the sample */
	int		vcpus;
	uint64_t	taken_ns;
	uint64_t	cpu_time_ns;
	uint64_t	slow_ns;
	uint64_t	disk_rd;
	uint64_t	disk_wr;
	uint64_t	net_rx;
	uint64_t	net_tx;
	int		disk_valid;	/* the two rates below hold */
	double		disk_rd_bps;
	double		disk_wr_bps;

	/* Kept for the engine: where the guest sits in the snapshot built
	 * from this sample, and the one verdict input that snapshot does
	 * not hold, so an unchanged guest's verdict is copied rather than
	 * worked out. */
	size_t		snap_idx;
	int		os_idsrc;
};

void	rates_compute(const struct rate_prev *, const struct raw_guest *,
	    uint64_t taken_ns, int host_lcpus, struct guest_snap *,
	    struct rate_prev *);
double	rates_cpu_pct(uint64_t d_cpu_ns, uint64_t d_wall_ns, int vcpus);
double	rates_usage_pct(double usage, int host_lcpus, int vcpus);

#endif
