/* Host key refusals from OpenSSH's client (see kvm_ssherr.h). Pure. */
#include "backends/kvm_ssherr.h"

#include <stdio.h>
#include <string.h>

#include "backends/kvm_uri.h"

#define NAME_MAX_CV	300
#define PATH_MAX_CV	512

/* Copies the text of MSG between BEFORE and AFTER (both found, in that
 * order, on one line) into OUT. */
static bool
between(const char *msg, const char *before, const char *after, char *out,
    size_t outlen)
{
	const char	*p, *q;
	size_t		 n;

	if ((p = strstr(msg, before)) == NULL)
		return false;
	p += strlen(before);
	if ((q = strstr(p, after)) == NULL || memchr(p, '\n', (size_t)(q - p)))
		return false;
	n = (size_t)(q - p);
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* "SHA256:..." after OpenSSH's "sent by the remote host is", without the
 * full stop that ends its sentence. */
static bool
offered_fingerprint(const char *msg, char *out, size_t outlen)
{
	const char	*p;
	size_t		 n;

	if ((p = strstr(msg, "sent by the remote host is")) == NULL)
		return false;
	p += strlen("sent by the remote host is");
	p += strspn(p, " \r\n");
	n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=:");
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
}

/* "Offending ED25519 key in FILE:LINE": the file that holds the old key. */
static bool
offending_file(const char *msg, char *out, size_t outlen)
{
	const char	*p, *q, *end;
	size_t		 n;

	if ((p = strstr(msg, "Offending ")) == NULL ||
	    (p = strstr(p, " key in ")) == NULL)
		return false;
	p += strlen(" key in ");
	end = p + strcspn(p, "\r\n");
	for (q = end; q > p && q[-1] != ':'; q--)
		;
	if (q == p || strspn(q, "0123456789") != (size_t)(end - q))
		return false;
	n = (size_t)(q - 1 - p);
	if (n == 0 || n >= outlen)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return true;
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
