/* The event log: a bounded ring under a mutex. Pollers (and the UI, when
 * it submits) add; consumers read new entries by sequence number or wait
 * for one action's outcome. The journal thread appends each entry to a
 * file, so no adder ever waits on a disk. */
#include "core/evlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/err.h"
#include "core/xmalloc.h"

#define EVLOG_LINE_MAX	4096	/* a journal line; fits the escaped fields */

struct evlog {
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	struct evlog_entry	*ring;		/* Locked by lock. */
	size_t			 cap;
	uint64_t		 seq;		/* Locked by lock: last given */
	uint64_t		 action_ids;	/* Locked by lock. */

	/* The journal: fd and thread are set before any adder runs. */
	int			 jfd;		/* -1: none */
	pthread_t		 jthread;
	pthread_cond_t		 jcond;
	uint64_t		 jseq;		/* Locked by lock: last written */
	bool			 jstop;		/* Locked by lock. */
};

static void	*evlog_journal_main(void *);
static void	 evlog_kv(char *, size_t, size_t *, const char *,
		     const char *);
static int	 evlog_mkdirs(const char *, struct cv_err *);

struct evlog *
evlog_create(size_t cap)
{
	struct evlog		*ev = xcalloc(1, sizeof *ev);
	pthread_condattr_t	 ca;

	pthread_mutex_init(&ev->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&ev->cond, &ca);
	pthread_condattr_destroy(&ca);
	ev->cap = cap ? cap : 1;
	ev->ring = xcalloc(ev->cap, sizeof *ev->ring);
	ev->jfd = -1;
	pthread_cond_init(&ev->jcond, NULL);
	return ev;
}

/* Stops the journal thread after it has written every entry. */
void
evlog_free(struct evlog *ev)
{
	if (ev == NULL)
		return;
	if (ev->jfd != -1) {
		pthread_mutex_lock(&ev->lock);
		ev->jstop = true;
		pthread_cond_signal(&ev->jcond);
		pthread_mutex_unlock(&ev->lock);
		pthread_join(ev->jthread, NULL);
		close(ev->jfd);
	}
	pthread_cond_destroy(&ev->jcond);
	pthread_cond_destroy(&ev->cond);
	pthread_mutex_destroy(&ev->lock);
	free(ev->ring);
	free(ev);
}

/* Stamps e with a sequence number and the time, stores it and returns the
 * sequence number. */
uint64_t
evlog_add(struct evlog *ev, const struct evlog_entry *e)
{
	struct evlog_entry	*slot;
	uint64_t		 seq;

	pthread_mutex_lock(&ev->lock);
	seq = ++ev->seq;
	slot = &ev->ring[(seq - 1) % ev->cap];
	*slot = *e;
	slot->seq = seq;
	if (slot->wall == 0)
		slot->wall = clock_wall();
	pthread_cond_broadcast(&ev->cond);
	pthread_cond_signal(&ev->jcond);
	pthread_mutex_unlock(&ev->lock);
	return seq;
}

/* Copies up to max entries newer than after, oldest first. */
size_t
evlog_since(struct evlog *ev, uint64_t after, struct evlog_entry *out,
    size_t max)
{
	uint64_t	first, s;
	size_t		n = 0;

	pthread_mutex_lock(&ev->lock);
	first = ev->seq >= ev->cap ? ev->seq - ev->cap + 1 : 1;
	if (after + 1 > first)
		first = after + 1;
	for (s = first; s <= ev->seq && n < max; s++)
		out[n++] = ev->ring[(s - 1) % ev->cap];
	pthread_mutex_unlock(&ev->lock);
	return n;
}

uint64_t
evlog_last_seq(struct evlog *ev)
{
	uint64_t	seq;

	pthread_mutex_lock(&ev->lock);
	seq = ev->seq;
	pthread_mutex_unlock(&ev->lock);
	return seq;
}

uint64_t
evlog_next_action_id(struct evlog *ev)
{
	uint64_t	id;

	pthread_mutex_lock(&ev->lock);
	id = ++ev->action_ids;
	pthread_mutex_unlock(&ev->lock);
	return id;
}

static int
find_action(struct evlog *ev, uint64_t id, struct evlog_entry *out)
{
	uint64_t	first, s;

	first = ev->seq >= ev->cap ? ev->seq - ev->cap + 1 : 1;
	for (s = ev->seq; s >= first && s > 0; s--) {
		const struct evlog_entry *e = &ev->ring[(s - 1) % ev->cap];

		if (e->kind == EV_ACTION && e->action_id == id) {
			*out = *e;
			return 0;
		}
	}
	return -1;
}

/* Waits for the outcome of action id; 0 with *out filled, -1 on timeout. */
int
evlog_wait_action(struct evlog *ev, uint64_t id, int timeout_ms,
    struct evlog_entry *out)
{
	struct timespec	ts;
	int		rc;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ev->lock);
	while ((rc = find_action(ev, id, out)) == -1)
		if (pthread_cond_timedwait(&ev->cond, &ev->lock, &ts) ==
		    ETIMEDOUT) {
			rc = find_action(ev, id, out);
			break;
		}
	pthread_mutex_unlock(&ev->lock);
	return rc;
}

/* What became of the entry, in one word: submitted, done, refused or
 * failed for actions; up or down for hosts; "" for notices. */
const char *
evlog_outcome(const struct evlog_entry *e)
{
	switch (e->kind) {
	case EV_ACTION:
		return e->ok ? "done" : e->refused ? "refused" : "failed";
	case EV_ACTION_START:
		return "submitted";
	case EV_HOST_UP:
		return "up";
	case EV_HOST_DOWN:
		return "down";
	case EV_NOTICE:
	default:
		return "";
	}
}

/* ---- the journal ---- */

/*
 * Appends " key=value" to buf at *off. A value of plain characters stays
 * bare; anything else is quoted with \" \\ \n \r \t and \xHH escapes, so
 * names with blanks, quotes or newlines keep the entry on one line.
 */
static void
evlog_kv(char *buf, size_t len, size_t *off, const char *key,
    const char *v)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	bool			 bare = *v != '\0';
	char			 esc[5];
	size_t			 n;
	int			 w;

	if (*v == '\0')
		return;
	for (p = (const unsigned char *)v; *p != '\0' && bare; p++)
		bare = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("._-:/@+,", *p) != NULL;
	w = snprintf(buf + *off, len - *off, " %s=%s", key, bare ? v : "\"");
	if (w < 0 || (size_t)w >= len - *off) {
		*off = len - 1;
		return;
	}
	*off += (size_t)w;
	if (bare)
		return;
	for (p = (const unsigned char *)v; *p != '\0'; p++) {
		switch (*p) {
		case '"':
		case '\\':
			esc[0] = '\\';
			esc[1] = (char)*p;
			esc[2] = '\0';
			break;
		case '\n':
			strcpy(esc, "\\n");
			break;
		case '\r':
			strcpy(esc, "\\r");
			break;
		case '\t':
			strcpy(esc, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				esc[0] = '\\';
				esc[1] = 'x';
				esc[2] = hex[*p >> 4];
				esc[3] = hex[*p & 0xf];
				esc[4] = '\0';
			} else {
				esc[0] = (char)*p;
				esc[1] = '\0';
			}
			break;
		}
		n = strlen(esc);
		if (*off + n + 2 >= len)
			break;
		memcpy(buf + *off, esc, n);
		*off += n;
	}
	buf[(*off)++] = '"';
	buf[*off] = '\0';
}

/*
 * The journal line of an entry, newline included, in buf; returns its
 * length. logfmt-like, in UTC:
 * 2026-11-25T13:22:05Z event=action id=3 host=kvm-a guest=web1
 * action=pause outcome=done msg=paused
 */
size_t
evlog_journal_line(const struct evlog_entry *e, char *buf, size_t len)
{
	static const char *const kinds[] = {
		[EV_ACTION] = "action", [EV_ACTION_START] = "action",
		[EV_HOST_UP] = "host", [EV_HOST_DOWN] = "host",
		[EV_NOTICE] = "notice",
	};
	struct tm	tm;
	time_t		t = (time_t)e->wall;
	char		id[32];
	size_t		off;

	if (len < 64)
		return 0;
	gmtime_r(&t, &tm);
	off = strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	evlog_kv(buf, len, &off, "event", (unsigned)e->kind <
	    sizeof kinds / sizeof kinds[0] ? kinds[e->kind] : "notice");
	if (e->action_id != 0) {
		snprintf(id, sizeof id, "%llu",
		    (unsigned long long)e->action_id);
		evlog_kv(buf, len, &off, "id", id);
	}
	evlog_kv(buf, len, &off, "host", e->host);
	evlog_kv(buf, len, &off, "guest", e->guest);
	evlog_kv(buf, len, &off, "action", e->what);
	evlog_kv(buf, len, &off, "outcome", evlog_outcome(e));
	evlog_kv(buf, len, &off, "msg", e->msg);
	if (off + 2 > len)
		off = len - 2;
	buf[off++] = '\n';
	buf[off] = '\0';
	return off;
}

/* The journal thread: writes each entry once, in order, outside the lock,
 * one write(2) a line so appends from two processes never interleave. */
static void *
evlog_journal_main(void *arg)
{
	struct evlog		*ev = arg;
	struct evlog_entry	 e;
	char			 line[EVLOG_LINE_MAX];
	uint64_t		 first, lost;
	size_t			 n;
	ssize_t			 w;

	pthread_mutex_lock(&ev->lock);
	for (;;) {
		while (ev->jseq == ev->seq && !ev->jstop)
			pthread_cond_wait(&ev->jcond, &ev->lock);
		if (ev->jseq == ev->seq)
			break;
		/* Entries the ring dropped before they were written. */
		first = ev->seq >= ev->cap ? ev->seq - ev->cap + 1 : 1;
		lost = 0;
		if (ev->jseq + 1 < first) {
			lost = first - ev->jseq - 1;
			ev->jseq = first - 1;
		}
		e = ev->ring[ev->jseq % ev->cap];
		ev->jseq++;
		pthread_mutex_unlock(&ev->lock);

		if (lost > 0) {
			struct evlog_entry note;

			memset(&note, 0, sizeof note);
			note.kind = EV_NOTICE;
			note.wall = e.wall;
			snprintf(note.msg, sizeof note.msg, "%llu events were "
			    "too many to journal", (unsigned long long)lost);
			n = evlog_journal_line(&note, line, sizeof line);
			w = write(ev->jfd, line, n);
			(void)w;
		}
		n = evlog_journal_line(&e, line, sizeof line);
		w = write(ev->jfd, line, n);
		(void)w;	/* a full disk loses lines, not the console */
		pthread_mutex_lock(&ev->lock);
	}
	pthread_mutex_unlock(&ev->lock);
	return NULL;
}

/* Creates the directories above path that are missing, 0700 (the XDG
 * state directory's mode). */
static int
evlog_mkdirs(const char *path, struct cv_err *err)
{
	char	*dir = xstrdup(path), *p;

	for (p = dir + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			cv_err_set(err, CV_E_FAILED, "cannot create %s: %s",
			    dir, strerror(errno));
			free(dir);
			return -1;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

/*
 * Opens path for appending (creating it 0600 and its directories 0700) and
 * starts the thread that writes every entry added from now on. Call once,
 * before the pollers start. -1 and err when the file cannot be opened: the
 * caller says so once and goes on without a journal.
 */
int
evlog_set_journal(struct evlog *ev, const char *path, struct cv_err *err)
{
	int	fd;

	if (ev->jfd != -1)
		return cv_err_set(err, CV_E_FAILED, "journal already open");
	if (evlog_mkdirs(path, err) == -1)
		return -1;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return cv_err_set(err, CV_E_FAILED, "cannot open %s: %s", path,
		    strerror(errno));
	pthread_mutex_lock(&ev->lock);
	ev->jseq = ev->seq;
	ev->jstop = false;
	pthread_mutex_unlock(&ev->lock);
	ev->jfd = fd;
	if (pthread_create(&ev->jthread, NULL, evlog_journal_main, ev) != 0)
		fatal("pthread_create");
	return 0;
}

/*
 * $XDG_STATE_HOME/crossvisor/journal, with ~/.local/state when it is unset
 * or not absolute (the XDG rule); NULL without a home.
 */
char *
evlog_journal_default(void)
{
	const char	*xdg = getenv("XDG_STATE_HOME");
	const char	*home = getenv("HOME");
	char		*path;

	if (xdg != NULL && xdg[0] == '/')
		xasprintf(&path, "%s/crossvisor/journal", xdg);
	else if (home != NULL && home[0] != '\0')
		xasprintf(&path, "%s/.local/state/crossvisor/journal", home);
	else
		return NULL;
	return path;
}
