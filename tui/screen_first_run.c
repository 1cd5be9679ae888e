/* The first-run screen: no config file was found. It says where one is
 * looked for (the order of cfg_load), shows a small example and offers the
 * demo fleet. Main thread only. */
#include "tui/screen_first_run.h"

#include <stdio.h>
#include <stdlib.h>

#include "tui/bar.h"
#include "tui/curses_wrap.h"
#include "tui/keymap.h"
#include "tui/term.h"

#ifndef CV_VERSION
#define CV_VERSION "?"
#endif
#ifndef CV_SYSCONFDIR
#define CV_SYSCONFDIR "/etc"
#endif

static void	screen_first_run_draw(struct ui *);
static void	screen_first_run_key(struct ui *, int);

const struct ui_screen screen_first_run_entry = {
	.name = "first-run",
	.keys = KEYMAP_IN_FIRST_RUN,
	.draw = screen_first_run_draw,
	.key = screen_first_run_key,
};

static const char *const screen_first_run_example[] = {
	"    hosts = (",
	"      { name = \"kvm-a\"; type = \"kvm\";",
	"        uri = \"qemu+ssh://root@kvm-a.example.com/system\"; },",
	"      { name = \"hv-1\"; type = \"hyperv\";",
	"        address = \"hv-1.example.com\"; user = \"Administrator\"; }",
	"    );",
};

static void
screen_first_run_draw(struct ui *ui)
{
	const char	*xdg = getenv("XDG_CONFIG_HOME");
	const char	*home = getenv("HOME");
	char		 line[1024];
	int		 y = 0;
	size_t		 i;

	werase(stdscr);
	snprintf(line, sizeof line, "crossvisor %s", CV_VERSION);
	bar_line(y++, 0, COLS, UI_COLOR_HEADER, line);
	y++;
	bar_line(y++, 1, COLS - 1, UI_COLOR_TEXT_BOLD,
	    "No configuration file was found.");
	y++;
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT,
	    "crossvisor looks for one in this order:");
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT,
	    "  1. the file given with -c FILE");
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT,
	    "  2. $CROSSVISOR_CONFIG");
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT,
	    "  3. $XDG_CONFIG_HOME/crossvisor/crossvisor.conf");
	if (xdg != NULL && *xdg != '\0')
		snprintf(line, sizeof line,
		    "     (here: %s/crossvisor/crossvisor.conf)", xdg);
	else
		snprintf(line, sizeof line,
		    "     (here: %s/.config/crossvisor/crossvisor.conf)",
		    home != NULL ? home : "~");
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT, line);
	snprintf(line, sizeof line, "  4. %s/crossvisor/crossvisor.conf",
	    CV_SYSCONFDIR);
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT, line);
	y++;
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT,
	    "To add hosts, create one of them, for example:");
	for (i = 0; i < sizeof screen_first_run_example /
	    sizeof screen_first_run_example[0]; i++)
		bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT,
		    screen_first_run_example[i]);
	bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT,
	    "Every setting is described in crossvisor.conf(5).");
	y++;
	bar_line(y++, 1, COLS - 1, UI_COLOR_TEXT_BOLD,
	    "Press d to open the demo fleet, or q to quit.");
	if (ui->demo_hint != NULL && *ui->demo_hint != '\0') {
		snprintf(line, sizeof line, "Next time, open the demo directly "
		    "with: %s", ui->demo_hint);
		bar_line(y++, 1, COLS - 1, UI_COLOR_DEFAULT, line);
	}
	if (y < LINES)
		bar_hints(LINES - 1, KEYMAP_IN_FIRST_RUN);
}

static void
screen_first_run_key(struct ui *ui, int key)
{
	const struct keymap_binding	*b;

	if ((b = keymap_lookup(KEYMAP_IN_FIRST_RUN, key)) == NULL)
		return;
	switch (b->cmd) {
	case KEYMAP_DEMO:
		ui->result = 1;
		ui->quit = true;
		break;
	case KEYMAP_QUIT:
		ui->quit = true;
		break;
	case KEYMAP_REDRAW:
		term_redraw_all();
		break;
	default:
		break;
	}
	ui->dirty = true;
}
