/* The KVM backend: libvirt, any URI. One virConnectGetAllDomainStats round
 * trip per poll (two when a guest has stopped, see kvm_poll); domain XML
 * read once per domain (from the second poll when the caller shows guests
 * first) and again when libvirt's events say it changed. Runs on its
 * host's poller thread; the callbacks at the bottom run on the libvirt
 * event thread and touch only atomics and the dirty list. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "backends/backend.h"
#include "backends/kvm_events.h"
#include "backends/kvm_glib.h"
#include "backends/kvm_ssherr.h"
#include "backends/kvm_uri.h"
#include "backends/kvm_xml.h"
#include "backends/ossh.h"
#include "backends/sshx.h"
#include "core/conf.h"
#include "core/err.h"
#include "core/osinfo.h"
#include "core/platform.h"
#include "core/strindex.h"
#include "core/xmalloc.h"

#define DIRTY_MAX	256
#define OS_RELEASE_MAX	(64 * 1024)

/* What crossvisor keeps of one domain between polls: 168 bytes, in an
 * order that leaves three of padding. */
struct kvm_dom {
	char		 uuid[VIR_UUID_STRING_BUFLEN];
	bool		 xml_ok;
	bool		 os_by_guest;	/* from the guest agent */
	bool		 seen;
	char		*name;		/* (owned) */
	const char	*os;		/* (in strs) NULL */
	const char	*os_id;		/* (in strs) NULL */
	const char	*machine;	/* (in strs) NULL */
	char		 virt_type[16];
	int		 xml_vcpus;
	int		 vir_state;	/* virDomainState of the last poll */
	uint64_t	 xml_mem_max;	/* bytes */
	int		 vir_reason;	/* and its reason */
	bool		 managed_save;	/* checked when it turns shut off */

	/* The slow groups (balloon, vcpu, block) as last read. */
	unsigned	 slow_have;	/* RAW_MEM, RAW_MEM_USED, RAW_DISK, RAW_VCPUS */
	int		 vcpus;
	uint64_t	 slow_ns;
	uint64_t	 mem;
	uint64_t	 mem_max;
	uint64_t	 mem_used;
	uint64_t	 disk_rd;
	uint64_t	 disk_wr;
};

struct backend_conn {
	virConnectPtr	 conn;
	char		*name;			/* (owned) host name */
	double		 slow_s;
	struct kvm_dom	*doms;			/* (owned) sorted by uuid */
	size_t		 ndoms;
	struct strindex	 byname;		/* doms by name */
	struct strpool	 strs;			/* the domains' OS names and
						   machine types */
	size_t		*rec_dom;		/* (owned) the entry of each
						   record of the last poll */
	size_t		 nrec_dom;		/* 0: none, or entries moved */
	bool		 names_changed;		/* byname needs a rebuild */
	uint64_t	 last_slow_ns;
	unsigned	 polls;
	bool		 nowait;
	bool		 no_filter;		/* the driver lists every domain
						   (no state filter) */
	bool		 remote;		/* XML costs a round trip per
						   domain */
	bool		 xml_later;		/* this poll reads no XML */
	const struct cfg_host *hc;		/* (borrowed) for the platform */
	struct kvm_uri	 uri;
	double		 timeout_s;
	int		 lifecycle_cb;		/* -1 none */
	int		 agent_cb;		/* -1 none */
	bool		 close_cb;

	/* Shared with the event thread, which may still be inside a domain
	 * event callback when kvm_close runs: each such callback holds a
	 * reference, dropped by libvirt (its free callback) once the
	 * callback can no longer run. */
	atomic_int	 refs;
	atomic_int	 closed;		/* virConnectCloseReason + 1 */
	pthread_mutex_t	 dirty_lock;
	char		(*dirty)[VIR_UUID_STRING_BUFLEN]; /* (owned) Locked by
						   dirty_lock: made at the
						   first event */
	size_t		 ndirty;		/* Locked by dirty_lock. */
	bool		 all_dirty;		/* Locked by dirty_lock. */
	atomic_bool	 ids_changed;		/* a domain was defined or
						   undefined since the last
						   poll */
};

static int	kvm_open(const struct cfg_host *, const struct backend_params *,
		    struct backend_conn **, struct raw_host *, struct cv_err *);
static int	kvm_poll(struct backend_conn *, struct raw_sample *,
		    struct cv_err *);
static int	kvm_act(struct backend_conn *, const char *, enum action,
		    struct cv_err *);
static void	kvm_close(struct backend_conn *);
static int	kvm_platform(struct backend_conn *, struct raw_host *,
		    struct cv_err *);

const struct backend_ops kvm_backend = {
	.type = "kvm",
	.open = kvm_open,
	.poll = kvm_poll,
	.act = kvm_act,
	.close = kvm_close,
	.platform = kvm_platform,
};

static int
lv_err(struct cv_err *err, enum cv_errcode code, const char *what)
{
	const char	*m = virGetLastErrorMessage();

	return cv_err_set(err, code, "%s: %s", what, m ? m : "unknown error");
}

/* ---- event-thread callbacks ---- */

static void
on_close(virConnectPtr conn, int reason, void *arg)
{
	struct backend_conn	*c = arg;

	(void)conn;
	atomic_store(&c->closed, reason + 1);
}

/* virFreeCallback: the event thread is done with one callback. */
static void
conn_release(void *arg)
{
	struct backend_conn	*c = arg;

	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&c->dirty_lock);
	free(c->dirty);
	free(c);
}

static void *
conn_hold(struct backend_conn *c)
{
	atomic_fetch_add(&c->refs, 1);
	return c;
}

static void
mark_dirty(struct backend_conn *c, virDomainPtr dom)
{
	pthread_mutex_lock(&c->dirty_lock);
	if (c->dirty == NULL)
		c->dirty = xcalloc(DIRTY_MAX, sizeof *c->dirty);
	if (c->ndirty == DIRTY_MAX)
		c->all_dirty = true;
	else if (virDomainGetUUIDString(dom, c->dirty[c->ndirty]) == 0)
		c->ndirty++;
	pthread_mutex_unlock(&c->dirty_lock);
}

static int
on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event, int detail,
    void *arg)
{
	(void)conn;
	(void)detail;
	if (event == VIR_DOMAIN_EVENT_DEFINED ||
	    event == VIR_DOMAIN_EVENT_UNDEFINED)
		atomic_store(&((struct backend_conn *)arg)->ids_changed, true);
	/* A definition changed, or a start made the live XML differ. */
	if (event == VIR_DOMAIN_EVENT_DEFINED ||
	    event == VIR_DOMAIN_EVENT_STARTED)
		mark_dirty(arg, dom);
	return 0;
}

/* A guest agent that connects can now say which OS the guest runs. */
static void
on_agent(virConnectPtr conn, virDomainPtr dom, int state, int reason,
    void *arg)
{
	(void)conn;
	(void)reason;
	if (state == VIR_CONNECT_DOMAIN_EVENT_AGENT_LIFECYCLE_STATE_CONNECTED)
		mark_dirty(arg, dom);
}

/* ---- the domain cache ---- */

static int
dom_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kvm_dom *)a)->uuid,
	    ((const struct kvm_dom *)b)->uuid);
}

static void
dom_done(struct kvm_dom *d)
{
	free(d->name);
}

static struct kvm_dom *
dom_find(struct backend_conn *c, const char *uuid)
{
	struct kvm_dom	key;

	if (c->ndoms == 0)
		return NULL;
	memcpy(key.uuid, uuid, sizeof key.uuid);
	return bsearch(&key, c->doms, c->ndoms, sizeof *c->doms, dom_cmp);
}

static void
apply_dirty(struct backend_conn *c)
{
	struct kvm_dom	*d;
	size_t		 i;

	pthread_mutex_lock(&c->dirty_lock);
	if (c->all_dirty)
		for (i = 0; i < c->ndoms; i++)
			c->doms[i].xml_ok = false;
	for (i = 0; i < c->ndirty; i++)
		if ((d = dom_find(c, c->dirty[i])) != NULL)
			d->xml_ok = false;
	c->ndirty = 0;
	c->all_dirty = false;
	pthread_mutex_unlock(&c->dirty_lock);
}

static const char *
guest_info_str(virTypedParameterPtr params, int n, const char *field)
{
	int	i;

	for (i = 0; i < n; i++)
		if (params[i].type == VIR_TYPED_PARAM_STRING &&
		    strcmp(params[i].field, field) == 0)
			return params[i].value.s;
	return NULL;
}

/* The guest's own word on its OS, from the qemu guest agent, preferred to
 * install-time metadata. Asked only when the live XML shows the agent
 * connected, and only when the XML is read: once per domain and again on
 * libvirt's events, never in the refresh loop. */
static void
dom_read_agent(struct backend_conn *c, struct kvm_dom *d, virDomainPtr dom)
{
	virTypedParameterPtr	 params = NULL;
	struct osinfo_agent	 a;
	char			 id[32], name[96];
	int			 n = 0;

	if (virDomainGetGuestInfo(dom, VIR_DOMAIN_GUEST_INFO_OS, &params, &n,
	    0) < 0)
		return;
	a.id = guest_info_str(params, n, "os.id");
	a.version_id = guest_info_str(params, n, "os.version-id");
	a.name = guest_info_str(params, n, "os.name");
	a.kernel_release = guest_info_str(params, n, "os.kernel-release");
	a.variant_id = guest_info_str(params, n, "os.variant-id");
	if (osinfo_from_agent(&a, id, sizeof id, name, sizeof name) != -1) {
		d->os = strpool_get(&c->strs, name);
		d->os_id = id[0] != '\0' ? strpool_get(&c->strs, id) : NULL;
		d->os_by_guest = true;
	}
	virTypedParamsFree(params, n);
}

static void
dom_read_xml(struct backend_conn *c, struct kvm_dom *d, virDomainPtr dom)
{
	struct kvm_domxml	 x;
	char			*xml, id[32], name[96];

	if ((xml = virDomainGetXMLDesc(dom, 0)) == NULL)
		return;
	kvm_xml_parse(xml, &x);
	free(xml);
	d->os = d->os_id = d->machine = NULL;
	if (x.os_url[0] != '\0' && osinfo_from_url(x.os_url, id, sizeof id,
	    name, sizeof name) == 0) {
		d->os = strpool_get(&c->strs, name);
		d->os_id = strpool_get(&c->strs, id);
	}
	if (x.machine[0] != '\0')
		d->machine = strpool_get(&c->strs, x.machine);
	strlcpy_cv(d->virt_type, x.virt_type, sizeof d->virt_type);
	d->xml_vcpus = x.vcpus;
	d->xml_mem_max = x.mem_max_kib * 1024;
	d->xml_ok = true;
	d->os_by_guest = false;
	if (x.agent)
		dom_read_agent(c, d, dom);
}

/* The domain's UUID as libvirt writes it, without its printf: this runs
 * for every guest on every poll that checks identities. */
static int
uuid_string(virDomainPtr dom, char out[VIR_UUID_STRING_BUFLEN])
{
	unsigned char	raw[VIR_UUID_BUFLEN];

	if (virDomainGetUUID(dom, raw) != 0)
		return -1;
	kvm_uuid_format(raw, out);
	return 0;
}

static const char *
dom_name_key(const void *doms, size_t k)
{
	return ((const struct kvm_dom *)doms)[k].name;
}

/* The sorted cache entry named NAME, or NULL. */
static struct kvm_dom *
dom_by_name(const struct backend_conn *c, const char *name)
{
	size_t	k;

	k = strindex_find(&c->byname, c->doms, dom_name_key, name);
	return k == STRINDEX_NONE ? NULL : &c->doms[k];
}

/* Finds or adds the cache entry of a stats record's domain; new entries go
 * at the end and are sorted in after the poll. Between full checks a
 * domain is known by its name: libvirt formats the UUID through printf on
 * every call that takes a domain, a tenth of a 1000-guest poll. A name
 * stands for the same UUID until a domain is defined or undefined (an
 * event says so) or the next poll that reads the slow groups, which checks
 * every UUID: on connections without events, a guest undefined and
 * defined again under its old name between two polls keeps its old
 * identity until then. */
static struct kvm_dom *
dom_lookup(struct backend_conn *c, virDomainPtr dom, size_t sorted,
    size_t *cap, bool check_ids, size_t rec)
{
	char		 uuid[VIR_UUID_STRING_BUFLEN];
	struct kvm_dom	*d = NULL, key;
	const char	*name;

	name = virDomainGetName(dom);
	/* libvirt lists domains in the same order poll after poll: first
	 * try the entry this record had last time. */
	if (!check_ids && name != NULL && rec < c->nrec_dom &&
	    c->rec_dom[rec] < sorted &&
	    (d = &c->doms[c->rec_dom[rec]])->name != NULL &&
	    strcmp(d->name, name) == 0 && !d->seen)
		goto found;
	if (!check_ids && name != NULL && (d = dom_by_name(c, name)) != NULL &&
	    !d->seen)
		goto found;
	d = NULL;
	if (uuid_string(dom, uuid) != 0)
		return NULL;
	if (sorted > 0) {
		memcpy(key.uuid, uuid, sizeof key.uuid);
		d = bsearch(&key, c->doms, sorted, sizeof *c->doms, dom_cmp);
	}
	/* Not among the entries of earlier polls: new, as one reply lists a
	 * domain once. */
	if (d == NULL) {
		if (c->ndoms == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			c->doms = xreallocarray(c->doms, *cap, sizeof *c->doms);
		}
		d = &c->doms[c->ndoms++];
		memset(d, 0, sizeof *d);
		memcpy(d->uuid, uuid, sizeof d->uuid);
	}
	if (name != NULL && (d->name == NULL || strcmp(d->name, name) != 0)) {
		free(d->name);
		d->name = xstrdup(name);
		c->names_changed = true;
	}
found:
	d->seen = true;
	if (!d->xml_ok && !c->xml_later)
		dom_read_xml(c, d, dom);
	return d;
}

/* Drops domains that have gone and restores the sort order and the name
 * index; SORTED entries were there before the poll. True when entries
 * moved (pointers into the cache are stale). */
static bool
dom_sweep(struct backend_conn *c, size_t sorted)
{
	size_t	i, o = 0;
	bool	moved;

	for (i = 0; i < c->ndoms; i++) {
		if (!c->doms[i].seen) {
			dom_done(&c->doms[i]);
			continue;
		}
		c->doms[i].seen = false;
		c->doms[o++] = c->doms[i];
	}
	moved = o != sorted || c->ndoms != sorted;
	c->ndoms = o;
	if (moved)
		qsort(c->doms, c->ndoms, sizeof *c->doms, dom_cmp);
	if (moved || c->names_changed)
		strindex_build(&c->byname, c->doms, c->ndoms, dom_name_key);
	c->names_changed = false;
	return moved;
}

/* ---- stats records ---- */

static uint64_t
param_u64(const virTypedParameter *p)
{
	switch (p->type) {
	case VIR_TYPED_PARAM_INT:
		return p->value.i < 0 ? 0 : (uint64_t)p->value.i;
	case VIR_TYPED_PARAM_UINT:
		return p->value.ui;
	case VIR_TYPED_PARAM_LLONG:
		return p->value.l < 0 ? 0 : (uint64_t)p->value.l;
	case VIR_TYPED_PARAM_ULLONG:
		return p->value.ul;
	case VIR_TYPED_PARAM_DOUBLE:
		return p->value.d < 0 ? 0 : (uint64_t)p->value.d;
	default:
		return 0;
	}
}

static enum guest_state
map_state(int st, int reason, enum guest_health *health)
{
	*health = HEALTH_NONE;
	switch (st) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return GUEST_RUNNING;
	case VIR_DOMAIN_PAUSED:
		if (reason == VIR_DOMAIN_PAUSED_IOERROR ||
		    reason == VIR_DOMAIN_PAUSED_WATCHDOG ||
		    reason == VIR_DOMAIN_PAUSED_CRASHED)
			*health = HEALTH_CRITICAL;
		if (reason == VIR_DOMAIN_PAUSED_STARTING_UP)
			return GUEST_STARTING;
		if (reason == VIR_DOMAIN_PAUSED_SAVE ||
		    reason == VIR_DOMAIN_PAUSED_SHUTTING_DOWN)
			return GUEST_STOPPING;
		return GUEST_PAUSED;
	case VIR_DOMAIN_SHUTDOWN:
		return GUEST_STOPPING;
	case VIR_DOMAIN_SHUTOFF:
		return reason == VIR_DOMAIN_SHUTOFF_SAVED ? GUEST_SAVED :
		    GUEST_SHUTOFF;
	case VIR_DOMAIN_CRASHED:
		*health = HEALTH_CRITICAL;
		return GUEST_CRASHED;
	case VIR_DOMAIN_PMSUSPENDED:
		return GUEST_SUSPENDED;
	default:
		return GUEST_UNKNOWN;
	}
}

/* The state and the kept figures of a guest, from its record's state
 * (DOM) or, for a shut-off guest carried over from the last poll (no
 * DOM), from the state that poll read. */
static void
settle_guest(struct kvm_dom *d, virDomainPtr dom, int st, int reason,
    struct raw_guest *g)
{
	g->state = map_state(st, reason, &g->health);
	if (g->state == GUEST_SHUTOFF && d->vir_state != VIR_DOMAIN_SHUTOFF &&
	    dom != NULL)
		d->managed_save = virDomainHasManagedSaveImage(dom, 0) == 1;
	if (g->state == GUEST_SHUTOFF && d->managed_save)
		g->state = GUEST_SAVED;
	d->vir_state = st;
	d->vir_reason = reason;
	/* A guest that is not running holds no live figures. */
	if (g->state == GUEST_SHUTOFF || g->state == GUEST_SAVED ||
	    g->state == GUEST_CRASHED || g->state == GUEST_UNKNOWN)
		d->slow_have = 0;
	g->have |= d->slow_have;
	g->mem_bytes = d->mem;
	g->mem_used_bytes = d->mem_used;
	g->disk_rd_bytes = d->disk_rd;
	g->disk_wr_bytes = d->disk_wr;
	g->slow_ns = d->slow_ns;
	if (d->slow_have & RAW_VCPUS)
		g->vcpus = d->vcpus;
	else if (d->xml_vcpus > 0) {
		g->vcpus = d->xml_vcpus;
		g->have |= RAW_VCPUS;
	}
	if (d->slow_have & RAW_MEM_MAX)
		g->mem_max_bytes = d->mem_max;
	else if (d->xml_mem_max > 0) {
		g->mem_max_bytes = d->xml_mem_max;
		g->have |= RAW_MEM_MAX;
	}
}

/* Figures of one record: fields starting "block."/"net." are summed over
 * devices. The slow groups update the cache; otherwise the cached values
 * are repeated with the time they were read. Drivers that report a managed
 * save only through virDomainHasManagedSaveImage (the test driver) are
 * asked once, when a guest turns shut off, never on every poll. */
static void
read_record(struct backend_conn *c, virDomainStatsRecordPtr rec,
    struct kvm_dom *d, bool slow, uint64_t now, struct raw_guest *g)
{
	int		 i, st = -1, reason = 0;
	uint64_t	 avail = 0, unused = 0, bal_cur = 0, bal_max = 0;
	unsigned	 seen = 0;
	const char	*f, *dot;

	(void)c;
#define SEEN_AVAIL	(1u << 0)
#define SEEN_UNUSED	(1u << 1)
#define SEEN_BAL	(1u << 2)
#define SEEN_BALMAX	(1u << 3)
#define SEEN_VCPU	(1u << 4)
#define SEEN_BLOCK	(1u << 5)
	if (slow) {
		d->slow_have = 0;
		d->disk_rd = d->disk_wr = 0;
		d->slow_ns = now;
	}
	for (i = 0; i < rec->nparams; i++) {
		const virTypedParameter *p = &rec->params[i];

		f = p->field;
		if (strcmp(f, "state.state") == 0)
			st = (int)param_u64(p);
		else if (strcmp(f, "state.reason") == 0)
			reason = (int)param_u64(p);
		else if (strcmp(f, "cpu.time") == 0) {
			g->cpu_time_ns = param_u64(p);
			g->have |= RAW_CPU_TIME;
		} else if (strcmp(f, "net.count") == 0)
			g->have |= RAW_NET;
		else if (strncmp(f, "net.", 4) == 0 &&
		    (dot = strchr(f + 4, '.')) != NULL) {
			if (strcmp(dot, ".rx.bytes") == 0)
				g->net_rx_bytes += param_u64(p);
			else if (strcmp(dot, ".tx.bytes") == 0)
				g->net_tx_bytes += param_u64(p);
		} else if (!slow)
			continue;
		else if (strcmp(f, "balloon.current") == 0) {
			bal_cur = param_u64(p) * 1024;
			seen |= SEEN_BAL;
		} else if (strcmp(f, "balloon.maximum") == 0) {
			bal_max = param_u64(p) * 1024;
			seen |= SEEN_BALMAX;
		} else if (strcmp(f, "balloon.available") == 0) {
			avail = param_u64(p) * 1024;
			seen |= SEEN_AVAIL;
		} else if (strcmp(f, "balloon.unused") == 0) {
			unused = param_u64(p) * 1024;
			seen |= SEEN_UNUSED;
		} else if (strcmp(f, "vcpu.current") == 0) {
			d->vcpus = (int)param_u64(p);
			seen |= SEEN_VCPU;
		} else if (strcmp(f, "block.count") == 0)
			seen |= SEEN_BLOCK;
		else if (strncmp(f, "block.", 6) == 0 &&
		    (dot = strchr(f + 6, '.')) != NULL) {
			if (strcmp(dot, ".rd.bytes") == 0)
				d->disk_rd += param_u64(p);
			else if (strcmp(dot, ".wr.bytes") == 0)
				d->disk_wr += param_u64(p);
		}
	}
	if (slow) {
		if (seen & SEEN_BAL) {
			d->mem = bal_cur;
			d->slow_have |= RAW_MEM;
		}
		if (seen & SEEN_BALMAX) {
			d->mem_max = bal_max;
			d->slow_have |= RAW_MEM_MAX;
		}
		if ((seen & SEEN_AVAIL) && (seen & SEEN_UNUSED) &&
		    avail >= unused) {
			d->mem_used = avail - unused;
			d->slow_have |= RAW_MEM_USED;
		}
		if (seen & SEEN_VCPU)
			d->slow_have |= RAW_VCPUS;
		if (seen & SEEN_BLOCK)
			d->slow_have |= RAW_DISK;
	}

	settle_guest(d, rec->dom, st, reason, g);
}

/* A sample's guest borrows its strings from the cache entry D. */
static void
point_guest(struct raw_guest *g, const struct kvm_dom *d)
{
	if (d == NULL)
		return;
	g->name = d->name;
	g->os = d->os;
	g->os_id = d->os_id;
	g->os_by_guest = d->os_by_guest;
	g->virt_type = d->virt_type[0] ? d->virt_type : NULL;
	g->machine = d->machine;
}

/* A flag libvirt refused as unknown or unsupported by the driver. */
static bool
flag_refused(void)
{
	virErrorPtr	e = virGetLastError();

	return e != NULL && (e->code == VIR_ERR_INVALID_ARG ||
	    e->code == VIR_ERR_NO_SUPPORT);
}

/* Every domain's records, or with RUNNING only the active domains' (those
 * with a process: running, paused, suspended). */
static int
get_all_stats(struct backend_conn *c, unsigned stats, bool running,
    virDomainStatsRecordPtr **recs, struct cv_err *err)
{
	unsigned	filter, flags;
	int		n;

	filter = running && !c->no_filter ?
	    VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE : 0;
	flags = filter | (c->nowait ? VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT :
	    0);
	n = virConnectGetAllDomainStats(c->conn, stats, recs, flags);
	/* Drivers without NOWAIT (the test driver) refuse the flag. */
	if (n < 0 && c->nowait && flag_refused()) {
		c->nowait = false;
		n = virConnectGetAllDomainStats(c->conn, stats, recs, filter);
	}
	if (n < 0 && filter != 0 && flag_refused()) {
		c->no_filter = true;
		n = virConnectGetAllDomainStats(c->conn, stats, recs, 0);
	}
	if (n < 0)
		return lv_err(err, CV_E_PROTOCOL, "domain stats");
	return n;
}

/* Whether a poll of the running domains alone left out one that it cannot
 * carry over: a domain not shut off at the last poll (it has stopped, or
 * gone), or one whose XML is due, which takes its record. */
static bool
must_read_all(const struct backend_conn *c, size_t sorted)
{
	size_t	i;

	for (i = 0; i < sorted; i++) {
		const struct kvm_dom *d = &c->doms[i];

		if (!d->seen && (d->vir_state != VIR_DOMAIN_SHUTOFF ||
		    (!d->xml_ok && !c->xml_later)))
			return true;
	}
	return false;
}

/* Undoes a poll's pass over its records, for another over every domain:
 * entries new in the pass go (the next pass adds them again). */
static void
forget_pass(struct backend_conn *c, struct raw_sample *s, size_t sorted)
{
	size_t	i;

	for (i = sorted; i < c->ndoms; i++)
		dom_done(&c->doms[i]);
	c->ndoms = sorted;
	for (i = 0; i < sorted; i++)
		c->doms[i].seen = false;
	c->nrec_dom = 0;
	s->n = 0;
}

/* A shut-off guest has no figures that move: the guests a poll of the
 * running domains left out are as the last poll read them. */
static void
carry_shutoff(struct backend_conn *c, struct raw_sample *s, size_t sorted)
{
	size_t	i;

	for (i = 0; i < sorted; i++) {
		struct kvm_dom		*d = &c->doms[i];
		struct raw_guest	*g;

		if (d->seen)
			continue;
		d->seen = true;
		g = raw_sample_next(s);
		memcpy(g->id, d->uuid, sizeof d->uuid);
		settle_guest(d, NULL, d->vir_state, d->vir_reason, g);
		point_guest(g, d);
		g->details_later = c->xml_later && !d->xml_ok;
	}
}

/* One pass over a reply's records: each finds or makes its domain's cache
 * entry, and adds its guest to the sample. */
static void
read_records(struct backend_conn *c, virDomainStatsRecordPtr *recs, int n,
    struct raw_sample *s, size_t sorted, size_t *cap, bool check_ids,
    bool slow, uint64_t now)
{
	int	i;

	/* Updated in place: record i reads its slot before writing it. The
	 * last poll's may have been more (every domain, not the running
	 * alone): past n they are gone. */
	c->rec_dom = xreallocarray(c->rec_dom, n > 0 ? (size_t)n : 1,
	    sizeof *c->rec_dom);
	if (c->nrec_dom > (size_t)n)
		c->nrec_dom = (size_t)n;
	for (i = 0; i < n; i++) {
		struct kvm_dom		*d;
		struct raw_guest	*g;

		/* A second after the last poll, the name dom_lookup
		 * compares first is out of the cache: asked for two records
		 * ahead, it is in by then. */
		if ((size_t)i + 2 < c->nrec_dom && c->rec_dom[i + 2] < sorted)
			__builtin_prefetch(c->doms[c->rec_dom[i + 2]].name);
		d = dom_lookup(c, recs[i]->dom, sorted, cap, check_ids,
		    (size_t)i);
		c->rec_dom[i] = d != NULL ? (size_t)(d - c->doms) : SIZE_MAX;
		if (d == NULL)
			continue;
		g = raw_sample_next(s);
		memcpy(g->id, d->uuid, sizeof d->uuid);
		read_record(c, recs[i], d, slow, now, g);
		point_guest(g, d);
		g->details_later = c->xml_later && !d->xml_ok;
	}
	c->nrec_dom = (size_t)n;
}

/* Between the polls that read the slow groups, a poll asks for the
 * running domains alone, and carries the shut-off guests over: libvirt
 * then decodes, and the host gathers, no record that could not have
 * changed. A guest that starts is among the running at once; one that
 * stops, or a domain defined or undefined (libvirt's event), has the poll
 * read every domain, as the polls that read the slow groups do. */
static int
kvm_poll(struct backend_conn *c, struct raw_sample *s, struct cv_err *err)
{
	virDomainStatsRecordPtr	*recs = NULL;
	unsigned		 stats;
	uint64_t		 now;
	size_t			 sorted, cap;
	int			 n, i, closed;
	bool			 slow, check_ids, running;

	if ((closed = atomic_load(&c->closed)) != 0)
		return cv_err_set(err, CV_E_CONNECT, "connection closed (%s)",
		    closed - 1 == VIR_CONNECT_CLOSE_REASON_KEEPALIVE ?
		    "keepalive timeout" : closed - 1 ==
		    VIR_CONNECT_CLOSE_REASON_EOF ? "end of file" : "error");
	apply_dirty(c);
	now = backend_now_ns();
	/* The first two polls read every group, so rates exist at once. */
	slow = c->polls < 2 ||
	    now - c->last_slow_ns >= (uint64_t)(c->slow_s * 1e9);
	/* A call per domain: the caller may want the guests shown first. */
	c->xml_later = s->defer_details && c->remote;
	c->polls++;
	stats = VIR_DOMAIN_STATS_STATE | VIR_DOMAIN_STATS_CPU_TOTAL |
	    VIR_DOMAIN_STATS_INTERFACE;
	if (slow)
		stats |= VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_VCPU |
		    VIR_DOMAIN_STATS_BLOCK;
	check_ids = slow || atomic_exchange(&c->ids_changed, false);
	running = !check_ids;
	sorted = c->ndoms;
	cap = c->ndoms;
	for (;;) {
		if ((n = get_all_stats(c, stats, running, &recs, err)) < 0)
			return -1;
		now = backend_now_ns();
		s->n = 0;
		s->taken_ns = now;
		raw_sample_reserve(s, (size_t)n > sorted ? (size_t)n : sorted);
		read_records(c, recs, n, s, sorted, &cap, check_ids, slow, now);
		virDomainStatsRecordListFree(recs);
		recs = NULL;
		if (!running || c->no_filter || !must_read_all(c, sorted))
			break;
		forget_pass(c, s, sorted);
		running = false;
	}
	if (slow)
		c->last_slow_ns = now;
	if (running && !c->no_filter)
		carry_shutoff(c, s, sorted);
	/* Strings point into the cache: when the sweep moved it, point them
	 * again. */
	if (dom_sweep(c, sorted)) {
		/* Grown by doubling, or shrunk: the cache keeps no spare
		 * room between polls (cap starts from ndoms). */
		if (cap != c->ndoms)
			c->doms = xreallocarray(c->doms, c->ndoms ? c->ndoms : 1,
			    sizeof *c->doms);
		c->nrec_dom = 0;
		for (i = 0; i < (int)s->n; i++)
			point_guest(&s->guests[i], dom_find(c, s->guests[i].id));
	}
	return 0;
}

/* ---- identity ---- */

/* Over SSH the file is read through the ssh program libvirt runs for the
 * host, with the URI's user, port, key and known_hosts: whatever let
 * libvirt in lets this read in, and its cryptography is not ours to keep
 * in memory. */
static int
read_platform_ssh(const struct kvm_uri *u, double timeout, char **text,
    struct cv_err *err)
{
	struct sshx_target	 t;
	struct ossh_result	*r;
	char			 line[sizeof err->msg];
	int			 rc = 0;

	memset(&t, 0, sizeof t);
	t.host = u->host;
	t.user = u->user[0] ? u->user : NULL;
	t.port = u->port;
	t.identity = u->keyfile[0] ? u->keyfile : NULL;
	t.known_hosts = u->known_hosts[0] ? u->known_hosts : NULL;
	t.timeout_s = timeout;
	/* On the heap: a poller's stack keeps every page it ever touched,
	 * and this runs once on each. */
	r = xmalloc(sizeof *r);
	if (ossh_run(&t, "cat /etc/os-release 2>/dev/null || "
	    "cat /usr/lib/os-release", OS_RELEASE_MAX, r, err) == -1) {
		if (kvm_ssh_hostkey_refusal(r->said, u, line, sizeof line))
			cv_err_set(err, CV_E_HOSTKEY, "%s", line);
		rc = -1;
	} else
		*text = r->out;
	free(r);
	return rc;
}

static void
read_platform(const struct kvm_uri *u, double timeout, struct raw_host *rh)
{
	struct cv_err		 err;
	char			*text = NULL;
	size_t			 len;
	FILE			*f;

	cv_err_clear(&err);
	rh->platform_retry = false;
	if (u->host[0] == '\0') {
		if ((f = fopen("/etc/os-release", "r")) == NULL)
			f = fopen("/usr/lib/os-release", "r");
		if (f != NULL) {
			text = xcalloc(1, OS_RELEASE_MAX);
			len = fread(text, 1, OS_RELEASE_MAX - 1, f);
			text[len] = '\0';
			fclose(f);
		}
	} else if (kvm_uri_is_ssh(u))
		rh->platform_retry = read_platform_ssh(u, timeout, &text,
		    &err) == -1;
	else
		cv_err_set(&err, CV_E_UNSUPPORTED, "transport '%s' has no SSH",
		    u->transport[0] ? u->transport : "tls");
	if (rh->platform_retry)
		/* The reason last: a refused key's advice ends in a path. */
		snprintf(rh->notice, sizeof rh->notice, "host platform not "
		    "read, trying again later (or set platform = in the "
		    "config): %.177s", err.msg);
	else if (text == NULL || platform_from_os_release(text, rh->platform,
	    sizeof rh->platform) == -1)
		snprintf(rh->notice, sizeof rh->notice, "host platform not "
		    "detected (%.180s); set platform = in the config",
		    err.msg[0] ? err.msg : "no /etc/os-release");
	free(text);
}

static void
read_identity(struct backend_conn *c, struct raw_host *rh)
{
	unsigned long	 ver = 0;
	const char	*type;
	char		*host;
	virNodeInfo	 ni;

	if ((host = virConnectGetHostname(c->conn)) != NULL) {
		strlcpy_cv(rh->hostname, host, sizeof rh->hostname);
		free(host);
	}
	type = virConnectGetType(c->conn);
	if (virConnectGetVersion(c->conn, &ver) == 0 && ver > 0)
		snprintf(rh->hypervisor, sizeof rh->hypervisor, "%s %lu.%lu.%lu",
		    type ? type : "?", ver / 1000000, ver / 1000 % 1000,
		    ver % 1000);
	else if (type != NULL)
		strlcpy_cv(rh->hypervisor, type, sizeof rh->hypervisor);
	if (virNodeGetInfo(c->conn, &ni) == 0)
		rh->logical_cpus = (int)ni.cpus;
}

/* OpenSSH's host key banner, passed on whole by libvirt, would fill the
 * error line with capitals and lose the advice: say it in one line. */
static void
open_err(const struct kvm_uri *u, struct cv_err *err)
{
	const char	*m = virGetLastErrorMessage();
	char		 line[sizeof err->msg];

	if (m != NULL && strcmp(u->transport, "ssh") == 0 &&
	    kvm_ssh_hostkey_refusal(m, u, line, sizeof line))
		cv_err_set(err, CV_E_HOSTKEY, "%s", line);
	else
		lv_err(err, CV_E_CONNECT, "libvirt");
}

static int
kvm_open(const struct cfg_host *hc, const struct backend_params *bp,
    struct backend_conn **out, struct raw_host *rh, struct cv_err *err)
{
	struct backend_conn	*c;
	struct kvm_uri		 u;
	virConnectAuth		 auth = { NULL, 0, NULL, NULL };
	char			*uri;

	if (hc->uri == NULL || kvm_uri_parse(hc->uri, &u) == -1)
		return cv_err_set(err, CV_E_CONFIG, "bad libvirt URI '%s'",
		    hc->uri ? hc->uri : "");
	c = xcalloc(1, sizeof *c);
	atomic_init(&c->refs, 1);
	pthread_mutex_init(&c->dirty_lock, NULL);
	atomic_init(&c->closed, 0);
	c->lifecycle_cb = -1;
	c->agent_cb = -1;
	c->nowait = true;
	c->slow_s = bp->slow_refresh_s;
	/* A remote host pays a round trip per domain; a local one, little. */
	c->remote = u.host[0] != '\0';
	c->name = xstrdup(hc->name);

	if (kvm_uri_in_process(&u))
		kvm_events_before_in_process_open();
	/* No auth callbacks: crossvisor never prompts. */
	uri = kvm_uri_for_open(hc->uri, &u);
	c->conn = virConnectOpenAuth(uri, &auth, 0);
	free(uri);
	if (c->conn == NULL) {
		open_err(&u, err);
		kvm_close(c);
		return -1;
	}
	virConnectSetKeepAlive(c->conn, 5, 3);
	/* No reference for the close callback: libvirt calls it under the
	 * lock that unregistering takes, so it cannot run once kvm_close has
	 * unregistered it; and drivers without one (the test driver) accept
	 * it and never call its free callback. */
	if (virConnectRegisterCloseCallback(c->conn, on_close, c, NULL) == 0)
		c->close_cb = true;
	c->lifecycle_cb = virConnectDomainEventRegisterAny(c->conn, NULL,
	    VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), conn_hold(c),
	    conn_release);
	if (c->lifecycle_cb < 0)
		conn_release(c);
	c->agent_cb = virConnectDomainEventRegisterAny(c->conn, NULL,
	    VIR_DOMAIN_EVENT_ID_AGENT_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(on_agent), conn_hold(c), conn_release);
	if (c->agent_cb < 0)
		conn_release(c);

	read_identity(c, rh);
	c->hc = hc;
	c->uri = u;
	c->timeout_s = bp->timeout_s;
	/* Over SSH, the platform takes a session of its own: the caller may
	 * have it read once the other hosts have connected. */
	if (hc->platform == NULL && bp->defer_platform &&
	    u.host[0] != '\0' && kvm_uri_is_ssh(&u))
		rh->platform_later = true;
	else if (hc->platform == NULL)
		read_platform(&u, bp->timeout_s, rh);
	if (strcmp(u.transport, "libssh") == 0 && rh->notice[0] == '\0')
		snprintf(rh->notice, sizeof rh->notice, "qemu+libssh:// with "
		    "libvirt 9.0 and libssh 0.10 stalls about 5 s on replies "
		    "over a few KiB; qemu+ssh:// is recommended");
	*out = c;
	return 0;
}

static int
kvm_platform(struct backend_conn *c, struct raw_host *rh, struct cv_err *err)
{
	(void)err;
	/* Not detected is a notice, never a failure of the host. */
	read_platform(&c->uri, c->timeout_s, rh);
	rh->platform_later = false;
	return 0;
}

static void
kvm_close(struct backend_conn *c)
{
	size_t	i;

	if (c == NULL)
		return;
	if (c->conn != NULL) {
		if (c->lifecycle_cb >= 0)
			virConnectDomainEventDeregisterAny(c->conn,
			    c->lifecycle_cb);
		if (c->agent_cb >= 0)
			virConnectDomainEventDeregisterAny(c->conn,
			    c->agent_cb);
		if (c->close_cb)
			virConnectUnregisterCloseCallback(c->conn, on_close);
		virConnectClose(c->conn);
	}
	for (i = 0; i < c->ndoms; i++)
		dom_done(&c->doms[i]);
	free(c->doms);
	c->doms = NULL;
	c->ndoms = 0;
	strindex_free(&c->byname);
	strpool_free(&c->strs);
	free(c->rec_dom);
	free(c->name);
	c->name = NULL;
	conn_release(c);
}

/* ---- actions ---- */

static int
take_snapshot(virDomainPtr dom, struct cv_err *err)
{
	virDomainSnapshotPtr	 snap;
	char			 xml[256], name[64];
	time_t			 now = time(NULL);
	struct tm		 tm;

	gmtime_r(&now, &tm);
	strftime(name, sizeof name, "crossvisor-%Y%m%d-%H%M%S", &tm);
	snprintf(xml, sizeof xml, "<domainsnapshot><name>%s</name>"
	    "<description>taken by crossvisor</description>"
	    "</domainsnapshot>", name);
	if ((snap = virDomainSnapshotCreateXML(dom, xml, 0)) == NULL)
		return lv_err(err, CV_E_FAILED, "snapshot");
	virDomainSnapshotFree(snap);
	cv_err_set(err, CV_E_NONE, "snapshot %s taken", name);
	return 0;
}

/* A request the guest already satisfies is done, and says so. */
static int
already(struct cv_err *err, const char *what)
{
	cv_err_set(err, CV_E_NONE, "already %s; nothing to do", what);
	return 0;
}

static int
run_action(virDomainPtr dom, int st, enum action a, struct cv_err *err)
{
	bool	active = st == VIR_DOMAIN_RUNNING || st == VIR_DOMAIN_BLOCKED ||
		    st == VIR_DOMAIN_PAUSED || st == VIR_DOMAIN_PMSUSPENDED ||
		    st == VIR_DOMAIN_SHUTDOWN;
	int	rc;

	switch (a) {
	case ACTION_START:
		if (active)
			return already(err, "running");
		rc = virDomainCreate(dom);
		break;
	case ACTION_SHUTDOWN:
		if (!active)
			return already(err, "off");
		rc = virDomainShutdown(dom);
		break;
	case ACTION_REBOOT:
		rc = virDomainReboot(dom, 0);
		break;
	case ACTION_RESET:
		rc = virDomainReset(dom, 0);
		break;
	case ACTION_POWEROFF:
		if (!active)
			return already(err, "off");
		rc = virDomainDestroy(dom);
		break;
	case ACTION_PAUSE:
		if (st == VIR_DOMAIN_PAUSED)
			return already(err, "paused");
		rc = virDomainSuspend(dom);
		break;
	case ACTION_RESUME:
		if (st == VIR_DOMAIN_RUNNING)
			return already(err, "running");
		rc = st == VIR_DOMAIN_PMSUSPENDED ?
		    virDomainPMWakeup(dom, 0) : virDomainResume(dom);
		break;
	case ACTION_SAVE:
		rc = virDomainManagedSave(dom, 0);
		break;
	case ACTION_SNAPSHOT:
		return take_snapshot(dom, err);
	default:
		return cv_err_set(err, CV_E_UNSUPPORTED, "unknown action");
	}
	if (rc < 0)
		return lv_err(err, CV_E_FAILED, action_name(a));
	return 0;
}

static int
kvm_act(struct backend_conn *c, const char *id, enum action a,
    struct cv_err *err)
{
	virDomainPtr	dom;
	int		st = -1, reason, rc;

	if ((dom = virDomainLookupByUUIDString(c->conn, id)) == NULL)
		return lv_err(err, CV_E_NOTFOUND, "guest");
	if (virDomainGetState(dom, &st, &reason, 0) < 0)
		st = -1;
	rc = run_action(dom, st, a, err);
	virDomainFree(dom);
	return rc;
}
