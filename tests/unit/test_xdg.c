/* XDG state directory: core/xdg.c. The path is fixed at the first call, so
 * the environment is set once, before it: a relative XDG_STATE_HOME (which
 * the specification says to ignore) and a HOME in a fresh directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/xdg.h"
#include "scratch.h"

static char	home[256];

static int
setup(void **state)
{
	(void)state;
	if (scratch_make(home, sizeof home, "xdg") == -1)
		return -1;
	setenv("HOME", home, 1);
	setenv("XDG_STATE_HOME", "relative/state", 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return scratch_remove(home);
}

static mode_t
mode_of(const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1)
		return 0;
	return st.st_mode & 07777;
}

static void
relative_xdg_state_home_falls_back_to_home(void **state)
{
	const char	*dir = xdg_state_dir();
	char		 want[300];

	(void)state;
	snprintf(want, sizeof want, "%s/.local/state/crossvisor", home);
	assert_non_null(dir);
	assert_string_equal(dir, want);
}

static void
made_with_parents_mode_0700(void **state)
{
	char	path[300];

	(void)state;
	assert_non_null(xdg_state_dir());
	snprintf(path, sizeof path, "%s/.local", home);
	assert_int_equal(mode_of(path), 0700);
	snprintf(path, sizeof path, "%s/.local/state", home);
	assert_int_equal(mode_of(path), 0700);
	snprintf(path, sizeof path, "%s/.local/state/crossvisor", home);
	assert_int_equal(mode_of(path), 0700);
}

static void
made_again_when_removed(void **state)
{
	char	path[300];

	(void)state;
	snprintf(path, sizeof path, "%s/.local/state/crossvisor", home);
	assert_int_equal(rmdir(path), 0);
	assert_non_null(xdg_state_dir());
	assert_int_equal(mode_of(path), 0700);
}

static void
path_fixed_for_the_process(void **state)
{
	char	want[300];

	(void)state;
	snprintf(want, sizeof want, "%s/.local/state/crossvisor", home);
	setenv("XDG_STATE_HOME", "/nonexistent-elsewhere", 1);
	assert_string_equal(xdg_state_dir(), want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(relative_xdg_state_home_falls_back_to_home),
		cmocka_unit_test(made_with_parents_mode_0700),
		cmocka_unit_test(made_again_when_removed),
		cmocka_unit_test(path_fixed_for_the_process),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
