/* Growable byte buffers for the simulator: answers of several megabytes
 * are built here and written with one write(2). Single-threaded. */
#include "tests/sim/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Out of memory: nothing sensible is left to do, as tmux's xmalloc says. */
static void
nomem(void)
{
	static const char	msg[] = "hvsim: out of memory\n";
	ssize_t			w;

	w = write(STDERR_FILENO, msg, sizeof msg - 1);
	(void)w;
	abort();
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		nomem();
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n == 0 ? 1 : n)) == NULL)
		nomem();
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

/* A NUL-terminated copy of n bytes that may themselves hold NULs. */
char *
xmemdup(const void *s, size_t n)
{
	char	*p;

	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void
buf_init(struct buf *b)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
}

void
buf_done(struct buf *b)
{
	free(b->p);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

/* Makes room for n more bytes and the NUL. */
void
buf_grow(struct buf *b, size_t n)
{
	size_t	need;

	if (n > (size_t)-1 / 2 - b->len)
		nomem();
	need = b->len + n + 1;
	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

void
buf_add(struct buf *b, const void *s, size_t n)
{
	buf_grow(b, n);
	if (n != 0)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_addc(struct buf *b, int c)
{
	buf_grow(b, 1);
	b->p[b->len++] = (char)c;
	b->p[b->len] = '\0';
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	ap2;
	char	small[256];
	int	n;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof small, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		buf_add(b, small, (size_t)n);
		return;
	}
	buf_grow(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* Hands the bytes to the caller (always a string, maybe empty). */
char *
buf_take(struct buf *b)
{
	char	*p;

	p = b->p != NULL ? b->p : xstrdup("");
	buf_init(b);
	return p;
}

const char *
buf_str(struct buf *b)
{
	if (b->p == NULL) {
		buf_grow(b, 0);
		b->p[0] = '\0';
	}
	return b->p;
}
