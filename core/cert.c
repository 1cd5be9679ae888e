/* The certification engine. Pure and reentrant: it reads the matrix and
 * the input and writes only the caller's verdict, so poller threads share
 * one matrix without locks. */
#include "core/cert.h"

#include <assert.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/snap.h"
#include "core/xmalloc.h"

#define VERSION_LEN	32
#define CLAUSE_LEN	256

/* A parsed pattern (see cert.h). */
enum pat_kind {
	PAT_ANY,
	PAT_PREFIX,
	PAT_NAME,
	PAT_GE,
	PAT_RANGE
};

struct pat {
	enum pat_kind	 kind;
	const char	*stem;		/* (borrowed) into the pattern */
	size_t		 stemlen;
	char		 lo[VERSION_LEN];
	char		 hi[VERSION_LEN];
};

/* The state of one evaluation. */
struct eval {
	const struct cert_matrix *m;
	const struct cert_input	*in;
	struct cert_verdict	*v;
	const char		*platform;	/* NULL: not identified */
	const char		*guest;		/* NULL: not identified */
	const char		*base;		/* the row's or rule's reason */
	long			 oldest;	/* oldest checked day; 0 none */
};

static const char *const outcome_names[] = {
#define CERT_OUTCOME_NAME(id, name) name,
	CERT_OUTCOME_LIST(CERT_OUTCOME_NAME)
#undef CERT_OUTCOME_NAME
};

static const char *const level_names[] = {
#define CERT_LEVEL_NAME(id, name) name,
	CERT_LEVEL_LIST(CERT_LEVEL_NAME)
#undef CERT_LEVEL_NAME
};

static const char *const key_names[] = {
#define CERT_KEY_NAME(id, name) name,
	CERT_KEY_LIST(CERT_KEY_NAME)
#undef CERT_KEY_NAME
};

static const char *const idsrc_names[] = {
#define CERT_IDSRC_NAME(id, name) name,
	CERT_IDSRC_LIST(CERT_IDSRC_NAME)
#undef CERT_IDSRC_NAME
};

/* What an unknown fact is called in "not verified: ... unknown". */
static const char *const key_unknown[] = {
	"vCPU count", "memory size", "VM generation", "machine type",
	"virt type", "configuration version", "today's date", NULL
};

static bool	 empty(const char *);
static bool	 version_ok(const char *, size_t);
static size_t	 version_parts(const char *);
static int	 version_cmp_n(const char *, const char *, size_t);
static size_t	 trailing_version(const char *, size_t);
static const char *pat_parse(const char *, struct pat *);
static bool	 stem_version(const struct pat *, const char *,
		     const char **);
static const char *machine_family(const char *, char *, size_t);
static bool	 any_match(char *const *, size_t, const char *);
static bool	 row_matches(const struct cert_row *, const struct eval *);
static void	 add_source(struct eval *, const struct cert_source *);
static struct cert_check *add_check(struct eval *, const char *,
		     const char *, enum cert_level, enum cert_outcome);
static enum cert_outcome cond_test(const struct cert_cond *,
		     const struct cert_input *, char *, size_t);
static void	 lower(struct eval *, enum cert_status, const char *,
		     const struct cert_source *);
static void	 eval_conds(struct eval *, const struct cert_row *);
static void	 eval_identity(struct eval *);
static void	 clause(char *, size_t, bool *, const char *, ...)
		     __attribute__((format(printf, 4, 5)));
static bool	 compose_pass(const struct cert_check *, int);
static void	 compose(struct eval *);
static void	 finish(struct eval *);
static void	 eval_tcg(struct eval *);
static const struct cert_row *eval_row(struct eval *);

/* ---- names ---- */

const char *
cert_outcome_name(enum cert_outcome o)
{
	assert(o < CERT_OUTCOME__COUNT);
	return outcome_names[o];
}

const char *
cert_level_name(enum cert_level l)
{
	assert(l < CERT_LEVEL__COUNT);
	return level_names[l];
}

int
cert_level_from_name(const char *name, enum cert_level *out)
{
	int	i;

	for (i = 0; i < CERT_LEVEL__COUNT; i++) {
		if (strcmp(level_names[i], name) == 0) {
			*out = (enum cert_level)i;
			return 0;
		}
	}
	return -1;
}

const char *
cert_key_name(enum cert_key k)
{
	assert(k < CERT_KEY__COUNT);
	return key_names[k];
}

enum cert_key
cert_key_from_name(const char *name)
{
	int	i;

	for (i = 0; i < CERT_KEY_OTHER; i++) {
		if (strcmp(key_names[i], name) == 0)
			return (enum cert_key)i;
	}
	return CERT_KEY_OTHER;
}

const char *
cert_idsrc_name(enum cert_idsrc s)
{
	assert(s < CERT_IDSRC__COUNT);
	return idsrc_names[s];
}

/* ---- dates ---- */

long
cert_day(int64_t t)
{
	int64_t	d = t / 86400;

	if (t % 86400 < 0)
		d--;
	return (long)d;
}

/* Days from the civil date (H. Hinnant's days_from_civil). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

int
cert_day_parse(const char *s, long *day)
{
	static const int	mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };
	long			y;
	int			m, d, max, i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	}
	y = strtol(s, NULL, 10);
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1)
		return -1;
	max = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		max = 29;
	if (d > max)
		return -1;
	*day = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

void
cert_day_format(long day, char *buf, size_t len)
{
	long		z = day + 719468, era, y;
	unsigned	doe, yoe, doy, mp, d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	snprintf(buf, len, "%04ld-%02u-%02u", y + (m <= 2), m, d);
}

/* ---- versions and patterns ---- */

static bool
empty(const char *s)
{
	return s == NULL || *s == '\0';
}

/* Digits with single dots between: "9", "8.10", "2022". */
static bool
version_ok(const char *s, size_t n)
{
	size_t	i;

	if (n == 0 || n >= VERSION_LEN || !isdigit((unsigned char)s[0]) ||
	    s[n - 1] == '.')
		return false;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (s[i + 1] == '.')
				return false;
		} else if (!isdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static size_t
version_parts(const char *s)
{
	size_t	n = 1;

	for (; *s != '\0'; s++)
		n += *s == '.';
	return n;
}

/* Compares the first n parts (all when n is 0); a missing part is 0. */
static int
version_cmp_n(const char *a, const char *b, size_t n)
{
	unsigned long	x, y;
	size_t		i;
	char		*end;

	for (i = 0; n == 0 || i < n; i++) {
		if (!isdigit((unsigned char)*a) && !isdigit((unsigned char)*b))
			return 0;
		x = isdigit((unsigned char)*a) ? strtoul(a, &end, 10) : 0;
		if (isdigit((unsigned char)*a))
			a = end;
		y = isdigit((unsigned char)*b) ? strtoul(b, &end, 10) : 0;
		if (isdigit((unsigned char)*b))
			b = end;
		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		else
			a += strlen(a);
		if (*b == '.')
			b++;
		else
			b += strlen(b);
	}
	return 0;
}

int
cert_version_cmp(const char *a, const char *b)
{
	return version_cmp_n(a, b, 0);
}

/* Where the version that ends s[0..n) begins; n if none. */
static size_t
trailing_version(const char *s, size_t n)
{
	size_t	i = n;

	while (i > 0 && (isdigit((unsigned char)s[i - 1]) || s[i - 1] == '.'))
		i--;
	while (i < n && s[i] == '.')
		i++;
	return i;
}

/* Parses a pattern; returns NULL or why it is malformed. */
static const char *
pat_parse(const char *p, struct pat *out)
{
	const char	*dots, *q;
	size_t		 len = strlen(p), i;

	memset(out, 0, sizeof *out);
	if (len == 0)
		return "empty pattern";
	for (q = p; *q != '\0'; q++) {
		if (!isalnum((unsigned char)*q) && strchr("._-+*", *q) == NULL)
			return "a pattern holds letters, digits, '.', '_', '-', "
			    "and a final '*' or '+'";
		if ((*q == '*' || *q == '+') && q[1] != '\0')
			return "'*' and '+' may only end a pattern";
	}
	if (strcmp(p, "*") == 0) {
		out->kind = PAT_ANY;
		return NULL;
	}
	if (p[len - 1] == '*') {
		out->kind = PAT_PREFIX;
		out->stem = p;
		out->stemlen = len - 1;
		return NULL;
	}
	if (p[len - 1] == '+') {
		out->kind = PAT_GE;
		i = trailing_version(p, len - 1);
		if (i == 0 || !version_ok(p + i, len - 1 - i))
			return "'+' must follow a name and a version, as in "
			    "\"rhel8.6+\"";
		out->stem = p;
		out->stemlen = i;
		memcpy(out->lo, p + i, len - 1 - i);
		return NULL;
	}
	if ((dots = strstr(p, "..")) != NULL) {
		out->kind = PAT_RANGE;
		i = trailing_version(p, (size_t)(dots - p));
		if (i == 0 || !version_ok(p + i, (size_t)(dots - p) - i) ||
		    !version_ok(dots + 2, strlen(dots + 2)))
			return "a range is a name and two versions, as in "
			    "\"rhel7.0..7.8\"";
		out->stem = p;
		out->stemlen = i;
		memcpy(out->lo, p + i, (size_t)(dots - p) - i);
		memcpy(out->hi, dots + 2, strlen(dots + 2));
		if (version_cmp_n(out->lo, out->hi, version_parts(out->hi)) > 0)
			return "the range ends before it begins";
		return NULL;
	}
	out->kind = PAT_NAME;
	out->stem = p;
	out->stemlen = len;
	return NULL;
}

const char *
cert_pattern_check(const char *p)
{
	struct pat	pat;

	return pat_parse(p, &pat);
}

/* Whether id is the pattern's stem and a version; *ver points at it. */
static bool
stem_version(const struct pat *p, const char *id, const char **ver)
{
	if (strncasecmp(id, p->stem, p->stemlen) != 0)
		return false;
	*ver = id + p->stemlen;
	if (!version_ok(*ver, strlen(*ver)))
		return false;
	return version_parts(*ver) >= version_parts(p->lo);
}

bool
cert_pattern_match(const char *p, const char *id)
{
	struct pat	 pat;
	const char	*ver;

	if (id == NULL || pat_parse(p, &pat) != NULL)
		return false;
	switch (pat.kind) {
	case PAT_ANY:
		return true;
	case PAT_PREFIX:
		return strncasecmp(id, pat.stem, pat.stemlen) == 0;
	case PAT_NAME:
		if (strcasecmp(id, p) == 0)
			return true;
		return isdigit((unsigned char)p[pat.stemlen - 1]) &&
		    strncasecmp(id, p, pat.stemlen) == 0 &&
		    id[pat.stemlen] == '.' &&
		    isdigit((unsigned char)id[pat.stemlen + 1]);
	case PAT_GE:
		return stem_version(&pat, id, &ver) &&
		    version_cmp_n(ver, pat.lo, 0) >= 0;
	case PAT_RANGE:
		return stem_version(&pat, id, &ver) &&
		    version_cmp_n(ver, pat.lo, 0) >= 0 &&
		    version_cmp_n(ver, pat.hi, version_parts(pat.hi)) <= 0;
	}
	return false;
}

/* "q35", "i440fx" or "virt" for QEMU's machine types, else the name. */
static const char *
machine_family(const char *machine, char *buf, size_t len)
{
	size_t	i;

	for (i = 0; machine[i] != '\0' && i + 1 < len; i++)
		buf[i] = (char)tolower((unsigned char)machine[i]);
	buf[i] = '\0';
	if (strstr(buf, "q35") != NULL)
		return "q35";
	if (strstr(buf, "i440fx") != NULL || strcmp(buf, "pc") == 0 ||
	    strncmp(buf, "pc-", 3) == 0)
		return "i440fx";
	if (strncmp(buf, "virt", 4) == 0)
		return "virt";
	return buf;
}

/* ---- evaluation ---- */

/* Whether any pattern matches id; an unknown id only matches "*". */
static bool
any_match(char *const *pats, size_t n, const char *id)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (id == NULL ? strcmp(pats[i], "*") == 0 :
		    cert_pattern_match(pats[i], id))
			return true;
	}
	return false;
}

static bool
row_matches(const struct cert_row *r, const struct eval *e)
{
	if (r->hypervisor != NULL && (empty(e->in->hv_type) ||
	    strcasecmp(r->hypervisor, e->in->hv_type) != 0))
		return false;
	return any_match(r->platforms, r->nplatforms, e->platform) &&
	    any_match(r->guests, r->nguests, e->guest);
}

/* Lists a source in the verdict once and keeps the oldest check date. */
static void
add_source(struct eval *e, const struct cert_source *s)
{
	struct cert_verdict		*v = e->v;
	struct cert_verdict_source	*vs;
	size_t				 i;

	if (s == NULL)
		return;
	if (e->oldest == 0 || s->checked_day < e->oldest)
		e->oldest = s->checked_day;
	for (i = 0; i < v->nsources; i++) {
		if (strcmp(v->sources[i].id, s->id) == 0)
			return;
	}
	if (v->nsources == CERT_SOURCES_MAX)
		return;
	vs = &v->sources[v->nsources++];
	strlcpy_cv(vs->id, s->id, sizeof vs->id);
	strlcpy_cv(vs->url, s->url, sizeof vs->url);
	strlcpy_cv(vs->doc_date, s->doc_date, sizeof vs->doc_date);
	strlcpy_cv(vs->checked, s->checked, sizeof vs->checked);
}

static struct cert_check *
add_check(struct eval *e, const char *from, const char *text,
    enum cert_level level, enum cert_outcome outcome)
{
	struct cert_verdict	*v = e->v;
	struct cert_check	*c;

	if (v->nchecks == CERT_CHECKS_MAX) {
		v->nchecks_dropped++;
		return NULL;
	}
	c = &v->checks[v->nchecks++];
	memset(c, 0, sizeof *c);
	c->outcome = outcome;
	c->level = level;
	strlcpy_cv(c->from, from, sizeof c->from);
	strlcpy_cv(c->text, text, sizeof c->text);
	return c;
}

/* Tests one condition against what was observed, in words in obs. */
static enum cert_outcome
cond_test(const struct cert_cond *c, const struct cert_input *in, char *obs,
    size_t len)
{
	char		 buf[64], day[CERT_DATE_LEN];
	const char	*fam;
	double		 x = 0;
	int		 cmp;

	obs[0] = '\0';
	switch (c->key) {
	case CERT_KEY_VCPUS:
		if (in->vcpus <= 0)
			return CERT_UNCHECKED;
		snprintf(obs, len, "%d vCPUs", in->vcpus);
		x = in->vcpus;
		break;
	case CERT_KEY_MEMORY_GIB:
		if (in->mem_max_bytes == 0)
			return CERT_UNCHECKED;
		x = (double)in->mem_max_bytes / 1073741824.0;
		snprintf(obs, len, "%.6g GiB", x);
		break;
	case CERT_KEY_GENERATION:
		if (in->generation <= 0)
			return CERT_UNCHECKED;
		snprintf(obs, len, "generation %d", in->generation);
		x = in->generation;
		break;
	case CERT_KEY_MACHINE:
		if (empty(in->machine))
			return CERT_UNCHECKED;
		snprintf(obs, len, "machine %s", in->machine);
		fam = machine_family(in->machine, buf, sizeof buf);
		return (strcasecmp(fam, c->str) == 0 ||
		    cert_pattern_match(c->str, in->machine)) ? CERT_PASS :
		    CERT_FAIL;
	case CERT_KEY_VIRT_TYPE:
		if (empty(in->virt_type))
			return CERT_UNCHECKED;
		snprintf(obs, len, "virt type %s", in->virt_type);
		return strcasecmp(in->virt_type, c->str) == 0 ? CERT_PASS :
		    CERT_FAIL;
	case CERT_KEY_CONFIG_VERSION:
		if (empty(in->config_version))
			return CERT_UNCHECKED;
		snprintf(obs, len, "configuration version %s",
		    in->config_version);
		cmp = cert_version_cmp(in->config_version, c->str);
		if (c->op == CERT_OP_MIN)
			return cmp >= 0 ? CERT_PASS : CERT_FAIL;
		if (c->op == CERT_OP_MAX)
			return cmp <= 0 ? CERT_PASS : CERT_FAIL;
		return cmp == 0 ? CERT_PASS : CERT_FAIL;
	case CERT_KEY_DATE:
		if (in->today <= 0)
			return CERT_UNCHECKED;
		cert_day_format(in->today, day, sizeof day);
		snprintf(obs, len, "today %s", day);
		return in->today <= (long)c->num ? CERT_PASS : CERT_FAIL;
	case CERT_KEY_OTHER:
	default:
		return CERT_ADVISORY;
	}
	switch (c->op) {
	case CERT_OP_MAX:
		return x <= c->num ? CERT_PASS : CERT_FAIL;
	case CERT_OP_MIN:
		return x >= c->num ? CERT_PASS : CERT_FAIL;
	case CERT_OP_IS:
		return x == c->num ? CERT_PASS : CERT_FAIL;
	default:
		return CERT_ADVISORY;
	}
}

/* Lowers the status to at most to; what lowered it becomes the rule. */
static void
lower(struct eval *e, enum cert_status to, const char *from,
    const struct cert_source *src)
{
	struct cert_verdict	*v = e->v;

	if (to >= v->status)
		return;
	v->status = to;
	strlcpy_cv(v->rule, from, sizeof v->rule);
	if (src != NULL)
		strlcpy_cv(v->source, src->url, sizeof v->source);
}

/* Tests the conditions of a row or rule, lowering the status. */
static void
eval_conds(struct eval *e, const struct cert_row *r)
{
	const struct cert_cond	*c;
	const struct cert_source *src;
	struct cert_check	*chk;
	enum cert_outcome	 o;
	enum cert_status	 to;
	const char		*unknown;
	char			 obs[64];
	size_t			 i;

	for (i = 0; i < r->nconds; i++) {
		c = &r->conds[i];
		src = c->source != NULL ? c->source :
		    (r->nsources > 0 ? r->sources[0] : NULL);
		if (c->generation != 0 && e->in->generation > 0 &&
		    e->in->generation != c->generation)
			continue;
		o = cond_test(c, e->in, obs, sizeof obs);
		/* Bound to a generation that is not known: what holds
		 * whatever the generation passes, else it is unverified. */
		unknown = o == CERT_UNCHECKED ? key_unknown[c->key] : NULL;
		if (c->generation != 0 && e->in->generation <= 0 &&
		    o == CERT_FAIL) {
			o = CERT_UNCHECKED;
			unknown = key_unknown[CERT_KEY_GENERATION];
		}
		if (c->level == CERT_LEVEL_ADVISORY && o == CERT_UNCHECKED)
			o = CERT_ADVISORY;
		chk = add_check(e, r->id, c->text, c->level, o);
		if (chk != NULL) {
			strlcpy_cv(chk->check, c->check, sizeof chk->check);
			strlcpy_cv(chk->observed, obs, sizeof chk->observed);
			if (src != NULL)
				strlcpy_cv(chk->source, src->id,
				    sizeof chk->source);
			if (o == CERT_UNCHECKED && unknown != NULL)
				snprintf(chk->observed, sizeof chk->observed,
				    "%s unknown", unknown);
		}
		if (c->level == CERT_LEVEL_ADVISORY ||
		    (o != CERT_FAIL && o != CERT_UNCHECKED))
			continue;
		add_source(e, src);
		if (o == CERT_FAIL && c->level == CERT_LEVEL_HARD)
			to = CERT_UNSUPPORTED;
		else
			to = CERT_CONDITIONAL;
		if (to < e->v->status) {
			if (chk != NULL)
				chk->lowered = true;
			lower(e, to, r->id, src);
		}
	}
}

/* How the guest OS was identified bounds the badge (research note 5.3). */
static void
eval_identity(struct eval *e)
{
	struct cert_check	*chk;

	switch (e->in->os_idsrc) {
	case CERT_IDSRC_GUESS:
		chk = add_check(e, "identity", "guest OS identified by a "
		    "guest agent, KVP or libosinfo metadata", CERT_LEVEL_SOFT,
		    CERT_FAIL);
		if (chk != NULL) {
			strlcpy_cv(chk->check, "os_idsrc", sizeof chk->check);
			strlcpy_cv(chk->observed, "guessed from its name",
			    sizeof chk->observed);
			chk->lowered = e->v->status > CERT_CONDITIONAL;
		}
		lower(e, CERT_CONDITIONAL, "identity", NULL);
		break;
	case CERT_IDSRC_METADATA:
		chk = add_check(e, "identity", "guest OS as declared at "
		    "install time (libosinfo), not confirmed by a guest agent",
		    CERT_LEVEL_ADVISORY, CERT_ADVISORY);
		if (chk != NULL)
			strlcpy_cv(chk->check, "os_idsrc", sizeof chk->check);
		break;
	default:
		break;
	}
}

/* Appends "; " and a clause to buf, ending in "..." once it is full. */
static void
clause(char *buf, size_t size, bool *full, const char *fmt, ...)
{
	char	c[CLAUSE_LEN + 2];
	size_t	len = strlen(buf), n = 0;
	va_list	ap;

	if (*full)
		return;
	if (len > 0) {
		c[n++] = ';';
		c[n++] = ' ';
	}
	va_start(ap, fmt);
	vsnprintf(c + n, sizeof c - n, fmt, ap);
	va_end(ap);
	n = strlen(c);
	if (len + n < size) {
		memcpy(buf + len, c, n + 1);
		return;
	}
	*full = true;
	if (size < len + 4) {
		if (size >= 4)
			memcpy(buf + size - 4, "...", 4);
		return;
	}
	n = size - len - 4;
	memcpy(buf + len, c, n);
	memcpy(buf + len + n, "...", 4);
}

/* Whether a check is told in a pass of compose(): 0 what lowered the
 * status, 2 other failures, 3 advisory failures, 4 what crossvisor could
 * not verify. The identity note and the TCG check stay in the details. */
static bool
compose_pass(const struct cert_check *c, int pass)
{
	if (strcmp(c->from, "tcg") == 0 || (strcmp(c->from, "identity") == 0 &&
	    c->level == CERT_LEVEL_ADVISORY))
		return false;
	switch (pass) {
	case 0:
		return c->lowered;
	case 2:
		return !c->lowered && c->level != CERT_LEVEL_ADVISORY &&
		    (c->outcome == CERT_FAIL || c->outcome == CERT_UNCHECKED);
	case 3:
		return c->level == CERT_LEVEL_ADVISORY &&
		    c->outcome == CERT_FAIL;
	case 4:
		return c->outcome == CERT_ADVISORY;
	default:
		return false;
	}
}

/* The reason: what lowered the badge first, then the row's own words,
 * then other failures, notes and what crossvisor could not verify, then
 * staleness, which is never cut off. */
static void
compose(struct eval *e)
{
	struct cert_verdict	*v = e->v;
	const struct cert_check	*c;
	char			 suffix[64], day[CERT_DATE_LEN];
	size_t			 i, room;
	bool			 full = false;
	int			 pass;

	suffix[0] = '\0';
	if (v->stale) {
		cert_day_format(e->oldest, day, sizeof day);
		snprintf(suffix, sizeof suffix, " (stale data: checked %s)",
		    day);
	}
	room = sizeof v->reason - strlen(suffix);
	v->reason[0] = '\0';
	for (pass = 0; pass < 5; pass++) {
		if (pass == 1) {
			clause(v->reason, room, &full, "%s", e->base);
			continue;
		}
		for (i = 0; i < v->nchecks; i++) {
			c = &v->checks[i];
			if (!compose_pass(c, pass))
				continue;
			if (pass == 4)
				clause(v->reason, room, &full, "assumed: %s",
				    c->text);
			else
				clause(v->reason, room, &full, "%s: %s (%s)",
				    pass == 3 ? "note" :
				    c->outcome == CERT_UNCHECKED ?
				    "not verified" : "not met", c->text,
				    c->observed);
		}
	}
	strlcpy_cv(v->reason + strlen(v->reason), suffix,
	    sizeof v->reason - strlen(v->reason));
}

/* Staleness and the reason, once the status is settled. */
static void
finish(struct eval *e)
{
	const struct cert_matrix	*m = e->m;
	struct cert_verdict		*v = e->v;

	if (e->oldest > 0) {
		cert_day_format(e->oldest, v->checked, sizeof v->checked);
		if (m->stale_after_days > 0 && e->in->today > 0 &&
		    e->in->today - e->oldest > m->stale_after_days)
			v->stale = true;
	}
	compose(e);
}

/* Step 1: software emulation is never certified. */
static void
eval_tcg(struct eval *e)
{
	const struct cert_source	*src = e->m->tcg_source;
	struct cert_verdict		*v = e->v;
	struct cert_check		*chk;

	v->status = CERT_UNSUPPORTED;
	strlcpy_cv(v->rule, "tcg", sizeof v->rule);
	if (src != NULL)
		strlcpy_cv(v->source, src->url, sizeof v->source);
	add_source(e, src);
	chk = add_check(e, "tcg", "hardware acceleration (KVM), not TCG "
	    "software emulation", CERT_LEVEL_HARD, CERT_FAIL);
	if (chk != NULL) {
		strlcpy_cv(chk->check, "virt_type", sizeof chk->check);
		snprintf(chk->observed, sizeof chk->observed, "virt type %s",
		    e->in->virt_type);
		if (src != NULL)
			strlcpy_cv(chk->source, src->id, sizeof chk->source);
	}
	e->base = "software emulation (TCG, domain type qemu) is never "
	    "certified";
}

/* Steps 2 and 3: identification, then the first matching row, which it
 * returns (NULL: none). */
static const struct cert_row *
eval_row(struct eval *e)
{
	const struct cert_matrix	*m = e->m;
	const struct cert_row		*row = NULL;
	struct cert_verdict		*v = e->v;
	const char			*file;
	size_t				 i;

	if (e->platform == NULL || e->guest == NULL) {
		if (e->platform == NULL && e->guest == NULL) {
			strlcpy_cv(v->rule, "no-identity", sizeof v->rule);
			e->base = "host platform and guest OS not identified";
		} else if (e->platform == NULL) {
			strlcpy_cv(v->rule, "no-platform", sizeof v->rule);
			e->base = "host platform not identified";
		} else {
			strlcpy_cv(v->rule, "no-guest", sizeof v->rule);
			e->base = "guest OS not identified";
		}
		return NULL;
	}
	for (i = 0; i < m->nrows && row == NULL; i++) {
		if (row_matches(&m->rows[i], e))
			row = &m->rows[i];
	}
	if (row == NULL) {
		strlcpy_cv(v->rule, "no-row", sizeof v->rule);
		e->base = "no certification data for this guest OS on this "
		    "host platform";
		return NULL;
	}
	v->status = v->row_status = row->status;
	strlcpy_cv(v->rule, row->id, sizeof v->rule);
	strlcpy_cv(v->row, row->id, sizeof v->row);
	if (row->file != NULL) {
		file = strrchr(row->file, '/');
		snprintf(v->row_where, sizeof v->row_where, "%s:%d",
		    file != NULL ? file + 1 : row->file, row->line);
	}
	if (row->nsources > 0)
		strlcpy_cv(v->source, row->sources[0]->url, sizeof v->source);
	for (i = 0; i < row->nsources; i++)
		add_source(e, row->sources[i]);
	if (row->note != NULL)
		strlcpy_cv(v->note, row->note, sizeof v->note);
	e->base = row->reason;
	return row;
}

int
cert_evaluate(const struct cert_matrix *m, const struct cert_input *in,
    struct cert_verdict *out)
{
	struct eval		 e;
	const struct cert_row	*row;
	size_t			 i;

	assert(in != NULL && out != NULL);
	memset(out, 0, sizeof *out);
	memset(&e, 0, sizeof e);
	e.m = m;
	e.in = in;
	e.v = out;
	e.platform = empty(in->platform) ? NULL : in->platform;
	e.guest = empty(in->os_id) ? NULL : in->os_id;
	out->status = out->row_status = CERT_UNKNOWN;
	if (m == NULL) {
		strlcpy_cv(out->rule, "no-data", sizeof out->rule);
		strlcpy_cv(out->reason, "no certification data loaded",
		    sizeof out->reason);
		return -1;
	}

	if (!empty(in->virt_type) && strcasecmp(in->virt_type, "qemu") == 0) {
		eval_tcg(&e);
		finish(&e);
		return 0;
	}
	if ((row = eval_row(&e)) != NULL)
		eval_conds(&e, row);
	for (i = 0; i < m->nrules; i++) {
		if (row_matches(&m->rules[i], &e))
			eval_conds(&e, &m->rules[i]);
	}
	if (e.guest != NULL)
		eval_identity(&e);
	finish(&e);
	return 0;
}

void
cert_verdict_apply(const struct cert_verdict *v, struct guest_cert *g)
{
	g->status = v->status;
	g->reason = v->reason;
	g->rule = v->rule[0] != '\0' ? v->rule : NULL;
	g->source = v->source[0] != '\0' ? v->source : NULL;
}

/* ---- the matrix's lifetime ---- */

/* Frees what a row or rule owns; the loader uses it on a row it drops. */
void
cert_row_done(struct cert_row *r)
{
	size_t	i;

	free(r->id);
	free(r->hypervisor);
	for (i = 0; i < r->nplatforms; i++)
		free(r->platforms[i]);
	free(r->platforms);
	for (i = 0; i < r->nguests; i++)
		free(r->guests[i]);
	free(r->guests);
	free(r->reason);
	free(r->note);
	for (i = 0; i < r->nsources; i++)
		free(r->source_ids[i]);
	free(r->source_ids);
	free(r->source_lines);
	free(r->sources);
	for (i = 0; i < r->nconds; i++) {
		free(r->conds[i].check);
		free(r->conds[i].str);
		free(r->conds[i].text);
		free(r->conds[i].source_id);
	}
	free(r->conds);
	memset(r, 0, sizeof *r);
}

void
cert_matrix_free(struct cert_matrix *m)
{
	size_t	i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nsources; i++) {
		free(m->sources[i].id);
		free(m->sources[i].title);
		free(m->sources[i].url);
		free(m->sources[i].doc_date);
		free(m->sources[i].checked);
	}
	free(m->sources);
	for (i = 0; i < m->nrules; i++)
		cert_row_done(&m->rules[i]);
	free(m->rules);
	for (i = 0; i < m->nrows; i++)
		cert_row_done(&m->rows[i]);
	free(m->rows);
	for (i = 0; i < m->nfiles; i++)
		free(m->files[i]);
	free(m->files);
	free(m->tcg_source_id);
	free(m);
}
