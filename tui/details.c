/* A guest's details page as lines of text: a fixed list of fields, of
 * which the long free texts (host error, certification reason, source
 * URL) are word-wrapped to the value column. Pure: no curses, no clock.
 * Main thread. */
#include "tui/details.h"

#include <stdio.h>

#include "core/fmt.h"
#include "core/snap.h"
#include "tui/rows.h"

enum details_kind {
	DK_GAP,		/* a blank line */
	DK_HEAD,	/* a section title */
	DK_ONE,		/* one line, cut by the caller */
	DK_WRAP		/* free text, wrapped */
};

/* id, label, kind. In this order the guest's identity and its
 * certification fit an 80x24 screen without scrolling. */
#define DETAILS_FIELD_LIST(_)				\
	_(GUEST,	"Guest",		HEAD)	\
	_(NAME,		"Name",			ONE)	\
	_(ID,		"Id",			ONE)	\
	_(OS,		"OS",			ONE)	\
	_(OS_ID,	"OS id",		ONE)	\
	_(VIRT,		"Virt type",		ONE)	\
	_(MACHINE,	"Machine type",		ONE)	\
	_(GENERATION,	"Generation",		ONE)	\
	_(CONFIG_VER,	"Config version",	ONE)	\
	_(HEARTBEAT,	"Heartbeat",		ONE)	\
	_(STATE,	"State",		ONE)	\
	_(HEALTH,	"Health",		ONE)	\
	_(GAP_CERT,	"",			GAP)	\
	_(CERT,		"Certification",	HEAD)	\
	_(CERT_STATUS,	"Status",		ONE)	\
	_(CERT_REASON,	"Reason",		WRAP)	\
	_(CERT_RULE,	"Rule",			ONE)	\
	_(CERT_SOURCE,	"Source",		WRAP)	\
	_(GAP_FIGURES,	"",			GAP)	\
	_(FIGURES,	"Figures",		HEAD)	\
	_(VCPUS,	"vCPUs",		ONE)	\
	_(CPU,		"CPU%",			ONE)	\
	_(MEM,		"Memory assigned",	ONE)	\
	_(MEM_MAX,	"Memory max",		ONE)	\
	_(MEM_USED,	"Memory used",		ONE)	\
	_(DISK,		"Disk R/W /s",		ONE)	\
	_(NET,		"Net RX/TX /s",		ONE)	\
	_(UPTIME,	"Uptime",		ONE)	\
	_(GAP_HOST,	"",			GAP)	\
	_(HOST,		"Host",			HEAD)	\
	_(HOST_NAME,	"Name",			ONE)	\
	_(HOST_TYPE,	"Type",			ONE)	\
	_(PLATFORM,	"Platform",		ONE)	\
	_(HYPERVISOR,	"Hypervisor",		ONE)	\
	_(HOST_STATE,	"State",		ONE)	\
	_(HOST_ERROR,	"Error",		WRAP)

#define DETAILS_ID_ENUM(id, label, kind) DF_##id,
enum details_id {
	DETAILS_FIELD_LIST(DETAILS_ID_ENUM)
	DF__COUNT
};
#undef DETAILS_ID_ENUM

struct details_field {
	const char		*label;
	enum details_kind	 kind;
};

static const struct details_field details_fields[DF__COUNT] = {
#define DETAILS_FIELD_INFO(id, label, kind) { label, DK_##kind },
	DETAILS_FIELD_LIST(DETAILS_FIELD_INFO)
#undef DETAILS_FIELD_INFO
};

static const char	*details_text(const struct row *, enum details_id);
static const char	*details_value(const struct row *, enum details_id,
			    char *, size_t);
static const char	*details_or(const char *);
static const char	*details_bytes(const struct guest_snap *, unsigned,
			    uint64_t, char *, size_t);

static const char *
details_or(const char *s)
{
	return s != NULL && *s != '\0' ? s : "-";
}

static const char *
details_bytes(const struct guest_snap *g, unsigned bit, uint64_t v,
    char *buf, size_t len)
{
	if ((g->have & bit) == 0)
		return "-";
	return fmt_bytes(buf, len, v);
}

/* The raw text of a wrapped field, straight from the snapshot. */
static const char *
details_text(const struct row *r, enum details_id id)
{
	const struct guest_snap	*g = r->gs;

	switch (id) {
	case DF_HOST_ERROR:
		return details_or(r->hs != NULL ? r->hs->error : NULL);
	case DF_CERT_REASON:
		return details_or(g->cert.reason);
	case DF_CERT_SOURCE:
		return details_or(g->cert.source);
	default:
		return "";
	}
}

/* The value of a one-line field; a figure the host did not give is "-",
 * as in the table (whose cells are reused). */
static const char *
details_value(const struct row *r, enum details_id id, char *buf,
    size_t len)
{
	const struct host_snap	*hs = r->hs;
	const struct guest_snap	*g = r->gs;

	switch (id) {
	case DF_HOST_NAME:
		return r->host_name;
	case DF_HOST_TYPE:
		return r->host_type;
	case DF_PLATFORM:
		return details_or(hs != NULL ? hs->platform : NULL);
	case DF_HYPERVISOR:
		return details_or(hs != NULL ? hs->hypervisor : NULL);
	case DF_HOST_STATE:
		return host_state_name(r->host_state);
	case DF_NAME:
		return details_or(g->name);
	case DF_ID:
		return details_or(g->id);
	case DF_OS:
		return details_or(g->os);
	case DF_OS_ID:
		return details_or(g->os_id);
	case DF_VIRT:
		return details_or(g->virt_type);
	case DF_MACHINE:
		return details_or(g->machine);
	case DF_GENERATION:
		if (g->generation <= 0)
			return "-";
		snprintf(buf, len, "%d", g->generation);
		return buf;
	case DF_CONFIG_VER:
		return details_or(g->config_version);
	case DF_HEARTBEAT:
		return details_or(g->heartbeat);
	case DF_STATE:
		return guest_state_name(g->state);
	case DF_HEALTH:
		return details_or(guest_health_name(g->health));
	case DF_VCPUS:
		return rows_cell(r, ROWS_COL_VCPU, buf, len);
	case DF_CPU:
		return rows_cell(r, ROWS_COL_CPU, buf, len);
	case DF_MEM:
		return rows_cell(r, ROWS_COL_MEM, buf, len);
	case DF_MEM_MAX:
		return details_bytes(g, GS_MEM_MAX, g->mem_max_bytes, buf, len);
	case DF_MEM_USED:
		return details_bytes(g, GS_MEM_USED, g->mem_used_bytes, buf,
		    len);
	case DF_DISK:
		return rows_cell(r, ROWS_COL_DISK, buf, len);
	case DF_NET:
		return rows_cell(r, ROWS_COL_NET, buf, len);
	case DF_UPTIME:
		return rows_cell(r, ROWS_COL_UPTIME, buf, len);
	case DF_CERT_STATUS:
		return cert_status_name(g->cert.status);
	case DF_CERT_RULE:
		return details_or(g->cert.rule);
	default:
		return "";
	}
}

/* Lines the page of guest row r takes when values get value_width
 * columns. Only the wrapped texts are measured; nothing is formatted. */
size_t
details_count(const struct row *r, int value_width)
{
	size_t	i, n = 0;

	if (r->gs == NULL)
		return 0;
	for (i = 0; i < DF__COUNT; i++)
		n += details_fields[i].kind == DK_WRAP ?
		    rows_wrap(details_text(r, i), value_width, 0, NULL, 0) : 1;
	return n;
}

/*
 * Line idx of the page of guest row r: false past the end. Values are
 * formatted into buf when needed; one-line values are left whole for the
 * caller to fit. stale notes, on the Figures title, that they are from an
 * earlier poll.
 */
bool
details_line(const struct row *r, int value_width, bool stale, size_t idx,
    struct details_line *out, char *buf, size_t len)
{
	const struct details_field	*f;
	size_t				 i, span;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < DF__COUNT; i++) {
		f = &details_fields[i];
		span = f->kind == DK_WRAP ?
		    rows_wrap(details_text(r, i), value_width, 0, NULL, 0) : 1;
		if (idx < span)
			break;
		idx -= span;
	}
	if (i == DF__COUNT || r->gs == NULL)
		return false;

	out->label = f->label;
	out->value = "";
	out->cert = r->gs->cert.status;
	switch (f->kind) {
	case DK_GAP:
		out->style = DETAILS_BLANK;
		break;
	case DK_HEAD:
		out->style = DETAILS_HEADING;
		if (i == DF_FIGURES && stale)
			out->value = "from an earlier poll (stale)";
		break;
	case DK_ONE:
		out->style = i == DF_CERT_STATUS ? DETAILS_CERT :
		    DETAILS_FIELD;
		out->value = details_value(r, i, buf, len);
		break;
	case DK_WRAP:
		out->style = idx == 0 ? DETAILS_FIELD : DETAILS_MORE;
		if (idx > 0)
			out->label = "";
		rows_wrap(details_text(r, i), value_width, idx, buf, len);
		out->value = buf;
		break;
	}
	return true;
}
