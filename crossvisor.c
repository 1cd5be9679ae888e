/* crossvisor: options, configuration, and dispatch to the console, batch,
 * audit or act. Main thread. */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "backends/backend.h"
#include "backends/kvm_events.h"
#include "backends/sshx.h"
#include "config/certs.h"
#include "config/cfg.h"
#include "core/cert.h"
#include "core/action.h"
#include "core/clock.h"
#include "core/datapath.h"
#include "core/conf.h"
#include "core/engine.h"
#include "core/err.h"
#include "core/evlog.h"
#include "core/fleet.h"
#include "core/fleetcache.h"
#include "core/model.h"
#include "core/report.h"
#include "core/snap.h"
#include "core/wakepipe.h"
#include "core/xmalloc.h"
#include "tui/tui.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

#define EXIT_USAGE	2

#ifndef CV_BINDIR
#define CV_BINDIR	"/usr/local/bin"
#endif

struct globals {
	const char	*config;
	bool		 demo;
	bool		 read_only;
	bool		 no_color;
};

static volatile sig_atomic_t	interrupted;
/* on_interrupt writes a byte here: a wait ends at once, whichever thread
 * the signal was given to. */
static int			interrupt_pipe[2] = { -1, -1 };

static const char usage_text[] =
"usage: crossvisor [GLOBAL OPTIONS] [COMMAND [COMMAND OPTIONS]]\n"
"\n"
"commands:\n"
"  (none)                      the interactive console\n"
"  batch [-n N] [-d SECONDS] [--format text|csv|json]\n"
"                              print the fleet every refresh, like top -b\n"
"  audit [--format text|csv|json] [--fail-on LEVEL]\n"
"                              certification report\n"
"  act ACTION HOST/GUEST...    one lifecycle action on each target\n"
"  hosts                       the configured host names, one a line\n"
"\n"
"actions: start shutdown reboot reset poweroff pause resume save snapshot\n"
"\n"
"global options (before or after the command):\n"
"  -c, --config FILE   configuration file\n"
"  --demo              the built-in demo fleet instead of the configured hosts\n"
"  --read-only         refuse every action\n"
"  --no-color          no colours in the console\n"
"  --version           print the version\n"
"  -h, --help          this text\n"
"\n"
"See crossvisor(1) and crossvisor.conf(5).\n";

static void
on_interrupt(int sig)
{
	int	saved = errno;
	char	c = 0;
	ssize_t	r;

	(void)sig;
	interrupted = 1;
	r = write(interrupt_pipe[1], &c, 1);
	(void)r;	/* a full pipe already wakes every wait */
	errno = saved;
}

/* Sleeps until the monotonic DEADLINE_MS or an interrupt. One wake-up per
 * refresh: a client that wakes to look at a flag costs as much as its
 * refreshes on a small fleet. */
static void
sleep_until(uint64_t deadline_ms)
{
	struct pollfd	pfd = { .fd = interrupt_pipe[0], .events = POLLIN };
	uint64_t	now;

	while (!interrupted && (now = clock_mono_ms()) < deadline_ms)
		(void)poll(&pfd, 1, deadline_ms - now > INT_MAX ? INT_MAX :
		    (int)(deadline_ms - now));
}

static _Noreturn void
die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static _Noreturn void
die_usage(const char *fmt, ...)
{
	va_list	ap;

	fputs("crossvisor: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (crossvisor --help)\n", stderr);
	exit(EXIT_USAGE);
}

/* Takes the global options out of argv wherever they stand and leaves the
 * command and its arguments in order. Returns the new argc. */
static int
take_globals(int argc, char **argv, struct globals *g)
{
	int	i, o = 1;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			while (i < argc)
				argv[o++] = argv[i++];
			break;
		}
		if (strcmp(a, "-c") == 0 || strcmp(a, "--config") == 0) {
			if (++i == argc)
				die_usage("%s needs a file", a);
			g->config = argv[i];
		} else if (strncmp(a, "--config=", 9) == 0)
			g->config = a + 9;
		else if (strcmp(a, "--demo") == 0)
			g->demo = true;
		else if (strcmp(a, "--read-only") == 0)
			g->read_only = true;
		else if (strcmp(a, "--no-color") == 0)
			g->no_color = true;
		else if (strcmp(a, "--version") == 0) {
			printf("crossvisor %s\n", CV_VERSION);
			exit(0);
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage_text, stdout);
			exit(0);
		} else
			argv[o++] = argv[i];
	}
	argv[o] = NULL;
	return o;
}

/* ---- malloc's per-thread caches ---- */

/*
 * glibc gives every thread a cache of the blocks it freed last (tcache).
 * With a poller thread per host, those caches keep what each poll freed,
 * and pin free space in the arenas the pollers share: at 100 hosts of 100
 * guests they held 3.6 MB; without them batch's peak RSS fell from 39-40
 * to 34-35 MB, and its CPU a refresh by 13-26% (bench/README.md). A single
 * KVM host's poller is faster with its cache, and so are Hyper-V pollers,
 * which parse their JSON in many small blocks. glibc reads the setting
 * from GLIBC_TUNABLES alone, once, as a process starts: so for a fleet of
 * more than one KVM host, crossvisor starts itself again with it set. A
 * GLIBC_TUNABLES of the user's is left as it is; so is a run under
 * valgrind, whose malloc is its own and which would not follow the exec.
 */
#define TCACHE_OFF	"glibc.malloc.tcache_count=0"

static char	**start_argv;	/* as main got it, for the exec */
static bool	  tcache_off;	/* this process started with TCACHE_OFF */

/* Before any thread: the setting is this process's own, not its children's
 * (ssh, the PowerShell hosts' commands). */
static void
take_own_tunables(int argc, char **argv)
{
	const char	*t = getenv("GLIBC_TUNABLES");

	start_argv = xcalloc(argc + 1, sizeof *start_argv);
	memcpy(start_argv, argv, argc * sizeof *argv);
	if (t != NULL && strcmp(t, TCACHE_OFF) == 0) {
		unsetenv("GLIBC_TUNABLES");
		tcache_off = true;
	}
}

/* A configuration read from a pipe (-c <(...)) cannot be read again. */
static bool
config_rereadable(const char *path)
{
	struct stat	sb;

	return path == NULL || (stat(path, &sb) == 0 && S_ISREG(sb.st_mode));
}

static void
restart_without_tcache(const char *config, size_t nkvm)
{
	char	self[PATH_MAX];
	ssize_t	n;

	if (nkvm < 2 || tcache_off || getenv("GLIBC_TUNABLES") != NULL ||
	    RUNNING_ON_VALGRIND || !config_rereadable(config))
		return;
	/* The file's own name, not /proc/self/exe: ps and pkill go by it. */
	n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n <= 0 || (size_t)n == sizeof self - 1)
		return;		/* no /proc: glibc's default, then */
	self[n] = '\0';
	if (setenv("GLIBC_TUNABLES", TCACHE_OFF, 1) == -1)
		return;
	execv(self, start_argv);
	unsetenv("GLIBC_TUNABLES");
}

static size_t
kvm_hosts(const struct cfg *c)
{
	size_t	i, n = 0;

	for (i = 0; i < c->nhosts; i++)
		n += strcmp(c->hosts[i].type, "kvm") == 0;
	return n;
}

/* ---- the demo fleet ---- */

#define DEMO_KVM_HOSTS	2	/* as use_demo_fleet adds them */

static struct cfg_host *
demo_host(struct cfg *c, const char *name, const char *type,
    const char *platform, const char *tag)
{
	struct cfg_host	*h;

	c->hosts = xreallocarray(c->hosts, c->nhosts + 1, sizeof *c->hosts);
	h = &c->hosts[c->nhosts++];
	memset(h, 0, sizeof *h);
	h->name = xstrdup(name);
	h->type = xstrdup(type);
	if (platform != NULL)
		h->platform = xstrdup(platform);
	strv_add(&h->tags, tag);
	h->demo = true;
	return h;
}

/* The demo's Hyper-V hosts run the simulator on a copy of the shipped
 * state, since actions change it. */
static char	*demo_tmpdir;

static void	demo_cleanup(void);

static char *
demo_state_copy(const char *dir, const char *name)
{
	char	*src, *dst, buf[8192];
	FILE	*in, *out;
	size_t	 n;

	if (demo_tmpdir == NULL) {
		const char *t = getenv("TMPDIR");

		xasprintf(&demo_tmpdir, "%s/crossvisor-demo.XXXXXX",
		    t != NULL && *t != '\0' ? t : "/tmp");
		if (mkdtemp(demo_tmpdir) == NULL)
			fatal("mkdtemp %s", demo_tmpdir);
		atexit(demo_cleanup);
	}
	xasprintf(&src, "%s/%s.json", dir, name);
	xasprintf(&dst, "%s/%s.json", demo_tmpdir, name);
	if ((in = fopen(src, "r")) == NULL || (out = fopen(dst, "w")) == NULL)
		fatal("demo state %s", src);
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	if (fclose(out) != 0)
		fatal("demo state %s", dst);
	free(src);
	return dst;
}

static void
demo_cleanup(void)
{
	static const char *const names[] = { "hv-prod", "hv-lab" };
	char	*path;
	size_t	 i;

	if (demo_tmpdir == NULL)
		return;
	/* The state files, and the lock files the simulator keeps beside. */
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		xasprintf(&path, "%s/%s.json", demo_tmpdir, names[i]);
		unlink(path);
		free(path);
		xasprintf(&path, "%s/%s.json.lock", demo_tmpdir, names[i]);
		unlink(path);
		free(path);
	}
	rmdir(demo_tmpdir);
	free(demo_tmpdir);
	demo_tmpdir = NULL;
}

static void
demo_hyperv(struct cfg *c, const char *dir, const char *sim,
    const char *name, const char *tag)
{
	struct cfg_host	*h = demo_host(c, name, "hyperv", NULL, tag);
	char		*state = demo_state_copy(dir, name);

	h->transport = xstrdup("local");
	strv_add(&h->command, sim);
	strv_add(&h->command, "--state");
	strv_add(&h->command, state);
	/* What starting Windows PowerShell costs, so the demo feels real. */
	strv_add(&h->command, "--delay");
	strv_add(&h->command, "0.6");
	free(state);
}

/* --demo replaces the configured hosts; every other setting stays. */
static void
use_demo_fleet(struct cfg *c)
{
	char	*dir = data_path("demo", CV_DATADIR "/demo");
	char	*sim = data_path("tests/sim/hvsim", CV_LIBEXECDIR "/hvsim");
	size_t	 i;

	for (i = 0; i < c->nhosts; i++)
		cfg_host_free(&c->hosts[i]);
	c->nhosts = 0;
	xasprintf(&demo_host(c, "kvm-prod", "kvm", "rhel-9.4", "prod")->uri,
	    "test://%s/kvm-prod.xml", dir);
	xasprintf(&demo_host(c, "kvm-lab", "kvm", "rhel-8.10", "lab")->uri,
	    "test://%s/kvm-lab.xml", dir);
	demo_hyperv(c, dir, sim, "hv-prod", "prod");
	demo_hyperv(c, dir, sim, "hv-lab", "lab");
	c->demo = true;
	free(dir);
	free(sim);
}

static void
load_config(const struct globals *g, struct cfg *c)
{
	struct cv_err	err;

	/* path:line: message, alone, as compilers print it. */
	if (cfg_load(g->config, c, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		exit(EXIT_USAGE);
	}
	/* Before the demo's temporary files, which the exec would leave. */
	restart_without_tcache(c->path, g->demo ? DEMO_KVM_HOSTS : kvm_hosts(c));
	c->read_only = g->read_only;
	c->no_color = g->no_color;
	if (g->demo)
		use_demo_fleet(c);
}

/* The certification matrix: the shipped file (build tree or installed)
 * and the site's additions in certifications.d. A bad file is refused. */
static struct cert_matrix *
load_matrix(void)
{
	struct cert_matrix	*m;
	struct cv_err		 err;
	char			*path;

	path = data_path("config/certifications.conf",
	    CV_DATADIR "/certifications.conf");
	if (certs_load(path, certs_site_dir(), &m, &err) == -1) {
		fprintf(stderr, "%s\n", err.msg);
		exit(EXIT_USAGE);
	}
	free(path);
	return m;
}

static void
need_hosts(const struct cfg *c)
{
	if (c->path == NULL && !c->demo) {
		fprintf(stderr, "crossvisor: no configuration found (tried -c, "
		    "$CROSSVISOR_CONFIG, $XDG_CONFIG_HOME/crossvisor/"
		    "crossvisor.conf, %s/crossvisor/crossvisor.conf); write "
		    "one (see crossvisor.conf(5)) or try --demo\n",
		    CV_SYSCONFDIR);
		exit(EXIT_USAGE);
	}
	if (c->nhosts == 0) {
		fprintf(stderr, "crossvisor: %s: no hosts configured; add a "
		    "hosts = ( ... ) list (see crossvisor.conf(5))\n", c->path);
		exit(EXIT_USAGE);
	}
}

/* ---- the journal ---- */

/* Starts the journal of the engine's events: the config's journal path,
 * else the XDG one; "" turns it off. A file that cannot be opened is said
 * once (on the status line in the console, else on stderr) and the
 * command goes on without it. */
static void
journal_start(struct engine *e, const struct cfg *c, bool console)
{
	struct evlog_entry	 ev;
	struct cv_err		 err;
	char			*path;

	if (c->journal != NULL && *c->journal == '\0')
		return;
	path = c->journal != NULL ? xstrdup(c->journal) :
	    evlog_journal_default();
	if (path == NULL)
		return;
	cv_err_clear(&err);
	if (evlog_set_journal(engine_evlog(e), path, &err) == -1) {
		if (console) {
			memset(&ev, 0, sizeof ev);
			ev.kind = EV_NOTICE;
			snprintf(ev.msg, sizeof ev.msg, "journal: %.200s; events "
			    "are not journaled", err.msg);
			evlog_add(engine_evlog(e), &ev);
		} else
			fprintf(stderr, "crossvisor: journal: %s; events are "
			    "not journaled\n", err.msg);
	}
	free(path);
}

/* ---- batch ---- */

static bool
verdicts_waiting(const struct host_snap *h)
{
	size_t	i;

	if (h->platform_pending)
		return true;
	for (i = 0; i < h->nguests; i++)
		if (snap_cert_pending(&h->guests[i]))
			return true;
	return false;
}

/* Ready when every host has been polled polls times (twice for batch, so
 * rates exist) with every verdict worked out, or has failed. */
static bool
fleet_ready(struct fleet *f, unsigned polls)
{
	struct fleet_view	v;
	bool			ready = true;
	size_t			i;

	fleet_acquire(f, &v);
	for (i = 0; i < v.n && ready; i++)
		ready = v.hosts[i] != NULL && (v.hosts[i]->state == HOST_DOWN ||
		    (v.hosts[i]->polls >= polls &&
		    !verdicts_waiting(v.hosts[i])));
	fleet_view_release(&v);
	return ready;
}

static void
wait_ready(struct fleet *f, unsigned polls, uint64_t bound_ms)
{
	uint64_t	until = clock_mono_ms() + bound_ms;

	while (!interrupted && !fleet_ready(f, polls) &&
	    clock_mono_ms() < until)
		fleet_wait(f, fleet_gen(f), 100);
}

static void
print_refresh(struct fleet *f, enum report_format fmt, double refresh,
    bool first)
{
	struct fleet_view	v;
	struct report_clock	rc;

	fleet_acquire(f, &v);
	rc.wall = clock_wall();
	rc.mono_ms = clock_mono_ms();
	rc.refresh = refresh;
	report_batch(stdout, fmt, &v, &rc, first);
	fleet_view_release(&v);
}

static int
cmd_batch(int argc, char **argv, struct cfg *c,
    const struct cert_matrix *matrix)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	enum report_format	 fmt = REPORT_TEXT;
	struct engine		*e;
	struct fleet_cache	*fc;
	long			 count = -1, i;
	double			 delay;
	char			*end;
	int			 ch;
	uint64_t		 next;

	delay = c->refresh;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "n:d:f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			count = strtol(optarg, &end, 10);
			if (*end != '\0' || count < 1)
				die_usage("batch -n: '%s' is not a count of "
				    "refreshes (1 or more)", optarg);
			break;
		case 'd':
			delay = strtod(optarg, &end);
			if (*end != '\0' || delay < 0.1 || delay > 3600)
				die_usage("batch -d: '%s' is not a delay in "
				    "seconds (0.1 to 3600)", optarg);
			break;
		case 'f':
			if (report_format_from_name(optarg, &fmt) == -1)
				die_usage("batch --format: '%s' is not text, "
				    "csv or json", optarg);
			break;
		default:
			die_usage("batch: bad option");
		}
	}
	if (optind < argc)
		die_usage("batch: unexpected argument '%s'", argv[optind]);
	need_hosts(c);
	/* The poll cadence follows -d, so every line holds fresh figures. */
	c->refresh = delay;

	e = engine_create(c, matrix, backend_find);
	engine_platforms_last(e);
	journal_start(e, c, false);
	engine_start(e);
	fc = fleet_cache_start(engine_fleet(e), c->demo);
	wait_ready(engine_fleet(e), 2, (uint64_t)((2 * c->refresh +
	    c->connect_timeout) * 1000) + 500);
	next = clock_mono_ms();
	for (i = 0; !interrupted && (count < 0 || i < count); i++) {
		if (i > 0) {
			next += (uint64_t)(delay * 1000);
			sleep_until(next);
			if (interrupted)
				break;
		}
		print_refresh(engine_fleet(e), fmt, c->refresh, i == 0);
		if (ferror(stdout))
			break;
	}
	fleet_cache_stop(fc);
	engine_free(e);
	return 0;
}

/* ---- audit ---- */

static int
cmd_audit(int argc, char **argv, struct cfg *c,
    const struct cert_matrix *matrix)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "fail-on", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 }
	};
	enum report_format	 fmt = REPORT_TEXT;
	enum cert_status	 fail_on = CERT_CONDITIONAL;
	struct engine		*e;
	struct fleet_view	 v;
	size_t			 i, j;
	int			 ch, status = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			if (report_format_from_name(optarg, &fmt) == -1)
				die_usage("audit --format: '%s' is not text, "
				    "csv or json", optarg);
			break;
		case 'F':
			if (cert_status_from_name(optarg, &fail_on) == -1)
				die_usage("audit --fail-on: '%s' is not "
				    "unsupported, unknown, community, "
				    "conditional or certified", optarg);
			break;
		default:
			die_usage("audit: bad option");
		}
	}
	if (optind < argc)
		die_usage("audit: unexpected argument '%s'", argv[optind]);
	need_hosts(c);

	e = engine_create(c, matrix, backend_find);
	engine_platforms_last(e);
	engine_start(e);
	wait_ready(engine_fleet(e), 1, (uint64_t)((c->refresh +
	    c->connect_timeout + c->poll_timeout) * 1000) + 500);
	fleet_acquire(engine_fleet(e), &v);
	report_audit(stdout, fmt, &v, clock_wall());
	/* Worst first: a guest at or below the --fail-on level fails. */
	for (i = 0; i < v.n; i++) {
		const struct host_snap *h = v.hosts[i];

		if (h->state != HOST_UP || h->polls == 0) {
			fprintf(stderr, "crossvisor: audit: host %s could not "
			    "be audited: %s\n", h->name, h->error ? h->error :
			    host_state_name(h->state));
			status = 2;
		}
		for (j = 0; j < h->nguests && status == 0; j++)
			if (h->guests[j].cert.status <= fail_on)
				status = 1;
	}
	for (i = 0; i < v.n && status == 1; i++)
		if (v.hosts[i]->state != HOST_UP)
			status = 2;
	fleet_view_release(&v);
	engine_free(e);
	return status;
}

/* ---- act ---- */

/* Names are compared whole, however long: a guest is never mistaken for
 * another that shares its first bytes. */
struct target {
	const char	*arg;		/* (borrowed) argv */
	size_t		 host;		/* in the sub-config */
	const char	*guest;		/* (borrowed) name or UUID as given */
	char		 id[40];	/* resolved */
	char		*name;		/* (owned) resolved */
	uint64_t	 action_id;
};

static size_t
host_index(const struct cfg *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nhosts; i++)
		if (strcmp(c->hosts[i].name, name) == 0)
			return i;
	return (size_t)-1;
}

/* Finds a guest by UUID or by name; -1 (said) when none or several
 * match. */
static int
resolve_guest(const struct host_snap *h, struct target *t)
{
	const struct guest_snap	*match = NULL;
	size_t			 i, n = 0;

	for (i = 0; i < h->nguests; i++)
		if (strcasecmp(h->guests[i].id, t->guest) == 0) {
			match = &h->guests[i];
			n = 1;
			break;
		}
	for (i = 0; match == NULL && i < h->nguests; i++)
		if (strcmp(h->guests[i].name, t->guest) == 0)
			n++;
	if (n == 0) {
		fprintf(stderr, "crossvisor: %s: no guest '%s' on host %s\n",
		    t->arg, t->guest, h->name);
		return -1;
	}
	if (n > 1) {
		fprintf(stderr, "crossvisor: %s: %zu guests are named '%s' on "
		    "%s; give one by UUID:", t->arg, n, t->guest, h->name);
		for (i = 0; i < h->nguests; i++)
			if (strcmp(h->guests[i].name, t->guest) == 0)
				fprintf(stderr, " %s/%s", h->name,
				    h->guests[i].id);
		fputc('\n', stderr);
		return -1;
	}
	for (i = 0; match == NULL; i++)
		if (strcmp(h->guests[i].name, t->guest) == 0)
			match = &h->guests[i];
	strlcpy_cv(t->id, match->id, sizeof t->id);
	t->name = xstrdup(match->name);
	return 0;
}

/* Waits for a first answer from every host of the sub-config; -1 (said)
 * when one is unreachable. */
static int
act_wait_hosts(struct engine *e, const struct cfg *sub)
{
	struct fleet		*f = engine_fleet(e);
	struct fleet_view	 v;
	uint64_t		 until;
	bool			 ready;
	size_t			 i;

	until = clock_mono_ms() + (uint64_t)((sub->connect_timeout +
	    sub->poll_timeout) * 1000) + 1000;
	for (;;) {
		fleet_acquire(f, &v);
		ready = true;
		for (i = 0; i < v.n; i++) {
			const struct host_snap *h = v.hosts[i];

			if (h->state == HOST_DOWN) {
				fprintf(stderr, "crossvisor: host %s is "
				    "unreachable: %s\n", h->name, h->error ?
				    h->error : "down");
				fleet_view_release(&v);
				return -1;
			}
			ready &= h->polls >= 1;
		}
		fleet_view_release(&v);
		if (ready)
			return 0;
		if (clock_mono_ms() >= until || interrupted) {
			fprintf(stderr, "crossvisor: no answer from the hosts "
			    "in time\n");
			return -1;
		}
		fleet_wait(f, fleet_gen(f), 200);
	}
}

static int
cmd_act(int argc, char **argv, struct cfg *c,
    const struct cert_matrix *matrix)
{
	struct target		*t;
	struct cfg		 sub;
	struct engine		*e;
	struct fleet_view	 v;
	struct evlog_entry	 ev;
	struct cv_err		 err;
	enum action		 a;
	size_t			 i, ntargets, hi;
	int			 status = 0;
	const char		*slash;

	if (argc < 3)
		die_usage("act needs an action and at least one HOST/GUEST");
	if (action_from_name(argv[1], &a) == -1)
		die_usage("act: unknown action '%s' (start, shutdown, reboot, "
		    "reset, poweroff, pause, resume, save, snapshot)", argv[1]);
	need_hosts(c);
	if (action_check_allowed(c->read_only, a, &err) == -1) {
		fprintf(stderr, "crossvisor: %s\n", err.msg);
		return 1;
	}

	/* Only the hosts named in targets are connected. */
	sub = *c;
	sub.hosts = xcalloc(c->nhosts, sizeof *sub.hosts);
	sub.nhosts = 0;
	ntargets = (size_t)argc - 2;
	t = xcalloc(ntargets, sizeof *t);
	for (i = 0; i < ntargets; i++) {
		char *hostname;

		t[i].arg = argv[i + 2];
		if ((slash = strchr(t[i].arg, '/')) == NULL ||
		    slash == t[i].arg || slash[1] == '\0')
			die_usage("act: '%s' is not HOST/GUEST", t[i].arg);
		hostname = xstrndup(t[i].arg, (size_t)(slash - t[i].arg));
		t[i].guest = slash + 1;
		if ((hi = host_index(c, hostname)) == (size_t)-1) {
			fprintf(stderr, "crossvisor: %s: no host '%s' in %s\n",
			    t[i].arg, hostname, c->path ? c->path : "the demo");
			exit(EXIT_USAGE);
		}
		if ((t[i].host = host_index(&sub, hostname)) == (size_t)-1) {
			sub.hosts[sub.nhosts] = c->hosts[hi];
			t[i].host = sub.nhosts++;
		}
		free(hostname);
	}

	e = engine_create(&sub, matrix, backend_find);
	engine_platforms_never(e);
	journal_start(e, &sub, false);
	engine_start(e);
	/* Not exit: the pollers are still in their libraries' calls. */
	if (act_wait_hosts(e, &sub) == -1)
		status = EXIT_USAGE;
	if (status == 0) {
		fleet_acquire(engine_fleet(e), &v);
		for (i = 0; i < ntargets && status == 0; i++)
			if (resolve_guest(v.hosts[t[i].host], &t[i]) == -1)
				status = EXIT_USAGE;
		fleet_view_release(&v);
	}

	for (i = 0; i < ntargets && status != EXIT_USAGE; i++) {
		t[i].action_id = engine_submit(e, t[i].host, t[i].id,
		    t[i].name, a, &err);
		if (t[i].action_id == 0) {
			fprintf(stderr, "crossvisor: %s %s: %s\n", argv[1],
			    t[i].arg, err.msg);
			status = 1;
		}
	}
	for (i = 0; i < ntargets && status != EXIT_USAGE; i++) {
		if (t[i].action_id == 0)
			continue;
		if (evlog_wait_action(engine_evlog(e), t[i].action_id,
		    (int)((sub.poll_timeout + sub.refresh) * 1000) + 60000,
		    &ev) == -1) {
			fprintf(stderr, "crossvisor: %s %s: no outcome in "
			    "time\n", argv[1], t[i].arg);
			status = 1;
		} else if (!ev.ok) {
			fprintf(stderr, "crossvisor: %s %s: %s\n", argv[1],
			    t[i].arg, ev.msg);
			status = 1;
		} else
			printf("%s: %s\n", t[i].arg, ev.msg);
	}
	engine_free(e);
	if (!engine_left_threads())	/* else a poller still points in */
		free(sub.hosts);
	for (i = 0; i < ntargets; i++)
		free(t[i].name);
	free(t);
	return status;
}

/* ---- hosts ---- */

/* The configured host names, for scripts and shell completion; nothing is
 * connected. */
static int
cmd_hosts(int argc, char **argv, const struct cfg *c)
{
	size_t	i;

	if (argc > 1)
		die_usage("hosts: unexpected argument '%s'", argv[1]);
	need_hosts(c);
	for (i = 0; i < c->nhosts; i++)
		printf("%s\n", c->hosts[i].name);
	return ferror(stdout) ? EXIT_USAGE : 0;
}

/* ---- the console ---- */

/* While curses owns the terminal, whatever a library or an ssh child writes
 * to stderr (libxml2 warnings, say) goes to a temporary file, shown once
 * the terminal is restored: the screen is never scribbled on, and nothing
 * is lost. */
struct stderr_capture {
	int	 saved;
	FILE	*tmp;
};

static void
stderr_capture_start(struct stderr_capture *sc)
{
	fflush(stderr);
	sc->saved = -1;
	if ((sc->tmp = tmpfile()) == NULL)
		return;
	if ((sc->saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fileno(sc->tmp), STDERR_FILENO) == -1) {
		fclose(sc->tmp);
		sc->tmp = NULL;
	}
}

static void
stderr_capture_end(struct stderr_capture *sc)
{
	char	buf[4096];
	size_t	n;

	if (sc->tmp == NULL)
		return;
	fflush(stderr);
	dup2(sc->saved, STDERR_FILENO);
	close(sc->saved);
	rewind(sc->tmp);
	while ((n = fread(buf, 1, sizeof buf, sc->tmp)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(sc->tmp);
	sc->tmp = NULL;
}

static int
cmd_console(struct cfg *c, const struct cert_matrix *matrix)
{
	struct stderr_capture	 sc;
	struct engine		*e;
	struct fleet_cache	*fc;
	int			 rc;

	if (c->path == NULL && !c->demo) {
		if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
			need_hosts(c);
		if (tui_first_run("crossvisor --demo") != 1)
			return 0;
		use_demo_fleet(c);
	}
	need_hosts(c);
	stderr_capture_start(&sc);
	e = engine_create(c, matrix, backend_find);
	journal_start(e, c, true);
	/* Guests first, verdicts as soon as the platforms and the guests'
	 * OS are read; batch and audit wait for the verdicts. */
	engine_guests_first(e);
	engine_start(e);
	/* The names for shell completion, written beside the console. */
	fc = fleet_cache_start(engine_fleet(e), c->demo);
	rc = tui_run(c, e);
	fleet_cache_stop(fc);
	engine_free(e);
	stderr_capture_end(&sc);
	return rc;
}

int
main(int argc, char **argv)
{
	struct globals		 g;
	struct cfg		 c;
	struct cert_matrix	*matrix;
	struct sigaction	 sa;
	int			 rc;

	take_own_tunables(argc, argv);
	setlocale(LC_ALL, "");
	memset(&g, 0, sizeof g);
	argc = take_globals(argc, argv, &g);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	load_config(&g, &c);
	matrix = load_matrix();
	kvm_events_start();
	sshx_init();

	if (argc < 2)
		rc = cmd_console(&c, matrix);
	else {
		wake_pipe_open(interrupt_pipe);
		sa.sa_handler = on_interrupt;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		if (strcmp(argv[1], "batch") == 0)
			rc = cmd_batch(argc - 1, argv + 1, &c, matrix);
		else if (strcmp(argv[1], "act") == 0)
			rc = cmd_act(argc - 1, argv + 1, &c, matrix);
		else if (strcmp(argv[1], "audit") == 0)
			rc = cmd_audit(argc - 1, argv + 1, &c, matrix);
		else if (strcmp(argv[1], "hosts") == 0)
			rc = cmd_hosts(argc - 1, argv + 1, &c);
		else
			die_usage("unknown command '%s'", argv[1]);
	}
	/* A poller left stuck in a library call still reads the
	 * configuration and the libraries' globals: end without freeing them
	 * or running the libraries' exit handlers under it. */
	if (engine_left_threads()) {
		fflush(stdout);
		fflush(stderr);
		_exit(rc);
	}
	kvm_events_stop();
	cert_matrix_free(matrix);
	cfg_free(&c);
	return rc;
}
