/* A scrolling list: selection and scroll position, kept consistent with
 * the number of rows and the height. Pure. Main thread. */
#include "tui/list.h"

#include <string.h>

static void	list_clamp(struct list *);

void
list_init(struct list *l)
{
	memset(l, 0, sizeof *l);
	l->height = 1;
}

/* Keeps the selection inside the rows and on screen, and never leaves
 * blank lines at the bottom while rows above are scrolled away. */
static void
list_clamp(struct list *l)
{
	size_t	h = l->height > 0 ? (size_t)l->height : 1;

	if (l->n == 0) {
		l->sel = l->top = 0;
		return;
	}
	if (l->sel >= l->n)
		l->sel = l->n - 1;
	if (l->top + h > l->n)
		l->top = l->n > h ? l->n - h : 0;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + h)
		l->top = l->sel - h + 1;
}

/* After a refresh or a resize: the new row count and height. */
void
list_set(struct list *l, size_t n, int height)
{
	l->n = n;
	l->height = height > 0 ? height : 1;
	list_clamp(l);
}

void
list_select(struct list *l, size_t idx)
{
	l->sel = idx;
	list_clamp(l);
}

void
list_move(struct list *l, long delta)
{
	if (delta < 0 && (size_t)-delta > l->sel)
		l->sel = 0;
	else
		l->sel += (size_t)delta;
	list_clamp(l);
}

/* Page up (dir < 0) or down: the selection and the view move together by
 * one screen, as in less(1). */
void
list_page(struct list *l, int dir)
{
	size_t	h = l->height > 1 ? (size_t)l->height - 1 : 1;

	if (dir < 0) {
		l->top = l->top > h ? l->top - h : 0;
		l->sel = l->sel > h ? l->sel - h : 0;
	} else {
		l->top += h;
		l->sel += h;
	}
	list_clamp(l);
}

void
list_home(struct list *l)
{
	l->sel = 0;
	list_clamp(l);
}

void
list_end(struct list *l)
{
	l->sel = l->n > 0 ? l->n - 1 : 0;
	list_clamp(l);
}

/* Calls fn for each row on screen, and for nothing else: rows below the
 * fold are never formatted. */
void
list_draw(const struct list *l, list_draw_fn *fn, void *arg)
{
	size_t	i;
	int	y;

	for (y = 0; y < l->height; y++) {
		i = l->top + (size_t)y;
		if (i >= l->n)
			break;
		fn(arg, y, i, i == l->sel);
	}
}
