/* The backend registry and helpers shared by backends. */
#include "backends/backend.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/xmalloc.h"

extern const struct backend_ops kvm_backend;
extern const struct backend_ops hyperv_backend;

static const struct backend_ops *const backends[] = {
	&kvm_backend,
	&hyperv_backend,
	NULL
};

const struct backend_ops *
backend_find(const char *type)
{
	size_t	i;

	for (i = 0; backends[i] != NULL; i++)
		if (strcmp(backends[i]->type, type) == 0)
			return backends[i];
	return NULL;
}

const struct backend_ops *const *
backend_all(void)
{
	return backends;
}

/* Makes room for n guests in all, at once. */
void
raw_sample_reserve(struct raw_sample *s, size_t n)
{
	if (n <= s->cap)
		return;
	s->cap = n;
	s->guests = xreallocarray(s->guests, s->cap, sizeof *s->guests);
}

/* Appends a zeroed guest to the sample, growing it as needed. */
struct raw_guest *
raw_sample_next(struct raw_sample *s)
{
	struct raw_guest	*g;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->guests = xreallocarray(s->guests, s->cap, sizeof *s->guests);
	}
	g = &s->guests[s->n++];
	memset(g, 0, sizeof *g);
	return g;
}

/* A sample this big keeps its room from one poll to the next: given back,
 * its pages would be faulted in again at every poll. */
#define RAW_SAMPLE_KEEP	(64 * 1024)

/* A sample lives from one poll to its snapshot: between polls a host
 * keeps no copy of its guests' raw figures, only a big host their room
 * (not much more than it used). */
void
raw_sample_end(struct raw_sample *s)
{
	if (s->n * sizeof *s->guests < RAW_SAMPLE_KEEP || s->n < s->cap / 2)
		raw_sample_free(s);
	s->n = 0;
}

void
raw_sample_free(struct raw_sample *s)
{
	free(s->guests);
	s->guests = NULL;
	s->n = s->cap = 0;
}

uint64_t
backend_now_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
