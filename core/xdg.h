/* Per-user directories of the XDG Base Directory specification. Pure libc;
 * any thread. */
#ifndef CV_CORE_XDG_H
#define CV_CORE_XDG_H

/*
 * crossvisor's state directory, $XDG_STATE_HOME/crossvisor (by default
 * ~/.local/state/crossvisor): the journal and the fleet cache of shell
 * completion live there. Made, with its missing parents, mode 0700, on each
 * call (cheap when it exists). NULL, errno set, when there is no home or the
 * directory cannot be made.
 */
const char	*xdg_state_dir(void);

#endif
