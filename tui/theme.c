/* The theme in effect. The config's theme key is a name or a path: a name
 * is looked for as $XDG_CONFIG_HOME/crossvisor/themes/NAME.theme, then as
 * themes/NAME.theme beside the binary (a build tree) or in CV_DATADIR;
 * "default" and "mono" are also compiled in. A file is read over the
 * default theme, so it lists only what it changes. Main thread only: the
 * accent table is curses state, as global as curses itself. */
#include "tui/theme.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/conf.h"
#include "core/datapath.h"
#include "core/err.h"
#include "core/theme.h"
#include "core/xmalloc.h"
#include "tui/term.h"

#ifndef CV_DATADIR
#define CV_DATADIR "/usr/local/share/crossvisor"
#endif

#define THEME_FILE_MAX	(1024 * 1024)

static const char *const theme_element_names[UI_COLOR__COUNT] = {
#define THEME_ELEMENT_NAME(id, name) name,
	UI_COLOR_LIST(THEME_ELEMENT_NAME)
#undef THEME_ELEMENT_NAME
};

/* The theme in effect and the attribute of each of its accents. */
static struct theme	 theme_cur;
static attr_t		*theme_accent_attr;	/* (owned) naccents */

static attr_t	theme_attrs(unsigned);
static char	*theme_user_path(const char *);
static char	*theme_data_path(const char *);
static int	theme_read(const char *, char **, size_t *, struct cv_err *);
static void	theme_apply(const struct theme *);
static void	theme_compiled_default(struct theme *);

static attr_t
theme_attrs(unsigned a)
{
	attr_t	r = A_NORMAL;

	if (a & THEME_ATTR_BOLD)
		r |= A_BOLD;
	if (a & THEME_ATTR_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_ATTR_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_ATTR_DIM)
		r |= A_DIM;
	return r;
}

/* $XDG_CONFIG_HOME/crossvisor/themes/NAME.theme (~/.config when unset or
 * relative, as the XDG specification says). */
static char *
theme_user_path(const char *name)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	char		*path;

	if (xdg != NULL && xdg[0] == '/')
		xasprintf(&path, "%s/crossvisor/themes/%s.theme", xdg, name);
	else if (home != NULL && home[0] != '\0')
		xasprintf(&path, "%s/.config/crossvisor/themes/%s.theme", home,
		    name);
	else
		return NULL;
	return path;
}

/* themes/NAME.theme beside the binary (a build tree), else where make
 * install put the themes. */
static char *
theme_data_path(const char *name)
{
	char	*rel, *installed, *path;

	xasprintf(&rel, "themes/%s.theme", name);
	xasprintf(&installed, "%s/%s", CV_DATADIR, rel);
	path = data_path(rel, installed);
	free(rel);
	free(installed);
	return path;
}

/* The file of a theme name, or the name itself when it is a path (it has
 * a '/'); NULL when no file of that name exists. */
char *
theme_find(const char *name)
{
	char	*path;

	if (strchr(name, '/') != NULL)
		return xstrdup(name);
	if ((path = theme_user_path(name)) != NULL) {
		if (access(path, F_OK) == 0)
			return path;
		free(path);
	}
	path = theme_data_path(name);
	if (access(path, F_OK) == 0)
		return path;
	free(path);
	return NULL;
}

static int
theme_read(const char *path, char **buf, size_t *len, struct cv_err *err)
{
	FILE	*f;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return cv_err_set(err, CV_E_CONFIG, "%s: %s", path,
		    strerror(errno));
	*buf = xmalloc(THEME_FILE_MAX + 1);
	n = fread(*buf, 1, THEME_FILE_MAX + 1, f);
	if (ferror(f) || n > THEME_FILE_MAX) {
		fclose(f);
		free(*buf);
		*buf = NULL;
		return cv_err_set(err, CV_E_CONFIG, "%s: %s", path,
		    n > THEME_FILE_MAX ? "larger than 1 MiB, not a theme" :
		    "read error");
	}
	fclose(f);
	*len = n;
	return 0;
}

/* The accents of the compiled default theme (its colours are term.c's). */
static void
theme_compiled_default(struct theme *t)
{
	theme_init(t, UI_COLOR__COUNT);
	theme_add_accent(t, THEME_ACCENT_TAG, "prod", COLOR_RED);
}

/* Gives t's elements and accents to curses. */
static void
theme_apply(const struct theme *t)
{
	const struct theme_style	*st;
	size_t				 i;

	for (i = 0; i < t->nstyles && i < UI_COLOR__COUNT; i++) {
		st = &t->styles[i];
		if (st->set)
			term_style((enum ui_color)i, st->fg, st->bg,
			    theme_attrs(st->attrs));
	}
	free(theme_accent_attr);
	theme_accent_attr = xcalloc(t->naccents ? t->naccents : 1,
	    sizeof *theme_accent_attr);
	for (i = 0; i < t->naccents; i++) {
		st = &t->accents[i].style;
		/* "default" with no attribute takes an accent away. */
		if (st->fg == THEME_COLOR_DEFAULT &&
		    st->bg == THEME_COLOR_DEFAULT && st->attrs == 0)
			continue;
		theme_accent_attr[i] = term_extra_pair(st->fg, st->bg,
		    theme_attrs(st->attrs));
	}
}

/*
 * Loads the theme called name (NULL or "" is "default"). In mono (NO_COLOR,
 * --no-color, a terminal without colours) nothing is read. On an error the
 * compiled default stays in effect and msg says why, in one line.
 */
int
theme_load(const char *name, char *msg, size_t len)
{
	struct theme	 t;
	struct cv_err	 err;
	char		*path = NULL, *buf = NULL;
	size_t		 n = 0;
	int		 rc = -1;

	theme_unload();
	if (len > 0)
		msg[0] = '\0';
	if (term_is_mono())
		return 0;
	if (name == NULL || *name == '\0')
		name = "default";

	theme_compiled_default(&t);
	path = theme_find(name);
	if (path == NULL && strcmp(name, "default") == 0)
		goto done;		/* the compiled one */
	if (path == NULL && strcmp(name, "mono") == 0) {
		term_use_mono();
		theme_free(&t);
		return 0;
	}
	if (path == NULL) {
		char *user = theme_user_path(name), *data = theme_data_path(name);

		snprintf(msg, len, "theme '%s' not found (looked for %s and "
		    "%s)", name, user != NULL ? user : "-", data);
		free(user);
		free(data);
		goto fail;
	}
	cv_err_clear(&err);
	if (theme_read(path, &buf, &n, &err) == -1 ||
	    theme_parse(&t, buf, n, path, theme_element_names,
	    UI_COLOR__COUNT, &err) == -1) {
		snprintf(msg, len, "%s", err.msg);
		goto fail;
	}
done:
	theme_apply(&t);
	theme_cur = t;
	rc = 0;
	goto out;
fail:
	theme_free(&t);
	theme_compiled_default(&theme_cur);
	theme_apply(&theme_cur);
out:
	free(buf);
	free(path);
	return rc;
}

void
theme_unload(void)
{
	theme_free(&theme_cur);
	free(theme_accent_attr);
	theme_accent_attr = NULL;
}

attr_t
theme_accent(const char *host, const struct strv *tags)
{
	const struct theme_accent	*a;

	if (theme_accent_attr == NULL)
		return 0;
	a = theme_accent_find(&theme_cur, host, tags != NULL ?
	    (const char *const *)tags->v : NULL, tags != NULL ? tags->n : 0);
	if (a == NULL)
		return 0;
	return theme_accent_attr[a - theme_cur.accents];
}
