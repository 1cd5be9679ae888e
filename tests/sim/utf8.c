/* UTF-8 decoding with .NET's replacement behaviour, and UTF-16LE, for the
 * simulator's stdin (UTF8Encoding without BOM), -EncodedCommand (UTF-16LE)
 * and --utf16 output. Pure; single-threaded. */
#include "tests/sim/utf8.h"

#include "tests/sim/buf.h"

/* Decodes one code point at s. Returns the bytes it used (at least 1) and
 * sets *cp, UTF8_BAD for an invalid sequence: a maximal subpart of a valid
 * sequence is consumed whole (one U+FFFD for it), as the Unicode standard
 * recommends. */
size_t
utf8_next(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char	*u = (const unsigned char *)s;
	unsigned char		 lo, hi;
	uint32_t		 c;
	size_t			 n, i;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	lo = 0x80;
	hi = 0xbf;
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
		if (u[0] == 0xe0)
			lo = 0xa0;
		else if (u[0] == 0xed)
			hi = 0x9f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
		if (u[0] == 0xf0)
			lo = 0x90;
		else if (u[0] == 0xf4)
			hi = 0x8f;
	} else {
		*cp = UTF8_BAD;
		return 1;
	}
	for (i = 1; i < n; i++) {
		if (i >= len || u[i] < lo || u[i] > hi) {
			*cp = UTF8_BAD;
			return i;
		}
		c = (c << 6) | (u[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = c;
	return n;
}

int
utf8_valid(const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i, n;

	for (i = 0; i < len; i += n) {
		if ((unsigned char)s[i] < 0x80) {
			n = 1;
			continue;
		}
		n = utf8_next(s + i, len - i, &cp);
		if (cp == UTF8_BAD)
			return 0;
	}
	return 1;
}

void
utf8_put(struct buf *b, uint32_t cp)
{
	char	s[4];

	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;	/* UTF8_BAD too */
	if (cp < 0x80) {
		buf_addc(b, (int)cp);
	} else if (cp < 0x800) {
		s[0] = (char)(0xc0 | (cp >> 6));
		s[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, s, 2);
	} else if (cp < 0x10000) {
		s[0] = (char)(0xe0 | (cp >> 12));
		s[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, s, 3);
	} else {
		s[0] = (char)(0xf0 | (cp >> 18));
		s[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		s[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		s[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, s, 4);
	}
}

/* Appends s with every invalid sequence replaced by U+FFFD. */
void
utf8_sanitize(struct buf *b, const char *s, size_t len)
{
	uint32_t	cp;
	size_t		i, start, n;

	for (i = start = 0; i < len; i += n) {
		if ((unsigned char)s[i] < 0x80) {
			n = 1;
			continue;
		}
		n = utf8_next(s + i, len - i, &cp);
		if (cp == UTF8_BAD) {
			buf_add(b, s + start, i - start);
			utf8_put(b, cp);
			start = i + n;
		}
	}
	buf_add(b, s + start, len - start);
}

void
utf8_to_utf16le(struct buf *b, const char *s, size_t len)
{
	unsigned char	u[4];
	uint32_t	cp, hi, lo;
	size_t		i, n;

	buf_grow(b, len * 2);
	for (i = 0; i < len; i += n) {
		n = utf8_next(s + i, len - i, &cp);
		if (cp == UTF8_BAD)
			cp = UTF8_REPLACEMENT;
		if (cp >= 0x10000) {
			hi = 0xd800 + ((cp - 0x10000) >> 10);
			lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
			u[0] = hi & 0xff;
			u[1] = hi >> 8;
			u[2] = lo & 0xff;
			u[3] = lo >> 8;
			buf_add(b, u, 4);
		} else {
			u[0] = cp & 0xff;
			u[1] = cp >> 8;
			buf_add(b, u, 2);
		}
	}
}

/* As Encoding.Unicode.GetString: lone surrogates and an odd last byte
 * become U+FFFD. */
void
utf8_from_utf16le(struct buf *b, const unsigned char *s, size_t len)
{
	uint32_t	c, d;
	size_t		i;

	for (i = 0; i + 1 < len; i += 2) {
		c = (uint32_t)s[i] | (uint32_t)s[i + 1] << 8;
		if (c >= 0xd800 && c <= 0xdbff && i + 3 < len) {
			d = (uint32_t)s[i + 2] | (uint32_t)s[i + 3] << 8;
			if (d >= 0xdc00 && d <= 0xdfff) {
				utf8_put(b, 0x10000 + ((c - 0xd800) << 10) +
				    (d - 0xdc00));
				i += 2;
				continue;
			}
		}
		utf8_put(b, c);		/* a lone surrogate: U+FFFD */
	}
	if (len % 2 != 0)
		utf8_put(b, UTF8_REPLACEMENT);
}
