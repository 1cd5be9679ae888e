/* The libvirt event loop thread (backends/evloop.c, not libvirt's default
 * GLib loop: see evloop.h), and libvirt's silent error handler: libvirt
 * must never write to the terminal. Started from main before any
 * connection is opened. */
#include "backends/kvm_events.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <malloc.h>
#include <pthread.h>
#include <stddef.h>

#include "backends/evloop.h"
#include "core/err.h"

static int	events_started;

static void
silent_error(void *arg, virErrorPtr e)
{
	(void)arg;
	(void)e;
}

/* libxml2 (under libvirt) sets its globals up lazily, and two pollers that
 * parse their first XML at once race on it. One parse sets them up: the
 * test driver's built-in fleet is parsed in-process at open. */
static void
warm_up_libxml2(void)
{
	virConnectPtr	c;

	if ((c = virConnectOpen("test:///default")) != NULL)
		virConnectClose(c);
}

/* Only an in-process driver parses XML in this process (kvm_uri_in_process);
 * a daemon's connection, local or remote, gets strings. Warming up for every
 * fleet left 1.1 MB of libxml2 and libvirt code resident that such a fleet
 * never runs. */
void
kvm_events_before_in_process_open(void)
{
	static pthread_once_t	once = PTHREAD_ONCE_INIT;

	pthread_once(&once, warm_up_libxml2);
}

void
kvm_events_start(void)
{
	if (events_started)
		return;
	/* Every poll decodes thousands of small blocks (libvirt's XDR) and
	 * frees them together; glibc's fast bins would keep them until the
	 * next larger request sweeps them up (malloc_consolidate), in every
	 * poller's arena after every poll. Without fast bins they go back at
	 * once: about a tenth less CPU at 50 hosts (bench/README.md). */
#ifdef M_MXFAST
	mallopt(M_MXFAST, 0);
#endif
	virSetErrorFunc(NULL, silent_error);
	if (virInitialize() < 0)
		fatalx("cannot initialise libvirt");
	evloop_register();
	if (evloop_start() == -1)
		fatal("pthread_create");
	events_started = 1;
}

void
kvm_events_stop(void)
{
	if (!events_started)
		return;
	evloop_stop();
	events_started = 0;
}
