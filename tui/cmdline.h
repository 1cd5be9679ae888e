/* The `:` command line: what a typed line means, and Tab completion of
 * command names and their arguments. Pure: no curses. Main thread. */
#ifndef CV_TUI_CMDLINE_H
#define CV_TUI_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/action.h"

/* id, name, argument words offered by Tab, help */
#define CMDLINE_LIST(_)							\
	_(SORT,	    "sort",	CMDLINE_ARGS_COLUMNS,				\
	    "sort COLUMN [asc|desc]: sort by a column")			\
	_(FILTER,   "filter",	CMDLINE_ARGS_FIELDS,				\
	    "filter [TERMS]: as /; no terms clears the filter")		\
	_(MARK,	    "mark",	CMDLINE_ARGS_MARK,				\
	    "mark all|none: mark every guest shown, or none")		\
	_(TREE,	    "tree",	CMDLINE_ARGS_NONE,				\
	    "tree: guests grouped under their hosts")			\
	_(FLAT,	    "flat",	CMDLINE_ARGS_NONE,				\
	    "flat: one list of guests sorted across hosts")		\
	_(COLLAPSE, "collapse",	CMDLINE_ARGS_ALL,				\
	    "collapse [all]: hide the guests of this host (or all)")	\
	_(EXPAND,   "expand",	CMDLINE_ARGS_ALL,				\
	    "expand [all]: show the guests of this host (or all)")	\
	_(EVENTS,   "events",	CMDLINE_ARGS_NONE,				\
	    "events: the event log")					\
	_(DETAILS,  "details",	CMDLINE_ARGS_NONE,				\
	    "details: everything known about this guest")		\
	_(HELP,	    "help",	CMDLINE_ARGS_NONE,				\
	    "help: every key and command")				\
	_(QUIT,	    "quit",	CMDLINE_ARGS_NONE,				\
	    "quit: leave crossvisor")

enum cmdline_args {
	CMDLINE_ARGS_NONE,
	CMDLINE_ARGS_COLUMNS,
	CMDLINE_ARGS_FIELDS,
	CMDLINE_ARGS_MARK,
	CMDLINE_ARGS_ALL
};

#define CMDLINE_ENUM(id, name, args, help) CMDLINE_##id,
enum cmdline_cmd {
	CMDLINE_ACTION,		/* an action name: the marked guests or this */
	CMDLINE_LIST(CMDLINE_ENUM)
	CMDLINE__COUNT
};
#undef CMDLINE_ENUM

struct cmdline {
	enum cmdline_cmd	cmd;
	enum action		action;		/* CMDLINE_ACTION */
	char			arg[256];	/* the rest, trimmed */
};

int	cmdline_parse(const char *, struct cmdline *, char *err, size_t);
size_t	cmdline_complete(const char *line, char *out, size_t outlen,
	    char *cands, size_t candlen);
const char *cmdline_help(size_t i);

#endif
