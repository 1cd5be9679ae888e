/* One command through OpenSSH's client: backends/ossh.c. The real ssh
 * against a real sshd is the e2e tests' (test_kvm_batch, test_hostkey);
 * here an `ssh` script first in PATH plays the ways a child can end, so
 * that what crossvisor does with each is seen: its arguments, its exit
 * status, its error line, a hang and an answer without end. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "backends/ossh.h"
#include "backends/sshx.h"
#include "core/clock.h"
#include "core/err.h"
#include "scratch.h"

static char	dir[256];

static int
setup(void **state)
{
	char	path[600];

	(void)state;
	if (scratch_make(dir, sizeof dir, "ossh") == -1)
		return -1;
	snprintf(path, sizeof path, "%s:/usr/bin:/bin", dir);
	setenv("PATH", path, 1);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	return scratch_remove(dir);
}

/* The key exchanges `ssh -G` gives, as OpenSSH 9.2 does with no
 * KexAlgorithms in ssh_config (shortened). */
#define KEX_DEFAULT	"sntrup761x25519-sha512@openssh.com,curve25519-sha256," \
			"ecdh-sha2-nistp256"

/* Writes the `ssh` the next call runs: a shell script's body, run after
 * `ssh -G`, which prints kexalgorithms KEX. */
static void
fake_ssh_kex(const char *kex, const char *body)
{
	char	 path[300];
	FILE	*f;

	snprintf(path, sizeof path, "%s/ssh", dir);
	assert_non_null(f = fopen(path, "w"));
	fprintf(f, "#!/bin/sh\nif [ \"$1\" = -G ]; then printf 'user root\\n"
	    "kexalgorithms %s\\nport 22\\n'; exit 0; fi\n%s\n", kex, body);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

static void
fake_ssh(const char *body)
{
	fake_ssh_kex(KEX_DEFAULT, body);
}

static const struct sshx_target target = {
	.host = "kvm-a", .user = "root", .port = 2222,
	.identity = "/keys/id", .known_hosts = "/keys/known", .timeout_s = 5,
};

static void
arguments_say_batch_mode_and_the_uri_parts(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;
	char			want[512];

	(void)state;
	fake_ssh("printf '%s|' \"$@\"; printf x >&2; read line && echo stdin; exit 0");
	assert_int_equal(ossh_run(&target, "cat /etc/os-release", 4096, &r,
	    &err), 0);
	snprintf(want, sizeof want, "-T|-x|-a|-o|BatchMode=yes|-o|"
	    "ClearAllForwardings=yes|-o|KexAlgorithms=curve25519-sha256,"
	    "ecdh-sha2-nistp256|-p|2222|-l|root|-i|/keys/id|-o|"
	    "UserKnownHostsFile=/keys/known|--|kvm-a|cat /etc/os-release|");
	assert_string_equal(r.out, want);
	assert_int_equal(r.outlen, strlen(want));
	assert_int_equal(r.status, 0);
	assert_string_equal(r.said, "x");
	free(r.out);
}

static void
unset_parts_are_left_to_ssh_config(void **state)
{
	struct sshx_target	t = { .host = "alias", .timeout_s = 5 };
	struct ossh_result	r;
	struct cv_err		err;

	(void)state;
	fake_ssh("printf '%s|' \"$@\"");
	assert_int_equal(ossh_run(&t, "true", 4096, &r, &err), 0);
	assert_string_equal(r.out, "-T|-x|-a|-o|BatchMode=yes|-o|"
	    "ClearAllForwardings=yes|-o|KexAlgorithms=curve25519-sha256,"
	    "ecdh-sha2-nistp256|--|alias|true|");
	free(r.out);
}

/* ssh_config's own list is kept, less sntrup761 only: a policy of
 * post-quantum exchanges keeps the others. */
static void
kex_is_ssh_configs_list_less_sntrup(void **state)
{
	struct sshx_target	t = { .host = "alias", .timeout_s = 5 };
	struct ossh_result	r;
	struct cv_err		err;

	(void)state;
	fake_ssh_kex("mlkem768x25519-sha256,sntrup761x25519-sha512,"
	    "sntrup761x25519-sha512@openssh.com", "printf '%s|' \"$@\"");
	assert_int_equal(ossh_run(&t, "true", 4096, &r, &err), 0);
	assert_string_equal(r.out, "-T|-x|-a|-o|BatchMode=yes|-o|"
	    "ClearAllForwardings=yes|-o|KexAlgorithms=mlkem768x25519-sha256|"
	    "--|alias|true|");
	free(r.out);
}

/* Nothing to take out, or nothing left without it: ssh's list as it is. */
static void
kex_left_alone_without_a_choice(void **state)
{
	static const char *const lists[] = {
		"sntrup761x25519-sha512@openssh.com",
		"curve25519-sha256,ecdh-sha2-nistp256",
	};
	struct sshx_target	t = { .host = "alias", .timeout_s = 5 };
	struct ossh_result	r;
	struct cv_err		err;
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof lists / sizeof lists[0]; i++) {
		fake_ssh_kex(lists[i], "printf '%s|' \"$@\"");
		assert_int_equal(ossh_run(&t, "true", 4096, &r, &err), 0);
		assert_string_equal(r.out, "-T|-x|-a|-o|BatchMode=yes|-o|"
		    "ClearAllForwardings=yes|--|alias|true|");
		free(r.out);
	}
}

#define KEX_REFUSED	"Unable to negotiate with 192.0.2.7 port 2222: " \
			"no matching key exchange method found. Their offer: " \
			"sntrup761x25519-sha512@openssh.com"

/* A server that takes only sntrup761: ssh is run again without the
 * override, and the host is read. */
static void
kex_refused_is_asked_again_with_ssh_configs_list(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;

	(void)state;
	fake_ssh("for a; do if [ \"${a#KexAlgorithms=}\" != \"$a\" ]; then "
	    "echo '" KEX_REFUSED "' >&2; exit 255; fi; done; "
	    "printf '%s|' \"$@\"");
	assert_int_equal(ossh_run(&target, "x", 4096, &r, &err), 0);
	assert_string_equal(r.out, "-T|-x|-a|-o|BatchMode=yes|-o|"
	    "ClearAllForwardings=yes|-p|2222|-l|root|-i|/keys/id|-o|"
	    "UserKnownHostsFile=/keys/known|--|kvm-a|x|");
	assert_int_equal(r.status, 0);
	free(r.out);
}

/* A fake ssh's first command: its arguments, one line a run, in the
 * scratch directory's "runs". */
#define RECORD_RUN	"printf '%s|' \"$@\" >> \"$(dirname \"$0\")/runs\"; " \
			"echo >> \"$(dirname \"$0\")/runs\"; "

/* The runs recorded since the last call, into buf; their count. */
static size_t
take_runs(char *buf, size_t len)
{
	char	 path[300];
	size_t	 n, lines = 0;
	FILE	*f;

	snprintf(path, sizeof path, "%s/runs", dir);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	unlink(path);
	buf[n] = '\0';
	for (; *buf != '\0'; buf++)
		lines += *buf == '\n';
	return lines;
}

/* Refused both times: ssh's own line, after two runs and no more. */
static void
kex_refused_twice_is_sshs_line(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;
	char			runs[1024];

	(void)state;
	fake_ssh(RECORD_RUN "echo '" KEX_REFUSED "' >&2; exit 255");
	assert_int_equal(ossh_run(&target, "x", 4096, &r, &err), -1);
	assert_int_equal(err.code, CV_E_CONNECT);
	assert_string_equal(err.msg, KEX_REFUSED);
	assert_int_equal(take_runs(runs, sizeof runs), 2);
}

static void
command_status_is_passed_on(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;

	(void)state;
	fake_ssh("echo partial; exit 3");
	assert_int_equal(ossh_run(&target, "x", 4096, &r, &err), 0);
	assert_int_equal(r.status, 3);
	assert_string_equal(r.out, "partial\n");
	free(r.out);
}

static void
ssh_failure_is_its_last_line(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;

	(void)state;
	fake_ssh("echo 'Warning: something first' >&2\n"
	    "echo 'ssh: connect to host kvm-a port 2222: Connection refused' >&2\n"
	    "exit 255");
	assert_int_equal(ossh_run(&target, "x", 4096, &r, &err), -1);
	assert_int_equal(err.code, CV_E_CONNECT);
	assert_string_equal(err.msg,
	    "ssh: connect to host kvm-a port 2222: Connection refused");
	assert_int_equal(r.status, 255);
	assert_non_null(strstr(r.said, "Warning: something first\n"));
	assert_null(r.out);
}

/* Error output past the room is read and dropped: the child never blocks
 * on a full pipe, and the start is what is kept. */
static void
long_error_output_keeps_its_start(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;
	size_t			i;

	(void)state;
	fake_ssh("echo begins >&2; yes 0123456789 | head -c 100000 >&2; "
	    "echo out");
	assert_int_equal(ossh_run(&target, "x", 4096, &r, &err), 0);
	assert_string_equal(r.out, "out\n");
	assert_int_equal(strlen(r.said), sizeof r.said - 1);
	assert_memory_equal(r.said, "begins\n0123456789\n", 18);
	for (i = 7; i < sizeof r.said - 1; i++)
		assert_true(r.said[i] == "0123456789\n"[(i - 7) % 11]);
	free(r.out);
}

/* Said nothing: perhaps a refused key exchange under LogLevel ERROR, so
 * ssh is run again with its own list, and said nothing again. */
static void
silent_failure_still_says_something(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;
	char			runs[1024], *second;

	(void)state;
	fake_ssh(RECORD_RUN "exit 255");
	assert_int_equal(ossh_run(&target, "x", 4096, &r, &err), -1);
	assert_string_equal(err.msg, "ssh failed, and said nothing");
	assert_int_equal(take_runs(runs, sizeof runs), 2);
	assert_non_null(second = strchr(runs, '\n'));
	*second++ = '\0';
	assert_non_null(strstr(runs, "KexAlgorithms"));
	assert_null(strstr(second, "KexAlgorithms"));
}

/* The script and the sleep it starts share ssh's process group: both end
 * at the deadline, and the call returns then, not when they would. */
static void
hang_ends_at_the_deadline_with_its_group(void **state)
{
	struct sshx_target	t = target;
	struct ossh_result	r;
	struct cv_err		err;
	struct timespec		ts = { 0, 20 * 1000 * 1000 };
	char			path[300], pid[32] = "";
	uint64_t		t0;
	FILE			*f;
	int			i;

	(void)state;
	snprintf(path, sizeof path, "%s/child", dir);
	fake_ssh("sleep 60 & echo $! > \"$(dirname \"$0\")/child\"; wait");
	t.timeout_s = 0.5;
	t0 = clock_mono_ms();
	assert_int_equal(ossh_run(&t, "x", 4096, &r, &err), -1);
	assert_int_equal(err.code, CV_E_TIMEOUT);
	assert_string_equal(err.msg, "no answer within 0.5 s, and ssh said "
	    "nothing: the connection or the login hung (ssh -v shows which)");
	assert_true(clock_mono_ms() - t0 < 10000);
	assert_non_null(f = fopen(path, "r"));
	assert_non_null(fgets(pid, sizeof pid, f));
	fclose(f);
	/* Reparented when the script died: its reaper takes a moment. */
	for (i = 0; i < 250 && kill(atoi(pid), 0) == 0; i++)
		nanosleep(&ts, NULL);
	assert_int_equal(kill(atoi(pid), 0), -1);
	assert_int_equal(errno, ESRCH);
}

/* A hang says what the run had come to: ssh's last words, or the start
 * of an answer. */
static void
hang_says_how_far_the_run_came(void **state)
{
	struct sshx_target	t = target;
	struct ossh_result	r;
	struct cv_err		err;

	(void)state;
	t.timeout_s = 0.3;
	fake_ssh("echo 'debug1: Authenticating to kvm-a:2222' >&2; "
	    "exec sleep 60");
	assert_int_equal(ossh_run(&t, "x", 4096, &r, &err), -1);
	assert_int_equal(err.code, CV_E_TIMEOUT);
	assert_string_equal(err.msg, "no answer within 0.3 s; ssh's last "
	    "words: debug1: Authenticating to kvm-a:2222");
	fake_ssh("echo NAME=Debian; exec sleep 60");
	assert_int_equal(ossh_run(&t, "x", 4096, &r, &err), -1);
	assert_string_equal(err.msg, "the answer began but did not end "
	    "within 0.3 s");
	assert_null(r.out);
}

static void
answer_past_max_is_cut_off(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;

	(void)state;
	fake_ssh("yes os-release");
	assert_int_equal(ossh_run(&target, "x", 65536, &r, &err), -1);
	assert_int_equal(err.code, CV_E_PROTOCOL);
	assert_string_equal(err.msg, "answer larger than 65536 bytes; cut off");
	assert_null(r.out);
}

static void
no_ssh_says_what_to_install(void **state)
{
	struct ossh_result	r;
	struct cv_err		err;
	char			path[300];

	(void)state;
	snprintf(path, sizeof path, "%s/ssh", dir);
	unlink(path);
	setenv("PATH", dir, 1);
	assert_int_equal(ossh_run(&target, "x", 4096, &r, &err), -1);
	assert_int_equal(err.code, CV_E_FAILED);
	assert_string_equal(err.msg, "cannot run ssh: No such file or "
	    "directory; install OpenSSH's client");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(arguments_say_batch_mode_and_the_uri_parts),
		cmocka_unit_test(unset_parts_are_left_to_ssh_config),
		cmocka_unit_test(kex_is_ssh_configs_list_less_sntrup),
		cmocka_unit_test(kex_left_alone_without_a_choice),
		cmocka_unit_test(kex_refused_is_asked_again_with_ssh_configs_list),
		cmocka_unit_test(kex_refused_twice_is_sshs_line),
		cmocka_unit_test(command_status_is_passed_on),
		cmocka_unit_test(ssh_failure_is_its_last_line),
		cmocka_unit_test(long_error_output_keeps_its_start),
		cmocka_unit_test(silent_failure_still_says_something),
		cmocka_unit_test(hang_ends_at_the_deadline_with_its_group),
		cmocka_unit_test(hang_says_how_far_the_run_came),
		cmocka_unit_test(answer_past_max_is_cut_off),
		cmocka_unit_test(no_ssh_says_what_to_install),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
