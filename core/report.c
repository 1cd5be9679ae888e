/* Batch output writers. Runs on the consumer's thread over an acquired
 * fleet view; absent figures print as null (JSON), empty (CSV) or "-". */
#include "core/report.h"

#include <string.h>

#include "core/fleet.h"
#include "core/fmt.h"
#include "core/snap.h"

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

/* A JSON string; bytes that are not UTF-8 become U+FFFD. Runs of bytes
 * that need nothing are written at once: this is most of a batch line. */
void
report_json_string(FILE *f, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s, *run;
	size_t			 n;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	while (*p != '\0') {
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p += n)
			if ((n = utf8_len(p)) == 0)
				break;
		if (p > run)
			fwrite(run, 1, (size_t)(p - run), f);
		if (*p == '\0')
			break;
		if (*p == '"' || *p == '\\') {
			fputc('\\', f);
			fputc(*p++, f);
		} else if (*p < 0x20) {
			fprintf(f, "\\u%04x", *p++);
		} else {
			fputs("\\ufffd", f);
			p++;
		}
	}
	fputc('"', f);
}

void
report_csv_field(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static bool
guest_stale(const struct host_snap *h, const struct report_clock *rc)
{
	if (h->stale)
		return true;
	return h->good_ms == 0 || (double)(rc->mono_ms - h->good_ms) >
	    3 * rc->refresh * 1000;
}

/* ---- JSON ---- */

static void
json_key(FILE *f, const char *key, bool first)
{
	fputs(first ? "\"" : ",\"", f);
	fputs(key, f);
	fputs("\":", f);
}

static void
json_u64(FILE *f, const char *key, bool have, uint64_t v)
{
	json_key(f, key, false);
	if (have)
		fprintf(f, "%llu", (unsigned long long)v);
	else
		fputs("null", f);
}

static void
json_num(FILE *f, const char *key, bool have, double v, int prec)
{
	json_key(f, key, false);
	if (have)
		fprintf(f, "%.*f", prec, v);
	else
		fputs("null", f);
}

static void
json_str(FILE *f, const char *key, const char *v)
{
	json_key(f, key, false);
	report_json_string(f, v);
}

static void
json_host(FILE *f, const struct host_snap *h, const struct report_clock *rc)
{
	json_key(f, "name", true);
	report_json_string(f, h->name);
	json_str(f, "type", h->type);
	json_str(f, "state", host_state_name(h->state));
	json_str(f, "error", h->error);
	json_str(f, "platform", h->platform);
	json_str(f, "hypervisor", h->hypervisor);
	json_num(f, "latency_ms", h->latency_ms >= 0, (double)h->latency_ms,
	    0);
	json_u64(f, "guest_count", true, h->nguests);
	json_num(f, "age_s", h->good_ms != 0, (double)(rc->mono_ms -
	    h->good_ms) / 1000.0, 1);
}

static void
json_guest(FILE *f, const struct host_snap *h, const struct guest_snap *g,
    bool stale)
{
	unsigned	have = g->have;

	json_key(f, "host", true);
	report_json_string(f, h->name);
	json_str(f, "name", g->name);
	json_str(f, "id", g->id);
	json_str(f, "state", guest_state_name(g->state));
	json_str(f, "health", guest_health_name(g->health));
	json_u64(f, "vcpus", have & GS_VCPUS, (uint64_t)g->vcpus);
	json_num(f, "cpu_pct", have & GS_CPU, g->cpu_pct, 1);
	json_u64(f, "mem_bytes", have & GS_MEM, g->mem_bytes);
	json_u64(f, "mem_max_bytes", have & GS_MEM_MAX, g->mem_max_bytes);
	json_u64(f, "mem_used_bytes", have & GS_MEM_USED, g->mem_used_bytes);
	json_num(f, "disk_rd_bps", have & GS_DISK, g->disk_rd_bps, 0);
	json_num(f, "disk_wr_bps", have & GS_DISK, g->disk_wr_bps, 0);
	json_num(f, "net_rx_bps", have & GS_NET, g->net_rx_bps, 0);
	json_num(f, "net_tx_bps", have & GS_NET, g->net_tx_bps, 0);
	json_u64(f, "uptime_s", have & GS_UPTIME, (uint64_t)g->uptime_s);
	json_str(f, "os", g->os);
	json_key(f, "stale", false);
	fputs(stale ? "true" : "false", f);
	json_key(f, "cert", false);
	fputc('{', f);
	json_key(f, "status", true);
	report_json_string(f, cert_status_name(g->cert.status));
	json_str(f, "reason", g->cert.reason);
	json_str(f, "rule", g->cert.rule);
	json_str(f, "source", g->cert.source);
	fputc('}', f);
}

static void
report_json(FILE *f, const struct fleet_view *v, const struct report_clock *rc)
{
	char	tbuf[32];
	bool	demo = false, first = true;
	size_t	i, j;

	for (i = 0; i < v->n; i++)
		demo |= v->hosts[i] != NULL && v->hosts[i]->demo;
	fprintf(f, "{\"time\":\"%s\",\"demo\":%s,\"hosts\":[",
	    fmt_time_utc(tbuf, sizeof tbuf, rc->wall), demo ? "true" : "false");
	for (i = 0; i < v->n; i++) {
		if (v->hosts[i] == NULL)
			continue;
		fputs(first ? "{" : ",{", f);
		json_host(f, v->hosts[i], rc);
		fputc('}', f);
		first = false;
	}
	fputs("],\"guests\":[", f);
	first = true;
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (h == NULL)
			continue;
		for (j = 0; j < h->nguests; j++) {
			fputs(first ? "{" : ",{", f);
			json_guest(f, h, &h->guests[j], guest_stale(h, rc));
			fputc('}', f);
			first = false;
		}
	}
	fputs("]}\n", f);
}

/* ---- CSV ---- */

static void
csv_u64(FILE *f, bool have, uint64_t v)
{
	if (have)
		fprintf(f, "%llu", (unsigned long long)v);
	fputc(',', f);
}

static void
csv_num(FILE *f, bool have, double v, int prec)
{
	if (have)
		fprintf(f, "%.*f", prec, v);
	fputc(',', f);
}

static void
csv_str(FILE *f, const char *s, bool last)
{
	report_csv_field(f, s);
	if (!last)
		fputc(',', f);
}

static void
csv_guest(FILE *f, const struct host_snap *h, const struct guest_snap *g,
    bool stale)
{
	unsigned	have = g->have;

	csv_str(f, h->name, false);
	csv_str(f, g->name, false);
	csv_str(f, g->id, false);
	csv_str(f, guest_state_name(g->state), false);
	csv_str(f, guest_health_name(g->health), false);
	csv_u64(f, have & GS_VCPUS, (uint64_t)g->vcpus);
	csv_num(f, have & GS_CPU, g->cpu_pct, 1);
	csv_u64(f, have & GS_MEM, g->mem_bytes);
	csv_u64(f, have & GS_MEM_MAX, g->mem_max_bytes);
	csv_u64(f, have & GS_MEM_USED, g->mem_used_bytes);
	csv_num(f, have & GS_DISK, g->disk_rd_bps, 0);
	csv_num(f, have & GS_DISK, g->disk_wr_bps, 0);
	csv_num(f, have & GS_NET, g->net_rx_bps, 0);
	csv_num(f, have & GS_NET, g->net_tx_bps, 0);
	csv_u64(f, have & GS_UPTIME, (uint64_t)g->uptime_s);
	csv_str(f, g->os, false);
	csv_str(f, stale ? "true" : "false", false);
	csv_str(f, cert_status_name(g->cert.status), false);
	csv_str(f, g->cert.reason, false);
	csv_str(f, g->cert.rule, false);
	csv_str(f, g->cert.source, true);
	fputc('\n', f);
}

static void
report_csv(FILE *f, const struct fleet_view *v, const struct report_clock *rc,
    bool first)
{
	size_t	i, j;

	if (first)
		fprintf(f, "%s\n", csv_columns);
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (h == NULL)
			continue;
		for (j = 0; j < h->nguests; j++)
			csv_guest(f, h, &h->guests[j], guest_stale(h, rc));
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

void
report_batch(FILE *f, enum report_format fmt, const struct fleet_view *v,
    const struct report_clock *rc, bool first)
{
	switch (fmt) {
	case REPORT_JSON:
		report_json(f, v, rc);
		break;
	case REPORT_CSV:
		report_csv(f, v, rc, first);
		break;
	case REPORT_TEXT:
		report_text(f, v, rc);
		break;
	}
	fflush(f);
}

/* ---- audit ---- */

static const char *const audit_columns =
    "time,host,guest,id,platform,os,status,reason,rule,source";

static void
audit_json(FILE *f, const struct fleet_view *v, const char *when)
{
	bool	first = true;
	size_t	i, j;

	fprintf(f, "{\"time\":\"%s\",\"hosts\":[", when);
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		fputs(i == 0 ? "{" : ",{", f);
		json_key(f, "name", true);
		report_json_string(f, h->name);
		json_str(f, "type", h->type);
		json_str(f, "state", host_state_name(h->state));
		json_str(f, "error", h->error);
		json_str(f, "platform", h->platform);
		fputc('}', f);
	}
	fputs("],\"guests\":[", f);
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		for (j = 0; j < h->nguests; j++) {
			const struct guest_snap *g = &h->guests[j];

			fputs(first ? "{" : ",{", f);
			first = false;
			json_key(f, "host", true);
			report_json_string(f, h->name);
			json_str(f, "guest", g->name);
			json_str(f, "id", g->id);
			json_str(f, "platform", h->platform);
			json_str(f, "os", g->os);
			json_str(f, "status", cert_status_name(g->cert.status));
			json_str(f, "reason", g->cert.reason);
			json_str(f, "rule", g->cert.rule);
			json_str(f, "source", g->cert.source);
			fputc('}', f);
		}
	}
	fputs("]}\n", f);
}

static void
audit_csv(FILE *f, const struct fleet_view *v, const char *when)
{
	size_t	i, j;

	fprintf(f, "%s\n", audit_columns);
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		for (j = 0; j < h->nguests; j++) {
			const struct guest_snap *g = &h->guests[j];

			csv_str(f, when, false);
			csv_str(f, h->name, false);
			csv_str(f, g->name, false);
			csv_str(f, g->id, false);
			csv_str(f, h->platform, false);
			csv_str(f, g->os, false);
			csv_str(f, cert_status_name(g->cert.status), false);
			csv_str(f, g->cert.reason, false);
			csv_str(f, g->cert.rule, false);
			csv_str(f, g->cert.source, true);
			fputc('\n', f);
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
	char	when[32];

	fmt_time_utc(when, sizeof when, wall);
	switch (fmt) {
	case REPORT_JSON:
		audit_json(f, v, when);
		break;
	case REPORT_CSV:
		audit_csv(f, v, when);
		break;
	case REPORT_TEXT:
		audit_text(f, v, when);
		break;
	}
	fflush(f);
}
