/* The words of a refused host key, the same whichever SSH client refused
 * it: crossvisor's own sessions (sshx.c) or OpenSSH's under libvirt
 * (kvm_ssherr.c). Pure. */
#ifndef CV_BACKENDS_HOSTKEY_H
#define CV_BACKENDS_HOSTKEY_H

#include <stddef.h>

/* The name known_hosts files use for HOST:PORT (host, or [host]:port off
 * port 22; PORT 0 is 22), and the ssh-keyscan arguments that fetch its
 * key. */
void	hostkey_name(const char *host, int port, char *name, size_t namelen,
	    char *scan, size_t scanlen);

/* "host key of NAME CHANGED to FP (NOTE); refused", and how to trust it. */
void	hostkey_changed(char *out, size_t outlen, const char *name,
	    const char *fp, const char *note, const char *file);

/* "unknown host key of NAME (NOTE); refused", and how to trust it. */
void	hostkey_unknown(char *out, size_t outlen, const char *name,
	    const char *note, const char *scan, const char *file);

#endif
