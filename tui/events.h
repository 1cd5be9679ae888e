/* The console's copy of the event log: every entry read since the console
 * started (the latest EVENTS_KEEP), for the event log screen and a guest's
 * recent actions, plus the text of an entry's cells. Pure: no curses, no
 * clock (callers pass the time). Main thread. */
#ifndef CV_TUI_EVENTS_H
#define CV_TUI_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/evlog.h"

#define EVENTS_KEEP	2000

struct events {
	struct evlog_entry	*v;	/* (owned) oldest first */
	size_t			 n;
	size_t			 cap;
};

/* What an entry's row is coloured by. */
enum events_tone {
	EVENTS_PLAIN,		/* requested, notice */
	EVENTS_GOOD,		/* done, host up */
	EVENTS_REFUSED,
	EVENTS_BAD		/* failed, host down */
};

void	events_init(struct events *);
void	events_done(struct events *);
void	events_add(struct events *, const struct evlog_entry *);

const char	*events_kind(const struct evlog_entry *);
enum events_tone events_tone(const struct evlog_entry *);
const char	*events_time(const struct evlog_entry *, int64_t now,
		    bool with_date, char *, size_t);
bool		 events_today(const struct evlog_entry *, int64_t now);
const char	*events_message(const struct evlog_entry *);
size_t		 events_of_guest(const struct events *, const char *host,
		    const char *guest, const struct evlog_entry **, size_t);

#endif
