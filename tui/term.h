/* The terminal: curses start and stop, colour attributes from a compiled
 * table, UTF-8 or ASCII glyphs, and signals turned into loop events.
 * Main thread, except the signal handlers. */
#ifndef CV_TUI_TERM_H
#define CV_TUI_TERM_H

#include <stdbool.h>

#include "tui/curses_wrap.h"

struct cv_err;

/* ---- colour elements (the names theme files use) ---- */

#define UI_COLOR_LIST(_)					\
	_(DEFAULT,		"default")			\
	_(HEADER,		"header")			\
	_(HEADER_FLAG,		"header-flag")			\
	_(TITLE,		"title")			\
	_(HOST,			"host")				\
	_(HOST_UP,		"host-up")			\
	_(HOST_CONNECTING,	"host-connecting")		\
	_(HOST_DOWN,		"host-down")			\
	_(GUEST,		"guest")			\
	_(RUNNING,		"state-running")		\
	_(PAUSED,		"state-paused")			\
	_(OFF,			"state-off")			\
	_(BAD,			"state-bad")			\
	_(STALE,		"stale")			\
	_(CURSOR,		"cursor")			\
	_(STATUS,		"status")			\
	_(STATUS_ERROR,		"status-error")			\
	_(HINT_KEY,		"hint-key")			\
	_(HINT_LABEL,		"hint-label")			\
	_(PROMPT,		"prompt")			\
	_(TEXT_BOLD,		"text-bold")			\
	_(EVENT_DONE,		"event-done")			\
	_(EVENT_REFUSED,	"event-refused")		\
	_(EVENT_FAILED,		"event-failed")			\
	_(SPARK,		"sparkline")			\
	_(CERT_UNSUPPORTED,	"cert-unsupported")		\
	_(CERT_UNKNOWN,		"cert-unknown")			\
	_(CERT_COMMUNITY,	"cert-community")		\
	_(CERT_CONDITIONAL,	"cert-conditional")		\
	_(CERT_CERTIFIED,	"cert-certified")		\
	_(MARK,			"mark")

#define UI_COLOR_ENUM(id, name) UI_COLOR_##id,
enum ui_color {
	UI_COLOR_LIST(UI_COLOR_ENUM)
	UI_COLOR__COUNT
};
#undef UI_COLOR_ENUM

/* ---- glyphs ---- */

enum term_glyph {
	TERM_GLYPH_TREE_MID,	/* a guest that is not its host's last */
	TERM_GLYPH_TREE_END,	/* its host's last guest */
	TERM_GLYPH_ELLIPSIS,	/* truncated text; one column wide */
	TERM_GLYPH_INPUT,	/* where typed text goes */
	TERM_GLYPH_SORT_UP,	/* after the sort column's title */
	TERM_GLYPH_SORT_DOWN,
	TERM_GLYPH_FOLDED,	/* before a collapsed host's name */
	TERM_GLYPH_UNFOLDED,
	TERM_GLYPH_MARK,	/* before a marked guest; one column */
	TERM_GLYPH__COUNT
};

/* ---- signal events, collected by term_events() ---- */

#define TERM_EV_QUIT	0x1	/* SIGTERM, SIGINT, SIGHUP */
#define TERM_EV_RESIZE	0x2	/* SIGWINCH */
#define TERM_EV_SUSPEND	0x4	/* SIGTSTP */
#define TERM_EV_CONT	0x8	/* SIGCONT */

/* ---- life cycle ---- */
int		 term_init(bool no_color, struct cv_err *);
void		 term_done(void);
bool		 term_is_mono(void);
bool		 term_is_utf8(void);

/* ---- drawing helpers ---- */
attr_t		 term_attr(enum ui_color);
int		 term_colors(void);
void		 term_style(enum ui_color, short fg, short bg, attr_t);
attr_t		 term_extra_pair(short fg, short bg, attr_t);
void		 term_use_mono(void);
const char	*term_color_name(enum ui_color);
const char	*term_glyph(enum term_glyph);

/* ---- signals and terminal events ---- */
int		 term_event_fd(void);
unsigned	 term_events(void);
void		 term_resize(void);
void		 term_suspend(void);
void		 term_redraw_all(void);
void		 term_resume(void);

#endif
