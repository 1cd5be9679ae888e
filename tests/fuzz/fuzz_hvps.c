/* libFuzzer target: everything a Hyper-V host's PowerShell can send back,
 * through every layer of backends/hyperv_ps.c. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "backends/hyperv_ps.h"
#include "core/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hvps_text	 t;
	struct hvps_poll	 p;
	struct hvps_action	 a;
	struct hvps_error	 e;
	struct cv_err		 err;
	const char		*json;
	size_t			 jlen;
	char			 msg[256];
	bool			 u16 = false, done;

	if (hvps_decode((const char *)data, size, &u16, &t) == -1)
		return 0;
	(void)hvps_stderr_error(t.s, msg, sizeof msg);
	if (hvps_find_answer(t.s, 1, &json, &jlen, &done) == 1) {
		if (hvps_parse_error(json, jlen, &e) == 0) {
			memset(&p, 0, sizeof p);
			if (hvps_parse_poll(json, jlen, &p, &err) == 0)
				hvps_poll_free(&p);
			(void)hvps_parse_action(json, jlen, &a, &err);
		}
	}
	/* The raw bytes as an answer too, without the framing. */
	memset(&p, 0, sizeof p);
	if (hvps_parse_poll(t.s, t.len, &p, &err) == 0)
		hvps_poll_free(&p);
	(void)hvps_state(t.s, &(enum guest_health){ HEALTH_NONE });
	(void)hvps_heartbeat(t.s);
	hvps_text_free(&t);
	return 0;
}
