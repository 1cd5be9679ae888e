/* Counters to rates and percentages. Pure: no I/O, no clock. */
#ifndef CV_CORE_RATES_H
#define CV_CORE_RATES_H

#include <stddef.h>
#include <stdint.h>

#include "backends/backend.h"

struct guest_snap;

/* What a poller keeps of a guest between two polls, to take differences:
 * one per guest, so no more than that (96 bytes). Its id is the one of
 * the guest at snap_idx. */
struct rate_prev {
	unsigned	have;		/* RAW_* of the sample */
	int		vcpus;
	uint64_t	taken_ns;
	uint64_t	cpu_time_ns;
	uint64_t	slow_ns;
	uint64_t	disk_rd;
	uint64_t	disk_wr;
	uint64_t	net_rx;
	uint64_t	net_tx;
	double		disk_rd_bps;
	double		disk_wr_bps;
	int		disk_valid;	/* the two rates above hold */

	/* Kept for the engine: the one verdict input the snapshot built
	 * from this sample does not hold, so an unchanged guest's verdict
	 * is copied rather than worked out, and where the guest sits in
	 * that snapshot. */
	int		os_idsrc;
	size_t		snap_idx;
};

void	rates_compute(const struct rate_prev *, const struct raw_guest *,
	    uint64_t taken_ns, int host_lcpus, struct guest_snap *,
	    struct rate_prev *);
double	rates_cpu_pct(uint64_t d_cpu_ns, uint64_t d_wall_ns, int vcpus);
double	rates_usage_pct(double usage, int host_lcpus, int vcpus);

#endif
