/* The `/` filter: parsing a line into terms and matching guest rows.
 * Every term must match (AND); a term that is not a valid regular
 * expression matches as plain text, and the filter says so. Main thread. */
#include "tui/filter.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/conf.h"
#include "core/model.h"
#include "core/snap.h"
#include "core/xmalloc.h"
#include "tui/rows.h"

static const char *const filter_fields[FILTER_F__COUNT] = {
#define FILTER_FIELD_NAME(id, name) name,
	FILTER_FIELD_LIST(FILTER_FIELD_NAME)
#undef FILTER_FIELD_NAME
};

static const char *filter_next_word(const char *, char *, size_t);
static void	filter_add(struct filter *, const char *);
static bool	filter_text(const struct filter_term *, const char *);
static bool	filter_tags(const struct filter_term *, const struct row *,
		    const struct cfg *);
static bool	filter_term(const struct filter_term *, const struct row *,
		    const struct cfg *);

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof *f);
}

void
filter_free(struct filter *f)
{
	size_t	i;

	for (i = 0; i < f->n; i++)
		if (f->term[i].regex)
			regfree(&f->term[i].re);
	memset(f, 0, sizeof *f);
}

const char *
filter_field_name(enum filter_field f)
{
	return (unsigned)f < FILTER_F__COUNT ? filter_fields[f] : NULL;
}

bool
filter_active(const struct filter *f)
{
	return f->n > 0;
}

/* Copies the next space-separated word of s into buf; NULL at the end. A
 * word may be double-quoted to hold spaces ("win server"). */
static const char *
filter_next_word(const char *s, char *buf, size_t len)
{
	size_t	n = 0;
	bool	quoted = false;

	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0')
		return NULL;
	for (; *s != '\0'; s++) {
		if (*s == '"') {
			quoted = !quoted;
			continue;
		}
		if (!quoted && (*s == ' ' || *s == '\t'))
			break;
		if (n + 1 < len)
			buf[n++] = *s;
	}
	buf[n] = '\0';
	return s;
}

/* Adds one word as a term: `!` negates, `field:` limits, the rest is a
 * pattern. A field name that is not known is part of the pattern (names
 * may hold colons). */
static void
filter_add(struct filter *f, const char *word)
{
	struct filter_term	*t;
	const char		*colon;
	size_t			 i, flen;
	char			 msg[96];
	int			 rc;

	if (f->n == FILTER_TERMS_MAX)
		return;
	t = &f->term[f->n];
	memset(t, 0, sizeof *t);
	if (*word == '!') {
		t->negate = true;
		word++;
	}
	if ((colon = strchr(word, ':')) != NULL) {
		flen = (size_t)(colon - word);
		for (i = 1; i < FILTER_F__COUNT; i++)
			if (strlen(filter_fields[i]) == flen &&
			    strncasecmp(word, filter_fields[i], flen) == 0) {
				t->field = (enum filter_field)i;
				word = colon + 1;
				break;
			}
	}
	if (*word == '\0' && t->field == FILTER_F_ANY)
		return;		/* a lone "!" while typing */
	strlcpy_cv(t->text, word, sizeof t->text);
	rc = regcomp(&t->re, t->text, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc == 0)
		t->regex = true;
	else if (f->error[0] == '\0') {
		regerror(rc, &t->re, msg, sizeof msg);
		snprintf(f->error, sizeof f->error, "\"%s\" matched as text: %s",
		    t->text, msg);
	}
	f->n++;
}

/* Replaces the filter with the terms of text; "" clears it. */
void
filter_set(struct filter *f, const char *text)
{
	char		 word[FILTER_TEXT_MAX];
	const char	*s = text;

	filter_free(f);
	strlcpy_cv(f->text, text, sizeof f->text);
	while ((s = filter_next_word(s, word, sizeof word)) != NULL)
		filter_add(f, word);
}

static bool
filter_text(const struct filter_term *t, const char *s)
{
	if (s == NULL)
		return false;
	if (t->regex)
		return regexec(&t->re, s, 0, NULL, 0) == 0;
	for (; *s != '\0'; s++)
		if (strncasecmp(s, t->text, strlen(t->text)) == 0)
			return true;
	return t->text[0] == '\0';
}

static bool
filter_tags(const struct filter_term *t, const struct row *r,
    const struct cfg *cfg)
{
	const struct cfg_host	*h;
	size_t			 i;

	if (cfg == NULL || r->host >= cfg->nhosts)
		return false;
	h = &cfg->hosts[r->host];
	for (i = 0; i < h->tags.n; i++)
		if (filter_text(t, h->tags.v[i]))
			return true;
	return false;
}

/* One term against one guest row, before negation. Like every term, a
 * state or cert term matches a part of the name: "state:run" is enough,
 * "state:off" finds shutoff, "cert:^c" certified and conditional. */
static bool
filter_term(const struct filter_term *t, const struct row *r,
    const struct cfg *cfg)
{
	const struct guest_snap	*g = r->gs;

	switch (t->field) {
	case FILTER_F_NAME:
		return filter_text(t, g->name);
	case FILTER_F_HOST:
		return filter_text(t, r->host_name);
	case FILTER_F_HV:
		return filter_text(t, r->host_type);
	case FILTER_F_STATE:
		return filter_text(t, guest_state_name(g->state));
	case FILTER_F_CERT:
		return filter_text(t, cert_status_name(g->cert.status));
	case FILTER_F_OS:
		return filter_text(t, g->os) || filter_text(t, g->os_id);
	case FILTER_F_TAG:
		return filter_tags(t, r, cfg);
	case FILTER_F_ID:
		return filter_text(t, g->id);
	case FILTER_F_ANY:
	default:
		return filter_text(t, g->name) ||
		    filter_text(t, r->host_name) || filter_text(t, g->os) ||
		    filter_text(t, g->os_id) ||
		    filter_text(t, guest_state_name(g->state));
	}
}

/* True when the guest row r meets every term. Host rows are kept or
 * dropped by the rows builder, from their guests. */
bool
filter_match(const struct filter *f, const struct row *r,
    const struct cfg *cfg)
{
	size_t	i;

	if (r->gs == NULL)
		return true;
	for (i = 0; i < f->n; i++)
		if (filter_term(&f->term[i], r, cfg) == f->term[i].negate)
			return false;
	return true;
}
