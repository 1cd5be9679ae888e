/* Guest OS names from libosinfo ids. Pure. */
#ifndef CV_CORE_OSINFO_H
#define CV_CORE_OSINFO_H

#include <stddef.h>

int	osinfo_from_url(const char *url, char *short_id, size_t idlen,
	    char *name, size_t namelen);

/* What a Hyper-V guest says of itself through the KVP exchange. */
struct osinfo_kvp {
	const char	*os_name;	/* "Red Hat Enterprise Linux" */
	const char	*os_version;	/* "10.0.20348" or a kernel release */
	const char	*os_major;	/* "9" or "9.4" (VERSION_ID) */
	const char	*os_minor;
	const char	*os_build;	/* "20348" */
	const char	*product_type;	/* "1" workstation, "2"/"3" server */
};

int	osinfo_from_kvp(const struct osinfo_kvp *, char *short_id,
	    size_t idlen, char *name, size_t namelen);

/* What a KVM guest says of itself through the qemu guest agent
 * (virDomainGetGuestInfo, the os.* fields). */
struct osinfo_agent {
	const char	*id;		/* os.id: "rhel", "mswindows" */
	const char	*version_id;	/* os.version-id: "9.4", "2022" */
	const char	*name;		/* os.name */
	const char	*kernel_release; /* os.kernel-release: Windows build */
	const char	*variant_id;	/* os.variant-id: "server", "client" */
};

int	osinfo_from_agent(const struct osinfo_agent *, char *short_id,
	    size_t idlen, char *name, size_t namelen);

#endif
