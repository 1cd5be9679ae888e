/* Operational errors and fatal exits. Any thread. */
#include "core/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static err_teardown_fn *teardown_hook;

/* An error is one line wherever it is shown: line breaks and tabs become
 * spaces, runs of spaces one, and the rows of '@' that OpenSSH frames its
 * warnings with go. */
static void
flatten(char *s)
{
	char	*o = s, *p;

	for (p = s; *p != '\0'; p++) {
		char c = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;

		if (c == '@' && p[1] == '@') {
			while (p[1] == '@')
				p++;
			continue;
		}
		if (c == ' ' && (o == s || o[-1] == ' '))
			continue;
		*o++ = c;
	}
	while (o > s && o[-1] == ' ')
		o--;
	*o = '\0';
}

void
cv_err_clear(struct cv_err *e)
{
	e->code = CV_E_NONE;
	e->msg[0] = '\0';
}

int
cv_err_vset(struct cv_err *e, enum cv_errcode code, const char *fmt,
    va_list ap)
{
	if (e == NULL)
		return -1;
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	flatten(e->msg);
	return -1;
}

/* Fills e and returns -1, so a failing path can end in "return cv_err_set()". */
int
cv_err_set(struct cv_err *e, enum cv_errcode code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	cv_err_vset(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
cv_err_codename(enum cv_errcode code)
{
	static const char *const names[] = {
#define CV_ERR_NAME(id, name) name,
		CV_ERR_LIST(CV_ERR_NAME)
#undef CV_ERR_NAME
	};

	if ((unsigned)code >= CV_E__COUNT)
		return "error";
	return names[code];
}

void
err_set_teardown(err_teardown_fn *fn)
{
	teardown_hook = fn;
}

/* Runs the registered hook once (restoring the terminal) before a message
 * goes to stderr. */
void
err_teardown(void)
{
	err_teardown_fn *fn = teardown_hook;

	teardown_hook = NULL;
	if (fn != NULL)
		fn();
}

static _Noreturn void	fatal_v(int, const char *, va_list)
			    __attribute__((format(printf, 2, 0)));

static _Noreturn void
fatal_v(int with_errno, const char *fmt, va_list ap)
{
	int	saved = errno;

	err_teardown();
	fputs("crossvisor: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (with_errno)
		fprintf(stderr, ": %s", strerror(saved));
	fputc('\n', stderr);
	abort();
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fatal_v(1, fmt, ap);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	fatal_v(0, fmt, ap);
}
