/* Lifecycle actions: names, whether they interrupt a guest, requests and the
 * read-only gate. Any thread. */
#ifndef CV_CORE_ACTION_H
#define CV_CORE_ACTION_H

#include <stdbool.h>

struct cv_err;

/* id, name, interrupts a running guest, past tense for messages */
#define ACTION_LIST(_)						\
	_(START,	"start",	false,	"started")	\
	_(SHUTDOWN,	"shutdown",	true,	"shut down")	\
	_(REBOOT,	"reboot",	true,	"rebooted")	\
	_(RESET,	"reset",	true,	"reset")	\
	_(POWEROFF,	"poweroff",	true,	"powered off")	\
	_(PAUSE,	"pause",	true,	"paused")	\
	_(RESUME,	"resume",	false,	"resumed")	\
	_(SAVE,		"save",		true,	"saved")	\
	_(SNAPSHOT,	"snapshot",	false,	"snapshotted")

#define ACTION_ENUM(id, name, intr, past) ACTION_##id,
enum action {
	ACTION_LIST(ACTION_ENUM)
	ACTION__COUNT
};
#undef ACTION_ENUM

const char	*action_name(enum action);
const char	*action_past(enum action);
int		 action_from_name(const char *, enum action *);
bool		 action_interrupts(enum action);
int		 action_check_allowed(bool read_only, enum action,
		     struct cv_err *);

#endif
