/* The KVM backend: URI and domain XML parsing, OS names, platform ids, and
 * the backend itself against libvirt's in-process test driver on the demo
 * fleet file (no daemon needed). */
#include <dlfcn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libvirt/libvirt.h>

#include "backends/backend.h"
#include "backends/kvm_events.h"
#include "backends/kvm_glib.h"
#include "backends/kvm_ssherr.h"
#include "backends/kvm_uri.h"
#include "backends/kvm_xml.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/osinfo.h"
#include "core/platform.h"
#include "core/xmalloc.h"

static void
uri_parts(void **state)
{
	struct kvm_uri	u;
	char		*s;

	(void)state;
	assert_int_equal(kvm_uri_parse("qemu+ssh://root@kvm-a.example.com:2222"
	    "/system?keyfile=%2Froot%2Fk&no_tty=1&known_hosts=/tmp/kh", &u), 0);
	assert_string_equal(u.driver, "qemu");
	assert_string_equal(u.transport, "ssh");
	assert_string_equal(u.user, "root");
	assert_string_equal(u.host, "kvm-a.example.com");
	assert_int_equal(u.port, 2222);
	assert_string_equal(u.keyfile, "/root/k");
	assert_string_equal(u.known_hosts, "/tmp/kh");
	assert_true(u.no_tty);
	assert_true(kvm_uri_is_ssh(&u));
	assert_false(kvm_uri_in_process(&u));

	assert_int_equal(kvm_uri_parse("test:///default", &u), 0);
	assert_string_equal(u.host, "");
	assert_false(kvm_uri_is_ssh(&u));
	assert_true(kvm_uri_in_process(&u));
	assert_int_equal(kvm_uri_parse("qemu:///system", &u), 0);
	assert_false(kvm_uri_in_process(&u));
	assert_int_equal(kvm_uri_parse("test+unix:///default", &u), 0);
	assert_false(kvm_uri_in_process(&u));

	assert_int_equal(kvm_uri_parse("qemu+ssh://[::1]:22/system", &u), 0);
	assert_string_equal(u.host, "::1");
	assert_int_equal(u.port, 22);
	s = kvm_uri_for_open("qemu+ssh://h/system", &u);
	assert_string_equal(s, "qemu+ssh://h/system?no_tty=1");
	free(s);
	assert_int_equal(kvm_uri_parse("not a uri", &u), -1);
}

static void
domain_xml_fields(void **state)
{
	struct kvm_domxml	d;
	const char		*xml =
	    "<domain type='kvm' id='3'>\n  <name>web1</name>\n"
	    "  <metadata>\n    <libosinfo:libosinfo xmlns:libosinfo="
	    "\"http://libosinfo.org/xmlns/libvirt/domain/1.0\">\n"
	    "      <libosinfo:os id=\"http://redhat.com/rhel/9.2\"/>\n"
	    "    </libosinfo:libosinfo>\n  </metadata>\n"
	    "  <memory unit='KiB'>4194304</memory>\n"
	    "  <currentMemory unit='KiB'>2097152</currentMemory>\n"
	    "  <vcpu placement='static'>2</vcpu>\n"
	    "  <os>\n    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
	    "  </os>\n</domain>\n";

	(void)state;
	kvm_xml_parse(xml, &d);
	assert_string_equal(d.virt_type, "kvm");
	assert_string_equal(d.machine, "pc-q35-7.2");
	assert_string_equal(d.os_url, "http://redhat.com/rhel/9.2");
	assert_int_equal(d.vcpus, 2);
	assert_int_equal(d.mem_max_kib, 4194304);
	assert_int_equal(d.mem_cur_kib, 2097152);
	assert_false(d.agent);
	kvm_xml_parse("<domain type='kvm'><devices><channel type='unix'>"
	    "<target type='virtio' name='org.qemu.guest_agent.0' "
	    "state='connected'/></channel></devices></domain>", &d);
	assert_true(d.agent);
	kvm_xml_parse("<domain type='kvm'><devices><channel type='unix'>"
	    "<target type='virtio' name='org.qemu.guest_agent.0' "
	    "state='disconnected'/></channel></devices></domain>", &d);
	assert_false(d.agent);
	kvm_xml_parse("<domain type='qemu'><name>x</name></domain>", &d);
	assert_string_equal(d.virt_type, "qemu");
	assert_string_equal(d.os_url, "");
	assert_int_equal(d.vcpus, 0);
}

static void
os_names(void **state)
{
	char	id[32], name[96];

	(void)state;
	assert_int_equal(osinfo_from_url("http://redhat.com/rhel/9.2", id,
	    sizeof id, name, sizeof name), 0);
	assert_string_equal(id, "rhel9.2");
	assert_string_equal(name, "Red Hat Enterprise Linux 9.2");
	assert_int_equal(osinfo_from_url("http://microsoft.com/win/2k22", id,
	    sizeof id, name, sizeof name), 0);
	assert_string_equal(id, "win2k22");
	assert_string_equal(name, "Windows Server 2022");
	assert_int_equal(osinfo_from_url("http://example.org/plan9/4", id,
	    sizeof id, name, sizeof name), -1);
	assert_string_equal(name, "");
}

static void
platform_ids(void **state)
{
	char	id[64];

	(void)state;
	assert_int_equal(platform_from_os_release("NAME=\"Red Hat Enterprise "
	    "Linux\"\nID=\"rhel\"\nVERSION_ID=\"9.4\"\n", id, sizeof id), 0);
	assert_string_equal(id, "rhel-9.4");
	assert_int_equal(platform_from_os_release("ID=debian\nVERSION_ID="
	    "\"12\"\n", id, sizeof id), 0);
	assert_string_equal(id, "debian-12");
	assert_int_equal(platform_from_os_release("NAME=x\n", id, sizeof id),
	    -1);
}

/* ---- the backend on the test driver ---- */

static struct cfg_host	host;
static struct backend_params params = { .timeout_s = 5.0,
    .slow_refresh_s = 10.0, .call_timeout_s = 10.0 };

static int
setup_host(void **state)
{
	char	cwd[512];

	(void)state;
	memset(&host, 0, sizeof host);
	host.name = xstrdup("kvm-prod");
	host.type = xstrdup("kvm");
	host.platform = xstrdup("rhel-9.4");
	assert_non_null(getcwd(cwd, sizeof cwd));
	xasprintf(&host.uri, "test://%s/demo/kvm-prod.xml", cwd);
	return 0;
}

static int
teardown_host(void **state)
{
	(void)state;
	cfg_host_free(&host);
	return 0;
}

static const struct raw_guest *
find_guest(const struct raw_sample *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->guests[i].name, name) == 0)
			return &s->guests[i];
	return NULL;
}

static void
test_driver_poll_and_act(void **state)
{
	const struct backend_ops	*ops = backend_find("kvm");
	struct backend_conn		*c;
	struct raw_host			 rh;
	struct raw_sample		 s;
	struct cv_err			 err;
	const struct raw_guest		*g;
	char				 id[40];
	size_t				 n;
	int				 i;

	(void)state;
	assert_non_null(ops);
	memset(&rh, 0, sizeof rh);
	memset(&s, 0, sizeof s);
	assert_int_equal(ops->open(&host, &params, &c, &rh, &err), 0);
	assert_non_null(strstr(rh.hypervisor, "TEST"));
	assert_int_equal(ops->poll(c, &s, &err), 0);
	assert_true(s.n >= 20);
	g = find_guest(&s, "app01");
	assert_non_null(g);
	assert_int_equal(g->state, GUEST_RUNNING);
	assert_string_equal(g->os, "Red Hat Enterprise Linux 9.2");
	assert_string_equal(g->virt_type, "kvm");
	assert_true(g->have & RAW_VCPUS);
	/* The test driver gives no live figures: absent, not 0. */
	assert_false(g->have & RAW_CPU_TIME);
	assert_false(g->have & RAW_MEM);
	strcpy(id, g->id);

	assert_int_equal(ops->act(c, id, ACTION_PAUSE, &err), 0);
	assert_int_equal(ops->poll(c, &s, &err), 0);
	assert_int_equal(find_guest(&s, "app01")->state, GUEST_PAUSED);
	/* Pausing a paused guest is a no-op that says so. */
	cv_err_clear(&err);
	assert_int_equal(ops->act(c, id, ACTION_PAUSE, &err), 0);
	assert_non_null(strstr(err.msg, "already paused"));
	assert_int_equal(ops->act(c, id, ACTION_RESUME, &err), 0);
	assert_int_equal(ops->act(c, id, ACTION_POWEROFF, &err), 0);
	n = s.n;
	/* The third poll asks for the running guests alone: one that has
	 * stopped has it read them all. */
	assert_int_equal(ops->poll(c, &s, &err), 0);
	assert_int_equal(s.n, n);
	assert_int_equal(find_guest(&s, "app01")->state, GUEST_SHUTOFF);
	/* The next carries the shut-off guests over, as they were. */
	assert_int_equal(ops->poll(c, &s, &err), 0);
	assert_int_equal(s.n, n);
	g = find_guest(&s, "app01");
	assert_int_equal(g->state, GUEST_SHUTOFF);
	assert_string_equal(g->id, id);
	assert_string_equal(g->os, "Red Hat Enterprise Linux 9.2");
	assert_true(g->have & RAW_VCPUS);
	assert_int_equal(ops->act(c, id, ACTION_REBOOT, &err), -1);
	assert_non_null(strstr(err.msg, "not running"));
	assert_int_equal(ops->act(c, id, ACTION_START, &err), 0);
	assert_int_equal(ops->act(c, id, ACTION_SAVE, &err), 0);
	/* Started and stopped between two polls: shown as it is once
	 * libvirt's event for the start has come. */
	for (i = 0; i < 100; i++) {
		assert_int_equal(ops->poll(c, &s, &err), 0);
		if (find_guest(&s, "app01")->state == GUEST_SAVED)
			break;
		usleep(20000);
	}
	assert_int_equal(find_guest(&s, "app01")->state, GUEST_SAVED);
	assert_int_equal(ops->act(c, id, ACTION_START, &err), 0);
	assert_int_equal(ops->act(c, id, ACTION_SNAPSHOT, &err), 0);
	assert_int_equal(ops->act(c, "00000000-0000-0000-0000-000000000000",
	    ACTION_START, &err), -1);
	assert_int_equal(err.code, CV_E_NOTFOUND);
	ops->close(c);
	free(s.guests);
}

static void
bad_uri_is_an_error_line(void **state)
{
	const struct backend_ops	*ops = backend_find("kvm");
	struct cfg_host			 h;
	struct backend_conn		*c;
	struct raw_host			 rh;
	struct cv_err			 err;

	(void)state;
	memset(&h, 0, sizeof h);
	h.name = (char *)"x";
	h.uri = (char *)"test:///no/such/file.xml";
	memset(&rh, 0, sizeof rh);
	assert_int_equal(ops->open(&h, &params, &c, &rh, &err), -1);
	assert_int_equal(err.code, CV_E_CONNECT);
	assert_non_null(strstr(err.msg, "libvirt"));
	assert_null(strchr(err.msg, '\n'));
}

/* What libvirt 9.0 said when OpenSSH 9.2's client refused a host key (its
 * banner kept whole, carriage returns and all; paths and names changed). */
static const char ssh_changed[] = "Cannot recv data: "
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
    "@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\r\n"
    "@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\r\n"
    "IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!\r\n"
    "Someone could be eavesdropping on you right now "
    "(man-in-the-middle attack)!\r\n"
    "It is also possible that a host key has just been changed.\r\n"
    "The fingerprint for the ED25519 key sent by the remote host is\n"
    "SHA256:2+9ZR4Yysam2woT+qyGLkEYjmbV9wUcbyJHX+RWMmSs.\r\n"
    "Please contact your system administrator.\r\n"
    "Add correct host key in /home/ops/.ssh/known_hosts to get rid of this "
    "message.\r\n"
    "Offending ED25519 key in /home/ops/.ssh/known_hosts:2\r\n"
    "  remove with:\r\n"
    "  ssh-keygen -f \"/home/ops/.ssh/known_hosts\" -R "
    "\"[kvm-a.example.com]:2222\"\r\n"
    "Host key for [kvm-a.example.com]:2222 has changed and you have "
    "requested strict checking.\r\n"
    "Host key verification failed.: Connection reset by peer";
static const char ssh_unknown[] = "Cannot recv data: No ED25519 host key is "
    "known for [kvm-a.example.com]:2222 and you have requested strict "
    "checking.\r\nHost key verification failed.: Connection reset by peer";

/* OpenSSH's refusals become one line that says what to do; libvirt's
 * other errors are left to it. */
static void
ssh_hostkey_refusals(void **state)
{
	struct kvm_uri	u;
	char		line[256];
	char		cut[sizeof ssh_changed];

	(void)state;
	assert_int_equal(kvm_uri_parse("qemu+ssh://root@kvm-a.example.com:2222"
	    "/system?known_hosts=/etc/cv/known_hosts", &u), 0);

	assert_true(kvm_ssh_hostkey_refusal(ssh_changed, &u, line, sizeof line));
	assert_string_equal(line, "host key of [kvm-a.example.com]:2222 CHANGED "
	    "to SHA256:2+9ZR4Yysam2woT+qyGLkEYjmbV9wUcbyJHX+RWMmSs (OpenSSH); "
	    "refused. If expected: ssh-keygen -R '[kvm-a.example.com]:2222' -f "
	    "/home/ops/.ssh/known_hosts, then trust the new key");

	assert_true(kvm_ssh_hostkey_refusal(ssh_unknown, &u, line, sizeof line));
	assert_string_equal(line, "unknown host key of [kvm-a.example.com]:2222 "
	    "(OpenSSH); refused. To trust it, check the fingerprint, then: "
	    "ssh-keyscan -p 2222 kvm-a.example.com >> /etc/cv/known_hosts");

	/* A long banner may be cut short before its last lines: the URI then
	 * names the host and the file. */
	memcpy(cut, ssh_changed, sizeof cut);
	cut[strstr(ssh_changed, "Offending") - ssh_changed] = '\0';
	assert_true(kvm_ssh_hostkey_refusal(cut, &u, line, sizeof line));
	assert_string_equal(line, "host key of [kvm-a.example.com]:2222 CHANGED "
	    "to SHA256:2+9ZR4Yysam2woT+qyGLkEYjmbV9wUcbyJHX+RWMmSs (OpenSSH); "
	    "refused. If expected: ssh-keygen -R '[kvm-a.example.com]:2222' -f "
	    "/etc/cv/known_hosts, then trust the new key");

	assert_int_equal(kvm_uri_parse("qemu+ssh://kvm-b/system", &u), 0);
	assert_true(kvm_ssh_hostkey_refusal("Cannot recv data: Host key "
	    "verification failed.: Connection reset by peer", &u, line,
	    sizeof line));
	assert_string_equal(line, "host key of kvm-b not verified (OpenSSH); "
	    "refused. Check its line in ~/.ssh/known_hosts");

	assert_false(kvm_ssh_hostkey_refusal("Cannot recv data: ssh: connect "
	    "to host kvm-b port 22: Connection refused: Connection reset by "
	    "peer", &u, line, sizeof line));
	assert_false(kvm_ssh_hostkey_refusal("Cannot recv data: Permission "
	    "denied (publickey).: Connection reset by peer", &u, line,
	    sizeof line));
}

static void
registry_slots_all_set(void **state)
{
	const struct backend_ops *const *b;

	(void)state;
	for (b = backend_all(); *b != NULL; b++) {
		assert_non_null((*b)->type);
		assert_non_null((*b)->open);
		assert_non_null((*b)->poll);
		assert_non_null((*b)->act);
		assert_non_null((*b)->close);
		assert_ptr_equal(backend_find((*b)->type), *b);
	}
}

#define UUID_ARGS(a)	a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], \
			a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]

/* libvirt formats UUIDs through the executable's g_snprintf (kvm_glib.c),
 * which must give what printf gives, for a UUID and for anything else. */
static void
glib_snprintf_as_printf(void **state)
{
	static const unsigned char raw[KVM_UUID_BYTES] = { 0x66, 0x95, 0xeb,
	    0x01, 0xf6, 0xa4, 0x83, 0x04, 0x79, 0xaa, 0x97, 0xf2, 0x50, 0x2e,
	    0x19, 0x3f };
	int		 odd[KVM_UUID_BYTES] = { 1, 2, 3, 0x100, 5, 6, 7, 8, 9,
	    10, 11, 12, 13, 14, 15, 16 };
	char		 a[64], b[64];
	virConnectPtr	 conn;
	virDomainPtr	 dom;
	void		*self;

	(void)state;
	assert_non_null(self = dlopen(NULL, RTLD_LAZY));
	assert_ptr_equal(dlsym(self, "g_snprintf"), (void *)g_snprintf);
	dlclose(self);
	assert_int_equal(kvm_glib_slices_malloc(), 1);

	/* The test driver's own domain. */
	assert_non_null(conn = virConnectOpen("test:///default"));
	assert_non_null(dom = virDomainLookupByName(conn, "test"));
	assert_int_equal(virDomainGetUUIDString(dom, a), 0);
	assert_string_equal(a, "6695eb01-f6a4-8304-79aa-97f2502e193f");
	virDomainFree(dom);
	virConnectClose(conn);
	kvm_uuid_format(raw, b);
	assert_string_equal(b, a);

	assert_int_equal(g_snprintf(a, sizeof a, KVM_UUID_FORMAT,
	    UUID_ARGS(raw)), 36);
	assert_string_equal(a, b);
	assert_int_equal(g_snprintf(a, sizeof a, KVM_UUID_FORMAT,
	    UUID_ARGS(odd)), snprintf(b, sizeof b, KVM_UUID_FORMAT,
	    UUID_ARGS(odd)));
	assert_string_equal(a, b);
	assert_int_equal(g_snprintf(a, 10, KVM_UUID_FORMAT, UUID_ARGS(raw)),
	    36);
	assert_string_equal(a, "6695eb01-");
	assert_int_equal(g_snprintf(a, sizeof a, "%s-%d", "x", 42), 4);
	assert_string_equal(a, "x-42");
	assert_int_equal(g_snprintf(NULL, 0, "%d", 12345), 5);
}

/* n guests in a sample, as a poll leaves it. */
static void
sample_of(struct raw_sample *s, size_t n)
{
	size_t	i;

	raw_sample_reserve(s, n);
	for (i = 0; i < n; i++)
		raw_sample_next(s)->vcpus = 1;
}

/* After its poll, a big host's sample keeps its room for the next; a small
 * one's, or room the host no longer fills, is given back. */
static void
sample_room_kept_for_big_hosts(void **state)
{
	struct raw_sample	s;
	struct raw_guest	*room;

	(void)state;
	memset(&s, 0, sizeof s);
	sample_of(&s, 1000);
	room = s.guests;
	raw_sample_end(&s);
	assert_int_equal(s.n, 0);
	assert_ptr_equal(s.guests, room);
	sample_of(&s, 1000);
	assert_ptr_equal(s.guests, room);
	raw_sample_end(&s);
	sample_of(&s, 400);
	raw_sample_end(&s);
	assert_null(s.guests);
	assert_int_equal(s.cap, 0);
	sample_of(&s, 10);
	raw_sample_end(&s);
	assert_null(s.guests);
	raw_sample_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uri_parts),
		cmocka_unit_test(domain_xml_fields),
		cmocka_unit_test(os_names),
		cmocka_unit_test(platform_ids),
		cmocka_unit_test_setup_teardown(test_driver_poll_and_act,
		    setup_host, teardown_host),
		cmocka_unit_test(bad_uri_is_an_error_line),
		cmocka_unit_test(ssh_hostkey_refusals),
		cmocka_unit_test(registry_slots_all_set),
		cmocka_unit_test(glib_snprintf_as_printf),
		cmocka_unit_test(sample_room_kept_for_big_hosts),
	};
	int	rc;

	kvm_events_start();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	kvm_events_stop();
	return rc;
}
