/* The confirmation prompt that stands in for the status line: [y/N] for
 * actions that interrupt a guest and for any action on more than one
 * guest (their list is drawn over the table), the guest's name typed out
 * for a power-off on hosts with a confirm_by_name_tags tag (their number,
 * when several are). Main thread. */
#ifndef CV_TUI_SCREEN_CONFIRM_H
#define CV_TUI_SCREEN_CONFIRM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/action.h"

struct ui;
struct ui_pending;

void	screen_confirm_open(struct ui *, enum action,
	    const struct ui_pending *, size_t, const char *by_name_tag,
	    size_t nby_name);
bool	screen_confirm_active(const struct ui *);
void	screen_confirm_draw(struct ui *, int y);
void	screen_confirm_key(struct ui *, int key);
void	screen_confirm_question(const struct ui *, char *, size_t);

#endif
