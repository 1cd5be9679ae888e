/* One-line bars shared by the screens: a line of text in one colour, and
 * the key-hint bar built from the keymap. Main thread. */
#ifndef CV_TUI_BAR_H
#define CV_TUI_BAR_H

#include "tui/term.h"

void	bar_line(int y, int x, int width, enum ui_color, const char *);
void	bar_hints(int y, unsigned keys);

#endif
