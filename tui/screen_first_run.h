/* The first-run screen, shown when no config file exists: where crossvisor
 * looks, how to add hosts, and the demo on offer. Main thread. */
#ifndef CV_TUI_SCREEN_FIRST_RUN_H
#define CV_TUI_SCREEN_FIRST_RUN_H

#include "tui/ui.h"

extern const struct ui_screen	screen_first_run_entry;

#endif
