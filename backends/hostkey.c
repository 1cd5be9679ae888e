/* The words of a refused host key (see hostkey.h). Pure. */
#include "backends/hostkey.h"

#include <stdio.h>

void
hostkey_name(const char *host, int port, char *name, size_t namelen,
    char *scan, size_t scanlen)
{
	if (port <= 0 || port == 22) {
		snprintf(name, namelen, "%s", host);
		snprintf(scan, scanlen, "%s", host);
	} else {
		snprintf(name, namelen, "[%s]:%d", host, port);
		snprintf(scan, scanlen, "-p %d %s", port, host);
	}
}

/* Short: the advice must fit in an error line. */
void
hostkey_changed(char *out, size_t outlen, const char *name, const char *fp,
    const char *note, const char *file)
{
	snprintf(out, outlen, "host key of %s CHANGED to %s (%s); refused. If "
	    "expected: ssh-keygen -R '%s' -f %s, then trust the new key", name,
	    fp, note, name, file);
}

void
hostkey_unknown(char *out, size_t outlen, const char *name,
    const char *note, const char *scan, const char *file)
{
	snprintf(out, outlen, "unknown host key of %s (%s); refused. To trust "
	    "it, check the fingerprint, then: ssh-keyscan %s >> %s", name, note,
	    scan, file);
}
