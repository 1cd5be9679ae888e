/* The Hyper-V backend: Windows PowerShell 5.1 driven over one SSH session
 * per host (libssh), or run directly as a child process (the local
 * transport). One long-lived PowerShell answers every call; when it dies,
 * each call runs in a PowerShell of its own until the next restart, at most
 * one a minute. Runs on its host's poller thread only. */
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <libssh/libssh.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/hyperv_ps.h"
#include "backends/hyperv_scripts.h"
#include "backends/sshx.h"
#include "core/clock.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/osinfo.h"
#include "core/platform.h"
#include "core/xmalloc.h"

/* Bytes of one answer (stdout of one request, banners included). The
 * biggest host, 1024 VMs (Hyper-V's limit), answers a poll in about 3 MiB
 * even with 100-character names escaped as \uXXXX and full KVP data
 * (about 3 KiB a VM), 6 MiB in UTF-16: 16 MiB leaves room and bounds what
 * one host can make crossvisor hold (the raw answer, its decoded copy and
 * the parsed JSON: about 5 times this) while every host polls at once. */
#define ANSWER_MAX		(16u << 20)
/* Bytes of stderr of one request. PowerShell writes a few KiB of CLIXML
 * there at most; more is a broken host, cut off like a long answer (over
 * SSH, libssh buffers what stderr brings beside every stdout read, so
 * only cutting it off bounds memory). */
#define STDERR_MAX		(1u << 20)
#define READ_MAX		(1u << 20)	/* bytes taken in one read
						 * round, so that a flood
						 * meets the checks above */
#define SESSION_RETRY_MS	60000
#define READ_SLICE_MS		50
#define READ_ROOM_MIN		4096	/* stdout's room for a read, at least */
#define ERR_READ		1024	/* stderr's bytes a read: it says little */

static const char ps_args[] = "-NoLogo -NoProfile -NonInteractive "
    "-ExecutionPolicy Bypass -EncodedCommand";

struct buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* One running PowerShell: an SSH exec channel or a child process. */
struct hv_proc {
	ssh_channel	 ch;
	pid_t		 pid;
	int		 fd_in;
	int		 fd_out;
	int		 fd_err;
	struct buf	 pending;	/* the session script, unsent */
	struct buf	 out;
	struct buf	 err;
	bool		 started;	/* first bytes of stdout seen */
	bool		 utf16;
	bool		 eof;
	bool		 err_over;	/* stderr went over STDERR_MAX */
	int		 status;	/* exit status; -1 unknown */
};

/* What is kept of a VM between polls: its guest OS, which the KVP exchange
 * reports only while it runs. */
struct hv_guest {
	char	id[40];
	char	os[96];
	char	os_id[32];
	bool	seen;
};

struct backend_conn {
	const struct cfg_host	*hc;		/* (borrowed) */
	double			 timeout_s;
	ssh_session		 ssh;		/* NULL for local */
	char			*cmdline;	/* (owned) the exec line */
	struct hv_proc		*sess;		/* (owned) NULL: none */
	uint64_t		 sess_started_ms;
	unsigned		 reqno;
	struct hvps_poll	 cur;		/* the last poll */
	bool			 have_first;	/* open's poll not yet handed */
	struct hv_guest		*guests;	/* (owned) sorted by id */
	size_t			 nguests;
};

static int	hv_open(const struct cfg_host *, const struct backend_params *,
		    struct backend_conn **, struct raw_host *, struct cv_err *);
static int	hv_poll(struct backend_conn *, struct raw_sample *,
		    struct cv_err *);
static int	hv_act(struct backend_conn *, const char *, enum action,
		    struct cv_err *);
static void	hv_close(struct backend_conn *);

const struct backend_ops hyperv_backend = {
	.type = "hyperv",
	.open = hv_open,
	.poll = hv_poll,
	.act = hv_act,
	.close = hv_close,
};

/* ---- buffers ---- */

/* Room for at least n more bytes and the NUL; returns how many there are. */
static size_t
buf_room(struct buf *b, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 8192;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	return b->cap - b->len - 1;
}

/* Counts n bytes written into the room. */
static void
buf_took(struct buf *b, size_t n)
{
	b->len += n;
	b->p[b->len] = '\0';
}

static void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_room(b, n);
	memcpy(b->p + b->len, p, n);
	buf_took(b, n);
}

static void
buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

static void
buf_free(struct buf *b)
{
	free(b->p);
	memset(b, 0, sizeof *b);
}

/* ---- the exec line ---- */

static void
base64(const unsigned char *in, size_t len, struct buf *out)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t	i;
	char	q[4];

	for (i = 0; i < len; i += 3) {
		unsigned v = (unsigned)in[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		q[0] = tab[v >> 18 & 63];
		q[1] = tab[v >> 12 & 63];
		q[2] = i + 1 < len ? tab[v >> 6 & 63] : '=';
		q[3] = i + 2 < len ? tab[v & 63] : '=';
		buf_add(out, q, 4);
	}
}

/* -EncodedCommand takes base64 of UTF-16LE; the bootstrap is ASCII. */
static char *
encoded_bootstrap(void)
{
	const char	*text = hv_script_text("bootstrap");
	size_t		 n = strlen(text), i;
	unsigned char	*u16 = xmalloc(n * 2);
	struct buf	 b = { NULL, 0, 0 };

	for (i = 0; i < n; i++) {
		u16[2 * i] = (unsigned char)text[i];
		u16[2 * i + 1] = 0;
	}
	base64(u16, n * 2, &b);
	free(u16);
	return b.p;
}

/* ---- processes ---- */

static int
proc_start_ssh(struct backend_conn *c, struct hv_proc *p, struct cv_err *err)
{
	if ((p->ch = ssh_channel_new(c->ssh)) == NULL ||
	    ssh_channel_open_session(p->ch) != SSH_OK ||
	    ssh_channel_request_exec(p->ch, c->cmdline) != SSH_OK)
		return cv_err_set(err, CV_E_CONNECT, "cannot start PowerShell "
		    "on %s: %s", c->hc->name, ssh_get_error(c->ssh));
	return 0;
}

static int
proc_start_local(struct backend_conn *c, struct hv_proc *p, struct cv_err *err)
{
	const struct strv	*cmd = &c->hc->command;
	int			 in[2], out[2], errp[2], i;
	char			**argv, *enc;

	if (pipe(in) == -1 || pipe(out) == -1 || pipe(errp) == -1)
		return cv_err_set(err, CV_E_FAILED, "pipe: %s",
		    strerror(errno));
	enc = encoded_bootstrap();
	argv = xcalloc(cmd->n + 8, sizeof *argv);
	for (i = 0; i < (int)cmd->n; i++)
		argv[i] = cmd->v[i];
	argv[i++] = (char *)"-NoLogo";
	argv[i++] = (char *)"-NoProfile";
	argv[i++] = (char *)"-NonInteractive";
	argv[i++] = (char *)"-ExecutionPolicy";
	argv[i++] = (char *)"Bypass";
	argv[i++] = (char *)"-EncodedCommand";
	argv[i++] = enc;
	argv[i] = NULL;
	if ((p->pid = fork()) == -1) {
		free(argv);
		free(enc);
		return cv_err_set(err, CV_E_FAILED, "fork: %s",
		    strerror(errno));
	}
	if (p->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(errp[1], STDERR_FILENO);
		for (i = 3; i < 1024; i++)
			close(i);
		signal(SIGPIPE, SIG_DFL);
		execvp(argv[0], argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	free(argv);
	free(enc);
	close(in[0]);
	close(out[1]);
	close(errp[1]);
	p->fd_in = in[1];
	p->fd_out = out[0];
	p->fd_err = errp[0];
	fcntl(p->fd_out, F_SETFL, O_NONBLOCK);
	fcntl(p->fd_err, F_SETFL, O_NONBLOCK);
	fcntl(p->fd_in, F_SETFD, FD_CLOEXEC);
	fcntl(p->fd_out, F_SETFD, FD_CLOEXEC);
	fcntl(p->fd_err, F_SETFD, FD_CLOEXEC);
	return 0;
}

static void
proc_free(struct hv_proc *p)
{
	int	st;

	if (p == NULL)
		return;
	if (p->ch != NULL) {
		ssh_channel_close(p->ch);
		ssh_channel_free(p->ch);
	}
	if (p->fd_in != -1)
		close(p->fd_in);
	if (p->fd_out != -1)
		close(p->fd_out);
	if (p->fd_err != -1)
		close(p->fd_err);
	if (p->pid > 0) {
		kill(p->pid, SIGKILL);
		waitpid(p->pid, &st, 0);
	}
	buf_free(&p->pending);
	buf_free(&p->out);
	buf_free(&p->err);
	free(p);
}

/* Starts a PowerShell and feeds it the session script: from then on it
 * takes requests. */
static struct hv_proc *
proc_start(struct backend_conn *c, struct cv_err *err)
{
	struct hv_proc	*p = xcalloc(1, sizeof *p);
	int		 rc;

	p->fd_in = p->fd_out = p->fd_err = -1;
	p->status = -1;
	rc = c->ssh != NULL ? proc_start_ssh(c, p, err) :
	    proc_start_local(c, p, err);
	if (rc == -1) {
		proc_free(p);
		return NULL;
	}
	/* Sent with the first request, in one write. */
	buf_str(&p->pending, hv_script_text("session"));
	buf_str(&p->pending, "@@CVEND@@\n");
	return p;
}

static int
proc_write(struct hv_proc *p, const char *s, size_t len, uint64_t deadline,
    struct cv_err *err)
{
	ssize_t	n;

	if (p->ch != NULL) {
		if (ssh_channel_write(p->ch, s, (uint32_t)len) != (int)len)
			return cv_err_set(err, CV_E_CONNECT, "write to the "
			    "host failed");
		return 0;
	}
	while (len > 0) {
		struct pollfd pfd = { p->fd_in, POLLOUT, 0 };
		int64_t left = (int64_t)deadline - (int64_t)clock_mono_ms();

		if (left <= 0)
			return cv_err_set(err, CV_E_TIMEOUT, "PowerShell does "
			    "not read its input");
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if ((n = write(p->fd_in, s, len)) == -1) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			return cv_err_set(err, CV_E_CONNECT, "PowerShell "
			    "ended: %s", strerror(errno));
		}
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
proc_close_input(struct hv_proc *p)
{
	if (p->ch != NULL)
		ssh_channel_send_eof(p->ch);
	else if (p->fd_in != -1) {
		close(p->fd_in);
		p->fd_in = -1;
	}
}

/* Where standard output's next bytes are read, in place: a buffer on the
 * poller's stack would keep its pages for good. */
static char *
out_room(struct hv_proc *p, size_t *room)
{
	*room = buf_room(&p->out, READ_ROOM_MIN);
	return p->out.p + p->out.len;
}

static void
out_took(struct hv_proc *p, size_t n)
{
	const unsigned char	*data = (unsigned char *)p->out.p + p->out.len;

	/* A UTF-16LE stream says so with a BOM at its very start. */
	if (!p->started && n > 0) {
		p->started = true;
		p->utf16 = n >= 2 && data[0] == 0xff && data[1] == 0xfe;
	}
	buf_took(&p->out, n);
}

static void
take_err(struct hv_proc *p, const char *data, size_t n)
{
	if (p->err.len + n <= STDERR_MAX)
		buf_add(&p->err, data, n);
	else
		p->err_over = true;
}

static int
read_ssh(struct hv_proc *p, struct cv_err *err)
{
	char	data[ERR_READ];
	char	*to;
	size_t	got = 0, room;
	int	n, m = 0;

	to = out_room(p, &room);
	n = ssh_channel_read_timeout(p->ch, to, (uint32_t)room, 0,
	    READ_SLICE_MS);
	if (n == SSH_ERROR)
		return cv_err_set(err, CV_E_CONNECT, "connection lost");
	if (n > 0)
		out_took(p, (size_t)n);
	/* Bounded: a host that floods stderr must still meet the deadline. */
	while (got < READ_MAX && !p->err_over &&
	    (m = ssh_channel_read_nonblocking(p->ch,
	    data, sizeof data, 1)) > 0) {
		take_err(p, data, (size_t)m);
		got += (size_t)m;
	}
	if (got >= READ_MAX || p->err_over)
		return 0;
	if (n <= 0 && m <= 0 && ssh_channel_is_eof(p->ch)) {
		p->eof = true;
		p->status = ssh_channel_get_exit_status(p->ch);
	}
	return 0;
}

static int
read_local(struct hv_proc *p, struct cv_err *err)
{
	struct pollfd	pfd[2] = { { p->fd_out, POLLIN, 0 },
			    { p->fd_err, POLLIN, 0 } };
	char		data[ERR_READ], *to;
	ssize_t		n = -1;
	size_t		got, room;
	pid_t		w;
	int		st, i;
	bool		closed[2] = { false, false };

	(void)err;
	if (poll(pfd, 2, READ_SLICE_MS) <= 0)
		return 0;
	for (i = 0; i < 2; i++) {
		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		/* At most READ_MAX a round: a writer as fast as this reader
		 * would otherwise keep it here past every bound. */
		got = 0;
		while (got < READ_MAX) {
			if (i == 0) {
				to = out_room(p, &room);
				if ((n = read(pfd[i].fd, to, room)) > 0)
					out_took(p, (size_t)n);
			} else if ((n = read(pfd[i].fd, data, sizeof data)) > 0)
				take_err(p, data, (size_t)n);
			if (n <= 0)
				break;
			got += (size_t)n;
		}
		closed[i] = got < READ_MAX && n == 0;
	}
	if (closed[0]) {
		p->eof = true;
		got = 0;
		while (got < READ_MAX &&
		    (n = read(p->fd_err, data, sizeof data)) > 0) {
			take_err(p, data, (size_t)n);
			got += (size_t)n;
		}
		/* Its status, if it ends soon: a child that closed stdout and
		 * lives on must not hold the poller (proc_free kills it). */
		for (i = 0; (w = waitpid(p->pid, &st, WNOHANG)) == 0 &&
		    i < 20; i++)
			poll(NULL, 0, 10);
		if (w == p->pid) {
			p->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 +
			    WTERMSIG(st);
			p->pid = -1;
			if (p->fd_in != -1)
				close(p->fd_in);
			close(p->fd_out);
			close(p->fd_err);
			p->fd_in = p->fd_out = p->fd_err = -1;
		}
	}
	return 0;
}

static const char *
find_bytes(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	const char	*p = hay, *end = hay + hlen;

	while (nlen > 0 && (size_t)(end - p) >= nlen &&
	    (p = memchr(p, needle[0], (size_t)(end - p) - nlen + 1)) != NULL) {
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* The marker line that ends answer n, as it appears in the raw stream:
 * with the line end before it, since a VM name inside the answer line may
 * hold "@@CVDONE@@ <n>" too. */
static size_t
done_marker(struct hv_proc *p, unsigned n, char *m, size_t len)
{
	char	ascii[40];
	size_t	alen, i;

	alen = (size_t)snprintf(ascii, sizeof ascii, "\n@@CVDONE@@ %u", n);
	if (!p->utf16) {
		memcpy(m, ascii, alen);
		return alen;
	}
	for (i = 0; i < alen && 2 * i + 1 < len; i++) {
		m[2 * i] = ascii[i];
		m[2 * i + 1] = '\0';
	}
	return 2 * alen;
}

/* Whether [s, end) holds the marker followed by its line end (so that
 * "@@CVDONE@@ 1" is not taken in "@@CVDONE@@ 12"). */
static bool
marker_in(const struct hv_proc *p, const char *s, const char *end,
    const char *marker, size_t mlen)
{
	const char	*at;
	size_t		 w = p->utf16 ? 2 : 1;

	while ((at = find_bytes(s, (size_t)(end - s), marker, mlen)) != NULL) {
		if ((size_t)(end - at) < mlen + w)
			return false;	/* its line end is yet to come */
		if ((at[mlen] == '\r' || at[mlen] == '\n') &&
		    (w == 1 || at[mlen + 1] == '\0'))
			return true;
		s = at + w;
	}
	return false;
}

/* Reads until answer n is complete, the PowerShell ends or the deadline
 * passes. */
static int
proc_wait(struct hv_proc *p, unsigned n, uint64_t deadline, struct cv_err *err)
{
	char	marker[96];
	size_t	mlen, scanned = 0;

	for (;;) {
		mlen = done_marker(p, n, marker, sizeof marker);
		if (p->out.len > scanned && marker_in(p, p->out.p + scanned,
		    p->out.p + p->out.len, marker, mlen))
			return 0;
		/* Rescan what a marker cut by the last read may span. */
		if (p->out.len > mlen + 2)
			scanned = p->out.len - mlen - 2;
		if (p->eof)
			return 0;
		if (p->out.len > ANSWER_MAX)
			return cv_err_set(err, CV_E_PROTOCOL, "answer larger "
			    "than %u MiB; cut off", ANSWER_MAX >> 20);
		if (p->err_over)
			return cv_err_set(err, CV_E_PROTOCOL, "error output "
			    "larger than %u MiB; cut off", STDERR_MAX >> 20);
		if (clock_mono_ms() >= deadline)
			return cv_err_set(err, CV_E_TIMEOUT, "no answer within "
			    "the poll timeout");
		if ((p->ch != NULL ? read_ssh(p, err) : read_local(p, err)) ==
		    -1)
			return -1;
	}
}

/* ---- calls ---- */

static char *
first_chars(const char *s, size_t max, char *out, size_t outlen)
{
	size_t	i, o = 0;

	for (i = 0; s[i] != '\0' && i < max && o + 1 < outlen; i++)
		out[o++] = (unsigned char)s[i] < 0x20 ? ' ' : s[i];
	out[o] = '\0';
	return out;
}

/* Says why no answer came, from what the host wrote. */
static int
no_answer(struct hv_proc *p, const char *text, struct cv_err *err)
{
	struct hvps_text	 et;
	char			 msg[200], head[64];
	bool			 u16 = false;

	if (p->err.len > 0 && hvps_decode(p->err.p, p->err.len, &u16, &et) ==
	    0) {
		int has = hvps_stderr_error(et.s, msg, sizeof msg);

		hvps_text_free(&et);
		if (has == 1)
			return cv_err_set(err, CV_E_PROTOCOL, "PowerShell "
			    "%s%s: %s", p->status >= 0 ? "exited with " : "failed",
			    p->status >= 0 ? (p->status ? "an error" : "0") : "",
			    msg);
	}
	if (text != NULL && *text != '\0')
		return cv_err_set(err, CV_E_PROTOCOL, "the host answered "
		    "something else than crossvisor's protocol: '%s'",
		    first_chars(text, 60, head, sizeof head));
	if (p->eof)
		return cv_err_set(err, CV_E_PROTOCOL, "PowerShell ended "
		    "(status %d) without an answer", p->status);
	return cv_err_set(err, CV_E_PROTOCOL, "no answer");
}

static enum cv_errcode
error_code(enum hvps_errclass cls)
{
	switch (cls) {
	case HVPS_ERR_NOTFOUND:
		return CV_E_NOTFOUND;
	case HVPS_ERR_STATE:
		return CV_E_STATE;
	case HVPS_ERR_DENIED:
		return CV_E_DENIED;
	case HVPS_ERR_UNSUPPORTED:
		return CV_E_UNSUPPORTED;
	default:
		return CV_E_FAILED;
	}
}

/* Sends request n and takes its answer. Returns 0 with the JSON (owned),
 * -1 with err, or -2 when the PowerShell ended before answering (the
 * caller may try a fresh one). */
static int
request(struct backend_conn *c, struct hv_proc *p, const char *script,
    const char *params, bool last, char **json, struct cv_err *err)
{
	uint64_t		 deadline = clock_mono_ms() +
				    (uint64_t)(c->timeout_s * 1000);
	struct buf		 req = { NULL, 0, 0 };
	struct hvps_text	 text;
	struct hvps_error	 pe;
	const char		*ans;
	size_t			 alen;
	bool			 done;
	unsigned		 n = ++c->reqno;
	char			 line[48];
	int			 rc;

	if (p->pending.len > 0) {
		buf_add(&req, p->pending.p, p->pending.len);
		buf_free(&p->pending);
	}
	p->out.len = 0;
	p->err.len = 0;
	p->err_over = false;
	snprintf(line, sizeof line, "@@CVREQ@@ %u\n", n);
	buf_str(&req, line);
	buf_str(&req, hv_script_text(script));
	buf_str(&req, "@@CVPARAMS@@ ");
	buf_str(&req, params);
	buf_str(&req, "\n@@CVEND@@\n");
	rc = proc_write(p, req.p, req.len, deadline, err);
	buf_free(&req);
	if (rc == -1)
		return -2;
	if (last)
		proc_close_input(p);
	if (proc_wait(p, n, deadline, err) == -1)
		return -1;

	if (hvps_decode(p->out.p ? p->out.p : "", p->out.len, &p->utf16,
	    &text) == -1)
		return cv_err_set(err, CV_E_PARSE, "undecodable answer");
	if (hvps_find_answer(text.s, n, &ans, &alen, &done) != 1) {
		rc = p->eof && !last && p->out.len == 0 ? -2 : -1;
		no_answer(p, text.s, err);
		hvps_text_free(&text);
		return rc;
	}
	if (hvps_parse_error(ans, alen, &pe) == 1) {
		cv_err_set(err, error_code(pe.cls), "%s", pe.message);
		hvps_text_free(&text);
		return -1;
	}
	*json = xstrndup(ans, alen);
	hvps_text_free(&text);
	return 0;
}

/* One call: on the long-lived PowerShell when there is one, else on a
 * PowerShell of its own. */
static int
hv_call(struct backend_conn *c, const char *script, const char *params,
    char **json, struct cv_err *err)
{
	struct hv_proc	*p;
	uint64_t	 now = clock_mono_ms();
	int		 rc;

	if (c->sess == NULL && (c->sess_started_ms == 0 ||
	    now - c->sess_started_ms >= SESSION_RETRY_MS)) {
		c->sess_started_ms = now;
		if ((c->sess = proc_start(c, err)) == NULL)
			return -1;
	}
	if (c->sess != NULL) {
		rc = request(c, c->sess, script, params, false, json, err);
		if (rc == 0)
			return 0;
		/* Any trouble ends the session: a late answer must never be
		 * taken for the next request's. */
		proc_free(c->sess);
		c->sess = NULL;
		if (rc == -1)
			return -1;
	}
	if ((p = proc_start(c, err)) == NULL)
		return -1;
	rc = request(c, p, script, params, true, json, err);
	proc_free(p);
	return rc == 0 ? 0 : -1;
}

/* ---- polls ---- */

static int
guest_cmp(const void *a, const void *b)
{
	return strcmp(((const struct hv_guest *)a)->id,
	    ((const struct hv_guest *)b)->id);
}

static struct hv_guest *
guest_find(struct backend_conn *c, const char *id)
{
	struct hv_guest	key;

	if (c->nguests == 0)
		return NULL;
	strlcpy_cv(key.id, id, sizeof key.id);
	return bsearch(&key, c->guests, c->nguests, sizeof *c->guests,
	    guest_cmp);
}

/* Keeps each VM's guest OS across polls, since the KVP exchange answers
 * only while a VM runs; forgets VMs that are gone. */
static void
update_guests(struct backend_conn *c)
{
	struct hv_guest	*g, *next;
	size_t		 i, n = c->cur.nvms;

	next = xcalloc(n ? n : 1, sizeof *next);
	for (i = 0; i < n; i++) {
		const struct hvps_vm	*vm = &c->cur.vms[i];
		struct osinfo_kvp	 k;

		strlcpy_cv(next[i].id, vm->id, sizeof next[i].id);
		if ((g = guest_find(c, vm->id)) != NULL) {
			strlcpy_cv(next[i].os, g->os, sizeof next[i].os);
			strlcpy_cv(next[i].os_id, g->os_id,
			    sizeof next[i].os_id);
		}
		if (!vm->has_kvp)
			continue;
		k.os_name = vm->kvp.os_name;
		k.os_version = vm->kvp.os_version;
		k.os_major = vm->kvp.os_major;
		k.os_minor = vm->kvp.os_minor;
		k.os_build = vm->kvp.os_build;
		k.product_type = vm->kvp.product_type;
		if (osinfo_from_kvp(&k, next[i].os_id, sizeof next[i].os_id,
		    next[i].os, sizeof next[i].os) == -1)
			next[i].os[0] = next[i].os_id[0] = '\0';
	}
	qsort(next, n, sizeof *next, guest_cmp);
	free(c->guests);
	c->guests = next;
	c->nguests = n;
}

static int
poll_once(struct backend_conn *c, struct cv_err *err)
{
	char	*json = NULL;
	int	 rc;

	if (hv_call(c, "poll", "{}", &json, err) == -1)
		return -1;
	hvps_poll_free(&c->cur);
	rc = hvps_parse_poll(json, strlen(json), &c->cur, err);
	free(json);
	if (rc == -1)
		return -1;
	update_guests(c);
	return 0;
}

static enum guest_health
worse(enum guest_health a, enum guest_health b)
{
	return a > b ? a : b;
}

static void
fill_guest(struct backend_conn *c, const struct hvps_vm *vm,
    struct raw_guest *g)
{
	const struct hv_guest	*hg = guest_find(c, vm->id);
	bool			 live = vm->state == GUEST_RUNNING;
	bool			 held = live || vm->state == GUEST_PAUSED;

	strlcpy_cv(g->id, vm->id, sizeof g->id);
	g->name = vm->name;
	g->state = vm->state;
	g->health = worse(vm->health, live ? hvps_heartbeat(vm->heartbeat) :
	    HEALTH_NONE);
	g->virt_type = "hyperv";
	g->heartbeat = vm->heartbeat[0] ? vm->heartbeat : NULL;
	g->config_version = vm->version[0] ? vm->version : NULL;
	g->generation = (vm->have & HVVM_GEN) ? vm->generation : 0;
	if (hg != NULL && hg->os[0] != '\0') {
		g->os = hg->os;
		g->os_id = hg->os_id[0] ? hg->os_id : NULL;
		g->os_by_guest = true;
	}
	if (vm->have & HVVM_VCPUS) {
		g->vcpus = vm->vcpus;
		g->have |= RAW_VCPUS;
	}
	if (live && (vm->have & HVVM_CPU)) {
		g->cpu_usage = vm->cpu_usage;
		g->have |= RAW_CPU_USAGE;
	}
	if (held && (vm->have & HVVM_MEM) && vm->mem_assigned > 0) {
		g->mem_bytes = vm->mem_assigned;
		g->have |= RAW_MEM;
	}
	if (live && (vm->have & HVVM_DEMAND) && vm->mem_demand > 0) {
		g->mem_used_bytes = vm->mem_demand;
		g->have |= RAW_MEM_USED;
	}
	if (vm->have & HVVM_STARTUP) {
		g->mem_max_bytes = vm->mem_startup;
		g->have |= RAW_MEM_MAX;
	}
	if (held && (vm->have & HVVM_UPTIME)) {
		g->uptime_s = vm->uptime_s;
		g->have |= RAW_UPTIME;
	}
	/* Disk and network rates would need Get-Counter, which samples for
	 * a second and names its counters in the host's language: left
	 * null. */
}

static int
hv_poll(struct backend_conn *c, struct raw_sample *s, struct cv_err *err)
{
	size_t	i;

	if (!c->have_first && poll_once(c, err) == -1)
		return -1;
	c->have_first = false;
	s->n = 0;
	s->taken_ns = backend_now_ns();
	raw_sample_reserve(s, c->cur.nvms);
	for (i = 0; i < c->cur.nvms; i++)
		fill_guest(c, &c->cur.vms[i], raw_sample_next(s));
	return 0;
}

/* ---- connection ---- */

static void
host_identity(struct backend_conn *c, struct raw_host *rh)
{
	const struct hvps_host	*h = &c->cur.host;

	strlcpy_cv(rh->hostname, h->computer_name, sizeof rh->hostname);
	snprintf(rh->hypervisor, sizeof rh->hypervisor, "Hyper-V %s",
	    h->version[0] ? h->version : "?");
	rh->logical_cpus = h->logical_cpus;
	if (platform_from_windows(h->caption, h->build, h->product_type,
	    rh->platform, sizeof rh->platform) == -1 &&
	    c->hc->platform == NULL)
		snprintf(rh->notice, sizeof rh->notice, "host platform not "
		    "detected (Windows build '%s'); set platform = in the "
		    "config", h->build);
}

static int
hv_open(const struct cfg_host *hc, const struct backend_params *bp,
    struct backend_conn **out, struct raw_host *rh, struct cv_err *err)
{
	struct backend_conn	*c = xcalloc(1, sizeof *c);
	struct sshx_target	 t;
	char			*enc;
	bool			 local = hc->transport != NULL &&
				    strcmp(hc->transport, "local") == 0;

	c->hc = hc;
	c->timeout_s = bp->call_timeout_s;
	if (local) {
		if (hc->command.n == 0) {
			free(c);
			return cv_err_set(err, CV_E_CONFIG, "host %s: the "
			    "local transport needs a command", hc->name);
		}
	} else {
		memset(&t, 0, sizeof t);
		t.host = hc->address != NULL ? hc->address : hc->name;
		t.user = hc->user;
		t.port = hc->port;
		t.identity = hc->identity;
		t.known_hosts = hc->known_hosts;
		t.password = hc->password;
		t.timeout_s = bp->timeout_s;
		if (sshx_connect(&t, &c->ssh, err) == -1) {
			free(c);
			return -1;
		}
		enc = encoded_bootstrap();
		xasprintf(&c->cmdline, "powershell.exe %s %s", ps_args, enc);
		free(enc);
	}
	/* The first answer waits for PowerShell to start: it belongs to
	 * connecting, and has the connect timeout. */
	c->timeout_s = bp->timeout_s;
	if (poll_once(c, err) == -1) {
		hv_close(c);
		return -1;
	}
	c->timeout_s = bp->call_timeout_s;
	c->have_first = true;
	host_identity(c, rh);
	*out = c;
	return 0;
}

static void
hv_close(struct backend_conn *c)
{
	if (c == NULL)
		return;
	if (c->sess != NULL) {
		proc_close_input(c->sess);
		proc_free(c->sess);
	}
	sshx_close(c->ssh);
	hvps_poll_free(&c->cur);
	free(c->guests);
	free(c->cmdline);
	free(c);
}

/* ---- actions ---- */

static int
hv_act(struct backend_conn *c, const char *id, enum action a,
    struct cv_err *err)
{
	struct hvps_action	 res;
	json_object		*params;
	char			*json = NULL;
	int			 rc;

	params = json_object_new_object();
	json_object_object_add(params, "Id", json_object_new_string(id));
	json_object_object_add(params, "Action",
	    json_object_new_string(action_name(a)));
	rc = hv_call(c, "action", json_object_to_json_string_ext(params,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), &json,
	    err);
	json_object_put(params);
	if (rc == -1)
		return -1;
	rc = hvps_parse_action(json, strlen(json), &res, err);
	free(json);
	if (rc == -1)
		return -1;
	if (res.noop)
		cv_err_set(err, CV_E_NONE, "%s; nothing to do", res.message);
	else if (res.message[0] != '\0')
		cv_err_set(err, CV_E_NONE, "%s", res.message);
	return 0;
}
