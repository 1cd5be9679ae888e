/* One-line bars: plain text lines and the key hints (as htop's function
 * bar). Main thread. */
#include "tui/bar.h"

#include <string.h>

#include "tui/keymap.h"
#include "tui/rows.h"

/* Draws text at (y, x) fitted to width columns (cut with the ellipsis,
 * padded with spaces so the colour spans the width). */
void
bar_line(int y, int x, int width, enum ui_color color, const char *text)
{
	char	buf[1024];

	if (width <= 0)
		return;
	wattrset(stdscr, term_attr(color));
	mvwaddstr(stdscr, y, x, rows_fit(text, width, false,
	    term_glyph(TERM_GLYPH_ELLIPSIS), buf, sizeof buf));
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
}

/* Draws one hint at x; returns the columns it took. */
static int
bar_hint(int y, int x, const struct keymap_binding *b)
{
	wattrset(stdscr, term_attr(UI_COLOR_HINT_KEY));
	mvwaddstr(stdscr, y, x, b->hint_key);
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
	waddstr(stdscr, " ");
	wattrset(stdscr, term_attr(UI_COLOR_HINT_LABEL));
	waddstr(stdscr, b->hint);
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
	return rows_text_width(b->hint_key) + 1 + rows_text_width(b->hint);
}

/* The hints of the bindings that work in keys (KEYMAP_IN_*), in table
 * order, one per command, as many as fit; the way out (Quit or Back)
 * always, at the right end, as htop keeps F10. */
void
bar_hints(int y, unsigned keys)
{
	const struct keymap_binding	*b, *out = NULL;
	int				 x = 0, w, right = COLS;

	wmove(stdscr, y, 0);
	wclrtoeol(stdscr);
	for (b = keymap_next(NULL); b != NULL; b = keymap_next(b))
		if (b->hint_key != NULL && (b->in & keys) != 0 &&
		    (b->cmd == KEYMAP_QUIT || b->cmd == KEYMAP_BACK)) {
			out = b;
			break;
		}
	if (out != NULL) {
		w = rows_text_width(out->hint_key) + 1 +
		    rows_text_width(out->hint);
		if (w < COLS) {
			right = COLS - w;
			bar_hint(y, right, out);
			right--;
		}
	}
	for (b = keymap_next(NULL); b != NULL; b = keymap_next(b)) {
		if (b->hint_key == NULL || (b->in & keys) == 0 || b == out)
			continue;
		w = rows_text_width(b->hint_key) + 1 + rows_text_width(b->hint);
		if (x + w > right)
			break;
		x += bar_hint(y, x, b) + 1;
	}
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
}
