/* The fleet cache: the last-seen HOST/GUEST names, one per line, in
 * $XDG_STATE_HOME/crossvisor/fleet-cache (fleet-cache-demo for --demo), for
 * shell completion. Written by a thread of its own (never by the UI thread)
 * after the first complete refresh, then at most once a minute, and at
 * stop. */
#ifndef CV_CORE_FLEETCACHE_H
#define CV_CORE_FLEETCACHE_H

#include <stdbool.h>

struct fleet;
struct fleet_cache;

/* Starts the writer for f (which must outlive fleet_cache_stop). */
struct fleet_cache	*fleet_cache_start(struct fleet *f, bool demo);
/* Writes once more if the fleet is complete, and joins the writer. NULL is
 * a no-op. */
void			 fleet_cache_stop(struct fleet_cache *);
/* One write now, from any thread: 0 written, 1 fleet not complete yet (a
 * host neither polled nor down), -1 error (errno). */
int			 fleet_cache_write(struct fleet *f, bool demo);

#endif
