/* Script lookup and the FNV-1a hash that names a script to the simulator.
 * The hash recognises a script; it is not a security measure. */
#include "backends/hyperv_scripts.h"

#include <string.h>

#include "core/hash.h"

const char *
hv_script_text(const char *name)
{
	const struct hv_script	*s;

	for (s = hv_scripts; s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s->text;
	return NULL;
}

uint64_t
hv_script_hash(const char *text, size_t len)
{
	return hash_fnv(HASH_FNV_INIT, text, len);
}
