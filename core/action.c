/* Lifecycle action names and the read-only gate. Any thread. */
#include "core/action.h"

#include <string.h>

#include "core/err.h"

static const struct {
	const char	*name;
	bool		 interrupts;
	const char	*past;
} action_info[] = {
#define ACTION_INFO(id, name, intr, past) { name, intr, past },
	ACTION_LIST(ACTION_INFO)
#undef ACTION_INFO
};

const char *
action_name(enum action a)
{
	return (unsigned)a < ACTION__COUNT ? action_info[a].name : "?";
}

const char *
action_past(enum action a)
{
	return (unsigned)a < ACTION__COUNT ? action_info[a].past : "?";
}

int
action_from_name(const char *name, enum action *out)
{
	unsigned	i;

	for (i = 0; i < ACTION__COUNT; i++) {
		if (strcmp(action_info[i].name, name) == 0) {
			*out = (enum action)i;
			return 0;
		}
	}
	return -1;
}

/* True when the action stops or interrupts a running guest: the console
 * confirms these. */
bool
action_interrupts(enum action a)
{
	return (unsigned)a < ACTION__COUNT && action_info[a].interrupts;
}

/* The one place that refuses actions under --read-only; every path that
 * submits an action goes through it. */
int
action_check_allowed(bool read_only, enum action a, struct cv_err *err)
{
	if (read_only)
		return cv_err_set(err, CV_E_READONLY,
		    "%s refused: crossvisor runs with --read-only",
		    action_name(a));
	return 0;
}
