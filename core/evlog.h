/* The event log: a bounded ring of actions and host up/down events, locked,
 * with a condition variable so a command can wait for an outcome, and an
 * optional journal file that a thread of its own appends every entry to. */
#ifndef CV_CORE_EVLOG_H
#define CV_CORE_EVLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cv_err;

enum evlog_kind {
	EV_ACTION,		/* an action's outcome */
	EV_ACTION_START,	/* an action was submitted */
	EV_HOST_UP,
	EV_HOST_DOWN,
	EV_NOTICE		/* anything else worth a line */
};

struct evlog_entry {
	uint64_t	 seq;		/* ever increasing, from 1 */
	uint64_t	 action_id;	/* EV_ACTION*: the request's id */
	int64_t		 wall;		/* seconds since the epoch */
	enum evlog_kind	 kind;
	bool		 ok;		/* EV_ACTION: done */
	bool		 refused;	/* EV_ACTION, not ok: never tried */
	char		 host[64];
	char		 guest[128];
	char		 what[16];	/* action name, or "" */
	char		 msg[256];
};

struct evlog;

struct evlog	*evlog_create(size_t capacity);
void		 evlog_free(struct evlog *);
uint64_t	 evlog_add(struct evlog *, const struct evlog_entry *);
size_t		 evlog_since(struct evlog *, uint64_t after,
		     struct evlog_entry *, size_t max);
uint64_t	 evlog_last_seq(struct evlog *);
int		 evlog_wait_action(struct evlog *, uint64_t action_id,
		     int timeout_ms, struct evlog_entry *);
uint64_t	 evlog_next_action_id(struct evlog *);
const char	*evlog_outcome(const struct evlog_entry *);

/* ---- the journal file ---- */
int		 evlog_set_journal(struct evlog *, const char *path,
		     struct cv_err *);
char		*evlog_journal_default(void);
size_t		 evlog_journal_line(const struct evlog_entry *, char *,
		     size_t);

#endif
