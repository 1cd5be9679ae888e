/* The certification engine. Pure; runs on poller threads. */
#include "core/cert.h"

#include "core/snap.h"

void
cert_evaluate(const struct cert_matrix *m, const struct cert_input *in,
    struct guest_cert *out)
{
	(void)m;
	out->status = CERT_UNKNOWN;
	out->rule = NULL;
	out->source = NULL;
	if (in->platform == NULL)
		out->reason = "host platform not identified";
	else if (in->os_id == NULL)
		out->reason = "guest OS not identified";
	else
		out->reason = "no certification data loaded";
}
