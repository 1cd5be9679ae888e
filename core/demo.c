/* Simulated figures for demo hosts. Pure; runs on poller threads. */
#include "core/demo.h"

#include <math.h>

#include "core/snap.h"


static uint32_t
hash_str(const char *s)
{
	uint32_t	h = 2166136261u;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 16777619u;
	}
	return h;
}

/* A smooth wave in [0, 1] with a period and phase drawn from the guest. */
static double
wave(uint32_t h, int64_t wall, int salt)
{
	double	period = 40.0 + (double)((h >> (salt * 3)) % 80);
	double	phase = (double)((h >> salt) % 628) / 100.0;

	return 0.5 + 0.5 * sin((double)wall / period * 6.2832 + phase);
}

/* Fills only what is absent, and only what a guest in its state would have. */
void
demo_fill(struct guest_snap *g, int64_t wall)
{
	uint32_t	h = hash_str(g->id);
	int		live = g->state == GUEST_RUNNING;
	int		held = live || g->state == GUEST_PAUSED;

	if (held && !(g->have & GS_MEM) && (g->have & GS_MEM_MAX)) {
		g->mem_bytes = g->mem_max_bytes / 100 * (60 + h % 41) &
		    ~(uint64_t)0xfffff;
		g->have |= GS_MEM;
	}
	if (held && !(g->have & GS_MEM_USED) && (g->have & GS_MEM)) {
		g->mem_used_bytes = (uint64_t)((double)g->mem_bytes *
		    (0.35 + 0.4 * wave(h, wall, 5)));
		g->have |= GS_MEM_USED;
	}
	if (!held)
		return;
	if (!(g->have & GS_CPU)) {
		double	base = (double)(h % 45);

		g->cpu_pct = live ? base * (0.4 + 0.6 * wave(h, wall, 1)) +
		    0.5 : 0;
		g->have |= GS_CPU;
	}
	if (!(g->have & GS_DISK)) {
		g->disk_rd_bps = live ? floor((double)(h % 900) * 1024 *
		    wave(h, wall, 2)) : 0;
		g->disk_wr_bps = live ? floor((double)(h % 400) * 1024 *
		    wave(h, wall, 3)) : 0;
		g->have |= GS_DISK;
	}
	if (!(g->have & GS_NET)) {
		g->net_rx_bps = live ? floor((double)(h % 2000) * 512 *
		    wave(h, wall, 4)) : 0;
		g->net_tx_bps = live ? floor((double)(h % 700) * 512 *
		    wave(h, wall, 6)) : 0;
		g->have |= GS_NET;
	}
	if (!(g->have & GS_UPTIME)) {
		/* Up to 45 days, growing through the day. */
		g->uptime_s = (int64_t)(h % 3888000) + wall % 86400;
		g->have |= GS_UPTIME;
	}
}
