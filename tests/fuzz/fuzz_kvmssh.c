/* libFuzzer target: a libvirt URI (the first line) as a user might write
 * it, then what libvirt said when the connection failed (the rest), as
 * OpenSSH's client may have written it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kvm_ssherr.h"
#include "backends/kvm_uri.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kvm_uri	 u;
	const uint8_t	*nl;
	char		*uri, *msg, line[256];
	size_t		 n;

	if (size > 65536)
		return 0;
	nl = memchr(data, '\n', size);
	n = nl != NULL ? (size_t)(nl - data) : size;
	uri = strndup((const char *)data, n);
	msg = strndup(nl != NULL ? (const char *)nl + 1 : "",
	    nl != NULL ? size - n - 1 : 0);
	if (uri == NULL || msg == NULL)
		abort();
	memset(&u, 0, sizeof u);
	(void)kvm_uri_parse(uri, &u);
	if (kvm_ssh_hostkey_refusal(msg, &u, line, sizeof line) &&
	    strlen(line) >= sizeof line)
		abort();
	free(uri);
	free(msg);
	return 0;
}
