/* libvirt URI parts. Pure. */
#include "backends/kvm_uri.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

static void
copy_span(char *dst, size_t len, const char *s, size_t n)
{
	if (n >= len)
		n = len - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Copies a query value, undoing %XX escapes. */
static void
copy_decoded(char *dst, size_t len, const char *s, size_t n)
{
	size_t	i, o = 0;

	for (i = 0; i < n && o + 1 < len; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			dst[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else
			dst[o++] = s[i];
	}
	dst[o] = '\0';
}

static void
parse_query(const char *q, struct kvm_uri *u)
{
	const char	*p = q, *amp, *eq;
	size_t		 klen, vlen;

	while (*p != '\0') {
		amp = strchr(p, '&');
		vlen = amp ? (size_t)(amp - p) : strlen(p);
		eq = memchr(p, '=', vlen);
		klen = eq ? (size_t)(eq - p) : vlen;
		if (eq != NULL) {
			const char *v = eq + 1;
			size_t n = vlen - klen - 1;

			if (klen == 7 && strncmp(p, "keyfile", 7) == 0)
				copy_decoded(u->keyfile, sizeof u->keyfile,
				    v, n);
			else if (klen == 11 &&
			    strncmp(p, "known_hosts", 11) == 0)
				copy_decoded(u->known_hosts,
				    sizeof u->known_hosts, v, n);
			else if (klen == 6 && strncmp(p, "no_tty", 6) == 0)
				u->no_tty = n > 0 && v[0] != '0';
		}
		p += vlen;
		if (*p == '&')
			p++;
	}
}

/* Splits driver[+transport]://[user@]host[:port]/path[?query]. */
int
kvm_uri_parse(const char *uri, struct kvm_uri *u)
{
	const char	*sep, *plus, *auth, *slash, *at, *colon, *q;

	memset(u, 0, sizeof *u);
	if ((sep = strstr(uri, "://")) == NULL)
		return -1;
	plus = memchr(uri, '+', (size_t)(sep - uri));
	copy_span(u->driver, sizeof u->driver, uri,
	    (size_t)((plus ? plus : sep) - uri));
	if (plus != NULL)
		copy_span(u->transport, sizeof u->transport, plus + 1,
		    (size_t)(sep - plus - 1));
	auth = sep + 3;
	slash = auth + strcspn(auth, "/?");
	at = memchr(auth, '@', (size_t)(slash - auth));
	if (at != NULL) {
		copy_span(u->user, sizeof u->user, auth, (size_t)(at - auth));
		auth = at + 1;
	}
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', (size_t)(slash - auth));

		if (rb == NULL)
			return -1;
		copy_span(u->host, sizeof u->host, auth + 1,
		    (size_t)(rb - auth - 1));
		colon = rb + 1 < slash && rb[1] == ':' ? rb + 1 : NULL;
	} else {
		colon = memchr(auth, ':', (size_t)(slash - auth));
		copy_span(u->host, sizeof u->host, auth,
		    (size_t)((colon ? colon : slash) - auth));
	}
	if (colon != NULL)
		u->port = atoi(colon + 1);
	if ((q = strchr(slash, '?')) != NULL)
		parse_query(q + 1, u);
	return 0;
}

bool
kvm_uri_is_ssh(const struct kvm_uri *u)
{
	return u->host[0] != '\0' && (strcmp(u->transport, "ssh") == 0 ||
	    strcmp(u->transport, "libssh") == 0 ||
	    strcmp(u->transport, "libssh2") == 0);
}

/* True when libvirt runs the driver in this process (test:///...), and so
 * parses XML here; every other URI talks to a daemon and gets strings. */
bool
kvm_uri_in_process(const struct kvm_uri *u)
{
	return strcmp(u->driver, "test") == 0 && u->host[0] == '\0' &&
	    u->transport[0] == '\0';
}

/* The URI to open: over +ssh, no_tty=1 is added so ssh never prompts on the
 * terminal crossvisor draws on. Returns an allocated string. */
char *
kvm_uri_for_open(const char *uri, const struct kvm_uri *u)
{
	char	*out;

	if (strcmp(u->transport, "ssh") != 0 || u->no_tty)
		return xstrdup(uri);
	xasprintf(&out, "%s%cno_tty=1", uri, strchr(uri, '?') ? '&' : '?');
	return out;
}
