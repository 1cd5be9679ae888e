/* crossvisor's own SSH sessions (libssh): connect with a verified host key
 * and authenticate, within a timeout. A session never crosses threads: it
 * is the calling poller's. The target also names a host for ossh.h. */
#ifndef CV_BACKENDS_SSHX_H
#define CV_BACKENDS_SSHX_H

#include <stddef.h>

struct cv_err;

struct sshx_target {
	const char	*host;		/* name or alias (ssh_config applies) */
	const char	*user;		/* NULL: ssh_config or login */
	int		 port;		/* 0: ssh_config or 22 */
	const char	*identity;	/* NULL: agent and default keys */
	const char	*known_hosts;	/* NULL: ~/.ssh/known_hosts */
	const char	*password;	/* NULL: keys only */
	double		 timeout_s;
};

struct ssh_session_struct;

void	sshx_init(void);
int	sshx_connect(const struct sshx_target *,
	    struct ssh_session_struct **, struct cv_err *);
void	sshx_close(struct ssh_session_struct *);

#endif
