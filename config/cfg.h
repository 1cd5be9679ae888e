/* The configuration file: lookup, libconfig parsing and checking into the
 * plain struct cfg of core/conf.h, and the table of every key. Main thread
 * (loading); the table is const and readable from any thread. */
#ifndef CV_CONFIG_CFG_H
#define CV_CONFIG_CFG_H

#include <stddef.h>

struct cfg;
struct cv_err;

/* ---- loading ---- */

/*
 * Each function fills *out (it need not be initialised) and returns 0, or
 * returns -1 with one "path:line: message" line in err->msg (code
 * CV_E_CONFIG). On success and on failure alike *out holds something to
 * release with cfg_free(); after a failure it holds the defaults.
 */

/* Finds the file: cli_path (-c), $CROSSVISOR_CONFIG, then
 * $XDG_CONFIG_HOME/crossvisor/crossvisor.conf (XDG_CONFIG_HOME defaults to
 * ~/.config), then CV_SYSCONFDIR/crossvisor/crossvisor.conf. A file named by
 * -c or the environment must exist; the other two are optional. With no file
 * anywhere it returns 0 with out->path NULL and the defaults. */
int	cfg_load(const char *cli_path, struct cfg *out, struct cv_err *err);

/* Reads one file, refusing a password in a file that group or others can
 * read. */
int	cfg_load_file(const char *path, struct cfg *out, struct cv_err *err);

/* Parses text as if read from a file called name (used in messages); no
 * permission check is possible, and out->path is set to name. */
int	cfg_parse_string(const char *text, const char *name, struct cfg *out,
	    struct cv_err *err);

/* ---- the table of keys (config/cfg_table.c) ---- */

enum cfg_scope {
	CFG_SCOPE_TOP,		/* "top": the file's top level */
	CFG_SCOPE_HOST		/* "host": a group in hosts = ( ... ) */
};

#define CFG_TYPE_LIST(_)					\
	_(FLOAT,	"number")				\
	_(INT,		"integer")				\
	_(BOOL,		"boolean")				\
	_(STRING,	"string")				\
	_(STRINGS,	"list of strings")			\
	_(HOSTS,	"list of groups")

#define CFG_TYPE_ENUM(id, name) CFG_##id,
enum cfg_type {
	CFG_TYPE_LIST(CFG_TYPE_ENUM)
	CFG_TYPE__COUNT
};
#undef CFG_TYPE_ENUM

/* Which hosts a host key is for: kvm, hyperv over ssh, hyperv run locally. */
#define CFG_FOR_KVM	0x1
#define CFG_FOR_SSH	0x2
#define CFG_FOR_LOCAL	0x4
#define CFG_FOR_HYPERV	(CFG_FOR_SSH|CFG_FOR_LOCAL)
#define CFG_FOR_ALL	(CFG_FOR_KVM|CFG_FOR_HYPERV)

/* Key flags. */
#define CFG_F_PATH	0x1	/* a leading ~ or ~user is expanded */
#define CFG_F_SECRET	0x2	/* the file must be private */
#define CFG_F_EMPTY	0x4	/* "" is a value (it turns something off) */

struct cfg_key {
	const char		 *name;
	enum cfg_scope		  scope;
	enum cfg_type		  type;
	size_t			  off;	/* in struct cfg or cfg_host */
	double			  min;	/* numbers: the range */
	double			  max;
	const char		 *unit;	/* "seconds" or NULL */
	const char *const	 *choices; /* NULL-terminated, or NULL */
	int			  flags;	/* CFG_F_* */
	int			  applies;	/* host keys: CFG_FOR_* */
	int			  required;	/* host keys: CFG_FOR_* */
	const char		 *def;	/* the default, as text */
	const char		 *example; /* a value as in a file */
	const char		 *help;	/* one line */
};

/* The key called name in scope "top" or "host", or NULL. */
const struct cfg_key	*cfg_table_find(const char *scope,
			    const char *name);
const struct cfg_key	*cfg_table_lookup(enum cfg_scope, const char *);

/* Walks the table: pass NULL for the first key; NULL after the last. */
const struct cfg_key	*cfg_table_next(const struct cfg_key *);

const char		*cfg_scope_name(enum cfg_scope);
const char		*cfg_type_name(enum cfg_type);

#endif
