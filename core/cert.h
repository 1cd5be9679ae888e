/* The certification engine: host platform + guest OS -> status and reason.
 * Pure. The matrix arrives with the certification issue; until then every
 * guest is "unknown" with a reason that says why. */
#ifndef CV_CORE_CERT_H
#define CV_CORE_CERT_H

#include <stdint.h>

struct guest_cert;
struct cert_matrix;

struct cert_input {
	const char	*hv_type;	/* "kvm", "hyperv" */
	const char	*platform;	/* host platform id; NULL unknown */
	const char	*os_id;		/* guest short id; NULL unknown */
	const char	*os;		/* guest OS name; NULL */
	const char	*virt_type;	/* "kvm", "qemu"; NULL */
	const char	*machine;
	int		 vcpus;
	uint64_t	 mem_max_bytes;
};

void	cert_evaluate(const struct cert_matrix *, const struct cert_input *,
	    struct guest_cert *);

#endif
