/* A small epoll event loop given to libvirt through virEventRegisterImpl.
 * Handle changes are only epoll_ctl calls and never wake the loop: the
 * RPC client turns its socket's watch off and on around every call, and a
 * loop woken for each of those would walk every connection's socket. */
#ifndef CV_BACKENDS_EVLOOP_H
#define CV_BACKENDS_EVLOOP_H

#include <libvirt/libvirt.h>

int	evloop_add_handle(int, int, virEventHandleCallback, void *,
	    virFreeCallback);
void	evloop_update_handle(int, int);
int	evloop_remove_handle(int);
int	evloop_add_timeout(int, virEventTimeoutCallback, void *,
	    virFreeCallback);
void	evloop_update_timeout(int, int);
int	evloop_remove_timeout(int);

/* Registers the functions above with libvirt (once per process). */
void	evloop_register(void);
/* The loop thread: started once, stopped after the last connection. */
int	evloop_start(void);
void	evloop_stop(void);

#endif
