/* OpenSSH's refusal of a host key, as libvirt passes it on (the ssh
 * client's own banner inside "Cannot recv data: ..."), or as the platform
 * read's ssh writes it (ossh.c), told in one line in the words of
 * crossvisor's own SSH sessions (sshx.c). Pure. */
#ifndef CV_BACKENDS_KVM_SSHERR_H
#define CV_BACKENDS_KVM_SSHERR_H

#include <stdbool.h>
#include <stddef.h>

struct kvm_uri;

/* True, with the line in OUT, when libvirt's message MSG is a host key
 * refusal; U names the host and its known_hosts file where MSG does not. */
bool	kvm_ssh_hostkey_refusal(const char *msg, const struct kvm_uri *u,
	    char *out, size_t outlen);

#endif
