/* One command on a host through OpenSSH's client, the `ssh` in PATH, run
 * as libvirt runs it for a qemu+ssh:// URI: ~/.ssh/config, the agent,
 * known_hosts and jump hosts apply as they do to that connection, and the
 * cryptography's memory is the child's, not this process's. */
#ifndef CV_BACKENDS_OSSH_H
#define CV_BACKENDS_OSSH_H

#include <stddef.h>

struct cv_err;
struct sshx_target;

struct ossh_result {
	char	*out;		/* standard output, NUL-terminated */
	size_t	 outlen;
	int	 status;	/* the command's exit status; 255: ssh's own
				 * failure */
	char	 said[4096];	/* the start of ssh's standard error */
};

/* Runs cmd on the target (its password is not used: ssh runs in batch
 * mode, and never prompts). Returns 0 when the command ran, whatever its
 * status; -1 with err set when ssh could not run it or it did not end in
 * time, or its output passed max bytes. r->said is filled either way. */
int	ossh_run(const struct sshx_target *, const char *cmd, size_t max,
	    struct ossh_result *r, struct cv_err *);

#endif
