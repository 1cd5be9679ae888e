/* Host platform ids from /etc/os-release. Pure. */
#include "core/platform.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Copies the value of KEY= from os-release text, unquoted. */
static int
os_release_value(const char *text, const char *key, char *out, size_t len)
{
	size_t		 klen = strlen(key), n = 0;
	const char	*p = text;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, klen) == 0 && p[klen] == '=') {
			p += klen + 1;
			if (*p == '"' || *p == '\'')
				p++;
			while (*p != '\0' && *p != '\n' && *p != '"' &&
			    *p != '\'' && n + 1 < len)
				out[n++] = *p++;
			out[n] = '\0';
			return n > 0 ? 0 : -1;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
	return -1;
}

/* "<ID>-<VERSION_ID>", lower case; -1 when ID is missing. */
int
platform_from_os_release(const char *text, char *id, size_t len)
{
	char	os[64], ver[64];
	size_t	i;

	if (os_release_value(text, "ID", os, sizeof os) == -1)
		return -1;
	if (os_release_value(text, "VERSION_ID", ver, sizeof ver) == -1)
		snprintf(id, len, "%s", os);
	else
		snprintf(id, len, "%s-%s", os, ver);
	for (i = 0; id[i] != '\0'; i++)
		id[i] = (char)tolower((unsigned char)id[i]);
	return 0;
}
