/* Host platform ids ("rhel-9.4", "debian-12") from /etc/os-release. Pure. */
#ifndef CV_CORE_PLATFORM_H
#define CV_CORE_PLATFORM_H

#include <stddef.h>

int	platform_from_os_release(const char *text, char *id, size_t len);
int	platform_from_windows(const char *caption, const char *build,
	    int product_type, char *id, size_t len);

#endif
