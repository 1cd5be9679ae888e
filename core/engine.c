/* The engine: one poller thread per host owning its backend connection, and
 * a watchdog thread that shows a host down when a call outlives its
 * deadline and then abandons the stuck thread for a fresh one. Pollers
 * publish immutable snapshots to the fleet. */
#include "core/engine.h"

#include <sys/resource.h>
#include <sys/syscall.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "core/cert.h"
#include "core/clock.h"
#include "core/conf.h"
#include "core/demo.h"
#include "core/err.h"
#include "core/evlog.h"
#include "core/fleet.h"
#include "core/hash.h"
#include "core/rates.h"
#include "core/snap.h"
#include "core/strindex.h"
#include "core/xmalloc.h"

#define QUEUE_MAX	64
#define WATCH_MS	200	/* while an overdue call waits for another */
#define WATCH_NEVER	UINT64_MAX
/* A backend's own timeout, as long as the call's, ends it a moment after
 * the deadline, and its error says more than the watchdog's: it gets this
 * long to come first. */
#define WATCH_GRACE_MS	200
#define BACKOFF_MIN	0.5	/* seconds before the first retry */
#define QUIT_GRACE_MS	500	/* quitting waits this long for pollers */

struct poller;

/*
 * One poller thread and what a backend call may write while it runs. The
 * watchdog abandons a worker whose call outlives its deadline: the call
 * keeps its worker, the host gets a fresh one, and the abandoned thread
 * frees its worker and ends when (if ever) the call returns.
 */
struct worker {
	struct poller		*p;		/* (borrowed) */
	pthread_t		 thread;
	bool			 abandoned;	/* Locked by p->lock. */
	atomic_bool		 exited;
	struct backend_conn	*conn;
	struct raw_host		 rh;
	struct raw_sample	 sample;
	bool			 details_first;	/* the next poll leaves the
						   details (start-up) */
	bool			 details_crowd;	/* this poll left them, as
						   many hosts connect */
	uint64_t		 platform_retry_ms; /* monotonic; 0 none */
	double			 platform_backoff;  /* seconds, the next */
};

enum call_end {
	CALL_DONE,		/* in time */
	CALL_LATE,		/* past its deadline, already shown down */
	CALL_ABANDONED		/* the host has another worker now */
};

struct action_req {
	uint64_t	 id;
	enum action	 action;
	char		 guest_id[40];
	char		 guest_name[128];
};

struct poller {
	struct engine		*eng;		/* (borrowed) */
	size_t			 idx;
	const struct cfg_host	*hc;		/* (borrowed) */
	const struct backend_ops *ops;		/* NULL: unknown type */
	bool			 started;
	atomic_bool		 settled;	/* its first connect and poll
						   are over */

	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct action_req	*queue;		/* (owned) Locked by lock: made
						   at the first action */
	size_t			 nqueue;		/* Locked by lock. */
	bool			 stop;			/* Locked by lock. */
	struct host_snap	*last;		/* Locked by lock: published */
	struct worker		*cur;		/* Locked by lock. */
	unsigned		 nabandoned;	/* Locked by lock: still alive */
	uint64_t		 call_deadline;	/* Locked by lock: 0 idle */
	const char		*call_what;	/* Locked by lock. */
	double			 call_secs;	/* Locked by lock. */
	bool			 overdue;	/* Locked by lock. */
	bool			 call_act;	/* Locked by lock. */
	struct action_req	 call_req;	/* Locked by lock. */
	struct raw_host		 rh;		/* Locked by lock: identity */
	bool			 platform_go;	/* Locked by lock: every host
						   is settled */
	bool			 platform_want;	/* Locked by lock: a read
						   waits (the worker's
						   rh.platform_later) */
	bool			 platform_queued; /* Locked by lock: no read
						   slot was free */
	unsigned		 polls;		/* Locked by lock. */
	uint64_t		 good_ms;	/* Locked by lock. */
	int64_t			 good_wall;	/* Locked by lock. */

	/* Private to the current worker. */
	struct rate_prev	*prev;		/* (owned) in the last sample's
						   order */
	size_t			 nprev;
	struct host_snap	*prev_snap;	/* (ref) built from prev: its
						   guests' ids and verdicts */
	struct strindex		 prev_ix;	/* prev by id */
	bool			 prev_ix_stale;	/* built at its first use */
	bool			 was_up;
	double			 backoff;	/* seconds, the next nominal */
	unsigned		 seed;
	char			 last_notice[256];
	uint64_t		 verdict_host;	/* host inputs of the last
						   verdicts; 0: none reusable */
};

struct engine {
	const struct cfg	*cfg;		/* (borrowed) */
	const struct cert_matrix *matrix;	/* (borrowed) NULL: none */
	struct fleet		*fleet;		/* (owned) */
	struct evlog		*evlog;		/* (owned) */
	struct poller		*pollers;	/* (owned) cfg->nhosts */
	size_t			 n;
	pthread_t		 watchdog;
	bool			 watching;
	bool			 platforms_last; /* see all_settled */
	bool			 platforms_never; /* see engine_platforms_never */
	bool			 guests_first;	/* see engine_guests_first */
	bool			 pollers_yield;	/* see engine_guests_first */
	atomic_size_t		 unsettled;	/* hosts not settled */
	_Atomic uint64_t	 settled_ms;	/* the last host settled then,
						   or the engine started */
	uint64_t		 crowd_quiet_ms; /* see hosts_crowd */
	atomic_int		 platform_reads; /* deferred reads under way */
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	bool			 stop;		/* Locked by lock. */
	uint64_t		 watch_at;	/* Locked by lock: the watchdog
						   sleeps until then */
	bool			 watch_scanning; /* Locked by lock. */
	bool			 watch_poked;	/* Locked by lock: a deadline
						   came during the scan */
	pthread_cond_t		 gate;		/* see arena_take */
	size_t			 armed;		/* Locked by lock. */
	bool			 gate_open;	/* Locked by lock. */
};

static void	*poller_main(void *);

/* Set once engine_free has left a thread behind (for good). */
static atomic_bool	 left_threads;
static void	*watchdog_main(void *);

/* ---- snapshots ---- */

/* Fills hi from the host's identity as last read; rh is the caller's
 * storage for it, which hi points into. Any thread. */
static void
host_info_init(struct poller *p, struct host_snap_info *hi,
    enum host_state st, struct raw_host *rh)
{
	memset(hi, 0, sizeof *hi);
	pthread_mutex_lock(&p->lock);
	*rh = p->rh;
	hi->good_ms = p->good_ms;
	hi->good_wall = p->good_wall;
	hi->polls = p->polls;
	pthread_mutex_unlock(&p->lock);
	hi->name = p->hc->name;
	hi->type = p->hc->type;
	hi->state = st;
	hi->platform = p->hc->platform != NULL ? p->hc->platform :
	    (rh->platform[0] != '\0' ? rh->platform : NULL);
	hi->platform_pending = hi->platform == NULL && rh->platform_later;
	hi->hypervisor = rh->hypervisor[0] != '\0' ? rh->hypervisor : NULL;
	hi->hostname = rh->hostname[0] != '\0' ? rh->hostname : NULL;
	hi->demo = p->hc->demo;
	hi->taken_ms = clock_mono_ms();
	hi->latency_ms = -1;
}

/* Keeps a big snapshot's block, ended, for the next build of w's host,
 * in the fleet, where a view that held it last gives it back too; with no
 * worker to build next, it goes. */
static void
keep_spare(struct poller *p, struct worker *w, struct host_snap *spare)
{
	if (w == NULL)
		snap_discard(spare);
	else
		fleet_give_spare(p->eng->fleet, p->idx, spare);
}

/* W is the host's worker when it is the caller and builds again next,
 * else NULL. The snapshot replaced usually ends here: the fleet keeps a
 * big one's block for the worker, whose next build then writes its pages
 * without faulting them in anew. When a view still holds it (the
 * console's), the view gives it back instead. */
static void
publish(struct poller *p, struct worker *w, struct host_snap *s)
{
	struct host_snap	*last;

	pthread_mutex_lock(&p->lock);
	last = p->last;
	p->last = snap_ref(s);
	pthread_mutex_unlock(&p->lock);
	keep_spare(p, w, snap_release(last));
	keep_spare(p, w, snap_release(fleet_publish(p->eng->fleet, p->idx, s)));
}

/* A down (or connecting) host keeps its last-known guests, marked stale. */
static struct host_snap *
build_unreachable(struct poller *p, const struct host_snap *last,
    enum host_state st, const char *error)
{
	struct host_snap_info	 hi;
	struct raw_host		 rh;
	struct snap_builder	*b;
	size_t			 i, n;

	host_info_init(p, &hi, st, &rh);
	hi.error = error;
	n = last != NULL ? last->nguests : 0;
	hi.stale = n > 0;
	if (last != NULL && last->latency_ms >= 0)
		hi.latency_ms = last->latency_ms;
	b = snap_builder_create(&hi, n);
	for (i = 0; i < n; i++)
		snap_builder_add_at(b, &last->guests[i], i);
	return snap_builder_finish(b);
}

/* W is the host's worker when it is the caller, else NULL. */
static void
publish_unreachable(struct poller *p, struct worker *w, enum host_state st,
    const char *error)
{
	struct host_snap	*last, *s;

	pthread_mutex_lock(&p->lock);
	last = p->last != NULL ? snap_ref(p->last) : NULL;
	pthread_mutex_unlock(&p->lock);
	s = build_unreachable(p, last, st, error);
	/* The copy holds the guests of the worker's last build in the same
	 * places: the worker keeps it instead, and a host that is down
	 * holds one snapshot, not two. */
	if (w != NULL && last != NULL && last == p->prev_snap) {
		snap_unref(p->prev_snap);
		p->prev_snap = snap_ref(s);
	}
	snap_unref(last);
	/* A host that is not up builds nothing soon: no block is kept. */
	publish(p, NULL, s);
}

static void
event(struct poller *p, enum evlog_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
event(struct poller *p, enum evlog_kind kind, const char *fmt, ...)
{
	struct evlog_entry	e;
	va_list			ap;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.ok = kind != EV_HOST_DOWN;
	strlcpy_cv(e.host, p->hc->name, sizeof e.host);
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof e.msg, fmt, ap);
	va_end(ap);
	evlog_add(p->eng->evlog, &e);
}

/* ---- rates across polls ---- */

static const char *
prev_id(const struct poller *p, size_t k)
{
	return p->prev_snap->guests[p->prev[k].snap_idx].id;
}

static const char *
prev_key(const void *p, size_t k)
{
	return prev_id(p, k);
}

/* The last poll's figures of guest ID, which backends list in the same
 * order poll after poll: POS, its place in this sample, is tried first. */
static struct rate_prev *
prev_find(struct poller *p, size_t pos, const char *id)
{
	if (pos < p->nprev && strcmp(prev_id(p, pos), id) == 0)
		return &p->prev[pos];
	/* Built only when a guest is not where it was: rarely. */
	if (p->prev_ix_stale) {
		strindex_build(&p->prev_ix, p, p->nprev, prev_key);
		p->prev_ix_stale = false;
	}
	pos = strindex_find(&p->prev_ix, p, prev_key, id);
	return pos == STRINDEX_NONE ? NULL : &p->prev[pos];
}

static uint64_t
hash_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return hash_fnv(h, "\377", 1);	/* NULL differs from "" */
	return hash_fnv(h, s, strlen(s) + 1);
}

/* A hash of the verdict inputs that are the host's, not a guest's: never
 * 0, which says no verdict may be reused. */
static uint64_t
verdict_host_key(const struct cert_input *ci, bool pending)
{
	uint64_t	h = HASH_FNV_INIT;

	h = hash_str(h, ci->hv_type);
	h = hash_str(h, ci->platform);
	h = hash_fnv(h, &pending, sizeof pending);
	h = hash_fnv(h, &ci->today, sizeof ci->today);
	return h != 0 ? h : 1;
}

static bool
str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
cert_pending(struct guest_cert *c, const char *why)
{
	c->status = CERT_UNKNOWN;
	c->reason = why;
	c->rule = SNAP_CERT_PENDING;
	c->source = NULL;
}

/*
 * Working a verdict out costs more than the rest of a poll (patterns,
 * conditions, dates): a guest whose inputs are those of the last poll
 * keeps the verdict of BUILT, the snapshot built from that poll, whose
 * strings the builder copies. RP, found by the guest's id, says where the
 * guest sits in it. The guest's inputs are compared with what the snapshot
 * holds: exact, and cheaper than hashing them.
 */
static bool
cert_reuse(const struct host_snap *built, bool host_same,
    const struct rate_prev *rp, const struct cert_input *ci,
    struct guest_cert *out)
{
	const struct guest_snap	*g;

	if (!host_same || rp == NULL)
		return false;
	g = &built->guests[rp->snap_idx];
	if (rp->os_idsrc != (int)ci->os_idsrc ||
	    g->vcpus != ci->vcpus || g->mem_max_bytes != ci->mem_max_bytes ||
	    g->generation != ci->generation || !str_same(g->os_id, ci->os_id) ||
	    !str_same(g->os, ci->os) || !str_same(g->virt_type,
	    ci->virt_type) || !str_same(g->machine, ci->machine) ||
	    !str_same(g->config_version, ci->config_version))
		return false;
	*out = g->cert;
	return true;
}

/* Turns the raw sample into a snapshot: rates, demo figures, verdicts. */
static struct host_snap *
build_sample(struct worker *w, int64_t latency_ms)
{
	struct poller		*p = w->p;
	const struct raw_sample	*rs = &w->sample;
	struct raw_host		 rh;
	struct host_snap_info	 hi;
	struct snap_builder	*b;
	struct rate_prev	*next, *rp;
	struct guest_snap	 g;
	struct cert_input	 ci, host_ci;
	struct cert_verdict	*cv = NULL;
	struct host_snap	*s;
	int64_t			 wall = clock_wall();
	uint64_t		 host_key;
	size_t			 i, *where;

	host_info_init(p, &hi, HOST_UP, &rh);
	hi.latency_ms = latency_ms;
	b = snap_builder_create_in(&hi, rs->n,
	    fleet_take_spare(p->eng->fleet, p->idx));
	next = xreallocarray(NULL, rs->n ? rs->n : 1, sizeof *next);
	memset(&host_ci, 0, sizeof host_ci);
	host_ci.hv_type = p->hc->type;
	host_ci.platform = hi.platform;
	host_ci.today = cert_day(wall);
	host_key = verdict_host_key(&host_ci, hi.platform_pending);
	for (i = 0; i < rs->n; i++) {
		const struct raw_guest *r = &rs->guests[i];

		memset(&g, 0, sizeof g);
		g.name = r->name;
		g.id = r->id;
		g.os = r->os;
		g.os_id = r->os_id;
		g.virt_type = r->virt_type;
		g.machine = r->machine;
		g.heartbeat = r->heartbeat;
		g.config_version = r->config_version;
		g.generation = r->generation;
		g.state = r->state;
		g.health = r->health;
		/* The last snapshot's id, which prev_find compares, is out
		 * of the cache by now: asked for two guests ahead. */
		if (i + 2 < p->nprev)
			__builtin_prefetch(prev_id(p, i + 2));
		rp = prev_find(p, i, r->id);
		rates_compute(rp, r, rs->taken_ns,
		    rh.logical_cpus, &g, &next[i]);
		/* Only libvirt's test driver needs figures made up: the
		 * Hyper-V simulator gives Hyper-V's own. */
		if (p->hc->demo && strcmp(p->hc->type, "kvm") == 0)
			demo_fill(&g, wall);
		ci = host_ci;
		ci.os_id = r->os_id;
		ci.os = r->os;
		ci.virt_type = r->virt_type;
		ci.machine = r->machine;
		ci.vcpus = g.vcpus;
		ci.mem_max_bytes = g.mem_max_bytes;
		ci.generation = r->generation;
		ci.config_version = r->config_version;
		if (r->os_id != NULL)
			ci.os_idsrc = r->os_by_guest ? CERT_IDSRC_AGENT :
			    CERT_IDSRC_METADATA;
		next[i].os_idsrc = (int)ci.os_idsrc;
		if (r->details_later) {
			cert_pending(&g.cert, w->details_crowd ?
			    "waiting for the guest's details, read once most "
			    "hosts have connected" : "waiting for the guest's "
			    "details, read at the next refresh");
			/* No source is -1: the next poll works it out. */
			next[i].os_idsrc = -1;
		} else if (!cert_reuse(p->prev_snap, host_key ==
		    p->verdict_host, rp, &ci, &g.cert)) {
			if (cv == NULL)
				cv = xmalloc(sizeof *cv);
			cert_evaluate(p->eng->matrix, &ci, cv);
			cert_verdict_apply(cv, &g.cert);
		}
		snap_builder_add_at(b, &g, rp != NULL ? rp->snap_idx :
		    SNAP_NO_POS);
	}
	/* Where each guest lands is kept: the next poll finds its id and
	 * its verdict there. */
	where = xreallocarray(NULL, rs->n ? rs->n : 1, sizeof *where);
	s = snap_builder_finish_where(b, where);
	for (i = 0; i < rs->n; i++)
		next[i].snap_idx = where[i];
	free(where);
	free(cv);
	p->verdict_host = host_key;
	free(p->prev);
	p->prev = next;
	p->nprev = rs->n;
	p->prev_ix_stale = true;
	snap_unref(p->prev_snap);
	p->prev_snap = snap_ref(s);
	return s;
}

/* ---- the poller thread ---- */

static bool
should_stop(struct poller *p)
{
	bool	stop;

	pthread_mutex_lock(&p->lock);
	stop = p->stop;
	pthread_mutex_unlock(&p->lock);
	return stop;
}

static void	watchdog_note(struct engine *, uint64_t);

static void
call_begin(struct worker *w, const char *what, double timeout_s,
    const struct action_req *req)
{
	struct poller	*p = w->p;
	uint64_t	 deadline;

	pthread_mutex_lock(&p->lock);
	deadline = clock_mono_ms() + (uint64_t)(timeout_s * 1000);
	p->call_deadline = deadline;
	p->call_secs = timeout_s;
	p->call_what = what;
	p->overdue = false;
	p->call_act = req != NULL;
	if (req != NULL)
		p->call_req = *req;
	pthread_mutex_unlock(&p->lock);
	watchdog_note(p->eng, deadline + WATCH_GRACE_MS);
}

/* Says whether the call came back in time, late, or to an abandoned
 * worker, which must then touch nothing of its host. */
static enum call_end
call_end(struct worker *w)
{
	struct poller	*p = w->p;
	enum call_end	 r;

	pthread_mutex_lock(&p->lock);
	if (w->abandoned)
		r = CALL_ABANDONED;
	else {
		r = p->overdue ? CALL_LATE : CALL_DONE;
		p->call_deadline = 0;
		p->call_act = false;
	}
	pthread_mutex_unlock(&p->lock);
	return r;
}

/* Sleeps until deadline_ms (monotonic), a queued action or stop. */
static void
wait_until(struct poller *p, uint64_t deadline_ms, bool wake_on_action)
{
	struct timespec	ts;

	ts.tv_sec = (time_t)(deadline_ms / 1000);
	ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
	pthread_mutex_lock(&p->lock);
	while (!p->stop && !(wake_on_action && p->nqueue > 0) &&
	    !(wake_on_action && p->platform_go && p->platform_want &&
	    !p->platform_queued) &&
	    clock_mono_ms() < deadline_ms)
		if (pthread_cond_timedwait(&p->cond, &p->lock, &ts) ==
		    ETIMEDOUT)
			break;
	pthread_mutex_unlock(&p->lock);
}

static bool
take_request(struct poller *p, struct action_req *req)
{
	bool	got = false;

	pthread_mutex_lock(&p->lock);
	if (p->nqueue > 0) {
		*req = p->queue[0];
		memmove(&p->queue[0], &p->queue[1],
		    (p->nqueue - 1) * sizeof p->queue[0]);
		p->nqueue--;
		got = true;
	}
	pthread_mutex_unlock(&p->lock);
	return got;
}

/* refused: the action never reached the hypervisor, or it declined it
 * without trying (unsupported, wrong state, denied). */
static void
action_outcome(struct poller *p, const struct action_req *req, bool ok,
    bool refused, const char *msg)
{
	struct evlog_entry	e;

	memset(&e, 0, sizeof e);
	e.kind = EV_ACTION;
	e.action_id = req->id;
	e.ok = ok;
	e.refused = !ok && refused;
	strlcpy_cv(e.host, p->hc->name, sizeof e.host);
	strlcpy_cv(e.guest, req->guest_name, sizeof e.guest);
	strlcpy_cv(e.what, action_name(req->action), sizeof e.what);
	strlcpy_cv(e.msg, msg, sizeof e.msg);
	evlog_add(p->eng->evlog, &e);
	fleet_wake(p->eng->fleet);
}

/* While the host is down, queued actions are refused at once rather than
 * left to run minutes later. */
static void
refuse_queued(struct poller *p, const char *why)
{
	struct action_req	req;
	char			msg[256];

	while (take_request(p, &req)) {
		snprintf(msg, sizeof msg, "%s: host %s is down: %s",
		    action_name(req.action), p->hc->name, why);
		action_outcome(p, &req, false, true, msg);
	}
}

/* Runs the queued actions; false when the worker was abandoned meanwhile. */
static bool
run_actions(struct worker *w, bool *any)
{
	struct poller		*p = w->p;
	struct action_req	 req;
	struct cv_err		 err;
	char			 msg[256];
	enum call_end		 end;
	int			 rc;

	*any = false;
	while (take_request(p, &req)) {
		*any = true;
		cv_err_clear(&err);
		call_begin(w, action_name(req.action),
		    p->eng->cfg->poll_timeout, &req);
		rc = p->ops->act(w->conn, req.guest_id, req.action, &err);
		if ((end = call_end(w)) == CALL_ABANDONED)
			return false;
		if (rc == 0)
			/* A backend may say more than "done" (a no-op). */
			snprintf(msg, sizeof msg, "%s", err.msg[0] != '\0' ?
			    err.msg : action_past(req.action));
		else
			snprintf(msg, sizeof msg, "%s", err.msg);
		if (end == CALL_LATE)
			/* Its outcome was already given as unknown. */
			event(p, EV_NOTICE, "%s %s came back late: %s",
			    action_name(req.action), req.guest_name, msg);
		else
			action_outcome(p, &req, rc == 0, rc != 0 &&
			    (err.code == CV_E_UNSUPPORTED ||
			    err.code == CV_E_STATE || err.code == CV_E_DENIED ||
			    err.code == CV_E_READONLY), msg);
	}
	return true;
}

/* The next wait before a reconnection: a delay exponential from
 * BACKOFF_MIN and capped at backoff_max, of which each wait takes between
 * three quarters and all at random (so hosts that failed together do not
 * all retry together, and no wait is past the cap). */
static double
backoff_next(struct poller *p, double *backoff)
{
	double	max = p->eng->cfg->backoff_max;
	double	nominal = *backoff < max ? *backoff : max;
	double	jitter = (double)(rand_r(&p->seed) % 1000) / 1000.0;

	*backoff = nominal * 2 < max ? nominal * 2 : max;
	return nominal * (1.0 - jitter * 0.25);
}

static void
host_down(struct worker *w, const struct cv_err *err)
{
	struct poller	*p = w->p;

	publish_unreachable(p, w, HOST_DOWN, err->msg);
	/* No poll until it is back: what it kept for one goes. */
	snap_discard(fleet_take_spare(p->eng->fleet, p->idx));
	raw_sample_free(&w->sample);
	if (p->was_up || p->polls == 0)
		event(p, EV_HOST_DOWN, "down: %s", err->msg);
	p->was_up = false;
	if (w->conn != NULL) {
		p->ops->close(w->conn);
		w->conn = NULL;
	}
}

/*
 * Start-up. Every host connects at once, and a connect is what the machine
 * pays most for (an SSH handshake, some CPU on both ends). A host whose
 * platform takes another session (KVM over SSH: os-release) connects
 * without it, its verdicts pending, and the platform is read once every
 * host is settled (its first connect and poll are over, well or not): at
 * 100 hosts, twice the handshakes at once left connects past their
 * timeout, hosts shown down that were not. The console goes further and
 * shows a host's guests at once: what takes a call per guest (KVM: each
 * domain's XML, for its OS) the first poll leaves to the second, and so
 * do the polls while a crowd of hosts still connects (hosts_crowd). A connect
 * made after that (a reconnect) reads it all before the host is shown up
 * again.
 */

/* Wakes the pollers whose platform waits for the last host to settle. */
static void
all_settled(struct engine *e)
{
	size_t	i;

	for (i = 0; i < e->n; i++) {
		struct poller *p = &e->pollers[i];

		pthread_mutex_lock(&p->lock);
		p->platform_go = true;
		pthread_cond_signal(&p->cond);
		pthread_mutex_unlock(&p->lock);
	}
}

/* The host's first connect and poll are over, in time or not, well or
 * not: it is shown up or down. */
static void
host_settled(struct poller *p)
{
	if (atomic_exchange(&p->settled, true))
		return;
	atomic_store(&p->eng->settled_ms, clock_mono_ms());
	if (atomic_fetch_sub(&p->eng->unsettled, 1) == 1)
		all_settled(p->eng);
}

static bool
hosts_unsettled(struct engine *e)
{
	return atomic_load(&e->unsettled) > 0;
}

/*
 * While many hosts are still connecting, the console's hosts go on
 * leaving to a later poll what takes a call per guest (KVM: each domain's
 * XML), not only at their first poll: at 100 hosts those round trips
 * through ssh, sshd and libvirtd took the CPU that the handshakes still
 * under way needed, and the first complete screen came a second later. A
 * few hosts slow to connect hold nobody's details back, nor do many that
 * hang until their timeout: once no host has come up or down for a while,
 * the connects left are not taking the CPU.
 */
#define CROWD_HOSTS	4	/* more connecting than this: a crowd */
#define CROWD_QUIET_MS	2000	/* ... while one settled this recently */

static bool
hosts_crowd(struct engine *e)
{
	uint64_t	now, last;

	/* Once the hosts have settled, a poll reads no clock for this. */
	if (atomic_load(&e->unsettled) <= CROWD_HOSTS)
		return false;
	now = clock_mono_ms();
	last = atomic_load(&e->settled_ms);
	/* last may be later than now: a host settled in between. */
	return last >= now || now - last < e->crowd_quiet_ms;
}

static void
say_notice(struct poller *p, const struct raw_host *rh)
{
	/* Said once, not at every reconnect. */
	if (rh->notice[0] != '\0' && strcmp(rh->notice, p->last_notice) != 0) {
		event(p, EV_NOTICE, "%s", rh->notice);
		strlcpy_cv(p->last_notice, rh->notice, sizeof p->last_notice);
	}
}

/*
 * A platform read that failed on its way (SSH: no answer, a timeout) is
 * tried again later, spaced as reconnections are, until it is read or the
 * host reconnects. Until then the verdicts say the platform is unknown.
 */
static void
platform_retry_plan(struct worker *w)
{
	struct poller	*p = w->p;

	w->platform_retry_ms = 0;
	if (!w->rh.platform_retry || p->ops->platform == NULL)
		return;
	w->platform_retry_ms = clock_mono_ms() +
	    (uint64_t)(backoff_next(p, &w->platform_backoff) * 1000);
}

static enum call_end
connect_host(struct worker *w, struct cv_err *err, int *rc)
{
	struct poller		*p = w->p;
	struct backend_params	 bp;
	enum call_end		 end;

	memset(&w->rh, 0, sizeof w->rh);
	memset(&bp, 0, sizeof bp);
	bp.timeout_s = p->eng->cfg->connect_timeout;
	bp.slow_refresh_s = p->eng->cfg->slow_refresh;
	bp.call_timeout_s = p->eng->cfg->poll_timeout;
	bp.defer_platform = p->ops->platform != NULL &&
	    (p->eng->platforms_never ||
	    (p->eng->platforms_last && hosts_unsettled(p->eng)));
	w->details_first = p->eng->guests_first && hosts_unsettled(p->eng);
	call_begin(w, "connect", bp.timeout_s, NULL);
	*rc = p->ops->open(p->hc, &bp, &w->conn, &w->rh, err);
	if (*rc == -1)
		w->conn = NULL;
	if ((end = call_end(w)) == CALL_ABANDONED || *rc == -1) {
		host_settled(p);
		return end;
	}
	pthread_mutex_lock(&p->lock);
	p->rh = w->rh;
	p->platform_want = w->rh.platform_later;
	pthread_mutex_unlock(&p->lock);
	say_notice(p, &w->rh);
	w->platform_backoff = BACKOFF_MIN;
	platform_retry_plan(w);
	return end;
}

/* Verdicts worked out without the platform are not shown: they wait. */
static void
verdicts_pending(struct host_snap *s)
{
	size_t	i;

	for (i = 0; i < s->nguests; i++)
		cert_pending(&s->guests[i].cert, "waiting for the host "
		    "platform, read once every host is shown up or down");
}

/*
 * Deferred platform reads start together once every host is settled: an
 * SSH session each, in a child process (KVM's ssh) of about 7 MB, which
 * at a hundred hosts would take the machine's CPU and most of a gigabyte
 * at once. ENGINE_PLATFORM_READS run at a time (16: about 110 MB for a
 * moment); a host that finds no slot free tries again after its next
 * poll, or when a read ends.
 */
static bool
platform_slot_take(struct poller *p)
{
	bool	got;

	got = atomic_fetch_add(&p->eng->platform_reads, 1) < ENGINE_PLATFORM_READS;
	if (!got)
		atomic_fetch_sub(&p->eng->platform_reads, 1);
	pthread_mutex_lock(&p->lock);
	p->platform_queued = !got;
	pthread_mutex_unlock(&p->lock);
	return got;
}

/* Pollers keep one beat, so a host that found no slot would wait for the
 * next one while this slot stayed free: the next host queued after this
 * one, in turn, goes now. */
static void
platform_slot_give(struct poller *p)
{
	struct engine	*e = p->eng;
	struct poller	*q;
	size_t		 i, me = (size_t)(p - e->pollers);
	bool		 woke = false;

	atomic_fetch_sub(&e->platform_reads, 1);
	for (i = 1; i <= e->n && !woke; i++) {
		q = &e->pollers[(me + i) % e->n];
		pthread_mutex_lock(&q->lock);
		if ((woke = q->platform_queued)) {
			q->platform_queued = false;
			pthread_cond_signal(&q->cond);
		}
		pthread_mutex_unlock(&q->lock);
	}
}

/* Reads the platform that the connect left for later; the next poll then
 * brings the verdicts. */
static enum call_end
platform_host(struct worker *w)
{
	struct poller	*p = w->p;
	struct cv_err	 err;
	enum call_end	 end;
	int		 rc;

	cv_err_clear(&err);
	call_begin(w, "platform read", p->eng->cfg->connect_timeout, NULL);
	rc = p->ops->platform(w->conn, &w->rh, &err);
	if ((end = call_end(w)) == CALL_ABANDONED)
		return end;
	if (rc == -1 && w->rh.notice[0] == '\0')
		snprintf(w->rh.notice, sizeof w->rh.notice, "host platform "
		    "not detected (%.180s); set platform = in the config",
		    err.msg);
	w->rh.platform_later = false;
	pthread_mutex_lock(&p->lock);
	p->rh = w->rh;
	p->platform_want = false;
	pthread_mutex_unlock(&p->lock);
	/* The pending verdicts were worked out without a platform: none of
	 * them may be reused. */
	p->verdict_host = 0;
	say_notice(p, &w->rh);
	platform_retry_plan(w);
	return end;
}

static enum call_end
poll_host(struct worker *w, struct cv_err *err, int *rc)
{
	struct poller	*p = w->p;
	struct host_snap *s;
	uint64_t	 t0 = clock_mono_ms();
	enum call_end	 end;

	w->details_crowd = p->eng->guests_first && hosts_crowd(p->eng);
	w->sample.defer_details = w->details_first || w->details_crowd;
	w->details_first = false;
	call_begin(w, "poll", p->eng->cfg->poll_timeout, NULL);
	*rc = p->ops->poll(w->conn, &w->sample, err);
	if ((end = call_end(w)) == CALL_ABANDONED || *rc == -1)
		return end;
	pthread_mutex_lock(&p->lock);
	p->polls++;
	p->good_ms = clock_mono_ms();
	p->good_wall = clock_wall();
	pthread_mutex_unlock(&p->lock);
	s = build_sample(w, (int64_t)(clock_mono_ms() - t0));
	raw_sample_end(&w->sample);
	if (s->platform_pending)
		verdicts_pending(s);
	publish(p, w, s);
	if (!p->was_up)
		event(p, EV_HOST_UP, "up%s%s", w->rh.hypervisor[0] ? ": " : "",
		    w->rh.hypervisor);
	p->was_up = true;
	return end;
}

/* The end of an abandoned worker: its own connection and memory only. */
static void *
worker_abandoned(struct worker *w)
{
	struct poller	*p = w->p;

	if (w->conn != NULL)
		p->ops->close(w->conn);
	raw_sample_free(&w->sample);
	pthread_mutex_lock(&p->lock);
	p->nabandoned--;
	pthread_mutex_unlock(&p->lock);
	free(w);
	return NULL;
}

static void
retry_later(struct worker *w, const struct cv_err *err)
{
	struct poller	*p = w->p;

	host_down(w, err);
	refuse_queued(p, err->msg);
	wait_until(p, clock_mono_ms() +
	    (uint64_t)(backoff_next(p, &p->backoff) * 1000),
	    false);
}

/* The worker's next wake: its next poll, or a platform retry due first. */
static uint64_t
next_wake_ms(const struct worker *w, uint64_t next_poll)
{
	if (w->platform_retry_ms != 0 && w->platform_retry_ms < next_poll)
		return w->platform_retry_ms;
	return next_poll;
}

/*
 * glibc gives a thread its malloc arena at its first malloc: a new one
 * while there are fewer than its bound (eight a core), else the next in
 * turn that no thread holds locked at that moment. Pollers that set to
 * work as soon as they started found the arenas of the ones before them
 * locked, and up to 61 of 100 came to share one arena, whose lock they
 * then fought over at every beat. So at start-up each poller takes its arena
 * in turn (engine_start waits for each), while none holds one, and none
 * starts work before all have. A worker started later goes through.
 */
static void
arena_take(struct engine *e)
{
	free(xmalloc(1));
	pthread_mutex_lock(&e->lock);
	e->armed++;
	pthread_cond_broadcast(&e->gate);
	while (!e->gate_open)
		pthread_cond_wait(&e->gate, &e->lock);
	pthread_mutex_unlock(&e->lock);
}

/*
 * The calling poller, and the ssh processes it starts, run at a nice value
 * POLLER_NICE above the process's. While a hundred hosts connected, a key
 * pressed in the console waited for the CPU behind the pollers and their
 * ssh: 114 ms at the median and 1.4 s at the 95th percentile (bench/README.md).
 * Linux keeps a nice value per thread; elsewhere this changes nothing.
 */
#define POLLER_NICE	10

static void
poller_yield(void)
{
#ifdef __linux__
	id_t	tid = (id_t)syscall(SYS_gettid);
	int	nice;

	errno = 0;
	nice = getpriority(PRIO_PROCESS, tid);
	if (errno == 0)
		(void)setpriority(PRIO_PROCESS, tid, nice + POLLER_NICE > 19 ?
		    19 : nice + POLLER_NICE);
#endif
}

static void *
poller_main(void *arg)
{
	struct worker	*w = arg;
	struct poller	*p = w->p;
	const struct cfg *cfg = p->eng->cfg;
	struct cv_err	 err;
	uint64_t	 next_poll = 0;
	enum call_end	 end;
	bool		 acted;
	int		 rc;

	arena_take(p->eng);
	if (p->eng->pollers_yield)
		poller_yield();
	while (!should_stop(p)) {
		cv_err_clear(&err);
		if (w->conn == NULL) {
			if (connect_host(w, &err, &rc) == CALL_ABANDONED)
				return worker_abandoned(w);
			if (rc == -1) {
				retry_later(w, &err);
				continue;
			}
		}
		if (!run_actions(w, &acted))
			return worker_abandoned(w);
		if (acted)
			next_poll = 0;
		if (clock_mono_ms() >= next_poll) {
			/* Every host on one beat: the pollers wake together,
			 * so their work runs back to back on warm caches, and
			 * a fleet's figures are all of one moment. */
			next_poll = clock_next_beat_ms(clock_mono_ms(),
			    (uint64_t)(cfg->refresh * 1000));
			end = poll_host(w, &err, &rc);
			host_settled(p);
			if (end == CALL_ABANDONED)
				return worker_abandoned(w);
			if (rc == -1) {
				retry_later(w, &err);
				continue;
			}
			p->backoff = BACKOFF_MIN;
		}
		if (w->platform_retry_ms != 0 &&
		    clock_mono_ms() >= w->platform_retry_ms) {
			/* Not in p->rh: the verdicts say the platform is
			 * unknown, not pending, until it is read. */
			w->platform_retry_ms = 0;
			w->rh.platform_later = true;
			pthread_mutex_lock(&p->lock);
			p->platform_want = true;
			pthread_mutex_unlock(&p->lock);
		}
		if (w->rh.platform_later && !p->eng->platforms_never &&
		    !hosts_unsettled(p->eng) && platform_slot_take(p)) {
			end = platform_host(w);
			platform_slot_give(p);
			if (end == CALL_ABANDONED)
				return worker_abandoned(w);
			next_poll = 0;
			continue;
		}
		wait_until(p, next_wake_ms(w, next_poll), true);
	}
	if (w->conn != NULL)
		p->ops->close(w->conn);
	w->conn = NULL;
	atomic_store(&w->exited, true);
	return NULL;
}

static struct worker *
worker_start(struct poller *p)
{
	struct worker	*w = xcalloc(1, sizeof *w);

	w->p = p;
	atomic_init(&w->exited, false);
	pthread_mutex_lock(&p->lock);
	p->cur = w;
	p->call_deadline = 0;
	p->overdue = false;
	p->call_act = false;
	pthread_mutex_unlock(&p->lock);
	if (pthread_create(&w->thread, NULL, poller_main, w) != 0)
		fatal("pthread_create");
	return w;
}

/* ---- the watchdog ---- */

/* Under p->lock: when the watchdog must look at P's call again. */
static uint64_t
watch_next(const struct poller *p, uint64_t now)
{
	if (p->cur == NULL || p->call_deadline == 0)
		return WATCH_NEVER;
	if (!p->overdue)
		return p->call_deadline + WATCH_GRACE_MS;
	if (p->stop)
		return WATCH_NEVER;
	/* An earlier abandoned thread ends when it ends: look now and then. */
	if (p->nabandoned > 0)
		return now + WATCH_MS;
	return p->call_deadline + (uint64_t)(p->call_secs * 1000);
}

/*
 * A call past its deadline (and the grace) shows the host down at once
 * and fails the action it was running, whose outcome is then unknown. Past
 * twice its deadline, its thread is abandoned to the call and a fresh one
 * takes the host over, unless an earlier abandoned thread of the host is
 * still stuck: then this one stays in charge until that one ends, so a
 * host never holds more than one abandoned thread. Returns when to look at
 * P again (WATCH_NEVER: when a call begins).
 */
static uint64_t
watch_poller(struct poller *p, uint64_t now)
{
	struct action_req	 req;
	struct worker		*w;
	pthread_t		 tid = { 0 };	/* set when abandon is */
	char			 msg[128], amsg[256];
	bool			 first, act, abandon;
	uint64_t		 next;

	pthread_mutex_lock(&p->lock);
	w = p->cur;
	if (w == NULL || p->call_deadline == 0 ||
	    now < p->call_deadline + WATCH_GRACE_MS) {
		next = watch_next(p, now);
		pthread_mutex_unlock(&p->lock);
		return next;
	}
	first = !p->overdue;
	/* A call merely slow (a loaded host, a long SSH handshake) is given
	 * as long again before it is given up: its answer is still used. */
	abandon = p->nabandoned == 0 && !p->stop && now >= p->call_deadline +
	    (uint64_t)(p->call_secs * 1000);
	if (!first && !abandon) {
		next = watch_next(p, now);
		pthread_mutex_unlock(&p->lock);
		return next;
	}
	p->overdue = true;
	act = first && p->call_act;
	req = p->call_req;
	snprintf(msg, sizeof msg, "no answer to %s within %.0f s", p->call_what,
	    p->call_secs);
	if (abandon) {
		w->abandoned = true;
		tid = w->thread;
		p->nabandoned++;
		p->cur = NULL;
	}
	next = watch_next(p, now);
	pthread_mutex_unlock(&p->lock);
	if (first) {
		publish_unreachable(p, NULL, HOST_DOWN, msg);
		event(p, EV_HOST_DOWN, "down: %s", msg);
		host_settled(p);
	}
	if (act) {
		snprintf(amsg, sizeof amsg, "%s: %s; its outcome is unknown",
		    action_name(req.action), msg);
		action_outcome(p, &req, false, false, amsg);
	}
	if (abandon) {
		pthread_detach(tid);
		worker_start(p);
	}
	return next;
}

/* A call began that the watchdog must look at by LOOK_AT: if it sleeps
 * past that, or is in the middle of a scan that may have missed the call,
 * it looks again. */
static void
watchdog_note(struct engine *e, uint64_t look_at)
{
	pthread_mutex_lock(&e->lock);
	if (e->watch_scanning || look_at < e->watch_at) {
		e->watch_poked = true;
		pthread_cond_broadcast(&e->cond);
	}
	pthread_mutex_unlock(&e->lock);
}

static void *
watchdog_main(void *arg)
{
	struct engine	*e = arg;
	struct timespec	 ts;
	size_t		 i;
	uint64_t	 until, next;

	pthread_mutex_lock(&e->lock);
	while (!e->stop) {
		e->watch_scanning = true;
		e->watch_poked = false;
		pthread_mutex_unlock(&e->lock);
		until = WATCH_NEVER;
		for (i = 0; i < e->n; i++) {
			next = watch_poller(&e->pollers[i], clock_mono_ms());
			if (next < until)
				until = next;
		}
		pthread_mutex_lock(&e->lock);
		e->watch_scanning = false;
		if (e->stop || e->watch_poked)
			continue;
		/* Asleep until the first deadline, not on a tick: an idle
		 * client should not wake to find nothing to do. */
		e->watch_at = until;
		if (until == WATCH_NEVER)
			pthread_cond_wait(&e->cond, &e->lock);
		else {
			ts.tv_sec = (time_t)(until / 1000);
			ts.tv_nsec = (long)(until % 1000) * 1000000L;
			pthread_cond_timedwait(&e->cond, &e->lock, &ts);
		}
	}
	pthread_mutex_unlock(&e->lock);
	return NULL;
}

/* ---- the engine ---- */

static void
cond_init_mono(pthread_cond_t *c)
{
	pthread_condattr_t	ca;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(c, &ca);
	pthread_condattr_destroy(&ca);
}

struct engine *
engine_create(const struct cfg *cfg, const struct cert_matrix *matrix,
    engine_backend_fn *find)
{
	struct engine	*e = xcalloc(1, sizeof *e);
	size_t		 i;

	e->cfg = cfg;
	e->matrix = matrix;
	e->n = cfg->nhosts;
	e->fleet = fleet_create(e->n);
	e->evlog = evlog_create(1024);
	e->pollers = xcalloc(e->n ? e->n : 1, sizeof *e->pollers);
	pthread_mutex_init(&e->lock, NULL);
	cond_init_mono(&e->cond);
	pthread_cond_init(&e->gate, NULL);
	atomic_init(&e->unsettled, 0);
	atomic_init(&e->settled_ms, 0);
	e->crowd_quiet_ms = CROWD_QUIET_MS;
	for (i = 0; i < e->n; i++) {
		struct poller *p = &e->pollers[i];

		atomic_init(&p->settled, false);

		p->eng = e;
		p->idx = i;
		p->hc = &cfg->hosts[i];
		p->ops = find(p->hc->type);
		p->seed = (unsigned)(clock_mono_ns() ^ (i * 2654435761u));
		pthread_mutex_init(&p->lock, NULL);
		cond_init_mono(&p->cond);
		p->backoff = BACKOFF_MIN;
		publish_unreachable(p, NULL, HOST_CONNECTING, NULL);
	}
	return e;
}

/* Start-ups (see all_settled), before engine_start. Batch and audit: */
void
engine_platforms_last(struct engine *e)
{
	e->platforms_last = true;
}

/* The console's: its pollers also give way to the thread that reads the
 * keyboard (poller_yield). */
void
engine_guests_first(struct engine *e)
{
	e->platforms_last = true;
	e->guests_first = true;
	e->pollers_yield = true;
}

/* How long a crowd of hosts connecting lasts with none settling; a
 * test's, to see the crowd's polls without a race. */
void
engine_crowd_quiet(struct engine *e, uint64_t ms)
{
	e->crowd_quiet_ms = ms;
}

/* Act's: an action needs no platform, and a read takes a session of its
 * own (KVM over SSH), a third of a one-guest act. The verdicts stay
 * pending. */
void
engine_platforms_never(struct engine *e)
{
	e->platforms_never = true;
}

void
engine_start(struct engine *e)
{
	size_t	i, n = 0, started = 0;

	for (i = 0; i < e->n; i++)
		if (e->pollers[i].ops != NULL)
			n++;
	atomic_store(&e->unsettled, n);
	atomic_store(&e->settled_ms, clock_mono_ms());
	for (i = 0; i < e->n; i++) {
		struct poller	*p = &e->pollers[i];
		char		 msg[128];

		if (p->ops == NULL) {
			snprintf(msg, sizeof msg, "no backend for type '%s'",
			    p->hc->type);
			publish_unreachable(p, NULL, HOST_DOWN, msg);
			continue;
		}
		worker_start(p);
		p->started = true;
		started++;
		pthread_mutex_lock(&e->lock);
		while (e->armed < started)
			pthread_cond_wait(&e->gate, &e->lock);
		pthread_mutex_unlock(&e->lock);
	}
	pthread_mutex_lock(&e->lock);
	e->gate_open = true;
	pthread_cond_broadcast(&e->gate);
	pthread_mutex_unlock(&e->lock);
	if (pthread_create(&e->watchdog, NULL, watchdog_main, e) != 0)
		fatal("pthread_create");
	e->watching = true;
}

/* True when some engine_free left a poller thread running: the process
 * should then end without freeing what such a thread may still use. */
bool
engine_left_threads(void)
{
	return atomic_load(&left_threads);
}

struct fleet *
engine_fleet(struct engine *e)
{
	return e->fleet;
}

struct evlog *
engine_evlog(struct engine *e)
{
	return e->evlog;
}

/* Queues an action on the host's poller and returns its id; the outcome
 * arrives as an EV_ACTION event. 0 and err when refused here. */
uint64_t
engine_submit(struct engine *e, size_t host, const char *guest_id,
    const char *guest_name, enum action a, struct cv_err *err)
{
	struct poller		*p;
	struct action_req	*req;
	struct evlog_entry	 ev;
	uint64_t		 id;

	if (host >= e->n) {
		cv_err_set(err, CV_E_NOTFOUND, "no such host");
		return 0;
	}
	p = &e->pollers[host];
	id = evlog_next_action_id(e->evlog);
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_ACTION_START;
	ev.action_id = id;
	strlcpy_cv(ev.host, p->hc->name, sizeof ev.host);
	strlcpy_cv(ev.guest, guest_name, sizeof ev.guest);
	strlcpy_cv(ev.what, action_name(a), sizeof ev.what);
	/* Every action is in the log (and the journal) from its request. */
	evlog_add(e->evlog, &ev);
	ev.kind = EV_ACTION;
	ev.refused = true;
	if (action_check_allowed(e->cfg->read_only, a, err) == -1 ||
	    (p->ops == NULL && cv_err_set(err, CV_E_UNSUPPORTED,
	    "host %s has no backend", p->hc->name) == -1)) {
		strlcpy_cv(ev.msg, err->msg, sizeof ev.msg);
		evlog_add(e->evlog, &ev);
		return 0;
	}
	pthread_mutex_lock(&p->lock);
	if (p->nqueue == QUEUE_MAX) {
		pthread_mutex_unlock(&p->lock);
		cv_err_set(err, CV_E_FAILED, "too many actions queued on %s",
		    p->hc->name);
		strlcpy_cv(ev.msg, err->msg, sizeof ev.msg);
		evlog_add(e->evlog, &ev);
		return 0;
	}
	/* Most hosts never see an action: the queue is made on the first. */
	if (p->queue == NULL)
		p->queue = xcalloc(QUEUE_MAX, sizeof *p->queue);
	req = &p->queue[p->nqueue++];
	req->id = id;
	req->action = a;
	strlcpy_cv(req->guest_id, guest_id, sizeof req->guest_id);
	strlcpy_cv(req->guest_name, guest_name, sizeof req->guest_name);
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
	return id;
}

/* Stops every thread. Quitting stays prompt: a poller inside a call past
 * its deadline is not waited for, the others at most QUIT_GRACE_MS; one
 * still running then, or an abandoned one still stuck, is left behind (the
 * process is ending) and nothing it can reach is freed. */
void
engine_free(struct engine *e)
{
	struct worker	*w;
	uint64_t	 until;
	size_t		 i;
	unsigned	 n;
	bool		 stuck = false, overdue;

	if (e == NULL)
		return;
	pthread_mutex_lock(&e->lock);
	e->stop = true;
	pthread_cond_broadcast(&e->cond);
	pthread_mutex_unlock(&e->lock);
	if (e->watching)
		pthread_join(e->watchdog, NULL);
	for (i = 0; i < e->n; i++) {
		pthread_mutex_lock(&e->pollers[i].lock);
		e->pollers[i].stop = true;
		pthread_cond_broadcast(&e->pollers[i].cond);
		pthread_mutex_unlock(&e->pollers[i].lock);
	}
	until = clock_mono_ms() + QUIT_GRACE_MS;
	for (i = 0; i < e->n; i++) {
		struct poller *p = &e->pollers[i];

		if (!p->started)
			continue;
		/* The watchdog has ended: cur and the rest no longer move. */
		pthread_mutex_lock(&p->lock);
		w = p->cur;
		overdue = p->call_deadline != 0 &&
		    clock_mono_ms() >= p->call_deadline;
		pthread_mutex_unlock(&p->lock);
		while (!overdue && !atomic_load(&w->exited) &&
		    clock_mono_ms() < until) {
			struct timespec ts = { 0, 10 * 1000000L };
			nanosleep(&ts, NULL);
		}
		if (atomic_load(&w->exited)) {
			pthread_join(w->thread, NULL);
			raw_sample_free(&w->sample);
			free(w);
		} else {
			pthread_detach(w->thread);
			stuck = true;
		}
		/* An abandoned call that is ending anyway is let finish. */
		for (;;) {
			pthread_mutex_lock(&p->lock);
			n = p->nabandoned;
			pthread_mutex_unlock(&p->lock);
			if (n == 0 || clock_mono_ms() >= until)
				break;
			nanosleep(&(struct timespec){ 0, 10 * 1000000L }, NULL);
		}
		stuck |= n > 0;
	}
	if (stuck) {
		atomic_store(&left_threads, true);
		return;
	}
	for (i = 0; i < e->n; i++) {
		struct poller *p = &e->pollers[i];

		snap_unref(p->last);
		free(p->queue);
		free(p->prev);
		snap_unref(p->prev_snap);
		strindex_free(&p->prev_ix);
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->cond);
	}
	free(e->pollers);
	fleet_free(e->fleet);
	evlog_free(e->evlog);
	pthread_cond_destroy(&e->gate);
	pthread_cond_destroy(&e->cond);
	pthread_mutex_destroy(&e->lock);
	free(e);
}
