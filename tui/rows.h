/* Display rows: a fleet view turned into host rows, each followed by its
 * guests, plus the columns and the text of each cell. Pure: no curses, no
 * clock (callers pass the time), so it is unit-tested. Main thread. */
#ifndef CV_TUI_ROWS_H
#define CV_TUI_ROWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"

struct cfg;
struct filter;
struct fleet_view;
struct guest_snap;
struct host_snap;

/* ---- rows ---- */

enum rows_kind {
	ROWS_HOST,
	ROWS_GUEST
};

/* One per host and guest shown, ten thousand on a large fleet: kept to 64
 * bytes. */
struct row {
	const struct host_snap	*hs;	/* (borrowed) NULL: not polled yet */
	const struct guest_snap	*gs;	/* (borrowed) NULL on host rows */
	const char		*host_name; /* (borrowed) never NULL */
	const char		*host_type; /* (borrowed) never NULL */
	size_t			 host;	/* index in the view and cfg->hosts */
	uint32_t		 nshown; /* host rows: guests passing the filter */
	uint32_t		 nrunning; /* host rows: of them, running */
	enum rows_kind		 kind;
	enum host_state		 host_state;
	bool			 last;	/* the last guest of its host */
	bool			 collapsed; /* host rows: guests hidden */
};

struct rows {
	struct row	*v;		/* (owned) n entries */
	size_t		 n;
	size_t		 cap;
	size_t		 hosts;		/* for the header */
	size_t		 hosts_up;
	size_t		 hosts_down;
	size_t		 guests;
	size_t		 guests_running;
	size_t		 shown;		/* guests passing the filter */
	size_t		 by_state[GUEST__COUNT];
	size_t		 by_cert[CERT__COUNT];	/* pending ones left out */
	size_t		 cert_pending;	/* verdicts waiting for a platform */
	bool		 demo;		/* some host's figures are simulated */
	bool		 flat;		/* built without host rows */
};

/* Where the cursor is, by identity rather than position, so a refresh
 * that adds or removes rows above it does not move it. */
#define ROWS_ID_MAX	128
struct rows_key {
	size_t	host;
	bool	guest;			/* false: the host's own row */
	char	id[ROWS_ID_MAX];	/* guest id */
};

/* How rows_build orders and picks rows. Zeroed: by name, grouped under
 * hosts, nothing filtered or collapsed. */
struct rows_opts {
	int			 sort;	/* enum rows_col; 0 (HOST): by name */
	bool			 desc;
	bool			 flat;	/* one list across hosts, no host rows */
	const struct filter	*filter; /* NULL: every guest */
	const bool		*collapsed; /* by host index; NULL: none */
	size_t			 ncollapsed;
};

void	rows_init(struct rows *);
void	rows_done(struct rows *);
void	rows_build(struct rows *, const struct fleet_view *,
	    const struct cfg *, const struct rows_opts *);
void	rows_key_of(const struct rows *, size_t, struct rows_key *);
bool	rows_find(const struct rows *, const struct rows_key *, size_t *);
size_t	rows_locate(const struct rows *, const struct rows_key *,
	    size_t fallback);
bool	rows_is_stale(const struct row *, uint64_t now_ms, double refresh_s);
uint64_t rows_clock_due(const struct row *, uint64_t now_ms,
	    double refresh_s);

/* ---- columns ---- */

/* id, title, minimum, wanted and largest width, right-aligned, drop rank
 * (0: never dropped; the highest rank goes first when space runs out),
 * name (`:sort NAME`), sort key (0: none), numbers sort largest first */
#define ROWS_COL_LIST(_)						\
	_(HOST,	  "HOST",      8, 12, 20, false, 0, "host",   'H', false)	\
	_(HV,	  "HV",	       6,  6,  6, false, 6, "hv",     0,   false)	\
	_(NAME,	  "NAME",     10, 20, 40, false, 0, "name",   'N', false)	\
	_(STATE,  "STATE",     8,  9,  9, false, 0, "state",  'T', false)	\
	_(VCPU,	  "VCPU",      4,  4,  4, true,  3, "vcpu",   'V', true)	\
	_(CPU,	  "CPU%",      5,  5,  5, true,  0, "cpu",    'C', true)	\
	_(MEM,	  "MEM",       5,  5,  5, true,  0, "mem",    'M', true)	\
	_(DISK,	  "DISK R/W",  9, 11, 11, true,  2, "disk",   'D', true)	\
	_(NET,	  "NET RX/TX", 9, 11, 11, true,  1, "net",    'I', true)	\
	_(UPTIME, "UPTIME",    7,  7,  7, true,  4, "uptime", 'U', true)	\
	_(CERT,	  "CERT",      7,  7,  7, false, 0, "cert",   'A', false)	\
	_(OS,	  "OS",	      12, 28, 48, false, 5, "os",     'O', false)

#define ROWS_COL_ENUM(id, t, mn, w, mx, r, d, nm, k, df) ROWS_COL_##id,
enum rows_col {
	ROWS_COL_LIST(ROWS_COL_ENUM)
	ROWS_COL__COUNT
};
#undef ROWS_COL_ENUM

struct rows_layout {
	int	width[ROWS_COL__COUNT];	/* 0: not shown */
	int	x[ROWS_COL__COUNT];	/* first screen column */
	int	used;			/* columns taken, gaps included */
};

void		 rows_layout(int screen_width, struct rows_layout *);
const char	*rows_col_title(enum rows_col);
bool		 rows_col_right(enum rows_col);
int		 rows_col_sort_key(enum rows_col);
bool		 rows_col_from_key(int key, enum rows_col *);
bool		 rows_col_from_name(const char *, enum rows_col *);
const char	*rows_col_name(enum rows_col);
bool		 rows_col_desc_first(enum rows_col);

/* ---- cell text (only for the rows on screen) ---- */

const char	*rows_cell(const struct row *, enum rows_col, char *, size_t);
const char	*rows_host_detail(const struct row *, uint64_t now_ms,
		    double refresh_s, char *, size_t);

/* ---- fitting text to columns ---- */

int		 rows_text_width(const char *);
size_t		 rows_ascii_len(const char *);
const char	*rows_fit(const char *, int width, bool right,
		    const char *ellipsis, char *, size_t);
size_t		 rows_wrap(const char *, int width, size_t line, char *,
		    size_t);

#endif
