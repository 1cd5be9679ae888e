/* The libvirt event loop thread, and libvirt's silent error handler: libvirt
 * must never write to the terminal. Started from main before any
 * connection is opened. */
#include "backends/kvm_events.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "core/err.h"

static pthread_t	events_thread;
static atomic_bool	events_run;
static int		events_started;

static void
silent_error(void *arg, virErrorPtr e)
{
	(void)arg;
	(void)e;
}

static void *
events_main(void *arg)
{
	(void)arg;
	while (atomic_load(&events_run))
		if (virEventRunDefaultImpl() < 0)
			break;
	return NULL;
}

static void
wake_loop(int timer, void *arg)
{
	(void)timer;
	(void)arg;
}

/* libxml2 (under libvirt) sets its globals up lazily, and two pollers that
 * parse their first XML at once race on it. One parse here, before any
 * poller exists, sets them up: the test driver's built-in fleet is parsed
 * in-process at open. */
static void
warm_up_libxml2(void)
{
	virConnectPtr	c;

	if ((c = virConnectOpen("test:///default")) != NULL)
		virConnectClose(c);
}

void
kvm_events_start(void)
{
	if (events_started)
		return;
	virSetErrorFunc(NULL, silent_error);
	if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0)
		fatalx("cannot initialise libvirt");
	warm_up_libxml2();
	atomic_store(&events_run, true);
	if (pthread_create(&events_thread, NULL, events_main, NULL) != 0)
		fatal("pthread_create");
	events_started = 1;
}

/* Stops the loop: a one-shot timer wakes it to see the flag. */
void
kvm_events_stop(void)
{
	int	timer;

	if (!events_started)
		return;
	atomic_store(&events_run, false);
	timer = virEventAddTimeout(0, wake_loop, NULL, NULL);
	pthread_join(events_thread, NULL);
	if (timer >= 0)
		virEventRemoveTimeout(timer);
	events_started = 0;
}
