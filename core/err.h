/* Operational errors (struct cv_err) and fatal exits with a teardown hook.
 * Safe in any thread: a cv_err is a fixed buffer, never allocated. */
#ifndef CV_CORE_ERR_H
#define CV_CORE_ERR_H

#include <stdarg.h>

#define CV_ERR_LIST(_)						\
	_(NONE,		"ok")					\
	_(USAGE,	"usage")				\
	_(CONFIG,	"config")				\
	_(CONNECT,	"connect")				\
	_(AUTH,		"auth")					\
	_(HOSTKEY,	"host key")				\
	_(TIMEOUT,	"timeout")				\
	_(PROTOCOL,	"protocol")				\
	_(PARSE,	"parse")				\
	_(NOTFOUND,	"not found")				\
	_(STATE,	"invalid state")			\
	_(DENIED,	"access denied")			\
	_(AMBIGUOUS,	"ambiguous")				\
	_(UNSUPPORTED,	"unsupported")				\
	_(READONLY,	"read-only")				\
	_(FAILED,	"failed")

#define CV_ERR_ENUM(id, name) CV_E_##id,
enum cv_errcode {
	CV_ERR_LIST(CV_ERR_ENUM)
	CV_E__COUNT
};
#undef CV_ERR_ENUM

struct cv_err {
	enum cv_errcode	code;
	char		msg[256];
};

/* ---- operational errors ---- */
void		 cv_err_clear(struct cv_err *);
int		 cv_err_set(struct cv_err *, enum cv_errcode, const char *, ...)
		     __attribute__((format(printf, 3, 4)));
int		 cv_err_vset(struct cv_err *, enum cv_errcode, const char *,
		     va_list) __attribute__((format(printf, 3, 0)));
const char	*cv_err_codename(enum cv_errcode);

/* ---- fatal exits ---- */
typedef void	 err_teardown_fn(void);
void		 err_set_teardown(err_teardown_fn *);
void		 err_teardown(void);
_Noreturn void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2)));
_Noreturn void	 fatalx(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
