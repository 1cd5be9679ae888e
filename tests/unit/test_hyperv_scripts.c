/* The embedded PowerShell scripts: each is the .ps1 file byte for byte, the
 * simulator's hash list (backends/ps/scripts.fnv) names every one of them,
 * and the exec line stays far below cmd.exe's limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "backends/hyperv_scripts.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;

	assert_non_null(f);
	buf = malloc(1 << 20);
	*len = fread(buf, 1, (1 << 20) - 1, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void
embedded_equals_files(void **state)
{
	const struct hv_script	*s;
	char			 path[256], *file;
	size_t			 len;
	int			 n = 0;

	(void)state;
	for (s = hv_scripts; s->name != NULL; s++, n++) {
		snprintf(path, sizeof path, "backends/ps/%s.ps1", s->name);
		file = slurp(path, &len);
		assert_int_equal(strlen(s->text), len);
		assert_memory_equal(s->text, file, len);
		free(file);
	}
	assert_true(n >= 4);
	assert_non_null(hv_script_text("bootstrap"));
	assert_non_null(hv_script_text("session"));
	assert_non_null(hv_script_text("poll"));
	assert_non_null(hv_script_text("action"));
	assert_null(hv_script_text("nope"));
}

static void
hash_list_matches(void **state)
{
	const struct hv_script	*s;
	char			*list, want[128];
	size_t			 len;
	int			 bad = 0;

	(void)state;
	list = slurp("backends/ps/scripts.fnv", &len);
	for (s = hv_scripts; s->name != NULL; s++) {
		snprintf(want, sizeof want, "%016llx %s\n", (unsigned long long)
		    hv_script_hash(s->text, strlen(s->text)), s->name);
		if (strstr(list, want) == NULL) {
			fprintf(stderr, "backends/ps/scripts.fnv lacks: %s", want);
			bad++;
		}
	}
	free(list);
	assert_int_equal(bad, 0);
}

/* cmd.exe refuses 8191 characters and some Windows OpenSSH builds cut exec
 * lines near 1.3 KB: base64 of the UTF-16LE bootstrap must stay small. */
static void
bootstrap_is_short(void **state)
{
	size_t	n = strlen(hv_script_text("bootstrap"));

	(void)state;
	assert_true((n * 2 + 2) / 3 * 4 + 90 < 1000);
	assert_null(strchr(hv_script_text("bootstrap"), '\t'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(embedded_equals_files),
		cmocka_unit_test(hash_list_matches),
		cmocka_unit_test(bootstrap_is_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
