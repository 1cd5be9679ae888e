/* The details screen: everything the latest snapshot says about one
 * guest, on a scrolling page that follows new snapshots. Main thread. */
#ifndef CV_TUI_SCREEN_DETAILS_H
#define CV_TUI_SCREEN_DETAILS_H

#include "tui/ui.h"

extern const struct ui_screen	screen_details_entry;

void	screen_details_open(struct ui *, const struct row *);

#endif
