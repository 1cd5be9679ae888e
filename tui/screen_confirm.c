/* The confirmation prompt: asks, reads the answer, then submits or
 * cancels. It takes every key while open. Main thread only. */
#include "tui/screen_confirm.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "core/xmalloc.h"
#include "tui/curses_wrap.h"
#include "tui/keymap.h"
#include "tui/term.h"
#include "tui/ui.h"

#define SCREEN_CONFIRM_ESC	27

static void	screen_confirm_close(struct ui *, bool);
static void	screen_confirm_erase_char(char *);

/* Asks about p; by_name_tag, when not NULL, is the host's tag that makes
 * the user type the guest's name. */
void
screen_confirm_open(struct ui *ui, const struct ui_pending *p,
    const char *by_name_tag)
{
	struct ui_prompt	*pr = &ui->prompt;

	memset(pr, 0, sizeof *pr);
	pr->pending = *p;
	if (by_name_tag != NULL) {
		pr->kind = UI_PROMPT_NAME;
		strlcpy_cv(pr->tag, by_name_tag, sizeof pr->tag);
	} else
		pr->kind = UI_PROMPT_YES_NO;
	ui->dirty = true;
}

bool
screen_confirm_active(const struct ui *ui)
{
	return ui->prompt.kind != UI_PROMPT_NONE;
}

/* The question, without the typed answer. */
void
screen_confirm_question(const struct ui *ui, char *buf, size_t len)
{
	const struct ui_prompt	*pr = &ui->prompt;
	const struct ui_pending	*p = &pr->pending;

	if (pr->kind == UI_PROMPT_NAME)
		snprintf(buf, len, "%s %s on %s (tagged %s)? Type its name: ",
		    ui_action_verb(p->action),
		    p->guest_name, p->host_name, pr->tag);
	else
		snprintf(buf, len, "%s %s on %s? [y/N] ",
		    ui_action_verb(p->action), p->guest_name, p->host_name);
}

/* Draws the prompt on line y. When the line is too narrow the question is
 * cut, never what the user types. */
void
screen_confirm_draw(struct ui *ui, int y)
{
	char	q[512], in[160], fit[1024];
	int	iw, qw;

	screen_confirm_question(ui, q, sizeof q);
	in[0] = '\0';
	if (ui->prompt.kind == UI_PROMPT_NAME)
		snprintf(in, sizeof in, "%s%s", ui->prompt.typed,
		    term_glyph(TERM_GLYPH_INPUT));
	iw = rows_text_width(in);
	qw = COLS - iw;
	if (qw < 1)
		qw = 1;
	if (qw > rows_text_width(q))
		qw = rows_text_width(q);

	wattrset(stdscr, term_attr(UI_COLOR_PROMPT));
	mvwaddstr(stdscr, y, 0, rows_fit(q, qw, false,
	    term_glyph(TERM_GLYPH_ELLIPSIS), fit, sizeof fit));
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
	if (iw > 0 && qw < COLS)
		waddstr(stdscr, rows_fit(in, COLS - qw, false,
		    term_glyph(TERM_GLYPH_ELLIPSIS), fit, sizeof fit));
	wclrtoeol(stdscr);
}

static void
screen_confirm_close(struct ui *ui, bool go)
{
	struct ui_pending	p = ui->prompt.pending;
	enum ui_prompt_kind	kind = ui->prompt.kind;
	bool			match;

	match = strcmp(ui->prompt.typed, p.guest_name) == 0;
	memset(&ui->prompt, 0, sizeof ui->prompt);
	ui->dirty = true;
	if (!go)
		ui_status(ui, false, "%s on %s: %s cancelled", p.guest_name,
		    p.host_name, action_name(p.action));
	else if (kind == UI_PROMPT_NAME && !match)
		ui_status(ui, true, "%s on %s: the name typed did not match; "
		    "%s cancelled", p.guest_name, p.host_name,
		    action_name(p.action));
	else
		ui_submit(ui, &p);
}

/* Removes the last character (not byte) of a UTF-8 or single-byte
 * string. */
static void
screen_confirm_erase_char(char *s)
{
	size_t	len = strlen(s);

	if (len == 0)
		return;
	if (MB_CUR_MAX > 1)
		while (len > 1 && ((unsigned char)s[len - 1] & 0xc0) == 0x80)
			len--;
	s[len - 1] = '\0';
}

/* y answers yes, anything else no; a name prompt takes text until Enter,
 * Escape cancels it. */
void
screen_confirm_key(struct ui *ui, int key)
{
	struct ui_prompt	*pr = &ui->prompt;
	char			 mb[MB_LEN_MAX];
	mbstate_t		 st;
	size_t			 n, len;

	if (pr->kind == UI_PROMPT_YES_NO) {
		screen_confirm_close(ui, key == 'y' || key == 'Y');
		return;
	}

	switch (key) {
	case '\r':
	case '\n':
	case KEYMAP_FN(KEY_ENTER):
		screen_confirm_close(ui, true);
		return;
	case SCREEN_CONFIRM_ESC:
	case KEYMAP_CTRL('c'):
	case KEYMAP_CTRL('g'):
		screen_confirm_close(ui, false);
		return;
	case KEYMAP_FN(KEY_BACKSPACE):
	case 127:
	case KEYMAP_CTRL('h'):
		screen_confirm_erase_char(pr->typed);
		break;
	case KEYMAP_CTRL('u'):
		pr->typed[0] = '\0';
		break;
	default:
		if (key < ' ' || !iswprint((wint_t)key))
			return;
		memset(&st, 0, sizeof st);
		n = wcrtomb(mb, (wchar_t)key, &st);
		len = strlen(pr->typed);
		if (n == (size_t)-1 || len + n >= sizeof pr->typed)
			return;
		memcpy(pr->typed + len, mb, n);
		pr->typed[len + n] = '\0';
		break;
	}
	ui->dirty = true;
}
