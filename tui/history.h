/* Recent figures of every guest, for the details page's sparklines: the
 * last HISTORY_LEN polls of CPU% and memory%, keyed by host index and
 * guest id, fed with each new fleet view. Pure: no curses. Main thread. */
#ifndef CV_TUI_HISTORY_H
#define CV_TUI_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fleet_view;

#define HISTORY_LEN	60
#define HISTORY_ID_MAX	40	/* a backend's guest id (raw_guest) fits */
#define HISTORY_NONE	0xff	/* a figure not given */

/* One per guest of the fleet: kept small (10,000 guests, 1.6 MB). Whole
 * percents are finer than a sparkline's eight levels, and than the figure
 * shown beside it. */
struct history_series {
	char		id[HISTORY_ID_MAX];
	uint8_t		cpu[HISTORY_LEN];	/* ring; whole % */
	uint8_t		mem[HISTORY_LEN];	/* % of the maximum, as cpu */
	uint8_t		n;			/* samples held */
	uint8_t		head;			/* the next slot */
};

struct history;

struct history	*history_create(void);
void		 history_free(struct history *);
void		 history_feed(struct history *, const struct fleet_view *);
const struct history_series *history_find(const struct history *,
		    size_t host, const char *id);
size_t		 history_values(const struct history_series *, bool mem,
		    float *, size_t);
const char	*history_spark(const float *, size_t, bool utf8, char *,
		    size_t);

#endif
