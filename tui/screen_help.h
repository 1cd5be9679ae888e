/* The help screen (`?`): every key of every screen from the key table,
 * the sort keys, the filter terms and the `:` commands, so what it says
 * cannot drift from what the keys do. Main thread. */
#ifndef CV_TUI_SCREEN_HELP_H
#define CV_TUI_SCREEN_HELP_H

#include <stddef.h>

#include "tui/ui.h"

extern const struct ui_screen	screen_help_entry;

void	screen_help_open(struct ui *);
size_t	screen_help_lines(char ***);

#endif
