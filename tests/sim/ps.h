/* What Windows PowerShell 5.1 prints, for the simulator: ConvertTo-Json
 * -Compress (JavaScriptSerializer and HttpUtility.JavaScriptStringEncode),
 * the error envelope of session.ps1, string conversion of ConvertFrom-Json
 * values, and error records as CLIXML on stderr. Pure; single-threaded. */
#ifndef CV_SIM_PS_H
#define CV_SIM_PS_H

#include <stddef.h>

struct buf;
struct json_object;

/* An ErrorRecord as session.ps1 reports it: Exception.Message,
 * CategoryInfo.Category, FullyQualifiedErrorId and [string]TargetObject. */
struct ps_err {
	char	*message;	/* (owned) may hold NULs */
	size_t	 message_len;
	char	*category;	/* (owned) */
	char	*fqid;		/* (owned) */
	char	*target;	/* (owned) */
};

/* Where a terminating error happened, for the "At line:" part of its view. */
struct ps_pos {
	unsigned	 line;
	unsigned	 col;
	const char	*text;		/* (borrowed) the source line */
	size_t		 text_len;
	size_t		 width;		/* the ~ underline */
};

/* ---- ConvertTo-Json -Compress ---- */
void	ps_json_str(struct buf *, const char *, size_t);
void	ps_json_int(struct buf *, long long);
void	ps_tostring(struct buf *, struct json_object *);

/* ---- error records ---- */
void	ps_err_init(struct ps_err *);
void	ps_err_done(struct ps_err *);
void	ps_err_set(struct ps_err *, const char *, const char *,
	    const char *, const char *, ...)
	    __attribute__((__format__(__printf__, 5, 6)));
void	ps_err_take(struct ps_err *, const char *, const char *,
	    const char *, struct buf *);
void	ps_json_error(struct buf *, const struct ps_err *);
void	ps_err_view(struct buf *, const struct ps_err *, const char *,
	    const char *, const struct ps_pos *);

/* ---- CLIXML ---- */
void	ps_clixml(struct buf *, const char *, size_t);

#endif
