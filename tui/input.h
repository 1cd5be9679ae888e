/* A one-line editor for the `/` filter and the `:` command line: text
 * with the cursor at its end, erase by character, word or line, and a
 * history browsed with Up and Down. Pure: keys in, text out. Main
 * thread. */
#ifndef CV_TUI_INPUT_H
#define CV_TUI_INPUT_H

#include <stdbool.h>
#include <stddef.h>

#define INPUT_MAX	256
#define INPUT_HISTORY	32

enum input_result {
	INPUT_IGNORED,		/* not an editing key */
	INPUT_CHANGED,		/* the text changed */
	INPUT_KEPT,		/* a key that changed nothing */
	INPUT_ACCEPT,		/* Enter */
	INPUT_CANCEL		/* Escape, Ctrl-C, Ctrl-G */
};

struct input_history {
	char	line[INPUT_HISTORY][INPUT_MAX];	/* oldest first */
	size_t	n;
};

struct input {
	char			 text[INPUT_MAX];
	char			 saved[INPUT_MAX]; /* what was typed before Up */
	struct input_history	*history;	/* (borrowed) NULL: none */
	size_t			 browse;	/* == history->n: not browsing */
};

void	input_open(struct input *, const char *text, struct input_history *);
enum input_result input_key(struct input *, int key);
void	input_set(struct input *, const char *);
void	input_history_add(struct input_history *, const char *);

#endif
