/* FNV-1a (Fowler, Noll, Vo), 64 bits. */
#include "core/hash.h"

/* Adds n bytes at v to the hash h (HASH_FNV_INIT to start). */
uint64_t
hash_fnv(uint64_t h, const void *v, size_t n)
{
	const unsigned char	*c = v;

	while (n-- > 0)
		h = (h ^ *c++) * 0x100000001b3ULL;
	return h;
}
