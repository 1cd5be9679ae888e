/* crossvisor's own SSH sessions with libssh. Runs on a poller thread, or
 * for one command on a thread of its own. */
#include "backends/sshx.h"

#include <libssh/libssh.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/hostkey.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/xmalloc.h"

void
sshx_init(void)
{
	ssh_init();
}

static char *
server_fingerprint(ssh_session s)
{
	ssh_key		 key = NULL;
	unsigned char	*hash = NULL;
	size_t		 hlen;
	char		*fp = NULL;

	if (ssh_get_server_publickey(s, &key) != SSH_OK)
		return NULL;
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) == 0) {
		fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash,
		    hlen);
		ssh_clean_pubkey_hash(&hash);
	}
	ssh_key_free(key);
	return fp;
}

static char *
key_fingerprint(ssh_key key)
{
	unsigned char	*hash = NULL;
	size_t		 hlen;
	char		*fp = NULL;

	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) == 0) {
		fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash,
		    hlen);
		ssh_clean_pubkey_hash(&hash);
	}
	return fp;
}

/* The fingerprint that known_hosts pins for name (the first key of the
 * server key's type, else the first key), so that a changed key is
 * reported with both; NULL when none can be read. libssh gives the entry
 * only when it matches, so the file is read here. */
static char *
known_fingerprint(ssh_session s, const char *name)
{
	struct ssh_knownhosts_entry	*e;
	enum ssh_keytypes_e		 want = SSH_KEYTYPE_UNKNOWN;
	ssh_key				 key = NULL;
	char				*path = NULL, *full, *line = NULL;
	char				*fp = NULL, *first = NULL;
	const char			*home;
	size_t				 cap = 0;
	ssize_t				 n;
	FILE				*f;

	if (ssh_options_get(s, SSH_OPTIONS_KNOWNHOSTS, &path) != SSH_OK)
		return NULL;
	if (strncmp(path, "~/", 2) == 0 && (home = getenv("HOME")) != NULL)
		xasprintf(&full, "%s%s", home, path + 1);
	else
		full = xstrdup(path);
	ssh_string_free_char(path);
	if (ssh_get_server_publickey(s, &key) == SSH_OK) {
		want = ssh_key_type(key);
		ssh_key_free(key);
	}
	f = fopen(full, "r");
	free(full);
	if (f == NULL)
		return NULL;
	while (fp == NULL && (n = getline(&line, &cap, f)) != -1) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		e = NULL;
		if (n == 0 || line[0] == '#' ||
		    ssh_known_hosts_parse_line(name, line, &e) != SSH_OK ||
		    e == NULL || e->publickey == NULL) {
			ssh_knownhosts_entry_free(e);
			continue;
		}
		if (ssh_key_type(e->publickey) == want)
			fp = key_fingerprint(e->publickey);
		else if (first == NULL)
			first = key_fingerprint(e->publickey);
		ssh_knownhosts_entry_free(e);
	}
	free(line);
	fclose(f);
	if (fp == NULL)
		return first;
	ssh_string_free_char(first);
	return fp;
}

/* The name known_hosts files use (host, or [host]:port off port 22), and
 * the ssh-keyscan arguments that fetch its key. */
static void
known_name(const struct sshx_target *t, ssh_session s, char *buf, size_t len,
    char *scan, size_t scanlen)
{
	unsigned int	port = 22;
	char		*host = NULL;

	ssh_options_get_port(s, &port);
	if (ssh_options_get(s, SSH_OPTIONS_HOST, &host) != SSH_OK)
		host = NULL;
	hostkey_name(host ? host : t->host, (int)port, buf, len, scan, scanlen);
	ssh_string_free_char(host);
}

/* Refuses any host key that known_hosts does not vouch for, saying which
 * key was offered and how to trust it. */
static int
verify_host(const struct sshx_target *t, ssh_session s, struct cv_err *err)
{
	enum ssh_known_hosts_e	 st = ssh_session_is_known_server(s);
	char			*fp, *old;
	char			 name[300], keyscan[320], line[sizeof err->msg];
	char			 note[128];
	const char		*kh = t->known_hosts ? t->known_hosts :
				    "~/.ssh/known_hosts";
	int			 rc = -1;

	if (st == SSH_KNOWN_HOSTS_OK)
		return 0;
	fp = server_fingerprint(s);
	known_name(t, s, name, sizeof name, keyscan, sizeof keyscan);
	switch (st) {
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		old = known_fingerprint(s, name);
		snprintf(note, sizeof note, "known_hosts: %s", old ? old : "?");
		hostkey_changed(line, sizeof line, name, fp ? fp : "?", note,
		    kh);
		cv_err_set(err, CV_E_HOSTKEY, "%s", line);
		ssh_string_free_char(old);
		break;
	case SSH_KNOWN_HOSTS_NOT_FOUND:
	case SSH_KNOWN_HOSTS_UNKNOWN:
		hostkey_unknown(line, sizeof line, name, fp ? fp : "?", keyscan,
		    kh);
		cv_err_set(err, CV_E_HOSTKEY, "%s", line);
		break;
	default:
		cv_err_set(err, CV_E_HOSTKEY, "cannot check the host key of "
		    "%s: %s", name, ssh_get_error(s));
		break;
	}
	ssh_string_free_char(fp);
	return rc;
}

static int
authenticate(const struct sshx_target *t, ssh_session s, struct cv_err *err)
{
	ssh_key	key = NULL;
	int	rc;

	if (t->password != NULL) {
		rc = ssh_userauth_password(s, NULL, t->password);
		if (rc == SSH_AUTH_SUCCESS)
			return 0;
	}
	if (t->identity != NULL) {
		if (ssh_pki_import_privkey_file(t->identity, NULL, NULL, NULL,
		    &key) != SSH_OK)
			return cv_err_set(err, CV_E_AUTH, "cannot read the "
			    "identity file %s", t->identity);
		rc = ssh_userauth_publickey(s, NULL, key);
		ssh_key_free(key);
	} else
		rc = ssh_userauth_publickey_auto(s, NULL, NULL);
	if (rc != SSH_AUTH_SUCCESS)
		return cv_err_set(err, CV_E_AUTH, "authentication refused "
		    "(tried %s%s): %s", t->password ? "the password, then " :
		    "", t->identity ? t->identity :
		    "ssh-agent and default keys", ssh_get_error(s));
	return 0;
}

/* Connects, verifies the host key and authenticates, within the target's
 * timeout; the session is the caller's to free with sshx_close. */
int
sshx_connect(const struct sshx_target *t, ssh_session *out,
    struct cv_err *err)
{
	ssh_session	s = ssh_new();
	long		timeout = (long)(t->timeout_s + 0.999);
	int		zero = 0;

	if (s == NULL)
		return cv_err_set(err, CV_E_FAILED, "ssh_new failed");
	ssh_options_set(s, SSH_OPTIONS_LOG_VERBOSITY, &zero);
	ssh_options_set(s, SSH_OPTIONS_HOST, t->host);
	ssh_options_parse_config(s, NULL);
	if (t->port > 0)
		ssh_options_set(s, SSH_OPTIONS_PORT, &t->port);
	if (t->user != NULL)
		ssh_options_set(s, SSH_OPTIONS_USER, t->user);
	if (t->known_hosts != NULL)
		ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, t->known_hosts);
	ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
	if (ssh_connect(s) != SSH_OK) {
		cv_err_set(err, CV_E_CONNECT, "ssh to %s: %s", t->host,
		    ssh_get_error(s));
		goto fail;
	}
	if (verify_host(t, s, err) == -1 || authenticate(t, s, err) == -1)
		goto fail;
	/* Later reads have deadlines of their own. */
	*out = s;
	return 0;
fail:
	ssh_disconnect(s);
	ssh_free(s);
	return -1;
}

/* Reads a channel to EOF within the deadline and at most max bytes of
 * stdout, and of stderr, which is read and dropped: libssh keeps what
 * stderr brings beside every stdout read, so a host writing there without
 * end would otherwise grow this process. */
static int
read_all(ssh_channel ch, uint64_t deadline, size_t max, char **out,
    size_t *outlen, struct cv_err *err)
{
	char	*buf = xmalloc(4096), junk[4096];
	size_t	 cap = 4096, len = 0, errlen = 0;
	int	 n, m;

	for (;;) {
		int64_t left = (int64_t)deadline - (int64_t)clock_mono_ms();

		if (left <= 0) {
			free(buf);
			return cv_err_set(err, CV_E_TIMEOUT, "no complete "
			    "answer in time");
		}
		if (len + 1 >= cap) {
			cap *= 2;
			buf = xreallocarray(buf, cap, 1);
		}
		n = ssh_channel_read_timeout(ch, buf + len, (uint32_t)(cap -
		    len - 1), 0, (int)(left < 1000 ? left : 1000));
		if (n == SSH_ERROR) {
			free(buf);
			return cv_err_set(err, CV_E_CONNECT, "ssh read failed");
		}
		while (errlen <= max && (m = ssh_channel_read_nonblocking(ch,
		    junk, sizeof junk, 1)) > 0)
			errlen += (size_t)m;
		if (errlen > max) {
			free(buf);
			return cv_err_set(err, CV_E_PROTOCOL, "error output "
			    "larger than %zu bytes; cut off", max);
		}
		if (n == 0 && ssh_channel_is_eof(ch))
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return cv_err_set(err, CV_E_PROTOCOL, "answer larger "
			    "than %zu bytes; cut off", max);
		}
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

/* One command's call: what sshx_run was given, and its result. */
struct run_call {
	const struct sshx_target *t;
	const char	*cmd;
	size_t		 max;
	char		*out;
	size_t		 outlen;
	int		 status;
	struct cv_err	*err;
	int		 rc;
};

static void *
run_session(void *arg)
{
	struct run_call		*c = arg;
	const struct sshx_target *t = c->t;
	uint64_t		 deadline = clock_mono_ms() +
				    (uint64_t)(t->timeout_s * 1000);
	ssh_session		 s = NULL;
	ssh_channel		 ch = NULL;

	c->rc = -1;
	if (sshx_connect(t, &s, c->err) == -1)
		return NULL;
	if ((ch = ssh_channel_new(s)) == NULL ||
	    ssh_channel_open_session(ch) != SSH_OK ||
	    ssh_channel_request_exec(ch, c->cmd) != SSH_OK) {
		cv_err_set(c->err, CV_E_PROTOCOL, "ssh exec on %s: %s",
		    t->host, ssh_get_error(s));
		goto out;
	}
	if (read_all(ch, deadline, c->max, &c->out, &c->outlen,
	    c->err) == -1)
		goto out;
	ssh_channel_send_eof(ch);
	c->status = ssh_channel_get_exit_status(ch);
	c->rc = 0;
out:
	if (ch != NULL) {
		ssh_channel_close(ch);
		ssh_channel_free(ch);
	}
	sshx_close(s);
	return NULL;
}

/*
 * Runs cmd on the target and returns its standard output (NUL-terminated,
 * at most max bytes) and exit status. The session runs on a thread of its
 * own that ends with it: OpenSSL keeps a thread's random generators and
 * error state until the thread ends, and a poller that reads one file at
 * its connect would keep them for good (about 5 KB a host; 1 MB of RSS at
 * 100 hosts).
 */
int
sshx_run(const struct sshx_target *t, const char *cmd, size_t max,
    char **out, size_t *outlen, int *status, struct cv_err *err)
{
	struct run_call	c = { .t = t, .cmd = cmd, .max = max, .err = err };
	pthread_t	th;

	if (pthread_create(&th, NULL, run_session, &c) == 0)
		pthread_join(th, NULL);
	else
		run_session(&c);
	*out = c.out;
	*outlen = c.outlen;
	*status = c.status;
	return c.rc;
}

void
sshx_close(ssh_session s)
{
	if (s == NULL)
		return;
	ssh_disconnect(s);
	ssh_free(s);
}
