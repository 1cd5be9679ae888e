/* Guest OS names from libosinfo ids ("http://redhat.com/rhel/9.2"). Pure. */
#include "core/osinfo.h"

#include <stdio.h>
#include <string.h>

#include "core/xmalloc.h"

static const struct {
	const char	*prefix;	/* the id up to the version */
	const char	*short_id;	/* libosinfo short-id stem */
	const char	*name;
} os_families[] = {
	{ "redhat.com/rhel/",		"rhel",		"Red Hat Enterprise Linux" },
	{ "centos.org/centos-stream/",	"centos-stream", "CentOS Stream" },
	{ "centos.org/centos/",		"centos",	"CentOS" },
	{ "fedoraproject.org/fedora/",	"fedora",	"Fedora" },
	{ "rockylinux.org/rocky/",	"rocky",	"Rocky Linux" },
	{ "almalinux.org/almalinux/",	"almalinux",	"AlmaLinux" },
	{ "oracle.com/ol/",		"ol",		"Oracle Linux" },
	{ "ubuntu.com/ubuntu/",		"ubuntu",	"Ubuntu" },
	{ "debian.org/debian/",		"debian",	"Debian" },
	{ "suse.com/sles/",		"sles",		"SUSE Linux Enterprise Server" },
	{ "suse.com/sle/",		"sle",		"SUSE Linux Enterprise" },
	{ "opensuse.org/opensuse/",	"opensuse",	"openSUSE" },
	{ "microsoft.com/win/",		"win",		NULL },
};

static const struct {
	const char	*ver;
	const char	*name;
} windows_versions[] = {
	{ "2k25", "Windows Server 2025" },
	{ "2k22", "Windows Server 2022" },
	{ "2k19", "Windows Server 2019" },
	{ "2k16", "Windows Server 2016" },
	{ "2k12r2", "Windows Server 2012 R2" },
	{ "2k12", "Windows Server 2012" },
	{ "11", "Windows 11" },
	{ "10", "Windows 10" },
};

static const char *
windows_name(const char *ver)
{
	size_t	i;

	for (i = 0; i < sizeof windows_versions / sizeof windows_versions[0];
	    i++)
		if (strcmp(windows_versions[i].ver, ver) == 0)
			return windows_versions[i].name;
	return NULL;
}

/* Turns a libosinfo id into a short id ("rhel9.2", "win2k22") and a human
 * name. Returns -1, leaving both empty, when the family is unknown. */
int
osinfo_from_url(const char *url, char *short_id, size_t idlen, char *name,
    size_t namelen)
{
	const char	*p, *ver, *wname;
	size_t		 i, plen;

	short_id[0] = name[0] = '\0';
	if ((p = strstr(url, "://")) != NULL)
		p += 3;
	else
		p = url;
	for (i = 0; i < sizeof os_families / sizeof os_families[0]; i++) {
		plen = strlen(os_families[i].prefix);
		if (strncmp(p, os_families[i].prefix, plen) != 0)
			continue;
		ver = p + plen;
		if (*ver == '\0' || strchr(ver, '/') != NULL)
			return -1;
		snprintf(short_id, idlen, "%s%s", os_families[i].short_id,
		    ver);
		if (os_families[i].name != NULL)
			snprintf(name, namelen, "%s %s", os_families[i].name,
			    ver);
		else if ((wname = windows_name(ver)) != NULL)
			strlcpy_cv(name, wname, namelen);
		else
			snprintf(name, namelen, "Windows %s", ver);
		return 0;
	}
	return -1;
}
