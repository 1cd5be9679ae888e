/* A scrolling list (as htop Panel): which row is selected and which rows
 * are on screen. Pure; drawing is the caller's callback, called for the
 * visible rows only. Main thread. */
#ifndef CV_TUI_LIST_H
#define CV_TUI_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list {
	size_t	n;		/* rows */
	size_t	sel;		/* selected row, < n unless n is 0 */
	size_t	top;		/* first row on screen */
	int	height;		/* rows on screen */
};

/* Draws row idx at line y (0 = the list's first line). */
typedef void	list_draw_fn(void *, int y, size_t idx, bool selected);

void	list_init(struct list *);
void	list_set(struct list *, size_t n, int height);
void	list_select(struct list *, size_t);
void	list_move(struct list *, long);
void	list_page(struct list *, int dir);
void	list_home(struct list *);
void	list_end(struct list *);
void	list_draw(const struct list *, list_draw_fn *, void *);

#endif
