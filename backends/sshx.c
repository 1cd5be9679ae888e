/* crossvisor's own SSH sessions with libssh. Runs on a poller thread. */
#include "backends/sshx.h"

#include <libssh/libssh.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/hostkey.h"
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

void
sshx_close(ssh_session s)
{
	if (s == NULL)
		return;
	ssh_disconnect(s);
	ssh_free(s);
}
