/* Allocators that abort on out-of-memory. Any thread. */
#ifndef CV_CORE_XMALLOC_H
#define CV_CORE_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
size_t	 strlcpy_cv(char *, const char *, size_t);

#endif
