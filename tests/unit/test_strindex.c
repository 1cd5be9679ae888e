/* core/strindex.c: every key found at its position, absent keys and NULL
 * keys not found, rebuilds after the array changes, collisions; the pool
 * of shared strings built on it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "core/strindex.h"

static const char *
key_of(const void *base, size_t k)
{
	return ((const char *const *)base)[k];
}

static void
finds_every_key_at_its_position(void **state)
{
	static char		 buf[1000][16];
	const char		*keys[1000];
	struct strindex		 ix = { 0 };
	size_t			 k;

	(void)state;
	for (k = 0; k < 1000; k++) {
		snprintf(buf[k], sizeof buf[k], "guest-%04zu", k);
		keys[k] = buf[k];
	}
	strindex_build(&ix, keys, 1000, key_of);
	for (k = 0; k < 1000; k++)
		assert_int_equal(strindex_find(&ix, keys, key_of, buf[k]), k);
	assert_int_equal(strindex_find(&ix, keys, key_of, "guest-1000"),
	    STRINDEX_NONE);
	assert_int_equal(strindex_find(&ix, keys, key_of, ""), STRINDEX_NONE);
	assert_int_equal(strindex_find(&ix, keys, key_of, NULL),
	    STRINDEX_NONE);
	strindex_free(&ix);
}

static void
empty_and_null_keys(void **state)
{
	const char		*keys[3] = { "a", NULL, "c" };
	struct strindex		 ix = { 0 };

	(void)state;
	assert_int_equal(strindex_find(&ix, keys, key_of, "a"), STRINDEX_NONE);
	strindex_build(&ix, keys, 0, key_of);
	assert_int_equal(strindex_find(&ix, keys, key_of, "a"), STRINDEX_NONE);
	strindex_build(&ix, keys, 3, key_of);
	assert_int_equal(strindex_find(&ix, keys, key_of, "a"), 0);
	assert_int_equal(strindex_find(&ix, keys, key_of, "c"), 2);
	strindex_free(&ix);
}

static void
rebuilt_after_the_array_changes(void **state)
{
	const char		*before[4] = { "w", "x", "y", "z" };
	const char		*after[2] = { "z", "q" };
	struct strindex		 ix = { 0 };
	size_t			 k;

	(void)state;
	strindex_build(&ix, before, 4, key_of);
	for (k = 0; k < 4; k++)
		assert_int_equal(strindex_find(&ix, before, key_of, before[k]),
		    k);
	strindex_build(&ix, after, 2, key_of);
	assert_int_equal(strindex_find(&ix, after, key_of, "z"), 0);
	assert_int_equal(strindex_find(&ix, after, key_of, "q"), 1);
	assert_int_equal(strindex_find(&ix, after, key_of, "w"), STRINDEX_NONE);
	strindex_free(&ix);
}

/* A pool gives one copy per value, that stays where it is as values are
 * added, and NULL for NULL. */
static void
pool_keeps_one_copy(void **state)
{
	struct strpool	 p = { 0 };
	const char	*rhel, *again;
	char		 buf[32];
	int		 k;

	(void)state;
	assert_null(strpool_get(&p, NULL));
	snprintf(buf, sizeof buf, "rhel9.4");
	rhel = strpool_get(&p, buf);
	assert_ptr_not_equal(rhel, buf);
	assert_string_equal(rhel, "rhel9.4");
	for (k = 0; k < 100; k++) {
		snprintf(buf, sizeof buf, "os-%d", k);
		assert_string_equal(strpool_get(&p, buf), buf);
	}
	again = strpool_get(&p, "rhel9.4");
	assert_ptr_equal(again, rhel);
	assert_ptr_equal(strpool_get(&p, "os-42"), strpool_get(&p, "os-42"));
	assert_int_equal(p.n, 101);
	strpool_free(&p);
	assert_int_equal(p.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_every_key_at_its_position),
		cmocka_unit_test(empty_and_null_keys),
		cmocka_unit_test(rebuilt_after_the_array_changes),
		cmocka_unit_test(pool_keeps_one_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
