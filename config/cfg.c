/* Finds and reads crossvisor.conf with libconfig and checks it against
 * cfg_table.c into a plain struct cfg; nothing of libconfig escapes. Runs on
 * the main thread before any poller starts. */
#include "config/cfg.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <libconfig.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/lc.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/words.h"
#include "core/xmalloc.h"

#ifndef CV_SYSCONFDIR
#define CV_SYSCONFDIR "/etc"
#endif

#define CFG_SUFFIX	"crossvisor/crossvisor.conf"
#define CFG_MAXDIST	3	/* edits from a misspelt word to a guess */
#define CFG_FILE_MAX	(1u << 20)	/* bytes of a config file */

struct cfg_ctx {
	const char	*path;		/* (borrowed) file name in messages */
	bool		 exposed;	/* mode & 077: others may read it */
	struct cv_err	*err;		/* (borrowed) */
};

/* The closest candidate to word seen so far. */
struct cfg_guess {
	const char	*word;		/* (borrowed) */
	const char	*best;		/* (borrowed) NULL: none yet */
	int		 dist;
};

static int	 cfg_fail(struct cfg_ctx *, unsigned int, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
static void	 cfg_append(char *, const char *, size_t);
static void	 cfg_guess_try(struct cfg_guess *, const char *);
static const char *cfg_guess_result(const struct cfg_guess *);
static const char *cfg_want(const struct cfg_key *, char *, size_t);
static int	 cfg_expand(struct cfg_ctx *, const config_setting_t *,
		     const char *, char **);
static int	 cfg_unknown(struct cfg_ctx *, enum cfg_scope,
		     const config_setting_t *);
static int	 cfg_bad_type(struct cfg_ctx *, const struct cfg_key *,
		     const config_setting_t *);
static int	 cfg_check_choice(struct cfg_ctx *, const struct cfg_key *,
		     const config_setting_t *, const char *);
static int	 cfg_set_string(struct cfg_ctx *, const struct cfg_key *,
		     const config_setting_t *, char **);
static int	 cfg_set_strings(struct cfg_ctx *, const struct cfg_key *,
		     const config_setting_t *, struct strv *);
static int	 cfg_set(struct cfg_ctx *, const struct cfg_key *,
		     const config_setting_t *, void *, struct cfg *);
static int	 cfg_group(struct cfg_ctx *, const config_setting_t *,
		     enum cfg_scope, void *, struct cfg *);
static bool	 cfg_platform_ok(const char *);
static int	 cfg_host_kind(const struct cfg_host *);
static int	 cfg_host_applies(struct cfg_ctx *, const config_setting_t *,
		     const struct cfg_host *, int);
static int	 cfg_host(struct cfg_ctx *, const config_setting_t *,
		     struct cfg_host *);
static int	 cfg_hosts(struct cfg_ctx *, const config_setting_t *,
		     struct cfg *);
static int	 cfg_no_includes(struct cfg_ctx *, const config_setting_t *);
static int	 cfg_syntax(struct cfg_ctx *, const config_t *);
static int	 cfg_read(struct cfg_ctx *, FILE *, const char *,
		     struct cfg *);
static int	 cfg_load_fp(const char *, FILE *, struct cfg *,
		     struct cv_err *);
static int	 cfg_load_named(const char *, const char *, struct cfg *,
		     struct cv_err *);
static int	 cfg_load_optional(const char *, struct cfg *,
		     struct cv_err *, bool *);

/* Sets the one-line "path:line: message" error; line 0 leaves it out. */
static int
cfg_fail(struct cfg_ctx *ctx, unsigned int line, const char *fmt, ...)
{
	char	msg[sizeof ctx->err->msg];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (line == 0)
		return cv_err_set(ctx->err, CV_E_CONFIG, "%s: %s", ctx->path,
		    msg);
	return cv_err_set(ctx->err, CV_E_CONFIG, "%s:%u: %s", ctx->path, line,
	    msg);
}

/* Appends s to the string in buf, truncating. */
static void
cfg_append(char *buf, const char *s, size_t size)
{
	size_t	len = strlen(buf);

	if (len < size)
		strlcpy_cv(buf + len, s, size - len);
}

static void
cfg_guess_try(struct cfg_guess *g, const char *cand)
{
	int	d = words_distance(g->word, cand);

	if (g->best == NULL || d < g->dist) {
		g->best = cand;
		g->dist = d;
	}
}

/* The best candidate if it is close enough to be what was meant: one edit
 * per four letters, at least one and at most CFG_MAXDIST. */
static const char *
cfg_guess_result(const struct cfg_guess *g)
{
	int	max = 1 + (int)strlen(g->word) / 4;

	if (max > CFG_MAXDIST)
		max = CFG_MAXDIST;
	if (g->best == NULL || g->dist > max)
		return NULL;
	return g->best;
}

/* What a key's value must be, in words: "a number of seconds". */
static const char *
cfg_want(const struct cfg_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case CFG_FLOAT:
		if (k->unit != NULL)
			snprintf(buf, len, "a number of %s", k->unit);
		else
			snprintf(buf, len, "a number");
		break;
	case CFG_INT:
		snprintf(buf, len, "an integer");
		break;
	case CFG_BOOL:
		snprintf(buf, len, "true or false");
		break;
	default:
		snprintf(buf, len, "a %s", cfg_type_name(k->type));
		break;
	}
	return buf;
}

/* Expands a leading "~" or "~user" of a path, as a shell would. */
static int
cfg_expand(struct cfg_ctx *ctx, const config_setting_t *s, const char *in,
    char **out)
{
	const struct passwd	*pw;
	const char		*rest, *home;
	char			*user;

	if (in[0] != '~') {
		*out = xstrdup(in);
		return 0;
	}
	rest = in + 1 + strcspn(in + 1, "/");
	if (rest == in + 1) {
		home = getenv("HOME");
		if (home == NULL || *home == '\0') {
			pw = getpwuid(getuid());
			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home == NULL)
			return cfg_fail(ctx, config_setting_source_line(s),
			    "cannot expand '~' in '%s': HOME is not set; "
			    "write the full path", in);
	} else {
		user = xstrndup(in + 1, (size_t)(rest - in - 1));
		pw = getpwnam(user);
		free(user);
		if (pw == NULL)
			return cfg_fail(ctx, config_setting_source_line(s),
			    "cannot expand '%.*s' in '%s': no such user",
			    (int)(rest - in), in, in);
		home = pw->pw_dir;
	}
	xasprintf(out, "%s%s", home, rest);
	return 0;
}

/* Refuses an unknown key, naming the key that was probably meant. */
static int
cfg_unknown(struct cfg_ctx *ctx, enum cfg_scope scope,
    const config_setting_t *s)
{
	const struct cfg_key	*k;
	struct cfg_guess	 g = { .word = config_setting_name(s) };
	const char		*best;
	char			 list[200];
	unsigned int		 line = config_setting_source_line(s);

	if (scope == CFG_SCOPE_TOP &&
	    cfg_table_lookup(CFG_SCOPE_HOST, g.word) != NULL)
		return cfg_fail(ctx, line, "'%s' is a host key; put it inside "
		    "a host's group in hosts = ( { ... } )", g.word);
	if (scope == CFG_SCOPE_HOST &&
	    cfg_table_lookup(CFG_SCOPE_TOP, g.word) != NULL)
		return cfg_fail(ctx, line, "'%s' is a top-level key, not a "
		    "host key; move it out of hosts = ( ... )", g.word);

	list[0] = '\0';
	for (k = cfg_table_next(NULL); k != NULL; k = cfg_table_next(k)) {
		if (k->scope != scope)
			continue;
		cfg_guess_try(&g, k->name);
		if (list[0] != '\0')
			cfg_append(list, ", ", sizeof list);
		cfg_append(list, k->name, sizeof list);
	}
	if ((best = cfg_guess_result(&g)) != NULL)
		return cfg_fail(ctx, line, "unknown key '%s' (did you mean "
		    "'%s'?)", g.word, best);
	return cfg_fail(ctx, line, "unknown key '%s' (valid%s: %s)", g.word,
	    scope == CFG_SCOPE_HOST ? " in a host" : "", list);
}

static int
cfg_bad_type(struct cfg_ctx *ctx, const struct cfg_key *k,
    const config_setting_t *s)
{
	char	want[64];

	return cfg_fail(ctx, config_setting_source_line(s),
	    "'%s' must be %s, not %s; e.g. %s = %s;", k->name,
	    cfg_want(k, want, sizeof want), lc_typename(s), k->name,
	    k->example);
}

static int
cfg_check_choice(struct cfg_ctx *ctx, const struct cfg_key *k,
    const config_setting_t *s, const char *v)
{
	struct cfg_guess	 g = { .word = v };
	const char *const	*c;
	const char		*best;
	char			 list[100];

	if (k->choices == NULL)
		return 0;
	list[0] = '\0';
	for (c = k->choices; *c != NULL; c++) {
		if (strcmp(*c, v) == 0)
			return 0;
		cfg_guess_try(&g, *c);
		if (list[0] != '\0')
			cfg_append(list, ", ", sizeof list);
		cfg_append(list, *c, sizeof list);
	}
	if ((best = cfg_guess_result(&g)) != NULL)
		return cfg_fail(ctx, config_setting_source_line(s),
		    "unknown %s '%s' (did you mean '%s'?)", k->name, v, best);
	return cfg_fail(ctx, config_setting_source_line(s),
	    "unknown %s '%s' (valid: %s)", k->name, v, list);
}

static int
cfg_set_string(struct cfg_ctx *ctx, const struct cfg_key *k,
    const config_setting_t *s, char **field)
{
	const char	*v;
	char		*copy;

	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return cfg_bad_type(ctx, k, s);
	v = config_setting_get_string(s);
	if (*v == '\0' && (k->flags & CFG_F_EMPTY)) {
		free(*field);
		*field = xstrdup("");
		return 0;
	}
	if (*v == '\0')
		return cfg_fail(ctx, config_setting_source_line(s),
		    "'%s' is empty; give a value, e.g. %s = %s;, or remove "
		    "the line", k->name, k->name, k->example);
	if (cfg_check_choice(ctx, k, s, v) != 0)
		return -1;
	if ((k->flags & CFG_F_SECRET) && ctx->exposed)
		return cv_err_set(ctx->err, CV_E_CONFIG, "%s: holds a password "
		    "but is readable by group or others; run: chmod 600 %s "
		    "(better: use ssh-agent or an identity key)", ctx->path,
		    ctx->path);
	if (k->flags & CFG_F_PATH) {
		if (cfg_expand(ctx, s, v, &copy) != 0)
			return -1;
	} else
		copy = xstrdup(v);
	free(*field);
	*field = copy;
	return 0;
}

/* A list of strings, written as an array [ ] or a list ( ). */
static int
cfg_set_strings(struct cfg_ctx *ctx, const struct cfg_key *k,
    const config_setting_t *s, struct strv *field)
{
	const config_setting_t	*e;
	const char		*v;
	int			 i, n;

	if (!config_setting_is_array(s) && !config_setting_is_list(s))
		return cfg_bad_type(ctx, k, s);
	n = config_setting_length(s);
	for (i = 0; i < n; i++) {
		e = config_setting_get_elem(s, (unsigned int)i);
		if (config_setting_type(e) != CONFIG_TYPE_STRING)
			return cfg_fail(ctx, config_setting_source_line(e),
			    "'%s' must be a list of strings, and item %d is "
			    "%s; e.g. %s = %s;", k->name, i + 1,
			    lc_typename(e), k->name, k->example);
		if (*config_setting_get_string(e) == '\0')
			return cfg_fail(ctx, config_setting_source_line(e),
			    "'%s': item %d is an empty string", k->name, i + 1);
	}
	strv_free(field);
	for (i = 0; i < n; i++) {
		v = config_setting_get_string_elem(s, i);
		strv_add(field, v);
	}
	return 0;
}

/* Checks one setting against its key and stores it at base + k->off. */
static int
cfg_set(struct cfg_ctx *ctx, const struct cfg_key *k,
    const config_setting_t *s, void *base, struct cfg *c)
{
	char		*field = (char *)base + k->off;
	double		 d;
	long long	 ll;

	switch (k->type) {
	case CFG_FLOAT:
		if (!config_setting_is_number(s))
			return cfg_bad_type(ctx, k, s);
		if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
			d = config_setting_get_float(s);
		else
			d = (double)config_setting_get_int64(s);
		if (!(d >= k->min && d <= k->max))
			return cfg_fail(ctx, config_setting_source_line(s),
			    "'%s' must be from %g to %g%s%s, not %g", k->name,
			    k->min, k->max, k->unit != NULL ? " " : "",
			    k->unit != NULL ? k->unit : "", d);
		memcpy(field, &d, sizeof d);
		return 0;
	case CFG_INT:
		if (config_setting_type(s) != CONFIG_TYPE_INT &&
		    config_setting_type(s) != CONFIG_TYPE_INT64)
			return cfg_bad_type(ctx, k, s);
		ll = config_setting_get_int64(s);
		if (ll < (long long)k->min || ll > (long long)k->max)
			return cfg_fail(ctx, config_setting_source_line(s),
			    "'%s' must be from %g to %g, not %lld", k->name,
			    k->min, k->max, ll);
		*(int *)(void *)field = (int)ll;
		return 0;
	case CFG_BOOL:
		if (config_setting_type(s) != CONFIG_TYPE_BOOL)
			return cfg_bad_type(ctx, k, s);
		*(bool *)(void *)field = config_setting_get_bool(s) != 0;
		return 0;
	case CFG_STRING:
		return cfg_set_string(ctx, k, s, (char **)(void *)field);
	case CFG_STRINGS:
		return cfg_set_strings(ctx, k, s, (struct strv *)(void *)field);
	case CFG_HOSTS:
		return cfg_hosts(ctx, s, c);
	default:
		break;
	}
	return cfg_bad_type(ctx, k, s);
}

/* Every member of a group (the root or a host) against the table. */
static int
cfg_group(struct cfg_ctx *ctx, const config_setting_t *g,
    enum cfg_scope scope, void *base, struct cfg *c)
{
	const config_setting_t	*s;
	const struct cfg_key	*k;
	int			 i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(g, (unsigned int)i);
		if ((k = cfg_table_lookup(scope, config_setting_name(s))) ==
		    NULL)
			return cfg_unknown(ctx, scope, s);
		if (cfg_set(ctx, k, s, base, c) != 0)
			return -1;
	}
	return 0;
}

/* A platform id: lower-case os-release ID and VERSION_ID joined by '-'. */
static bool
cfg_platform_ok(const char *p)
{
	const char	*q;

	if (!islower((unsigned char)p[0]) || strchr(p, '-') == NULL ||
	    p[strlen(p) - 1] == '-')
		return false;
	for (q = p; *q != '\0'; q++) {
		if (!islower((unsigned char)*q) &&
		    !isdigit((unsigned char)*q) && strchr("._-", *q) == NULL)
			return false;
	}
	return true;
}

static int
cfg_host_kind(const struct cfg_host *h)
{
	if (strcmp(h->type, "kvm") == 0)
		return CFG_FOR_KVM;
	if (h->transport != NULL && strcmp(h->transport, "local") == 0)
		return CFG_FOR_LOCAL;
	return CFG_FOR_SSH;
}

/* Refuses a key that the kind of host at hand does not use. */
static int
cfg_host_applies(struct cfg_ctx *ctx, const config_setting_t *g,
    const struct cfg_host *h, int kind)
{
	const config_setting_t	*s;
	const struct cfg_key	*k;
	unsigned int		 line;
	int			 i, n = config_setting_length(g);

	for (i = 0; i < n; i++) {
		s = config_setting_get_elem(g, (unsigned int)i);
		k = cfg_table_lookup(CFG_SCOPE_HOST, config_setting_name(s));
		if (k == NULL || (k->applies & kind))
			continue;
		line = config_setting_source_line(s);
		if (kind == CFG_FOR_KVM)
			return cfg_fail(ctx, line, "'%s' does not apply to kvm "
			    "host '%s': its uri says how to connect, e.g. "
			    "qemu+ssh://user@host:port/system", k->name,
			    h->name);
		if (k->applies == CFG_FOR_KVM)
			return cfg_fail(ctx, line, "'%s' applies only to kvm "
			    "hosts, and '%s' is a hyperv host", k->name,
			    h->name);
		if (k->applies == CFG_FOR_LOCAL)
			return cfg_fail(ctx, line, "'%s' needs transport = "
			    "\"local\" in host '%s'", k->name, h->name);
		return cfg_fail(ctx, line, "'%s' does not apply to host '%s' "
		    "with transport = \"local\" (it runs command, no SSH)",
		    k->name, h->name);
	}
	return 0;
}

/* One group of hosts = ( ... ): keys, then what the kind of host needs. */
static int
cfg_host(struct cfg_ctx *ctx, const config_setting_t *g, struct cfg_host *h)
{
	const config_setting_t	*s;
	const struct cfg_key	*k;
	unsigned int		 line = config_setting_source_line(g);
	int			 kind;

	h->line = (int)line;
	if (cfg_group(ctx, g, CFG_SCOPE_HOST, h, NULL) != 0)
		return -1;
	if (h->name == NULL)
		return cfg_fail(ctx, line, "host without a name; add e.g. "
		    "name = \"kvm-a\";");
	if (strpbrk(h->name, "/ \t\n\r\f\v") != NULL) {
		s = config_setting_get_member(g, "name");
		return cfg_fail(ctx, config_setting_source_line(s),
		    "host name '%s' must not contain '/' or white space "
		    "(targets are written HOST/GUEST)", h->name);
	}
	if (h->type == NULL)
		return cfg_fail(ctx, line, "host '%s' has no type; add "
		    "type = \"kvm\"; or type = \"hyperv\";", h->name);

	kind = cfg_host_kind(h);
	if (cfg_host_applies(ctx, g, h, kind) != 0)
		return -1;
	for (k = cfg_table_next(NULL); k != NULL; k = cfg_table_next(k)) {
		if (k->scope != CFG_SCOPE_HOST || !(k->required & kind) ||
		    config_setting_get_member(g, k->name) != NULL)
			continue;
		if (kind == CFG_FOR_LOCAL)
			return cfg_fail(ctx, line, "host '%s' has transport = "
			    "\"local\" but no %s; add e.g. %s = %s;", h->name,
			    k->name, k->name, k->example);
		return cfg_fail(ctx, line, "%s host '%s' has no %s; add e.g. "
		    "%s = %s;", h->type, h->name, k->name, k->name,
		    k->example);
	}

	if (h->platform != NULL && !cfg_platform_ok(h->platform)) {
		s = config_setting_get_member(g, "platform");
		return cfg_fail(ctx, config_setting_source_line(s),
		    "platform '%s' is not a platform id; use <os-release "
		    "ID>-<VERSION_ID> like \"rhel-9.4\", or "
		    "\"windows-server-2022\"", h->platform);
	}

	/* Hyper-V over SSH: the host's name is its address unless given. */
	if (kind != CFG_FOR_KVM && h->transport == NULL)
		h->transport = xstrdup("ssh");
	if (kind == CFG_FOR_SSH && h->address == NULL)
		h->address = xstrdup(h->name);
	return 0;
}

static int
cfg_hosts(struct cfg_ctx *ctx, const config_setting_t *s, struct cfg *c)
{
	const struct cfg_key	*k;
	const config_setting_t	*g;
	size_t			 i, j, n;

	k = cfg_table_lookup(CFG_SCOPE_TOP, "hosts");
	if (config_setting_is_array(s) && config_setting_length(s) == 0)
		return 0;
	if (!config_setting_is_list(s))
		return cfg_bad_type(ctx, k, s);
	n = (size_t)config_setting_length(s);
	if (n == 0)
		return 0;
	c->hosts = xcalloc(n, sizeof *c->hosts);
	for (i = 0; i < n; i++) {
		g = config_setting_get_elem(s, (unsigned int)i);
		if (!config_setting_is_group(g))
			return cfg_fail(ctx, config_setting_source_line(g),
			    "each item of 'hosts' must be a group { ... }, and "
			    "item %zu is %s", i + 1, lc_typename(g));
		c->nhosts++;
		if (cfg_host(ctx, g, &c->hosts[i]) != 0)
			return -1;
		for (j = 0; j < i; j++) {
			if (strcmp(c->hosts[j].name, c->hosts[i].name) != 0)
				continue;
			g = config_setting_get_member(g, "name");
			return cfg_fail(ctx, config_setting_source_line(g),
			    "duplicate host name '%s' (first at line %d); "
			    "give each host its own name", c->hosts[i].name,
			    c->hosts[j].line);
		}
	}
	return 0;
}

/* Settings read through @include would escape the permission check of
 * the file that holds them, so one file holds everything. */
static int
cfg_no_includes(struct cfg_ctx *ctx, const config_setting_t *s)
{
	const config_setting_t	*inc = lc_included(s, NULL);

	if (inc == NULL)
		return 0;
	return cv_err_set(ctx->err, CV_E_CONFIG, "%s:%u: @include is not "
	    "supported; put these settings in %s",
	    config_setting_source_file(inc), config_setting_source_line(inc),
	    ctx->path);
}

/* A libconfig parse error, with a hint for the common ones. */
static int
cfg_syntax(struct cfg_ctx *ctx, const config_t *lc)
{
	static const struct {
		const char	*text;
		const char	*hint;
	} hints[] = {
		{ "syntax error", "check this line and the end of the one "
		    "before: name = value; quotes and brackets closed" },
		{ "duplicate setting name", "each key may appear once in a "
		    "group" },
		{ "mismatched element type in array", "an array [ ] holds "
		    "values of one type" },
	};
	const char	*file, *text, *hint = NULL;
	size_t		 i;
	int		 line;

	file = config_error_file(lc) != NULL ? config_error_file(lc) :
	    ctx->path;
	text = config_error_text(lc) != NULL ? config_error_text(lc) :
	    "cannot parse";
	line = config_error_line(lc);
	for (i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		if (strcmp(text, hints[i].text) == 0)
			hint = hints[i].hint;
	}
	if (line <= 0)
		return cv_err_set(ctx->err, CV_E_CONFIG, "%s: %s%s%s", file,
		    text, hint != NULL ? "; " : "", hint != NULL ? hint : "");
	return cv_err_set(ctx->err, CV_E_CONFIG, "%s:%d: %s%s%s", file, line,
	    text, hint != NULL ? "; " : "", hint != NULL ? hint : "");
}

/* Parses f (or text) into out, which holds the defaults. */
static int
cfg_read(struct cfg_ctx *ctx, FILE *f, const char *text, struct cfg *out)
{
	config_t	 lc;
	char		*owned = NULL;
	unsigned int	 line;
	int		 rc = -1;

	config_init(&lc);
	if (f != NULL) {
		if (lc_slurp(f, CFG_FILE_MAX, &owned) == -1) {
			cv_err_set(ctx->err, CV_E_CONFIG, "%s: cannot read: %s",
			    ctx->path, errno == EFBIG ? "larger than 1 MiB" :
			    strerror(errno));
			goto out;
		}
		text = owned;
	}
	if ((line = lc_include_line(text)) != 0) {
		cv_err_set(ctx->err, CV_E_CONFIG, "%s:%u: @include is not "
		    "supported; put these settings in %s", ctx->path, line,
		    ctx->path);
		goto out;
	}
	if (config_read_string(&lc, text) != CONFIG_TRUE) {
		cfg_syntax(ctx, &lc);
		goto out;
	}
	if (cfg_no_includes(ctx, config_root_setting(&lc)) != 0)
		goto out;
	if (cfg_group(ctx, config_root_setting(&lc), CFG_SCOPE_TOP, out,
	    out) != 0)
		goto out;
	out->path = xstrdup(ctx->path);
	rc = 0;
out:
	config_destroy(&lc);
	free(owned);
	if (rc != 0) {
		cfg_free(out);
		cfg_init_defaults(out);
	}
	return rc;
}

/* Reads an opened file into out, which holds the defaults, checking the
 * mode of the same fd; closes f. */
static int
cfg_load_fp(const char *path, FILE *f, struct cfg *out, struct cv_err *err)
{
	struct cfg_ctx	ctx = { .path = path, .err = err };
	struct stat	sb;
	int		rc;

	if (fstat(fileno(f), &sb) != 0) {
		rc = cv_err_set(err, CV_E_CONFIG, "%s: cannot stat: %s", path,
		    strerror(errno));
		fclose(f);
		return rc;
	}
	if (S_ISDIR(sb.st_mode)) {
		fclose(f);
		return cv_err_set(err, CV_E_CONFIG, "%s: is a directory; name "
		    "the file, e.g. %s/crossvisor.conf", path, path);
	}
	ctx.exposed = (sb.st_mode & 077) != 0;
	rc = cfg_read(&ctx, f, NULL, out);
	fclose(f);
	return rc;
}

int
cfg_load_file(const char *path, struct cfg *out, struct cv_err *err)
{
	FILE	*f;

	cfg_init_defaults(out);
	if ((f = fopen(path, "re")) == NULL)
		return cv_err_set(err, CV_E_CONFIG, "%s: cannot open: %s", path,
		    strerror(errno));
	return cfg_load_fp(path, f, out, err);
}

int
cfg_parse_string(const char *text, const char *name, struct cfg *out,
    struct cv_err *err)
{
	struct cfg_ctx	ctx = { .path = name, .err = err };

	cfg_init_defaults(out);
	return cfg_read(&ctx, NULL, text, out);
}

/* A file named by -c or the environment: it must exist. out holds the
 * defaults. */
static int
cfg_load_named(const char *path, const char *how, struct cfg *out,
    struct cv_err *err)
{
	FILE	*f;

	if ((f = fopen(path, "re")) == NULL)
		return cv_err_set(err, CV_E_CONFIG, "%s: cannot open (named by "
		    "%s): %s", path, how, strerror(errno));
	return cfg_load_fp(path, f, out, err);
}

/* A file in a standard place: its absence is fine, *found says so. out
 * holds the defaults. */
static int
cfg_load_optional(const char *path, struct cfg *out, struct cv_err *err,
    bool *found)
{
	FILE	*f;

	*found = false;
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return cv_err_set(err, CV_E_CONFIG, "%s: cannot open: %s", path,
		    strerror(errno));
	}
	*found = true;
	return cfg_load_fp(path, f, out, err);
}

int
cfg_load(const char *cli_path, struct cfg *out, struct cv_err *err)
{
	const struct passwd	*pw;
	const char		*env, *home;
	char			*path;
	bool			 found;
	int			 rc;

	cfg_init_defaults(out);
	if (cli_path != NULL)
		return cfg_load_named(cli_path, "-c", out, err);
	env = getenv("CROSSVISOR_CONFIG");
	if (env != NULL && *env != '\0')
		return cfg_load_named(env, "$CROSSVISOR_CONFIG", out, err);

	/* XDG: a relative or empty XDG_CONFIG_HOME is to be ignored. */
	path = NULL;
	env = getenv("XDG_CONFIG_HOME");
	if (env != NULL && env[0] == '/')
		xasprintf(&path, "%s/" CFG_SUFFIX, env);
	else {
		home = getenv("HOME");
		if (home == NULL || *home == '\0') {
			pw = getpwuid(getuid());
			home = pw != NULL ? pw->pw_dir : NULL;
		}
		if (home != NULL)
			xasprintf(&path, "%s/.config/" CFG_SUFFIX, home);
	}
	if (path != NULL) {
		rc = cfg_load_optional(path, out, err, &found);
		free(path);
		if (rc != 0 || found)
			return rc;
	}

	rc = cfg_load_optional(CV_SYSCONFDIR "/" CFG_SUFFIX, out, err, &found);
	return rc;
}
