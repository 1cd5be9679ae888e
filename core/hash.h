/* FNV-1a, 64 bits: a fast hash that recognises, not one that secures.
 * Pure; any thread. */
#ifndef CV_CORE_HASH_H
#define CV_CORE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV_INIT	0xcbf29ce484222325ULL

uint64_t	hash_fnv(uint64_t, const void *, size_t);

#endif
