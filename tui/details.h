/* The text of a guest's details page: its host, identity, state, figures
 * and certification, one line at a time, so only the lines on screen are
 * formatted. Pure: no curses, no clock. Main thread. */
#ifndef CV_TUI_DETAILS_H
#define CV_TUI_DETAILS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

struct row;

/* Labels take DETAILS_LABEL_W columns after DETAILS_INDENT; values (and
 * their wrapped lines) start after them. */
#define DETAILS_INDENT	2
#define DETAILS_LABEL_W	16

enum details_style {
	DETAILS_BLANK,
	DETAILS_HEADING,	/* label, and a note as value (may be "") */
	DETAILS_FIELD,		/* label and value */
	DETAILS_MORE,		/* a wrapped value's next line */
	DETAILS_CERT		/* label, the badge of cert, then value */
};

struct details_line {
	enum details_style	 style;
	const char		*label;	/* (static) never NULL */
	const char		*value;	/* (borrowed) never NULL */
	enum cert_status	 cert;	/* DETAILS_CERT */
};

size_t	details_count(const struct row *, int value_width);
bool	details_line(const struct row *, int value_width, bool stale,
	    size_t idx, struct details_line *, char *, size_t);

#endif
