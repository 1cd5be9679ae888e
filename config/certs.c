/* Reads the certification data with libconfig into the plain struct
 * cert_matrix: the shipped file, then the site files that add or replace
 * rows; nothing of libconfig escapes. Main thread, before any poller. */
#include "config/certs.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <libconfig.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/lc.h"
#include "core/cert.h"
#include "core/err.h"
#include "core/words.h"
#include "core/xmalloc.h"

#ifndef CV_SYSCONFDIR
#define CV_SYSCONFDIR "/etc"
#endif

#define CERTS_VERSION	1
#define CERTS_MAXDIST	3	/* edits from a misspelt word to a guess */
#define CERTS_MAXSTALE	36500
#define CERTS_FILE_MAX	(4u << 20)	/* bytes of one certification file */

/* One file being read into the matrix. */
struct certs_ctx {
	const char		*path;	/* (borrowed) the file, in messages */
	bool			 site;	/* a site file, not the shipped one */
	struct cv_err		*err;	/* (borrowed) */
	struct cert_matrix	*m;	/* (borrowed) being built */
	struct cert_row		**added; /* (borrowed) new site rows */
	size_t			*nadded;
};

/* What is being read, for messages: "row 'x'", "condition 2 of rule 'y'". */
struct certs_what {
	char	 s[CERT_ID_LEN + 48];
};

static const char *const root_keys[] = {
	"version", "stale_after_days", "tcg_source", "sources", "rules",
	"rows", NULL
};
static const char *const source_keys[] = {
	"id", "title", "url", "doc_date", "checked", NULL
};
static const char *const row_keys[] = {
	"id", "hypervisor", "platform", "guest", "status", "reason", "note",
	"source", "conditions", NULL
};
static const char *const cond_keys[] = {
	"check", "max", "min", "is", "until", "generation", "level", "text",
	"source", NULL
};
static const char *const status_names[] = {
	"certified", "conditional", "community", "unsupported", "unknown",
	NULL
};
static const char *const level_names[] = {
	"hard", "soft", "advisory", NULL
};

/* Which tests each observable check takes (see cert.h). */
static const struct {
	enum cert_key	 key;
	const char	*ops;		/* "max min", "is", "until" */
	bool		 text;		/* its value is a string */
} check_ops[] = {
	{ CERT_KEY_VCPUS,		"max or min",	false },
	{ CERT_KEY_MEMORY_GIB,		"max or min",	false },
	{ CERT_KEY_GENERATION,		"is",		false },
	{ CERT_KEY_MACHINE,		"is",		true },
	{ CERT_KEY_VIRT_TYPE,		"is",		true },
	{ CERT_KEY_CONFIG_VERSION,	"max or min",	true },
	{ CERT_KEY_DATE,		"until",	true },
};

static int	 certs_fail_at(struct certs_ctx *, const char *, unsigned int,
		     const char *, ...) __attribute__((format(printf, 4, 5)));
static int	 certs_fail(struct certs_ctx *, const config_setting_t *,
		     const char *, ...) __attribute__((format(printf, 3, 4)));
static const char *certs_guess(const char *, const char *const *);
static void	 certs_list(char *, size_t, const char *const *);
static int	 certs_keys(struct certs_ctx *, const config_setting_t *,
		     const char *const *, const char *);
static int	 certs_string(struct certs_ctx *, const config_setting_t *,
		     const char *, const char *, bool, char **);
static int	 certs_strings(struct certs_ctx *, const config_setting_t *,
		     const char *, const char *, char ***, size_t *, int **);
static int	 certs_number(struct certs_ctx *, const config_setting_t *,
		     const char *, const char *, double *);
static bool	 certs_doc_date_ok(const char *);
static int	 certs_source(struct certs_ctx *, const config_setting_t *);
static int	 certs_cond(struct certs_ctx *, const config_setting_t *,
		     const char *, struct cert_cond *);
static int	 certs_row(struct certs_ctx *, const config_setting_t *, bool,
		     struct cert_row *);
static struct cert_row *certs_find(struct cert_row *, size_t, const char *);
static int	 certs_merge(struct certs_ctx *, struct cert_row *, bool);
static int	 certs_list_of(struct certs_ctx *, const config_setting_t *,
		     const char *, int);
static int	 certs_no_includes(struct certs_ctx *,
		     const config_setting_t *);
static int	 certs_syntax(struct certs_ctx *, const config_t *);
static int	 certs_file(struct certs_ctx *);
static const struct cert_source *certs_source_find(
		     const struct cert_matrix *, const char *);
static int	 certs_unknown_source(struct certs_ctx *, const char *,
		     unsigned int, const char *, const char *);
static int	 certs_resolve_row(struct certs_ctx *, struct cert_row *,
		     bool);
static int	 certs_resolve(struct certs_ctx *);
static int	 certs_name_cmp(const void *, const void *);
static int	 certs_site(struct certs_ctx *, const char *);

/* ---- messages ---- */

/* Sets the one-line "file:line: message" error; line 0 leaves it out. */
static int
certs_fail_at(struct certs_ctx *ctx, const char *file, unsigned int line,
    const char *fmt, ...)
{
	char	msg[sizeof ctx->err->msg];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line == 0)
		return cv_err_set(ctx->err, CV_E_CONFIG, "%s: %s", file, msg);
	return cv_err_set(ctx->err, CV_E_CONFIG, "%s:%u: %s", file, line, msg);
}

/* The same, in the file being read, at the line of setting s. */
static int
certs_fail(struct certs_ctx *ctx, const config_setting_t *s,
    const char *fmt, ...)
{
	char	msg[sizeof ctx->err->msg];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return certs_fail_at(ctx, ctx->path, s != NULL ?
	    config_setting_source_line(s) : 0, "%s", msg);
}

/* The candidate close enough to word to be what was meant, or NULL: one
 * edit per four letters, at least one and at most CERTS_MAXDIST. */
static const char *
certs_guess(const char *word, const char *const *cands)
{
	const char	*best = NULL;
	int		 d, bestd = CERTS_MAXDIST + 1;
	int		 max = 1 + (int)strlen(word) / 4;

	if (max > CERTS_MAXDIST)
		max = CERTS_MAXDIST;
	for (; *cands != NULL; cands++) {
		d = words_distance(word, *cands);
		if (d < bestd) {
			best = *cands;
			bestd = d;
		}
	}
	return bestd <= max ? best : NULL;
}

/* "a, b, c" in buf. */
static void
certs_list(char *buf, size_t len, const char *const *words)
{
	size_t	n;

	buf[0] = '\0';
	for (; *words != NULL; words++) {
		n = strlen(buf);
		snprintf(buf + n, len - n, "%s%s", n > 0 ? ", " : "", *words);
	}
}

/* Refuses a member of g that is not among keys, naming the likely one. */
static int
certs_keys(struct certs_ctx *ctx, const config_setting_t *g,
    const char *const *keys, const char *what)
{
	const config_setting_t	*s;
	const char *const	*k;
	const char		*name, *best;
	char			 list[160];
	int			 i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(g, (unsigned int)i);
		name = config_setting_name(s);
		for (k = keys; *k != NULL; k++) {
			if (strcmp(*k, name) == 0)
				break;
		}
		if (*k != NULL)
			continue;
		if ((best = certs_guess(name, keys)) != NULL)
			return certs_fail(ctx, s, "%s: unknown key '%s' (did "
			    "you mean '%s'?)", what, name, best);
		certs_list(list, sizeof list, keys);
		return certs_fail(ctx, s, "%s: unknown key '%s' (valid: %s)",
		    what, name, list);
	}
	return 0;
}

/* ---- values ---- */

/* A non-empty string member; a missing one is an error when required. */
static int
certs_string(struct certs_ctx *ctx, const config_setting_t *g,
    const char *name, const char *what, bool required, char **out)
{
	const config_setting_t	*s = config_setting_get_member(g, name);

	if (s == NULL) {
		if (required)
			return certs_fail(ctx, g, "%s has no %s; add e.g. "
			    "%s = \"...\";", what, name, name);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return certs_fail(ctx, s, "%s: '%s' must be a string, not %s",
		    what, name, lc_typename(s));
	if (*config_setting_get_string(s) == '\0')
		return certs_fail(ctx, s, "%s: '%s' is empty", what, name);
	free(*out);
	*out = xstrdup(config_setting_get_string(s));
	return 0;
}

/* A string or a list of strings; patterns are checked when lines is
 * NULL, else each item's line is kept. */
static int
certs_strings(struct certs_ctx *ctx, const config_setting_t *g,
    const char *name, const char *what, char ***out, size_t *nout,
    int **lines)
{
	const config_setting_t	*s = config_setting_get_member(g, name);
	const config_setting_t	*e;
	const char		*v, *why;
	int			 i, n;

	if (s == NULL)
		return certs_fail(ctx, g, "%s has no %s; add e.g. %s = [ "
		    "\"%s\" ];", what, name, name, strcmp(name, "platform") ==
		    0 ? "rhel-9" : strcmp(name, "guest") == 0 ? "rhel9" :
		    "source-id");
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		n = 1;
	else if (config_setting_is_array(s) || config_setting_is_list(s))
		n = config_setting_length(s);
	else
		return certs_fail(ctx, s, "%s: '%s' must be a string or a list "
		    "of strings, not %s", what, name, lc_typename(s));
	if (n == 0)
		return certs_fail(ctx, s, "%s: '%s' is empty", what, name);
	*out = xcalloc((size_t)n, sizeof **out);
	if (lines != NULL)
		*lines = xcalloc((size_t)n, sizeof **lines);
	for (i = 0; i < n; i++) {
		e = config_setting_type(s) == CONFIG_TYPE_STRING ? s :
		    config_setting_get_elem(s, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return certs_fail(ctx, e, "%s: item %d of '%s' must be "
			    "a string, not %s", what, i + 1, name,
			    lc_typename(e));
		v = config_setting_get_string(e);
		if (*v == '\0')
			return certs_fail(ctx, e, "%s: item %d of '%s' is "
			    "empty", what, i + 1, name);
		if (lines == NULL && (why = cert_pattern_check(v)) != NULL)
			return certs_fail(ctx, e, "%s: bad pattern '%s': %s",
			    what, v, why);
		(*out)[i] = xstrdup(v);
		(*nout)++;
		if (lines != NULL)
			(*lines)[i] = (int)config_setting_source_line(e);
	}
	return 0;
}

static int
certs_number(struct certs_ctx *ctx, const config_setting_t *s,
    const char *name, const char *what, double *out)
{
	switch (config_setting_type(s)) {
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		*out = (double)config_setting_get_int64(s);
		return 0;
	case CONFIG_TYPE_FLOAT:
		*out = config_setting_get_float(s);
		return 0;
	default:
		return certs_fail(ctx, s, "%s: '%s' must be a number, not %s",
		    what, name, lc_typename(s));
	}
}

/* "YYYY-MM-DD", "YYYY-MM", "YYYY" or "undated". */
static bool
certs_doc_date_ok(const char *s)
{
	char	buf[16];
	long	day;
	size_t	len = strlen(s), i;

	if (strcmp(s, "undated") == 0)
		return true;
	if (len == 10)
		return cert_day_parse(s, &day) == 0;
	if (len != 4 && len != 7)
		return false;
	for (i = 0; i < len; i++) {
		if (i == 4 ? s[i] != '-' : !isdigit((unsigned char)s[i]))
			return false;
	}
	snprintf(buf, sizeof buf, "%s%s", s, len == 4 ? "-01-01" : "-01");
	return cert_day_parse(buf, &day) == 0;
}

/* ---- sources, conditions, rows ---- */

/* One group of sources = ( ... ), added or replacing one of that id. */
static int
certs_source(struct certs_ctx *ctx, const config_setting_t *g)
{
	struct cert_matrix	*m = ctx->m;
	struct cert_source	 src, *old = NULL;
	struct certs_what	 w;
	size_t			 i;
	int			 rc = -1;

	memset(&src, 0, sizeof src);
	if (certs_string(ctx, g, "id", "source", false, &src.id) != 0)
		goto out;
	if (src.id == NULL) {
		certs_fail(ctx, g, "source without an id; add e.g. id = "
		    "\"vendor-list\";");
		goto out;
	}
	snprintf(w.s, sizeof w.s, "source '%s'", src.id);
	if (strpbrk(src.id, " \t\n,\"'") != NULL ||
	    strlen(src.id) >= CERT_ID_LEN) {
		certs_fail(ctx, config_setting_get_member(g, "id"), "%s: an id "
		    "has at most %d characters and no blanks, commas or "
		    "quotes", w.s, CERT_ID_LEN - 1);
		goto out;
	}
	if (certs_keys(ctx, g, source_keys, w.s) != 0 ||
	    certs_string(ctx, g, "url", w.s, true, &src.url) != 0 ||
	    certs_string(ctx, g, "title", w.s, false, &src.title) != 0 ||
	    certs_string(ctx, g, "doc_date", w.s, true, &src.doc_date) != 0 ||
	    certs_string(ctx, g, "checked", w.s, true, &src.checked) != 0)
		goto out;
	if (strlen(src.url) >= CERT_URL_LEN) {
		certs_fail(ctx, config_setting_get_member(g, "url"), "%s: a url "
		    "has at most %d characters", w.s, CERT_URL_LEN - 1);
		goto out;
	}
	if (!certs_doc_date_ok(src.doc_date)) {
		certs_fail(ctx, config_setting_get_member(g, "doc_date"),
		    "%s: doc_date must be YYYY-MM-DD, YYYY-MM, YYYY or "
		    "\"undated\", not '%s'", w.s, src.doc_date);
		goto out;
	}
	if (cert_day_parse(src.checked, &src.checked_day) != 0) {
		certs_fail(ctx, config_setting_get_member(g, "checked"),
		    "%s: checked must be a date YYYY-MM-DD, not '%s'", w.s,
		    src.checked);
		goto out;
	}
	src.file = m->files[m->nfiles - 1];
	src.line = (int)config_setting_source_line(g);

	for (i = 0; i < m->nsources; i++) {
		if (strcmp(m->sources[i].id, src.id) == 0)
			old = &m->sources[i];
	}
	if (old != NULL && old->file == src.file) {
		certs_fail(ctx, g, "duplicate source id '%s' (first at line "
		    "%d)", src.id, old->line);
		goto out;
	}
	if (old == NULL) {
		m->sources = xreallocarray(m->sources, m->nsources + 1,
		    sizeof *m->sources);
		old = &m->sources[m->nsources++];
	} else {
		free(old->id);
		free(old->title);
		free(old->url);
		free(old->doc_date);
		free(old->checked);
	}
	*old = src;
	return 0;
out:
	free(src.id);
	free(src.title);
	free(src.url);
	free(src.doc_date);
	free(src.checked);
	return rc;
}

/* One condition: a check, one test fitting it, a level and words. */
static int
certs_cond(struct certs_ctx *ctx, const config_setting_t *g,
    const char *what, struct cert_cond *c)
{
	static const char *const ops[] = { "max", "min", "is", "until", NULL };
	static const enum cert_op opv[] = { CERT_OP_MAX, CERT_OP_MIN,
	    CERT_OP_IS, CERT_OP_UNTIL };
	static const char *const checks[] = { "vcpus", "memory_gib",
	    "generation", "machine", "virt_type", "config_version", "date",
	    NULL };
	const config_setting_t	*s, *ops_s = NULL;
	const char		*opname = NULL, *best, *v;
	char			*level = NULL;
	double			 gen = 0;
	long			 day;
	size_t			 i, k;
	int			 rc = -1;

	if (certs_keys(ctx, g, cond_keys, what) != 0 ||
	    certs_string(ctx, g, "check", what, true, &c->check) != 0 ||
	    certs_string(ctx, g, "text", what, true, &c->text) != 0 ||
	    certs_string(ctx, g, "source", what, false, &c->source_id) != 0 ||
	    certs_string(ctx, g, "level", what, false, &level) != 0)
		goto out;
	c->line = (int)config_setting_source_line(g);
	c->key = cert_key_from_name(c->check);
	for (i = 0; ops[i] != NULL; i++) {
		if ((s = config_setting_get_member(g, ops[i])) == NULL)
			continue;
		if (opname != NULL) {
			certs_fail(ctx, s, "%s: give one of max, min, is or "
			    "until, not both %s and %s", what, opname, ops[i]);
			goto out;
		}
		opname = ops[i];
		ops_s = s;
		c->op = opv[i];
	}

	if (level != NULL &&
	    cert_level_from_name(level, &c->level) != 0) {
		s = config_setting_get_member(g, "level");
		if ((best = certs_guess(level, level_names)) != NULL)
			certs_fail(ctx, s, "%s: unknown level '%s' (did you "
			    "mean '%s'?)", what, level, best);
		else
			certs_fail(ctx, s, "%s: unknown level '%s' (valid: "
			    "hard, soft, advisory)", what, level);
		goto out;
	}

	/* What crossvisor cannot see can only be advised. */
	if (c->key == CERT_KEY_OTHER) {
		best = certs_guess(c->check, checks);
		if (opname != NULL) {
			certs_fail(ctx, ops_s, "%s: crossvisor cannot observe "
			    "'%s'%s%s%s, so it takes no %s", what, c->check,
			    best != NULL ? " (did you mean '" : "",
			    best != NULL ? best : "",
			    best != NULL ? "'?)" : "", opname);
			goto out;
		}
		if (level != NULL && c->level != CERT_LEVEL_ADVISORY) {
			certs_fail(ctx, config_setting_get_member(g, "level"),
			    "%s: crossvisor cannot observe '%s'%s%s%s, so its "
			    "level must be \"advisory\"", what, c->check,
			    best != NULL ? " (did you mean '" : "",
			    best != NULL ? best : "",
			    best != NULL ? "'?)" : "");
			goto out;
		}
		c->level = CERT_LEVEL_ADVISORY;
		c->op = CERT_OP_NONE;
	} else {
		for (k = 0; check_ops[k].key != c->key; k++)
			continue;
		if (level == NULL) {
			certs_fail(ctx, g, "%s has no level; add level = "
			    "\"hard\", \"soft\" or \"advisory\";", what);
			goto out;
		}
		if (opname == NULL) {
			certs_fail(ctx, g, "%s: '%s' needs %s", what, c->check,
			    check_ops[k].ops);
			goto out;
		}
		if (strstr(check_ops[k].ops, opname) == NULL) {
			certs_fail(ctx, ops_s, "%s: '%s' takes %s, not %s",
			    what, c->check, check_ops[k].ops, opname);
			goto out;
		}
		if (check_ops[k].text) {
			if (config_setting_type(ops_s) != CONFIG_TYPE_STRING) {
				certs_fail(ctx, ops_s, "%s: '%s' of '%s' must "
				    "be a string, not %s", what, opname,
				    c->check, lc_typename(ops_s));
				goto out;
			}
			v = config_setting_get_string(ops_s);
			if (c->key == CERT_KEY_DATE) {
				if (cert_day_parse(v, &day) != 0) {
					certs_fail(ctx, ops_s, "%s: until must "
					    "be a date YYYY-MM-DD, not '%s'",
					    what, v);
					goto out;
				}
				c->num = (double)day;
			} else if (*v == '\0') {
				certs_fail(ctx, ops_s, "%s: '%s' is empty",
				    what, opname);
				goto out;
			}
			c->str = xstrdup(v);
		} else if (certs_number(ctx, ops_s, opname, what, &c->num) != 0)
			goto out;
		if (c->key == CERT_KEY_GENERATION &&
		    c->num != 1 && c->num != 2) {
			certs_fail(ctx, ops_s, "%s: a generation is 1 or 2, "
			    "not %g", what, c->num);
			goto out;
		}
	}

	if ((s = config_setting_get_member(g, "generation")) != NULL) {
		if (certs_number(ctx, s, "generation", what, &gen) != 0)
			goto out;
		if (gen != 1 && gen != 2) {
			certs_fail(ctx, s, "%s: a generation is 1 or 2, not %g",
			    what, gen);
			goto out;
		}
		c->generation = (int)gen;
	}
	rc = 0;
out:
	free(level);
	return rc;
}

/* One row (a status for the pairs it matches) or rule (conditions for
 * every guest it matches). */
static int
certs_row(struct certs_ctx *ctx, const config_setting_t *g, bool rule,
    struct cert_row *r)
{
	const char		*kind = rule ? "rule" : "row";
	const config_setting_t	*s, *e;
	struct certs_what	 w, cw;
	char			*status = NULL, list[100];
	const char		*best;
	unsigned int		 i, n;
	int			 rc = -1;

	memset(r, 0, sizeof *r);
	if (certs_string(ctx, g, "id", kind, false, &r->id) != 0)
		goto out;
	if (r->id == NULL) {
		certs_fail(ctx, g, "%s without an id; add e.g. id = "
		    "\"site-%s\";", kind, rule ? "limit" : "web");
		goto out;
	}
	snprintf(w.s, sizeof w.s, "%s '%s'", kind, r->id);
	if (strpbrk(r->id, " \t\n,\"'") != NULL ||
	    strlen(r->id) >= CERT_ID_LEN) {
		certs_fail(ctx, config_setting_get_member(g, "id"), "%s: an id "
		    "has at most %d characters and no blanks, commas or "
		    "quotes", w.s, CERT_ID_LEN - 1);
		goto out;
	}
	r->file = ctx->m->files[ctx->m->nfiles - 1];
	r->line = (int)config_setting_source_line(g);
	if (certs_keys(ctx, g, row_keys, w.s) != 0 ||
	    certs_string(ctx, g, "hypervisor", w.s, false, &r->hypervisor) !=
	    0 ||
	    certs_strings(ctx, g, "platform", w.s, &r->platforms,
	    &r->nplatforms, NULL) != 0 ||
	    certs_strings(ctx, g, "guest", w.s, &r->guests, &r->nguests,
	    NULL) != 0 ||
	    certs_strings(ctx, g, "source", w.s, &r->source_ids, &r->nsources,
	    &r->source_lines) != 0 ||
	    certs_string(ctx, g, "note", w.s, false, &r->note) != 0 ||
	    certs_string(ctx, g, "status", w.s, false, &status) != 0 ||
	    certs_string(ctx, g, "reason", w.s, false, &r->reason) != 0)
		goto out;
	if (r->hypervisor != NULL && strcmp(r->hypervisor, "kvm") != 0 &&
	    strcmp(r->hypervisor, "hyperv") != 0) {
		certs_fail(ctx, config_setting_get_member(g, "hypervisor"),
		    "%s: hypervisor is \"kvm\" or \"hyperv\", not '%s'", w.s,
		    r->hypervisor);
		goto out;
	}

	if (rule) {
		s = config_setting_get_member(g, status != NULL ? "status" :
		    "reason");
		if (s != NULL) {
			certs_fail(ctx, s, "%s has a %s; a rule only adds "
			    "conditions (a row gives a status and reason)",
			    w.s, config_setting_name(s));
			goto out;
		}
	} else {
		if (status == NULL) {
			certs_fail(ctx, g, "%s has no status; add e.g. status = "
			    "\"certified\";", w.s);
			goto out;
		}
		if (strcmp(status, "supported-with-conditions") == 0)
			r->status = CERT_CONDITIONAL;
		else if (cert_status_from_name(status, &r->status) != 0) {
			s = config_setting_get_member(g, "status");
			if ((best = certs_guess(status, status_names)) != NULL)
				certs_fail(ctx, s, "%s: unknown status '%s' "
				    "(did you mean '%s'?)", w.s, status, best);
			else {
				certs_list(list, sizeof list, status_names);
				certs_fail(ctx, s, "%s: unknown status '%s' "
				    "(valid: %s)", w.s, status, list);
			}
			goto out;
		}
		if (r->reason == NULL) {
			certs_fail(ctx, g, "%s has no reason; add e.g. reason = "
			    "\"on the vendor's list\";", w.s);
			goto out;
		}
	}

	s = config_setting_get_member(g, "conditions");
	if (s == NULL && rule) {
		certs_fail(ctx, g, "%s has no conditions; a rule only adds "
		    "conditions", w.s);
		goto out;
	}
	if (s != NULL) {
		if (!config_setting_is_list(s) && !(config_setting_is_array(s)
		    && config_setting_length(s) == 0)) {
			certs_fail(ctx, s, "%s: 'conditions' must be a list ( "
			    "{ ... }, ... ), not %s", w.s, lc_typename(s));
			goto out;
		}
		n = (unsigned int)config_setting_length(s);
		r->conds = xcalloc(n > 0 ? n : 1, sizeof *r->conds);
		for (i = 0; i < n; i++) {
			e = config_setting_get_elem(s, i);
			snprintf(cw.s, sizeof cw.s, "condition %u of %.80s",
			    i + 1, w.s);
			if (!config_setting_is_group(e)) {
				certs_fail(ctx, e, "%s must be a group { ... }, "
				    "not %s", cw.s, lc_typename(e));
				goto out;
			}
			r->nconds++;
			if (certs_cond(ctx, e, cw.s, &r->conds[i]) != 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(status);
	if (rc != 0)
		cert_row_done(r);
	return rc;
}

static struct cert_row *
certs_find(struct cert_row *rows, size_t n, const char *id)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(rows[i].id, id) == 0)
			return &rows[i];
	}
	return NULL;
}

/* Adds a row or rule, or replaces the one of the same id from an earlier
 * file where it stands; takes r. */
static int
certs_merge(struct certs_ctx *ctx, struct cert_row *r, bool rule)
{
	struct cert_matrix	*m = ctx->m;
	struct cert_row		*old, *other;
	const char		*file = m->files[m->nfiles - 1];
	int			 rc;

	if (rule) {
		old = certs_find(m->rules, m->nrules, r->id);
		other = certs_find(m->rows, m->nrows, r->id);
		if (other == NULL)
			other = certs_find(*ctx->added, *ctx->nadded, r->id);
	} else {
		old = certs_find(m->rows, m->nrows, r->id);
		if (old == NULL)
			old = certs_find(*ctx->added, *ctx->nadded, r->id);
		other = certs_find(m->rules, m->nrules, r->id);
	}
	rc = 0;
	if (old != NULL && old->file == file)
		rc = certs_fail_at(ctx, ctx->path, (unsigned int)r->line,
		    "duplicate %s id '%s' (first at line %d)", rule ? "rule" :
		    "row", r->id, old->line);
	else if (other != NULL)
		rc = certs_fail_at(ctx, ctx->path, (unsigned int)r->line,
		    "'%s' is already a %s (%s:%d); give this %s another id",
		    r->id, rule ? "row" : "rule", other->file, other->line,
		    rule ? "rule" : "row");
	if (rc != 0) {
		cert_row_done(r);
		return -1;
	}
	if (old != NULL) {
		cert_row_done(old);
		*old = *r;
	} else if (rule) {
		m->rules = xreallocarray(m->rules, m->nrules + 1,
		    sizeof *m->rules);
		m->rules[m->nrules++] = *r;
	} else if (ctx->site) {
		*ctx->added = xreallocarray(*ctx->added, *ctx->nadded + 1,
		    sizeof **ctx->added);
		(*ctx->added)[(*ctx->nadded)++] = *r;
	} else {
		m->rows = xreallocarray(m->rows, m->nrows + 1, sizeof *m->rows);
		m->rows[m->nrows++] = *r;
	}
	memset(r, 0, sizeof *r);
	return 0;
}

/* sources = ( ... ), rules = ( ... ) or rows = ( ... ). */
static int
certs_list_of(struct certs_ctx *ctx, const config_setting_t *s,
    const char *name, int kind)
{
	const config_setting_t	*g;
	struct cert_row		 r;
	unsigned int		 i, n;

	if (config_setting_is_array(s) && config_setting_length(s) == 0)
		return 0;
	if (!config_setting_is_list(s))
		return certs_fail(ctx, s, "'%s' must be a list ( { ... }, ... "
		    "), not %s", name, lc_typename(s));
	n = (unsigned int)config_setting_length(s);
	for (i = 0; i < n; i++) {
		g = config_setting_get_elem(s, i);
		if (!config_setting_is_group(g))
			return certs_fail(ctx, g, "item %u of '%s' must be a "
			    "group { ... }, not %s", i + 1, name,
			    lc_typename(g));
		if (kind == 0) {
			if (certs_source(ctx, g) != 0)
				return -1;
			continue;
		}
		if (certs_row(ctx, g, kind == 1, &r) != 0 ||
		    certs_merge(ctx, &r, kind == 1) != 0)
			return -1;
	}
	return 0;
}

/* @include would put lines of another file under this one's name. */
static int
certs_no_includes(struct certs_ctx *ctx, const config_setting_t *s)
{
	const config_setting_t	*inc = lc_included(s, ctx->path);

	if (inc == NULL)
		return 0;
	return certs_fail_at(ctx, config_setting_source_file(inc),
	    config_setting_source_line(inc), "@include is not supported; put "
	    "these settings in a file of the site directory");
}

/* A libconfig parse error. */
static int
certs_syntax(struct certs_ctx *ctx, const config_t *lc)
{
	const char	*file, *text;
	int		 line;

	file = config_error_file(lc) != NULL ? config_error_file(lc) :
	    ctx->path;
	text = config_error_text(lc) != NULL ? config_error_text(lc) :
	    "cannot parse";
	line = config_error_line(lc);
	if (config_error_type(lc) == CONFIG_ERR_FILE_IO)
		return cv_err_set(ctx->err, CV_E_CONFIG, "%s: cannot read: %s",
		    ctx->path, errno != 0 ? strerror(errno) : text);
	return certs_fail_at(ctx, file, line > 0 ? (unsigned int)line : 0,
	    "%s", text);
}

/* Reads ctx->path into the matrix. */
static int
certs_file(struct certs_ctx *ctx)
{
	struct cert_matrix	*m = ctx->m;
	const config_setting_t	*root, *s;
	config_t		 lc;
	FILE			*f;
	long long		 ll;
	char			*text = NULL;
	unsigned int		 line;
	int			 rc = -1;

	if ((f = fopen(ctx->path, "re")) == NULL)
		return cv_err_set(ctx->err, CV_E_CONFIG, "%s: cannot open: %s",
		    ctx->path, strerror(errno));
	m->files = xreallocarray(m->files, m->nfiles + 1, sizeof *m->files);
	m->files[m->nfiles++] = xstrdup(ctx->path);

	config_init(&lc);
	errno = 0;
	if (lc_slurp(f, CERTS_FILE_MAX, &text) == -1) {
		cv_err_set(ctx->err, CV_E_CONFIG, "%s: cannot read: %s",
		    ctx->path, errno == EFBIG ? "larger than 4 MiB" :
		    strerror(errno));
		goto out;
	}
	if ((line = lc_include_line(text)) != 0) {
		certs_fail_at(ctx, ctx->path, line, "@include is not "
		    "supported; put these settings in a file of the site "
		    "directory");
		goto out;
	}
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		certs_syntax(ctx, &lc);
		goto out;
	}
	root = config_root_setting(&lc);
	if (certs_no_includes(ctx, root) != 0 ||
	    certs_keys(ctx, root, root_keys, "top level") != 0)
		goto out;

	if ((s = config_setting_get_member(root, "version")) != NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_INT) {
			certs_fail(ctx, s, "'version' must be an integer, not "
			    "%s", lc_typename(s));
			goto out;
		}
		if (config_setting_get_int(s) != CERTS_VERSION) {
			certs_fail(ctx, s, "version %d is not known to this "
			    "crossvisor (it reads version %d)",
			    config_setting_get_int(s), CERTS_VERSION);
			goto out;
		}
	} else if (!ctx->site) {
		certs_fail(ctx, NULL, "no version; begin the file with "
		    "version = %d;", CERTS_VERSION);
		goto out;
	}
	if ((s = config_setting_get_member(root, "stale_after_days")) !=
	    NULL) {
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64) {
			certs_fail(ctx, s, "'stale_after_days' must be an "
			    "integer, not %s", lc_typename(s));
			goto out;
		}
		ll = config_setting_get_int64(s);
		if (ll < 0 || ll > CERTS_MAXSTALE) {
			certs_fail(ctx, s, "'stale_after_days' must be from 0 "
			    "to %d, not %lld", CERTS_MAXSTALE, ll);
			goto out;
		}
		m->stale_after_days = (int)ll;
	}
	if (certs_string(ctx, root, "tcg_source", "top level", false,
	    &m->tcg_source_id) != 0)
		goto out;
	if (((s = config_setting_get_member(root, "sources")) != NULL &&
	    certs_list_of(ctx, s, "sources", 0) != 0) ||
	    ((s = config_setting_get_member(root, "rules")) != NULL &&
	    certs_list_of(ctx, s, "rules", 1) != 0) ||
	    ((s = config_setting_get_member(root, "rows")) != NULL &&
	    certs_list_of(ctx, s, "rows", 2) != 0))
		goto out;
	rc = 0;
out:
	config_destroy(&lc);
	free(text);
	fclose(f);
	return rc;
}

/* ---- references ---- */

static const struct cert_source *
certs_source_find(const struct cert_matrix *m, const char *id)
{
	size_t	i;

	for (i = 0; i < m->nsources; i++) {
		if (strcmp(m->sources[i].id, id) == 0)
			return &m->sources[i];
	}
	return NULL;
}

/* An id that names no source, with the closest one. */
static int
certs_unknown_source(struct certs_ctx *ctx, const char *file,
    unsigned int line, const char *what, const char *id)
{
	const struct cert_matrix	 *m = ctx->m;
	const char			**ids, *best;
	size_t				  i;

	ids = xcalloc(m->nsources + 1, sizeof *ids);
	for (i = 0; i < m->nsources; i++)
		ids[i] = m->sources[i].id;
	best = certs_guess(id, ids);
	if (best != NULL)
		certs_fail_at(ctx, file, line, "%s: unknown source '%s' (did "
		    "you mean '%s'?)", what, id, best);
	else
		certs_fail_at(ctx, file, line, "%s: unknown source '%s' (no "
		    "source in sources = ( ... ) has that id)", what, id);
	free(ids);
	return -1;
}

/* Points a row's and its conditions' source ids at the sources. */
static int
certs_resolve_row(struct certs_ctx *ctx, struct cert_row *r, bool rule)
{
	struct certs_what	 w;
	struct cert_cond	*c;
	size_t			 i;

	snprintf(w.s, sizeof w.s, "%s '%s'", rule ? "rule" : "row", r->id);
	free(r->sources);
	r->sources = xcalloc(r->nsources, sizeof *r->sources);
	for (i = 0; i < r->nsources; i++) {
		r->sources[i] = certs_source_find(ctx->m, r->source_ids[i]);
		if (r->sources[i] == NULL)
			return certs_unknown_source(ctx, r->file,
			    (unsigned int)r->source_lines[i], w.s,
			    r->source_ids[i]);
	}
	for (i = 0; i < r->nconds; i++) {
		c = &r->conds[i];
		if (c->source_id == NULL)
			continue;
		c->source = certs_source_find(ctx->m, c->source_id);
		if (c->source == NULL) {
			snprintf(w.s, sizeof w.s, "condition %zu of %s '%s'",
			    i + 1, rule ? "rule" : "row", r->id);
			return certs_unknown_source(ctx, r->file,
			    (unsigned int)c->line, w.s, c->source_id);
		}
	}
	return 0;
}

static int
certs_resolve(struct certs_ctx *ctx)
{
	struct cert_matrix	*m = ctx->m;
	size_t			 i;

	for (i = 0; i < m->nrules; i++) {
		if (certs_resolve_row(ctx, &m->rules[i], true) != 0)
			return -1;
	}
	for (i = 0; i < m->nrows; i++) {
		if (certs_resolve_row(ctx, &m->rows[i], false) != 0)
			return -1;
	}
	if (m->tcg_source_id == NULL)
		return certs_fail_at(ctx, m->files[0], 0, "no tcg_source; name "
		    "the source that says software emulation (TCG) is not "
		    "supported, e.g. tcg_source = \"rh-kvm-restrictions\";");
	m->tcg_source = certs_source_find(m, m->tcg_source_id);
	if (m->tcg_source == NULL)
		return certs_unknown_source(ctx, m->files[0], 0, "tcg_source",
		    m->tcg_source_id);
	return 0;
}

/* ---- site files ---- */

static int
certs_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every "*.conf" of dir, in strcmp() order: the order does not depend on
 * the locale. */
static int
certs_site(struct certs_ctx *ctx, const char *dir)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		**names = NULL, *path;
	size_t		 n = 0, i, len;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		return cv_err_set(ctx->err, CV_E_CONFIG, "%s: cannot open: %s",
		    dir, strerror(errno));
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 ||
		    strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof *names, certs_name_cmp);
	for (i = 0; i < n; i++) {
		xasprintf(&path, "%s/%s", dir, names[i]);
		if (rc == 0 && stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
			ctx->path = path;
			rc = certs_file(ctx);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ---- loading ---- */

const char *
certs_site_dir(void)
{
	return CV_SYSCONFDIR "/crossvisor/certifications.d";
}

int
certs_load(const char *main_path, const char *site_dir,
    struct cert_matrix **out, struct cv_err *err)
{
	struct certs_ctx	 ctx;
	struct cert_matrix	*m;
	struct cert_row		*added = NULL, *rows;
	size_t			 nadded = 0, i;
	int			 rc = -1;

	*out = NULL;
	m = xcalloc(1, sizeof *m);
	memset(&ctx, 0, sizeof ctx);
	ctx.err = err;
	ctx.m = m;
	ctx.added = &added;
	ctx.nadded = &nadded;
	ctx.path = main_path;
	if (certs_file(&ctx) != 0)
		goto out;
	ctx.site = true;
	if (site_dir != NULL && certs_site(&ctx, site_dir) != 0)
		goto out;

	/* New site rows are tried first, in the order of the files. */
	if (nadded > 0) {
		rows = xreallocarray(NULL, nadded + m->nrows, sizeof *rows);
		memcpy(rows, added, nadded * sizeof *rows);
		if (m->nrows > 0)
			memcpy(rows + nadded, m->rows, m->nrows * sizeof *rows);
		free(m->rows);
		m->rows = rows;
		m->nrows += nadded;
		free(added);
		added = NULL;
		nadded = 0;
	}
	if (certs_resolve(&ctx) != 0)
		goto out;
	*out = m;
	m = NULL;
	rc = 0;
out:
	for (i = 0; i < nadded; i++)
		cert_row_done(&added[i]);
	free(added);
	cert_matrix_free(m);
	return rc;
}
