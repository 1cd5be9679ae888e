/* The terminal: curses start and stop, colours, glyphs and signals (as htop
 * CRT.c). Main thread; the signal handlers only write(2) to a pipe, except
 * the fatal one, which restores the terminal with async-signal-safe calls. */
#include "tui/term.h"

#include <errno.h>
#include <langinfo.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "core/err.h"
#include "core/wakepipe.h"

struct term_style {
	short	fg;		/* -1: the terminal's default */
	short	bg;
	attr_t	attr;
};

struct term_theme {
	const char		*name;
	const struct term_style	*styles;	/* UI_COLOR__COUNT entries */
};

/* The compiled themes: "default" is also what a themes/ file will start
 * from, "mono" is used for NO_COLOR, --no-color and terminals without
 * colours (attributes only). */
static const struct term_style term_style_default[UI_COLOR__COUNT] = {
	[UI_COLOR_DEFAULT] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_HEADER] =		{ -1, -1, A_BOLD },
	[UI_COLOR_HEADER_FLAG] =	{ COLOR_BLACK, COLOR_YELLOW, A_BOLD },
	[UI_COLOR_TITLE] =		{ COLOR_BLACK, COLOR_GREEN, A_NORMAL },
	[UI_COLOR_HOST] =		{ COLOR_CYAN, -1, A_BOLD },
	[UI_COLOR_HOST_UP] =		{ COLOR_GREEN, -1, A_BOLD },
	[UI_COLOR_HOST_CONNECTING] =	{ COLOR_YELLOW, -1, A_BOLD },
	[UI_COLOR_HOST_DOWN] =		{ COLOR_RED, -1, A_BOLD },
	[UI_COLOR_GUEST] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_RUNNING] =		{ COLOR_GREEN, -1, A_NORMAL },
	[UI_COLOR_PAUSED] =		{ COLOR_YELLOW, -1, A_NORMAL },
	[UI_COLOR_OFF] =		{ COLOR_BLUE, -1, A_BOLD },
	[UI_COLOR_BAD] =		{ COLOR_RED, -1, A_BOLD },
	[UI_COLOR_STALE] =		{ -1, -1, A_DIM },
	[UI_COLOR_CURSOR] =		{ COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[UI_COLOR_STATUS] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_STATUS_ERROR] =	{ COLOR_RED, -1, A_BOLD },
	[UI_COLOR_HINT_KEY] =		{ -1, -1, A_BOLD },
	[UI_COLOR_HINT_LABEL] =		{ COLOR_BLACK, COLOR_CYAN, A_NORMAL },
	[UI_COLOR_PROMPT] =		{ COLOR_YELLOW, -1, A_BOLD },
	[UI_COLOR_TEXT_BOLD] =		{ -1, -1, A_BOLD },
	[UI_COLOR_EVENT_DONE] =		{ COLOR_GREEN, -1, A_NORMAL },
	[UI_COLOR_EVENT_REFUSED] =	{ COLOR_YELLOW, -1, A_BOLD },
	[UI_COLOR_EVENT_FAILED] =	{ COLOR_RED, -1, A_BOLD },
	[UI_COLOR_SPARK] =		{ COLOR_CYAN, -1, A_NORMAL },
	[UI_COLOR_CERT_UNSUPPORTED] =	{ COLOR_RED, -1, A_BOLD },
	[UI_COLOR_CERT_UNKNOWN] =	{ -1, -1, A_DIM },
	[UI_COLOR_CERT_COMMUNITY] =	{ COLOR_BLUE, -1, A_BOLD },
	[UI_COLOR_CERT_CONDITIONAL] =	{ COLOR_YELLOW, -1, A_NORMAL },
	[UI_COLOR_CERT_CERTIFIED] =	{ COLOR_GREEN, -1, A_NORMAL },
	[UI_COLOR_MARK] =		{ COLOR_YELLOW, -1, A_BOLD },
};

static const struct term_style term_style_mono[UI_COLOR__COUNT] = {
	[UI_COLOR_DEFAULT] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_HEADER] =		{ -1, -1, A_BOLD },
	[UI_COLOR_HEADER_FLAG] =	{ -1, -1, A_REVERSE | A_BOLD },
	[UI_COLOR_TITLE] =		{ -1, -1, A_REVERSE },
	[UI_COLOR_HOST] =		{ -1, -1, A_BOLD },
	[UI_COLOR_HOST_UP] =		{ -1, -1, A_BOLD },
	[UI_COLOR_HOST_CONNECTING] =	{ -1, -1, A_BOLD },
	[UI_COLOR_HOST_DOWN] =		{ -1, -1, A_BOLD | A_UNDERLINE },
	[UI_COLOR_GUEST] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_RUNNING] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_PAUSED] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_OFF] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_BAD] =		{ -1, -1, A_BOLD },
	[UI_COLOR_STALE] =		{ -1, -1, A_DIM },
	[UI_COLOR_CURSOR] =		{ -1, -1, A_REVERSE },
	[UI_COLOR_STATUS] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_STATUS_ERROR] =	{ -1, -1, A_BOLD },
	[UI_COLOR_HINT_KEY] =		{ -1, -1, A_BOLD },
	[UI_COLOR_HINT_LABEL] =		{ -1, -1, A_REVERSE },
	[UI_COLOR_PROMPT] =		{ -1, -1, A_BOLD },
	[UI_COLOR_TEXT_BOLD] =		{ -1, -1, A_BOLD },
	[UI_COLOR_EVENT_DONE] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_EVENT_REFUSED] =	{ -1, -1, A_BOLD },
	[UI_COLOR_EVENT_FAILED] =	{ -1, -1, A_BOLD },
	[UI_COLOR_SPARK] =		{ -1, -1, A_NORMAL },
	[UI_COLOR_CERT_UNSUPPORTED] =	{ -1, -1, A_BOLD },
	[UI_COLOR_CERT_UNKNOWN] =	{ -1, -1, A_NORMAL },
	[UI_COLOR_CERT_COMMUNITY] =	{ -1, -1, A_NORMAL },
	[UI_COLOR_CERT_CONDITIONAL] =	{ -1, -1, A_NORMAL },
	[UI_COLOR_CERT_CERTIFIED] =	{ -1, -1, A_NORMAL },
	[UI_COLOR_MARK] =		{ -1, -1, A_BOLD | A_UNDERLINE },
};

static const struct term_theme term_themes[] = {
	{ "default",	term_style_default },
	{ "mono",	term_style_mono },
};

static const char *const term_color_names[UI_COLOR__COUNT] = {
#define UI_COLOR_NAME(id, name) name,
	UI_COLOR_LIST(UI_COLOR_NAME)
#undef UI_COLOR_NAME
};

static const char *const term_glyphs_utf8[TERM_GLYPH__COUNT] = {
	[TERM_GLYPH_TREE_MID] =		"\xe2\x94\x9c\xe2\x94\x80",	/* ├─ */
	[TERM_GLYPH_TREE_END] =		"\xe2\x94\x94\xe2\x94\x80",	/* └─ */
	[TERM_GLYPH_ELLIPSIS] =		"\xe2\x80\xa6",			/* … */
	[TERM_GLYPH_INPUT] =		"_",
	[TERM_GLYPH_SORT_UP] =		"\xe2\x96\xb2",			/* ▲ */
	[TERM_GLYPH_SORT_DOWN] =	"\xe2\x96\xbc",			/* ▼ */
	[TERM_GLYPH_FOLDED] =		"\xe2\x96\xb8",			/* ▸ */
	[TERM_GLYPH_UNFOLDED] =		"\xe2\x96\xbe",			/* ▾ */
	[TERM_GLYPH_MARK] =		"*",
};

static const char *const term_glyphs_ascii[TERM_GLYPH__COUNT] = {
	[TERM_GLYPH_TREE_MID] =		"|-",
	[TERM_GLYPH_TREE_END] =		"`-",
	[TERM_GLYPH_ELLIPSIS] =		"~",
	[TERM_GLYPH_INPUT] =		"_",
	[TERM_GLYPH_SORT_UP] =		"^",
	[TERM_GLYPH_SORT_DOWN] =	"v",
	[TERM_GLYPH_FOLDED] =		"+",
	[TERM_GLYPH_UNFOLDED] =		"-",
	[TERM_GLYPH_MARK] =		"*",
};

/*
 * The only mutable globals of tui/: curses itself is global, and signal
 * handlers can reach nothing else.
 */
static SCREEN				*term_screen;
static const struct term_theme		*term_theme;
static attr_t				 term_attr_tab[UI_COLOR__COUNT];
static const char *const		*term_glyphs = term_glyphs_ascii;
static bool				 term_utf8;
static bool				 term_dflt_colors;
static short				 term_next_pair;
static int				 term_pipe[2] = { -1, -1 };
static unsigned				 term_pending;
static struct termios			 term_shell_tios;
static volatile sig_atomic_t		 term_active;
static char				 term_reset_seq[256];
static size_t				 term_reset_len;

static const int term_notify_sigs[] = {
	SIGTERM, SIGINT, SIGHUP, SIGWINCH, SIGTSTP, SIGCONT
};
static const int term_fatal_sigs[] = {
	SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL
};

#define TERM_NITEMS(a) (sizeof (a) / sizeof (a)[0])

static void	term_notify_handler(int);
static void	term_fatal_handler(int);
static void	term_signals_install(void);
static void	term_signals_default(void);
static void	term_teardown(void);
static void	term_collect(void);
static void	term_reset_add(const char *);
static void	term_colors_init(bool);

/* Runs in any thread: one byte per signal wakes the loop's poll(2). */
static void
term_notify_handler(int sig)
{
	int		saved = errno;
	unsigned char	c = (unsigned char)sig;
	ssize_t		r;

	r = write(term_pipe[1], &c, 1);
	(void)r;	/* a full pipe already holds a wake-up */
	errno = saved;
}

/*
 * A crash must not leave the user's terminal raw and on the alternate
 * screen. endwin() is not async-signal-safe, so this does what it does for
 * the terminal with write(2) (the captured sgr0, cnorm, rmkx, rmcup) and
 * tcsetattr(3), then dies of the same signal (SA_RESETHAND restored the
 * default action) so the exit status and core dump stay truthful.
 */
static void
term_fatal_handler(int sig)
{
	ssize_t	r;

	if (term_active) {
		term_active = 0;
		r = write(STDOUT_FILENO, term_reset_seq, term_reset_len);
		(void)r;
		tcsetattr(STDIN_FILENO, TCSANOW, &term_shell_tios);
	}
	raise(sig);
}

/* Installed before newterm(), so ncurses sees SIGWINCH and SIGTSTP taken
 * and leaves them to us: resizing and suspending then happen in the loop,
 * never inside a handler. */
static void
term_signals_install(void)
{
	struct sigaction	sa;
	size_t			i;

	if (term_pipe[0] == -1)
		wake_pipe_open(term_pipe);

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sa.sa_handler = term_notify_handler;
	for (i = 0; i < TERM_NITEMS(term_notify_sigs); i++)
		sigaction(term_notify_sigs[i], &sa, NULL);

	sa.sa_flags = SA_RESETHAND | SA_NODEFER;
	sa.sa_handler = term_fatal_handler;
	for (i = 0; i < TERM_NITEMS(term_fatal_sigs); i++)
		sigaction(term_fatal_sigs[i], &sa, NULL);

	sa.sa_flags = 0;
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

/* After the console, signals act as for any program again (SIGPIPE stays
 * ignored: a closed pipe is an error return, never a death). */
static void
term_signals_default(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	for (i = 0; i < TERM_NITEMS(term_notify_sigs); i++)
		sigaction(term_notify_sigs[i], &sa, NULL);
	for (i = 0; i < TERM_NITEMS(term_fatal_sigs); i++)
		sigaction(term_fatal_sigs[i], &sa, NULL);
}

/* The err_set_teardown() hook: fatal() restores the terminal before it
 * prints. It may run on a poller thread, but the process is dying. */
static void
term_teardown(void)
{
	if (term_active) {
		term_active = 0;
		endwin();
	}
}

static void
term_reset_add(const char *cap)
{
	const char	*s = tigetstr(cap);
	size_t		 len;

	if (s == NULL || s == (const char *)-1)
		return;
	len = strlen(s);
	if (term_reset_len + len >= sizeof term_reset_seq)
		return;
	memcpy(term_reset_seq + term_reset_len, s, len);
	term_reset_len += len;
}

static void
term_colors_init(bool mono)
{
	const struct term_style	*st;
	bool			 dflt;
	short			 fg, bg;
	int			 i;

	term_theme = &term_themes[mono ? 1 : 0];
	st = term_theme->styles;
	if (mono) {
		for (i = 0; i < UI_COLOR__COUNT; i++)
			term_attr_tab[i] = st[i].attr;
		return;
	}
	start_color();
	dflt = use_default_colors() == OK;
	term_dflt_colors = dflt;
	term_next_pair = (short)(UI_COLOR__COUNT + 1);
	for (i = 0; i < UI_COLOR__COUNT; i++) {
		fg = st[i].fg;
		bg = st[i].bg;
		if (!dflt) {
			fg = fg == -1 ? COLOR_WHITE : fg;
			bg = bg == -1 ? COLOR_BLACK : bg;
		}
		if (i + 1 < COLOR_PAIRS && init_pair((short)(i + 1), fg, bg) ==
		    OK)
			term_attr_tab[i] = COLOR_PAIR(i + 1) | st[i].attr;
		else
			term_attr_tab[i] = term_style_mono[i].attr;
	}
}

/* Starts curses on the controlling terminal. Colours are off when asked,
 * when NO_COLOR is set and not empty, or when the terminal has none. */
int
term_init(bool no_color, struct cv_err *err)
{
	const char	*term = getenv("TERM");
	const char	*nc = getenv("NO_COLOR");
	const char	*codeset;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return cv_err_set(err, CV_E_USAGE, "the console needs a "
		    "terminal; for a file or a pipe use: crossvisor batch");
	if (term == NULL || *term == '\0')
		return cv_err_set(err, CV_E_USAGE, "TERM is not set");
	if (tcgetattr(STDIN_FILENO, &term_shell_tios) == -1)
		return cv_err_set(err, CV_E_FAILED, "tcgetattr: %s",
		    strerror(errno));

	term_signals_install();
	term_screen = newterm(NULL, stdout, stdin);
	if (term_screen == NULL) {
		term_signals_default();
		return cv_err_set(err, CV_E_USAGE,
		    "terminal type '%s' is unknown to curses", term);
	}
	set_term(term_screen);
	term_active = 1;
	err_set_teardown(term_teardown);

	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(100);
	curs_set(0);

	codeset = nl_langinfo(CODESET);
	term_utf8 = codeset != NULL && strcmp(codeset, "UTF-8") == 0;
	term_glyphs = term_utf8 ? term_glyphs_utf8 : term_glyphs_ascii;

	term_colors_init(no_color || (nc != NULL && *nc != '\0') ||
	    !has_colors());

	term_reset_len = 0;
	term_reset_add("sgr0");
	term_reset_add("cnorm");
	term_reset_add("rmkx");
	term_reset_add("rmcup");
	return 0;
}

/* Leaves curses and gives the terminal back as it was. */
void
term_done(void)
{
	if (term_screen == NULL)
		return;
	err_set_teardown(NULL);
	if (term_active) {
		term_active = 0;
		endwin();
	}
	term_signals_default();
	delscreen(term_screen);
	term_screen = NULL;
	term_pending = 0;
}

/* Colours the terminal has: 0 when mono. */
int
term_colors(void)
{
	return term_is_mono() ? 0 : COLORS;
}

/* A colour the terminal can show: on one with 8 or 16 colours the nearest
 * basic colour of a 256-colour one (the 6x6x6 cube by halves, the grey
 * ramp as black or white), and the terminal's white or black where it
 * has no default colours. */
static short
term_fit_color(short c, short fallback)
{
	int	v, r, g, b;

	if (c >= 16 && c >= COLORS && COLORS >= 8) {
		if (c >= 232)
			c = c >= 244 ? COLOR_WHITE : COLOR_BLACK;
		else {
			v = c - 16;
			r = v / 36 >= 3;
			g = (v / 6) % 6 >= 3;
			b = v % 6 >= 3;
			c = (short)((r ? COLOR_RED : 0) | (g ? COLOR_GREEN : 0) |
			    (b ? COLOR_BLUE : 0));
		}
	}
	if (c >= COLORS)
		c = c < 16 && COLORS >= 8 ? (short)(c - 8) : -1;
	if (c < 0 && !term_dflt_colors)
		c = fallback;
	return c;
}

/* Sets element e from a theme file: its colour pair is redefined, so the
 * screen takes it at the next refresh. Nothing happens in mono. */
void
term_style(enum ui_color e, short fg, short bg, attr_t attr)
{
	int	i = (int)e;

	if (term_is_mono() || (unsigned)e >= UI_COLOR__COUNT)
		return;
	fg = term_fit_color(fg, COLOR_WHITE);
	bg = term_fit_color(bg, COLOR_BLACK);
	if (i + 1 < COLOR_PAIRS && init_pair((short)(i + 1), fg, bg) == OK)
		term_attr_tab[i] = COLOR_PAIR(i + 1) | attr;
	else
		term_attr_tab[i] = attr;
}

/* A colour pair beyond the elements' (host and tag accents); A_NORMAL in
 * mono or when the terminal has no pair left. */
attr_t
term_extra_pair(short fg, short bg, attr_t attr)
{
	short	pair;

	if (term_is_mono())
		return A_NORMAL;
	/* COLOR_PAIR() keeps 8 bits in an attr_t. */
	if (term_next_pair >= COLOR_PAIRS || term_next_pair <= 0 ||
	    term_next_pair > 255)
		return attr;
	pair = term_next_pair++;
	if (init_pair(pair, term_fit_color(fg, COLOR_WHITE),
	    term_fit_color(bg, COLOR_BLACK)) != OK)
		return attr;
	return COLOR_PAIR(pair) | attr;
}

/* The compiled mono theme, asked for by name (theme = "mono"). */
void
term_use_mono(void)
{
	int	i;

	term_theme = &term_themes[1];
	for (i = 0; i < UI_COLOR__COUNT; i++)
		term_attr_tab[i] = term_style_mono[i].attr;
}

bool
term_is_mono(void)
{
	return term_theme == NULL || term_theme == &term_themes[1];
}

bool
term_is_utf8(void)
{
	return term_utf8;
}

attr_t
term_attr(enum ui_color c)
{
	return (unsigned)c < UI_COLOR__COUNT ? term_attr_tab[c] : A_NORMAL;
}

const char *
term_color_name(enum ui_color c)
{
	return (unsigned)c < UI_COLOR__COUNT ? term_color_names[c] : NULL;
}

const char *
term_glyph(enum term_glyph g)
{
	return (unsigned)g < TERM_GLYPH__COUNT ? term_glyphs[g] : "?";
}

int
term_event_fd(void)
{
	return term_pipe[0];
}

/* Moves the signal bytes waiting in the pipe into term_pending. */
static void
term_collect(void)
{
	unsigned char	buf[64];
	ssize_t		n, i;

	if (term_pipe[0] == -1)
		return;
	while ((n = read(term_pipe[0], buf, sizeof buf)) > 0) {
		for (i = 0; i < n; i++) {
			switch (buf[i]) {
			case SIGTERM:
			case SIGINT:
			case SIGHUP:
				term_pending |= TERM_EV_QUIT;
				break;
			case SIGWINCH:
				term_pending |= TERM_EV_RESIZE;
				break;
			case SIGTSTP:
				term_pending |= TERM_EV_SUSPEND;
				break;
			case SIGCONT:
				term_pending |= TERM_EV_CONT;
				break;
			}
		}
	}
}

/* Returns and forgets the TERM_EV_* events that arrived since last time. */
unsigned
term_events(void)
{
	unsigned	ev;

	term_collect();
	ev = term_pending;
	term_pending = 0;
	return ev;
}

/* Takes the terminal's new size; called by the loop after SIGWINCH. */
void
term_resize(void)
{
	struct winsize	ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

/*
 * Ctrl-Z: leave curses, stop for real with the default action, and on fg
 * come back with the terminal's (possibly new) size and a full repaint.
 *
 * SIGTTOU is ignored around endwin(): when a parent such as "sh -c" stops
 * on the same Ctrl-Z, the shell may take the terminal back before we are
 * done, and endwin()'s tcsetattr would then stop us with SIGTTOU; the fg
 * that continues that stop would be eaten by the raise() below, leaving
 * the console stopped with a blank screen.
 */
void
term_suspend(void)
{
	struct sigaction	dfl, ign, old, old_ttou;

	memset(&dfl, 0, sizeof dfl);
	sigemptyset(&dfl.sa_mask);
	dfl.sa_handler = SIG_DFL;
	ign = dfl;
	ign.sa_handler = SIG_IGN;

	sigaction(SIGTTOU, &ign, &old_ttou);
	endwin();
	sigaction(SIGTTOU, &old_ttou, NULL);
	sigaction(SIGTSTP, &dfl, &old);
	raise(SIGTSTP);
	sigaction(SIGTSTP, &old, NULL);

	/* Continued: the SIGCONT this produced needs no second repaint. */
	term_collect();
	term_pending &= ~TERM_EV_CONT;
	term_resize();
	clearok(curscr, TRUE);
}

/* Ctrl-L: repaint every cell, for a screen garbled by another program. */
void
term_redraw_all(void)
{
	clearok(curscr, TRUE);
}

/*
 * After a SIGCONT we did not cause (kill -STOP, then -CONT): the shell may
 * have changed the terminal's modes meanwhile, and an endwin()/doupdate()
 * pair sets them all again.
 */
void
term_resume(void)
{
	endwin();
	term_resize();
	clearok(curscr, TRUE);
}
