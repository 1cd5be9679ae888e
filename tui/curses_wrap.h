/* The one place curses is included. Every tui/ file that draws includes
 * this header, never <curses.h>, so curses macros (refresh, clear, move,
 * timeout...) cannot leak into core/ or backends/ (as htop ProvideCurses.h). */
#ifndef CV_TUI_CURSES_WRAP_H
#define CV_TUI_CURSES_WRAP_H

/* The wide-character API (wget_wch, multibyte addstr) is needed for UTF-8
 * guest names; _XOPEN_SOURCE from pkg-config enables it too. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#include <curses.h>

#endif
