/* The console's entry points: start the terminal, run a screen in the
 * loop, give the terminal back. Main thread only. */
#include "tui/tui.h"

#include <stdio.h>

#include "core/conf.h"
#include "core/err.h"
#include "tui/curses_wrap.h"
#include "tui/loop.h"
#include "tui/screen_first_run.h"
#include "tui/screen_fleet.h"
#include "tui/term.h"
#include "tui/theme.h"
#include "tui/ui.h"

int
tui_run(const struct cfg *cfg, struct engine *engine)
{
	struct ui	ui;
	struct cv_err	err;
	char		msg[512];

	cv_err_clear(&err);
	if (term_init(cfg->no_color, &err) == -1) {
		fprintf(stderr, "crossvisor: %s\n", err.msg);
		return 2;
	}
	/* Off by default: a terminal that reports the mouse takes the
	 * clicks its user meant for selecting text. */
	if (cfg->mouse)
		mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED |
		    BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	ui_init(&ui, cfg, engine, &screen_fleet_entry);
	/* A bad theme is one line, on the status line now and on stderr
	 * (shown when the console ends), never a failure to start. */
	if (theme_load(cfg->theme, msg, sizeof msg) == -1) {
		ui_status(&ui, true, "%s; using the default theme", msg);
		fprintf(stderr, "crossvisor: %s; the default theme was used\n",
		    msg);
	}
	loop_run(&ui);
	ui_done(&ui);
	theme_unload();
	term_done();
	return 0;
}

int
tui_first_run(const char *demo_hint)
{
	struct ui	ui;
	struct cv_err	err;
	int		result;

	cv_err_clear(&err);
	if (term_init(false, &err) == -1) {
		fprintf(stderr, "crossvisor: %s\n", err.msg);
		return 0;
	}
	ui_init(&ui, NULL, NULL, &screen_first_run_entry);
	ui.demo_hint = demo_hint;
	loop_run(&ui);
	result = ui.result;
	ui_done(&ui);
	term_done();
	return result;
}
