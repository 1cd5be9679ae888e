/* An index of an array by a string key: open addressing over FNV-1a, for
 * the lookups a poll makes once per guest. The index holds positions, not
 * strings: KEY reads the key of an element, and the index is rebuilt when
 * the array changes. Pure; one thread at a time. */
#ifndef CV_CORE_STRINDEX_H
#define CV_CORE_STRINDEX_H

#include <stddef.h>
#include <stdint.h>

#define STRINDEX_NONE	((size_t)-1)

/* The key of element K of BASE; NULL leaves it out of the index. */
typedef const char *strindex_key_fn(const void *base, size_t k);

struct strindex {
	uint32_t	*slot;		/* (owned) position + 1; 0 empty */
	size_t		 mask;		/* slots - 1; 0 before the first build */
};

void	strindex_build(struct strindex *, const void *base, size_t n,
	    strindex_key_fn *);
size_t	strindex_find(const struct strindex *, const void *base,
	    strindex_key_fn *, const char *key);
void	strindex_free(struct strindex *);

/* A set of strings, each kept once: for the few values (OS names, machine
 * types) that a host's guests share by the thousand. It only grows, so the
 * strings it gives stay valid until strpool_free. */
struct strpool {
	char		**v;		/* (owned) each (owned) */
	size_t		  n;
	struct strindex	  ix;
};

const char	*strpool_get(struct strpool *, const char *);
void		 strpool_free(struct strpool *);

#endif
