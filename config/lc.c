/* Small helpers over libconfig shared by the config loaders. Main thread. */
#include "config/lc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* A setting's type as an error message names it: "a string". */
const char *
lc_typename(const config_setting_t *s)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		return "an integer";
	case CONFIG_TYPE_FLOAT:
		return "a number";
	case CONFIG_TYPE_STRING:
		return "a string";
	case CONFIG_TYPE_BOOL:
		return "a boolean";
	case CONFIG_TYPE_GROUP:
		return "a group { }";
	case CONFIG_TYPE_ARRAY:
		return "an array [ ]";
	case CONFIG_TYPE_LIST:
		return "a list ( )";
	}
	return "empty";
}

/* The first setting under s that came from another file than main (by
 * @include; main NULL: any named file, for text read through a FILE *),
 * or NULL. */
const config_setting_t *
lc_included(const config_setting_t *s, const char *main)
{
	const config_setting_t	*found;
	const char		*file = config_setting_source_file(s);
	int			 i, n;

	if (file != NULL && (main == NULL || strcmp(file, main) != 0))
		return s;
	if (!config_setting_is_aggregate(s))
		return NULL;
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		found = lc_included(config_setting_get_elem(s,
		    (unsigned int)i), main);
		if (found != NULL)
			return found;
	}
	return NULL;
}

/* The line (from 1) of the first @include directive in text, or 0.
 * libconfig opens what @include names while it parses, before any check
 * of ours can run, and its scanner exit()s on a file it cannot read (a
 * directory): neither loader supports @include, so the text is refused
 * before libconfig sees it. A directive is a line that starts, after
 * blanks, with "@include", as libconfig's scanner takes it. */
unsigned int
lc_include_line(const char *text)
{
	const char	*p = text;
	unsigned int	 line = 1;

	while (*p != '\0') {
		p += strspn(p, " \t");
		if (strncmp(p, "@include", 8) == 0)
			return line;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		p++;
		line++;
	}
	return 0;
}

/* Reads f whole (at most max bytes) into a NUL-terminated string for
 * config_read_string(). Returns 0, or -1 with errno (EFBIG: too long). */
int
lc_slurp(FILE *f, size_t max, char **out)
{
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;

	*out = NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (len > max) {
			free(buf);
			errno = EFBIG;
			return -1;
		}
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		if (errno == 0)
			errno = EIO;
		return -1;
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}
