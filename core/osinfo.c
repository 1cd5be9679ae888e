/* Guest OS names from libosinfo ids ("http://redhat.com/rhel/9.2"). Pure. */
#include "core/osinfo.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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

/* Linux distributions by the NAME their os-release gives. */
static const struct {
	const char	*kvp_name;
	const char	*short_id;
	const char	*name;
} kvp_families[] = {
	{ "Red Hat Enterprise Linux",	"rhel",		"Red Hat Enterprise Linux" },
	{ "CentOS Stream",		"centos-stream", "CentOS Stream" },
	{ "CentOS Linux",		"centos",	"CentOS" },
	{ "Fedora Linux",		"fedora",	"Fedora" },
	{ "Fedora",			"fedora",	"Fedora" },
	{ "Rocky Linux",		"rocky",	"Rocky Linux" },
	{ "AlmaLinux",			"almalinux",	"AlmaLinux" },
	{ "Oracle Linux Server",	"ol",		"Oracle Linux" },
	{ "Oracle Linux",		"ol",		"Oracle Linux" },
	{ "Ubuntu",			"ubuntu",	"Ubuntu" },
	{ "Debian GNU/Linux",		"debian",	"Debian" },
	{ "SLES",			"sles",		"SUSE Linux Enterprise Server" },
	{ "SUSE Linux Enterprise Server", "sles",	"SUSE Linux Enterprise Server" },
};

static const struct {
	long		 build;
	const char	*ver;		/* windows_versions key */
} windows_server_builds[] = {
	{ 26100, "2k25" },
	{ 20348, "2k22" },
	{ 17763, "2k19" },
	{ 14393, "2k16" },
	{ 9600, "2k12r2" },
	{ 9200, "2k12" },
};

static long
windows_build(const struct osinfo_kvp *k)
{
	const char	*p;

	if (k->os_build != NULL && *k->os_build != '\0')
		return strtol(k->os_build, NULL, 10);
	/* OSVersion "10.0.20348": the build is the third part. */
	if (k->os_version != NULL && (p = strchr(k->os_version, '.')) != NULL &&
	    (p = strchr(p + 1, '.')) != NULL)
		return strtol(p + 1, NULL, 10);
	return 0;
}

/* A Windows guest is named by its build number, which does not lie: a
 * Windows 11 guest whose product name still says Windows 10 is 11. */
static int
windows_from_kvp(const struct osinfo_kvp *k, char *id, size_t idlen,
    char *name, size_t namelen)
{
	long	 b = windows_build(k);
	bool	 server;
	size_t	 i;

	server = (k->product_type != NULL && (strcmp(k->product_type, "2") == 0 ||
	    strcmp(k->product_type, "3") == 0)) ||
	    strstr(k->os_name, "Server") != NULL;
	if (!server && b > 0) {
		const char *ver = b >= 22000 ? "11" : "10";

		snprintf(id, idlen, "win%s", ver);
		strlcpy_cv(name, windows_name(ver), namelen);
		return 0;
	}
	for (i = 0; server && i < sizeof windows_server_builds /
	    sizeof windows_server_builds[0]; i++)
		if (b == windows_server_builds[i].build) {
			snprintf(id, idlen, "win%s", windows_server_builds[i].ver);
			strlcpy_cv(name, windows_name(windows_server_builds[i].ver),
			    namelen);
			return 0;
		}
	strlcpy_cv(name, k->os_name, namelen);
	return 1;
}

/* Turns KVP items into a short id and a name as osinfo_from_url does.
 * Returns 0 when identified, 1 when only a name is known, -1 for nothing. */
int
osinfo_from_kvp(const struct osinfo_kvp *k, char *id, size_t idlen,
    char *name, size_t namelen)
{
	char	ver[48];
	size_t	i;

	id[0] = name[0] = '\0';
	if (k->os_name == NULL || *k->os_name == '\0')
		return -1;
	if (strstr(k->os_name, "Windows") != NULL)
		return windows_from_kvp(k, id, idlen, name, namelen);
	ver[0] = '\0';
	if (k->os_major != NULL && *k->os_major != '\0') {
		if (strchr(k->os_major, '.') == NULL && k->os_minor != NULL &&
		    *k->os_minor != '\0')
			snprintf(ver, sizeof ver, "%s.%s", k->os_major,
			    k->os_minor);
		else
			snprintf(ver, sizeof ver, "%s", k->os_major);
	}
	for (i = 0; i < sizeof kvp_families / sizeof kvp_families[0]; i++) {
		if (strcmp(k->os_name, kvp_families[i].kvp_name) != 0)
			continue;
		if (ver[0] == '\0') {
			strlcpy_cv(name, kvp_families[i].name, namelen);
			return 1;
		}
		snprintf(id, idlen, "%s%s", kvp_families[i].short_id, ver);
		snprintf(name, namelen, "%s %s", kvp_families[i].name, ver);
		return 0;
	}
	snprintf(name, namelen, "%s%s%s", k->os_name, ver[0] ? " " : "", ver);
	return 1;
}

/* os-release IDs, as the guest agent reports them. */
static const struct {
	const char	*id;
	const char	*short_id;
	const char	*name;
} agent_families[] = {
	{ "rhel",		"rhel",		"Red Hat Enterprise Linux" },
	{ "centos",		"centos-stream", "CentOS Stream" },
	{ "fedora",		"fedora",	"Fedora" },
	{ "rocky",		"rocky",	"Rocky Linux" },
	{ "almalinux",		"almalinux",	"AlmaLinux" },
	{ "ol",			"ol",		"Oracle Linux" },
	{ "ubuntu",		"ubuntu",	"Ubuntu" },
	{ "debian",		"debian",	"Debian" },
	{ "sles",		"sles",		"SUSE Linux Enterprise Server" },
	{ "opensuse-leap",	"opensuse",	"openSUSE Leap" },
};

/* Like osinfo_from_kvp: a Windows guest by its build number (the kernel
 * release), a Linux guest by its os-release ID and VERSION_ID. */
int
osinfo_from_agent(const struct osinfo_agent *a, char *id, size_t idlen,
    char *name, size_t namelen)
{
	struct osinfo_kvp	k;
	size_t			i;

	id[0] = name[0] = '\0';
	if (a->id == NULL || *a->id == '\0')
		return -1;
	if (strcmp(a->id, "mswindows") == 0) {
		memset(&k, 0, sizeof k);
		k.os_name = a->name != NULL && *a->name != '\0' ? a->name :
		    "Windows";
		k.os_build = a->kernel_release;
		k.product_type = a->variant_id != NULL &&
		    strcmp(a->variant_id, "server") == 0 ? "3" : "1";
		return windows_from_kvp(&k, id, idlen, name, namelen);
	}
	for (i = 0; i < sizeof agent_families / sizeof agent_families[0];
	    i++) {
		if (strcmp(a->id, agent_families[i].id) != 0)
			continue;
		if (a->version_id == NULL || *a->version_id == '\0') {
			strlcpy_cv(name, agent_families[i].name, namelen);
			return 1;
		}
		snprintf(id, idlen, "%s%s", agent_families[i].short_id,
		    a->version_id);
		snprintf(name, namelen, "%s %s", agent_families[i].name,
		    a->version_id);
		return 0;
	}
	snprintf(name, namelen, "%s%s%s", a->name != NULL && *a->name ?
	    a->name : a->id, a->version_id != NULL && *a->version_id ? " " :
	    "", a->version_id != NULL ? a->version_id : "");
	return 1;
}
