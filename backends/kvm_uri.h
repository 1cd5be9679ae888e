/* The parts of a libvirt URI crossvisor needs: transport, user, host, port
 * and query parameters. Pure. */
#ifndef CV_BACKENDS_KVM_URI_H
#define CV_BACKENDS_KVM_URI_H

#include <stdbool.h>

struct kvm_uri {
	char	driver[32];	/* "qemu", "test" */
	char	transport[16];	/* "ssh", "libssh", "tls", "unix", "" */
	char	user[64];
	char	host[256];	/* "" for a local URI */
	int	port;		/* 0 when not given */
	char	keyfile[512];
	char	known_hosts[512];
	bool	no_tty;
};

int	kvm_uri_parse(const char *, struct kvm_uri *);
bool	kvm_uri_is_ssh(const struct kvm_uri *);
bool	kvm_uri_in_process(const struct kvm_uri *);
char	*kvm_uri_for_open(const char *, const struct kvm_uri *);

#endif
