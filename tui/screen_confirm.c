/* The confirmation prompt: asks, reads the answer, then submits or
 * cancels. It takes every key while open. Main thread only. */
#include "tui/screen_confirm.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xmalloc.h"
#include "tui/curses_wrap.h"
#include "tui/input.h"
#include "tui/term.h"
#include "tui/ui.h"

static void	screen_confirm_close(struct ui *, bool);
static void	screen_confirm_list(const struct ui *, int);

/* Asks about action a on the n guests of v. by_name_tag, when not NULL,
 * is a tag of a host of nby_name of them that makes the user type the
 * guest's name (or, for several, their number). */
void
screen_confirm_open(struct ui *ui, enum action a, const struct ui_pending *v,
    size_t n, const char *by_name_tag, size_t nby_name)
{
	struct ui_prompt	*pr = &ui->prompt;
	size_t			 i;

	free(pr->v);
	memset(pr, 0, sizeof *pr);
	pr->action = a;
	pr->v = xcalloc(n, sizeof *pr->v);
	pr->n = n;
	memcpy(pr->v, v, n * sizeof *v);
	if (by_name_tag != NULL) {
		pr->kind = UI_PROMPT_NAME;
		pr->nby_name = nby_name;
		strlcpy_cv(pr->tag, by_name_tag, sizeof pr->tag);
		if (nby_name == 1) {
			for (i = 0; i < n; i++)
				if (pr->v[i].by_name)
					strlcpy_cv(pr->expect, pr->v[i].guest_name,
					    sizeof pr->expect);
		} else
			snprintf(pr->expect, sizeof pr->expect, "%zu",
			    nby_name);
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
	const struct ui_pending	*p = &pr->v[0];
	const char		*verb = ui_action_verb(pr->action);

	if (pr->n == 1 && pr->kind == UI_PROMPT_NAME)
		snprintf(buf, len, "%s %s on %s (tagged %s)? Type its name: ",
		    verb, p->guest_name, p->host_name, pr->tag);
	else if (pr->n == 1)
		snprintf(buf, len, "%s %s on %s? [y/N] ", verb,
		    p->guest_name, p->host_name);
	else if (pr->kind == UI_PROMPT_NAME && pr->nby_name == 1)
		snprintf(buf, len, "%s these %zu guests? One is on a host "
		    "tagged %s: type its name: ", verb, pr->n, pr->tag);
	else if (pr->kind == UI_PROMPT_NAME)
		snprintf(buf, len, "%s these %zu guests? %zu are on hosts "
		    "tagged %s: type %zu: ", verb, pr->n, pr->nby_name, pr->tag,
		    pr->nby_name);
	else
		snprintf(buf, len, "%s these %zu guests? [y/N] ", verb, pr->n);
}

/* The guests an action on several applies to, in a box over the table
 * just above the prompt on line y: as many as fit, then how many more. */
static void
screen_confirm_list(const struct ui *ui, int y)
{
	const struct ui_prompt	*pr = &ui->prompt;
	char			 line[512], fit[1024];
	size_t			 i, shown;
	int			 room, top, w;

	room = y - 3;			/* the header and titles stay */
	if (room < 2 || COLS < 10)
		return;
	shown = pr->n;
	if ((int)shown + 1 > room)
		shown = (size_t)room - 2;
	top = y - (int)shown - 1 - (shown < pr->n);
	w = COLS;
	wattrset(stdscr, term_attr(UI_COLOR_PROMPT));
	snprintf(line, sizeof line, " %s %zu guests:", ui_action_verb(pr->action),
	    pr->n);
	mvwaddstr(stdscr, top, 0, rows_fit(line, w, false,
	    term_glyph(TERM_GLYPH_ELLIPSIS), fit, sizeof fit));
	wclrtoeol(stdscr);
	wattrset(stdscr, term_attr(UI_COLOR_DEFAULT));
	for (i = 0; i < shown; i++) {
		snprintf(line, sizeof line, "   %s on %s%s",
		    pr->v[i].guest_name, pr->v[i].host_name,
		    pr->v[i].by_name ? " (tagged)" : "");
		mvwaddstr(stdscr, top + 1 + (int)i, 0, rows_fit(line, w, false,
		    term_glyph(TERM_GLYPH_ELLIPSIS), fit, sizeof fit));
		wclrtoeol(stdscr);
	}
	if (shown < pr->n) {
		snprintf(line, sizeof line, "   and %zu more", pr->n - shown);
		mvwaddstr(stdscr, top + 1 + (int)shown, 0, line);
		wclrtoeol(stdscr);
	}
}

/* Draws the prompt on line y (and the list of guests above it when there
 * are several). When the line is too narrow the question is cut, never
 * what the user types. */
void
screen_confirm_draw(struct ui *ui, int y)
{
	char	q[512], in[INPUT_MAX + 8], fit[1024];
	int	iw, qw;

	if (ui->prompt.n > 1)
		screen_confirm_list(ui, y);
	screen_confirm_question(ui, q, sizeof q);
	in[0] = '\0';
	if (ui->prompt.kind == UI_PROMPT_NAME)
		snprintf(in, sizeof in, "%s%s", ui->prompt.typed.text,
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
	struct ui_prompt	pr = ui->prompt;
	const struct ui_pending	*p = &pr.v[0];
	bool			match;
	char			what[200];

	match = strcmp(pr.typed.text, pr.expect) == 0;
	memset(&ui->prompt, 0, sizeof ui->prompt);
	ui->dirty = true;
	if (pr.n == 1)
		snprintf(what, sizeof what, "%s on %s: %s", p->guest_name,
		    p->host_name, action_name(pr.action));
	else
		snprintf(what, sizeof what, "%s on %zu guests",
		    action_name(pr.action), pr.n);
	if (!go)
		ui_status(ui, false, "%s cancelled", what);
	else if (pr.kind == UI_PROMPT_NAME && !match && pr.n == 1)
		ui_status(ui, true, "%s on %s: the name typed did not match; "
		    "%s cancelled", p->guest_name, p->host_name,
		    action_name(pr.action));
	else if (pr.kind == UI_PROMPT_NAME && !match)
		ui_status(ui, true, "what was typed did not match; %s "
		    "cancelled", what);
	else
		ui_submit_many(ui, pr.action, pr.v, pr.n);
	free(pr.v);
}

/* y answers yes, anything else no; a name prompt is a line of its own
 * (the one-line editor), Enter answers, Escape cancels. */
void
screen_confirm_key(struct ui *ui, int key)
{
	struct ui_prompt	*pr = &ui->prompt;

	if (pr->kind == UI_PROMPT_YES_NO) {
		screen_confirm_close(ui, key == 'y' || key == 'Y');
		return;
	}
	switch (input_key(&pr->typed, key)) {
	case INPUT_ACCEPT:
		screen_confirm_close(ui, true);
		return;
	case INPUT_CANCEL:
		screen_confirm_close(ui, false);
		return;
	default:
		break;
	}
	ui->dirty = true;
}
