/* libFuzzer target: a configuration file as a user might write it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "core/conf.h"
#include "core/err.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg	c;
	struct cv_err	err;
	char		*text;

	if (size > 65536)
		return 0;
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	(void)cfg_parse_string(text, "fuzz.conf", &c, &err);
	cfg_free(&c);
	free(text);
	return 0;
}
