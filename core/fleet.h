/* The fleet: one slot per host holding its latest snapshot, a generation
 * counter and a wake pipe. Pollers publish, consumers acquire. */
#ifndef CV_CORE_FLEET_H
#define CV_CORE_FLEET_H

#include <stddef.h>
#include <stdint.h>

struct host_snap;
struct fleet;

struct fleet_view {
	size_t			  n;
	const struct host_snap	**hosts;	/* (owned refs) n entries */
	uint64_t		  gen;
	struct fleet		 *fleet;	/* (borrowed) where it came
						   from; NULL: built by hand */
};

struct fleet	*fleet_create(size_t nhosts);
void		 fleet_free(struct fleet *);
size_t		 fleet_size(const struct fleet *);
struct host_snap	*fleet_publish(struct fleet *, size_t, struct host_snap *);
void		 fleet_acquire(struct fleet *, struct fleet_view *);
void		 fleet_view_release(struct fleet_view *);
void		 fleet_give_spare(struct fleet *, size_t, struct host_snap *);
struct host_snap	*fleet_take_spare(struct fleet *, size_t);
uint64_t	 fleet_gen(struct fleet *);
int		 fleet_wait(struct fleet *, uint64_t gen, int timeout_ms);
int		 fleet_wake_fd(const struct fleet *);
void		 fleet_drain_wake(struct fleet *);
void		 fleet_wake(struct fleet *);

#endif
