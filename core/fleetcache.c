/* The fleet cache for shell completion. Its own thread. */
#include "core/fleetcache.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/fleet.h"
#include "core/model.h"
#include "core/snap.h"
#include "core/xdg.h"
#include "core/xmalloc.h"

/* Completion wants recent names, not a disk write per refresh. */
#define FLEET_CACHE_PERIOD_MS	60000
/* How often the writer looks for the first complete refresh. */
#define FLEET_CACHE_CHECK_MS	500

struct fleet_cache {
	struct fleet	*fleet;
	bool		 demo;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 cond;		/* on CLOCK_MONOTONIC */
	bool		 stop;		/* under lock */
};

/* A name that would break the line format (or the shell) is left out. */
static bool
name_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

/* Complete: every host has answered a poll or is down (its stale guests,
 * if any, are the last seen). */
static bool
view_complete(const struct fleet_view *v)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->hosts[i] == NULL || (v->hosts[i]->polls == 0 &&
		    v->hosts[i]->state != HOST_DOWN))
			return false;
	return true;
}

static int
write_view(const struct fleet_view *v, const char *path)
{
	char	*tmp;
	FILE	*fp;
	size_t	 i, j;
	int	 fd, saved;

	xasprintf(&tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		if (fd != -1) {
			close(fd);
			unlink(tmp);
		}
		free(tmp);
		errno = saved;
		return -1;
	}
	for (i = 0; i < v->n; i++) {
		const struct host_snap *h = v->hosts[i];

		if (!name_ok(h->name))
			continue;
		for (j = 0; j < h->nguests; j++)
			if (name_ok(h->guests[j].name))
				fprintf(fp, "%s/%s\n", h->name,
				    h->guests[j].name);
	}
	/* Written whole, then renamed: a reader never sees half a file. */
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0 ||
	    rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		free(tmp);
		errno = saved;
		return -1;
	}
	free(tmp);
	return 0;
}

int
fleet_cache_write(struct fleet *f, bool demo)
{
	struct fleet_view	 v;
	const char		*dir;
	char			*path;
	int			 rc;

	fleet_acquire(f, &v);
	if (!view_complete(&v)) {
		fleet_view_release(&v);
		return 1;
	}
	if ((dir = xdg_state_dir()) == NULL) {
		fleet_view_release(&v);
		return -1;
	}
	xasprintf(&path, "%s/%s", dir, demo ? "fleet-cache-demo" :
	    "fleet-cache");
	rc = write_view(&v, path);
	free(path);
	fleet_view_release(&v);
	return rc;
}

static void
deadline_in(struct timespec *ts, uint64_t ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)(ms / 1000);
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static void *
fleet_cache_main(void *arg)
{
	struct fleet_cache	*fc = arg;
	struct timespec		 ts;
	uint64_t		 written_gen = 0;
	bool			 written = false;

	pthread_mutex_lock(&fc->lock);
	while (!fc->stop) {
		deadline_in(&ts, written ? FLEET_CACHE_PERIOD_MS :
		    FLEET_CACHE_CHECK_MS);
		pthread_cond_timedwait(&fc->cond, &fc->lock, &ts);
		if (fc->stop)
			break;
		if (written && fleet_gen(fc->fleet) == written_gen)
			continue;
		pthread_mutex_unlock(&fc->lock);
		/* A failure (no home, a full disk) only costs completion. */
		if (fleet_cache_write(fc->fleet, fc->demo) == 0) {
			written = true;
			written_gen = fleet_gen(fc->fleet);
		}
		pthread_mutex_lock(&fc->lock);
	}
	pthread_mutex_unlock(&fc->lock);
	return NULL;
}

struct fleet_cache *
fleet_cache_start(struct fleet *f, bool demo)
{
	struct fleet_cache	*fc = xcalloc(1, sizeof *fc);
	pthread_condattr_t	 ca;

	fc->fleet = f;
	fc->demo = demo;
	pthread_mutex_init(&fc->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&fc->cond, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&fc->thread, NULL, fleet_cache_main, fc) != 0) {
		pthread_cond_destroy(&fc->cond);
		pthread_mutex_destroy(&fc->lock);
		free(fc);
		return NULL;
	}
	return fc;
}

void
fleet_cache_stop(struct fleet_cache *fc)
{
	if (fc == NULL)
		return;
	pthread_mutex_lock(&fc->lock);
	fc->stop = true;
	pthread_cond_signal(&fc->cond);
	pthread_mutex_unlock(&fc->lock);
	pthread_join(fc->thread, NULL);
	/* The names seen last, whatever the period. */
	(void)fleet_cache_write(fc->fleet, fc->demo);
	pthread_cond_destroy(&fc->cond);
	pthread_mutex_destroy(&fc->lock);
	free(fc);
}
