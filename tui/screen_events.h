/* The event log screen: every action (requested, done, refused, failed)
 * and every host up or down since the console started, newest at the
 * bottom. Main thread. */
#ifndef CV_TUI_SCREEN_EVENTS_H
#define CV_TUI_SCREEN_EVENTS_H

#include "tui/ui.h"

extern const struct ui_screen	screen_events_entry;

void	screen_events_open(struct ui *);

#endif
