/* The one-line confirmation prompt that stands in for the status line:
 * [y/N] for actions that interrupt a guest, the guest's name typed out for
 * a power-off on hosts with a confirm_by_name_tags tag. Main thread. */
#ifndef CV_TUI_SCREEN_CONFIRM_H
#define CV_TUI_SCREEN_CONFIRM_H

#include <stdbool.h>
#include <stddef.h>

struct ui;
struct ui_pending;

void	screen_confirm_open(struct ui *, const struct ui_pending *,
	    const char *by_name_tag);
bool	screen_confirm_active(const struct ui *);
void	screen_confirm_draw(struct ui *, int y);
void	screen_confirm_key(struct ui *, int key);
void	screen_confirm_question(const struct ui *, char *, size_t);

#endif
