/* Growable byte buffers and allocation that aborts on OOM, for the Hyper-V
 * simulator (tests/sim/hvsim). Single-threaded. */
#ifndef CV_SIM_BUF_H
#define CV_SIM_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* A byte string that may hold NULs; p is NUL-terminated once allocated. */
struct buf {
	char	*p;		/* (owned) */
	size_t	 len;
	size_t	 cap;
};

void	*xmalloc(size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
char	*xmemdup(const void *, size_t);

void	 buf_init(struct buf *);
void	 buf_done(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_grow(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_addc(struct buf *, int);
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((__format__(__printf__, 2, 0)));
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((__format__(__printf__, 2, 3)));
char	*buf_take(struct buf *);
const char *buf_str(struct buf *);

#endif
