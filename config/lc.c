/* Small helpers over libconfig shared by the config loaders. Main thread. */
#include "config/lc.h"

#include <string.h>

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
