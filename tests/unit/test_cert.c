/* Unit tests of the certification engine (core/cert.c) and its loader
 * (config/certs.c): one test per row of the shipped matrix, the vendors'
 * lists as a table of real-world cases, the hard cases on small fixtures,
 * and every malformed fixture with its exact "path:line:" message. Run
 * from the repository root. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/certs.h"
#include "core/cert.h"
#include "core/err.h"
#include "core/model.h"
#include "core/snap.h"
#include "core/xmalloc.h"

#define SHIPPED		"config/certifications.conf"
#define FIX		"tests/fixtures/cert/"
#define MANPAGE		"man/crossvisor.conf.5"
#define TODAY		"2026-11-25"
#define GIB		1073741824ULL

/* The shipped matrix, loaded once by main() for the generated tests. */
static struct cert_matrix	*shipped;

/* Ids that the patterns of the shipped rows are tried against. */
static const char *const sample_platforms[] = {
	"rhel-8.10", "rhel-9.4", "rhel-10.0", "rocky-9.3", "almalinux-9.4",
	"ol-9.4", "ubuntu-22.04", "debian-12", "sles-15.5", "centos-9",
	"fedora-40", "opensuse-leap-15.6", "windows-server-2016",
	"windows-server-2019", "windows-server-2022", "windows-server-2025",
	"azure-local", "azure-local-23h2", "azure-local-22h2",
	"openshift-virt-4.16", "openshift-virt-4.17", "openshift-virt-4.19",
	"windows-10", "windows-11", NULL
};
static const char *const sample_guests[] = {
	"rhel10.0", "rhel9.4", "rhel9", "rhel8.10", "rhel8.5", "rhel8.0",
	"rhel8", "rhel7.9", "rhel7.5", "rhel7", "rhel6.10", "rhel5.11",
	"win2k25", "win2k22", "win2k19", "win2k16", "win2k12r2", "win2k12",
	"win2k8r2", "win2k8", "win10", "win11", "win8.1", "win7",
	"ubuntu24.04", "ubuntu22.04", "ubuntu20.04", "ubuntu18.04",
	"ubuntu16.04", "ubuntu14.04", "ubuntu23.10", "debian12", "debian11",
	"debian10", "debian13", "sles15.5", "sle15.5", "sles12.5", "sle12.5",
	"rocky9.3", "rocky9", "almalinux9.4", "ol9.4", "ol8.10", "ol7.9",
	"centos-stream9", "centos7", "fedora40", "opensuse15.6", NULL
};

/* ---- helpers ---- */

static long
day(const char *ymd)
{
	long	d;

	if (cert_day_parse(ymd, &d) != 0)
		fail_msg("bad date in test: %s", ymd);
	return d;
}

static bool
is_hyperv(const char *platform)
{
	return platform != NULL && (strncmp(platform, "windows", 7) == 0 ||
	    strncmp(platform, "azure", 5) == 0 ||
	    strncmp(platform, "hv-", 3) == 0);
}

/* A plausible, favourable input: hardware virtualization, q35, Gen 2,
 * 4 vCPUs, 8 GiB, identified by an agent. */
static void
input_init(struct cert_input *in, const char *platform, const char *os_id,
    long today)
{
	memset(in, 0, sizeof *in);
	in->platform = platform;
	in->os_id = os_id;
	in->os_idsrc = CERT_IDSRC_AGENT;
	in->vcpus = 4;
	in->mem_max_bytes = 8 * GIB;
	in->today = today;
	if (is_hyperv(platform)) {
		in->hv_type = "hyperv";
		in->virt_type = "hyperv";
		in->generation = 2;
		in->config_version = "10.0";
	} else {
		in->hv_type = "kvm";
		in->virt_type = "kvm";
		in->machine = "pc-q35-rhel9.4.0";
	}
}

static struct cert_matrix *
load_ok(const char *path, const char *site)
{
	struct cert_matrix	*m;
	struct cv_err		 err;

	if (certs_load(path, site, &m, &err) != 0)
		fail_msg("%s", err.msg);
	assert_non_null(m);
	return m;
}

static const struct cert_row *
find_row(const struct cert_matrix *m, const char *id, size_t *idx)
{
	size_t	i;

	for (i = 0; i < m->nrows; i++) {
		if (strcmp(m->rows[i].id, id) == 0) {
			if (idx != NULL)
				*idx = i;
			return &m->rows[i];
		}
	}
	fail_msg("no row '%s'", id);
	return NULL;
}

/* Ids that a pattern derives, then the samples that match it. */
static size_t
candidates(const char *pat, const char *const *samples, char out[][64],
    size_t max)
{
	char	 stem[48], buf[64];
	size_t	 n = 0, len = strlen(pat), i;
	const char *dots;

	stem[0] = '\0';
	if (pat[len - 1] == '*' && len > 1) {
		snprintf(stem, sizeof stem, "%.*s", (int)len - 1, pat);
		snprintf(out[n++], 64, "%.40s", stem);
		snprintf(out[n++], 64, "%.40s9.4", stem);
		snprintf(out[n++], 64, "%.40s-9.4", stem);
	} else if (pat[len - 1] == '+')
		snprintf(out[n++], 64, "%.*s", (int)len - 1, pat);
	else if ((dots = strstr(pat, "..")) != NULL) {
		snprintf(out[n++], 64, "%.*s", (int)(dots - pat), pat);
		snprintf(buf, sizeof buf, "%.*s", (int)(dots - pat), pat);
		for (i = strlen(buf); i > 0 && (buf[i - 1] == '.' ||
		    (buf[i - 1] >= '0' && buf[i - 1] <= '9')); i--)
			continue;
		snprintf(out[n++], 64, "%.*s%s", (int)i, buf, dots + 2);
	} else if (strcmp(pat, "*") != 0) {
		snprintf(out[n++], 64, "%s", pat);
		snprintf(out[n++], 64, "%s.4", pat);
	}
	for (i = 0; i < n; i++) {
		if (!cert_pattern_match(pat, out[i]))
			out[i][0] = '\0';
	}
	for (; *samples != NULL && n < max; samples++) {
		if (cert_pattern_match(pat, *samples))
			snprintf(out[n++], 64, "%s", *samples);
	}
	return n;
}

/* The day before the first end date of the matrix: every date condition
 * passes, so a row's own status shows. */
static long
before_all_dates(const struct cert_matrix *m)
{
	long	best = day(TODAY);
	size_t	i, j;

	for (i = 0; i < m->nrules; i++) {
		for (j = 0; j < m->rules[i].nconds; j++) {
			if (m->rules[i].conds[j].key == CERT_KEY_DATE &&
			    m->rules[i].conds[j].num - 1 < best)
				best = (long)m->rules[i].conds[j].num - 1;
		}
	}
	for (i = 0; i < m->nrows; i++) {
		for (j = 0; j < m->rows[i].nconds; j++) {
			if (m->rows[i].conds[j].key == CERT_KEY_DATE &&
			    m->rows[i].conds[j].num - 1 < best)
				best = (long)m->rows[i].conds[j].num - 1;
		}
	}
	return best;
}

/* ---- one generated test per row of the shipped matrix ---- */

/* Finds a platform and guest that reach the row (an earlier row must not
 * shadow it) and checks its verdict on a favourable guest. */
static void
test_row(void **state)
{
	const struct cert_row	*r = &shipped->rows[*(size_t *)*state];
	static char		 plats[64][64], guests[64][64];
	struct cert_input	 in;
	struct cert_verdict	 v;
	size_t			 np = 0, ng = 0, i, j, k;
	long			 today = before_all_dates(shipped);
	bool			 found = false;

	for (k = 0; k < r->nplatforms; k++)
		np += candidates(r->platforms[k], sample_platforms,
		    plats + np, 64 - np);
	for (k = 0; k < r->nguests; k++)
		ng += candidates(r->guests[k], sample_guests, guests + ng,
		    64 - ng);
	for (i = 0; i < np && !found; i++) {
		for (j = 0; j < ng && !found; j++) {
			if (plats[i][0] == '\0' || guests[j][0] == '\0')
				continue;
			input_init(&in, plats[i], guests[j], today);
			if (r->hypervisor != NULL &&
			    strcmp(r->hypervisor, in.hv_type) != 0)
				continue;
			assert_int_equal(cert_evaluate(shipped, &in, &v), 0);
			found = strcmp(v.row, r->id) == 0;
		}
	}
	if (!found)
		fail_msg("row '%s' (%s:%d) is never reached: an earlier row "
		    "matches all its pairs", r->id, r->file, r->line);
	if (v.status != r->status)
		fail_msg("row '%s' on %s/%s: %s, not %s: %s", r->id, in.platform,
		    in.os_id, cert_status_name(v.status),
		    cert_status_name(r->status), v.reason);
	assert_int_equal(v.row_status, r->status);
	assert_string_equal(v.rule, r->id);
	assert_string_equal(v.source, r->sources[0]->url);
	assert_non_null(strstr(v.reason, r->reason));
	assert_non_null(strstr(v.row_where, "certifications.conf:"));
	assert_false(v.stale);
	assert_true(strlen(v.reason) < CERT_REASON_LEN);
	assert_true(v.nsources >= 1);
}

/* ---- the vendors' lists, as real-world cases ---- */

struct world {
	const char	*platform;
	const char	*os_id;
	int		 generation;	/* -1: the default; 0 unknown */
	int		 vcpus;		/* 0: the default */
	const char	*machine;	/* NULL: the default */
	const char	*virt_type;	/* NULL: the default */
	const char	*today;		/* NULL: TODAY */
	enum cert_idsrc	 idsrc;		/* UNSAID: agent */
	enum cert_status status;
	const char	*rule;
	const char	*says;		/* in the reason; NULL none */
};

static const struct world world[] = {
	/* RHEL on Hyper-V: Microsoft's list and its note 15. */
	{ "windows-server-2022", "rhel9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-rhel9-hv", "Microsoft's list" },
	{ "windows-server-2016", "rhel8.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-rhel8.5-ws2016", "note 15" },
	{ "windows-server-2019", "rhel8.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-rhel8-hv", NULL },
	{ "azure-local-23h2", "rhel8.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-rhel8-hv", NULL },
	{ "windows-server-2016", "rhel8.10", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-rhel8-hv", NULL },
	{ "windows-server-2025", "rhel10.0", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-rhel10-hv", NULL },
	{ "windows-server-2016", "rhel10.0", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-rhel10-hv", NULL },
	{ "windows-server-2016", "rhel9.4", -1, 0, NULL, NULL, "2027-02-01",
	  0, CERT_UNSUPPORTED, "eos-ws2016-host", "until 2027-01-12" },
	{ "windows-server-2019", "rhel7.9", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "ms-rhel7-hv", "assumed: RHEL 7.9 with" },
	{ "windows-server-2019", "rhel7.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "rhel7-els-minor", "only RHEL 7.9" },
	{ "windows-server-2022", "rhel6.10", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-rhel-old-hv", NULL },
	{ "windows-server-2022", "rhel8.0", -1, 300, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-rhel8.0-hv", "not met: RHEL 8.0" },
	{ "windows-server-2016", "rhel9.4", 2, 300, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "limit-hv-2016-2019", "(300 vCPUs)" },
	{ "windows-server-2016", "rhel9.4", 1, 100, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "limit-hv-2016-2019", "Generation 1" },
	{ "windows-server-2022", "centos-stream9", -1, 0, NULL, NULL, NULL,
	  0, CERT_COMMUNITY, "ms-centos-stream-hv", NULL },

	/* Windows on Hyper-V: the host ranges of Microsoft's guest list. */
	{ "windows-server-2022", "win2k22", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-ws2022-hv", NULL },
	{ "windows-server-2016", "win2k22", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-ws2022-old-host", "2019 or later" },
	{ "windows-server-2019", "win2k25", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-ws2025-old-host", "2022 or later" },
	{ "windows-server-2022", "win2k25", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-ws2025-hv", NULL },
	{ "azure-local-23h2", "win2k25", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-ws2025-azl", "assumed: Azure Local 2311.2" },
	{ "windows-server-2025", "win2k16", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-ws2016-2019-hv", NULL },
	{ "windows-server-2022", "win2k16", -1, 0, NULL, NULL, "2027-02-01",
	  0, CERT_UNSUPPORTED, "eos-win2k16", NULL },
	{ "windows-server-2019", "win11", 2, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-win11-hv", "POPCNT" },
	{ "windows-server-2019", "win11", 1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-win11-hv", "(generation 1)" },
	{ "windows-server-2016", "win11", 2, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-win11-old-host", NULL },
	{ "windows-server-2022", "win10", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "eos-win10", "until 2025-10-14" },
	{ "windows-server-2022", "win10", -1, 0, NULL, NULL, "2025-01-01", 0,
	  CERT_CERTIFIED, "ms-win10-hv", NULL },
	{ "windows-server-2022", "win2k12r2", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "eos-win2k12", NULL },
	{ "windows-server-2025", "win2k22", 2, 2000, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ms-ws2022-hv", "1,024 vCPUs" },

	/* Windows on Red Hat platforms: SVVP, RHEL 9 docs, OpenShift. */
	{ "rhel-9.4", "win2k22", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "rh-kvm-ws2016-2022", "assumed: WHQL-signed" },
	{ "rhel-9.4", "win2k22", -1, 0, "pc-i440fx-rhel7.6.0", NULL, NULL, 0,
	  CERT_CERTIFIED, "rh-kvm-ws2016-2022", "note: q35 machine type" },
	{ "rhel-10.0", "win2k25", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "rh-kvm-ws2025", NULL },
	{ "rhel-8.10", "win2k25", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNKNOWN, "rh8-kvm-ws2025", NULL },
	{ "rhel-9.4", "win2k12r2", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "rh9-unsupported-guests", NULL },
	{ "rhel-9.4", "win11", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "rh-kvm-win11", "SVVP covers Windows Server" },
	{ "rhel-9.4", "win2k22", -1, 0, NULL, "qemu", NULL, 0,
	  CERT_UNSUPPORTED, "tcg", "never certified" },
	{ "openshift-virt-4.16", "win2k22", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ocp-windows-server", NULL },
	{ "openshift-virt-4.16", "win2k25", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ocp-ws2025-old", NULL },
	{ "openshift-virt-4.17", "win2k25", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ocp-ws2025", NULL },
	{ "openshift-virt-4.18", "rhel10.0", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "ocp-rhel10-old", NULL },
	{ "openshift-virt-4.19", "rhel10.0", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ocp-rhel10", NULL },
	{ "openshift-virt-4.16", "ubuntu22.04", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "ocp-guest-vendor", NULL },
	{ "openshift-virt-4.16", "fedora40", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "ocp-community", NULL },
	{ "openshift-virt-4.16", "debian12", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "default-redhat", NULL },
	{ "openshift-virt-4.16", "rhel9.4", -1, 250, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "limit-openshift-virt", "tested maximum" },

	/* RHEL and others on Red Hat KVM. */
	{ "rhel-9.4", "rhel9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "rh-kvm-rhel8-9", "assumed: a RHEL subscription" },
	{ "rhel-9.4", "rhel10.0", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "rh-kvm-rhel10", NULL },
	{ "rhel-8.10", "rhel10.0", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNKNOWN, "rh8-kvm-rhel10", NULL },
	{ "rhel-9.4", "rhel7.9", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "rh-kvm-rhel7", NULL },
	{ "rhel-9.4", "rhel6.10", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "eol-rhel6", "until 2024-06-30" },
	{ "rhel-9.4", "rhel9.4", -1, 800, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "limit-rhel-kvm", "(800 vCPUs)" },
	{ "rhel-10.0", "rhel9.4", -1, 800, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "limit-rhel10-kvm", "Technology Preview" },
	{ "rhel-9.4", "ubuntu22.04", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "rh-kvm-other-linux", NULL },
	{ "rhel-9.4", "sle15.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "rh-kvm-sles", NULL },
	{ "rhel-9.4", "ol9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "rh-kvm-other-linux", NULL },
	{ "rhel-9.4", "rocky9", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "rh-kvm-other-linux", NULL },
	{ "rhel-9.4", "almalinux9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "rh-kvm-other-linux", NULL },
	{ "rhel-9.4", "debian12", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "rh-kvm-other-linux", NULL },

	/* Other Linux on Hyper-V. */
	{ "windows-server-2022", "sle15.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-sles-hv", NULL },
	{ "windows-server-2022", "sles15.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-sles-hv", NULL },
	{ "windows-server-2025", "sles15.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "ms-sles-ws2025", NULL },
	{ "windows-server-2022", "ubuntu24.04", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "ms-ubuntu-hv", "linux-azure" },
	{ "windows-server-2022", "ubuntu23.10", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "default-hyperv", NULL },
	{ "windows-server-2022", "debian12", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "ms-debian-hv", "hyperv-daemons" },
	{ "windows-server-2019", "debian11", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "eol-debian11", "until 2026-08-31" },
	{ "windows-server-2022", "rocky9.3", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "ms-rebuilds-hv", NULL },
	{ "windows-server-2019", "almalinux9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "ms-rebuilds-hv", NULL },
	{ "windows-server-2022", "fedora40", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "default-hyperv", NULL },
	{ "windows-server-2022", "ol9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CONDITIONAL, "ms-oracle-hv", "RHCK" },

	/* Hosts that no vendor certifies, and SUSE's. */
	{ "rocky-9.3", "rhel9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "default-community-host", NULL },
	{ "debian-12", "win2k22", -1, 0, NULL, NULL, NULL, 0,
	  CERT_COMMUNITY, "default-community-host", NULL },
	{ "sles-15.5", "sle15.5", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "suse-kvm-sles", NULL },
	{ "sles-15.5", "win2k22", -1, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "suse-kvm-windows", NULL },

	/* What crossvisor could not identify. */
	{ NULL, "rhel9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNKNOWN, "no-platform", "host platform not identified" },
	{ "rhel-9.4", NULL, -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNKNOWN, "no-guest", "guest OS not identified" },
	{ "", "", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNKNOWN, "no-identity", "host platform and guest OS" },
	{ "proxmox-8.2", "rhel9.4", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNKNOWN, "no-row", "no certification data" },
	{ "rhel-8.10", "win7", -1, 0, NULL, NULL, NULL, 0,
	  CERT_UNKNOWN, "default-windows", NULL },
	{ NULL, "debian12", -1, 0, NULL, "qemu", NULL, 0,
	  CERT_UNSUPPORTED, "tcg", NULL },
	{ "windows-server-2016", NULL, 2, 300, NULL, NULL, NULL, 0,
	  CERT_UNSUPPORTED, "limit-hv-2016-2019", NULL },
	{ "windows-server-2022", "rhel9.4", -1, 0, NULL, NULL, NULL,
	  CERT_IDSRC_GUESS, CERT_CONDITIONAL, "identity", "guessed" },
	{ "windows-server-2022", "rhel9.4", 0, 0, NULL, NULL, NULL, 0,
	  CERT_CERTIFIED, "ms-rhel9-hv", NULL },
};

static void
world_input(const struct world *w, struct cert_input *in)
{
	input_init(in, w->platform, w->os_id, day(w->today != NULL ?
	    w->today : TODAY));
	if (w->platform == NULL || w->platform[0] == '\0')
		in->hv_type = "kvm";
	if (w->generation >= 0)
		in->generation = w->generation;
	if (w->vcpus > 0)
		in->vcpus = w->vcpus;
	if (w->machine != NULL)
		in->machine = w->machine;
	if (w->virt_type != NULL)
		in->virt_type = w->virt_type;
	if (w->idsrc != CERT_IDSRC_UNSAID)
		in->os_idsrc = w->idsrc;
}

static void
test_world(void **state)
{
	const struct world	*w;
	struct cert_input	 in;
	struct cert_verdict	 v;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof world / sizeof world[0]; i++) {
		w = &world[i];
		world_input(w, &in);
		cert_evaluate(shipped, &in, &v);
		if (v.status != w->status || strcmp(v.rule, w->rule) != 0 ||
		    (w->says != NULL && strstr(v.reason, w->says) == NULL))
			fail_msg("%s/%s: %s [%s] \"%s\"; want %s [%s] \"%s\"",
			    w->platform != NULL ? w->platform : "(null)",
			    w->os_id != NULL ? w->os_id : "(null)",
			    cert_status_name(v.status), v.rule, v.reason,
			    cert_status_name(w->status), w->rule,
			    w->says != NULL ? w->says : "");
		assert_true(v.reason[0] != '\0');
		assert_true(strlen(v.reason) < CERT_REASON_LEN);
	}
}

/* The generation-dependent Hyper-V limit is not checked when the
 * generation is unknown: the badge drops to conditional, never lower. */
static void
test_unknown_fact(void **state)
{
	struct cert_input	 in;
	struct cert_verdict	 v;

	(void)state;
	input_init(&in, "windows-server-2019", "win11", day(TODAY));
	in.generation = 0;
	cert_evaluate(shipped, &in, &v);
	assert_int_equal(v.status, CERT_CONDITIONAL);
	assert_string_equal(v.rule, "ms-win11-hv");
	assert_non_null(strstr(v.reason, "not verified: Windows 11 runs only "
	    "in a Generation 2 VM (VM generation unknown)"));
}

/* ---- the hard cases, on fixtures ---- */

static void
test_exception_first(void **state)
{
	struct cert_matrix	*m = load_ok(FIX "mini.conf", NULL);
	struct cert_matrix	*rev = load_ok(FIX "reversed.conf", NULL);
	struct cert_input	 in;
	struct cert_verdict	 v;

	(void)state;
	input_init(&in, "hv-2016", "rhel8.5", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_UNSUPPORTED);
	assert_string_equal(v.rule, "exc-8.5");
	in.os_id = "rhel8.10";
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	assert_string_equal(v.rule, "gen-8");

	/* The same rows the other way round: file order decides. */
	in.os_id = "rhel8.5";
	cert_evaluate(rev, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	assert_string_equal(v.rule, "gen-8");
	cert_matrix_free(rev);
	cert_matrix_free(m);
}

static void
test_conditions_only_lower(void **state)
{
	struct cert_matrix	*m = load_ok(FIX "mini.conf", NULL);
	struct cert_input	 in;
	struct cert_verdict	 v;

	(void)state;
	/* Soft failure: certified -> conditional. */
	input_init(&in, "kvm-a", "os1", day(TODAY));
	in.machine = "pc-i440fx-7.2";
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CONDITIONAL);
	assert_int_equal(v.row_status, CERT_CERTIFIED);
	assert_string_equal(v.reason, "not met: q35 machine type (machine "
	    "pc-i440fx-7.2); listed");
	assert_int_equal(v.nchecks, 1);
	assert_int_equal(v.checks[0].outcome, CERT_FAIL);
	assert_true(v.checks[0].lowered);

	/* Hard failure: conditional -> unsupported; passing: unchanged. */
	input_init(&in, "kvm-a", "os2", day(TODAY));
	in.vcpus = 8;
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_UNSUPPORTED);
	assert_string_equal(v.rule, "hard-vcpus");
	in.vcpus = 4;
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CONDITIONAL);
	assert_int_equal(v.checks[0].outcome, CERT_PASS);

	/* A soft failure never raises community to conditional. */
	input_init(&in, "kvm-a", "os3", day(TODAY));
	in.vcpus = 8;
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_COMMUNITY);
	assert_false(v.checks[0].lowered);
	assert_string_equal(v.reason, "runs; not met: at most 4 vCPUs (8 "
	    "vCPUs)");

	/* A hard rule lowers the row; unknown facts only to conditional. */
	input_init(&in, "hv-2016", "rhel8.10", day(TODAY));
	in.vcpus = 241;
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_UNSUPPORTED);
	assert_string_equal(v.rule, "limit-hv");
	assert_string_equal(v.row, "gen-8");
	in.vcpus = 0;
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CONDITIONAL);
	assert_non_null(strstr(v.reason, "not verified: at most 240 vCPUs in a "
	    "Generation 2 VM (vCPU count unknown)"));
	cert_matrix_free(m);
}

static void
test_advisory_never_lowers(void **state)
{
	struct cert_matrix	*m = load_ok(FIX "mini.conf", NULL);
	struct cert_input	 in;
	struct cert_verdict	 v;

	(void)state;
	/* Unobservable: assumed, shown, certified. */
	input_init(&in, "hv-2016", "rhel8.10", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	assert_string_equal(v.reason, "listed; assumed: signed drivers");
	assert_int_equal(v.checks[0].outcome, CERT_ADVISORY);
	assert_int_equal(v.checks[0].level, CERT_LEVEL_ADVISORY);
	assert_string_equal(v.checks[0].check, "drivers");
	assert_string_equal(v.checks[0].from, "gen-8");
	assert_string_equal(v.checks[0].source, "s-new");

	/* Observable but advisory: a note, still certified. */
	input_init(&in, "kvm-a", "os4", day(TODAY));
	in.machine = "pc-i440fx-7.2";
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	assert_string_equal(v.reason, "listed; note: q35 recommended (machine "
	    "pc-i440fx-7.2)");
	in.machine = NULL;
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);

	/* A generation-bound advisory only for that generation. */
	input_init(&in, "hv-2016", "os5", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	assert_non_null(strstr(v.reason, "assumed: the UEFI CA template"));
	in.generation = 1;
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_UNSUPPORTED);
	assert_null(strstr(v.reason, "UEFI CA"));
	cert_matrix_free(m);
}

static void
test_stale(void **state)
{
	struct cert_matrix	*m = load_ok(FIX "mini.conf", NULL);
	struct cert_input	 in;
	struct cert_verdict	 v;

	(void)state;
	/* Checked 2025-01-01, stale after 180 days: stale, still certified. */
	input_init(&in, "kvm-a", "os6", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	assert_true(v.stale);
	assert_string_equal(v.checked, "2025-01-01");
	assert_string_equal(v.reason, "listed long ago (stale data: checked "
	    "2025-01-01)");

	/* 180 days exactly is not yet stale; no date, no staleness. */
	in.today = day("2025-06-30");
	cert_evaluate(m, &in, &v);
	assert_false(v.stale);
	in.today = 0;
	cert_evaluate(m, &in, &v);
	assert_false(v.stale);
	assert_string_equal(v.reason, "listed long ago");

	/* A fresh source is not stale. */
	input_init(&in, "kvm-a", "os8", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_false(v.stale);
	cert_matrix_free(m);
}

static void
test_dates_and_versions(void **state)
{
	struct cert_matrix	*m = load_ok(FIX "mini.conf", NULL);
	struct cert_input	 in;
	struct cert_verdict	 v;

	(void)state;
	input_init(&in, "kvm-a", "os7", day("2026-01-01"));
	in.config_version = "10.0";
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	in.today = day("2026-01-02");
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_UNSUPPORTED);
	assert_non_null(strstr(v.reason, "(today 2026-01-02)"));
	in.today = day("2026-01-01");
	in.config_version = "5.0";
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CONDITIONAL);
	in.config_version = "10.0";
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);

	/* "+" and ".." patterns through rows. */
	input_init(&in, "ocp-4.16", "os9", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_string_equal(v.rule, "any-os9");
	in.platform = "ocp-4.17";
	cert_evaluate(m, &in, &v);
	assert_string_equal(v.rule, "ge");
	in.platform = "ocp-4.20";
	cert_evaluate(m, &in, &v);
	assert_string_equal(v.rule, "ge");
	in.os_id = "rhel7.8";
	cert_evaluate(m, &in, &v);
	assert_string_equal(v.rule, "range");
	in.os_id = "rhel7.9";
	cert_evaluate(m, &in, &v);
	assert_string_equal(v.rule, "no-row");
	cert_matrix_free(m);
}

static void
test_helpers(void **state)
{
	char	buf[16];
	long	d;

	(void)state;
	assert_true(cert_version_cmp("8.10", "8.5") > 0);
	assert_true(cert_version_cmp("8.5", "8.10") < 0);
	assert_int_equal(cert_version_cmp("9", "9.0"), 0);
	assert_true(cert_version_cmp("10.0", "9.6") > 0);
	assert_true(cert_version_cmp("2025", "2022") > 0);

	assert_true(cert_pattern_match("rhel9", "rhel9"));
	assert_true(cert_pattern_match("rhel9", "rhel9.4"));
	assert_true(cert_pattern_match("RHEL9", "rhel9.4"));
	assert_false(cert_pattern_match("rhel9", "rhel90"));
	assert_false(cert_pattern_match("rhel9", "rhel9x"));
	assert_true(cert_pattern_match("rhel-9", "rhel-9.4"));
	assert_false(cert_pattern_match("windows-server-2022",
	    "windows-server-2022x"));
	assert_true(cert_pattern_match("rhel8.6+", "rhel8.10"));
	assert_false(cert_pattern_match("rhel8.6+", "rhel8.5"));
	assert_false(cert_pattern_match("rhel8.6+", "rhel8"));
	assert_true(cert_pattern_match("windows-server-2022+",
	    "windows-server-2025"));
	assert_false(cert_pattern_match("windows-server-2022+",
	    "windows-server-build-26100"));
	assert_true(cert_pattern_match("rhel7.0..7.8", "rhel7.8.1"));
	assert_true(cert_pattern_match("rhel7.0..7.8", "rhel7.0"));
	assert_false(cert_pattern_match("rhel7.0..7.8", "rhel7.9"));
	assert_false(cert_pattern_match("rhel7.0..7.8", "rhel7"));
	assert_true(cert_pattern_match("rhel8..9", "rhel9.6"));
	assert_true(cert_pattern_match("azure-local*", "azure-local-23h2"));
	assert_true(cert_pattern_match("*", "anything"));
	assert_false(cert_pattern_match("rhel9", NULL));
	assert_null(cert_pattern_check("openshift-virt-4.17+"));
	assert_non_null(cert_pattern_check("rhel*9"));
	assert_non_null(cert_pattern_check("+"));
	assert_non_null(cert_pattern_check("rhel 9"));
	assert_non_null(cert_pattern_check("rhel9..x"));

	assert_int_equal(cert_day_parse("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(cert_day_parse("2024-02-29", &d), 0);
	assert_int_equal(cert_day_parse("2023-02-29", &d), -1);
	assert_int_equal(cert_day_parse("2026-11-5", &d), -1);
	assert_int_equal(cert_day(1795564800), day("2026-11-25"));
	assert_int_equal(cert_day(1795564800 + 86399), day("2026-11-25"));
	cert_day_format(day("2028-06-30"), buf, sizeof buf);
	assert_string_equal(buf, "2028-06-30");
	cert_day_format(day("2000-03-01"), buf, sizeof buf);
	assert_string_equal(buf, "2000-03-01");

	assert_string_equal(cert_key_name(CERT_KEY_VCPUS), "vcpus");
	assert_int_equal(cert_key_from_name("date"), CERT_KEY_DATE);
	assert_int_equal(cert_key_from_name("drivers"), CERT_KEY_OTHER);
	assert_string_equal(cert_outcome_name(CERT_UNCHECKED), "unchecked");
	assert_string_equal(cert_level_name(CERT_LEVEL_SOFT), "soft");
	assert_string_equal(cert_idsrc_name(CERT_IDSRC_METADATA), "metadata");
}

static void
test_no_matrix(void **state)
{
	struct cert_input	 in;
	struct cert_verdict	 v;
	struct guest_cert	 g;

	(void)state;
	input_init(&in, "rhel-9.4", "rhel9.4", day(TODAY));
	assert_int_equal(cert_evaluate(NULL, &in, &v), -1);
	assert_int_equal(v.status, CERT_UNKNOWN);
	assert_string_equal(v.reason, "no certification data loaded");
	cert_verdict_apply(&v, &g);
	assert_int_equal(g.status, CERT_UNKNOWN);
	assert_ptr_equal(g.reason, v.reason);
	assert_string_equal(g.rule, "no-data");
	assert_null(g.source);
}

static void
test_apply(void **state)
{
	struct cert_input	 in;
	struct cert_verdict	 v;
	struct guest_cert	 g;

	(void)state;
	input_init(&in, "windows-server-2022", "rhel9.4", day(TODAY));
	cert_evaluate(shipped, &in, &v);
	cert_verdict_apply(&v, &g);
	assert_int_equal(g.status, CERT_CERTIFIED);
	assert_string_equal(g.rule, "ms-rhel9-hv");
	assert_string_equal(g.source, "https://learn.microsoft.com/windows-"
	    "server/virtualization/hyper-v/supported-centos-and-red-hat-"
	    "enterprise-linux-virtual-machines-on-hyper-v");
	assert_ptr_equal(g.reason, v.reason);
	assert_string_equal(v.sources[0].doc_date, "2025-06-19");
	assert_string_equal(v.sources[0].checked, "2026-11-25");
}

/* The metadata note is in the details but not the reason; a guess lowers. */
static void
test_identity(void **state)
{
	struct cert_input	 in;
	struct cert_verdict	 v;
	size_t			 i;
	bool			 seen = false;

	(void)state;
	input_init(&in, "windows-server-2022", "rhel9.4", day(TODAY));
	in.os_idsrc = CERT_IDSRC_METADATA;
	cert_evaluate(shipped, &in, &v);
	assert_int_equal(v.status, CERT_CERTIFIED);
	assert_null(strstr(v.reason, "libosinfo"));
	for (i = 0; i < v.nchecks; i++)
		seen = seen || strcmp(v.checks[i].from, "identity") == 0;
	assert_true(seen);
}

/* A reason longer than the buffer ends in "..." and keeps the stale
 * suffix. */
static void
test_long_reason(void **state)
{
	struct cert_matrix	 m;
	struct cert_row		 row;
	struct cert_cond	 conds[6];
	struct cert_source	 src;
	const struct cert_source *srcs[1];
	char			*pats[1] = { (char *)"*" };
	char			 longtext[CERT_TEXT_LEN];
	struct cert_input	 in;
	struct cert_verdict	 v;
	size_t			 i, len;

	(void)state;
	memset(&m, 0, sizeof m);
	memset(&row, 0, sizeof row);
	memset(conds, 0, sizeof conds);
	memset(&src, 0, sizeof src);
	memset(longtext, 'x', sizeof longtext - 1);
	longtext[sizeof longtext - 1] = '\0';
	src.id = (char *)"s";
	src.url = (char *)"https://example.com/";
	src.doc_date = (char *)"undated";
	src.checked = (char *)"2020-01-01";
	src.checked_day = day("2020-01-01");
	srcs[0] = &src;
	for (i = 0; i < 6; i++) {
		conds[i].key = CERT_KEY_OTHER;
		conds[i].check = (char *)"other";
		conds[i].level = CERT_LEVEL_ADVISORY;
		conds[i].text = longtext;
	}
	row.id = (char *)"long";
	row.platforms = row.guests = pats;
	row.nplatforms = row.nguests = 1;
	row.status = CERT_CERTIFIED;
	row.reason = longtext;
	row.sources = srcs;
	row.nsources = 1;
	row.conds = conds;
	row.nconds = 6;
	m.rows = &row;
	m.nrows = 1;
	m.stale_after_days = 30;

	input_init(&in, "p", "g", day(TODAY));
	cert_evaluate(&m, &in, &v);
	len = strlen(v.reason);
	assert_true(len < CERT_REASON_LEN);
	assert_true(len > CERT_REASON_LEN - 40);
	assert_true(v.stale);
	assert_non_null(strstr(v.reason, "... (stale data: checked "
	    "2020-01-01)"));
	assert_int_equal(v.nchecks, 6);
}

/* ---- threads ---- */

struct worker {
	pthread_t	 thread;
	int		 failures;
};

static void *
worker_run(void *arg)
{
	struct worker		*w = arg;
	struct cert_input	 in;
	struct cert_verdict	 v;
	size_t			 i, n;

	for (n = 0; n < 50; n++) {
		for (i = 0; i < sizeof world / sizeof world[0]; i++) {
			world_input(&world[i], &in);
			cert_evaluate(shipped, &in, &v);
			if (v.status != world[i].status ||
			    strcmp(v.rule, world[i].rule) != 0)
				w->failures++;
		}
	}
	return NULL;
}

/* Many pollers read one matrix at once. */
static void
test_threads(void **state)
{
	struct worker	w[4];
	size_t		i;

	(void)state;
	memset(w, 0, sizeof w);
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&w[i].thread, NULL, worker_run,
		    &w[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(w[i].thread, NULL);
		assert_int_equal(w[i].failures, 0);
	}
}

/* ---- site files ---- */

static void
test_site(void **state)
{
	struct cert_matrix	*m = load_ok(FIX "mini.conf", FIX "site");
	struct cert_matrix	*plain = load_ok(FIX "mini.conf", NULL);
	const struct cert_row	*r;
	struct cert_input	 in;
	struct cert_verdict	 v;
	size_t			 idx = 0, pidx = 0;

	(void)state;
	/* Two new rows, first and in file order; README and dot files not
	 * read; one shipped row replaced where it stood. */
	assert_int_equal(m->nrows, plain->nrows + 2);
	assert_int_equal(m->nfiles, 3);
	assert_string_equal(m->rows[0].id, "site-os1");
	assert_string_equal(m->rows[1].id, "site-new");
	r = find_row(m, "override-me", &idx);
	find_row(plain, "override-me", &pidx);
	assert_int_equal(idx, pidx + 2);
	assert_int_equal(r->status, CERT_UNSUPPORTED);
	assert_non_null(strstr(r->file, "10-local.conf"));

	input_init(&in, "kvm-a", "os8", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_UNSUPPORTED);
	assert_string_equal(v.source, "https://intranet.example.com/"
	    "virt-policy");
	assert_string_equal(v.row_where, "10-local.conf:3");

	/* A new site row goes before the shipped row of the same pair. */
	input_init(&in, "kvm-a", "os1", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_string_equal(v.rule, "site-os1");
	assert_int_equal(v.status, CERT_COMMUNITY);

	/* A later file replaces an earlier file's row, and a source. */
	input_init(&in, "kvm-b", "os1", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_int_equal(v.status, CERT_CONDITIONAL);
	assert_string_equal(v.reason, "site row, revised");
	assert_int_equal(m->stale_after_days, 90);
	input_init(&in, "kvm-a", "os6", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_false(v.stale);
	assert_string_equal(v.source, "https://example.com/old-rechecked");

	/* Shipped rows untouched elsewhere. */
	input_init(&in, "hv-2016", "rhel8.5", day(TODAY));
	cert_evaluate(m, &in, &v);
	assert_string_equal(v.rule, "exc-8.5");
	cert_matrix_free(plain);
	cert_matrix_free(m);

	/* A missing site directory is no error. */
	m = load_ok(FIX "mini.conf", FIX "no-such-dir");
	cert_matrix_free(m);
}

/* The shipped file with the system's site directory, as installed. */
static void
test_shipped_sound(void **state)
{
	size_t	i;

	(void)state;
	assert_non_null(strstr(certs_site_dir(), "crossvisor/certifications.d"));
	assert_non_null(shipped->tcg_source);
	for (i = 0; i < shipped->nsources; i++) {
		assert_int_equal(strncmp(shipped->sources[i].url, "https://", 8),
		    0);
		assert_non_null(shipped->sources[i].title);
	}
	for (i = 0; i < shipped->nrows; i++)
		assert_true(shipped->rows[i].nsources > 0);
	assert_true(shipped->nrows >= 50);
}

/* ---- malformed files ---- */

static void
test_malformed(void **state)
{
	static const struct {
		const char	*file;
		const char	*site;
		const char	*msg;	/* after the file name */
	} bad[] = {
		{ "bad_syntax.conf", NULL, ":5: syntax error" },
		{ "bad_status.conf", NULL, ":10: row 'r1': unknown status "
		    "'certifed' (did you mean 'certified'?)" },
		{ "bad_source_ref.conf", NULL, ":10: row 'r1': unknown source "
		    "'s2' (did you mean 's1'?)" },
		{ "bad_pattern.conf", NULL, ":9: row 'r1': bad pattern "
		    "'rhel8.6+x': '*' and '+' may only end a pattern" },
		{ "bad_range.conf", NULL, ":9: row 'r1': bad pattern "
		    "'rhel7.8..7.2': the range ends before it begins" },
		{ "bad_advisory_level.conf", NULL, ":12: condition 1 of row "
		    "'r1': crossvisor cannot observe 'drivers', so its level "
		    "must be \"advisory\"" },
		{ "bad_misspelt_check.conf", NULL, ":12: condition 1 of row "
		    "'r1': crossvisor cannot observe 'vpcus' (did you mean "
		    "'vcpus'?), so it takes no max" },
		{ "bad_op.conf", NULL, ":13: condition 1 of row 'r1': 'vcpus' "
		    "takes max or min, not until" },
		{ "bad_number.conf", NULL, ":12: condition 1 of row 'r1': 'max' "
		    "must be a number, not a string" },
		{ "bad_level.conf", NULL, ":12: condition 1 of row 'r1': "
		    "unknown level 'hrad' (did you mean 'hard'?)" },
		{ "bad_generation.conf", NULL, ":12: condition 1 of row 'r1': "
		    "a generation is 1 or 2, not 3" },
		{ "bad_date.conf", NULL, ":6: source 's1': checked must be a "
		    "date YYYY-MM-DD, not '2026-13-01'" },
		{ "bad_dup.conf", NULL, ":11: duplicate row id 'r1' (first at "
		    "line 9)" },
		{ "bad_no_reason.conf", NULL, ":9: row 'r1' has no reason; add "
		    "e.g. reason = \"on the vendor's list\";" },
		{ "bad_unknown_key.conf", NULL, ":10: row 'r1': unknown key "
		    "'stauts' (did you mean 'status'?)" },
		{ "bad_rule_status.conf", NULL, ":10: rule 'l1' has a status; "
		    "a rule only adds conditions (a row gives a status and "
		    "reason)" },
		{ "bad_version.conf", NULL, ":2: version 2 is not known to this "
		    "crossvisor (it reads version 1)" },
		{ "bad_no_version.conf", NULL, ": no version; begin the file "
		    "with version = 1;" },
		{ "bad_no_tcg.conf", NULL, ": no tcg_source; name the source "
		    "that says software emulation (TCG) is not supported, e.g. "
		    "tcg_source = \"rh-kvm-restrictions\";" },
		{ "no-such-file.conf", NULL, ": cannot open: No such file or "
		    "directory" },
	};
	struct cert_matrix	*m;
	struct cv_err		 err;
	char			*path, *want;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		xasprintf(&path, FIX "%s", bad[i].file);
		xasprintf(&want, "%s%s", path, bad[i].msg);
		m = (struct cert_matrix *)&err;
		if (certs_load(path, bad[i].site, &m, &err) == 0)
			fail_msg("%s loaded", path);
		assert_null(m);
		assert_int_equal(err.code, CV_E_CONFIG);
		if (strcmp(err.msg, want) != 0)
			fail_msg("%s:\n got  %s\n want %s", path, err.msg, want);
		free(want);
		free(path);
	}

	/* In a site file: the site file's name and line. */
	assert_int_equal(certs_load(FIX "mini.conf", FIX "site_bad", &m, &err),
	    -1);
	assert_string_equal(err.msg, FIX "site_bad/10-bad.conf:4: row "
	    "'bad-ref': unknown source 's-nwe' (did you mean 's-new'?)");
	assert_int_equal(certs_load(FIX "mini.conf", FIX "site_collide", &m,
	    &err), -1);
	assert_string_equal(err.msg, FIX "site_collide/10-collide.conf:3: "
	    "'limit-hv' is already a rule (" FIX "mini.conf:15); give this "
	    "row another id");
}

/* Copies a man page line into out as plain text: the escapes the
 * examples use. */
static void
man_plain(const char *in, FILE *out)
{
	for (; *in != '\0'; in++) {
		if (strncmp(in, "\\-", 2) == 0) {
			fputc('-', out);
			in++;
		} else if (strncmp(in, "\\(aq", 4) == 0) {
			fputc('\'', out);
			in += 3;
		} else if (strncmp(in, "\\(dq", 4) == 0) {
			fputc('"', out);
			in += 3;
		} else
			fputc(*in, out);
	}
	fputc('\n', out);
}

/* The site-file examples of CERTIFICATION DATA load on the shipped file,
 * each from a temporary site directory. */
static void
man_examples(const char *text)
{
	char			 dir[] = "/tmp/cv-test-cert.XXXXXX";
	char			*copy, *line, *save = NULL, *path = NULL;
	struct cert_matrix	*m;
	FILE			*f = NULL;
	bool			 in_section = false;
	int			 n = 0;

	assert_non_null(mkdtemp(dir));
	copy = xstrdup(text);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, ".SH ", 4) == 0)
			in_section = strcmp(line, ".SH CERTIFICATION DATA") == 0;
		if (!in_section)
			continue;
		if (strcmp(line, ".EX") == 0) {
			free(path);
			xasprintf(&path, "%s/%02d-example.conf", dir, ++n);
			f = fopen(path, "w");
			assert_non_null(f);
		} else if (strcmp(line, ".EE") == 0 && f != NULL) {
			fclose(f);
			f = NULL;
		} else if (f != NULL)
			man_plain(line, f);
	}
	assert_null(f);
	/* The last block is an error message, not a file. */
	assert_int_equal(unlink(path), 0);
	assert_true(n >= 3);
	m = load_ok(SHIPPED, dir);
	assert_string_equal(m->rows[0].id, "acme-ubuntu-on-rhel");
	assert_int_equal(find_row(m, "rh8-kvm-ws2025", NULL)->status,
	    CERT_CERTIFIED);
	cert_matrix_free(m);
	while (n > 1) {
		free(path);
		xasprintf(&path, "%s/%02d-example.conf", dir, --n);
		unlink(path);
	}
	free(path);
	rmdir(dir);
	free(copy);
}

/* The man page describes the format, every check and status, and its
 * examples load. */
static void
test_manpage(void **state)
{
	static const char *const words[] = {
		".SH CERTIFICATION DATA", "stale_after_days", "tcg_source",
		"sources", "rules", "rows", "doc_date", "checked",
		"hypervisor", "platform", "guest", "status", "reason", "note",
		"conditions", "check", "max", "min", "until", "level",
		"advisory", "certifications.d", "certified", "conditional",
		"community", "unsupported", "unknown", NULL
	};
	const char *const	*w;
	FILE			*f;
	char			*text;
	long			 len;
	int			 k;

	(void)state;
	if ((f = fopen(MANPAGE, "r")) == NULL)
		fail_msg("cannot open %s", MANPAGE);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = xmalloc((size_t)len + 1);
	assert_int_equal(fread(text, 1, (size_t)len, f), (size_t)len);
	text[len] = '\0';
	fclose(f);
	for (w = words; *w != NULL; w++) {
		if (strstr(text, *w) == NULL)
			fail_msg("%s lacks '%s'", MANPAGE, *w);
	}
	for (k = 0; k < CERT_KEY_OTHER; k++) {
		if (strstr(text, cert_key_name((enum cert_key)k)) == NULL)
			fail_msg("%s lacks the check '%s'", MANPAGE,
			    cert_key_name((enum cert_key)k));
	}
	man_examples(text);
	free(text);
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_world),
		cmocka_unit_test(test_unknown_fact),
		cmocka_unit_test(test_exception_first),
		cmocka_unit_test(test_conditions_only_lower),
		cmocka_unit_test(test_advisory_never_lowers),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_dates_and_versions),
		cmocka_unit_test(test_helpers),
		cmocka_unit_test(test_no_matrix),
		cmocka_unit_test(test_apply),
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_long_reason),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_site),
		cmocka_unit_test(test_shipped_sound),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_manpage),
	};
	struct CMUnitTest	*tests;
	size_t			*idx, nfixed, n, i;
	char			**names;
	int			 rc;

	shipped = load_ok(SHIPPED, NULL);
	nfixed = sizeof fixed / sizeof fixed[0];
	n = nfixed + shipped->nrows;
	tests = xcalloc(n, sizeof *tests);
	idx = xcalloc(shipped->nrows, sizeof *idx);
	names = xcalloc(shipped->nrows, sizeof *names);
	memcpy(tests, fixed, sizeof fixed);
	for (i = 0; i < shipped->nrows; i++) {
		idx[i] = i;
		xasprintf(&names[i], "row %s", shipped->rows[i].id);
		tests[nfixed + i].name = names[i];
		tests[nfixed + i].test_func = test_row;
		tests[nfixed + i].initial_state = &idx[i];
	}
	rc = _cmocka_run_group_tests("cert", tests, n, NULL, NULL);
	for (i = 0; i < shipped->nrows; i++)
		free(names[i]);
	free(names);
	free(idx);
	free(tests);
	cert_matrix_free(shipped);
	return rc;
}
