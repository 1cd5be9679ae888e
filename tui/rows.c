/* Fleet view -> display rows, the column layout and cell text. Pure: no
 * curses and no clock, so the console's table logic is unit-tested. Rows
 * borrow from the view they were built from. Main thread. */
#include "tui/rows.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>
#include <wctype.h>

#include "core/conf.h"
#include "core/fleet.h"
#include "tui/filter.h"
#include "core/fmt.h"
#include "core/snap.h"
#include "core/xmalloc.h"

struct rows_col_info {
	const char	*title;
	int		 min;
	int		 want;
	int		 max;
	bool		 right;
	int		 drop;
	const char	*name;
	int		 key;
	bool		 desc_first;
};

static const struct rows_col_info rows_cols[ROWS_COL__COUNT] = {
#define ROWS_COL_INFO(id, t, mn, w, mx, r, d, nm, k, df) \
	{ t, mn, w, mx, r, d, nm, k, df },
	ROWS_COL_LIST(ROWS_COL_INFO)
#undef ROWS_COL_INFO
};

/* Which columns take spare width, first to their wanted width, then to
 * their largest: names matter most, then the OS, then host names. */
static const enum rows_col rows_grow[] = {
	ROWS_COL_NAME, ROWS_COL_OS, ROWS_COL_HOST, ROWS_COL_DISK, ROWS_COL_NET,
	ROWS_COL_STATE
};

#define ROWS_NITEMS(a) (sizeof (a) / sizeof (a)[0])

static void	rows_push(struct rows *, const struct row *);
static int	rows_guest_cmp(const void *, const void *);
static int	rows_num_cmp(bool, double, bool, double);
static int	rows_str_cmp(const char *, const char *);
static int	rows_col_cmp(const struct row *, const struct row *);
static void	rows_count(struct rows *, const struct guest_snap *);
static bool	rows_host_collapsed(const struct rows_opts *, size_t);
static void	rows_sort(struct rows *, size_t, bool);
static size_t	rows_char(const char *, mbstate_t *, int *, bool *);
static bool	rows_bidi_control(wchar_t);
static void	rows_append(char *, size_t, size_t *, const char *, size_t);
static void	rows_addf(char *, size_t, size_t *, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

void
rows_init(struct rows *r)
{
	memset(r, 0, sizeof *r);
}

void
rows_done(struct rows *r)
{
	free(r->v);
	memset(r, 0, sizeof *r);
}

_Static_assert(sizeof(struct row) <= 64, "a row stays within 64 bytes");

/* Room for a row per host and per guest of the view, taken at once and
 * exactly: grown by doubling, up to half of it would stand empty (at
 * 10,000 guests, 0.4 MB). */
static void
rows_reserve(struct rows *r, const struct fleet_view *view)
{
	size_t	need = view->n, i;

	for (i = 0; i < view->n; i++)
		if (view->hosts[i] != NULL)
			need += view->hosts[i]->nguests;
	if (need > r->cap || need < r->cap / 2) {
		r->cap = need > 0 ? need : 1;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
}

static void
rows_push(struct rows *r, const struct row *row)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		r->v = xreallocarray(r->v, r->cap, sizeof *r->v);
	}
	r->v[r->n++] = *row;
}

/*
 * The order qsort(3) sorts guests in: qsort takes no argument for its
 * comparison, and rows are built on the main thread only, so the sort of
 * the build under way is kept here.
 */
static struct {
	enum rows_col	col;
	bool		desc;
} rows_order;

/* Figures compare as numbers; a figure the host did not give sorts after
 * every given one, whichever the direction. */
static int
rows_num_cmp(bool ha, double a, bool hb, double b)
{
	if (ha != hb)
		return ha ? -1 : 1;
	if (!ha || a == b)
		return 0;
	return (a < b ? -1 : 1) * (rows_order.desc ? -1 : 1);
}

static int
rows_str_cmp(const char *a, const char *b)
{
	int	c;

	if ((a == NULL) != (b == NULL))
		return a != NULL ? -1 : 1;
	if (a == NULL)
		return 0;
	c = strcmp(a, b);
	return rows_order.desc ? -c : c;
}

static int
rows_col_cmp(const struct row *ra, const struct row *rb)
{
	const struct guest_snap	*a = ra->gs, *b = rb->gs;
	int			 c;

	switch (rows_order.col) {
	case ROWS_COL_HOST:
		return rows_str_cmp(ra->host_name, rb->host_name);
	case ROWS_COL_HV:
		return rows_str_cmp(ra->host_type, rb->host_type);
	case ROWS_COL_NAME:
		return rows_str_cmp(a->name, b->name);
	case ROWS_COL_STATE:
		c = (int)a->state - (int)b->state;
		return rows_order.desc ? -c : c;
	case ROWS_COL_VCPU:
		return rows_num_cmp(a->have & GS_VCPUS, a->vcpus,
		    b->have & GS_VCPUS, b->vcpus);
	case ROWS_COL_CPU:
		return rows_num_cmp(a->have & GS_CPU, a->cpu_pct,
		    b->have & GS_CPU, b->cpu_pct);
	case ROWS_COL_MEM:
		return rows_num_cmp(a->have & GS_MEM, (double)a->mem_bytes,
		    b->have & GS_MEM, (double)b->mem_bytes);
	case ROWS_COL_DISK:
		return rows_num_cmp(a->have & GS_DISK,
		    a->disk_rd_bps + a->disk_wr_bps, b->have & GS_DISK,
		    b->disk_rd_bps + b->disk_wr_bps);
	case ROWS_COL_NET:
		return rows_num_cmp(a->have & GS_NET,
		    a->net_rx_bps + a->net_tx_bps, b->have & GS_NET,
		    b->net_rx_bps + b->net_tx_bps);
	case ROWS_COL_UPTIME:
		return rows_num_cmp(a->have & GS_UPTIME, (double)a->uptime_s,
		    b->have & GS_UPTIME, (double)b->uptime_s);
	case ROWS_COL_CERT:
		c = (int)a->cert.status - (int)b->cert.status;
		return rows_order.desc ? -c : c;
	case ROWS_COL_OS:
		return rows_str_cmp(a->os != NULL ? a->os : a->os_id,
		    b->os != NULL ? b->os : b->os_id);
	case ROWS_COL__COUNT:
	default:
		return 0;
	}
}

/* The chosen column, then name and id (ascending), so equal figures keep
 * a stable order from one refresh to the next. */
static int
rows_guest_cmp(const void *va, const void *vb)
{
	const struct row	*a = va, *b = vb;
	int			 c;

	if ((c = rows_col_cmp(a, b)) != 0)
		return c;
	if ((c = strcmp(a->gs->name, b->gs->name)) != 0)
		return c;
	if ((c = strcmp(a->host_name, b->host_name)) != 0)
		return c;
	return strcmp(a->gs->id, b->gs->id);
}

/* Sorts the guest rows from first to the end. In a host group, sorting
 * by host means by name. */
static void
rows_sort(struct rows *r, size_t first, bool grouped)
{
	if (r->n - first < 2)
		return;
	if (grouped && (rows_order.col == ROWS_COL_HOST ||
	    rows_order.col == ROWS_COL_HV)) {
		rows_order.col = ROWS_COL_NAME;
		rows_order.desc = false;
	}
	/* A snapshot lists its guests by name, then id: the default
	 * order needs no sort (10,000 guests, every new view). */
	if (grouped && rows_order.col == ROWS_COL_NAME && !rows_order.desc)
		return;
	qsort(r->v + first, r->n - first, sizeof *r->v, rows_guest_cmp);
}

static void
rows_count(struct rows *r, const struct guest_snap *g)
{
	r->guests++;
	if (g->state == GUEST_RUNNING)
		r->guests_running++;
	if ((unsigned)g->state < GUEST__COUNT)
		r->by_state[g->state]++;
	if (snap_cert_pending(g))
		r->cert_pending++;
	else if ((unsigned)g->cert.status < CERT__COUNT)
		r->by_cert[g->cert.status]++;
}

static bool
rows_host_collapsed(const struct rows_opts *o, size_t host)
{
	return o->collapsed != NULL && host < o->ncollapsed &&
	    o->collapsed[host];
}

/*
 * One host row per host in view order (= cfg->hosts order), each followed
 * by its guests that pass the filter, sorted; or, flat, every guest that
 * passes sorted across hosts. A slot never published yet (hs NULL) still
 * gets its row, named from the config, shown as connecting. With a filter,
 * a host none of whose guests pass is left out. The counts are of every
 * guest, filtered or not, but for `shown`.
 */
void
rows_build(struct rows *r, const struct fleet_view *view,
    const struct cfg *cfg, const struct rows_opts *opts)
{
	static const struct rows_opts	 none;
	const struct host_snap		*hs;
	struct row			 row;
	size_t				 i, g, first, hrow;
	bool				 filtered;

	if (opts == NULL)
		opts = &none;
	filtered = opts->filter != NULL && filter_active(opts->filter);
	r->n = 0;
	r->hosts = r->hosts_up = r->hosts_down = 0;
	r->guests = r->guests_running = r->shown = 0;
	memset(r->by_state, 0, sizeof r->by_state);
	memset(r->by_cert, 0, sizeof r->by_cert);
	r->cert_pending = 0;
	r->demo = false;
	r->flat = opts->flat;
	rows_reserve(r, view);
	for (i = 0; i < view->n; i++) {
		hs = view->hosts[i];
		memset(&row, 0, sizeof row);
		row.kind = ROWS_HOST;
		row.host = i;
		row.hs = hs;
		row.host_name = hs != NULL ? hs->name : NULL;
		row.host_type = hs != NULL ? hs->type : NULL;
		if (cfg != NULL && i < cfg->nhosts) {
			if (row.host_name == NULL)
				row.host_name = cfg->hosts[i].name;
			if (row.host_type == NULL)
				row.host_type = cfg->hosts[i].type;
		}
		if (row.host_name == NULL)
			row.host_name = "?";
		if (row.host_type == NULL)
			row.host_type = "?";
		row.host_state = hs != NULL ? hs->state : HOST_CONNECTING;
		row.collapsed = rows_host_collapsed(opts, i);
		hrow = r->n;
		if (!opts->flat)
			rows_push(r, &row);

		r->hosts++;
		if (row.host_state == HOST_UP)
			r->hosts_up++;
		else if (row.host_state == HOST_DOWN)
			r->hosts_down++;
		if (hs == NULL)
			continue;
		if (hs->demo)
			r->demo = true;

		first = r->n;
		row.kind = ROWS_GUEST;
		row.collapsed = false;
		for (g = 0; g < hs->nguests; g++) {
			row.gs = &hs->guests[g];
			rows_count(r, row.gs);
			if (filtered && !filter_match(opts->filter, &row, cfg))
				continue;
			r->shown++;
			if (!opts->flat) {
				r->v[hrow].nshown++;
				if (row.gs->state == GUEST_RUNNING)
					r->v[hrow].nrunning++;
				if (r->v[hrow].collapsed)
					continue;
			}
			rows_push(r, &row);
		}
		if (opts->flat)
			continue;
		if (filtered && r->v[hrow].nshown == 0) {
			r->n = hrow;	/* nothing of this host passes */
			continue;
		}
		rows_order.col = (enum rows_col)opts->sort;
		rows_order.desc = opts->desc;
		rows_sort(r, first, true);
		if (r->n > first)
			r->v[r->n - 1].last = true;
	}
	if (opts->flat) {
		rows_order.col = (enum rows_col)opts->sort;
		rows_order.desc = opts->desc;
		rows_sort(r, 0, false);
	}
}

/* The identity of row idx; an empty list gives the first host's row. */
void
rows_key_of(const struct rows *r, size_t idx, struct rows_key *key)
{
	const struct row	*row;

	memset(key, 0, sizeof *key);
	if (idx >= r->n)
		return;
	row = &r->v[idx];
	key->host = row->host;
	if (row->kind == ROWS_GUEST) {
		key->guest = true;
		strlcpy_cv(key->id, row->gs->id, sizeof key->id);
	}
}

bool
rows_find(const struct rows *r, const struct rows_key *key, size_t *idx)
{
	const struct row	*row;
	size_t			 i;

	for (i = 0; i < r->n; i++) {
		row = &r->v[i];
		if (row->host != key->host)
			continue;
		if (key->guest ? (row->kind == ROWS_GUEST &&
		    strcmp(row->gs->id, key->id) == 0) :
		    row->kind == ROWS_HOST) {
			*idx = i;
			return true;
		}
	}
	return false;
}

/* Where the cursor goes after a rebuild: its row if it still exists, else
 * the same position (clamped), so a vanished guest does not fling it. */
size_t
rows_locate(const struct rows *r, const struct rows_key *key,
    size_t fallback)
{
	size_t	idx;

	if (rows_find(r, key, &idx))
		return idx;
	if (r->n == 0)
		return 0;
	return fallback < r->n ? fallback : r->n - 1;
}

/* True when a row's figures are old: the poller said so (host down, last
 * guests kept) or the last good poll is more than 3 refreshes ago. */
bool
rows_is_stale(const struct row *row, uint64_t now_ms, double refresh_s)
{
	const struct host_snap	*hs = row->hs;

	if (hs == NULL)
		return false;
	if (hs->stale)
		return true;
	if (hs->good_ms == 0)
		return row->kind == ROWS_GUEST;
	return now_ms >= snap_old_at(hs, refresh_s);
}

/* When a row's look next changes with the clock alone, UINT64_MAX for
 * never: its figures turning stale (rows_is_stale), or, on a host row,
 * the age of the last good poll (rows_host_detail) moving on a second. */
uint64_t
rows_clock_due(const struct row *row, uint64_t now_ms, double refresh_s)
{
	const struct host_snap	*hs = row->hs;
	uint64_t		 old_at;

	if (hs == NULL || hs->good_ms == 0)
		return UINT64_MAX;
	old_at = snap_old_at(hs, refresh_s);
	if (row->kind == ROWS_HOST && (hs->state != HOST_UP ||
	    now_ms >= old_at))
		return hs->good_ms + (now_ms > hs->good_ms ?
		    (now_ms - hs->good_ms) / 1000 + 1 : 1) * 1000;
	return hs->stale || now_ms >= old_at ? UINT64_MAX : old_at;
}

/*
 * Fits the columns into screen_width: drops the least useful ones (OS
 * first) until the minimum widths fit, then hands the spare width out,
 * first up to each growing column's wanted width, then up to its largest.
 */
void
rows_layout(int screen_width, struct rows_layout *l)
{
	bool	shown[ROWS_COL__COUNT];
	int	i, total, best, extra, add, pass, lim;
	size_t	k;

	memset(l, 0, sizeof *l);
	for (i = 0; i < ROWS_COL__COUNT; i++)
		shown[i] = true;
	for (;;) {
		total = -1;
		for (i = 0; i < ROWS_COL__COUNT; i++)
			if (shown[i])
				total += rows_cols[i].min + 1;
		if (total <= screen_width)
			break;
		best = -1;
		for (i = 0; i < ROWS_COL__COUNT; i++)
			if (shown[i] && rows_cols[i].drop > 0 && (best == -1 ||
			    rows_cols[i].drop > rows_cols[best].drop))
				best = i;
		if (best == -1)
			break;
		shown[best] = false;
	}

	for (i = 0; i < ROWS_COL__COUNT; i++)
		l->width[i] = shown[i] ? rows_cols[i].min : 0;
	extra = screen_width - total;
	for (pass = 0; pass < 2 && extra > 0; pass++) {
		for (k = 0; k < ROWS_NITEMS(rows_grow) && extra > 0; k++) {
			i = rows_grow[k];
			if (!shown[i])
				continue;
			lim = pass == 0 ? rows_cols[i].want : rows_cols[i].max;
			add = lim - l->width[i];
			if (add <= 0)
				continue;
			if (add > extra)
				add = extra;
			l->width[i] += add;
			extra -= add;
		}
	}

	l->used = 0;
	for (i = 0; i < ROWS_COL__COUNT; i++) {
		if (!shown[i])
			continue;
		if (l->used > 0)
			l->used++;
		l->x[i] = l->used;
		l->used += l->width[i];
	}
}

const char *
rows_col_title(enum rows_col c)
{
	return (unsigned)c < ROWS_COL__COUNT ? rows_cols[c].title : "";
}

bool
rows_col_right(enum rows_col c)
{
	return (unsigned)c < ROWS_COL__COUNT && rows_cols[c].right;
}

/* The key that sorts by column c, or 0. */
int
rows_col_sort_key(enum rows_col c)
{
	return (unsigned)c < ROWS_COL__COUNT ? rows_cols[c].key : 0;
}

bool
rows_col_from_key(int key, enum rows_col *c)
{
	int	i;

	for (i = 0; i < ROWS_COL__COUNT; i++)
		if (key != 0 && rows_cols[i].key == key) {
			*c = (enum rows_col)i;
			return true;
		}
	return false;
}

/* "cpu" for `:sort cpu`. */
const char *
rows_col_name(enum rows_col c)
{
	return (unsigned)c < ROWS_COL__COUNT ? rows_cols[c].name : "";
}

bool
rows_col_from_name(const char *name, enum rows_col *c)
{
	int	i;

	for (i = 0; i < ROWS_COL__COUNT; i++)
		if (strcasecmp(name, rows_cols[i].name) == 0 ||
		    strcasecmp(name, rows_cols[i].title) == 0) {
			*c = (enum rows_col)i;
			return true;
		}
	return false;
}

/* Figures sort largest first at the first press: the busiest guest is
 * what one looks for. */
bool
rows_col_desc_first(enum rows_col c)
{
	return (unsigned)c < ROWS_COL__COUNT && rows_cols[c].desc_first;
}

/*
 * The text of one cell. Host rows fill HOST and HV only (the rest of the
 * line is rows_host_detail()); on guest rows HOST is left to the caller,
 * which draws the tree glyph. A figure the host did not give is "-".
 */
const char *
rows_cell(const struct row *row, enum rows_col col, char *buf, size_t len)
{
	const struct guest_snap	*g = row->gs;
	char			 a[16], b[16];

	buf[0] = '\0';
	if (row->kind == ROWS_HOST) {
		if (col == ROWS_COL_HOST)
			snprintf(buf, len, "%s", row->host_name);
		else if (col == ROWS_COL_HV)
			snprintf(buf, len, "%s", row->host_type);
		return buf;
	}

	switch (col) {
	case ROWS_COL_HOST:
		break;
	case ROWS_COL_HV:
		snprintf(buf, len, "%s", row->host_type);
		break;
	case ROWS_COL_NAME:
		snprintf(buf, len, "%s", g->name);
		break;
	case ROWS_COL_STATE:
		snprintf(buf, len, "%s", guest_state_name(g->state));
		break;
	case ROWS_COL_VCPU:
		if (g->have & GS_VCPUS)
			snprintf(buf, len, "%d", g->vcpus);
		else
			snprintf(buf, len, "-");
		break;
	case ROWS_COL_CPU:
		if (g->have & GS_CPU)
			snprintf(buf, len, "%.1f", g->cpu_pct > 100.0 ? 100.0 :
			    g->cpu_pct > 0.0 ? g->cpu_pct : 0.0);
		else
			snprintf(buf, len, "-");
		break;
	case ROWS_COL_MEM:
		if (g->have & GS_MEM)
			fmt_bytes(buf, len, g->mem_bytes);
		else
			snprintf(buf, len, "-");
		break;
	case ROWS_COL_DISK:
		if (g->have & GS_DISK)
			snprintf(buf, len, "%s/%s",
			    fmt_rate(a, sizeof a, g->disk_rd_bps),
			    fmt_rate(b, sizeof b, g->disk_wr_bps));
		else
			snprintf(buf, len, "-");
		break;
	case ROWS_COL_NET:
		if (g->have & GS_NET)
			snprintf(buf, len, "%s/%s",
			    fmt_rate(a, sizeof a, g->net_rx_bps),
			    fmt_rate(b, sizeof b, g->net_tx_bps));
		else
			snprintf(buf, len, "-");
		break;
	case ROWS_COL_UPTIME:
		if (g->have & GS_UPTIME)
			fmt_duration(buf, len, g->uptime_s);
		else
			snprintf(buf, len, "-");
		break;
	case ROWS_COL_CERT:
		/* No badge yet: the verdict waits for the host platform. */
		if (snap_cert_pending(g))
			snprintf(buf, len, "[ .. ]");
		else
			snprintf(buf, len, "[%s]",
			    cert_status_badge(g->cert.status));
		break;
	case ROWS_COL_OS:
		snprintf(buf, len, "%s", g->os != NULL ? g->os :
		    g->os_id != NULL ? g->os_id : "-");
		break;
	case ROWS_COL__COUNT:
		break;
	}
	return buf;
}

static void
rows_append(char *buf, size_t len, size_t *off, const char *s, size_t n)
{
	if (*off >= len)
		return;
	if (n > len - 1 - *off)
		n = len - 1 - *off;
	memcpy(buf + *off, s, n);
	*off += n;
	buf[*off] = '\0';
}

static void
rows_addf(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (*off >= len - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	*off += (size_t)n < len - *off ? (size_t)n : len - 1 - *off;
}

/*
 * What a host row says after its state: hypervisor, platform, guest count
 * and latency when up; the reason and the age of what is shown when down.
 */
const char *
rows_host_detail(const struct row *row, uint64_t now_ms, double refresh_s,
    char *buf, size_t len)
{
	const struct host_snap	*hs = row->hs;
	char			 age[16];
	size_t			 off = 0;
	bool			 old;

	buf[0] = '\0';
	if (len == 0)
		return buf;
	if (hs == NULL) {
		rows_addf(buf, len, &off, "waiting for the first poll");
		return buf;
	}
	old = hs->good_ms != 0 && now_ms >= snap_old_at(hs, refresh_s);
	if (hs->good_ms != 0 && now_ms > hs->good_ms)
		fmt_duration(age, sizeof age,
		    (int64_t)((now_ms - hs->good_ms) / 1000));
	else
		snprintf(age, sizeof age, "0s");

	switch (hs->state) {
	case HOST_UP:
		rows_addf(buf, len, &off, "%s  %s  %zu guest%s",
		    hs->hypervisor != NULL ? hs->hypervisor : "hypervisor ?",
		    hs->platform != NULL ? hs->platform :
		    hs->platform_pending ? "platform pending" :
		    "platform unknown",
		    hs->nguests, hs->nguests == 1 ? "" : "s");
		if (row->nshown < hs->nguests)
			rows_addf(buf, len, &off, " (%u shown)", row->nshown);
		rows_addf(buf, len, &off, ", %u running", row->nrunning);
		if (hs->latency_ms >= 0)
			rows_addf(buf, len, &off, "  %lld ms",
			    (long long)hs->latency_ms);
		if (old)
			rows_addf(buf, len, &off, "  last poll %s ago", age);
		break;
	case HOST_CONNECTING:
	case HOST_DOWN:
	default:
		if (hs->error != NULL && *hs->error != '\0')
			rows_addf(buf, len, &off, "%s", hs->error);
		else if (hs->state == HOST_DOWN)
			rows_addf(buf, len, &off, "unreachable");
		if (hs->nguests > 0)
			rows_addf(buf, len, &off, "%s%zu guest%s stale",
			    off > 0 ? "  " : "", hs->nguests,
			    hs->nguests == 1 ? "" : "s");
		if (hs->good_ms != 0)
			rows_addf(buf, len, &off, "%slast good poll %s ago",
			    off > 0 ? "  " : "", age);
		else if (hs->state == HOST_DOWN)
			rows_addf(buf, len, &off, "%snever reached",
			    off > 0 ? "  " : "");
		break;
	}
	return buf;
}

/*
 * Decodes one character at s: returns the bytes it takes and sets *w to
 * its width on screen. Bytes that are not a character of the locale, and
 * unprintable characters, count as one column and are flagged *bad, to be
 * drawn as '?' (so a C locale shows ASCII only).
 */
/* Characters that reorder the text after them on the terminal: a guest
 * name holding one could make the row lie about its neighbours. */
static bool
rows_bidi_control(wchar_t wc)
{
	return wc == 0x061c || wc == 0x200e || wc == 0x200f ||
	    (wc >= 0x202a && wc <= 0x202e) || (wc >= 0x2066 && wc <= 0x2069);
}

static size_t
rows_char(const char *s, mbstate_t *st, int *w, bool *bad)
{
	wchar_t	wc;
	size_t	n;
	int	cw;

	*bad = false;
	/* Printable ASCII is one column in every locale a terminal uses;
	 * the frame's text is mostly that. */
	if (*s >= 0x20 && *s <= 0x7e && mbsinit(st)) {
		*w = 1;
		return 1;
	}
	n = mbrtowc(&wc, s, MB_CUR_MAX, st);
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		memset(st, 0, sizeof *st);
		*w = 1;
		*bad = true;
		return 1;
	}
	cw = wcwidth(wc);
	if (cw < 0 || rows_bidi_control(wc)) {
		*w = 1;
		*bad = true;
	} else
		*w = cw;
	return n;
}

/* Columns that s takes on screen. */
int
rows_text_width(const char *s)
{
	mbstate_t	st;
	int		w, total = 0;
	bool		bad;

	memset(&st, 0, sizeof st);
	while (*s != '\0') {
		s += rows_char(s, &st, &w, &bad);
		total += w;
	}
	return total;
}

/* Appends n spaces. */
static void
rows_pad(char *buf, size_t len, size_t *off, size_t n)
{
	static const char	spaces[] = "                                ";
	size_t			k;

	for (; n > 0; n -= k) {
		k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
		rows_append(buf, len, off, spaces, k);
	}
}

/* The bytes at s up to the first that is not printable ASCII: one column
 * each in every locale a terminal uses. */
size_t
rows_ascii_len(const char *s)
{
	const char	*p = s;

	while (*p >= 0x20 && *p <= 0x7e)
		p++;
	return (size_t)(p - s);
}

/*
 * Fits src into exactly width screen columns: padded with spaces (on the
 * left when right-aligned), or cut with the ellipsis glyph (one column)
 * when too long. Unprintable characters become '?', and whitespace
 * controls (newlines in error messages) become spaces.
 */
const char *
rows_fit(const char *src, int width, bool right, const char *ellipsis,
    char *buf, size_t len)
{
	mbstate_t	 st;
	const char	*s = src;
	size_t		 off = 0, n;
	int		 total, ew = 0, limit, w = 0, cw;
	bool		 bad, cut;

	buf[0] = '\0';
	if (len == 0 || width <= 0)
		return buf;
	/* Most cells of a frame: printable ASCII that fits, copied with no
	 * character decoded. */
	n = rows_ascii_len(src);
	if (src[n] == '\0' && n <= (size_t)width) {
		if (right)
			rows_pad(buf, len, &off, (size_t)width - n);
		rows_append(buf, len, &off, src, n);
		if (!right)
			rows_pad(buf, len, &off, (size_t)width - n);
		return buf;
	}
	total = rows_text_width(src);
	cut = total > width;
	if (cut)
		ew = rows_text_width(ellipsis);
	limit = cut ? width - ew : width;
	if (limit < 0)
		limit = 0;
	if (right && !cut) {
		rows_pad(buf, len, &off, (size_t)(width - total));
		w = width - total;
	}

	memset(&st, 0, sizeof st);
	while (*s != '\0') {
		n = rows_char(s, &st, &cw, &bad);
		if (w + cw > limit)
			break;
		if (!bad)
			rows_append(buf, len, &off, s, n);
		else if (*s == '\n' || *s == '\t' || *s == '\r')
			rows_append(buf, len, &off, " ", 1);
		else
			rows_append(buf, len, &off, "?", 1);
		w += cw;
		s += n;
	}
	if (cut && width >= ew) {
		rows_append(buf, len, &off, ellipsis, strlen(ellipsis));
		w += ew;
	}
	if (w < width)
		rows_pad(buf, len, &off, (size_t)(width - w));
	return buf;
}

/*
 * Word-wraps src to width screen columns: returns the lines it takes (1
 * for an empty string) and, when line is one of them and buf is not NULL,
 * copies that line into buf. Lines break after the last space that fits,
 * at newlines, and inside a word longer than the width (URLs). Spaces at
 * a soft break are dropped. Nothing is formatted for the other lines.
 */
size_t
rows_wrap(const char *src, int width, size_t line, char *buf, size_t len)
{
	mbstate_t	 st;
	const char	*p = src, *q, *brk, *end, *next;
	size_t		 lines = 0, n = 0, off = 0;
	int		 w, cw;
	bool		 bad, soft;

	if (buf != NULL && len > 0)
		buf[0] = '\0';
	if (width < 1)
		width = 1;
	while (*p != '\0') {
		memset(&st, 0, sizeof st);
		brk = NULL;
		w = 0;
		for (q = p; *q != '\0' && *q != '\n'; q += n) {
			if (*q == ' ')
				brk = q;
			n = rows_char(q, &st, &cw, &bad);
			if (w + cw > width)
				break;
			w += cw;
		}
		soft = false;
		if (*q == '\0' || *q == '\n') {
			end = q;
			next = *q == '\n' ? q + 1 : q;
		} else if (brk != NULL && brk > p) {
			end = brk;
			next = brk + 1;
			soft = true;
		} else {
			if (q == p)		/* wider than the width */
				q += n;
			end = next = q;
		}
		while (end > p && end[-1] == ' ')
			end--;
		if (lines == line && buf != NULL)
			rows_append(buf, len, &off, p, (size_t)(end - p));
		lines++;
		p = next;
		while (soft && *p == ' ')
			p++;
	}
	return lines > 0 ? lines : 1;
}
