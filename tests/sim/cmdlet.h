/* The two request scripts, poll.ps1 and action.ps1, emulated on the state
 * file: each answers the JSON that session.ps1 would print for it, or the
 * error record its catch block would report. Single-threaded. */
#ifndef CV_SIM_CMDLET_H
#define CV_SIM_CMDLET_H

struct buf;
struct json_object;
struct ps_err;

struct cmdlet_ctx {
	const char		*state_path;	/* (borrowed) or NULL */
	struct json_object	*fail;		/* (borrowed) or NULL */
};

int	cmdlet_poll(const struct cmdlet_ctx *, struct json_object *,
	    struct buf *, struct ps_err *);
int	cmdlet_action(const struct cmdlet_ctx *, struct json_object *,
	    struct buf *, struct ps_err *);

#endif
