/* XDG base directories: crossvisor's state directory. Any thread. */
#include "core/xdg.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static pthread_once_t	xdg_once = PTHREAD_ONCE_INIT;
static char		xdg_state[PATH_MAX];	/* "" when there is none */

/* $HOME, else the passwd entry's home (cron and sudo may leave HOME unset). */
static const char *
xdg_home(void)
{
	const char	*home = getenv("HOME");
	struct passwd	*pw;

	if (home != NULL && *home == '/')
		return home;
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_dir != NULL &&
	    *pw->pw_dir == '/')
		return pw->pw_dir;
	return NULL;
}

/* The path is fixed for the life of the process: every writer (journal,
 * fleet cache) then agrees on it even if the environment changes. */
static void
xdg_state_init(void)
{
	const char	*base = getenv("XDG_STATE_HOME"), *home;
	int		 n = -1;

	/* The specification: a relative path is invalid and is ignored. */
	if (base != NULL && *base == '/')
		n = snprintf(xdg_state, sizeof xdg_state, "%s/crossvisor",
		    base);
	else if ((home = xdg_home()) != NULL)
		n = snprintf(xdg_state, sizeof xdg_state,
		    "%s/.local/state/crossvisor", home);
	if (n < 0 || (size_t)n >= sizeof xdg_state)
		xdg_state[0] = '\0';
}

/* mkdir -p with mode 0700 for what it makes, as the specification asks. */
static int
xdg_mkdirs(const char *path)
{
	char	 buf[PATH_MAX], *p;

	if (strlen(path) >= sizeof buf) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(buf, path);
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) == -1 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	if (mkdir(buf, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

const char *
xdg_state_dir(void)
{
	pthread_once(&xdg_once, xdg_state_init);
	if (xdg_state[0] == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (xdg_mkdirs(xdg_state) == -1)
		return NULL;
	return xdg_state;
}
