/* Host key refusals from OpenSSH's client (see kvm_ssherr.h). Pure. */
#include "backends/kvm_ssherr.h"

#include <stdio.h>
#include <string.h>

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

/* The name known_hosts files use: "[host]:port" off port 22. */
static void
uri_known_name(const struct kvm_uri *u, char *out, size_t outlen)
{
	if (u->port > 0 && u->port != 22)
		snprintf(out, outlen, "[%s]:%d", u->host, u->port);
	else
		snprintf(out, outlen, "%s", u->host);
}

/* ssh-keyscan's arguments for a known_hosts name. */
static void
keyscan_args(const char *name, char *out, size_t outlen)
{
	const char	*close;

	if (name[0] == '[' && (close = strstr(name, "]:")) != NULL)
		snprintf(out, outlen, "-p %s %.*s", close + 2,
		    (int)(close - name - 1), name + 1);
	else
		snprintf(out, outlen, "%s", name);
}

bool
kvm_ssh_hostkey_refusal(const char *msg, const struct kvm_uri *u, char *out,
    size_t outlen)
{
	char	name[NAME_MAX_CV], fp[128], file[PATH_MAX_CV];
	char	keyscan[NAME_MAX_CV + 16];
	bool	changed, unknown;

	changed = strstr(msg, "REMOTE HOST IDENTIFICATION HAS CHANGED") !=
	    NULL || strstr(msg, "has changed and you have requested strict "
	    "checking") != NULL;
	unknown = strstr(msg, "host key is known for ") != NULL;
	if (!changed && !unknown &&
	    strstr(msg, "Host key verification failed") == NULL)
		return false;

	if (!between(msg, "Host key for ", " has changed", name, sizeof name) &&
	    !between(msg, "host key is known for ", " and you have", name,
	    sizeof name))
		uri_known_name(u, name, sizeof name);
	if (!offending_file(msg, file, sizeof file))
		snprintf(file, sizeof file, "%s", u->known_hosts[0] ?
		    u->known_hosts : "~/.ssh/known_hosts");
	if (changed) {
		if (!offered_fingerprint(msg, fp, sizeof fp))
			snprintf(fp, sizeof fp, "another key");
		snprintf(out, outlen, "host key of %s CHANGED to %s (OpenSSH); "
		    "refused. If expected: ssh-keygen -R '%s' -f %s, then trust "
		    "the new key", name, fp, name, file);
	} else if (unknown) {
		keyscan_args(name, keyscan, sizeof keyscan);
		snprintf(out, outlen, "unknown host key of %s (OpenSSH); "
		    "refused. To trust it, check the fingerprint, then: "
		    "ssh-keyscan %s >> %s", name, keyscan, file);
	} else
		snprintf(out, outlen, "host key of %s not verified (OpenSSH); "
		    "refused. Check its line in %s", name, file);
	return true;
}
