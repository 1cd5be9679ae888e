/* Theme files: text to a table of element -> (fg, bg, attributes) and the
 * accents of hosts and tags. Pure: no curses, no files; the element names
 * come from the caller (tui/term.h's UI_COLOR_LIST), so core/ knows no
 * screen. Any thread. */
#ifndef CV_CORE_THEME_H
#define CV_CORE_THEME_H

#include <stdbool.h>
#include <stddef.h>

struct cv_err;

/* Colours: 0..255 as curses numbers them (0-7 the ANSI colours, 8-15
 * their bright forms), or the terminal's own default. */
#define THEME_COLOR_DEFAULT	(-1)
#define THEME_COLOR_MAX		255

/* Attributes, mapped to curses A_* by tui/theme.c. */
#define THEME_ATTR_BOLD		0x1u
#define THEME_ATTR_UNDERLINE	0x2u
#define THEME_ATTR_REVERSE	0x4u
#define THEME_ATTR_DIM		0x8u

struct theme_style {
	bool		set;		/* the file gave this element */
	short		fg;		/* THEME_COLOR_DEFAULT or 0..255 */
	short		bg;
	unsigned	attrs;		/* THEME_ATTR_* */
	int		line;		/* where it was set, 0 if not */
};

enum theme_accent_kind {
	THEME_ACCENT_HOST,		/* accent.host.NAME */
	THEME_ACCENT_TAG		/* accent.tag.NAME */
};

struct theme_accent {
	enum theme_accent_kind	 kind;
	char			*name;	/* (owned) host name or tag */
	struct theme_style	 style;
};

struct theme {
	struct theme_style	*styles;	/* (owned) one per element */
	size_t			 nstyles;
	struct theme_accent	*accents;	/* (owned) in file order */
	size_t			 naccents;
};

/* ---- parsing ---- */
void	theme_init(struct theme *, size_t nelements);
void	theme_free(struct theme *);
int	theme_parse(struct theme *, const char *buf, size_t len,
	    const char *file, const char *const *names, size_t nnames,
	    struct cv_err *);
int	theme_add_accent(struct theme *, enum theme_accent_kind,
	    const char *name, short fg);

/* ---- names ---- */
int	theme_color_from_name(const char *, short *);
const char *theme_color_name(short, char *, size_t);

/* ---- accents ---- */
const struct theme_accent *theme_accent_find(const struct theme *,
	    const char *host, const char *const *tags, size_t ntags);

#endif
