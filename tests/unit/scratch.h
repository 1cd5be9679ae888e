/* A scratch directory for a unit test: under $TMPDIR when that is an
 * absolute path, else /tmp; removed with all it holds. */
#ifndef CV_TESTS_UNIT_SCRATCH_H
#define CV_TESTS_UNIT_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

/* Makes cv-test-NAME.XXXXXX, its path in dir; 0, or -1. */
static inline int
scratch_make(char *dir, size_t len, const char *name)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, len, "%s/cv-test-%s.XXXXXX",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp", name);
	return mkdtemp(dir) != NULL ? 0 : -1;
}

/* By its full path: a test may have changed PATH. */
static inline int
scratch_remove(const char *dir)
{
	char	cmd[600];

	snprintf(cmd, sizeof cmd, "/bin/rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

#endif
