/* Host platform ids from /etc/os-release. Pure. */
#include "core/platform.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Windows builds and the Server release that shipped them; client Windows
 * shares the numbers, so ProductType tells them apart. */
static const struct {
	long		 build;
	const char	*server;
} windows_builds[] = {
	{ 26100, "windows-server-2025" },
	{ 20348, "windows-server-2022" },
	{ 17763, "windows-server-2019" },
	{ 14393, "windows-server-2016" },
};

/* Win32_OperatingSystem to a platform id: the build number decides, not the
 * localized caption; Azure Stack HCI / Azure Local by its caption. */
int
platform_from_windows(const char *caption, const char *build,
    int product_type, char *id, size_t len)
{
	long	b = build != NULL ? strtol(build, NULL, 10) : 0;
	size_t	i;

	if (caption != NULL && (strstr(caption, "Azure Stack HCI") != NULL ||
	    strstr(caption, "Azure Local") != NULL)) {
		snprintf(id, len, "azure-local");
		return 0;
	}
	if (b <= 0)
		return -1;
	if (product_type == 1) {
		snprintf(id, len, "windows-%s", b >= 22000 ? "11" : "10");
		return 0;
	}
	for (i = 0; i < sizeof windows_builds / sizeof windows_builds[0]; i++)
		if (b == windows_builds[i].build) {
			snprintf(id, len, "%s", windows_builds[i].server);
			return 0;
		}
	snprintf(id, len, "windows-server-build-%ld", b);
	return 0;
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
