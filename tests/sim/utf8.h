/* UTF-8 as .NET decodes and encodes it for the simulator: invalid
 * sequences become U+FFFD (one per maximal invalid subpart), UTF-16LE both
 * ways. Pure; single-threaded. */
#ifndef CV_SIM_UTF8_H
#define CV_SIM_UTF8_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define UTF8_REPLACEMENT	0xfffdu
#define UTF8_BAD		0x110000u	/* utf8_next: invalid */

size_t	utf8_next(const char *, size_t, uint32_t *);
int	utf8_valid(const char *, size_t);
void	utf8_put(struct buf *, uint32_t);
void	utf8_sanitize(struct buf *, const char *, size_t);
void	utf8_to_utf16le(struct buf *, const char *, size_t);
void	utf8_from_utf16le(struct buf *, const unsigned char *, size_t);

#endif
