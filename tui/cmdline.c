/* The `:` command line. A command is a word, unambiguous prefixes
 * accepted (`:so cpu`), then its argument. Main thread. */
#include "tui/cmdline.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/xmalloc.h"
#include "tui/filter.h"
#include "tui/rows.h"

struct cmdline_info {
	const char		*name;
	enum cmdline_args	 args;
	const char		*help;
};

static const struct cmdline_info cmdline_table[CMDLINE__COUNT] = {
	[CMDLINE_ACTION] = { NULL, CMDLINE_ARGS_NONE,
	    "start, shutdown, reboot, reset, poweroff, pause, resume, save, "
	    "snapshot: on the marked guests, else this one" },
#define CMDLINE_INFO(id, name, args, help) [CMDLINE_##id] = { name, args, help },
	CMDLINE_LIST(CMDLINE_INFO)
#undef CMDLINE_INFO
};

static const char *const cmdline_mark_args[] = { "all", "none", NULL };
static const char *const cmdline_all_args[] = { "all", NULL };

/* Every word that may stand first: commands, then actions. */
static const char *
cmdline_first_word(size_t i)
{
	if (i + 1 < CMDLINE__COUNT)
		return cmdline_table[i + 1].name;
	i -= CMDLINE__COUNT - 1;
	return i < ACTION__COUNT ? action_name((enum action)i) : NULL;
}

/* The n-th word offered after a command of this kind; NULL past the
 * last. Filter fields come with their colon. */
static const char *
cmdline_arg_word(enum cmdline_args kind, size_t i, char *buf, size_t len)
{
	const char	*w;

	switch (kind) {
	case CMDLINE_ARGS_COLUMNS:
		return i < ROWS_COL__COUNT ? rows_col_name((enum rows_col)i) :
		    NULL;
	case CMDLINE_ARGS_FIELDS:
		if (i + 1 >= FILTER_F__COUNT)
			return NULL;
		w = filter_field_name((enum filter_field)(i + 1));
		snprintf(buf, len, "%s:", w);
		return buf;
	case CMDLINE_ARGS_MARK:
		return i < 2 ? cmdline_mark_args[i] : NULL;
	case CMDLINE_ARGS_ALL:
		return i < 1 ? cmdline_all_args[i] : NULL;
	case CMDLINE_ARGS_NONE:
	default:
		return NULL;
	}
}

/* Splits line into its first word (lower-cased copy) and the rest. */
static const char *
cmdline_split(const char *line, char *word, size_t len)
{
	size_t	n = 0;

	while (*line == ' ')
		line++;
	while (*line != '\0' && *line != ' ') {
		if (n + 1 < len)
			word[n++] = *line;
		line++;
	}
	word[n] = '\0';
	while (*line == ' ')
		line++;
	return line;
}

/* Reads a command; -1 with the reason in err. */
int
cmdline_parse(const char *line, struct cmdline *c, char *err, size_t errlen)
{
	char		 word[64];
	const char	*rest, *w, *match = NULL;
	size_t		 i, nmatch = 0, n;

	memset(c, 0, sizeof *c);
	rest = cmdline_split(line, word, sizeof word);
	if (word[0] == '\0') {
		snprintf(err, errlen, "type a command; Tab completes, :help "
		    "lists them");
		return -1;
	}
	for (i = 0; (w = cmdline_first_word(i)) != NULL; i++) {
		if (strcasecmp(w, word) == 0) {
			match = w;
			nmatch = 1;
			break;
		}
		if (strncasecmp(w, word, strlen(word)) == 0) {
			match = w;
			nmatch++;
		}
	}
	if (nmatch != 1) {
		snprintf(err, errlen, nmatch == 0 ? "%s: no such command "
		    "(:help lists them)" : "%s: which one? Tab lists them",
		    word);
		return -1;
	}
	strlcpy_cv(c->arg, rest, sizeof c->arg);
	n = strlen(c->arg);
	while (n > 0 && c->arg[n - 1] == ' ')
		c->arg[--n] = '\0';
	if (action_from_name(match, &c->action) == 0) {
		c->cmd = CMDLINE_ACTION;
		return 0;
	}
	for (i = 1; i < CMDLINE__COUNT; i++)
		if (strcmp(cmdline_table[i].name, match) == 0)
			c->cmd = (enum cmdline_cmd)i;
	return 0;
}

/* Appends w to the space-separated list cands. */
static void
cmdline_cand(char *cands, size_t len, const char *w)
{
	size_t	n = strlen(cands);

	if (n > 0 && n + 1 < len)
		cands[n++] = ' ', cands[n] = '\0';
	strlcpy_cv(cands + n, w, len - n);
}

/*
 * Completes the last word of line. out gets the line with the word
 * completed as far as every candidate agrees (and a space after a whole
 * word); cands the candidates, space-separated. Returns their number.
 */
size_t
cmdline_complete(const char *line, char *out, size_t outlen, char *cands,
    size_t candlen)
{
	const char	*last, *w;
	char		 word[64], buf[64], common[64];
	enum cmdline_args kind = CMDLINE_ARGS_NONE;
	struct cmdline	 c;
	size_t		 i, n = 0, plen, k;
	bool		 first;

	cands[0] = '\0';
	strlcpy_cv(out, line, outlen);
	last = strrchr(line, ' ');
	(void)cmdline_split(line, word, sizeof word);
	/* The first word is being typed while no space follows it. */
	first = strchr(line + strspn(line, " "), ' ') == NULL;
	if (!first) {
		if (cmdline_parse(word, &c, buf, sizeof buf) == -1 ||
		    c.cmd == CMDLINE_ACTION)
			return 0;
		kind = cmdline_table[c.cmd].args;
	}
	last = last == NULL ? line : last + 1;
	plen = strlen(last);
	common[0] = '\0';
	for (i = 0;; i++) {
		w = first ? cmdline_first_word(i) :
		    cmdline_arg_word(kind, i, buf, sizeof buf);
		if (w == NULL)
			break;
		if (strncasecmp(w, last, plen) != 0)
			continue;
		cmdline_cand(cands, candlen, w);
		if (n++ == 0)
			strlcpy_cv(common, w, sizeof common);
		else {
			for (k = 0; common[k] != '\0' && common[k] == w[k]; k++)
				;
			common[k] = '\0';
		}
	}
	if (n == 0)
		return 0;
	k = (size_t)(last - line);
	if (k < outlen) {
		out[k] = '\0';
		strlcpy_cv(out + k, common, outlen - k);
		k = strlen(out);
		if (n == 1 && common[strlen(common) - 1] != ':' && k + 1 < outlen) {
			out[k] = ' ';
			out[k + 1] = '\0';
		}
	}
	return n;
}

/* The help text of the i-th command (actions first); NULL past the end. */
const char *
cmdline_help(size_t i)
{
	return i < CMDLINE__COUNT ? cmdline_table[i].help : NULL;
}
