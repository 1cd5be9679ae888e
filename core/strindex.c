#include "core/strindex.h"

#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "core/xmalloc.h"

static size_t
first_slot(const struct strindex *ix, const char *key)
{
	return (size_t)hash_fnv(HASH_FNV_INIT, key, strlen(key)) & ix->mask;
}

/* At least twice as many slots as elements: probes stay short. */
void
strindex_build(struct strindex *ix, const void *base, size_t n,
    strindex_key_fn *key)
{
	size_t		 slots = 16, k, i;
	const char	*s;

	while (slots < 2 * n)
		slots *= 2;
	if (slots - 1 != ix->mask) {
		free(ix->slot);
		ix->slot = xcalloc(slots, sizeof *ix->slot);
		ix->mask = slots - 1;
	} else
		memset(ix->slot, 0, slots * sizeof *ix->slot);
	for (k = 0; k < n; k++) {
		if ((s = key(base, k)) == NULL)
			continue;
		for (i = first_slot(ix, s); ix->slot[i] != 0;
		    i = (i + 1) & ix->mask)
			;
		ix->slot[i] = (uint32_t)(k + 1);
	}
}

/* The position of an element whose key is KEY, or STRINDEX_NONE. */
size_t
strindex_find(const struct strindex *ix, const void *base,
    strindex_key_fn *key, const char *s)
{
	size_t		 i;
	const char	*k;

	if (ix->mask == 0 || s == NULL)
		return STRINDEX_NONE;
	for (i = first_slot(ix, s); ix->slot[i] != 0; i = (i + 1) & ix->mask) {
		k = key(base, ix->slot[i] - 1);
		if (k != NULL && strcmp(k, s) == 0)
			return ix->slot[i] - 1;
	}
	return STRINDEX_NONE;
}

void
strindex_free(struct strindex *ix)
{
	free(ix->slot);
	ix->slot = NULL;
	ix->mask = 0;
}

static const char *
pool_key(const void *base, size_t k)
{
	return ((char *const *)base)[k];
}

/* The pool's copy of S, made at its first use; NULL for NULL. */
const char *
strpool_get(struct strpool *p, const char *s)
{
	size_t	k;

	if (s == NULL)
		return NULL;
	if ((k = strindex_find(&p->ix, p->v, pool_key, s)) != STRINDEX_NONE)
		return p->v[k];
	p->v = xreallocarray(p->v, p->n + 1, sizeof *p->v);
	p->v[p->n++] = xstrdup(s);
	/* New values are rare: a whole build is cheap enough. */
	strindex_build(&p->ix, p->v, p->n, pool_key);
	return p->v[p->n - 1];
}

void
strpool_free(struct strpool *p)
{
	size_t	k;

	for (k = 0; k < p->n; k++)
		free(p->v[k]);
	free(p->v);
	strindex_free(&p->ix);
	memset(p, 0, sizeof *p);
}
