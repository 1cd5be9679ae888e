/* Host key refusals from OpenSSH's client (see kvm_ssherr.h). Pure. */
#include "backends/kvm_ssherr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backends/hostkey.h"
#include "backends/kvm_uri.h"

#define NAME_MAX_CV	300
#define PATH_MAX_CV	512

/* The N bytes at P, if any and if they fit, as a string in OUT. */
static bool
take(const char *p, size_t n, char *out, size_t outlen)
{
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* Where the text after the first KEY in MSG begins, or NULL. */
static const char *
after(const char *msg, const char *key)
{
	const char	*p = strstr(msg, key);

	return p != NULL ? p + strlen(key) : NULL;
}

/* The text of MSG between BEFORE and AFTER (both found, in that order, on
 * one line). */
static bool
between(const char *msg, const char *before, const char *until, char *out,
    size_t outlen)
{
	const char	*p, *q;

	if ((p = after(msg, before)) == NULL || (q = strstr(p, until)) == NULL ||
	    memchr(p, '\n', (size_t)(q - p)) != NULL)
		return false;
	return take(p, (size_t)(q - p), out, outlen);
}

/* "SHA256:..." after OpenSSH's "sent by the remote host is", without the
 * full stop that ends its sentence. */
static bool
offered_fingerprint(const char *msg, char *out, size_t outlen)
{
	const char	*p;

	if ((p = after(msg, "sent by the remote host is")) == NULL)
		return false;
	p += strspn(p, " \r\n");
	return take(p, strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=:"), out, outlen);
}

/* "Offending ED25519 key in FILE:LINE": the file that holds the old key. */
static bool
offending_file(const char *msg, char *out, size_t outlen)
{
	const char	*p, *q, *end;

	if ((p = after(msg, "Offending ")) == NULL ||
	    (p = after(p, " key in ")) == NULL)
		return false;
	end = p + strcspn(p, "\r\n");
	for (q = end; q > p && q[-1] != ':'; q--)
		;
	if (q == p || strspn(q, "0123456789") != (size_t)(end - q))
		return false;
	return take(p, (size_t)(q - 1 - p), out, outlen);
}

/* The host and port of a known_hosts name as OpenSSH writes it, host or
 * [host]:port, into HOST and *PORT (0: the default). */
static void
split_name(const char *name, char *host, size_t hostlen, int *port)
{
	const char	*close;

	*port = 0;
	if (name[0] == '[' && (close = strstr(name, "]:")) != NULL) {
		snprintf(host, hostlen, "%.*s", (int)(close - name - 1),
		    name + 1);
		*port = atoi(close + 2);
	} else
		snprintf(host, hostlen, "%s", name);
}

bool
kvm_ssh_hostkey_refusal(const char *msg, const struct kvm_uri *u, char *out,
    size_t outlen)
{
	char	said[NAME_MAX_CV], host[NAME_MAX_CV], name[NAME_MAX_CV];
	char	keyscan[NAME_MAX_CV + 16], fp[128], file[PATH_MAX_CV];
	bool	changed, unknown;
	int	port;

	changed = strstr(msg, "REMOTE HOST IDENTIFICATION HAS CHANGED") !=
	    NULL || strstr(msg, "has changed and you have requested strict "
	    "checking") != NULL;
	unknown = strstr(msg, "host key is known for ") != NULL;
	if (!changed && !unknown &&
	    strstr(msg, "Host key verification failed") == NULL)
		return false;

	/* The name OpenSSH checked (an ssh_config alias resolved), else the
	 * URI's. */
	if (between(msg, "Host key for ", " has changed", said, sizeof said) ||
	    between(msg, "host key is known for ", " and you have", said,
	    sizeof said))
		split_name(said, host, sizeof host, &port);
	else {
		snprintf(host, sizeof host, "%s", u->host);
		port = u->port;
	}
	hostkey_name(host, port, name, sizeof name, keyscan, sizeof keyscan);
	if (!offending_file(msg, file, sizeof file))
		snprintf(file, sizeof file, "%s", u->known_hosts[0] ?
		    u->known_hosts : "~/.ssh/known_hosts");
	if (changed) {
		if (!offered_fingerprint(msg, fp, sizeof fp))
			snprintf(fp, sizeof fp, "another key");
		hostkey_changed(out, outlen, name, fp, "OpenSSH", file);
	} else if (unknown)
		hostkey_unknown(out, outlen, name, "OpenSSH", keyscan, file);
	else
		snprintf(out, outlen, "host key of %s not verified (OpenSSH); "
		    "refused. Check its line in %s", name, file);
	return true;
}
