/* Guest OS names from libosinfo ids. Pure. */
#ifndef CV_CORE_OSINFO_H
#define CV_CORE_OSINFO_H

#include <stddef.h>

int	osinfo_from_url(const char *url, char *short_id, size_t idlen,
	    char *name, size_t namelen);

#endif
