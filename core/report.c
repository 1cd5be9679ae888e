/* Batch output writers. Runs on the consumer's thread over an acquired
 * fleet view; absent figures print as null (JSON), empty (CSV) or "-". */
#include "core/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fleet.h"
#include "core/fmt.h"
#include "core/snap.h"
#include "core/xmalloc.h"

static const char *const csv_columns =
    "host,name,id,state,health,vcpus,cpu_pct,mem_bytes,mem_max_bytes,"
    "mem_used_bytes,disk_rd_bps,disk_wr_bps,net_rx_bps,net_tx_bps,uptime_s,"
    "os,stale,cert_status,cert_reason,cert_rule,cert_source";

int
report_format_from_name(const char *name, enum report_format *out)
{
	if (strcmp(name, "text") == 0)
		*out = REPORT_TEXT;
	else if (strcmp(name, "csv") == 0)
		*out = REPORT_CSV;
	else if (strcmp(name, "json") == 0)
		*out = REPORT_JSON;
	else
		return -1;
	return 0;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t	n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	if (n == 3 && ((s[0] == 0xe0 && s[1] < 0xa0) ||
	    (s[0] == 0xed && s[1] >= 0xa0)))
		return 0;
	if (n == 4 && ((s[0] == 0xf0 && s[1] < 0x90) ||
	    (s[0] == 0xf4 && s[1] >= 0x90)))
		return 0;
	return n;
}

/* ---- output buffer ---- */

/*
 * A JSON or CSV report is built in memory and written in 64 KiB blocks: a
 * locked stdio call per field, with printf for every number, cost more
 * than the fields. The block is not the whole report (half a megabyte a
 * refresh for 1000 guests): memory for it would be taken and given back
 * to the system at every refresh.
 */
#define OB_BLOCK	65536

struct obuf {
	FILE	*f;
	char	*p;
	size_t	 len;
	size_t	 cap;
};

/* Room for n more bytes: the block is written out first, and grows only
 * for a single piece larger than it. A buffer with no FILE grows instead.
 * The callers test first, as this is rare. */
static void
ob_grow(struct obuf *b, size_t n)
{
	if (b->f != NULL && b->len > 0) {
		fwrite(b->p, 1, b->len, b->f);
		b->len = 0;
		if (b->cap >= n)
			return;
	}
	if (b->cap == 0)
		b->cap = b->f != NULL ? OB_BLOCK : 256;
	while (b->cap - b->len < n)
		b->cap *= 2;
	b->p = xreallocarray(b->p, b->cap, 1);
}

static inline void
ob_put(struct obuf *b, const void *s, size_t n)
{
	if (b->cap - b->len < n)
		ob_grow(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static inline void
ob_putc(struct obuf *b, char c)
{
	if (b->len == b->cap)
		ob_grow(b, 1);
	b->p[b->len++] = c;
}

static void
ob_puts(struct obuf *b, const char *s)
{
	ob_put(b, s, strlen(s));
}

static void
ob_u64(struct obuf *b, uint64_t v)
{
	char	 d[20], *p = d + sizeof d;

	do
		*--p = '0' + v % 10;
	while ((v /= 10) != 0);
	ob_put(b, p, (size_t)(d + sizeof d - p));
}

/*
 * "%.*f" of v for prec 0 or 1, the same bytes printf gives. printf rounds
 * the exact x = v * 10^prec to an integer, a tie to even. The product s
 * computed here is within a relative 2^-53 of x, so it rounds the same way
 * unless its fraction is about that close to one half: those, negatives,
 * -0, NaN, infinities and values past 1e15 go to snprintf.
 */
static void
ob_fixed(struct obuf *b, double v, int prec)
{
	char		 tmp[320];	/* -DBL_MAX as "%.1f" is 312 long */
	double		 s = prec == 1 ? v * 10 : v, frac, off;
	uint64_t	 n;
	int		 len;

	if ((prec == 0 || prec == 1) && v >= 0 && !signbit(v) && s < 1e15) {
		n = (uint64_t)s;
		frac = s - (double)n;
		off = frac > 0.5 ? frac - 0.5 : 0.5 - frac;
		if (off > s * 1e-15) {
			n += frac > 0.5;
			if (prec == 0) {
				ob_u64(b, n);
				return;
			}
			ob_u64(b, n / 10);
			ob_putc(b, '.');
			ob_putc(b, '0' + n % 10);
			return;
		}
	}
	len = snprintf(tmp, sizeof tmp, "%.*f", prec, v);
	if (len > 0)
		ob_put(b, tmp, (size_t)len < sizeof tmp ? (size_t)len :
		    sizeof tmp - 1);
}

/* Writes out and empties b. */
static void
ob_write(struct obuf *b)
{
	if (b->len != 0)
		fwrite(b->p, 1, b->len, b->f);
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

/* The ASCII bytes a JSON string holds as they are: not the controls, '"'
 * or '\\'. Bytes from 0x80 are checked as UTF-8 apart. */
static const unsigned char json_plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

#define ONES	0x0101010101010101ULL
#define HIGHS	0x8080808080808080ULL

/* Whether a byte of w is below n (n <= 128). Exact for the word as a
 * whole: a borrow marks a byte wrongly only above one truly below n. */
static inline uint64_t
word_below(uint64_t w, unsigned n)
{
	return (w - ONES * n) & ~w & HIGHS;
}

/* Whether all eight bytes of w are json_plain. */
static inline bool
word_plain(uint64_t w)
{
	return ((w & HIGHS) | word_below(w, 0x20) |
	    word_below(w ^ (ONES * '"'), 1) |
	    word_below(w ^ (ONES * '\\'), 1)) == 0;
}

/* The first byte from p on that is not json_plain, or end. Eight bytes at
 * a time: most strings of a batch line hold no byte to escape. */
static const unsigned char *
plain_end(const unsigned char *p, const unsigned char *end)
{
	uint64_t	w;

	for (; end - p >= 8; p += 8) {
		memcpy(&w, p, sizeof w);
		if (!word_plain(w))
			break;
	}
	while (p < end && json_plain[*p])
		p++;
	return p;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD. Runs of bytes
 * that need nothing are copied at once: this is most of a batch line, and
 * most of that is printable ASCII, passed over without utf8_len. */
static void
json_string(struct obuf *b, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s, *run, *end;
	size_t			 n;

	if (s == NULL) {
		ob_put(b, "null", 4);
		return;
	}
	end = p + strlen(s);
	ob_putc(b, '"');
	while (p < end) {
		for (run = p;; p += n) {
			p = plain_end(p, end);
			if (p == end || *p < 0x80 || (n = utf8_len(p)) == 0)
				break;
		}
		if (p > run)
			ob_put(b, run, (size_t)(p - run));
		if (p == end)
			break;
		if (*p == '"' || *p == '\\') {
			ob_putc(b, '\\');
			ob_putc(b, (char)*p++);
		} else if (*p < 0x20) {
			ob_put(b, "\\u00", 4);
			ob_putc(b, hex[*p >> 4]);
			ob_putc(b, hex[*p++ & 0xf]);
		} else {
			ob_put(b, "\\ufffd", 6);
			p++;
		}
	}
	ob_putc(b, '"');
}

void
report_json_string(FILE *f, const char *s)
{
	struct obuf	b = { f, NULL, 0, 0 };

	json_string(&b, s);
	ob_write(&b);
}

static void
csv_field(struct obuf *b, const char *s)
{
	const char	*q;

	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		ob_puts(b, s);
		return;
	}
	ob_putc(b, '"');
	for (; (q = strchr(s, '"')) != NULL; s = q + 1) {
		ob_put(b, s, (size_t)(q - s + 1));
		ob_putc(b, '"');
	}
	ob_puts(b, s);
	ob_putc(b, '"');
}

void
report_csv_field(FILE *f, const char *s)
{
	struct obuf	b = { f, NULL, 0, 0 };

	csv_field(&b, s);
	ob_write(&b);
}

static bool
guest_stale(const struct host_snap *h, const struct report_clock *rc)
{
	if (h->stale)
		return true;
	return h->good_ms == 0 || rc->mono_ms >= snap_old_at(h, rc->refresh);
}

/* ---- JSON ---- */

/*
 * A key goes out as one piece built at compile time, quotes, colon and the
 * comma before it included: KEY("name") is ,"name": and FIRST_KEY("name")
 * is "name":, each with its length. A batch line holds twenty keys a guest.
 */
#define KEY(k)		",\"" k "\":", sizeof(",\"" k "\":") - 1
#define FIRST_KEY(k)	"\"" k "\":", sizeof("\"" k "\":") - 1

static void
json_u64(struct obuf *b, const char *key, size_t klen, bool have, uint64_t v)
{
	ob_put(b, key, klen);
	if (have)
		ob_u64(b, v);
	else
		ob_put(b, "null", 4);
}

static void
json_num(struct obuf *b, const char *key, size_t klen, bool have, double v,
    int prec)
{
	ob_put(b, key, klen);
	if (have)
		ob_fixed(b, v, prec);
	else
		ob_put(b, "null", 4);
}

static void
json_str(struct obuf *b, const char *key, size_t klen, const char *v)
{
	ob_put(b, key, klen);
	json_string(b, v);
}

/*
 * The last string a field wrote, escaped, by its address. A batch line
 * repeats the host's name in each of its guests, and a host's snapshot
 * keeps one copy of an OS name or a verdict's text for the guests in a row
 * that share it (snap_builder_add_at): the same address, written again as
 * it was. Addresses are compared within one report only, whose snapshots
 * stay held until it ends.
 */
struct json_memo {
	const char	*src;		/* NULL at first; a null copies as "null" */
	bool		 filled;	/* esc holds src escaped */
	struct obuf	 esc;		/* no FILE: it grows */
};

enum { JM_HOST, JM_OS, JM_REASON, JM_RULE, JM_SOURCE, JM_N };

/* A string is kept escaped once it comes twice in a row: where guests in a
 * row differ, the memo costs a comparison. */
static void
json_string_memo(struct obuf *b, struct json_memo *m, const char *s)
{
	if (m->src != s) {
		m->src = s;
		m->filled = false;
		json_string(b, s);
		return;
	}
	if (!m->filled) {
		m->esc.len = 0;
		json_string(&m->esc, s);
		m->filled = true;
	}
	ob_put(b, m->esc.p, m->esc.len);
}

static void
json_host(struct obuf *b, const struct host_snap *h,
    const struct report_clock *rc)
{
	ob_put(b, FIRST_KEY("name"));
	json_string(b, h->name);
	json_str(b, KEY("type"), h->type);
	json_str(b, KEY("state"), host_state_name(h->state));
	json_str(b, KEY("error"), h->error);
	json_str(b, KEY("platform"), h->platform);
	json_str(b, KEY("hypervisor"), h->hypervisor);
	json_num(b, KEY("latency_ms"), h->latency_ms >= 0,
	    (double)h->latency_ms, 0);
	json_u64(b, KEY("guest_count"), true, h->nguests);
	json_num(b, KEY("age_s"), h->good_ms != 0, (double)(rc->mono_ms -
	    h->good_ms) / 1000.0, 1);
}

static void
json_guest(struct obuf *b, struct json_memo *memo, const struct host_snap *h,
    const struct guest_snap *g, bool stale)
{
	unsigned	have = g->have;

	ob_put(b, FIRST_KEY("host"));
	json_string_memo(b, &memo[JM_HOST], h->name);
	json_str(b, KEY("name"), g->name);
	json_str(b, KEY("id"), g->id);
	json_str(b, KEY("state"), guest_state_name(g->state));
	json_str(b, KEY("health"), guest_health_name(g->health));
	json_u64(b, KEY("vcpus"), have & GS_VCPUS, (uint64_t)g->vcpus);
	json_num(b, KEY("cpu_pct"), have & GS_CPU, g->cpu_pct, 1);
	json_u64(b, KEY("mem_bytes"), have & GS_MEM, g->mem_bytes);
	json_u64(b, KEY("mem_max_bytes"), have & GS_MEM_MAX, g->mem_max_bytes);
	json_u64(b, KEY("mem_used_bytes"), have & GS_MEM_USED,
	    g->mem_used_bytes);
	json_num(b, KEY("disk_rd_bps"), have & GS_DISK, g->disk_rd_bps, 0);
	json_num(b, KEY("disk_wr_bps"), have & GS_DISK, g->disk_wr_bps, 0);
	json_num(b, KEY("net_rx_bps"), have & GS_NET, g->net_rx_bps, 0);
	json_num(b, KEY("net_tx_bps"), have & GS_NET, g->net_tx_bps, 0);
	json_u64(b, KEY("uptime_s"), have & GS_UPTIME, (uint64_t)g->uptime_s);
	ob_put(b, KEY("os"));
	json_string_memo(b, &memo[JM_OS], g->os);
	ob_put(b, KEY("stale"));
	ob_puts(b, stale ? "true" : "false");
	ob_put(b, KEY("cert"));
	ob_putc(b, '{');
	ob_put(b, FIRST_KEY("status"));
	json_string(b, cert_status_name(g->cert.status));
	ob_put(b, KEY("reason"));
	json_string_memo(b, &memo[JM_REASON], g->cert.reason);
	ob_put(b, KEY("rule"));
	json_string_memo(b, &memo[JM_RULE], g->cert.rule);
	ob_put(b, KEY("source"));
	json_string_memo(b, &memo[JM_SOURCE], g->cert.source);
	ob_putc(b, '}');
}

static void
report_json(struct obuf *b, const struct fleet_view *v,
    const struct report_clock *rc)
{
	struct json_memo memo[JM_N];
	char		 tbuf[32];
	bool		 demo = false, first = true;
	size_t		 i, j;

	for (i = 0; i < v->n; i++)
		demo |= v->hosts[i] != NULL && v->hosts[i]->demo;
	ob_puts(b, "{\"time\":\"");
	ob_puts(b, fmt_time_utc(tbuf, sizeof tbuf, rc->wall));
	ob_puts(b, demo ? "\",\"demo\":true" : "\",\"demo\":false");
	ob_puts(b, ",\"hosts\":[");
	for (i = 0; i < v->n; i++) {
		if (v->hosts[i] == NULL)
			continue;
		if (!first)
			ob_putc(b, ',');
		ob_putc(b, '{');
		json_host(b, v->hosts[i], rc);
		ob_putc(b, '}');
		first = false;
	}
	ob_puts(b, "],\"guests\":[");
	memset(memo, 0, sizeof memo);
	first = true;
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (h == NULL)
			continue;
		for (j = 0; j < h->nguests; j++) {
			if (!first)
				ob_putc(b, ',');
			ob_putc(b, '{');
			json_guest(b, memo, h, &h->guests[j],
			    guest_stale(h, rc));
			ob_putc(b, '}');
			first = false;
		}
	}
	ob_puts(b, "]}\n");
	for (i = 0; i < JM_N; i++)
		free(memo[i].esc.p);
}

/* ---- CSV ---- */

static void
csv_u64(struct obuf *b, bool have, uint64_t v)
{
	if (have)
		ob_u64(b, v);
	ob_putc(b, ',');
}

static void
csv_num(struct obuf *b, bool have, double v, int prec)
{
	if (have)
		ob_fixed(b, v, prec);
	ob_putc(b, ',');
}

static void
csv_str(struct obuf *b, const char *s, bool last)
{
	csv_field(b, s);
	if (!last)
		ob_putc(b, ',');
}

static void
csv_guest(struct obuf *b, const struct host_snap *h,
    const struct guest_snap *g, bool stale)
{
	unsigned	have = g->have;

	csv_str(b, h->name, false);
	csv_str(b, g->name, false);
	csv_str(b, g->id, false);
	csv_str(b, guest_state_name(g->state), false);
	csv_str(b, guest_health_name(g->health), false);
	csv_u64(b, have & GS_VCPUS, (uint64_t)g->vcpus);
	csv_num(b, have & GS_CPU, g->cpu_pct, 1);
	csv_u64(b, have & GS_MEM, g->mem_bytes);
	csv_u64(b, have & GS_MEM_MAX, g->mem_max_bytes);
	csv_u64(b, have & GS_MEM_USED, g->mem_used_bytes);
	csv_num(b, have & GS_DISK, g->disk_rd_bps, 0);
	csv_num(b, have & GS_DISK, g->disk_wr_bps, 0);
	csv_num(b, have & GS_NET, g->net_rx_bps, 0);
	csv_num(b, have & GS_NET, g->net_tx_bps, 0);
	csv_u64(b, have & GS_UPTIME, (uint64_t)g->uptime_s);
	csv_str(b, g->os, false);
	csv_str(b, stale ? "true" : "false", false);
	csv_str(b, cert_status_name(g->cert.status), false);
	csv_str(b, g->cert.reason, false);
	csv_str(b, g->cert.rule, false);
	csv_str(b, g->cert.source, true);
	ob_putc(b, '\n');
}

static void
report_csv(struct obuf *b, const struct fleet_view *v,
    const struct report_clock *rc, bool first)
{
	size_t	i, j;

	if (first) {
		ob_puts(b, csv_columns);
		ob_putc(b, '\n');
	}
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (h == NULL)
			continue;
		for (j = 0; j < h->nguests; j++)
			csv_guest(b, h, &h->guests[j], guest_stale(h, rc));
	}
}

/* ---- text ---- */

static const char *
text_fig(char *buf, size_t len, bool have, char *(*fn)(char *, size_t,
    double), double v)
{
	if (!have)
		return "-";
	return fn(buf, len, v);
}

static char *
fmt_pct(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.1f", v);
	return buf;
}

static char *
fmt_mem(char *buf, size_t len, double v)
{
	return fmt_bytes(buf, len, (uint64_t)v);
}

static char *
fmt_up(char *buf, size_t len, double v)
{
	return fmt_duration(buf, len, (int64_t)v);
}

/* A name as text output shows it: control characters, which a guest name
 * may hold, become '?' so they cannot move the terminal's cursor: C0, DEL,
 * C1 (U+0080-U+009F, which some terminals obey as escapes even in UTF-8)
 * and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), which would make one name read as another. The text is
 * cut at a character boundary. */
static const char *
text_safe(const char *s, char *buf, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, o = 0, n;

	while (p[i] != '\0' && o + 1 < len) {
		n = utf8_len(p + i);
		if (n == 0 || p[i] < 0x20 || p[i] == 0x7f ||
		    (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) ||
		    (n == 3 && p[i] == 0xe2 && p[i + 1] == 0x80 &&
		    p[i + 2] >= 0xaa && p[i + 2] <= 0xae) ||
		    (n == 3 && p[i] == 0xe2 && p[i + 1] == 0x81 &&
		    p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9)) {
			buf[o++] = '?';
			i += n ? n : 1;
			continue;
		}
		if (o + n >= len)
			break;
		memcpy(buf + o, p + i, n);
		o += n;
		i += n;
	}
	buf[o] = '\0';
	return buf;
}

static void
text_guest(FILE *f, const struct host_snap *h, const struct guest_snap *g)
{
	char		b[8][32], name[64], os[128];
	unsigned	have = g->have;

	if (have & GS_VCPUS)
		snprintf(b[7], sizeof b[7], "%d", g->vcpus);
	fprintf(f, "%-12.12s %-20.20s %-8.8s %4s %5s %6s %6s %6s %6s %6s %7s "
	    "%-5s %s\n", h->name, text_safe(g->name, name, sizeof name),
	    guest_state_name(g->state),
	    (have & GS_VCPUS) ? b[7] : "-",
	    text_fig(b[0], 32, have & GS_CPU, fmt_pct, g->cpu_pct),
	    text_fig(b[1], 32, have & GS_MEM, fmt_mem, (double)g->mem_bytes),
	    text_fig(b[2], 32, have & GS_DISK, fmt_rate, g->disk_rd_bps),
	    text_fig(b[3], 32, have & GS_DISK, fmt_rate, g->disk_wr_bps),
	    text_fig(b[4], 32, have & GS_NET, fmt_rate, g->net_rx_bps),
	    text_fig(b[5], 32, have & GS_NET, fmt_rate, g->net_tx_bps),
	    text_fig(b[6], 32, have & GS_UPTIME, fmt_up, (double)g->uptime_s),
	    cert_status_badge(g->cert.status),
	    g->os ? text_safe(g->os, os, sizeof os) : "-");
}

static void
report_text(FILE *f, const struct fleet_view *v, const struct report_clock *rc)
{
	char	tbuf[32];
	size_t	i, j;

	fprintf(f, "crossvisor %s\n", fmt_time_utc(tbuf, sizeof tbuf,
	    rc->wall));
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (h == NULL)
			continue;
		fprintf(f, "host %-12s %-6s %-10s %zu guests  %s%s%s\n",
		    h->name, h->type, host_state_name(h->state), h->nguests,
		    h->hypervisor ? h->hypervisor : "",
		    h->error ? "  " : "", h->error ? h->error : "");
	}
	fprintf(f, "%-12s %-20s %-8s %4s %5s %6s %6s %6s %6s %6s %7s %-5s %s\n",
	    "HOST", "NAME", "STATE", "VCPU", "CPU%", "MEM", "DISK-R", "DISK-W",
	    "NET-RX", "NET-TX", "UPTIME", "CERT", "OS");
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (h == NULL)
			continue;
		for (j = 0; j < h->nguests; j++)
			text_guest(f, h, &h->guests[j]);
	}
	fputc('\n', f);
}

/* JSON and CSV go through one buffer, written at once; text stays on
 * stdio, whose padded columns printf does best. */
void
report_batch(FILE *f, enum report_format fmt, const struct fleet_view *v,
    const struct report_clock *rc, bool first)
{
	struct obuf	b = { f, NULL, 0, 0 };

	switch (fmt) {
	case REPORT_JSON:
		report_json(&b, v, rc);
		break;
	case REPORT_CSV:
		report_csv(&b, v, rc, first);
		break;
	case REPORT_TEXT:
		report_text(f, v, rc);
		break;
	}
	ob_write(&b);
	fflush(f);
}

/* ---- audit ---- */

static const char *const audit_columns =
    "time,host,guest,id,platform,os,status,reason,rule,source";

static void
audit_json(struct obuf *b, const struct fleet_view *v, const char *when)
{
	bool	first = true;
	size_t	i, j;

	ob_puts(b, "{\"time\":\"");
	ob_puts(b, when);
	ob_puts(b, "\",\"hosts\":[");
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (i != 0)
			ob_putc(b, ',');
		ob_putc(b, '{');
		ob_put(b, FIRST_KEY("name"));
		json_string(b, h->name);
		json_str(b, KEY("type"), h->type);
		json_str(b, KEY("state"), host_state_name(h->state));
		json_str(b, KEY("error"), h->error);
		json_str(b, KEY("platform"), h->platform);
		ob_putc(b, '}');
	}
	ob_puts(b, "],\"guests\":[");
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		for (j = 0; j < h->nguests; j++) {
			const struct guest_snap *g = &h->guests[j];

			if (!first)
				ob_putc(b, ',');
			ob_putc(b, '{');
			first = false;
			ob_put(b, FIRST_KEY("host"));
			json_string(b, h->name);
			json_str(b, KEY("guest"), g->name);
			json_str(b, KEY("id"), g->id);
			json_str(b, KEY("platform"), h->platform);
			json_str(b, KEY("os"), g->os);
			json_str(b, KEY("status"),
			    cert_status_name(g->cert.status));
			json_str(b, KEY("reason"), g->cert.reason);
			json_str(b, KEY("rule"), g->cert.rule);
			json_str(b, KEY("source"), g->cert.source);
			ob_putc(b, '}');
		}
	}
	ob_puts(b, "]}\n");
}

static void
audit_csv(struct obuf *b, const struct fleet_view *v, const char *when)
{
	size_t	i, j;

	ob_puts(b, audit_columns);
	ob_putc(b, '\n');
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		for (j = 0; j < h->nguests; j++) {
			const struct guest_snap *g = &h->guests[j];

			csv_str(b, when, false);
			csv_str(b, h->name, false);
			csv_str(b, g->name, false);
			csv_str(b, g->id, false);
			csv_str(b, h->platform, false);
			csv_str(b, g->os, false);
			csv_str(b, cert_status_name(g->cert.status), false);
			csv_str(b, g->cert.reason, false);
			csv_str(b, g->cert.rule, false);
			csv_str(b, g->cert.source, true);
			ob_putc(b, '\n');
		}
	}
}

static void
audit_text(FILE *f, const struct fleet_view *v, const char *when)
{
	char	name[64], os[64];
	size_t	i, j;

	fprintf(f, "crossvisor audit %s\n", when);
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		fprintf(f, "host %-12s %-6s %-8s platform %s%s%s\n", h->name,
		    h->type, host_state_name(h->state),
		    h->platform ? h->platform : "unknown",
		    h->error ? "  " : "", h->error ? h->error : "");
	}
	fprintf(f, "%-12s %-24s %-7s %-24s %-24s %s\n", "HOST", "GUEST",
	    "STATUS", "PLATFORM", "OS", "REASON (RULE; SOURCE)");
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		for (j = 0; j < h->nguests; j++) {
			const struct guest_snap *g = &h->guests[j];

			fprintf(f, "%-12s %-24s [%s] %-24s %-24s %s (%s; %s)\n",
			    h->name, text_safe(g->name, name, sizeof name),
			    cert_status_badge(g->cert.status),
			    h->platform ? h->platform : "-",
			    g->os ? text_safe(g->os, os, sizeof os) : "-",
			    g->cert.reason, g->cert.rule ? g->cert.rule : "-",
			    g->cert.source ? g->cert.source : "-");
		}
	}
}

/* The certification report of DESIGN.md: every host (audited or not, and
 * why) and every guest with its verdict. */
void
report_audit(FILE *f, enum report_format fmt, const struct fleet_view *v,
    int64_t wall)
{
	struct obuf	b = { f, NULL, 0, 0 };
	char		when[32];

	fmt_time_utc(when, sizeof when, wall);
	switch (fmt) {
	case REPORT_JSON:
		audit_json(&b, v, when);
		break;
	case REPORT_CSV:
		audit_csv(&b, v, when);
		break;
	case REPORT_TEXT:
		audit_text(f, v, when);
		break;
	}
	ob_write(&b);
	fflush(f);
}
