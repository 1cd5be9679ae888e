/* One command through OpenSSH's client (see ossh.h). Runs on the calling
 * thread, which waits for the child within the target's timeout. */
#define _GNU_SOURCE		/* posix_spawn_file_actions_addclosefrom_np */
#include "backends/ossh.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "backends/sshx.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/xmalloc.h"

#define OSSH_ARGS_MAX	24
#define OSSH_CONFIG_MAX	65536	/* ssh -G prints about 4 KB */
#define OSSH_KEX_MAX	1024

extern char **environ;

/*
 * The ssh command line: batch mode, so that nothing prompts on the terminal
 * the console draws on; no forwarding, which a second session of a host's
 * ssh_config block would fail to set up again; and kex, a KexAlgorithms=
 * option, or NULL. A NULL cmd asks ssh for its configuration (-G).
 */
static void
build_argv(const struct sshx_target *t, const char *cmd, const char *kex,
    char *port, size_t portlen, char *kh, size_t khlen, const char **argv)
{
	int	n = 0;

	argv[n++] = "ssh";
	if (cmd == NULL)
		argv[n++] = "-G";
	argv[n++] = "-T";
	argv[n++] = "-x";
	argv[n++] = "-a";
	argv[n++] = "-o";
	argv[n++] = "BatchMode=yes";
	argv[n++] = "-o";
	argv[n++] = "ClearAllForwardings=yes";
	if (kex != NULL) {
		argv[n++] = "-o";
		argv[n++] = kex;
	}
	if (t->port > 0) {
		snprintf(port, portlen, "%d", t->port);
		argv[n++] = "-p";
		argv[n++] = port;
	}
	if (t->user != NULL) {
		argv[n++] = "-l";
		argv[n++] = t->user;
	}
	if (t->identity != NULL) {
		argv[n++] = "-i";
		argv[n++] = t->identity;
	}
	if (t->known_hosts != NULL) {
		snprintf(kh, khlen, "UserKnownHostsFile=%s", t->known_hosts);
		argv[n++] = "-o";
		argv[n++] = kh;
	}
	argv[n++] = "--";
	argv[n++] = t->host;
	if (cmd != NULL)
		argv[n++] = cmd;
	argv[n] = NULL;
}

/* Spawns ssh in a process group of its own (so that a jump host's ssh,
 * its child, ends with it) with stdin from /dev/null. */
static int
spawn_ssh(const char **argv, pid_t *pid, int *out, int *errfd,
    struct cv_err *err)
{
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	sigset_t			 none, dfl;
	int				 po[2], pe[2], rc;

	if (pipe2(po, O_CLOEXEC) == -1)
		return cv_err_set(err, CV_E_FAILED, "pipe: %s",
		    strerror(errno));
	if (pipe2(pe, O_CLOEXEC) == -1) {
		close(po[0]);
		close(po[1]);
		return cv_err_set(err, CV_E_FAILED, "pipe: %s",
		    strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null",
	    O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, pe[1], STDERR_FILENO);
	/* libvirt's and libssh's descriptors are not all close-on-exec. */
	posix_spawn_file_actions_addclosefrom_np(&fa, STDERR_FILENO + 1);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigfillset(&dfl);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK |
	    POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(pid, argv[0], &fa, &at, (char *const *)argv,
	    environ);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	close(po[1]);
	close(pe[1]);
	if (rc != 0) {
		close(po[0]);
		close(pe[0]);
		return cv_err_set(err, CV_E_FAILED, "cannot run ssh: %s; "
		    "install OpenSSH's client", strerror(rc));
	}
	*out = po[0];
	*errfd = pe[0];
	return 0;
}

/* Reads stdout (at most max bytes) and the start of stderr until both
 * end or the deadline passes. A timeout's words are the caller's, which
 * tells what the run had come to. */
static int
read_both(int out, int errfd, uint64_t deadline, size_t max,
    struct ossh_result *r, struct cv_err *err)
{
	struct pollfd	 pf[2] = { { out, POLLIN, 0 }, { errfd, POLLIN, 0 } };
	size_t		 cap = 4096, said = 0, room;
	char		 junk[256];	/* small: a poller's stack keeps every
					   page it ever touched */
	ssize_t		 n;

	r->out = xmalloc(cap);
	while (pf[0].fd != -1 || pf[1].fd != -1) {
		int64_t left = (int64_t)deadline - (int64_t)clock_mono_ms();

		if (left <= 0)
			return cv_err_set(err, CV_E_TIMEOUT, "deadline");
		if (poll(pf, 2, (int)left) == -1) {
			/* No revents to trust: the reads below would block. */
			if (errno == EINTR)
				continue;
			return cv_err_set(err, CV_E_FAILED, "poll: %s",
			    strerror(errno));
		}
		if (pf[0].revents != 0) {
			if (r->outlen + 1 >= cap) {
				cap *= 2;
				r->out = xreallocarray(r->out, cap, 1);
			}
			n = read(out, r->out + r->outlen, cap - r->outlen - 1);
			if (n > 0 && (r->outlen += (size_t)n) > max)
				return cv_err_set(err, CV_E_PROTOCOL, "answer "
				    "larger than %zu bytes; cut off", max);
			if (n == 0 || (n == -1 && errno != EINTR))
				pf[0].fd = -1;
		}
		if (pf[1].revents != 0) {
			/* The start is kept; the rest is read and dropped. */
			room = sizeof r->said - 1 - said;
			n = room > 0 ? read(errfd, r->said + said, room) :
			    read(errfd, junk, sizeof junk);
			if (n > 0 && room > 0)
				r->said[said += (size_t)n] = '\0';
			if (n == 0 || (n == -1 && errno != EINTR))
				pf[1].fd = -1;
		}
	}
	r->out[r->outlen] = '\0';
	return 0;
}

/* Waits for the child until the deadline, then kills its group: its wait
 * status, or -1 when it was killed. */
static int
reap(pid_t pid, uint64_t deadline, bool kill_now)
{
	struct timespec	 ts = { 0, 5 * 1000 * 1000 };
	pid_t		 w;
	int		 st;

	while (!kill_now) {
		if ((w = waitpid(pid, &st, WNOHANG)) == pid)
			return st;
		if (w == -1 && errno != EINTR)
			return -1;
		if (clock_mono_ms() >= deadline)
			break;
		nanosleep(&ts, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return -1;
}

/* ssh's last line of error output: why it did not run the command. */
static void
last_line(const char *said, char *line, size_t len)
{
	const char	*end = said + strlen(said), *p;

	while (end > said && (end[-1] == '\n' || end[-1] == '\r' ||
	    end[-1] == ' '))
		end--;
	for (p = end; p > said && p[-1] != '\n'; p--)
		;
	snprintf(line, len, "%.*s", (int)(end - p), p);
}

/* Whether ssh may have given up because the server offers no key exchange
 * of the client's list: a server that takes only sntrup761, or a client
 * policy that leaves nothing once it is taken out. ssh says so at LogLevel
 * INFO; at ERROR or QUIET it fails without a word. */
static bool
kex_maybe_refused(const char *said)
{
	char	line[200];

	last_line(said, line, sizeof line);
	return line[0] == '\0' ||
	    strstr(said, "no matching key exchange method") != NULL;
}

/* What a run that passed its deadline had come to, as far as this side
 * can tell: the answer had begun, ssh had said something, or neither. */
static int
timed_out(const struct ossh_result *r, double timeout_s, struct cv_err *err)
{
	char	line[200];

	if (r->outlen > 0)
		return cv_err_set(err, CV_E_TIMEOUT, "the answer began but "
		    "did not end within %g s", timeout_s);
	last_line(r->said, line, sizeof line);
	if (line[0] != '\0')
		return cv_err_set(err, CV_E_TIMEOUT, "no answer within %g s; "
		    "ssh's last words: %s", timeout_s, line);
	return cv_err_set(err, CV_E_TIMEOUT, "no answer within %g s, and "
	    "ssh said nothing: the connection or the login hung (ssh -v "
	    "shows which)", timeout_s);
}

/* One run of ssh with the command (NULL: ssh -G), within deadline. */
static int
ossh_once(const struct sshx_target *t, const char *cmd, const char *kex,
    uint64_t deadline, size_t max, struct ossh_result *r, struct cv_err *err)
{
	const char	*argv[OSSH_ARGS_MAX];
	char		 port[16], kh[1100], line[200];
	pid_t		 pid;
	int		 out = -1, errfd = -1, rc, st;

	memset(r, 0, sizeof *r);
	build_argv(t, cmd, kex, port, sizeof port, kh, sizeof kh, argv);
	if (spawn_ssh(argv, &pid, &out, &errfd, err) == -1)
		return -1;
	rc = read_both(out, errfd, deadline, max, r, err);
	close(out);
	close(errfd);
	st = reap(pid, deadline, rc == -1);
	if ((rc == 0 && st == -1) || (rc == -1 && err->code == CV_E_TIMEOUT))
		rc = timed_out(r, t->timeout_s, err);
	else if (rc == 0 && WIFSIGNALED(st))
		rc = cv_err_set(err, CV_E_CONNECT, "ssh ended by signal %d",
		    WTERMSIG(st));
	else if (rc == 0 && WEXITSTATUS(st) == 255) {
		/* ssh's own failure: a command of ours never exits 255. */
		last_line(r->said, line, sizeof line);
		rc = cv_err_set(err, CV_E_CONNECT, "%s", line[0] ? line :
		    "ssh failed, and said nothing");
		r->status = 255;
	} else if (rc == 0)
		r->status = WEXITSTATUS(st);
	if (rc == -1) {
		free(r->out);
		r->out = NULL;
		r->outlen = 0;
	}
	return rc;
}

/* Whether item, one name of a KexAlgorithms list, is sntrup761's. */
static bool
kex_is_sntrup(const char *item, size_t len)
{
	return len >= 9 && memcmp(item, "sntrup761", 9) == 0;
}

/*
 * The key exchanges ssh would offer the target (ssh -G: ssh_config's own
 * list, or ssh's default) less sntrup761, which OpenSSH 9.0 to 9.9 prefer
 * and which costs the client 60-70 ms of CPU a connect, against next to
 * nothing for curve25519. The session carries only the command and the
 * host's public answer, nothing a key exchange broken later would give
 * away. Written as a KexAlgorithms= option; false, ssh's list as it is,
 * when it holds no sntrup761 or nothing else, when it is too long to
 * write again, or when ssh -G fails.
 */
static bool
cheap_kex(const struct sshx_target *t, uint64_t deadline, char *opt,
    size_t len)
{
	static const char	 key[] = "\nkexalgorithms ";
	/* On the heap, with its 4 KB: a poller's stack keeps every page it
	 * ever touched, and this runs once on each. */
	struct ossh_result	*r = xmalloc(sizeof *r);
	struct cv_err		 err;
	const char		*p;
	char			*out;
	size_t			 n, used;
	bool			 took = false, kept = false, too_long = false;
	int			 rc, status;

	rc = ossh_once(t, NULL, NULL, deadline, OSSH_CONFIG_MAX, r, &err);
	out = r->out;
	status = r->status;
	free(r);
	if (rc == -1)
		return false;
	if (status != 0 || (p = strstr(out, key)) == NULL) {
		free(out);
		return false;
	}
	used = (size_t)snprintf(opt, len, "KexAlgorithms=");
	for (p += sizeof key - 1;; p++) {
		n = strcspn(p, ",\n");
		if (kex_is_sntrup(p, n))
			took = true;
		else if (n > 0 && used + n + 2 <= len) {
			if (kept)
				opt[used++] = ',';
			memcpy(opt + used, p, n);
			opt[used += n] = '\0';
			kept = true;
		} else if (n > 0)
			too_long = true;
		p += n;
		if (*p != ',')
			break;
	}
	free(out);
	return took && kept && !too_long;
}

/* The cheap key exchange is a saving, never a condition: a host that
 * may have refused it is asked again with the exchanges ssh_config
 * gives. */
int
ossh_run(const struct sshx_target *t, const char *cmd, size_t max,
    struct ossh_result *r, struct cv_err *err)
{
	uint64_t	deadline = clock_mono_ms() +
			    (uint64_t)ceil(t->timeout_s * 1000);
	char		kex[OSSH_KEX_MAX];
	bool		cheap = cheap_kex(t, deadline, kex, sizeof kex);

	if (ossh_once(t, cmd, cheap ? kex : NULL, deadline, max, r, err) == 0)
		return 0;
	if (!cheap || r->status != 255 || !kex_maybe_refused(r->said))
		return -1;
	return ossh_once(t, cmd, NULL, deadline, max, r, err);
}
