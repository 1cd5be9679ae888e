/* libFuzzer target: a theme file as a user might write it, with the
 * console's element names. */
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/theme.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A copy of the names of tui/term.h's UI_COLOR_LIST (that header needs
 * curses); the parser takes any list. */
static const char *const names[] = {
	"default", "header", "header-flag", "title", "host", "host-up",
	"host-connecting", "host-down", "guest", "state-running",
	"state-paused", "state-off", "state-bad", "stale", "cursor", "status",
	"status-error", "hint-key", "hint-label", "prompt", "text-bold",
	"event-done", "event-refused", "event-failed", "sparkline", "mark",
	"cert-unsupported", "cert-unknown", "cert-community",
	"cert-conditional", "cert-certified"
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct theme		 t;
	struct cv_err		 err;
	static const char *const tags[] = { "prod", "lab" };

	if (size > 65536)
		return 0;
	theme_init(&t, sizeof names / sizeof names[0]);
	/* Not NUL-terminated: the parser must keep to size. */
	(void)theme_parse(&t, (const char *)data, size, "fuzz.theme", names,
	    sizeof names / sizeof names[0], &err);
	(void)theme_accent_find(&t, "kvm-a", tags, 2);
	theme_free(&t);
	return 0;
}
