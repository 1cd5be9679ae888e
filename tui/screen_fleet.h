/* The fleet screen: every host and its guests in one table, with one-key
 * lifecycle actions. Main thread. */
#ifndef CV_TUI_SCREEN_FLEET_H
#define CV_TUI_SCREEN_FLEET_H

#include "tui/ui.h"

extern const struct ui_screen	screen_fleet_entry;

#endif
