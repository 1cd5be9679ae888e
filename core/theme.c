/* Theme files: one "element = fg [bg] [attribute...]" a line, # comments,
 * and accent.host.NAME / accent.tag.NAME lines. The parser reads a buffer
 * (not a file, so it is fuzzed and unit-tested as is) and stops at the
 * first error with "file:line: message" and the closest known word. Pure.
 * Any thread. */
#include "core/theme.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/words.h"
#include "core/xmalloc.h"

#define THEME_WORD_MAX	64	/* longer tokens are cut in messages */
#define THEME_NAME_MAX	128	/* accent names: host names and tags */

static const char *const theme_colors[16] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
	"bright-black", "bright-red", "bright-green", "bright-yellow",
	"bright-blue", "bright-magenta", "bright-cyan", "bright-white"
};

static const struct {
	const char	*name;
	unsigned	 bit;
} theme_attrs[] = {
	{ "bold",	THEME_ATTR_BOLD },
	{ "underline",	THEME_ATTR_UNDERLINE },
	{ "reverse",	THEME_ATTR_REVERSE },
	{ "dim",	THEME_ATTR_DIM },
};

#define THEME_NATTRS (sizeof theme_attrs / sizeof theme_attrs[0])

/* Where the parser is, for messages. */
struct theme_ctx {
	const char	*file;
	int		 line;
	struct cv_err	*err;
};

struct theme_span {
	const char	*p;
	size_t		 n;
};

static int	theme_fail(const struct theme_ctx *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	theme_trim(struct theme_span *);
static void	theme_word(const struct theme_span *, char *, size_t);
static bool	theme_next_token(struct theme_span *, struct theme_span *);
static int	theme_attr_from_name(const char *, unsigned *);
static const char *theme_closest(const char *, const char *const *, size_t,
		    const char *, int *);
static const char *theme_closest_value(const char *);
static int	theme_style(const struct theme_ctx *, const char *,
		    struct theme_span, struct theme_style *);
static int	theme_accent_line(struct theme *, const struct theme_ctx *,
		    const char *, struct theme_span);
static int	theme_line(struct theme *, const struct theme_ctx *,
		    struct theme_span, const char *const *, size_t);

static int
theme_fail(const struct theme_ctx *c, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return cv_err_set(c->err, CV_E_CONFIG, "%s:%d: %s", c->file, c->line,
	    msg);
}

static void
theme_trim(struct theme_span *s)
{
	while (s->n > 0 && (*s->p == ' ' || *s->p == '\t')) {
		s->p++;
		s->n--;
	}
	while (s->n > 0 && (s->p[s->n - 1] == ' ' || s->p[s->n - 1] == '\t' ||
	    s->p[s->n - 1] == '\r'))
		s->n--;
}

/* A span as a C string, cut to fit. */
static void
theme_word(const struct theme_span *s, char *buf, size_t len)
{
	size_t	n = s->n < len - 1 ? s->n : len - 1;

	memcpy(buf, s->p, n);
	buf[n] = '\0';
}

/* The next blank-separated token of rest into tok; false at the end. */
static bool
theme_next_token(struct theme_span *rest, struct theme_span *tok)
{
	theme_trim(rest);
	if (rest->n == 0)
		return false;
	tok->p = rest->p;
	tok->n = 0;
	while (tok->n < rest->n && rest->p[tok->n] != ' ' &&
	    rest->p[tok->n] != '\t')
		tok->n++;
	rest->p += tok->n;
	rest->n -= tok->n;
	return true;
}

/* "default", a name of theme_colors, or color0 to color255 (case does not
 * matter). */
int
theme_color_from_name(const char *s, short *out)
{
	const char	*d;
	long		 v;
	size_t		 i;

	if (strcasecmp(s, "default") == 0) {
		*out = THEME_COLOR_DEFAULT;
		return 0;
	}
	for (i = 0; i < 16; i++)
		if (strcasecmp(s, theme_colors[i]) == 0) {
			*out = (short)i;
			return 0;
		}
	if (strncasecmp(s, "color", 5) != 0 || s[5] == '\0' || strlen(s) > 8)
		return -1;
	for (d = s + 5; *d != '\0'; d++)
		if (*d < '0' || *d > '9')
			return -1;
	if (s[5] == '0' && s[6] != '\0')
		return -1;		/* color007 is a typo, not a colour */
	v = strtol(s + 5, NULL, 10);
	if (v > THEME_COLOR_MAX)
		return -1;
	*out = (short)v;
	return 0;
}

/* The name a theme file would use for colour c. */
const char *
theme_color_name(short c, char *buf, size_t len)
{
	if (c < 0)
		return "default";
	if (c < 16)
		return theme_colors[c];
	snprintf(buf, len, "color%d", (int)c);
	return buf;
}

static int
theme_attr_from_name(const char *s, unsigned *bit)
{
	size_t	i;

	for (i = 0; i < THEME_NATTRS; i++)
		if (strcasecmp(s, theme_attrs[i].name) == 0) {
			*bit = theme_attrs[i].bit;
			return 0;
		}
	return -1;
}

/* The word of names closest to s, if close enough to be a typo of it
 * (better than *best, which is updated); else best_name. */
static const char *
theme_closest(const char *s, const char *const *names, size_t n,
    const char *best_name, int *best)
{
	size_t	i;
	int	d, limit = strlen(s) >= 8 ? 3 : 2;

	for (i = 0; i < n; i++) {
		if (names[i] == NULL)
			continue;
		d = words_distance(s, names[i]);
		if (d <= limit && d < *best) {
			*best = d;
			best_name = names[i];
		}
	}
	return best_name;
}

/* The colour or attribute name closest to s, or NULL. */
static const char *
theme_closest_value(const char *s)
{
	static const char *const extra[] = { "default", "bold", "underline",
	    "reverse", "dim" };
	const char	*best_name;
	int		 best = WORDS_FAR;

	best_name = theme_closest(s, theme_colors, 16, NULL, &best);
	best_name = theme_closest(s, extra, sizeof extra / sizeof extra[0],
	    best_name, &best);
	if (best_name == NULL && strncasecmp(s, "colo", 4) == 0)
		return "color0 to color255";
	return best_name;
}

/* "fg [bg] [attribute...]" into st; what names the element in messages. */
static int
theme_style(const struct theme_ctx *c, const char *what,
    struct theme_span rest, struct theme_style *st)
{
	struct theme_span	 tok;
	char			 word[THEME_WORD_MAX];
	const char		*near;
	short			 col;
	unsigned		 bit;
	int			 ncolors = 0;

	memset(st, 0, sizeof *st);
	st->fg = st->bg = THEME_COLOR_DEFAULT;
	while (theme_next_token(&rest, &tok)) {
		theme_word(&tok, word, sizeof word);
		if (theme_color_from_name(word, &col) == 0) {
			if (st->attrs != 0)
				return theme_fail(c, "%s: colour '%s' after an "
				    "attribute; write the colours first", what,
				    word);
			if (ncolors == 2)
				return theme_fail(c, "%s: a third colour '%s'; "
				    "give a foreground and at most a "
				    "background", what, word);
			if (ncolors++ == 0)
				st->fg = col;
			else
				st->bg = col;
			continue;
		}
		if (theme_attr_from_name(word, &bit) == 0) {
			if (ncolors == 0)
				return theme_fail(c, "%s: a colour must come "
				    "before '%s' (e.g. default %s)", what, word,
				    word);
			st->attrs |= bit;
			continue;
		}
		if ((near = theme_closest_value(word)) != NULL)
			return theme_fail(c, "%s: unknown colour or attribute "
			    "'%s' (did you mean %s?)", what, word, near);
		return theme_fail(c, "%s: unknown colour or attribute '%s'",
		    what, word);
	}
	if (ncolors == 0)
		return theme_fail(c, "%s: a colour is missing after '='",
		    what);
	st->set = true;
	st->line = c->line;
	return 0;
}

/* accent.host.NAME or accent.tag.NAME = colour [bg] [attributes]. */
static int
theme_accent_line(struct theme *t, const struct theme_ctx *c,
    const char *key, struct theme_span value)
{
	enum theme_accent_kind	 kind;
	struct theme_style	 st;
	const char		*name;
	size_t			 i;

	if (strncmp(key, "accent.host.", 12) == 0) {
		kind = THEME_ACCENT_HOST;
		name = key + 12;
	} else if (strncmp(key, "accent.tag.", 11) == 0) {
		kind = THEME_ACCENT_TAG;
		name = key + 11;
	} else
		return theme_fail(c, "'%s': an accent is accent.host.NAME or "
		    "accent.tag.NAME", key);
	if (*name == '\0')
		return theme_fail(c, "'%s': the host or tag name is missing",
		    key);
	if (theme_style(c, key, value, &st) == -1)
		return -1;
	/* A later line for the same name wins, as for elements. */
	for (i = 0; i < t->naccents; i++)
		if (t->accents[i].kind == kind &&
		    strcmp(t->accents[i].name, name) == 0) {
			t->accents[i].style = st;
			return 0;
		}
	t->accents = xreallocarray(t->accents, t->naccents + 1,
	    sizeof *t->accents);
	t->accents[t->naccents].kind = kind;
	t->accents[t->naccents].name = xstrdup(name);
	t->accents[t->naccents].style = st;
	t->naccents++;
	return 0;
}

/* One line, its comment already cut. */
static int
theme_line(struct theme *t, const struct theme_ctx *c, struct theme_span l,
    const char *const *names, size_t nnames)
{
	struct theme_span	 key, value;
	const char		*eq, *near;
	char			 word[THEME_NAME_MAX];
	size_t			 i;
	int			 best = WORDS_FAR;

	theme_trim(&l);
	if (l.n == 0)
		return 0;
	if ((eq = memchr(l.p, '=', l.n)) == NULL)
		return theme_fail(c, "expected 'element = colour [colour] "
		    "[attribute...]'");
	key.p = l.p;
	key.n = (size_t)(eq - l.p);
	value.p = eq + 1;
	value.n = l.n - key.n - 1;
	theme_trim(&key);
	if (key.n == 0)
		return theme_fail(c, "the element name is missing before '='");
	if (memchr(key.p, ' ', key.n) != NULL ||
	    memchr(key.p, '\t', key.n) != NULL) {
		theme_word(&key, word, sizeof word);
		return theme_fail(c, "'%s': an element name has no blanks",
		    word);
	}
	if (key.n >= sizeof word)
		return theme_fail(c, "an element name of %zu bytes is too long",
		    key.n);
	theme_word(&key, word, sizeof word);
	if (strncmp(word, "accent.", 7) == 0)
		return theme_accent_line(t, c, word, value);

	for (i = 0; i < nnames && i < t->nstyles; i++)
		if (names[i] != NULL && strcmp(word, names[i]) == 0)
			return theme_style(c, names[i], value, &t->styles[i]);
	near = theme_closest(word, names, nnames, NULL, &best);
	if (near != NULL)
		return theme_fail(c, "unknown element '%s' (did you mean "
		    "'%s'?)", word, near);
	return theme_fail(c, "unknown element '%s'", word);
}

/* Sizes t for nelements and marks every element unset. */
void
theme_init(struct theme *t, size_t nelements)
{
	memset(t, 0, sizeof *t);
	t->nstyles = nelements;
	t->styles = xcalloc(nelements ? nelements : 1, sizeof *t->styles);
}

void
theme_free(struct theme *t)
{
	size_t	i;

	for (i = 0; i < t->naccents; i++)
		free(t->accents[i].name);
	free(t->accents);
	free(t->styles);
	memset(t, 0, sizeof *t);
}

/*
 * Reads buf (len bytes, not necessarily NUL-terminated) over t, which
 * theme_init() sized for the nnames element names: the elements and
 * accents it lists are set, the others keep what t had. Returns 0, or -1
 * with "file:line: message" in err at the first error (t then holds the
 * lines before it; callers drop it).
 */
int
theme_parse(struct theme *t, const char *buf, size_t len, const char *file,
    const char *const *names, size_t nnames, struct cv_err *err)
{
	struct theme_ctx	 c;
	struct theme_span	 l;
	const char		*end = buf + len, *nl, *hash;

	c.file = file != NULL ? file : "theme";
	c.line = 0;
	c.err = err;
	while (buf < end) {
		c.line++;
		nl = memchr(buf, '\n', (size_t)(end - buf));
		l.p = buf;
		l.n = (size_t)((nl != NULL ? nl : end) - buf);
		buf = nl != NULL ? nl + 1 : end;
		if (memchr(l.p, '\0', l.n) != NULL)
			return theme_fail(&c, "a NUL byte: this is not a text "
			    "file");
		if ((hash = memchr(l.p, '#', l.n)) != NULL)
			l.n = (size_t)(hash - l.p);
		if (theme_line(t, &c, l, names, nnames) == -1)
			return -1;
	}
	return 0;
}

/* An accent from code (the compiled themes). */
int
theme_add_accent(struct theme *t, enum theme_accent_kind kind,
    const char *name, short fg)
{
	t->accents = xreallocarray(t->accents, t->naccents + 1,
	    sizeof *t->accents);
	memset(&t->accents[t->naccents], 0, sizeof t->accents[0]);
	t->accents[t->naccents].kind = kind;
	t->accents[t->naccents].name = xstrdup(name);
	t->accents[t->naccents].style.set = true;
	t->accents[t->naccents].style.fg = fg;
	t->accents[t->naccents].style.bg = THEME_COLOR_DEFAULT;
	t->naccents++;
	return 0;
}

/*
 * The accent of a host: its own (accent.host.NAME) first, else that of its
 * first tag, in the order the configuration lists them, that has one.
 * NULL when none applies.
 */
const struct theme_accent *
theme_accent_find(const struct theme *t, const char *host,
    const char *const *tags, size_t ntags)
{
	size_t	i, j;

	if (host != NULL)
		for (i = 0; i < t->naccents; i++)
			if (t->accents[i].kind == THEME_ACCENT_HOST &&
			    strcmp(t->accents[i].name, host) == 0)
				return &t->accents[i];
	for (j = 0; j < ntags; j++)
		for (i = 0; i < t->naccents; i++)
			if (t->accents[i].kind == THEME_ACCENT_TAG &&
			    tags[j] != NULL &&
			    strcmp(t->accents[i].name, tags[j]) == 0)
				return &t->accents[i];
	return NULL;
}
