/* Host snapshots: built by one poller, then immutable and shared by
 * reference. One allocation holds the host, its guests and their strings. */
#include "core/snap.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"

/* A snapshot this big gets pages of its own. One is built per host per
 * poll and lives until the next: from the heap, it would land above the
 * poll's freed reply, and the heap could not give those pages back. */
#define SNAP_OWN_PAGES	(64 * 1024)

/* Guest strings that neighbours often share (OS, machine type, verdict
 * texts) are stored once when equal to the previous guest's. */
enum shared_field {
	SF_OS, SF_OS_ID, SF_VIRT, SF_MACHINE, SF_HEARTBEAT, SF_CONFIG,
	SF_REASON, SF_RULE, SF_SOURCE, SF_COUNT
};

/* While building, string fields hold offsets into the arena plus one
 * (0 is NULL); snap_builder_finish turns them into pointers. */
struct snap_builder {
	struct host_snap	 host;
	struct guest_snap	*guests;
	size_t			*pos;		/* each guest's likely place */
	size_t			 n;
	size_t			 cap;
	char			*arena;
	size_t			 arena_len;
	size_t			 arena_cap;
	const char		*last[SF_COUNT];	/* tagged offsets */
};

static const char *
builder_str(struct snap_builder *b, const char *s)
{
	size_t	len, off;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	if (b->arena_len + len > b->arena_cap) {
		while (b->arena_len + len > b->arena_cap)
			b->arena_cap = b->arena_cap ? b->arena_cap * 2 : 1024;
		b->arena = xreallocarray(b->arena, b->arena_cap, 1);
	}
	off = b->arena_len;
	memcpy(b->arena + off, s, len);
	b->arena_len += len;
	return (const char *)(uintptr_t)(off + 1);
}

/* Like builder_str, but reuses the previous guest's copy when equal. */
static const char *
builder_str_shared(struct snap_builder *b, const char *s, enum shared_field f)
{
	uintptr_t	off = (uintptr_t)b->last[f];

	if (s == NULL)
		return NULL;
	if (off != 0 && strcmp(b->arena + off - 1, s) == 0)
		return b->last[f];
	return b->last[f] = builder_str(b, s);
}

static const char *
rebase(const char *tagged, const char *arena)
{
	uintptr_t	off = (uintptr_t)tagged;

	return off == 0 ? NULL : arena + off - 1;
}

struct snap_builder *
snap_builder_create(const struct host_snap_info *info, size_t hint)
{
	struct snap_builder	*b = xcalloc(1, sizeof *b);
	struct host_snap	*h = &b->host;

	h->name = builder_str(b, info->name);
	h->type = builder_str(b, info->type);
	h->state = info->state;
	h->error = builder_str(b, info->error);
	h->platform = builder_str(b, info->platform);
	h->platform_pending = info->platform_pending;
	h->hypervisor = builder_str(b, info->hypervisor);
	h->hostname = builder_str(b, info->hostname);
	h->demo = info->demo;
	h->stale = info->stale;
	h->taken_ms = info->taken_ms;
	h->good_ms = info->good_ms;
	h->good_wall = info->good_wall;
	h->latency_ms = info->latency_ms;
	h->polls = info->polls;
	if (hint > 0) {
		b->cap = hint;
		b->guests = xreallocarray(NULL, hint, sizeof *b->guests);
		b->pos = xreallocarray(NULL, hint, sizeof *b->pos);
	}
	return b;
}

void
snap_builder_add(struct snap_builder *b, const struct guest_snap *g)
{
	snap_builder_add_at(b, g, SNAP_NO_POS);
}

/* Copies g, strings included, into the snapshot being built. pos is where
 * it likely goes among the guests sorted (its place in the last snapshot);
 * when every guest's is right, finishing sorts nothing. */
void
snap_builder_add_at(struct snap_builder *b, const struct guest_snap *g,
    size_t pos)
{
	struct guest_snap	*d;

	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->guests = xreallocarray(b->guests, b->cap, sizeof *b->guests);
		b->pos = xreallocarray(b->pos, b->cap, sizeof *b->pos);
	}
	b->pos[b->n] = pos;
	d = &b->guests[b->n++];
	*d = *g;
	d->name = builder_str(b, g->name != NULL ? g->name : "");
	d->id = builder_str(b, g->id != NULL ? g->id : "");
	d->os = builder_str_shared(b, g->os, SF_OS);
	d->os_id = builder_str_shared(b, g->os_id, SF_OS_ID);
	d->virt_type = builder_str_shared(b, g->virt_type, SF_VIRT);
	d->machine = builder_str_shared(b, g->machine, SF_MACHINE);
	d->heartbeat = builder_str_shared(b, g->heartbeat, SF_HEARTBEAT);
	d->config_version = builder_str_shared(b, g->config_version,
	    SF_CONFIG);
	d->cert.reason = builder_str_shared(b, g->cert.reason != NULL ?
	    g->cert.reason : "", SF_REASON);
	d->cert.rule = builder_str_shared(b, g->cert.rule, SF_RULE);
	d->cert.source = builder_str_shared(b, g->cert.source, SF_SOURCE);
}

/* A guest's sort key while building: strings in the builder's arena. */
struct sort_key {
	const char	*name;
	const char	*id;
	size_t		 from;		/* index in the builder */
};

static int
key_cmp(const void *va, const void *vb)
{
	const struct sort_key	*a = va, *b = vb;
	int			 c;

	if ((c = strcmp(a->name, b->name)) != 0)
		return c;
	return strcmp(a->id, b->id);
}

static struct sort_key
key_of(const struct snap_builder *b, size_t i)
{
	struct sort_key	k;

	k.name = rebase(b->guests[i].name, b->arena);
	k.id = rebase(b->guests[i].id, b->arena);
	k.from = i;
	return k;
}

/* Fills order (the builder index of each place) from the guests' likely
 * places, if those put each guest in one place and in order. */
static bool
order_from_places(const struct snap_builder *b, size_t *order)
{
	struct sort_key	 prev, cur;
	size_t		 i;

	for (i = 0; i < b->n; i++)
		order[i] = SNAP_NO_POS;
	for (i = 0; i < b->n; i++) {
		if (b->pos[i] >= b->n || order[b->pos[i]] != SNAP_NO_POS)
			return false;
		order[b->pos[i]] = i;
	}
	for (i = 0; i < b->n; i++) {
		cur = key_of(b, order[i]);
		if (i > 0 && key_cmp(&prev, &cur) > 0)
			return false;
		prev = cur;
	}
	return true;
}

/* Fills order by sorting the guests by name, then id. */
static void
order_by_sorting(const struct snap_builder *b, size_t *order)
{
	struct sort_key	*keys;
	size_t		 i;

	keys = xreallocarray(NULL, b->n, sizeof *keys);
	for (i = 0; i < b->n; i++)
		keys[i] = key_of(b, i);
	qsort(keys, b->n, sizeof *keys, key_cmp);
	for (i = 0; i < b->n; i++)
		order[i] = keys[i].from;
	free(keys);
}

static struct host_snap *
snap_alloc(size_t size, bool *own_pages)
{
	void	*p = MAP_FAILED;

	if (size >= SNAP_OWN_PAGES)
		/* Populated in one call: every page is written at once. */
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE |
		    MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	*own_pages = p != MAP_FAILED;
	return *own_pages ? p : xmalloc(size);
}

static void
snap_free(struct host_snap *h)
{
	if (h->own_pages)
		munmap(h, h->size);
	else
		free(h);
}

struct host_snap *
snap_builder_finish(struct snap_builder *b)
{
	return snap_builder_finish_where(b, NULL);
}

/* Lays host, guests (sorted) and strings out in one block and frees the
 * builder. where, if not NULL, gets the place of each guest added, in the
 * order they were added. */
struct host_snap *
snap_builder_finish_where(struct snap_builder *b, size_t *where)
{
	struct host_snap	*h;
	struct guest_snap	*g;
	char			*arena;
	size_t			 gsz, size, i, *order;
	bool			 own_pages;

	order = xreallocarray(NULL, b->n ? b->n : 1, sizeof *order);
	if (!order_from_places(b, order))
		order_by_sorting(b, order);
	gsz = b->n * sizeof *b->guests;
	size = sizeof *h + gsz + b->arena_len;
	h = snap_alloc(size, &own_pages);
	*h = b->host;
	h->own_pages = own_pages;
	g = (struct guest_snap *)(h + 1);
	arena = (char *)g + gsz;
	if (b->arena_len > 0)
		memcpy(arena, b->arena, b->arena_len);

	h->name = rebase(h->name, arena);
	h->type = rebase(h->type, arena);
	h->error = rebase(h->error, arena);
	h->platform = rebase(h->platform, arena);
	h->hypervisor = rebase(h->hypervisor, arena);
	h->hostname = rebase(h->hostname, arena);
	for (i = 0; i < b->n; i++) {
		g[i] = b->guests[order[i]];
		if (where != NULL)
			where[order[i]] = i;
		g[i].name = rebase(g[i].name, arena);
		g[i].id = rebase(g[i].id, arena);
		g[i].os = rebase(g[i].os, arena);
		g[i].os_id = rebase(g[i].os_id, arena);
		g[i].virt_type = rebase(g[i].virt_type, arena);
		g[i].machine = rebase(g[i].machine, arena);
		g[i].heartbeat = rebase(g[i].heartbeat, arena);
		g[i].config_version = rebase(g[i].config_version, arena);
		g[i].cert.reason = rebase(g[i].cert.reason, arena);
		g[i].cert.rule = rebase(g[i].cert.rule, arena);
		g[i].cert.source = rebase(g[i].cert.source, arena);
	}
	h->nguests = b->n;
	h->guests = g;
	h->size = size;
	atomic_init(&h->refs, 1);

	free(order);
	free(b->guests);
	free(b->pos);
	free(b->arena);
	free(b);
	return h;
}

struct host_snap *
snap_ref(const struct host_snap *cs)
{
	struct host_snap	*s = (struct host_snap *)cs;

	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	return s;
}

void
snap_unref(const struct host_snap *cs)
{
	struct host_snap	*s = (struct host_snap *)cs;

	if (s == NULL)
		return;
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		snap_free(s);
}

const struct guest_snap *
snap_find_guest(const struct host_snap *s, const char *id)
{
	size_t	i;

	for (i = 0; i < s->nguests; i++)
		if (strcmp(s->guests[i].id, id) == 0)
			return &s->guests[i];
	return NULL;
}

/* True when the guest's verdict waits for its host's platform. */
bool
snap_cert_pending(const struct guest_snap *g)
{
	return g->cert.rule != NULL && strcmp(g->cert.rule,
	    SNAP_CERT_PENDING) == 0;
}

/* The first millisecond at which a host's last good poll (good_ms, not 0)
 * is old: more than 3 refreshes of REFRESH_S seconds ago. The console's
 * dim rows and batch's "stale" both follow it. */
uint64_t
snap_old_at(const struct host_snap *h, double refresh_s)
{
	return h->good_ms + (uint64_t)(3.0 * refresh_s * 1000.0) + 1;
}
