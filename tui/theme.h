/* The theme in effect: the config's theme key found as a file (or one of
 * the compiled default and mono), parsed by core/theme.c and given to
 * curses; plus the accents of hosts and tags. Main thread only. */
#ifndef CV_TUI_THEME_H
#define CV_TUI_THEME_H

#include <stddef.h>

#include "tui/curses_wrap.h"

struct strv;

/* After term_init(). 0, or -1 with one line in msg (the default theme is
 * then in effect; the console goes on). */
int	theme_load(const char *name, char *msg, size_t len);
void	theme_unload(void);

/* The attribute to draw a host's name with (its accent.host.NAME, else
 * its first tag's accent.tag.NAME), or 0 when none applies or colours
 * are off. tags may be NULL. */
attr_t	theme_accent(const char *host, const struct strv *tags);

/* Where a theme name is looked for (for messages and tests): the user's
 * directory, then the shipped one. */
char	*theme_find(const char *name);

#endif
