/* The interactive console: the entry points crossvisor.c calls. Main
 * thread only; the engine must be created and started by the caller. */
#ifndef CV_TUI_TUI_H
#define CV_TUI_TUI_H

struct cfg;
struct engine;

/* Runs the console on the engine's fleet until the user quits or a
 * SIGTERM, SIGINT or SIGHUP arrives. Returns the exit status: 0, or 2 when
 * the terminal cannot be used (one line on stderr says why). */
int	tui_run(const struct cfg *, struct engine *);

/* The screen shown when no config file exists: where crossvisor looks, how
 * to add hosts, and an offer of the demo. demo_hint, when not NULL, is the
 * command line that opens the demo directly ("crossvisor --demo"), shown
 * under the offer. Returns 1 when the user chose the demo, else 0 (also
 * when the terminal cannot be used: one line on stderr says why). */
int	tui_first_run(const char *demo_hint);

#endif
