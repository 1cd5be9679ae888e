/* The engine: one poller thread per host, a watchdog, the fleet and the
 * event log. Every consumer (console, batch, audit, act) drives one. */
#ifndef CV_CORE_ENGINE_H
#define CV_CORE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/action.h"

struct cfg;
struct cv_err;
struct evlog;
struct fleet;
struct engine;
struct backend_ops;

typedef const struct backend_ops *engine_backend_fn(const char *type);

struct cert_matrix;

/* How many deferred platform reads run at once (see engine.c). */
#define ENGINE_PLATFORM_READS	16

struct engine	*engine_create(const struct cfg *, const struct cert_matrix *,
		     engine_backend_fn *);
void		 engine_platforms_last(struct engine *);
void		 engine_guests_first(struct engine *);
void		 engine_platforms_never(struct engine *);
void		 engine_crowd_quiet(struct engine *, uint64_t);
void		 engine_start(struct engine *);
void		 engine_free(struct engine *);
bool		 engine_left_threads(void);
struct fleet	*engine_fleet(struct engine *);
struct evlog	*engine_evlog(struct engine *);
uint64_t	 engine_submit(struct engine *, size_t host,
		     const char *guest_id, const char *guest_name,
		     enum action, struct cv_err *);

#endif
