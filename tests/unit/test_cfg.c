/* Unit tests of config/: good and bad files with their exact messages, the
 * password permission check, the lookup order, and the agreement of
 * cfg_table.c with core/conf.c and man/crossvisor.conf.5. Run from the
 * repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/cfg.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/xmalloc.h"

#ifndef CV_SYSCONFDIR
#define CV_SYSCONFDIR "/etc"
#endif

#define FIX		"tests/fixtures/cfg/"
#define MANPAGE		"man/crossvisor.conf.5"
#define EXAMPLE		"config/crossvisor.conf"

/* The temporary directory of this run and the environment to restore. */
static char	 tmpdir[] = "/tmp/cv-test-cfg.XXXXXX";
static char	*saved_home;
static char	*saved_xdg;
static char	*saved_env;

static void
rm_rf(const char *path)
{
	struct stat	 sb;
	DIR		*d;
	struct dirent	*de;
	char		*sub;

	if (lstat(path, &sb) != 0)
		return;
	if (S_ISDIR(sb.st_mode) && (d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			xasprintf(&sub, "%s/%s", path, de->d_name);
			rm_rf(sub);
			free(sub);
		}
		closedir(d);
		rmdir(path);
	} else
		unlink(path);
}

static char *
save_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL ? xstrdup(v) : NULL;
}

static void
restore_env(const char *name, const char *v)
{
	if (v != NULL)
		setenv(name, v, 1);
	else
		unsetenv(name);
}

static int
group_setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	saved_home = save_env("HOME");
	saved_xdg = save_env("XDG_CONFIG_HOME");
	saved_env = save_env("CROSSVISOR_CONFIG");
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	rm_rf(tmpdir);
	restore_env("HOME", saved_home);
	restore_env("XDG_CONFIG_HOME", saved_xdg);
	restore_env("CROSSVISOR_CONFIG", saved_env);
	free(saved_home);
	free(saved_xdg);
	free(saved_env);
	return 0;
}

/* Each test starts from the environment the run was given. */
static int
test_setup(void **state)
{
	(void)state;
	restore_env("HOME", saved_home);
	restore_env("XDG_CONFIG_HOME", saved_xdg);
	restore_env("CROSSVISOR_CONFIG", saved_env);
	return 0;
}

/* tmpdir/rel, made with its parent directories. */
static char *
tmp_path(const char *rel)
{
	char	*p, *slash;

	xasprintf(&p, "%s/%s", tmpdir, rel);
	for (slash = strchr(p + strlen(tmpdir) + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(p, 0700);
		*slash = '/';
	}
	return p;
}

static char *
write_tmp(const char *rel, const char *text, mode_t mode)
{
	char	*p = tmp_path(rel);
	FILE	*f;

	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static char *
slurp(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	*buf;
	long	 len;

	if (f == NULL)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	buf = xmalloc((size_t)len + 1);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

static void
load_ok(const char *path, struct cfg *c)
{
	struct cv_err	err;

	cv_err_clear(&err);
	if (cfg_load_file(path, c, &err) != 0)
		fail_msg("%s: unexpected error: %s", path, err.msg);
}

static void
parse_ok(const char *text, struct cfg *c)
{
	struct cv_err	err;

	cv_err_clear(&err);
	if (cfg_parse_string(text, "string", c, &err) != 0)
		fail_msg("unexpected error: %s\n%s", err.msg, text);
}

/* The failure leaves the defaults and one line of text. */
static void
assert_failed(int rc, const struct cfg *c, const struct cv_err *err,
    const char *want)
{
	assert_int_equal(rc, -1);
	assert_int_equal(err->code, CV_E_CONFIG);
	assert_null(strchr(err->msg, '\n'));
	assert_string_equal(err->msg, want);
	assert_null(c->path);
	assert_int_equal(c->nhosts, 0);
	assert_null(c->hosts);
	assert_true(c->refresh == 2.0);
}

static void
parse_bad(const char *text, const char *want)
{
	struct cfg	c;
	struct cv_err	err;
	int		rc;

	cv_err_clear(&err);
	rc = cfg_parse_string(text, "string", &c, &err);
	assert_failed(rc, &c, &err, want);
	cfg_free(&c);
}

static void
assert_defaults_top(const struct cfg *c)
{
	assert_true(c->refresh == 2.0);
	assert_true(c->slow_refresh == 10.0);
	assert_true(c->connect_timeout == 15.0);
	assert_true(c->poll_timeout == 10.0);
	assert_true(c->backoff_max == 60.0);
	assert_string_equal(c->theme, "default");
	assert_false(c->mouse);
	assert_int_equal(c->confirm_by_name_tags.n, 1);
	assert_string_equal(c->confirm_by_name_tags.v[0], "prod");
}

/* ---- good files ---- */

static void
test_minimal(void **state)
{
	struct cfg		 c;
	const struct cfg_host	*h;

	(void)state;
	load_ok(FIX "good_minimal.conf", &c);
	assert_string_equal(c.path, FIX "good_minimal.conf");
	assert_defaults_top(&c);
	assert_int_equal(c.nhosts, 1);
	h = &c.hosts[0];
	assert_string_equal(h->name, "kvm-a");
	assert_string_equal(h->type, "kvm");
	assert_string_equal(h->uri, "qemu+ssh://root@kvm-a.example.com/system");
	assert_int_equal(h->line, 3);
	assert_null(h->transport);
	assert_null(h->address);
	assert_int_equal(h->port, 0);
	assert_null(h->platform);
	assert_int_equal(h->tags.n, 0);
	cfg_free(&c);
}

static void
test_empty(void **state)
{
	struct cfg	c;

	(void)state;
	load_ok(FIX "good_empty.conf", &c);
	assert_string_equal(c.path, FIX "good_empty.conf");
	assert_defaults_top(&c);
	assert_int_equal(c.nhosts, 0);
	assert_null(c.hosts);
	cfg_free(&c);
}

static void
test_ints_for_floats(void **state)
{
	struct cfg	c;

	(void)state;
	load_ok(FIX "good_ints.conf", &c);
	assert_true(c.refresh == 2.0);
	assert_true(c.slow_refresh == 30.0);
	assert_true(c.connect_timeout == 5.0);
	assert_true(c.poll_timeout == 3600.0);
	assert_true(c.backoff_max == 120.0);
	cfg_free(&c);
}

static void
test_full(void **state)
{
	struct cfg		 c;
	const struct cfg_host	*h;
	char			*home = tmp_path("home"), *want;

	(void)state;
	setenv("HOME", home, 1);
	load_ok(FIX "good_full.conf", &c);
	assert_true(c.refresh == 0.5);
	assert_true(c.slow_refresh == 20.0);
	assert_true(c.connect_timeout == 7.5);
	assert_true(c.poll_timeout == 12.0);
	assert_true(c.backoff_max == 300.0);
	xasprintf(&want, "%s/themes/night.theme", home);
	assert_string_equal(c.theme, want);
	free(want);
	assert_true(c.mouse);
	assert_int_equal(c.confirm_by_name_tags.n, 2);
	assert_string_equal(c.confirm_by_name_tags.v[1], "finance");
	assert_int_equal(c.nhosts, 4);

	h = &c.hosts[0];
	assert_string_equal(h->name, "kvm-a");
	assert_string_equal(h->platform, "rhel-9.4");
	assert_int_equal(h->tags.n, 2);
	assert_true(strv_has(&h->tags, "db"));
	assert_int_equal(h->line, 11);

	h = &c.hosts[1];
	assert_string_equal(h->name, "hv-1");
	assert_string_equal(h->type, "hyperv");
	assert_string_equal(h->transport, "ssh");
	assert_string_equal(h->address, "hv-1.example.com");
	assert_int_equal(h->port, 2222);
	assert_string_equal(h->user, "Administrator");
	xasprintf(&want, "%s/.ssh/id_ed25519", home);
	assert_string_equal(h->identity, want);
	free(want);
	xasprintf(&want, "%s/.config/crossvisor/known_hosts", home);
	assert_string_equal(h->known_hosts, want);
	free(want);
	assert_null(h->password);
	assert_string_equal(h->platform, "windows-server-2022");
	assert_int_equal(h->tags.n, 1);
	assert_string_equal(h->tags.v[0], "lab");
	assert_null(h->uri);

	/* A hyperv host's transport is ssh and its address its name. */
	h = &c.hosts[2];
	assert_string_equal(h->transport, "ssh");
	assert_string_equal(h->address, "hv-2");
	assert_null(h->known_hosts);
	assert_int_equal(h->port, 0);

	h = &c.hosts[3];
	assert_string_equal(h->transport, "local");
	assert_null(h->address);
	assert_int_equal(h->command.n, 3);
	assert_string_equal(h->command.v[0], "tests/sim/hvsim");
	assert_string_equal(h->command.v[2], "lab.json");
	cfg_free(&c);
	free(home);
}

static void
test_example_config(void **state)
{
	struct cfg	c;

	(void)state;
	load_ok(EXAMPLE, &c);
	assert_int_equal(c.nhosts, 3);
	assert_string_equal(c.hosts[0].name, "kvm-a");
	assert_string_equal(c.hosts[1].address, "hv-1.example.com");
	assert_int_equal(c.hosts[1].port, 22);
	assert_string_equal(c.hosts[2].transport, "local");
	assert_defaults_top(&c);
	cfg_free(&c);
}

static void
test_tilde(void **state)
{
	const struct passwd	*pw = getpwuid(getuid());
	struct cfg		 c;
	char			*text, *want;

	(void)state;
	setenv("HOME", "/home/test-cv", 1);
	assert_non_null(pw);
	xasprintf(&text, "hosts = ( { name = \"h\"; type = \"hyperv\";\n"
	    "  identity = \"~%s/k\"; known_hosts = \"~\"; } );\n"
	    "theme = \"mono\";\n", pw->pw_name);
	parse_ok(text, &c);
	xasprintf(&want, "%s/k", pw->pw_dir);
	assert_string_equal(c.hosts[0].identity, want);
	assert_string_equal(c.hosts[0].known_hosts, "/home/test-cv");
	assert_string_equal(c.theme, "mono");
	free(want);
	free(text);
	cfg_free(&c);

	parse_bad("hosts = ( { name = \"h\"; type = \"hyperv\";\n"
	    "  identity = \"~no-such-user-cv/id\"; } );\n",
	    "string:2: cannot expand '~no-such-user-cv' in "
	    "'~no-such-user-cv/id': no such user");
}

/* ---- bad files: the exact message of each ---- */

static void
test_bad_fixtures(void **state)
{
	static const struct {
		const char	*file;
		const char	*want;
	} cases[] = {
		{ "bad_syntax.conf", ":3: syntax error; check this line and "
		    "the end of the one before: name = value; quotes and "
		    "brackets closed" },
		{ "bad_unknown_top.conf", ":3: unknown key 'refesh' (did you "
		    "mean 'refresh'?)" },
		{ "bad_unknown_host.conf", ":4: unknown key 'adress' (did you "
		    "mean 'address'?)" },
		{ "bad_unknown_far.conf", ":2: unknown key 'colours' (valid: "
		    "refresh, slow_refresh, connect_timeout, poll_timeout, "
		    "backoff_max, theme, journal, mouse, confirm_by_name_tags, "
		    "hosts)" },
		{ "bad_host_key_at_top.conf", ":2: 'uri' is a host key; put it "
		    "inside a host's group in hosts = ( { ... } )" },
		{ "bad_type.conf", ":2: 'refresh' must be a number of seconds, "
		    "not a string; e.g. refresh = 2.0;" },
		{ "bad_bool.conf", ":2: 'mouse' must be true or false, not a "
		    "string; e.g. mouse = true;" },
		{ "bad_range.conf", ":2: 'refresh' must be from 0.2 to 3600 "
		    "seconds, not 0.1" },
		{ "bad_port.conf", ":4: 'port' must be from 1 to 65535, not "
		    "70000" },
		{ "bad_dup.conf", ":5: duplicate host name 'kvm-a' (first at "
		    "line 3); give each host its own name" },
		{ "bad_no_uri.conf", ":3: kvm host 'kvm-a' has no uri; add "
		    "e.g. "
		    "uri = \"qemu+ssh://root@kvm-a.example.com/system\";" },
		{ "bad_host_type.conf", ":4: unknown type 'esxi' (valid: kvm, "
		    "hyperv)" },
		{ "bad_no_name.conf", ":3: host without a name; add e.g. "
		    "name = \"kvm-a\";" },
		{ "bad_no_type.conf", ":3: host 'kvm-a' has no type; add "
		    "type = \"kvm\"; or type = \"hyperv\";" },
		{ "bad_no_command.conf", ":3: host 'hv-lab' has transport = "
		    "\"local\" but no command; add e.g. command = [ "
		    "\"tests/sim/hvsim\", \"--state\", \"lab.json\" ];" },
		{ "bad_tags.conf", ":4: 'tags' must be a list of strings, and "
		    "item 1 is an integer; e.g. tags = [ \"prod\", \"db\" ];" },
		{ "bad_applies.conf", ":4: 'port' does not apply to kvm host "
		    "'kvm-a': its uri says how to connect, e.g. "
		    "qemu+ssh://user@host:port/system" },
		{ "bad_platform.conf", ":4: platform 'RHEL 9.4' is not a "
		    "platform id; use <os-release ID>-<VERSION_ID> like "
		    "\"rhel-9.4\", or \"windows-server-2022\"" },
		{ "bad_transport.conf", ":4: unknown transport 'locla' (did "
		    "you mean 'local'?)" },
	};
	struct cfg	c;
	struct cv_err	err;
	char		*path, *want;
	size_t		 i;
	int		 rc;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		xasprintf(&path, FIX "%s", cases[i].file);
		xasprintf(&want, "%s%s", path, cases[i].want);
		cv_err_clear(&err);
		rc = cfg_load_file(path, &c, &err);
		if (rc != -1 || strcmp(err.msg, want) != 0)
			fail_msg("%s:\n got: %s\nwant: %s", path,
			    rc == 0 ? "(loaded)" : err.msg, want);
		assert_failed(rc, &c, &err, want);
		cfg_free(&c);
		free(path);
		free(want);
	}
}

static void
test_include_refused(void **state)
{
	struct cfg	c;
	struct cv_err	err;
	int		rc;

	(void)state;
	rc = cfg_load_file(FIX "bad_include.conf", &c, &err);
	assert_failed(rc, &c, &err, FIX "bad_include.conf:2: @include is not "
	    "supported; put these settings in " FIX "bad_include.conf");
	cfg_free(&c);
	/* Refused before libconfig opens it: its scanner exit()s on a
	 * directory (found by fuzz_cfg). */
	rc = cfg_parse_string("refresh = 2.0;\n  @include \"tests/\"\n",
	    "dir.conf", &c, &err);
	assert_failed(rc, &c, &err, "dir.conf:2: @include is not supported; "
	    "put these settings in dir.conf");
	cfg_free(&c);
}

/* Mistakes that need no file of their own. */
static void
test_bad_strings(void **state)
{
	(void)state;
	parse_bad("Refresh = 2;\n",
	    "string:1: unknown key 'Refresh' (did you mean 'refresh'?)");
	parse_bad("hosts = ( { name = \"a\"; type = \"KVM\"; } );\n",
	    "string:1: unknown type 'KVM' (did you mean 'kvm'?)");
	parse_bad("hosts = (\n { name = \"a\"; type = \"kvm\";\n"
	    "   uri = \"qemu:///system\"; refresh = 3; } );\n",
	    "string:3: 'refresh' is a top-level key, not a host key; move it "
	    "out of hosts = ( ... )");
	parse_bad("hosts = ( { name = \"a\"; type = \"kvm\"; bogus = 1; } );\n",
	    "string:1: unknown key 'bogus' (valid in a host: name, type, uri, "
	    "platform, tags, transport, address, port, user, identity, "
	    "known_hosts, password, command)");
	parse_bad("hosts = ( { name = \"a\"; type = \"kvm\";\n"
	    " uri = \"qemu:///system\";\n password = \"x\"; } );\n",
	    "string:3: 'password' does not apply to kvm host 'a': its uri "
	    "says how to connect, e.g. qemu+ssh://user@host:port/system");
	parse_bad("hosts = ( { name = \"a\"; type = \"hyperv\";\n"
	    " uri = \"qemu:///system\"; } );\n",
	    "string:2: 'uri' applies only to kvm hosts, and 'a' is a hyperv "
	    "host");
	parse_bad("hosts = ( { name = \"a\"; type = \"hyperv\";\n"
	    " command = [ \"x\" ]; } );\n",
	    "string:2: 'command' needs transport = \"local\" in host 'a'");
	parse_bad("hosts = ( { name = \"a\"; type = \"hyperv\";\n"
	    " transport = \"local\"; command = [ \"x\" ];\n port = 22; } );\n",
	    "string:3: 'port' does not apply to host 'a' with transport = "
	    "\"local\" (it runs command, no SSH)");
	parse_bad("hosts = { name = \"a\"; };\n",
	    "string:1: 'hosts' must be a list of groups, not a group { }; "
	    "e.g. hosts = ( { name = \"lab\"; type = \"kvm\"; "
	    "uri = \"qemu:///system\"; } );");
	parse_bad("hosts = ( \"kvm-a\" );\n",
	    "string:1: each item of 'hosts' must be a group { ... }, and item "
	    "1 is a string");
	parse_bad("hosts = ( { name = \"a/b\"; type = \"kvm\"; } );\n",
	    "string:1: host name 'a/b' must not contain '/' or white space "
	    "(targets are written HOST/GUEST)");
	parse_bad("hosts = ( { name = \"a\"; type = \"hyperv\";\n"
	    " user = \"\"; } );\n",
	    "string:2: 'user' is empty; give a value, e.g. user = "
	    "\"Administrator\";, or remove the line");
	parse_bad("hosts = ( { name = \"a\"; type = \"hyperv\";\n"
	    " port = 0; } );\n",
	    "string:2: 'port' must be from 1 to 65535, not 0");
	parse_bad("hosts = ( { name = \"a\"; type = \"hyperv\";\n"
	    " port = 22.0; } );\n",
	    "string:2: 'port' must be an integer, not a number; e.g. "
	    "port = 2222;");
	parse_bad("confirm_by_name_tags = \"prod\";\n",
	    "string:1: 'confirm_by_name_tags' must be a list of strings, not "
	    "a string; e.g. confirm_by_name_tags = [ \"prod\", \"finance\" ];");
	parse_bad("confirm_by_name_tags = ( \"prod\", \"\" );\n",
	    "string:1: 'confirm_by_name_tags': item 2 is an empty string");
	parse_bad("refresh = 3601;\n",
	    "string:1: 'refresh' must be from 0.2 to 3600 seconds, not 3601");
	parse_bad("refresh = 1;\nrefresh = 2;\n",
	    "string:2: duplicate setting name; each key may appear once in a "
	    "group");
}

static void
test_empty_lists(void **state)
{
	struct cfg	c;

	(void)state;
	parse_ok("confirm_by_name_tags = [ ];\nhosts = ( );\n", &c);
	assert_int_equal(c.confirm_by_name_tags.n, 0);
	assert_int_equal(c.nhosts, 0);
	assert_string_equal(c.path, "string");
	cfg_free(&c);
	parse_ok("hosts = [ ];\n", &c);
	assert_int_equal(c.nhosts, 0);
	cfg_free(&c);
}

/* ---- secrets ---- */

/* The fixture, copied so that its mode is known. */
static void
test_password_mode(void **state)
{
	static const mode_t	 bad[] = { 0644, 0640, 0604, 0660, 0740 };
	struct cfg		 c;
	struct cv_err		 err;
	char			*text = slurp(FIX "good_password.conf");
	char			*path, *want;
	size_t			 i;
	int			 rc;

	(void)state;
	path = write_tmp("pw/crossvisor.conf", text, 0600);
	load_ok(path, &c);
	assert_string_equal(c.hosts[0].password, "correct horse");
	assert_string_equal(c.hosts[0].address, "hv-pw.example.com");
	cfg_free(&c);

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(chmod(path, bad[i]), 0);
		xasprintf(&want, "%s: holds a password but is readable by "
		    "group or others; run: chmod 600 %s (better: use "
		    "ssh-agent or an identity key)", path, path);
		rc = cfg_load_file(path, &c, &err);
		assert_failed(rc, &c, &err, want);
		cfg_free(&c);
		free(want);
	}
	assert_int_equal(chmod(path, 0400), 0);
	load_ok(path, &c);
	cfg_free(&c);
	free(path);

	/* Without a password any mode will do. */
	path = write_tmp("pw/nopw.conf", "refresh = 3;\n", 0644);
	load_ok(path, &c);
	cfg_free(&c);
	free(path);
	free(text);
}

/* ---- lookup order ---- */

static bool
sysconf_exists(void)
{
	return access(CV_SYSCONFDIR "/crossvisor/crossvisor.conf", F_OK) == 0;
}

static void
load_expect(const char *cli, const char *want_path, double want_refresh)
{
	struct cfg	c;
	struct cv_err	err;

	cv_err_clear(&err);
	if (cfg_load(cli, &c, &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
	if (want_path == NULL)
		assert_null(c.path);
	else
		assert_string_equal(c.path, want_path);
	assert_true(c.refresh == want_refresh);
	cfg_free(&c);
}

static void
test_lookup_order(void **state)
{
	char	*cli, *env, *xdgdir, *xdg, *home, *homecf, *emptyxdg;

	(void)state;
	cli = write_tmp("lk/cli.conf", "refresh = 3;\n", 0600);
	env = write_tmp("lk/env.conf", "refresh = 4;\n", 0600);
	xdg = write_tmp("lk/xdg/crossvisor/crossvisor.conf", "refresh = 5;\n",
	    0600);
	xdgdir = tmp_path("lk/xdg");
	home = tmp_path("lk/home");
	homecf = write_tmp("lk/home/.config/crossvisor/crossvisor.conf",
	    "refresh = 6;\n", 0600);
	emptyxdg = tmp_path("lk/emptyxdg");
	mkdir(emptyxdg, 0700);

	setenv("HOME", home, 1);
	setenv("XDG_CONFIG_HOME", xdgdir, 1);
	setenv("CROSSVISOR_CONFIG", env, 1);
	load_expect(cli, cli, 3);		/* -c first */
	load_expect(NULL, env, 4);		/* then the environment */
	setenv("CROSSVISOR_CONFIG", "", 1);	/* empty: unset */
	load_expect(NULL, xdg, 5);		/* then XDG */
	unsetenv("CROSSVISOR_CONFIG");
	load_expect(NULL, xdg, 5);
	unsetenv("XDG_CONFIG_HOME");		/* default: ~/.config */
	load_expect(NULL, homecf, 6);
	setenv("XDG_CONFIG_HOME", "relative/dir", 1);	/* ignored */
	load_expect(NULL, homecf, 6);

	/* A set XDG_CONFIG_HOME replaces ~/.config: nothing found. */
	setenv("XDG_CONFIG_HOME", emptyxdg, 1);
	if (sysconf_exists())
		print_message("skipped: " CV_SYSCONFDIR
		    "/crossvisor/crossvisor.conf exists\n");
	else
		load_expect(NULL, NULL, 2.0);

	free(cli);
	free(env);
	free(xdg);
	free(xdgdir);
	free(home);
	free(homecf);
	free(emptyxdg);
}

static void
test_no_file_anywhere(void **state)
{
	struct cfg	 c;
	struct cv_err	 err;
	char		*home = tmp_path("none/home");

	(void)state;
	if (sysconf_exists())
		skip();
	setenv("HOME", home, 1);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("CROSSVISOR_CONFIG");
	assert_int_equal(cfg_load(NULL, &c, &err), 0);
	assert_null(c.path);
	assert_defaults_top(&c);
	assert_int_equal(c.nhosts, 0);
	cfg_free(&c);
	free(home);
}

static void
test_missing_named(void **state)
{
	struct cfg	 c;
	struct cv_err	 err;
	char		*missing = tmp_path("nope/crossvisor.conf"), *want;
	int		 rc;

	(void)state;
	rc = cfg_load(missing, &c, &err);
	xasprintf(&want, "%s: cannot open (named by -c): No such file or "
	    "directory", missing);
	assert_failed(rc, &c, &err, want);
	cfg_free(&c);
	free(want);

	setenv("CROSSVISOR_CONFIG", missing, 1);
	rc = cfg_load(NULL, &c, &err);
	xasprintf(&want, "%s: cannot open (named by $CROSSVISOR_CONFIG): No "
	    "such file or directory", missing);
	assert_failed(rc, &c, &err, want);
	cfg_free(&c);
	free(want);

	rc = cfg_load_file(missing, &c, &err);
	xasprintf(&want, "%s: cannot open: No such file or directory",
	    missing);
	assert_failed(rc, &c, &err, want);
	cfg_free(&c);
	free(want);

	rc = cfg_load(tmpdir, &c, &err);
	xasprintf(&want, "%s: is a directory; name the file, e.g. "
	    "%s/crossvisor.conf", tmpdir, tmpdir);
	assert_failed(rc, &c, &err, want);
	cfg_free(&c);
	free(want);
	free(missing);
}

/* A bad file in a standard place is an error, not skipped. */
static void
test_bad_xdg_file(void **state)
{
	struct cfg	 c;
	struct cv_err	 err;
	char		*xdgdir = tmp_path("bx"), *path, *want;
	int		 rc;

	(void)state;
	path = write_tmp("bx/crossvisor/crossvisor.conf", "refesh = 1;\n",
	    0600);
	unsetenv("CROSSVISOR_CONFIG");
	setenv("XDG_CONFIG_HOME", xdgdir, 1);
	rc = cfg_load(NULL, &c, &err);
	xasprintf(&want, "%s:1: unknown key 'refesh' (did you mean "
	    "'refresh'?)", path);
	assert_failed(rc, &c, &err, want);
	cfg_free(&c);
	free(want);
	free(path);
	free(xdgdir);
}

/* ---- the table ---- */

static void
test_table(void **state)
{
	const struct cfg_key	*k;
	struct cfg		 c;
	size_t			 ntop = 0, nhost = 0;
	double			 d;

	(void)state;
	assert_non_null(cfg_table_find("top", "refresh"));
	assert_non_null(cfg_table_find("host", "known_hosts"));
	assert_null(cfg_table_find("host", "refresh"));
	assert_null(cfg_table_find("top", "uri"));
	assert_null(cfg_table_find("nowhere", "refresh"));
	assert_string_equal(cfg_type_name(CFG_STRINGS), "list of strings");

	/* The table's defaults are those of cfg_init_defaults(). */
	cfg_init_defaults(&c);
	for (k = cfg_table_next(NULL); k != NULL; k = cfg_table_next(k)) {
		assert_non_null(k->help);
		assert_non_null(k->def);
		assert_non_null(k->example);
		assert_true(strlen(k->help) < 80);
		if (k->scope == CFG_SCOPE_HOST) {
			nhost++;
			assert_true(k->applies != 0);
			continue;
		}
		ntop++;
		if (k->type == CFG_FLOAT) {
			memcpy(&d, (char *)&c + k->off, sizeof d);
			assert_true(strtod(k->def, NULL) == d);
		}
	}
	assert_int_equal(ntop, 10);
	assert_int_equal(nhost, 13);
	assert_string_equal(cfg_table_find("top", "theme")->def, "\"default\"");
	assert_false(c.mouse);
	assert_string_equal(cfg_table_find("top", "mouse")->def, "false");
	assert_string_equal(cfg_table_find("top", "confirm_by_name_tags")->def,
	    "[ \"prod\" ]");
	cfg_free(&c);
}

/* Every example of the table is a value the loader takes, in a host of
 * the kind the key is for. */
static void
test_table_examples(void **state)
{
	static const char *const kvm[] = { "name", "\"h\"", "type", "\"kvm\"",
	    "uri", "\"test:///default\"", NULL };
	static const char *const ssh[] = { "name", "\"h\"", "type",
	    "\"hyperv\"", NULL };
	static const char *const local[] = { "name", "\"h\"", "type",
	    "\"hyperv\"", "transport", "\"local\"", "command", "[ \"x\" ]",
	    NULL };
	const struct cfg_key	 *k;
	const char *const	 *base, *const *b;
	struct cfg		  c;
	char			 *text, *tmp;

	(void)state;
	for (k = cfg_table_next(NULL); k != NULL; k = cfg_table_next(k)) {
		if (k->scope == CFG_SCOPE_TOP) {
			xasprintf(&text, "%s = %s;\n", k->name, k->example);
			parse_ok(text, &c);
			cfg_free(&c);
			free(text);
			continue;
		}
		if (strcmp(k->name, "type") == 0)
			base = ssh;
		else if (k->applies & CFG_FOR_KVM)
			base = kvm;
		else if (strcmp(k->name, "transport") == 0 ||
		    !(k->applies & CFG_FOR_SSH))
			base = local;
		else
			base = ssh;
		text = xstrdup("hosts = ( { ");
		for (b = base; *b != NULL; b += 2) {
			if (strcmp(b[0], k->name) == 0)
				continue;
			xasprintf(&tmp, "%s%s = %s; ", text, b[0], b[1]);
			free(text);
			text = tmp;
		}
		xasprintf(&tmp, "%s%s = %s; } );\n", text, k->name,
		    k->example);
		free(text);
		text = tmp;
		parse_ok(text, &c);
		cfg_free(&c);
		free(text);
	}
}

/* ---- the man page ---- */

/* A roff line as it reads: no font escapes, \- as -, \(ti as ~. */
static char *
man_plain(const char *in)
{
	static const struct {
		const char	*from;
		const char	*to;
	} esc[] = {
		{ "\\fB", "" }, { "\\fI", "" }, { "\\fR", "" }, { "\\fP", "" },
		{ "\\-", "-" }, { "\\(ti", "~" }, { "\\(aq", "'" },
		{ "\\(dq", "\"" }, { "\\&", "" }, { "\\e", "\\" },
	};
	char	*out = xmalloc(strlen(in) + 1), *o = out;
	size_t	 i;

	while (*in != '\0') {
		for (i = 0; i < sizeof esc / sizeof esc[0]; i++) {
			if (strncmp(in, esc[i].from, strlen(esc[i].from)) == 0)
				break;
		}
		if (i < sizeof esc / sizeof esc[0]) {
			strcpy(o, esc[i].to);
			o += strlen(esc[i].to);
			in += strlen(esc[i].from);
		} else
			*o++ = *in++;
	}
	*o = '\0';
	return out;
}

/* Every key of the table has an entry in its section of the man page with
 * its type, range, default and example, every entry is a key, and the
 * EXAMPLES load. */
static void
test_manpage(void **state)
{
	const struct cfg_key	*k;
	char			*text = slurp(MANPAGE), **line, *p, *plain;
	char			*want, *ex = NULL;
	const char		*section = "";
	size_t			 n = 0, i, j, nseen = 0, nkeys = 0;
	size_t			 nex = 0;
	enum cfg_scope		 scope;
	bool			 keys, found;
	struct cfg		 c;

	(void)state;
	line = xreallocarray(NULL, strlen(text) + 1, sizeof *line);
	for (p = strtok(text, "\n"); p != NULL; p = strtok(NULL, "\n"))
		line[n++] = p;

	for (i = 0; i < n; i++) {
		if (strncmp(line[i], ".SH ", 4) == 0) {
			section = line[i] + 4;
			continue;
		}
		keys = strcmp(section, "GLOBAL SETTINGS") == 0 ||
		    strcmp(section, "HOST SETTINGS") == 0;
		scope = section[0] == 'H' ? CFG_SCOPE_HOST : CFG_SCOPE_TOP;
		if (keys && strcmp(line[i], ".TP") == 0 && i + 2 < n &&
		    strncmp(line[i + 1], ".B ", 3) == 0) {
			plain = man_plain(line[i + 1] + 3);
			k = cfg_table_lookup(scope, plain);
			if (k == NULL)
				fail_msg("%s: %s documents '%s', not a %s key",
				    MANPAGE, section, plain,
				    cfg_scope_name(scope));
			free(plain);
			nseen++;

			/* The summary line. */
			plain = man_plain(line[i + 2]);
			if (strstr(plain, k->def) == NULL ||
			    strstr(plain, cfg_type_name(k->type)) == NULL)
				fail_msg("%s: summary of '%s' lacks '%s' or "
				    "'%s': %s", MANPAGE, k->name,
				    cfg_type_name(k->type), k->def, plain);
			if (k->min != 0 || k->max != 0) {
				xasprintf(&want, "%g to %g", k->min, k->max);
				if (strstr(plain, want) == NULL)
					fail_msg("%s: summary of '%s' lacks "
					    "'%s'", MANPAGE, k->name, want);
				free(want);
			}
			free(plain);

			/* The example, before the next entry. */
			xasprintf(&want, "%s = %s;", k->name, k->example);
			found = false;
			for (j = i + 3; j < n && strcmp(line[j], ".TP") != 0 &&
			    strncmp(line[j], ".S", 2) != 0; j++) {
				plain = man_plain(line[j]);
				found = found || strcmp(plain, want) == 0;
				free(plain);
			}
			if (!found)
				fail_msg("%s: entry of '%s' lacks the example "
				    "line '%s'", MANPAGE, k->name, want);
			free(want);
		}

		/* Each example block of EXAMPLES is a file that loads. */
		if (strcmp(section, "EXAMPLES") == 0) {
			if (strcmp(line[i], ".EX") == 0)
				ex = xstrdup("");
			else if (strcmp(line[i], ".EE") == 0 && ex != NULL) {
				parse_ok(ex, &c);
				assert_true(c.nhosts > 0);
				cfg_free(&c);
				free(ex);
				ex = NULL;
				nex++;
			} else if (ex != NULL) {
				plain = man_plain(line[i]);
				xasprintf(&want, "%s%s\n", ex, plain);
				free(ex);
				free(plain);
				ex = want;
			}
		}
	}
	for (k = cfg_table_next(NULL); k != NULL; k = cfg_table_next(k))
		nkeys++;
	assert_int_equal(nseen, nkeys);
	assert_true(nex >= 1);
	free(ex);
	free(line);
	free(text);
}

/* The page names the file locations and the sections others rely on. */
static void
test_manpage_sections(void **state)
{
	static const char *const want[] = {
		".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH HOSTS",
		".SH SECURITY", ".SH EXAMPLES", ".SH FILES", ".SH SEE ALSO",
		"CROSSVISOR_CONFIG", "XDG_CONFIG_HOME", "qemu+libssh://",
		"windows\\-server\\-2022", "rhel\\-9.4", "crossvisor (1)",
	};
	char	*text = slurp(MANPAGE);
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof want / sizeof want[0]; i++) {
		if (strstr(text, want[i]) == NULL)
			fail_msg("%s lacks '%s'", MANPAGE, want[i]);
	}
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_minimal, test_setup),
		cmocka_unit_test_setup(test_empty, test_setup),
		cmocka_unit_test_setup(test_ints_for_floats, test_setup),
		cmocka_unit_test_setup(test_full, test_setup),
		cmocka_unit_test_setup(test_example_config, test_setup),
		cmocka_unit_test_setup(test_tilde, test_setup),
		cmocka_unit_test_setup(test_bad_fixtures, test_setup),
		cmocka_unit_test_setup(test_include_refused, test_setup),
		cmocka_unit_test_setup(test_bad_strings, test_setup),
		cmocka_unit_test_setup(test_empty_lists, test_setup),
		cmocka_unit_test_setup(test_password_mode, test_setup),
		cmocka_unit_test_setup(test_lookup_order, test_setup),
		cmocka_unit_test_setup(test_no_file_anywhere, test_setup),
		cmocka_unit_test_setup(test_missing_named, test_setup),
		cmocka_unit_test_setup(test_bad_xdg_file, test_setup),
		cmocka_unit_test_setup(test_table, test_setup),
		cmocka_unit_test_setup(test_table_examples, test_setup),
		cmocka_unit_test_setup(test_manpage, test_setup),
		cmocka_unit_test_setup(test_manpage_sections, test_setup),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
