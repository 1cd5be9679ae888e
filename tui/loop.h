/* The console's main loop: poll(2) on the keyboard, the fleet's wake pipe
 * and the signal pipe, redrawing only when something changed. Main
 * thread. */
#ifndef CV_TUI_LOOP_H
#define CV_TUI_LOOP_H

struct ui;

int	loop_run(struct ui *);

#endif
