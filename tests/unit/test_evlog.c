/* The event log's journal: the line format (quoting keeps an entry on one
 * line), the outcome words, and the file the journal thread appends to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/evlog.h"
#include "core/xmalloc.h"

static struct evlog_entry
entry(enum evlog_kind kind, const char *host, const char *guest,
    const char *what, const char *msg)
{
	struct evlog_entry	e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.wall = 1764076925;		/* 2025-11-25T13:22:05Z */
	strlcpy_cv(e.host, host, sizeof e.host);
	strlcpy_cv(e.guest, guest, sizeof e.guest);
	strlcpy_cv(e.what, what, sizeof e.what);
	strlcpy_cv(e.msg, msg, sizeof e.msg);
	return e;
}

static void
test_line(void **state)
{
	struct evlog_entry	e;
	char			buf[4096];
	size_t			n;

	(void)state;
	e = entry(EV_ACTION, "kvm-a", "web1", "pause", "paused");
	e.ok = true;
	e.action_id = 3;
	n = evlog_journal_line(&e, buf, sizeof buf);
	assert_string_equal(buf, "2025-11-25T13:22:05Z event=action id=3 "
	    "host=kvm-a guest=web1 action=pause outcome=done msg=paused\n");
	assert_int_equal(n, strlen(buf));

	/* Blanks, quotes, backslashes and newlines stay on one line. */
	e = entry(EV_ACTION, "hv 1", "my \"db\"\nvm", "poweroff",
	    "a\\b\tc\x01");
	e.refused = true;
	evlog_journal_line(&e, buf, sizeof buf);
	assert_string_equal(buf, "2025-11-25T13:22:05Z event=action "
	    "host=\"hv 1\" guest=\"my \\\"db\\\"\\nvm\" action=poweroff "
	    "outcome=refused msg=\"a\\\\b\\tc\\x01\"\n");

	e = entry(EV_ACTION, "h", "g", "reset", "boom");
	evlog_journal_line(&e, buf, sizeof buf);
	assert_non_null(strstr(buf, " outcome=failed msg=boom\n"));

	e = entry(EV_ACTION_START, "h", "g", "reset", "");
	evlog_journal_line(&e, buf, sizeof buf);
	assert_non_null(strstr(buf, " action=reset outcome=submitted\n"));

	e = entry(EV_HOST_DOWN, "kvm-b", "", "", "down: no route");
	evlog_journal_line(&e, buf, sizeof buf);
	assert_string_equal(buf, "2025-11-25T13:22:05Z event=host host=kvm-b "
	    "outcome=down msg=\"down: no route\"\n");

	e = entry(EV_NOTICE, "", "", "", "hello");
	evlog_journal_line(&e, buf, sizeof buf);
	assert_string_equal(buf, "2025-11-25T13:22:05Z event=notice "
	    "msg=hello\n");

	/* UTF-8 names are kept as they are (quoted: not plain ASCII). */
	e = entry(EV_HOST_UP, "k\xc3\xa9", "", "", "up");
	evlog_journal_line(&e, buf, sizeof buf);
	assert_non_null(strstr(buf, " host=\"k\xc3\xa9\" outcome=up"));

	/* The longest fields, all escaped, still fit and end the line. */
	memset(&e, 0, sizeof e);
	memset(e.host, '\n', sizeof e.host - 1);
	memset(e.guest, '\x02', sizeof e.guest - 1);
	memset(e.msg, '"', sizeof e.msg - 1);
	n = evlog_journal_line(&e, buf, sizeof buf);
	assert_int_equal(buf[n - 1], '\n');
	assert_int_equal(buf[n - 2], '"');
	assert_null(memchr(buf, '\n', n - 1));
}

/* The journal thread writes every entry added after it started, in order,
 * and has written them all when the log is freed. */
static void
test_file(void **state)
{
	struct evlog		*ev;
	struct evlog_entry	 e;
	struct cv_err		 err;
	struct stat		 st;
	const char		*tmp = getenv("TMPDIR");
	char			*dir, *path, *sub;
	char			 line[512];
	FILE			*f;
	int			 i, n = 0;

	(void)state;
	xasprintf(&dir, "%s/cvevlog.XXXXXX", tmp != NULL && *tmp != '\0' ?
	    tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	xasprintf(&sub, "%s/a/b", dir);
	xasprintf(&path, "%s/journal", sub);

	ev = evlog_create(4);
	e = entry(EV_NOTICE, "", "", "", "before");
	evlog_add(ev, &e);			/* not journaled */
	assert_int_equal(evlog_set_journal(ev, path, &err), 0);
	for (i = 0; i < 50; i++) {
		e = entry(EV_HOST_UP, "h", "", "", "");
		snprintf(e.msg, sizeof e.msg, "m%d", i);
		evlog_add(ev, &e);
	}
	evlog_free(ev);

	assert_int_equal(stat(sub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		assert_null(strstr(line, "before"));
		n++;
	}
	fclose(f);
	/* The ring holds 4: lines lost to it are counted in a notice. */
	assert_true(n >= 4);

	/* A file that cannot be opened is an error, not an exit. */
	ev = evlog_create(4);
	assert_int_equal(evlog_set_journal(ev, "/proc/nonexistent/x/journal",
	    &err), -1);
	assert_non_null(strstr(err.msg, "cannot"));
	evlog_free(ev);

	unlink(path);
	rmdir(sub);
	free(sub);
	xasprintf(&sub, "%s/a", dir);
	rmdir(sub);
	rmdir(dir);
	free(dir);
	free(sub);
	free(path);
}

static void
test_default_path(void **state)
{
	char	*p;

	(void)state;
	setenv("HOME", "/home/u", 1);
	setenv("XDG_STATE_HOME", "/x/state", 1);
	p = evlog_journal_default();
	assert_string_equal(p, "/x/state/crossvisor/journal");
	free(p);
	setenv("XDG_STATE_HOME", "relative", 1);	/* ignored, as XDG says */
	p = evlog_journal_default();
	assert_string_equal(p, "/home/u/.local/state/crossvisor/journal");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = evlog_journal_default();
	assert_string_equal(p, "/home/u/.local/state/crossvisor/journal");
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_default_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
