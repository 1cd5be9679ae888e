/* The main loop: waits in poll(2) on the keyboard, the fleet's wake pipe
 * and the signal pipe, with a one-second tick for ages, and never blocks
 * on anything else. Redraws only when something changed, through
 * wnoutrefresh/doupdate so curses sends only the difference (slow SSH
 * links). Main thread only. */
#include "tui/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/fleet.h"
#include "tui/curses_wrap.h"
#include "tui/keymap.h"
#include "tui/screen_confirm.h"
#include "tui/term.h"
#include "tui/ui.h"

#define LOOP_TICK_MS	1000
#define LOOP_TAKE_MIN_MS	200	/* at most five new fleet views a second */
#define LOOP_TAKE_MAX_MS	1000

static void	loop_draw(struct ui *);
static void	loop_keys(struct ui *);
static void	loop_signals(struct ui *);
static int	loop_timeout(void);
static uint64_t	loop_take_ms(const struct ui *);

static void
loop_draw(struct ui *ui)
{
	ui->clock_due_ms = 0;
	ui->screen->draw(ui);
	wnoutrefresh(stdscr);
	doupdate();
	ui->dirty = false;
}

/*
 * A fleet of many hosts publishes many times a second, each host on its
 * own clock: new data is taken (rows rebuilt, screen drawn) at most twice
 * a refresh, so the console's cost does not grow with the hosts and no
 * figure waits more than half a refresh to be shown. While hosts are
 * still connecting, their rows come in as soon as five times a second.
 */
static uint64_t
loop_take_ms(const struct ui *ui)
{
	const struct rows	*r = &ui->rows;
	double			 ms = ui->refresh_s * 1000 / 2;

	if (r->hosts_up + r->hosts_down < r->hosts || ms < LOOP_TAKE_MIN_MS)
		return LOOP_TAKE_MIN_MS;
	if (ms > LOOP_TAKE_MAX_MS)
		return LOOP_TAKE_MAX_MS;
	return (uint64_t)ms;
}

/* Reads every key waiting (stdin is non-blocking through nodelay) and
 * gives each to the prompt when one is open, else to the screen. */
static void
loop_keys(struct ui *ui)
{
	wint_t	wch;
	int	r, key;

	while (!ui->quit && (r = wget_wch(stdscr, &wch)) != ERR) {
		if (r == KEY_CODE_YES && wch == KEY_RESIZE) {
			ui_cursor_sync(ui);
			ui->dirty = true;
			continue;
		}
		key = r == KEY_CODE_YES ? KEYMAP_FN((int)wch) : (int)wch;
		if (screen_confirm_active(ui))
			screen_confirm_key(ui, key);
		else
			ui->screen->key(ui, key);
		ui->dirty = true;
	}
}

/* Acts on the signals the handlers noted: all terminal work happens here,
 * never in a handler. */
static void
loop_signals(struct ui *ui)
{
	unsigned	ev = term_events();

	if (ev & TERM_EV_QUIT)
		ui->quit = true;
	if (ev & TERM_EV_SUSPEND)
		term_suspend();
	else if (ev & TERM_EV_CONT)
		term_resume();
	else if (ev & TERM_EV_RESIZE)
		term_resize();
	if (ev & (TERM_EV_SUSPEND | TERM_EV_CONT | TERM_EV_RESIZE)) {
		ui_cursor_sync(ui);
		ui->dirty = true;
	}
}

/* Milliseconds to the next whole second, so ages tick together. */
static int
loop_timeout(void)
{
	return LOOP_TICK_MS - (int)(clock_mono_ms() % LOOP_TICK_MS);
}

/* Runs until the user quits or a quit signal arrives; returns 0. */
int
loop_run(struct ui *ui)
{
	struct pollfd	pfd[3];
	nfds_t		n;
	int		r, timeout;
	uint64_t	taken, take_ms;
	bool		pending = false;

	ui_refresh(ui);
	ui_read_events(ui);
	ui_cursor_sync(ui);
	taken = clock_mono_ms();
	while (!ui->quit) {
		loop_signals(ui);
		if (ui->quit)
			break;
		if (ui->dirty)
			loop_draw(ui);

		take_ms = loop_take_ms(ui);
		n = 0;
		pfd[n].fd = STDIN_FILENO;
		pfd[n++].events = POLLIN;
		pfd[n].fd = term_event_fd();
		pfd[n++].events = POLLIN;
		if (ui->fleet != NULL && !pending) {
			pfd[n].fd = fleet_wake_fd(ui->fleet);
			pfd[n++].events = POLLIN;
		}
		timeout = loop_timeout();
		if (pending && timeout > (int)(taken + take_ms -
		    clock_mono_ms()))
			timeout = (int)(taken + take_ms - clock_mono_ms());
		r = poll(pfd, n, timeout < 0 ? 0 : timeout);
		if (r == -1) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			fatal("poll");
		}
		/* The tick: ages move on, figures turn stale. A screen whose
		 * clock-bound text has not changed is not drawn again. */
		if (r == 0 && !pending && clock_mono_ms() >= ui->clock_due_ms)
			ui->dirty = true;
		if (pfd[0].revents & POLLIN)
			loop_keys(ui);
		else if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			ui->quit = true;	/* the terminal went away */
		if (n > 2 && (pfd[2].revents & POLLIN)) {
			fleet_drain_wake(ui->fleet);
			pending = true;
		}
		if (pending && clock_mono_ms() >= taken + take_ms) {
			ui_refresh(ui);
			taken = clock_mono_ms();
			pending = false;
		}
		ui_read_events(ui);
	}
	return 0;
}
