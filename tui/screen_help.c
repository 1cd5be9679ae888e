/* The help screen: its text is made once from the tables (keys, columns,
 * filter fields, commands), then scrolled. Main thread only. */
#include "tui/screen_help.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tui/bar.h"
#include "tui/cmdline.h"
#include "tui/curses_wrap.h"
#include "tui/filter.h"
#include "tui/keymap.h"
#include "tui/rows.h"
#include "tui/term.h"

#define SH_KEYS_W	18	/* the column the key's meaning starts in */

static void	screen_help_draw(struct ui *);
static void	screen_help_key(struct ui *, int);
static void	screen_help_add(const char *, ...)
		    __attribute__((format(printf, 1, 2)));
static void	screen_help_keys(const char *, unsigned);
static void	screen_help_build(void);

const struct ui_screen screen_help_entry = {
	.name = "help",
	.keys = KEYMAP_IN_HELP,
	.draw = screen_help_draw,
	.key = screen_help_key,
};

/* Made once, kept for the life of the process (the tables are const). */
static char	**screen_help_text;
static size_t	  screen_help_n;
static size_t	  screen_help_cap;

static void
screen_help_add(const char *fmt, ...)
{
	va_list	ap;
	char	buf[512];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (screen_help_n == screen_help_cap) {
		screen_help_cap = screen_help_cap ? screen_help_cap * 2 : 64;
		screen_help_text = xreallocarray(screen_help_text,
		    screen_help_cap, sizeof *screen_help_text);
	}
	screen_help_text[screen_help_n++] = xstrdup(buf);
}

/* One line per command of a screen: all its keys, then what it does. */
static void
screen_help_keys(const char *title, unsigned in)
{
	const struct keymap_binding	*b, *o;
	const char			*help;
	char				 keys[64], name[32];
	bool				 seen;

	screen_help_add("%s", title);
	for (b = keymap_next(NULL); b != NULL; b = keymap_next(b)) {
		if ((b->in & in) == 0 || b->cmd == KEYMAP_SORT)
			continue;
		seen = false;
		for (o = keymap_next(NULL); o != b; o = keymap_next(o))
			if ((o->in & in) && o->cmd == b->cmd &&
			    o->action == b->action)
				seen = true;
		if (seen)
			continue;
		keys[0] = '\0';
		help = NULL;
		for (o = b; o != NULL; o = keymap_next(o)) {
			if ((o->in & in) == 0 || o->cmd != b->cmd ||
			    o->action != b->action)
				continue;
			keymap_key_name(o->key, name, sizeof name);
			if (strstr(keys, name) == NULL)
				snprintf(keys + strlen(keys),
				    sizeof keys - strlen(keys), "%s%s",
				    keys[0] != '\0' ? " " : "", name);
			if (help == NULL)
				help = o->help;
		}
		/* A binding shared with other screens may carry its help
		 * in another screen's row (F10 quits everywhere). */
		for (o = keymap_next(NULL); help == NULL && o != NULL;
		    o = keymap_next(o))
			if (o->cmd == b->cmd && o->action == b->action)
				help = o->help;
		screen_help_add("  %-*s %s", SH_KEYS_W - 3, keys,
		    help != NULL ? help : "");
	}
	screen_help_add("%s", "");
}

static void
screen_help_build(void)
{
	char		 line[256];
	const char	*h;
	int		 i, k;
	size_t		 j;

	screen_help_add("crossvisor: keys and commands  (Esc, q or ? go "
	    "back; Up, Down, PgUp, PgDn scroll)");
	screen_help_add("%s", "");
	screen_help_keys("The table", KEYMAP_IN_FLEET);

	screen_help_add("Sort: press a column's key; again for the other "
	    "way (< and > step through the columns)");
	line[0] = '\0';
	for (i = 0; i < ROWS_COL__COUNT; i++) {
		if ((k = rows_col_sort_key(i)) == 0)
			continue;
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%s%c %s", line[0] != '\0' ? "   " : "  ", k,
		    rows_col_name(i));
		if (strlen(line) > 60) {
			screen_help_add("%s", line);
			line[0] = '\0';
		}
	}
	if (line[0] != '\0')
		screen_help_add("%s", line);
	screen_help_add("%s", "");

	screen_help_add("Filter (/): every term must match; upper or lower "
	    "case alike");
	screen_help_add("  %-*s %s", SH_KEYS_W - 3, "word",
	    "a part of the name, host, OS or state (a regular expression)");
	line[0] = '\0';
	for (j = 1; j < FILTER_F__COUNT; j++)
		snprintf(line + strlen(line), sizeof line - strlen(line),
		    "%s%s", j > 1 ? " " : "", filter_field_name(j));
	screen_help_add("  %-*s only that field: %s", SH_KEYS_W - 3,
	    "field:word", line);
	screen_help_add("  %-*s %s", SH_KEYS_W - 3, "!term",
	    "the guests that do not match");
	screen_help_add("  %-*s %s", SH_KEYS_W - 3, "\"two words\"",
	    "a term with a space");
	screen_help_add("  e.g.  host:kvm state:run !cert:certified tag:prod");
	screen_help_add("%s", "");

	screen_help_add("Commands (:), a prefix is enough; Tab completes, Up "
	    "recalls");
	for (j = 0; (h = cmdline_help(j)) != NULL; j++)
		screen_help_add("  %s", h);
	screen_help_add("%s", "");

	screen_help_keys("Details (Enter)", KEYMAP_IN_DETAILS);
	screen_help_add("Marked guests (Space) are what an action applies "
	    "to; with none, the guest under the cursor.");
	screen_help_add("An action on several guests, and any that "
	    "interrupts one, is confirmed first.");
}

/* The help text, made on first use; for the tests and the man page. */
size_t
screen_help_lines(char ***lines)
{
	if (screen_help_n == 0)
		screen_help_build();
	*lines = screen_help_text;
	return screen_help_n;
}

void
screen_help_open(struct ui *ui)
{
	char	**l;

	(void)screen_help_lines(&l);
	if (ui->screen != &screen_help_entry)
		ui->help_back = ui->screen;
	ui->help_top = 0;
	ui->screen = &screen_help_entry;
	ui->dirty = true;
}

static void
screen_help_draw(struct ui *ui)
{
	char	**l;
	size_t	  n, i;
	int	  y, h = LINES - 2;
	enum ui_color c;

	n = screen_help_lines(&l);
	werase(stdscr);
	if (h < 1)
		return;
	if (ui->help_top + (size_t)h > n)
		ui->help_top = n > (size_t)h ? n - (size_t)h : 0;
	for (y = 0, i = ui->help_top; y < h && i < n; y++, i++) {
		c = l[i][0] != ' ' && l[i][0] != '\0' ? UI_COLOR_TEXT_BOLD :
		    UI_COLOR_DEFAULT;
		bar_line(y, 0, COLS, i == 0 ? UI_COLOR_HEADER : c, l[i]);
	}
	bar_line(LINES - 2, 0, COLS, UI_COLOR_STATUS, ui->help_top + (size_t)h
	    < n ? "more below: Down or PgDn" : "");
	bar_hints(LINES - 1, KEYMAP_IN_HELP);
}

static void
screen_help_key(struct ui *ui, int key)
{
	const struct keymap_binding	*b;
	size_t				 page = LINES > 4 ? (size_t)LINES - 4 : 1;

	if ((b = keymap_lookup(KEYMAP_IN_HELP, key)) == NULL)
		return;
	switch (b->cmd) {
	case KEYMAP_BACK:
	case KEYMAP_HELP:
		ui->screen = ui->help_back != NULL ? ui->help_back :
		    ui->screen;
		ui_cursor_sync(ui);
		break;
	case KEYMAP_UP:
		if (ui->help_top > 0)
			ui->help_top--;
		break;
	case KEYMAP_DOWN:
		ui->help_top++;
		break;
	case KEYMAP_PAGE_UP:
		ui->help_top = ui->help_top > page ? ui->help_top - page : 0;
		break;
	case KEYMAP_PAGE_DOWN:
		ui->help_top += page;
		break;
	case KEYMAP_HOME:
		ui->help_top = 0;
		break;
	case KEYMAP_END:
		ui->help_top = SIZE_MAX / 2;
		break;
	case KEYMAP_REDRAW:
		term_redraw_all();
		break;
	case KEYMAP_QUIT:
		ui->quit = true;
		break;
	default:
		break;
	}
	ui->dirty = true;
}
