/* The `/` filter: a line of terms, all of which a guest must match.
 * A term is a case-insensitive extended regular expression (a plain word
 * is one, so it matches as a substring), optionally limited to one field
 * (`host:kvm-a`, `state:running`, `cert:unsupported`, `tag:prod`, `os:`,
 * `name:`, `hv:`, `id:`) and negated with a leading `!`. Pure: no curses.
 * Main thread. */
#ifndef CV_TUI_FILTER_H
#define CV_TUI_FILTER_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>

struct cfg;
struct row;

#define FILTER_TEXT_MAX	256
#define FILTER_TERMS_MAX 16

#define FILTER_FIELD_LIST(_)	\
	_(ANY,	NULL)		\
	_(NAME,	"name")		\
	_(HOST,	"host")		\
	_(HV,	"hv")		\
	_(STATE, "state")	\
	_(CERT,	"cert")		\
	_(OS,	"os")		\
	_(TAG,	"tag")		\
	_(ID,	"id")

#define FILTER_FIELD_ENUM(id, name) FILTER_F_##id,
enum filter_field {
	FILTER_FIELD_LIST(FILTER_FIELD_ENUM)
	FILTER_F__COUNT
};
#undef FILTER_FIELD_ENUM

struct filter_term {
	enum filter_field	field;
	bool			negate;
	bool			regex;		/* else a plain substring */
	regex_t			re;
	char			text[FILTER_TEXT_MAX];
};

struct filter {
	char			text[FILTER_TEXT_MAX];	/* as typed */
	struct filter_term	term[FILTER_TERMS_MAX];
	size_t			n;
	char			error[128];	/* "" or why a term is literal */
};

void	filter_init(struct filter *);
void	filter_free(struct filter *);
void	filter_set(struct filter *, const char *text);
bool	filter_active(const struct filter *);
bool	filter_match(const struct filter *, const struct row *,
	    const struct cfg *);
const char *filter_field_name(enum filter_field);

#endif
