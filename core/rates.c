/* Counters to rates and percentages. Pure; runs on poller threads. */
#include "core/rates.h"

#include <string.h>

#include "core/snap.h"

static double
clamp_pct(double v)
{
	if (v < 0)
		return 0;
	return v > 100 ? 100 : v;
}

/* KVM: the share of the guest's vCPUs used over the interval. */
double
rates_cpu_pct(uint64_t d_cpu_ns, uint64_t d_wall_ns, int vcpus)
{
	if (d_wall_ns == 0 || vcpus <= 0)
		return 0;
	return clamp_pct((double)d_cpu_ns * 100.0 /
	    ((double)d_wall_ns * vcpus));
}

/* Hyper-V: CPUUsage is a share of the host's logical processors; turn it
 * into a share of the guest's own vCPUs. */
double
rates_usage_pct(double usage, int host_lcpus, int vcpus)
{
	if (host_lcpus <= 0 || vcpus <= 0)
		return 0;
	return clamp_pct(usage * host_lcpus / vcpus);
}

static double
per_second(uint64_t now, uint64_t then, uint64_t d_ns)
{
	return (double)(now - then) * 1e9 / (double)d_ns;
}

/* Fills the figures of out from cur and, for rates, from prev (NULL for a
 * guest seen the first time), and writes what the next poll needs to next.
 * A counter that went backwards (a guest restarted) gives no rate. */
void
rates_compute(const struct rate_prev *prev, const struct raw_guest *cur,
    uint64_t taken_ns, int host_lcpus, struct guest_snap *out,
    struct rate_prev *next)
{
	uint64_t	dt = 0;

	if (prev != NULL && taken_ns > prev->taken_ns)
		dt = taken_ns - prev->taken_ns;

	if (cur->have & RAW_VCPUS) {
		out->vcpus = cur->vcpus;
		out->have |= GS_VCPUS;
	}
	if ((cur->have & RAW_CPU_TIME) && prev != NULL && dt > 0 &&
	    (prev->have & RAW_CPU_TIME) && cur->cpu_time_ns >=
	    prev->cpu_time_ns && (cur->have & RAW_VCPUS)) {
		out->cpu_pct = rates_cpu_pct(cur->cpu_time_ns -
		    prev->cpu_time_ns, dt, cur->vcpus);
		out->have |= GS_CPU;
	} else if ((cur->have & RAW_CPU_USAGE) && (cur->have & RAW_VCPUS) &&
	    host_lcpus > 0) {
		out->cpu_pct = rates_usage_pct(cur->cpu_usage, host_lcpus,
		    cur->vcpus);
		out->have |= GS_CPU;
	}
	if (cur->have & RAW_MEM) {
		out->mem_bytes = cur->mem_bytes;
		out->have |= GS_MEM;
	}
	if (cur->have & RAW_MEM_MAX) {
		out->mem_max_bytes = cur->mem_max_bytes;
		out->have |= GS_MEM_MAX;
	}
	if (cur->have & RAW_MEM_USED) {
		out->mem_used_bytes = cur->mem_used_bytes;
		out->have |= GS_MEM_USED;
	}
	if (cur->have & RAW_UPTIME) {
		out->uptime_s = cur->uptime_s;
		out->have |= GS_UPTIME;
	}
	if ((cur->have & RAW_NET) && prev != NULL && dt > 0 &&
	    (prev->have & RAW_NET) && cur->net_rx_bytes >= prev->net_rx &&
	    cur->net_tx_bytes >= prev->net_tx) {
		out->net_rx_bps = per_second(cur->net_rx_bytes, prev->net_rx,
		    dt);
		out->net_tx_bps = per_second(cur->net_tx_bytes, prev->net_tx,
		    dt);
		out->have |= GS_NET;
	}

	memset(next, 0, sizeof *next);
	next->have = cur->have;
	next->vcpus = cur->vcpus;
	next->taken_ns = taken_ns;
	next->cpu_time_ns = cur->cpu_time_ns;
	next->net_rx = cur->net_rx_bytes;
	next->net_tx = cur->net_tx_bytes;
	next->slow_ns = cur->slow_ns;
	next->disk_rd = cur->disk_rd_bytes;
	next->disk_wr = cur->disk_wr_bytes;

	/* Disk counters come from the slow groups: between two slow polls
	 * they repeat with the same slow_ns, and the last rate holds. */
	if (!(cur->have & RAW_DISK) || prev == NULL ||
	    !(prev->have & RAW_DISK))
		return;
	if (cur->slow_ns == prev->slow_ns) {
		if (!prev->disk_valid)
			return;
		next->disk_rd_bps = prev->disk_rd_bps;
		next->disk_wr_bps = prev->disk_wr_bps;
	} else if (cur->slow_ns > prev->slow_ns &&
	    cur->disk_rd_bytes >= prev->disk_rd &&
	    cur->disk_wr_bytes >= prev->disk_wr) {
		next->disk_rd_bps = per_second(cur->disk_rd_bytes,
		    prev->disk_rd, cur->slow_ns - prev->slow_ns);
		next->disk_wr_bps = per_second(cur->disk_wr_bytes,
		    prev->disk_wr, cur->slow_ns - prev->slow_ns);
	} else
		return;
	next->disk_valid = 1;
	out->disk_rd_bps = next->disk_rd_bps;
	out->disk_wr_bps = next->disk_wr_bps;
	out->have |= GS_DISK;
}
