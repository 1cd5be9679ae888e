/* Where crossvisor's own files are. Any thread. */
#include "core/datapath.h"

#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xmalloc.h"

#ifndef CV_BINDIR
#define CV_BINDIR "/usr/local/bin"
#endif

static bool
file_exists(const char *path)
{
	return access(path, R_OK) == 0;
}

/* A file of crossvisor's: beside the binary in a build tree (rel); else
 * where make install put it (installed), also when the whole tree was
 * installed under a staging root (make install DESTDIR=...) or moved: a
 * binary in ROOT/usr/bin finds ROOT/usr/share/crossvisor. */
char *
data_path(const char *rel, const char *installed)
{
	char	exe[PATH_MAX], *slash, *path;
	size_t	elen, blen = strlen(CV_BINDIR);
	ssize_t	n;

	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			xasprintf(&path, "%s/%s", exe, rel);
			if (file_exists(path))
				return path;
			free(path);
			elen = strlen(exe);
			if (elen > blen &&
			    strcmp(exe + elen - blen, CV_BINDIR) == 0) {
				exe[elen - blen] = '\0';
				xasprintf(&path, "%s%s", exe, installed);
				if (file_exists(path))
					return path;
				free(path);
			}
		}
	}
	return xstrdup(installed);
}

