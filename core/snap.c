/* Host snapshots: built by one poller, then immutable and shared by
 * reference. One allocation holds the host, its guests and their strings. */
#define _GNU_SOURCE	/* mremap */

#include "core/snap.h"

#include <sys/mman.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/xmalloc.h"

/* A snapshot this big gets pages of its own. One is built per host per
 * poll and lives until the next: from the heap, it would land above the
 * poll's freed reply, and the heap could not give those pages back. */
#define SNAP_OWN_PAGES	(64 * 1024)

/* Room for strings a builder starts with, per guest hinted: a name and a
 * UUID, the rest mostly shared with the previous guest. */
#define SNAP_STR_GUESS	128

/* Guest strings that neighbours often share (OS, machine type, verdict
 * texts) are stored once when equal to the previous guest's. */
enum shared_field {
	SF_OS, SF_OS_ID, SF_VIRT, SF_MACHINE, SF_HEARTBEAT, SF_CONFIG,
	SF_REASON, SF_RULE, SF_SOURCE, SF_COUNT
};

/*
 * A builder writes each guest and its strings into the block the snapshot
 * will be: the host, room for cap guests, then the strings. The block
 * grows where it is (mremap, realloc), so a poll of a big host touches no
 * second copy of its guests, and finishing sorts them in place.
 *
 * While building, string fields hold offsets into the strings plus one
 * (0 is NULL); finishing turns them into pointers.
 */
struct snap_builder {
	struct host_snap	 host;
	char			*block;
	size_t			 size;		/* bytes of block */
	bool			 own_pages;
	size_t			 n;
	size_t			 cap;		/* guests before the strings */
	size_t			*pos;		/* each guest's likely place */
	size_t			 arena_len;	/* bytes of strings */
	const char		*last[SF_COUNT];	/* tagged offsets */
};

static size_t
guests_at(void)
{
	return sizeof (struct host_snap);
}

static size_t
strings_at(const struct snap_builder *b)
{
	return guests_at() + b->cap * sizeof (struct guest_snap);
}

static struct guest_snap *
builder_guests(const struct snap_builder *b)
{
	return (struct guest_snap *)(b->block + guests_at());
}

static char *
builder_strings(const struct snap_builder *b)
{
	return b->block + strings_at(b);
}

static void *
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
block_free(void *p, size_t size, bool own_pages)
{
	if (own_pages)
		munmap(p, size);
	else
		free(p);
}

static void
snap_free(struct host_snap *h)
{
	block_free(h, h->size, h->own_pages);
}

/* Makes the block size bytes, keeping what it holds. Mapped pages move
 * with their contents; new ones are faulted in only when written. */
static void
block_resize(struct snap_builder *b, size_t size)
{
	size_t	 used = strings_at(b) + b->arena_len;
	void	*p;
	bool	 own;

	if (b->own_pages && (p = mremap(b->block, b->size, size,
	    MREMAP_MAYMOVE)) != MAP_FAILED) {
		b->block = p;
		b->size = size;
		return;
	}
	if (!b->own_pages && size < SNAP_OWN_PAGES) {
		b->block = xreallocarray(b->block, size, 1);
		b->size = size;
		return;
	}
	p = snap_alloc(size, &own);
	memcpy(p, b->block, used < size ? used : size);
	block_free(b->block, b->size, b->own_pages);
	b->block = p;
	b->size = size;
	b->own_pages = own;
}

/* Room for len more bytes of strings. */
static void
strings_reserve(struct snap_builder *b, size_t len)
{
	size_t	room = b->size - strings_at(b), want = room ? room : 1024;

	if (b->arena_len + len <= room)
		return;
	while (b->arena_len + len > want)
		want *= 2;
	block_resize(b, strings_at(b) + want);
}

/* Room for one more guest: the strings move up to make it. */
static void
guests_grow(struct snap_builder *b)
{
	size_t	cap = b->cap ? b->cap * 2 : 16, room = b->size - strings_at(b);
	char	*from;

	block_resize(b, guests_at() + cap * sizeof (struct guest_snap) + room);
	from = builder_strings(b);
	b->cap = cap;
	memmove(builder_strings(b), from, b->arena_len);
	b->pos = xreallocarray(b->pos, cap, sizeof *b->pos);
}

static const char *
builder_str(struct snap_builder *b, const char *s)
{
	size_t	len, off;

	if (s == NULL)
		return NULL;
	len = strlen(s) + 1;
	strings_reserve(b, len);
	off = b->arena_len;
	memcpy(builder_strings(b) + off, s, len);
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
	if (off != 0 && strcmp(builder_strings(b) + off - 1, s) == 0)
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
	return snap_builder_create_in(info, hint, NULL);
}

/* As snap_builder_create, in the block of spare (from snap_release) if
 * there is one: its pages are in memory already. */
struct snap_builder *
snap_builder_create_in(const struct host_snap_info *info, size_t hint,
    struct host_snap *spare)
{
	struct snap_builder	*b = xcalloc(1, sizeof *b);
	struct host_snap	*h = &b->host;
	size_t			 size;

	b->cap = hint;
	size = strings_at(b) + hint * SNAP_STR_GUESS + 256;
	if (spare != NULL) {
		/* Its strings' room is likely right: they grow if not. */
		b->block = (char *)spare;
		b->size = spare->size;
		b->own_pages = spare->own_pages;
		if (b->size < strings_at(b) + 256)
			block_resize(b, size);
	} else {
		b->block = snap_alloc(size, &b->own_pages);
		b->size = size;
	}
	if (hint > 0)
		b->pos = xreallocarray(NULL, hint, sizeof *b->pos);
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
	struct guest_snap	d = *g;

	/* Built aside: a string may move the block. */
	d.name = builder_str(b, g->name != NULL ? g->name : "");
	d.id = builder_str(b, g->id != NULL ? g->id : "");
	d.os = builder_str_shared(b, g->os, SF_OS);
	d.os_id = builder_str_shared(b, g->os_id, SF_OS_ID);
	d.virt_type = builder_str_shared(b, g->virt_type, SF_VIRT);
	d.machine = builder_str_shared(b, g->machine, SF_MACHINE);
	d.heartbeat = builder_str_shared(b, g->heartbeat, SF_HEARTBEAT);
	d.config_version = builder_str_shared(b, g->config_version,
	    SF_CONFIG);
	d.cert.reason = builder_str_shared(b, g->cert.reason != NULL ?
	    g->cert.reason : "", SF_REASON);
	d.cert.rule = builder_str_shared(b, g->cert.rule, SF_RULE);
	d.cert.source = builder_str_shared(b, g->cert.source, SF_SOURCE);
	if (b->n == b->cap)
		guests_grow(b);
	b->pos[b->n] = pos;
	builder_guests(b)[b->n++] = d;
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
	const struct guest_snap	*g = &builder_guests(b)[i];
	struct sort_key		 k;

	k.name = rebase(g->name, builder_strings(b));
	k.id = rebase(g->id, builder_strings(b));
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

/* Puts guest order[i] at place i, for every i, one cycle of the
 * permutation at a time; order is used up. */
static void
permute(struct guest_snap *g, size_t *order, size_t n)
{
	struct guest_snap	tmp;
	size_t			i, j, k;

	for (i = 0; i < n; i++) {
		if (order[i] == SNAP_NO_POS)
			continue;
		tmp = g[i];
		for (j = i; (k = order[j]) != i; j = k) {
			g[j] = g[k];
			order[j] = SNAP_NO_POS;
		}
		g[j] = tmp;
		order[j] = SNAP_NO_POS;
	}
}

/* Gives back the block's room past its last string: whole pages when
 * mapped, the rest to malloc. */
static void
block_trim(struct snap_builder *b)
{
	size_t	used = strings_at(b) + b->arena_len, page, keep;

	if (b->own_pages) {
		page = (size_t)sysconf(_SC_PAGESIZE);
		keep = (used + page - 1) / page * page;
		if (keep < b->size && munmap(b->block + keep,
		    b->size - keep) == 0)
			b->size = keep;
	} else if (used < b->size) {
		b->block = xreallocarray(b->block, used, 1);
		b->size = used;
	}
}

struct host_snap *
snap_builder_finish(struct snap_builder *b)
{
	return snap_builder_finish_where(b, NULL);
}

/* Sorts the guests, makes the block a snapshot and frees the builder.
 * where, if not NULL, gets the place of each guest added, in the order
 * they were added. */
struct host_snap *
snap_builder_finish_where(struct snap_builder *b, size_t *where)
{
	struct host_snap	*h;
	struct guest_snap	*g;
	const char		*arena;
	size_t			 i, *order;

	order = xreallocarray(NULL, b->n ? b->n : 1, sizeof *order);
	if (!order_from_places(b, order))
		order_by_sorting(b, order);
	for (i = 0; where != NULL && i < b->n; i++)
		where[order[i]] = i;
	permute(builder_guests(b), order, b->n);
	free(order);
	block_trim(b);

	h = (struct host_snap *)b->block;
	*h = b->host;
	g = builder_guests(b);
	arena = builder_strings(b);
	h->name = rebase(h->name, arena);
	h->type = rebase(h->type, arena);
	h->error = rebase(h->error, arena);
	h->platform = rebase(h->platform, arena);
	h->hypervisor = rebase(h->hypervisor, arena);
	h->hostname = rebase(h->hostname, arena);
	for (i = 0; i < b->n; i++) {
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
	h->size = b->size;
	h->own_pages = b->own_pages;
	atomic_init(&h->refs, 1);

	free(b->pos);
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

/* Drops a reference, as snap_unref. When it was the last, a block with
 * pages of its own is given back for snap_builder_create_in, or
 * snap_discard, instead of being freed. */
struct host_snap *
snap_release(const struct host_snap *cs)
{
	struct host_snap	*s = (struct host_snap *)cs;

	if (s == NULL || atomic_fetch_sub_explicit(&s->refs, 1,
	    memory_order_acq_rel) != 1)
		return NULL;
	if (s->own_pages)
		return s;
	snap_free(s);
	return NULL;
}

void
snap_discard(struct host_snap *spare)
{
	if (spare != NULL)
		snap_free(spare);
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
