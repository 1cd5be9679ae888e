/* hvsim: a stand-in for powershell.exe on a Hyper-V host. It takes the
 * command line crossvisor sends (powershell.exe ... -EncodedCommand <B64>),
 * runs the bootstrap and session.ps1 the way Windows PowerShell 5.1 would,
 * and answers poll.ps1 and action.ps1 from a JSON state file; any other
 * script is refused. Single-threaded; one process per session. */
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "backends/hyperv_scripts.h"
#include "tests/sim/buf.h"
#include "tests/sim/cmdlet.h"
#include "tests/sim/ps.h"
#include "tests/sim/state.h"
#include "tests/sim/utf8.h"

#define HVSIM_MAXLINE	(16u << 20)	/* a line of stdin; a script */
#define HVSIM_MAXFILE	(16u << 20)	/* a prelude, --fail-action */

/* The scripts crossvisor ships, by the hash it knows them by
 * (backends/ps/scripts.fnv, turned into a header at build time). */
static const struct {
	const char	*name;
	uint64_t	 hash;
} known_scripts[] = {
#include "tests/sim/hvsim_hashes.h"
	{ NULL, 0 }
};

/* hyperv_hash.c's hv_script_text() reads the embedded scripts; the
 * simulator knows scripts only by hash, so it embeds none. */
const struct hv_script hv_scripts[] = { { NULL, NULL } };

/* Reads stdin as .NET's TextReader.ReadLine: a line ends at LF, CR or
 * CRLF, and the last one may have no end. */
struct reader {
	int	 fd;
	int	 eof;
	int	 skiplf;	/* the last line ended in CR */
	size_t	 off;
	size_t	 len;
	char	 buf[65536];
};

struct hvsim {
	const char		*state_path;	/* (borrowed) argv */
	const char		*log_path;	/* (borrowed) argv */
	double			 delay;
	int			 utf16;
	int			 hang;
	int			 garbage;
	uint64_t		 flood;		/* --flood BYTES */
	uint64_t		 long_line;	/* --long-line BYTES */
	uint64_t		 flood_stderr;	/* --flood-stderr BYTES */
	int			 exit_code;	/* -1: no --exit */
	int			 have_err_prelude;
	int			 have_out_prelude;
	struct buf		 err_prelude;
	struct buf		 out_prelude;
	struct json_object	*fail;		/* (owned) */
	char			**ps_argv;	/* (owned) the array */
	int			 ps_argc;
	struct buf		 ps_args;	/* SSH_ORIGINAL_COMMAND */
	struct buf		 session;	/* the script received */
	int			 params_fatal;	/* bad JSON ends it */
	struct ps_pos		 params_pos;
	struct reader		 in;
	int			 status;
};

static void	 usage(FILE *);
static int	 read_file(const char *, struct buf *);
static int	 parse_options(struct hvsim *, int, char **);
static void	 split_command(struct hvsim *, const char *);
static void	 sim_free(struct hvsim *);
static void	 write_all(int, const char *, size_t);
static void	 out_write(struct hvsim *, const char *, size_t);
static void	 log_line(const struct hvsim *, const char *, uint64_t,
		    const char *, size_t);
static const char *script_name(uint64_t);
static void	 unknown_script(struct ps_err *, uint64_t);
static void	 die_view(struct hvsim *, struct ps_err *, const char *,
		    const char *, const struct ps_pos *, int);
static int	 base64_decode(const char *, struct buf *);
static int	 ps_command_line(struct hvsim *, struct buf *);
static int	 reader_line(struct reader *, struct buf *);
static void	 too_long(struct ps_err *);
static int	 line_is(const struct buf *, const char *);
static int	 line_starts(const struct buf *, const char *);
static void	 study_session(struct hvsim *);
static int	 from_json(const char *, size_t, struct json_object **,
		    struct ps_err *);
static int	 call(struct hvsim *, const char *, struct json_object *,
		    struct buf *);
static void	 garbage(struct buf *, const char *, size_t);
static int	 parse_bytes(const char *, const char *, uint64_t *);
static void	 flood(struct hvsim *, int, uint64_t, int);
static void	 serve(struct hvsim *);

static void
usage(FILE *f)
{
	fprintf(f,
"usage: hvsim [--state FILE] [--delay SECONDS] [--stderr-prelude FILE]\n"
"             [--stdout-prelude FILE] [--utf16] [--hang] [--garbage]\n"
"             [--flood BYTES] [--long-line BYTES] [--flood-stderr BYTES]\n"
"             [--exit N] [--fail-action FILE] [--log FILE] [--help]\n"
"             [powershell.exe] [POWERSHELL ARGUMENTS]\n"
"\n"
"Acts as Windows PowerShell 5.1 on a Hyper-V host for crossvisor: give it\n"
"-EncodedCommand <the bootstrap> (or SSH_ORIGINAL_COMMAND), then session.ps1\n"
"and requests on stdin. It answers poll.ps1 and action.ps1 from the state\n"
"file and refuses any other script.\n"
"\n"
"  --state FILE          the host and its VMs (JSON); actions change it\n"
"  --delay SECONDS       start-up cost before reading stdin\n"
"  --stderr-prelude FILE bytes written to stderr at start\n"
"  --stdout-prelude FILE bytes written to stdout at start (a banner)\n"
"  --utf16               stdout in UTF-16LE with a BOM\n"
"  --hang                read the first request, then never answer\n"
"  --garbage             answer every request with garbage, no @@CV@@ line\n"
"  --flood BYTES         before every answer, BYTES of output in lines\n"
"  --long-line BYTES     before every answer, one line of BYTES (no end\n"
"                        until they are all out)\n"
"  --flood-stderr BYTES  BYTES on stderr at start, in lines\n"
"                        (BYTES: a number, with K, M or G for 2^10, 2^20, 2^30)\n"
"  --exit N              write a CLIXML error and exit N before answering\n"
"  --fail-action FILE    {\"ACTION\":{\"message\",\"category\",\"fqid\"}}:\n"
"                        that action (or \"poll\") fails so\n"
"  --log FILE            append one line per call: time, script, hash,\n"
"                        parameters\n");
}

/* Reads a small file whole (preludes, --fail-action). */
static int
read_file(const char *path, struct buf *b)
{
	char	chunk[65536];
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (b->len + (size_t)n > HVSIM_MAXFILE) {
			errno = EFBIG;
			n = -1;
			break;
		}
		buf_add(b, chunk, (size_t)n);
	}
	close(fd);
	return n == -1 ? -1 : 0;
}

/* hvsim's own options come first (--name VALUE or --name=VALUE); the
 * first argument that does not start with "--" begins powershell.exe's.
 * Returns 0, 1 for --help, -1 on a usage error (said on stderr). */
static int
parse_options(struct hvsim *sim, int argc, char **argv)
{
	static const char *const with_value[] = {
		"state", "delay", "stderr-prelude", "stdout-prelude", "exit",
		"fail-action", "log", "flood", "long-line", "flood-stderr", NULL
	};
	struct json_tokener	*tok;
	const char		*arg, *val, *const *w;
	char			 name[32], *end;
	size_t			 len;
	long			 n;
	int			 i, err;
	struct buf		 text;

	for (i = 1; i < argc; i++) {
		arg = argv[i];
		if (strncmp(arg, "--", 2) != 0)
			break;
		if (arg[2] == '\0') {
			i++;
			break;
		}
		arg += 2;
		len = strcspn(arg, "=");
		if (len >= sizeof name) {
			fprintf(stderr, "hvsim: unknown option --%s\n", arg);
			return -1;
		}
		memcpy(name, arg, len);
		name[len] = '\0';
		val = "";		/* options without a value */
		for (w = with_value; *w != NULL; w++)
			if (strcmp(*w, name) == 0)
				break;
		if (*w != NULL) {
			if (arg[len] == '=')
				val = arg + len + 1;
			else if (i + 1 < argc)
				val = argv[++i];
			else {
				fprintf(stderr, "hvsim: --%s needs a value\n",
				    name);
				return -1;
			}
		} else if (arg[len] == '=') {
			fprintf(stderr, "hvsim: --%s takes no value\n", name);
			return -1;
		}

		if (strcmp(name, "help") == 0)
			return 1;
		else if (strcmp(name, "state") == 0)
			sim->state_path = val;
		else if (strcmp(name, "log") == 0)
			sim->log_path = val;
		else if (strcmp(name, "utf16") == 0)
			sim->utf16 = 1;
		else if (strcmp(name, "hang") == 0)
			sim->hang = 1;
		else if (strcmp(name, "garbage") == 0)
			sim->garbage = 1;
		else if (strcmp(name, "flood") == 0) {
			if (parse_bytes(name, val, &sim->flood) == -1)
				return -1;
		} else if (strcmp(name, "long-line") == 0) {
			if (parse_bytes(name, val, &sim->long_line) == -1)
				return -1;
		} else if (strcmp(name, "flood-stderr") == 0) {
			if (parse_bytes(name, val, &sim->flood_stderr) == -1)
				return -1;
		} else if (strcmp(name, "delay") == 0) {
			errno = 0;
			sim->delay = strtod(val, &end);
			if (errno != 0 || end == val || *end != '\0' ||
			    !(sim->delay >= 0 && sim->delay <= 3600)) {
				fprintf(stderr, "hvsim: --delay: not a number "
				    "of seconds from 0 to 3600: %s\n", val);
				return -1;
			}
		} else if (strcmp(name, "exit") == 0) {
			errno = 0;
			n = strtol(val, &end, 10);
			if (errno != 0 || end == val || *end != '\0' || n < 0 ||
			    n > 255) {
				fprintf(stderr, "hvsim: --exit: not a status "
				    "from 0 to 255: %s\n", val);
				return -1;
			}
			sim->exit_code = (int)n;
		} else if (strcmp(name, "stderr-prelude") == 0 ||
		    strcmp(name, "stdout-prelude") == 0) {
			err = strcmp(name, "stderr-prelude") == 0;
			if (read_file(val, err ? &sim->err_prelude :
			    &sim->out_prelude) == -1) {
				fprintf(stderr, "hvsim: --%s: %s: %s\n", name,
				    val, strerror(errno));
				return -1;
			}
			if (err)
				sim->have_err_prelude = 1;
			else
				sim->have_out_prelude = 1;
		} else if (strcmp(name, "fail-action") == 0) {
			buf_init(&text);
			if (read_file(val, &text) == -1) {
				fprintf(stderr, "hvsim: --fail-action: "
				    "%s: %s\n", val, strerror(errno));
				buf_done(&text);
				return -1;
			}
			tok = json_tokener_new();
			if (sim->fail != NULL)
				json_object_put(sim->fail);
			sim->fail = json_tokener_parse_ex(tok, buf_str(&text),
			    (int)text.len);
			json_tokener_free(tok);
			buf_done(&text);
			if (!json_object_is_type(sim->fail, json_type_object)) {
				fprintf(stderr, "hvsim: --fail-action: %s: not "
				    "a JSON object\n", val);
				return -1;
			}
		} else {
			fprintf(stderr, "hvsim: unknown option --%s\n", name);
			return -1;
		}
	}
	sim->ps_argc = argc - i;
	sim->ps_argv = xmalloc(((size_t)sim->ps_argc + 1) * sizeof *argv);
	memcpy(sim->ps_argv, argv + i, (size_t)sim->ps_argc * sizeof *argv);
	sim->ps_argv[sim->ps_argc] = NULL;
	return 0;
}

/* SSH_ORIGINAL_COMMAND (a ForceCommand) into words: blanks separate them,
 * double quotes group, as the Windows command line does for this use. */
static void
split_command(struct hvsim *sim, const char *cmd)
{
	const char	*p;
	size_t		 i, nwords = 0;
	int		 quoted = 0, inword = 0;

	buf_reset(&sim->ps_args);
	for (p = cmd; *p != '\0'; p++) {
		if (*p == '"') {
			quoted = !quoted;
			inword = 1;
			continue;
		}
		if (!quoted && strchr(" \t\r\n", *p) != NULL) {
			if (inword) {
				buf_addc(&sim->ps_args, '\0');
				nwords++;
			}
			inword = 0;
			continue;
		}
		buf_addc(&sim->ps_args, *p);
		inword = 1;
	}
	if (inword) {
		buf_addc(&sim->ps_args, '\0');
		nwords++;
	}
	free(sim->ps_argv);
	sim->ps_argv = xmalloc((nwords + 1) * sizeof *sim->ps_argv);
	for (i = 0, p = sim->ps_args.p; i < nwords; i++) {
		sim->ps_argv[i] = (char *)p;
		p += strlen(p) + 1;
	}
	sim->ps_argv[nwords] = NULL;
	sim->ps_argc = (int)nwords;
}

static void
sim_free(struct hvsim *sim)
{
	if (sim->fail != NULL)
		json_object_put(sim->fail);
	free(sim->ps_argv);
	buf_done(&sim->ps_args);
	buf_done(&sim->err_prelude);
	buf_done(&sim->out_prelude);
	buf_done(&sim->session);
}

/* Writes everything; a reader that went away ends the process, as
 * PowerShell's pipeline would stop with an IOException. */
static void
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(1);
		p += n;
		len -= (size_t)n;
	}
}

/* stdout as [Console]::Out writes it: UTF-8 without BOM, or with --utf16
 * UTF-16LE (whose BOM went out at start). */
static void
out_write(struct hvsim *sim, const char *p, size_t len)
{
	struct buf	u;

	if (!sim->utf16) {
		write_all(STDOUT_FILENO, p, len);
		return;
	}
	buf_init(&u);
	utf8_to_utf16le(&u, p, len);
	write_all(STDOUT_FILENO, u.p, u.len);
	buf_done(&u);
}

/* --log: "<UTC time> <script name|unknown> <hash> <parameters|->", one
 * write(2) per line so that processes sharing the file do not interleave. */
static void
log_line(const struct hvsim *sim, const char *name, uint64_t hash,
    const char *params, size_t len)
{
	struct timespec	 ts;
	struct tm	 tm;
	struct buf	 line;
	char		 when[32];
	time_t		 t;
	ssize_t		 w;
	long		 ms;
	int		 fd;

	if (sim->log_path == NULL)
		return;
	if (state_clock_fake()) {
		t = state_now();
		ms = 0;
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		t = ts.tv_sec;
		ms = ts.tv_nsec / 1000000;
	}
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
	buf_init(&line);
	buf_printf(&line, "%s.%03ldZ %s ", when, ms, name);
	if (hash != 0)
		buf_printf(&line, "%016llx ", (unsigned long long)hash);
	else
		buf_adds(&line, "- ");
	if (params != NULL)
		buf_add(&line, params, len);
	else
		buf_addc(&line, '-');
	buf_addc(&line, '\n');
	if ((fd = open(sim->log_path, O_WRONLY | O_APPEND | O_CREAT |
	    O_CLOEXEC, 0666)) != -1) {
		w = write(fd, line.p, line.len);
		(void)w;
		close(fd);
	}
	buf_done(&line);
}

static const char *
script_name(uint64_t hash)
{
	size_t	i;

	for (i = 0; known_scripts[i].name != NULL; i++)
		if (known_scripts[i].hash == hash)
			return known_scripts[i].name;
	return NULL;
}

/* What the host says for a script it will not run. */
static void
unknown_script(struct ps_err *e, uint64_t hash)
{
	char	target[17];

	snprintf(target, sizeof target, "%016llx", (unsigned long long)hash);
	ps_err_set(e, "SecurityError", "UnknownScript", target,
	    "The script cannot be run on this host: its FNV-1a 64 hash %s "
	    "is not the hash of one of crossvisor's scripts.", target);
}

/* A terminating error that reaches the top of -EncodedCommand: PowerShell
 * writes its record as CLIXML on stderr and exits 1 (or status). */
static void
die_view(struct hvsim *sim, struct ps_err *e, const char *command,
    const char *exception, const struct ps_pos *pos, int status)
{
	struct buf	view, xml;

	buf_init(&view);
	buf_init(&xml);
	ps_err_view(&view, e, command, exception, pos);
	ps_clixml(&xml, view.p, view.len);
	write_all(STDERR_FILENO, xml.p, xml.len);
	buf_done(&view);
	buf_done(&xml);
	ps_err_done(e);
	sim_free(sim);
	exit(status);
}

/* Convert.FromBase64String: whitespace ignored, padding required. */
static int
base64_decode(const char *s, struct buf *out)
{
	unsigned	v = 0;
	size_t		n = 0, pad = 0;
	int		c, d;

	for (; (c = (unsigned char)*s) != '\0'; s++) {
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			n++;
			continue;
		}
		if (pad != 0)
			return -1;
		if (c >= 'A' && c <= 'Z')
			d = c - 'A';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			d = c - '0' + 52;
		else if (c == '+')
			d = 62;
		else if (c == '/')
			d = 63;
		else
			return -1;
		v = (v << 6) | (unsigned)d;
		n++;
		if (n % 4 == 0) {
			buf_addc(out, (int)((v >> 16) & 0xff));
			buf_addc(out, (int)((v >> 8) & 0xff));
			buf_addc(out, (int)(v & 0xff));
			v = 0;
		}
	}
	if (n % 4 != 0 || pad > 2)
		return -1;
	if (pad == 1) {
		v <<= 6;
		buf_addc(out, (int)((v >> 16) & 0xff));
		buf_addc(out, (int)((v >> 8) & 0xff));
	} else if (pad == 2) {
		v <<= 12;
		buf_addc(out, (int)((v >> 16) & 0xff));
	}
	return 0;
}

/* powershell.exe's command line, as 5.1's CommandLineParameterParser
 * reads it ("-" or "/", any case, the shortest unambiguous prefixes).
 * Fills script with the -EncodedCommand text in UTF-8; any way of giving
 * a command other than the bootstrap ends the process. */
static int
ps_command_line(struct hvsim *sim, struct buf *script)
{
	static const struct {
		const char	*name;
		const char	*least;
		const char	*alias;
		int		 value;	/* 1 value, 2 command, 3 B64 */
	} params[] = {
		{ "encodedcommand", "e", "ec", 3 },
		{ "executionpolicy", "ex", "ep", 1 },
		{ "noprofile", "nop", NULL, 0 },
		{ "nologo", "nol", NULL, 0 },
		{ "noninteractive", "noni", NULL, 0 },
		{ "noexit", "noe", NULL, 0 },
		{ "sta", "sta", NULL, 0 },
		{ "mta", "mta", NULL, 0 },
		{ "windowstyle", "w", NULL, 1 },
		{ "inputformat", "in", "if", 1 },
		{ "outputformat", "o", "of", 1 },
		{ "version", "v", NULL, 1 },
		{ "encodedarguments", "encodeda", "ea", 1 },
		{ "configurationname", "config", NULL, 1 },
		{ "command", "c", NULL, 2 },
		{ "file", "f", NULL, 2 },
		{ "psconsolefile", "psc", NULL, 1 },
		{ NULL, NULL, NULL, 0 }
	};
	struct ps_err	 e;
	struct buf	 raw;
	const char	*arg, *b64 = NULL, *base;
	char		 key[32];
	size_t		 i, k, len;
	int		 a, other = 0;

	a = 0;
	if (sim->ps_argc > 0) {
		base = strrchr(sim->ps_argv[0], '\\');
		base = base != NULL ? base + 1 : sim->ps_argv[0];
		if (strchr(base, '/') != NULL)
			base = strrchr(base, '/') + 1;
		if (strcasecmp(base, "powershell") == 0 ||
		    strcasecmp(base, "powershell.exe") == 0)
			a = 1;
	}
	for (; a < sim->ps_argc; a++) {
		arg = sim->ps_argv[a];
		if ((arg[0] != '-' && arg[0] != '/') || arg[1] == '\0') {
			other = 1;	/* a command, powershell runs it */
			break;
		}
		len = strlen(arg + 1);
		if (len >= sizeof key) {
			other = 1;
			break;
		}
		for (k = 0; k < len; k++)
			key[k] = (char)(arg[1 + k] >= 'A' && arg[1 + k] <= 'Z' ?
			    arg[1 + k] + 32 : arg[1 + k]);
		key[len] = '\0';
		for (i = 0; params[i].name != NULL; i++) {
			if ((strncmp(params[i].name, key, len) == 0 &&
			    len >= strlen(params[i].least)) ||
			    (params[i].alias != NULL &&
			    strcmp(params[i].alias, key) == 0))
				break;
		}
		if (params[i].name == NULL || params[i].value == 2) {
			other = 1;
			break;
		}
		if (params[i].value == 0)
			continue;
		if (a + 1 >= sim->ps_argc) {
			fprintf(stderr, "Cannot process the command because "
			    "of a missing parameter. A command must follow "
			    "%s.\r\n", params[i].value == 3 ?
			    "-EncodedCommand" : arg);
			return -1;
		}
		a++;
		if (params[i].value == 3)
			b64 = sim->ps_argv[a];
	}
	ps_err_init(&e);
	if (other || b64 == NULL) {
		ps_err_set(&e, "SecurityError", "UnknownScript", "",
		    "The command cannot be run on this host: it runs only the "
		    "bootstrap that crossvisor passes with -EncodedCommand.");
		log_line(sim, "unknown", 0, NULL, 0);
		die_view(sim, &e, NULL, "PSSecurityException", NULL, 1);
	}
	buf_init(&raw);
	if (strlen(b64) > HVSIM_MAXLINE || base64_decode(b64, &raw) == -1) {
		buf_done(&raw);
		fprintf(stderr, "Cannot process the command because the value "
		    "specified with -EncodedCommand is not properly encoded. "
		    "The value must be Base64 encoded.\r\n");
		return -1;
	}
	utf8_from_utf16le(script, (const unsigned char *)raw.p, raw.len);
	buf_done(&raw);
	return 0;
}

/* 1: a line in out; 0: end of input; -1: a line over HVSIM_MAXLINE. */
static int
reader_line(struct reader *r, struct buf *out)
{
	ssize_t	n;
	size_t	i;
	int	got = 0;

	buf_reset(out);
	for (;;) {
		if (r->off == r->len) {
			if (r->eof)
				return got;
			n = read(r->fd, r->buf, sizeof r->buf);
			if (n == -1 && errno == EINTR)
				continue;
			if (n <= 0) {
				r->eof = 1;
				continue;
			}
			r->off = 0;
			r->len = (size_t)n;
		}
		if (r->skiplf) {
			r->skiplf = 0;
			if (r->buf[r->off] == '\n') {
				r->off++;
				continue;
			}
		}
		for (i = r->off; i < r->len; i++)
			if (r->buf[i] == '\n' || r->buf[i] == '\r')
				break;
		if (out->len + (i - r->off) > HVSIM_MAXLINE)
			return -1;
		buf_add(out, r->buf + r->off, i - r->off);
		got = 1;
		if (i < r->len) {
			r->skiplf = r->buf[i] == '\r';
			r->off = i + 1;
			return 1;
		}
		r->off = i;
	}
}

/* Past the bound on a line or a script: .NET would grow its string until
 * memory ran out; the simulator stops where PowerShell would end. */
static void
too_long(struct ps_err *e)
{
	ps_err_set(e, "OperationStopped", "System.OutOfMemoryException", "",
	    "Exception of type 'System.OutOfMemoryException' was thrown. "
	    "(hvsim: an input line or script passed %u MiB)",
	    HVSIM_MAXLINE >> 20);
}

/* $line -eq 'TEXT': PowerShell compares strings without case. */
static int
line_is(const struct buf *l, const char *s)
{
	return l->len == strlen(s) && strncasecmp(l->p, s, l->len) == 0 &&
	    memchr(l->p, '\0', l->len) == NULL;
}

/* $line.StartsWith('TEXT'): with case. */
static int
line_starts(const struct buf *l, const char *s)
{
	return l->len >= strlen(s) && memcmp(l->p, s, strlen(s)) == 0;
}

/* Where session.ps1 parses the parameters: before its try (then bad JSON
 * is a terminating error that ends the session, as in the script today)
 * or inside it (then the catch answers an error envelope). Also finds
 * the line for the error's "At line:" part. */
static void
study_session(struct hvsim *sim)
{
	const char	*text, *cfj, *try, *bol, *eol;
	unsigned	 line;

	text = buf_str(&sim->session);
	sim->params_fatal = 0;
	if ((cfj = strstr(text, "ConvertFrom-Json")) == NULL)
		return;
	try = strstr(text, "try {");
	sim->params_fatal = try == NULL || cfj < try;
	for (line = 1, bol = text; (eol = strchr(bol, '\n')) != NULL &&
	    eol < cfj; bol = eol + 1)
		line++;
	if ((eol = strchr(cfj, '\n')) == NULL)
		eol = cfj + strlen(cfj);
	while (eol > cfj && (eol[-1] == ' ' || eol[-1] == '\r'))
		eol--;
	sim->params_pos.line = line;
	sim->params_pos.col = (unsigned)(cfj - bol) + 1;
	sim->params_pos.text = bol;
	sim->params_pos.text_len = (size_t)(eol - bol);
	sim->params_pos.width = (size_t)(eol - cfj);
}

/* ConvertFrom-Json as 5.1 runs it (JavaScriptSerializer; json-c's
 * lenient tokener is close: it takes 'single quotes', NaN, ...). s is
 * NUL-terminated. Returns 0 and the value (NULL for $null), or -1 and the
 * error record. */
static int
from_json(const char *s, size_t len, struct json_object **out,
    struct ps_err *e)
{
	struct json_tokener	*tok;
	struct json_object	*v;
	struct buf		 msg;
	const char		*fq = "System.ArgumentException,"
				    "Microsoft.PowerShell.Commands."
				    "ConvertFromJsonCommand";
	size_t			 i, off, end;

	*out = NULL;
	if (len == 0) {
		ps_err_set(e, "InvalidData",
		    "ParameterArgumentValidationErrorEmptyStringNotAllowed,"
		    "Microsoft.PowerShell.Commands.ConvertFromJsonCommand", "",
		    "Cannot bind argument to parameter 'InputObject' because "
		    "it is an empty string.");
		return -1;
	}
	for (i = 0; i < len && strchr(" \t", s[i]) != NULL; i++)
		continue;
	if (i == len)
		return 0;
	/* The NUL that ends s is part of the input: it ends a bare literal
	 * or number that would otherwise wait for more. */
	tok = json_tokener_new_ex(1024);
	v = json_tokener_parse_ex(tok, s, (int)len + 1);
	off = tok->char_offset;
	if (json_tokener_get_error(tok) == json_tokener_success) {
		for (end = off; end < len && strchr(" \t", s[end]) != NULL;
		    end++)
			continue;
		if (end >= len && memchr(s, '\0', len) == NULL) {
			json_tokener_free(tok);
			*out = v;
			return 0;
		}
		i = end;
	}
	json_tokener_free(tok);
	if (v != NULL)
		json_object_put(v);
	buf_init(&msg);
	if (i < len && s[i] == '{')
		buf_printf(&msg, "Invalid object passed in, ':' or '}' "
		    "expected. (%zu): ", off);
	else if (i < len && s[i] == '[')
		buf_printf(&msg, "Invalid array passed in, ',' expected. "
		    "(%zu): ", off);
	else if (i < len && s[i] == '"')
		buf_printf(&msg, "Unterminated string passed in. (%zu): ", off);
	else {
		for (end = i; end < len && strchr(" \t,:{}[]\"", s[end]) ==
		    NULL; end++)
			continue;
		buf_adds(&msg, "Invalid JSON primitive: ");
		buf_add(&msg, s + i, end - i);
		buf_addc(&msg, '.');
		ps_err_take(e, "NotSpecified", fq, "", &msg);
		return -1;
	}
	buf_add(&msg, s, len);
	ps_err_take(e, "NotSpecified", fq, "", &msg);
	return -1;
}

/* Runs poll.ps1 or action.ps1; returns session.ps1's $status (0 or 1)
 * and the JSON it prints. */
static int
call(struct hvsim *sim, const char *name, struct json_object *params,
    struct buf *json)
{
	struct cmdlet_ctx	ctx;
	struct ps_err		e;
	int			rc;

	ctx.state_path = sim->state_path;
	ctx.fail = sim->fail;
	ps_err_init(&e);
	if (strcmp(name, "poll") == 0)
		rc = cmdlet_poll(&ctx, params, json, &e);
	else
		rc = cmdlet_action(&ctx, params, json, &e);
	if (rc == -1) {
		buf_reset(json);
		ps_json_error(json, &e);
	}
	ps_err_done(&e);
	return rc == -1;
}

/* A byte count: digits and an optional K, M or G (binary). */
static int
parse_bytes(const char *name, const char *val, uint64_t *out)
{
	unsigned long long	 n;
	char			*end;
	int			 shift = 0;

	errno = 0;
	n = strtoull(val, &end, 10);
	if (*end == 'K')
		shift = 10;
	else if (*end == 'M')
		shift = 20;
	else if (*end == 'G')
		shift = 30;
	if (shift != 0)
		end++;
	if (errno != 0 || end == val || *end != '\0' || val[0] == '-' ||
	    n > (1ull << 40) >> shift) {
		fprintf(stderr, "hvsim: --%s: not a byte count up to 1T: %s\n",
		    name, val);
		return -1;
	}
	*out = (uint64_t)n << shift;
	return 0;
}

/* --flood, --long-line, --flood-stderr: BYTES of noise on fd, streamed in
 * slices so that a gigabyte costs no memory; with lines, each ends CRLF
 * after 1022 bytes. A reader that goes away ends the process (write_all).
 * stdout goes through out_write, so --utf16 applies. */
static void
flood(struct hvsim *sim, int fd, uint64_t bytes, int lines)
{
	static char	slice[65536];
	size_t		n, i;

	if (slice[0] == '\0')
		for (i = 0; i < sizeof slice; i++)
			slice[i] = (char)('a' + i % 26);
	while (bytes > 0) {
		n = bytes < sizeof slice ? (size_t)bytes : sizeof slice;
		if (lines) {
			n = n < 1024 ? n : 1024;
			if (n >= 2) {
				slice[n - 2] = '\r';
				slice[n - 1] = '\n';
			}
		}
		if (fd == STDOUT_FILENO)
			out_write(sim, slice, n);
		else
			write_all(fd, slice, n);
		if (lines && n >= 2) {
			slice[n - 2] = (char)('a' + (n - 2) % 26);
			slice[n - 1] = (char)('a' + (n - 1) % 26);
		}
		bytes -= n;
	}
}

/* --garbage: what a broken host might print instead of the answer line:
 * escape sequences, invalid UTF-8, NULs, a torn marker, binary noise;
 * never a line starting "@@CV@@ ". The same for the same request. */
static void
garbage(struct buf *b, const char *n, size_t nlen)
{
	uint64_t	x;
	size_t		i;
	int		c;

	x = hv_script_hash(n, nlen);
	buf_adds(b, "\x1b[31mWARNING: \x1b[0mThe virtual machine is already "
	    "in the specified state.\r\n");
	buf_adds(b, "{\"host\":{\"ComputerName\":\"HV-\xff\xfe\xc3\r\n");
	buf_adds(b, "@@CV");
	buf_addc(b, '\0');
	buf_adds(b, "@@ ");
	buf_add(b, n, nlen);
	buf_adds(b, " {\"vms\":[{\"Id\":\r\n");
	for (i = 0; i < 240; i++) {
		x = x * 6364136223846793005ull + 1442695040888963407ull;
		c = (int)(x >> 56);
		if (c == '\r' || c == '\n')
			c = '?';
		buf_addc(b, c);
	}
	buf_adds(b, "\r\nPS C:\\Users\\Administrator> \r\n");
}

/* session.ps1's loop: skip to "@@CVREQ@@ <n>", gather script lines and
 * the parameters up to "@@CVEND@@" (or the end of stdin), run, answer
 * "@@CV@@ <n> <json>" and "@@CVDONE@@ <n>" with CRLF, flush. */
static void
serve(struct hvsim *sim)
{
	struct buf		 line, clean, n, text, raw, json, out;
	struct json_object	*params;
	struct ps_err		 e;
	const char		*name;
	uint64_t		 hash;
	int			 r, have_params = 0, bad_params = 0;

	buf_init(&line);
	buf_init(&clean);
	buf_init(&n);
	buf_init(&text);
	buf_init(&raw);
	buf_init(&json);
	buf_init(&out);
	params = NULL;
	ps_err_init(&e);
	for (;;) {
		if ((r = reader_line(&sim->in, &line)) == 0)
			break;
		if (r == -1)
			goto toolong;
		if (!line_starts(&line, "@@CVREQ@@ "))
			continue;
		buf_reset(&n);
		utf8_sanitize(&n, line.p + 10, line.len - 10);
		buf_reset(&text);
		buf_reset(&raw);
		if (params != NULL)
			json_object_put(params);
		params = NULL;
		have_params = 0;
		while ((r = reader_line(&sim->in, &line)) == 1 &&
		    !line_is(&line, "@@CVEND@@")) {
			buf_reset(&clean);
			utf8_sanitize(&clean, line.p, line.len);
			if (line_starts(&clean, "@@CVPARAMS@@ ")) {
				buf_reset(&raw);
				buf_add(&raw, line.p + 13, line.len - 13);
				have_params = 1;
				if (params != NULL)
					json_object_put(params);
				params = NULL;
				ps_err_done(&e);
				if (from_json(clean.p + 13, clean.len - 13,
				    &params, &e) == 0)
					continue;
				have_params = 2;
				if (sim->params_fatal) {
					log_line(sim, "badparams", 0,
					    buf_str(&raw), raw.len);
					bad_params = 1;
					goto fatal;
				}
				continue;
			}
			if (text.len + clean.len + 1 > HVSIM_MAXLINE)
				goto toolong;
			buf_add(&text, clean.p, clean.len);
			buf_addc(&text, '\n');
		}
		if (r == -1)
			goto toolong;

		hash = hv_script_hash(buf_str(&text), text.len);
		name = script_name(hash);
		if (name != NULL && strcmp(name, "poll") != 0 &&
		    strcmp(name, "action") != 0)
			name = NULL;
		log_line(sim, name != NULL ? name : "unknown", hash,
		    have_params ? buf_str(&raw) : NULL, raw.len);
		if (sim->hang)
			for (;;)
				pause();

		buf_reset(&json);
		if (have_params == 2) {
			/* The parameters failed inside the try. */
			ps_json_error(&json, &e);
			ps_err_done(&e);
			sim->status = 1;
		} else if (name == NULL) {
			unknown_script(&e, hash);
			ps_json_error(&json, &e);
			ps_err_done(&e);
			sim->status = 1;
		} else
			sim->status = call(sim, name, params, &json);

		if (sim->flood > 0)
			flood(sim, STDOUT_FILENO, sim->flood, 1);
		if (sim->long_line > 0) {
			flood(sim, STDOUT_FILENO, sim->long_line, 0);
			out_write(sim, "\r\n", 2);
		}
		buf_reset(&out);
		if (sim->garbage)
			garbage(&out, buf_str(&n), n.len);
		else {
			buf_adds(&out, "@@CV@@ ");
			buf_add(&out, n.p, n.len);
			buf_addc(&out, ' ');
			buf_add(&out, json.p, json.len);
			buf_adds(&out, "\r\n");
		}
		buf_adds(&out, "@@CVDONE@@ ");
		buf_add(&out, n.p, n.len);
		buf_adds(&out, "\r\n");
		out_write(sim, out.p, out.len);
		if (r == 0)
			break;
	}
	goto out;

toolong:
	too_long(&e);
fatal:
	buf_done(&line);
	buf_done(&clean);
	buf_done(&n);
	buf_done(&text);
	buf_done(&raw);
	buf_done(&json);
	buf_done(&out);
	if (params != NULL)
		json_object_put(params);
	if (bad_params)
		die_view(sim, &e, "ConvertFrom-Json", "ArgumentException",
		    &sim->params_pos, 1);
	die_view(sim, &e, NULL, "OutOfMemoryException", NULL, 1);
out:
	if (params != NULL)
		json_object_put(params);
	buf_done(&line);
	buf_done(&clean);
	buf_done(&n);
	buf_done(&text);
	buf_done(&raw);
	buf_done(&json);
	buf_done(&out);
}

int
main(int argc, char **argv)
{
	struct hvsim	 sim;
	struct state	 st;
	struct ps_err	 e;
	struct buf	 script, line, clean;
	struct timespec	 ts;
	const char	*cmd, *name;
	uint64_t	 hash;
	int		 r, status;

	memset(&sim, 0, sizeof sim);
	sim.exit_code = -1;
	sim.in.fd = STDIN_FILENO;
	buf_init(&sim.err_prelude);
	buf_init(&sim.out_prelude);
	buf_init(&sim.ps_args);
	buf_init(&sim.session);
	ps_err_init(&e);
	signal(SIGPIPE, SIG_IGN);

	if ((r = parse_options(&sim, argc, argv)) != 0) {
		usage(r == 1 ? stdout : stderr);
		sim_free(&sim);
		return r == 1 ? 0 : 2;
	}
	if (sim.state_path != NULL) {
		if (state_load(&st, sim.state_path, &e) == -1) {
			fprintf(stderr, "%s\n", e.message);
			ps_err_done(&e);
			state_done(&st);
			sim_free(&sim);
			return 2;
		}
		state_done(&st);
	}

	if (sim.delay > 0) {
		ts.tv_sec = (time_t)sim.delay;
		ts.tv_nsec = (long)((sim.delay - (double)ts.tv_sec) * 1e9);
		while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
			continue;
	}
	if (sim.have_err_prelude)
		write_all(STDERR_FILENO, sim.err_prelude.p,
		    sim.err_prelude.len);
	if (sim.flood_stderr > 0)
		flood(&sim, STDERR_FILENO, sim.flood_stderr, 1);
	if (sim.utf16)
		write_all(STDOUT_FILENO, "\xff\xfe", 2);
	if (sim.have_out_prelude)
		out_write(&sim, sim.out_prelude.p, sim.out_prelude.len);
	if (sim.exit_code != -1) {
		ps_err_set(&e, "NotSpecified", "HvsimExit", "",
		    "The Windows PowerShell host stopped before it answered "
		    "(hvsim --exit %d).", sim.exit_code);
		die_view(&sim, &e, NULL, "RuntimeException", NULL,
		    sim.exit_code);
	}

	/* The command line: ours, or the one sshd got. */
	if (sim.ps_argc == 0 && (cmd = getenv("SSH_ORIGINAL_COMMAND")) != NULL)
		split_command(&sim, cmd);
	buf_init(&script);
	if (ps_command_line(&sim, &script) == -1) {
		buf_done(&script);
		sim_free(&sim);
		return 1;
	}
	hash = hv_script_hash(buf_str(&script), script.len);
	buf_done(&script);
	name = script_name(hash);
	if (name == NULL || strcmp(name, "bootstrap") != 0) {
		log_line(&sim, "unknown", hash, NULL, 0);
		unknown_script(&e, hash);
		die_view(&sim, &e, NULL, "PSSecurityException", NULL, 1);
	}

	/* The bootstrap: stdin up to @@CVEND@@ is the session script; the
	 * end of stdin before it is "exit 3". */
	buf_init(&line);
	buf_init(&clean);
	while ((r = reader_line(&sim.in, &line)) == 1 &&
	    !line_is(&line, "@@CVEND@@")) {
		buf_reset(&clean);
		utf8_sanitize(&clean, line.p, line.len);
		if (sim.session.len + clean.len + 1 > HVSIM_MAXLINE) {
			r = -1;
			break;
		}
		buf_add(&sim.session, clean.p, clean.len);
		buf_addc(&sim.session, '\n');
	}
	buf_done(&line);
	buf_done(&clean);
	if (r == 0) {
		sim_free(&sim);
		return 3;
	}
	if (r == -1) {
		too_long(&e);
		die_view(&sim, &e, NULL, "OutOfMemoryException", NULL, 1);
	}
	hash = hv_script_hash(buf_str(&sim.session), sim.session.len);
	name = script_name(hash);
	if (name == NULL || strcmp(name, "session") != 0) {
		log_line(&sim, "unknown", hash, NULL, 0);
		unknown_script(&e, hash);
		die_view(&sim, &e, NULL, "PSSecurityException", NULL, 1);
	}
	log_line(&sim, "session", hash, NULL, 0);
	study_session(&sim);

	serve(&sim);
	if (sim.hang)		/* --hang never ends by itself */
		for (;;)
			pause();
	status = sim.status;
	sim_free(&sim);
	return status;
}
