/* PowerShell output, as real Windows hosts print it, into plain structs:
 * the byte stream (UTF-8 or UTF-16LE, CRLF), the answer framing, CLIXML on
 * stderr and the JSON answers of poll.ps1 and action.ps1. Everything here
 * reads what a remote host sent: sizes are bounded, every byte sequence
 * decodes to something, nothing is trusted to be well formed. Pure: no I/O
 * and no global state, so a fuzzer may call any function. */
#include "backends/hyperv_ps.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "core/err.h"
#include "core/xmalloc.h"

#define MAX_STREAM	(256u << 20)	/* bytes of one stream to decode */
#define MAX_JSON	(128u << 20)	/* bytes of one answer */
#define MAX_DEPTH	32		/* JSON nesting */
#define MAX_VMS		100000
#define MAX_NAME	1024		/* bytes of a VM name */
#define MAX_CLIXML	(64u << 10)	/* error text kept of one block */
#define HEAD_CHARS	60		/* characters quoted in parse errors */

/* ---- UTF-8 ---- */

/* Output that grows; with max set, what goes beyond it is cut off. */
struct obuf {
	char	*p;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

static void
ob_reserve(struct obuf *b, size_t more)
{
	size_t	cap;

	if (b->len + more < b->cap)
		return;
	cap = b->cap ? b->cap : 256;
	while (cap <= b->len + more)
		cap *= 2;
	b->p = xreallocarray(b->p, cap, 1);
	b->cap = cap;
}

static void
ob_add(struct obuf *b, const char *s, size_t n)
{
	if (b->max != 0 && b->len + n > b->max)
		n = b->max - b->len;	/* cut: later decoding copes */
	if (n == 0)
		return;
	ob_reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static size_t
utf8_put(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | c >> 6);
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12);
		o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18);
	o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

static void
ob_cp(struct obuf *b, uint32_t c)
{
	char	u[4];

	if (c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	ob_add(b, u, utf8_put(u, c));
}

/* Decodes one character of s (len > 0 bytes): its code point, or U+FFFD
 * for an invalid sequence, which then spans its maximal valid prefix (at
 * least one byte). Returns the bytes used. Overlong forms, surrogates and
 * code points above U+10FFFF are invalid. */
static size_t
utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xbf;
	uint32_t	v;
	size_t		need, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		v = c & 0x0f;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		v = c & 0x07;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		*cp = 0xfffd;
		return 1;
	}
	for (i = 1; i <= need; i++) {
		if (i >= len || s[i] < lo || s[i] > hi) {
			*cp = 0xfffd;
			return i;
		}
		v = v << 6 | (s[i] & 0x3f);
		lo = 0x80;
		hi = 0xbf;
	}
	*cp = v;
	return need + 1;
}

static int
is_space(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	    c == '\f';
}

/* Control characters that a terminal may act on: C0, DEL and C1. */
static int
is_control(uint32_t c)
{
	return c < 0x20 || (c >= 0x7f && c <= 0x9f);
}

/* Copies len bytes of text into dst (size dstsize > 0) as valid UTF-8:
 * invalid sequences become U+FFFD, NUL is dropped, other control
 * characters become spaces unless keep says KEEP_CONTROLS (names are data
 * and stay exact; consumers make them safe to show). With KEEP_FOLD, runs
 * of white space become one space and both ends are trimmed. Cuts at a character boundary. Returns
 * 1 when the text did not fit, else 0. */
#define KEEP_FOLD	1
#define KEEP_CONTROLS	2

static int
copy_text(char *dst, size_t dstsize, const char *src, size_t len, int how)
{
	int			 fold = how & KEEP_FOLD;
	const unsigned char	*s = (const unsigned char *)src;
	size_t			 i = 0, o = 0, n;
	uint32_t		 c;
	char			 u[4];
	int			 space = 0;

	dst[0] = '\0';
	if (src == NULL)
		return 0;
	while (i < len) {
		i += utf8_next(s + i, len - i, &c);
		if (c == 0)
			continue;
		if (is_control(c) && !(how & KEEP_CONTROLS))
			c = ' ';
		if (fold && is_space(c)) {
			space = o > 0;
			continue;
		}
		if (space) {
			if (o + 1 >= dstsize)
				return 1;
			dst[o++] = ' ';
			space = 0;
		}
		n = utf8_put(u, c);
		if (o + n >= dstsize) {
			dst[o] = '\0';
			return 1;
		}
		memcpy(dst + o, u, n);
		o += n;
		dst[o] = '\0';
	}
	return 0;
}

/* The first characters of s, on one line, for an error message. */
static const char *
head_of(const char *s, size_t len, char *buf, size_t buflen)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 chars, cut;
	uint32_t		 c;

	if (s == NULL)
		len = 0;
	for (cut = 0, chars = 0; cut < len && chars < HEAD_CHARS; chars++)
		cut += utf8_next(p + cut, len - cut, &c);
	copy_text(buf, buflen, s, cut, 1);
	return buf;
}

static uint32_t
fnv1a32(const char *s, size_t len)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

/* ---- the byte stream ---- */

/* Appends one decoded character: CR and CRLF become LF, and NUL becomes
 * U+FFFD, so that a line torn by a NUL never reads as a marker. */
static void
put_char(struct obuf *b, uint32_t c, int *cr)
{
	if (c == 0)
		c = 0xfffd;
	if (c == '\n' && *cr) {
		*cr = 0;
		return;
	}
	*cr = c == '\r';
	ob_cp(b, *cr ? '\n' : c);
}

int
hvps_decode(const char *buf, size_t len, bool *utf16, struct hvps_text *out)
{
	const unsigned char	*p = (const unsigned char *)buf;
	struct obuf		 b = { NULL, 0, 0, 0 };
	bool			 u16 = utf16 != NULL && *utf16;
	size_t			 i = 0;
	uint32_t		 c, lo;
	int			 cr = 0;

	out->s = NULL;
	out->len = 0;
	if ((buf == NULL && len > 0) || len > MAX_STREAM)
		return -1;
	if (len >= 2 && p[0] == 0xff && p[1] == 0xfe) {
		u16 = true;
		i = 2;
	} else if (!u16 && len >= 3 && p[0] == 0xef && p[1] == 0xbb &&
	    p[2] == 0xbf)
		i = 3;
	if (utf16 != NULL)
		*utf16 = u16;
	ob_reserve(&b, u16 ? len / 2 + 16 : len + 16);
	b.p[0] = '\0';
	if (u16) {
		for (; i + 1 < len; i += 2) {
			c = p[i] | (uint32_t)p[i + 1] << 8;
			if (c >= 0xd800 && c <= 0xdbff && i + 3 < len) {
				lo = p[i + 2] | (uint32_t)p[i + 3] << 8;
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) +
					    (lo - 0xdc00);
					i += 2;
				}
			}
			put_char(&b, c, &cr);	/* lone surrogates: U+FFFD */
		}
		if (i < len)
			put_char(&b, 0xfffd, &cr);
	} else {
		while (i < len) {
			i += utf8_next(p + i, len - i, &c);
			put_char(&b, c, &cr);
		}
	}
	out->s = b.p;
	out->len = b.len;
	return 0;
}

void
hvps_text_free(struct hvps_text *t)
{
	if (t == NULL)
		return;
	free(t->s);
	t->s = NULL;
	t->len = 0;
}

/* ---- the answer framing ---- */

/* When [line, eol) starts with tag, blanks and the number n, returns the
 * position after the number, else NULL. */
static const char *
marker(const char *line, const char *eol, const char *tag, unsigned n)
{
	size_t		 tl = strlen(tag), digits = 0;
	const char	*p = line + tl;
	uint64_t	 v = 0;

	if ((size_t)(eol - line) <= tl || memcmp(line, tag, tl) != 0 ||
	    (*p != ' ' && *p != '\t'))
		return NULL;
	while (p < eol && (*p == ' ' || *p == '\t'))
		p++;
	for (; p < eol && *p >= '0' && *p <= '9'; p++) {
		if (++digits > 10)
			return NULL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (digits == 0 || v != n)
		return NULL;
	if (p < eol && *p != ' ' && *p != '\t' && *p != '\r')
		return NULL;
	return p;
}

static const char *
rtrim(const char *s, const char *e)
{
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	return e;
}

int
hvps_find_answer(const char *text, unsigned n, const char **json,
    size_t *jsonlen, bool *done)
{
	const char	*line, *eol, *p, *e;
	int		 found = 0, term;

	*json = NULL;
	*jsonlen = 0;
	*done = false;
	if (text == NULL)
		return 0;
	for (line = text; *line != '\0'; line = eol + 1) {
		term = (eol = strchr(line, '\n')) != NULL;
		if (!term)
			eol = line + strlen(line);
		if (!found) {
			/* An answer counts once its line has ended: until
			 * then its JSON may be cut short. */
			if (term && (p = marker(line, eol, "@@CV@@", n)) !=
			    NULL) {
				while (p < eol && (*p == ' ' || *p == '\t'))
					p++;
				e = rtrim(p, eol);
				*json = p;
				*jsonlen = (size_t)(e - p);
				found = 1;
			}
		} else if ((p = marker(line, eol, "@@CVDONE@@", n)) != NULL &&
		    rtrim(p, eol) == p) {
			*done = true;
			break;
		}
		if (!term)
			break;
	}
	return found;
}

/* ---- CLIXML on stderr ---- */

/* The first place of pat in [p, end), or NULL. */
static const char *
find(const char *p, const char *end, const char *pat)
{
	size_t	n = strlen(pat);

	if (p == NULL || p > end)
		return NULL;
	for (; (size_t)(end - p) >= n; p++) {
		if ((p = memchr(p, pat[0], (size_t)(end - p))) == NULL ||
		    (size_t)(end - p) < n)
			return NULL;
		if (memcmp(p, pat, n) == 0)
			return p;
	}
	return NULL;
}

/* A search that remembers where it found pat, so that scanning a stream
 * with many starts stays linear. */
struct finder {
	const char	*pat;
	const char	*at;
	int		 none;
};

static const char *
finder_next(struct finder *f, const char *p, const char *end)
{
	if (f->none)
		return NULL;
	if (f->at == NULL || f->at < p)
		f->at = find(p, end, f->pat);
	if (f->at == NULL)
		f->none = 1;
	return f->at;
}

/* Decodes XML character references and entities in [s, e). */
static void
xml_unescape(const char *s, const char *e, struct obuf *out)
{
	static const struct {
		const char	*name;
		char		 c;
	} ents[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' }
	};
	const char	*p;
	uint32_t	 v;
	size_t		 i, digits;
	int		 hex, ok;

	while (s < e) {
		if ((p = memchr(s, '&', (size_t)(e - s))) == NULL)
			p = e;
		ob_add(out, s, (size_t)(p - s));
		if ((s = p) == e)
			break;
		s++;
		ok = 0;
		if (s < e && *s == '#') {
			hex = s + 1 < e && (s[1] == 'x' || s[1] == 'X');
			p = s + 1 + hex;
			for (v = 0, digits = 0; p < e && digits <= 8; p++,
			    digits++) {
				if (*p >= '0' && *p <= '9')
					v = v * (hex ? 16 : 10) +
					    (uint32_t)(*p - '0');
				else if (hex && ((*p | 0x20) >= 'a' &&
				    (*p | 0x20) <= 'f'))
					v = v * 16 + (uint32_t)((*p | 0x20) -
					    'a' + 10);
				else
					break;
			}
			if (digits > 0 && digits <= 8 && p < e && *p == ';') {
				if (v != 0)
					ob_cp(out, v);
				s = p + 1;
				ok = 1;
			}
		} else {
			for (i = 0; i < sizeof ents / sizeof ents[0]; i++) {
				size_t	n = strlen(ents[i].name);

				if ((size_t)(e - s) >= n &&
				    memcmp(s, ents[i].name, n) == 0) {
					ob_add(out, &ents[i].c, 1);
					s += n;
					ok = 1;
					break;
				}
			}
		}
		if (!ok)
			ob_add(out, "&", 1);
	}
}

static int
hex4(const char *s, uint32_t *v)
{
	int	i, d;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			d = s[i] - '0';
		else if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f')
			d = (s[i] | 0x20) - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | (uint32_t)d;
	}
	return 0;
}

/* The escape _xHHHH_ at s (e - s bytes left): 0 and its UTF-16 unit. */
static int
x_escape(const char *s, const char *e, uint32_t *u)
{
	if (e - s < 7 || s[0] != '_' || (s[1] != 'x' && s[1] != 'X') ||
	    s[6] != '_')
		return -1;
	return hex4(s + 2, u);
}

/* Decodes PowerShell's _xHHHH_ escapes (UTF-16 units, surrogate pairs
 * joined, lone surrogates U+FFFD, NUL dropped) in [s, e), making the rest
 * valid UTF-8. */
static void
ps_unescape(const char *s, const char *e, struct obuf *out)
{
	uint32_t	u, lo, c;

	while (s < e) {
		if (x_escape(s, e, &u) == 0) {
			s += 7;
			if (u >= 0xd800 && u <= 0xdbff &&
			    x_escape(s, e, &lo) == 0 && lo >= 0xdc00 &&
			    lo <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				s += 7;
			}
			if (u != 0)
				ob_cp(out, u);
			continue;
		}
		s += utf8_next((const unsigned char *)s, (size_t)(e - s), &c);
		if (c != 0)
			ob_cp(out, c);
	}
}

/* Removes ANSI escape sequences (PowerShell 7 colours its errors) and
 * turns the other control characters but CR and LF into spaces. */
static void
strip_controls(char *s)
{
	char	*o = s;

	while (*s != '\0') {
		if (*s == '\033') {
			s++;
			if (*s == '[') {	/* CSI: parameters, final */
				for (s++; *s >= 0x20 && *s <= 0x3f; s++)
					;
				if (*s >= 0x40 && *s <= 0x7e)
					s++;
			} else if (*s >= 0x40 && *s <= 0x5f)
				s++;		/* ESC and one */
			continue;
		}
		if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\r')
			*o++ = ' ';
		else if ((unsigned char)*s == 0xc2 &&
		    (unsigned char)s[1] >= 0x80 &&
		    (unsigned char)s[1] <= 0x9f) {
			*o++ = ' ';	/* a C1 control */
			s++;
		} else
			*o++ = *s;
		s++;
	}
	*o = '\0';
}

/* Lines of decoded text, one at a time, trimmed. */
struct lines {
	const char	*p;
};

static int
next_line(struct lines *l, const char **s, size_t *n)
{
	const char	*b, *e;

	while (*l->p != '\0') {
		b = l->p;
		e = b + strcspn(b, "\r\n");
		l->p = *e != '\0' ? e + 1 : e;
		while (b < e && (*b == ' ' || *b == '\t'))
			b++;
		while (e > b && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > b) {
			*s = b;
			*n = (size_t)(e - b);
			return 1;
		}
	}
	return 0;
}

static int
starts(const char *s, size_t n, const char *prefix)
{
	size_t	pl = strlen(prefix);

	return n >= pl && strncasecmp(s, prefix, pl) == 0;
}

/* "+ CategoryInfo" and "+ FullyQualifiedErrorId" (never localized). */
static int
is_info_line(const char *s, size_t n)
{
	const char	*p = s + 1;

	while (p < s + n && (*p == ' ' || *p == '\t'))
		p++;
	n -= (size_t)(p - s);
	return starts(p, n, "CategoryInfo") ||
	    starts(p, n, "FullyQualifiedErrorId");
}

/* The position line of an error record ("At line:1 char:1", "At
 * C:\x.ps1:44 char:1"; localized: "En línea: 1 Carácter: 3"), which a
 * code excerpt ("+ Stop-VM ...") follows. */
static int
is_position(const char *s, size_t n, const struct lines *rest)
{
	struct lines	 l = *rest;
	const char	*ns;
	size_t		 nn;

	if (starts(s, n, "At line:") || (starts(s, n, "At ") &&
	    find(s, s + n, " char:") != NULL))
		return 1;
	return next_line(&l, &ns, &nn) && ns[0] == '+' &&
	    !is_info_line(ns, nn);
}

/* The message of an error record as PowerShell printed it: the lines
 * before its position and code lines (or, for parser errors, after
 * them), folded into one line. */
static int
error_message(const char *text, char *msg, size_t msglen)
{
	struct lines	 l = { text };
	struct obuf	 m = { NULL, 0, 0, 0 };
	const char	*s;
	size_t		 n;
	int		 rc;

	while (next_line(&l, &s, &n)) {
		if (s[0] == '+' || is_position(s, n, &l)) {
			if (m.len > 0)
				break;
			continue;
		}
		if (m.len > 0)
			ob_add(&m, " ", 1);
		ob_add(&m, s, n);
	}
	if (m.len == 0) {
		l.p = text;
		if (next_line(&l, &s, &n))
			ob_add(&m, s, n);
	}
	rc = m.len > 0;
	if (rc && msg != NULL && msglen > 0) {
		copy_text(msg, msglen, m.p, m.len, 1);
		rc = msg[0] != '\0';
	}
	free(m.p);
	return rc;
}

/* Collects the S="Error" strings of the <Objs> block [b, e) and makes a
 * message of them. Returns 1 when the block holds an error. */
static int
clixml_block(const char *b, const char *e, char *msg, size_t msglen)
{
	struct obuf	 raw = { NULL, 0, 0, MAX_CLIXML };
	struct obuf	 x = { NULL, 0, 0, 0 }, t = { NULL, 0, 0, 0 };
	const char	*p = b, *gt, *a, *c, *close;
	int		 rc = 0, err;

	while ((p = find(p, e, "<S")) != NULL) {
		p += 2;
		if (p >= e || (*p != ' ' && *p != '\t' && *p != '>' &&
		    *p != '/' && *p != '\r' && *p != '\n'))
			continue;	/* <SD>, <SR>, <SBK>: another tag */
		if ((gt = memchr(p, '>', (size_t)(e - p))) == NULL)
			break;
		/* the attribute S="Error" (or S='Error') */
		err = 0;
		for (a = p; (a = find(a, gt, "S=")) != NULL; a += 2)
			if ((a[-1] == ' ' || a[-1] == '\t') && gt - a >= 8 &&
			    (a[2] == '"' || a[2] == '\'') &&
			    strncasecmp(a + 3, "Error", 5) == 0 &&
			    a[8] == a[2]) {
				err = 1;
				break;
			}
		c = gt + 1;
		if (gt[-1] == '/') {
			p = c;
			continue;
		}
		if ((close = find(c, e, "</S>")) == NULL)
			close = e;
		if (err)
			ob_add(&raw, c, (size_t)(close - c));
		p = close;
	}
	if (raw.len > 0) {
		xml_unescape(raw.p, raw.p + raw.len, &x);
		if (x.len > 0)
			ps_unescape(x.p, x.p + x.len, &t);
		if (t.len > 0) {
			strip_controls(t.p);
			rc = error_message(t.p, msg, msglen);
		}
	}
	free(raw.p);
	free(x.p);
	free(t.p);
	return rc;
}

/* The first non-empty line of plain text [s, e), once. */
static void
plain_line(const char *s, const char *e, char *plain, size_t plainlen,
    int *have)
{
	const char	*b, *le;
	char		 tmp[512];
	size_t		 n;

	while (!*have && s < e) {
		le = s;
		while (le < e && *le != '\n' && *le != '\r')
			le++;
		b = s;
		s = le < e ? le + 1 : e;
		n = (size_t)(le - b) < sizeof tmp ? (size_t)(le - b) :
		    sizeof tmp - 1;
		memcpy(tmp, b, n);
		tmp[n] = '\0';
		strip_controls(tmp);
		copy_text(plain, plainlen, tmp, strlen(tmp), 1);
		*have = plain[0] != '\0';
	}
}

int
hvps_stderr_error(const char *text, char *msg, size_t msglen)
{
	struct finder	 hdr = { "#< CLIXML", NULL, 0 };
	struct finder	 objs = { "<Objs", NULL, 0 };
	struct finder	 close = { "</Objs>", NULL, 0 };
	const char	*p, *end, *h, *o, *c;
	char		 plain[512];
	int		 have = 0;

	if (msg != NULL && msglen > 0)
		msg[0] = '\0';
	plain[0] = '\0';
	if (text == NULL)
		return 0;
	end = text + strlen(text);
	for (p = text; p < end; ) {
		h = finder_next(&hdr, p, end);
		o = finder_next(&objs, p, end);
		if (h == NULL && o == NULL) {
			plain_line(p, end, plain, sizeof plain, &have);
			break;
		}
		if (o == NULL || (h != NULL && h < o)) {
			plain_line(p, h, plain, sizeof plain, &have);
			p = h + strlen(hdr.pat);
			continue;
		}
		plain_line(p, o, plain, sizeof plain, &have);
		c = finder_next(&close, o, end);
		c = c != NULL ? c + strlen(close.pat) : end;
		if (clixml_block(o, c, msg, msglen))
			return 1;
		p = c;
	}
	if (!have)
		return 0;
	if (msg != NULL && msglen > 0)
		copy_text(msg, msglen, plain, strlen(plain), 1);
	return 1;
}

/* ---- JSON ---- */

/* Parses one JSON text. On error sets err (what names the answer). */
static struct json_object *
parse_json(const char *json, size_t len, const char *what,
    struct cv_err *err)
{
	struct json_tokener	*tok;
	struct json_object	*o;
	enum json_tokener_error	 jerr;
	char			 head[4 * HEAD_CHARS + 1];
	size_t			 at;

	if (json == NULL)
		len = 0;
	if (len >= 3 && memcmp(json, "\xef\xbb\xbf", 3) == 0) {
		json += 3;
		len -= 3;
	}
	if (len > MAX_JSON) {
		cv_err_set(err, CV_E_PARSE, "%s is too long (%zu bytes, at "
		    "most %u)", what, len, MAX_JSON);
		return NULL;
	}
	while (len > 0 && is_space((unsigned char)*json)) {
		json++;
		len--;
	}
	if (len == 0) {
		cv_err_set(err, CV_E_PARSE, "%s is empty", what);
		return NULL;
	}
	if ((tok = json_tokener_new_ex(MAX_DEPTH)) == NULL) {
		cv_err_set(err, CV_E_PARSE, "%s: out of memory", what);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	at = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* the end of the input ends a number or a literal */
		o = json_tokener_parse_ex(tok, "", 1);
		if (json_tokener_get_error(tok) == json_tokener_success)
			jerr = json_tokener_success;
	}
	json_tokener_free(tok);
	if (jerr == json_tokener_success && at < len) {
		while (at < len && is_space((unsigned char)json[at]))
			at++;
		if (at < len) {	/* json-c stops at a NUL byte */
			json_object_put(o);
			cv_err_set(err, CV_E_PARSE, "%s is not JSON (more "
			    "after its end, at byte %zu): %s", what, at,
			    head_of(json, len, head, sizeof head));
			return NULL;
		}
	}
	if (jerr == json_tokener_success && o != NULL)
		return o;
	json_object_put(o);
	head_of(json, len, head, sizeof head);
	if (jerr == json_tokener_success)
		cv_err_set(err, CV_E_PARSE, "%s is null", what);
	else if (jerr == json_tokener_continue)
		cv_err_set(err, CV_E_PARSE, "%s ends early (after %zu bytes): "
		    "%s", what, len, head);
	else
		cv_err_set(err, CV_E_PARSE, "%s is not JSON (%s at byte %zu): "
		    "%s", what, json_tokener_error_desc(jerr), at, head);
	return NULL;
}

/* The member key of o, or NULL when o is no object, key is absent or its
 * value is null. */
static struct json_object *
member(struct json_object *o, const char *key)
{
	struct json_object	*v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/* An unsigned number written as digits with an optional fraction, white
 * space around: its whole part and, when frac is given, its fraction.
 * By hand, since strtod follows the locale. Returns 0 or -1. */
static int
str_num(const char *s, size_t len, uint64_t *out, double *frac)
{
	const char	*e = s + len;
	uint64_t	 v = 0;
	double		 f = 0, scale = 1;
	int		 digits = 0;

	while (s < e && is_space((unsigned char)*s))
		s++;
	while (e > s && is_space((unsigned char)e[-1]))
		e--;
	for (; s < e && *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (digits == 0)
		return -1;
	if (s < e && *s == '.')
		for (s++; s < e && *s >= '0' && *s <= '9'; s++)
			if (scale < 1e18) {
				scale *= 10;
				f += (*s - '0') / scale;
			}
	if (s != e)
		return -1;
	*out = v;
	if (frac != NULL)
		*frac = f;
	return 0;
}

static int
str_u64(const char *s, size_t len, uint64_t *out)
{
	return str_num(s, len, out, NULL);
}

/* A number that is not negative: JSON number or string of digits. */
static int
get_u64(struct json_object *v, uint64_t *out)
{
	double	d;
	int64_t	i;

	switch (json_object_get_type(v)) {
	case json_type_int:
		if ((i = json_object_get_int64(v)) < 0)
			return -1;
		*out = i == INT64_MAX ? json_object_get_uint64(v) :
		    (uint64_t)i;
		return *out == UINT64_MAX ? -1 : 0;	/* json-c's clamp */
	case json_type_double:
		d = json_object_get_double(v);
		if (!isfinite(d) || d < 0 || d >= 18446744073709549568.0)
			return -1;
		*out = (uint64_t)d;
		return 0;
	case json_type_string:
		return str_u64(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), out);
	default:
		return -1;
	}
}

/* A number: JSON number or string of digits (not negative). */
static int
get_double(struct json_object *v, double *out)
{
	uint64_t	u;
	double		f;

	switch (json_object_get_type(v)) {
	case json_type_int:
		*out = (double)json_object_get_int64(v);
		return 0;
	case json_type_double:
		*out = json_object_get_double(v);
		return isfinite(*out) ? 0 : -1;
	case json_type_string:
		if (str_num(json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), &u, &f) == -1)
			return -1;
		*out = (double)u + f;
		return 0;
	default:
		return -1;
	}
}

/* A scalar as text: strings as they are, numbers as written. */
static int
get_text(struct json_object *v, char *buf, size_t len, int fold)
{
	const char	*s;

	buf[0] = '\0';
	switch (json_object_get_type(v)) {
	case json_type_string:
		copy_text(buf, len, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v), fold);
		return 0;
	case json_type_int:
	case json_type_double:
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
		copy_text(buf, len, s, strlen(s), 1);
		return 0;
	default:
		return -1;
	}
}

/* ---- error envelopes ---- */

static int
prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

static enum hvps_errclass
classify(const struct hvps_error *e)
{
	if ((prefix(e->fqid, "InvalidParameter,") &&
	    strstr(e->fqid, "GetVM") != NULL) ||
	    strstr(e->fqid, "ObjectNotFound") != NULL ||
	    strcasecmp(e->category, "ObjectNotFound") == 0)
		return HVPS_ERR_NOTFOUND;
	if (prefix(e->fqid, "NoShutdownService") ||
	    prefix(e->fqid, "NoGracefulReboot") ||
	    strcasecmp(e->category, "NotImplemented") == 0)
		return HVPS_ERR_UNSUPPORTED;
	if (strcasecmp(e->category, "PermissionDenied") == 0 ||
	    strstr(e->message, "You do not have the required permission") !=
	    NULL)
		return HVPS_ERR_DENIED;
	if (prefix(e->fqid, "InvalidState") ||
	    strcasecmp(e->category, "InvalidOperation") == 0)
		return HVPS_ERR_STATE;
	return HVPS_ERR_FAILED;
}

/* Fills e from the value of "error". */
static void
fill_error(struct json_object *ev, struct hvps_error *e)
{
	struct json_object	*v;

	if (json_object_is_type(ev, json_type_object)) {
		if ((v = member(ev, "message")) != NULL)
			get_text(v, e->message, sizeof e->message, 1);
		if ((v = member(ev, "category")) != NULL)
			get_text(v, e->category, sizeof e->category, 1);
		if ((v = member(ev, "fqid")) != NULL)
			get_text(v, e->fqid, sizeof e->fqid, 1);
	} else if (ev != NULL)
		get_text(ev, e->message, sizeof e->message, 1);
	e->cls = classify(e);
	if (e->message[0] != '\0')
		return;
	if (e->fqid[0] != '\0')
		snprintf(e->message, sizeof e->message, "PowerShell error %s",
		    e->fqid);
	else if (e->category[0] != '\0')
		snprintf(e->message, sizeof e->message, "PowerShell error of "
		    "category %s", e->category);
	else
		strlcpy_cv(e->message, "PowerShell reported an error without "
		    "a message", sizeof e->message);
}

int
hvps_parse_error(const char *json, size_t len, struct hvps_error *e)
{
	struct json_object	*o, *ev;
	struct cv_err		 err;

	memset(e, 0, sizeof *e);
	e->cls = HVPS_ERR_FAILED;
	if ((o = parse_json(json, len, "answer", &err)) == NULL)
		return 0;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "error", &ev) || ev == NULL) {
		json_object_put(o);
		return 0;
	}
	fill_error(ev, e);
	json_object_put(o);
	return 1;
}

/* ---- names ---- */

/* Microsoft.HyperV.PowerShell.VMState: name, number on current hosts,
 * crossvisor state, critical. Numbers from 32779 on differ between Windows
 * versions and are looked up by name only. Transitions count toward where
 * they lead: Saving and Pausing leave the running state (stopping),
 * Resuming and Reset come back to it (starting). */
#define HVPS_STATE_LIST(_)						\
	_("Other",		1,	GUEST_UNKNOWN,	0)		\
	_("Running",		2,	GUEST_RUNNING,	0)		\
	_("Off",		3,	GUEST_SHUTOFF,	0)		\
	_("Stopping",		4,	GUEST_STOPPING,	0)		\
	_("Saved",		6,	GUEST_SAVED,	0)		\
	_("Paused",		9,	GUEST_PAUSED,	0)		\
	_("Starting",		10,	GUEST_STARTING,	0)		\
	_("Reset",		11,	GUEST_STARTING,	0)		\
	_("Saving",		32773,	GUEST_STOPPING,	0)		\
	_("Pausing",		32776,	GUEST_STOPPING,	0)		\
	_("Resuming",		32777,	GUEST_STARTING,	0)		\
	_("FastSaved",		32779,	GUEST_SAVED,	0)		\
	_("FastSaving",		32780,	GUEST_STOPPING,	0)		\
	_("ForceShutdown",	32781,	GUEST_STOPPING,	0)		\
	_("ForceReboot",	32782,	GUEST_STARTING,	0)		\
	_("Hibernated",		32783,	GUEST_SAVED,	0)		\
	_("ComponentServicing",	32784,	GUEST_UNKNOWN,	0)		\
	_("RunningCritical",	32785,	GUEST_RUNNING,	1)		\
	_("OffCritical",	32786,	GUEST_SHUTOFF,	1)		\
	_("StoppingCritical",	32787,	GUEST_STOPPING,	1)		\
	_("SavedCritical",	32788,	GUEST_SAVED,	1)		\
	_("PausedCritical",	32789,	GUEST_PAUSED,	1)		\
	_("StartingCritical",	32790,	GUEST_STARTING,	1)		\
	_("ResetCritical",	32791,	GUEST_STARTING,	1)		\
	_("SavingCritical",	32792,	GUEST_STOPPING,	1)		\
	_("PausingCritical",	32793,	GUEST_STOPPING,	1)		\
	_("ResumingCritical",	32794,	GUEST_STARTING,	1)		\
	_("FastSavedCritical",	32795,	GUEST_SAVED,	1)		\
	_("FastSavingCritical",	32796,	GUEST_STOPPING,	1)

#define HVPS_STATE_FIRST_UNSTABLE	32779

/* Microsoft.HyperV.PowerShell.VMHeartbeatStatus: name, number, health. */
#define HVPS_HEARTBEAT_LIST(_)						\
	_("Unknown",			0,	HEALTH_NONE)		\
	_("Disabled",			1,	HEALTH_NONE)		\
	_("NoContact",			2,	HEALTH_NONE)		\
	_("Error",			3,	HEALTH_CRITICAL)	\
	_("LostCommunication",		4,	HEALTH_CRITICAL)	\
	_("OkApplicationsUnknown",	5,	HEALTH_OK)		\
	_("OkApplicationsHealthy",	6,	HEALTH_OK)		\
	_("OkApplicationsCritical",	7,	HEALTH_DEGRADED)	\
	_("Paused",			8,	HEALTH_NONE)

struct state_name {
	const char		*name;
	unsigned long		 num;
	enum guest_state	 state;
	int			 critical;
};

struct heartbeat_name {
	const char		*name;
	unsigned long		 num;
	enum guest_health	 health;
};

#define STATE_ENTRY(n, v, s, c)		{ n, v, s, c },
#define HEARTBEAT_ENTRY(n, v, h)	{ n, v, h },
static const struct state_name states[] = {
	HVPS_STATE_LIST(STATE_ENTRY)
};
static const struct heartbeat_name heartbeats[] = {
	HVPS_HEARTBEAT_LIST(HEARTBEAT_ENTRY)
};
#undef STATE_ENTRY
#undef HEARTBEAT_ENTRY

/* A name trimmed of white space into buf; 1 when it is all digits (at
 * most 9), with its value. */
static int
name_key(const char *s, char *buf, size_t len, unsigned long *num)
{
	size_t	i;

	copy_text(buf, len, s, s != NULL ? strlen(s) : 0, 1);
	*num = 0;
	for (i = 0; buf[i] >= '0' && buf[i] <= '9'; i++)
		if (i < 9)
			*num = *num * 10 + (unsigned long)(buf[i] - '0');
	return i > 0 && i <= 9 && buf[i] == '\0';
}

static const struct state_name *
state_lookup(const char *s)
{
	unsigned long	num;
	size_t		i;
	char		buf[64];

	if (name_key(s, buf, sizeof buf, &num)) {
		if (num >= HVPS_STATE_FIRST_UNSTABLE)
			return NULL;
		for (i = 0; i < sizeof states / sizeof states[0]; i++)
			if (states[i].num == num)
				return &states[i];
		return NULL;
	}
	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcasecmp(states[i].name, buf) == 0)
			return &states[i];
	return NULL;
}

static const struct heartbeat_name *
heartbeat_lookup(const char *s)
{
	unsigned long	num;
	size_t		i;
	char		buf[64];
	int		isnum = name_key(s, buf, sizeof buf, &num);

	for (i = 0; i < sizeof heartbeats / sizeof heartbeats[0]; i++)
		if (isnum ? heartbeats[i].num == num :
		    strcasecmp(heartbeats[i].name, buf) == 0)
			return &heartbeats[i];
	return NULL;
}

enum guest_state
hvps_state(const char *s, enum guest_health *health)
{
	const struct state_name	*st = state_lookup(s);

	if (health != NULL)
		*health = st != NULL && st->critical ? HEALTH_CRITICAL :
		    HEALTH_NONE;
	return st != NULL ? st->state : GUEST_UNKNOWN;
}

enum guest_health
hvps_heartbeat(const char *s)
{
	const struct heartbeat_name	*hb = heartbeat_lookup(s);

	return hb != NULL ? hb->health : HEALTH_NONE;
}

/* ---- dates ---- */

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		era;
	unsigned	yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* n digits at *s into *v; advances *s. */
static int
digits_of(const char **s, int n, unsigned *v)
{
	*v = 0;
	while (n-- > 0) {
		if (**s < '0' || **s > '9')
			return -1;
		*v = *v * 10 + (unsigned)(*(*s)++ - '0');
	}
	return 0;
}

/* "\/Date(1579058571826)\/", maybe with an offset ("+0100") that does
 * not change the milliseconds, which are UTC. */
static int
msdate(const char *p, int64_t *ms)
{
	const char	*q;
	int64_t		 v = 0;
	unsigned	 off;
	int		 neg = 0, digits = 0;

	if (*p == '-') {
		neg = 1;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		if (++digits > 15)	/* past the year 33000 */
			return -1;
		v = v * 10 + (*p - '0');
	}
	if (digits == 0)
		return -1;
	if (*p == '+' || *p == '-') {
		q = p + 1;
		if (digits_of(&q, 4, &off) == -1)
			return -1;
		p = q;
	}
	if (strcmp(p, ")\\/") != 0 && strcmp(p, ")/") != 0)
		return -1;
	*ms = neg ? -v : v;
	return 0;
}

int
hvps_date(const char *s, int64_t *ms)
{
	const char	*p = s;
	unsigned	 y, mo, d, h, mi, sec, oh, om, frac = 0, scale = 1;
	int64_t		 v;
	int		 digits, sign;

	*ms = 0;
	if (s == NULL)
		return -1;
	if (strncmp(s, "\\/Date(", 7) == 0)
		return msdate(s + 7, ms);
	if (strncmp(s, "/Date(", 6) == 0)
		return msdate(s + 6, ms);

	/* ISO 8601: 2020-01-15T10:02:51.8260000+01:00, Z or no zone */
	if (digits_of(&p, 4, &y) == -1 || *p++ != '-' ||
	    digits_of(&p, 2, &mo) == -1 || *p++ != '-' ||
	    digits_of(&p, 2, &d) == -1)
		return -1;
	if (*p != 'T' && *p != ' ')
		return -1;
	p++;
	if (digits_of(&p, 2, &h) == -1 || *p++ != ':' ||
	    digits_of(&p, 2, &mi) == -1 || *p++ != ':' ||
	    digits_of(&p, 2, &sec) == -1)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    sec > 60)
		return -1;
	if (*p == '.') {
		for (p++, digits = 0; *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 3) {
				frac = frac * 10 + (unsigned)(*p - '0');
				scale *= 10;
			}
		if (digits == 0)
			return -1;
	}
	v = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + sec;
	v = v * 1000 + frac * (1000 / scale);
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? 1 : -1;	/* -01:00 is later in UTC */
		if (digits_of(&p, 2, &oh) == -1)
			return -1;
		if (*p == ':')
			p++;
		if (digits_of(&p, 2, &om) == -1 || oh > 23 || om > 59)
			return -1;
		v += sign * (int64_t)(oh * 60 + om) * 60000;
	}
	if (*p != '\0')
		return -1;
	*ms = v;
	return 0;
}

/* ---- polls ---- */

/* "1.02:03:04.5000000", "02:03:04" or "3600": seconds. */
static int
timespan_text(const char *s, int64_t *out)
{
	const char	*p = s, *q;
	uint64_t	 days = 0, v;
	unsigned	 h, m, sec;

	while (is_space((unsigned char)*p))
		p++;
	if (str_u64(p, strlen(p), &v) == 0) {
		if (v > INT64_MAX)
			return -1;
		*out = (int64_t)v;
		return 0;
	}
	q = p + strspn(p, "0123456789");
	if (*q == '.') {
		if (str_u64(p, (size_t)(q - p), &days) == -1 ||
		    days > 10675199)	/* TimeSpan.MaxValue */
			return -1;
		p = q + 1;
	}
	if (digits_of(&p, 2, &h) == -1 || *p++ != ':' ||
	    digits_of(&p, 2, &m) == -1 || *p++ != ':' ||
	    digits_of(&p, 2, &sec) == -1 || h > 23 || m > 59 || sec > 59)
		return -1;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	while (is_space((unsigned char)*p))
		p++;
	if (*p != '\0')
		return -1;
	*out = (int64_t)days * 86400 + h * 3600 + m * 60 + sec;
	return 0;
}

/* Uptime: a TimeSpan object (TotalSeconds, else Ticks, else Days, Hours,
 * Minutes and Seconds), seconds, or TimeSpan text. */
static int
uptime_of(struct json_object *v, int64_t *out)
{
	static const struct {
		const char	*key;
		double		 scale;
	} parts[] = {
		{ "Days", 86400 }, { "Hours", 3600 }, { "Minutes", 60 },
		{ "Seconds", 1 }
	};
	struct json_object	*m;
	double			 d, sum = 0;
	size_t			 i;
	int			 any = 0;

	switch (json_object_get_type(v)) {
	case json_type_object:
		if ((m = member(v, "TotalSeconds")) != NULL &&
		    get_double(m, &d) == 0)
			break;
		if ((m = member(v, "Ticks")) != NULL &&
		    get_double(m, &d) == 0) {
			d /= 1e7;
			break;
		}
		for (i = 0; i < sizeof parts / sizeof parts[0]; i++)
			if ((m = member(v, parts[i].key)) != NULL &&
			    get_double(m, &d) == 0) {
				sum += d * parts[i].scale;
				any = 1;
			}
		if (!any)
			return -1;
		d = sum;
		break;
	case json_type_string:
		return timespan_text(json_object_get_string(v), out);
	default:
		if (get_double(v, &d) == -1)
			return -1;
		break;
	}
	if (!isfinite(d) || d < 0 || d >= 9.2e18)
		return -1;
	*out = (int64_t)d;
	return 0;
}

/* A VM id as Windows prints a GUID, lower case; braces dropped. */
static int
id_of(struct json_object *v, char *id, size_t len)
{
	const char	*s;
	size_t		 n, i;

	if (!json_object_is_type(v, json_type_string))
		return -1;
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	if (n >= 2 && s[0] == '{' && s[n - 1] == '}') {
		s++;
		n -= 2;
	}
	if (n == 0 || n >= len)
		return -1;
	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] <= ' ' || (unsigned char)s[i] >= 0x7f)
			return -1;
		id[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
	}
	id[n] = '\0';
	return 0;
}

/* The name, at most MAX_NAME bytes: a longer one keeps its start and
 * ends with "~" and a hash of the whole, so that long names sharing a
 * start stay apart. */
static char *
name_of(struct json_object *v)
{
	char		 buf[MAX_NAME + 1];
	const char	*s;
	size_t		 n;

	if (json_object_is_type(v, json_type_string)) {
		s = json_object_get_string(v);
		n = (size_t)json_object_get_string_len(v);
		if (copy_text(buf, sizeof buf, s, n, KEEP_CONTROLS)) {
			copy_text(buf, MAX_NAME - 9, s, n, KEEP_CONTROLS);
			snprintf(buf + strlen(buf), 10, "~%08x",
			    (unsigned)fnv1a32(s, n));
		}
	} else if (get_text(v, buf, sizeof buf, 1) == -1)
		return NULL;
	if (buf[strspn(buf, " ")] == '\0')
		return NULL;
	return xstrdup(buf);
}

static void
kvp_of(struct json_object *v, struct hvps_vm *vm)
{
	struct hvps_kvp		*k = &vm->kvp;
	struct json_object	*m;

	if (!json_object_is_type(v, json_type_object) ||
	    json_object_object_length(v) == 0)
		return;
	vm->has_kvp = true;
	if ((m = member(v, "OSName")) != NULL)
		get_text(m, k->os_name, sizeof k->os_name, 1);
	if ((m = member(v, "OSVersion")) != NULL)
		get_text(m, k->os_version, sizeof k->os_version, 1);
	if ((m = member(v, "OSMajorVersion")) != NULL)
		get_text(m, k->os_major, sizeof k->os_major, 1);
	if ((m = member(v, "OSMinorVersion")) != NULL)
		get_text(m, k->os_minor, sizeof k->os_minor, 1);
	if ((m = member(v, "OSBuildNumber")) != NULL)
		get_text(m, k->os_build, sizeof k->os_build, 1);
	if ((m = member(v, "ProductType")) != NULL)
		get_text(m, k->product_type, sizeof k->product_type, 1);
}

/* State and Heartbeat: their names, or numbers (named when known). */
static void
state_of(struct json_object *v, struct hvps_vm *vm)
{
	const struct state_name	*st;
	char			 buf[sizeof vm->state_name];

	if (get_text(v, buf, sizeof buf, 1) == -1)
		return;
	vm->state = hvps_state(buf, &vm->health);
	st = state_lookup(buf);
	strlcpy_cv(vm->state_name, st != NULL ? st->name : buf,
	    sizeof vm->state_name);
}

static void
heartbeat_of(struct json_object *v, struct hvps_vm *vm)
{
	const struct heartbeat_name	*hb;
	char				 buf[sizeof vm->heartbeat];

	if (get_text(v, buf, sizeof buf, 1) == -1 || buf[0] == '\0')
		return;
	hb = heartbeat_lookup(buf);
	strlcpy_cv(vm->heartbeat, hb != NULL ? hb->name : buf,
	    sizeof vm->heartbeat);
}

/* One VM; -1 when it lacks an id or a name. */
static int
vm_of(struct json_object *o, struct hvps_vm *vm)
{
	struct json_object	*v;
	uint64_t		 u;
	double			 d;

	memset(vm, 0, sizeof *vm);
	vm->state = GUEST_UNKNOWN;
	vm->health = HEALTH_NONE;
	if (!json_object_is_type(o, json_type_object))
		return -1;
	if ((v = member(o, "Id")) == NULL)
		v = member(o, "VMId");
	if (v == NULL || id_of(v, vm->id, sizeof vm->id) == -1)
		return -1;
	if ((v = member(o, "State")) != NULL)
		state_of(v, vm);
	if ((v = member(o, "Heartbeat")) != NULL)
		heartbeat_of(v, vm);
	if ((v = member(o, "Version")) != NULL)
		get_text(v, vm->version, sizeof vm->version, 1);
	if ((v = member(o, "CPUUsage")) != NULL && get_double(v, &d) == 0 &&
	    d >= 0) {
		vm->cpu_usage = d > 100 ? 100 : d;
		vm->have |= HVVM_CPU;
	}
	if ((v = member(o, "ProcessorCount")) != NULL &&
	    get_u64(v, &u) == 0 && u > 0 && u <= 65536) {
		vm->vcpus = (int)u;
		vm->have |= HVVM_VCPUS;
	}
	if ((v = member(o, "MemoryAssigned")) != NULL &&
	    get_u64(v, &vm->mem_assigned) == 0)
		vm->have |= HVVM_MEM;
	if ((v = member(o, "MemoryDemand")) != NULL &&
	    get_u64(v, &vm->mem_demand) == 0)
		vm->have |= HVVM_DEMAND;
	if ((v = member(o, "MemoryStartup")) != NULL &&
	    get_u64(v, &vm->mem_startup) == 0)
		vm->have |= HVVM_STARTUP;
	if ((((v = member(o, "UptimeSeconds")) != NULL &&
	    uptime_of(v, &vm->uptime_s) == 0)) ||
	    ((v = member(o, "Uptime")) != NULL &&
	    uptime_of(v, &vm->uptime_s) == 0))
		vm->have |= HVVM_UPTIME;
	if ((v = member(o, "Generation")) != NULL && get_u64(v, &u) == 0 &&
	    u >= 1 && u <= 9) {
		vm->generation = (int)u;
		vm->have |= HVVM_GEN;
	}
	if ((v = member(o, "KVP")) != NULL)
		kvp_of(v, vm);
	if ((v = member(o, "Name")) == NULL)
		v = member(o, "VMName");
	if (v == NULL || (vm->name = name_of(v)) == NULL)
		return -1;
	return 0;
}

static void
host_of(struct json_object *o, struct hvps_host *h)
{
	struct json_object	*v;
	uint64_t		 u;

	if ((v = member(o, "ComputerName")) != NULL)
		get_text(v, h->computer_name, sizeof h->computer_name, 1);
	if ((v = member(o, "Caption")) != NULL)
		get_text(v, h->caption, sizeof h->caption, 1);
	if ((v = member(o, "Version")) != NULL)
		get_text(v, h->version, sizeof h->version, 1);
	if ((v = member(o, "BuildNumber")) != NULL)
		get_text(v, h->build, sizeof h->build, 1);
	if ((v = member(o, "ProductType")) != NULL && get_u64(v, &u) == 0 &&
	    u <= 255)
		h->product_type = (int)u;
	if ((v = member(o, "LogicalProcessorCount")) != NULL &&
	    get_u64(v, &u) == 0 && u <= 1 << 20)
		h->logical_cpus = (int)u;
	if ((v = member(o, "TotalMemoryBytes")) != NULL &&
	    get_u64(v, &u) == 0)
		h->total_mem = u;
}

/* Drops VMs whose id came before (a set of ids, open addressing). */
static size_t
dedup(struct hvps_vm *vms, size_t n)
{
	size_t		*slot, size = 16, i, j, k, out = 0;
	const char	*id;

	while (size < 2 * n)
		size *= 2;
	slot = xcalloc(size, sizeof *slot);	/* index + 1; 0 free */
	for (i = 0; i < n; i++) {
		id = vms[i].id;
		j = fnv1a32(id, strlen(id)) & (size - 1);
		for (; (k = slot[j]) != 0; j = (j + 1) & (size - 1))
			if (strcmp(vms[k - 1].id, id) == 0)
				break;
		if (k != 0) {
			free(vms[i].name);
			continue;
		}
		vms[out] = vms[i];
		slot[j] = ++out;
	}
	free(slot);
	return out;
}

int
hvps_parse_poll(const char *json, size_t len, struct hvps_poll *poll,
    struct cv_err *err)
{
	struct json_object	*o, *list, *v;
	char			 head[4 * HEAD_CHARS + 1];
	size_t			 n, i;

	memset(poll, 0, sizeof *poll);
	if ((o = parse_json(json, len, "poll answer", err)) == NULL)
		return -1;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "vms", &list)) {
		json_object_put(o);
		return cv_err_set(err, CV_E_PARSE, "poll answer is not an "
		    "object with \"vms\": %s", head_of(json, len, head,
		    sizeof head));
	}
	if ((v = member(o, "host")) != NULL)
		host_of(v, &poll->host);
	switch (json_object_get_type(list)) {
	case json_type_null:
		n = 0;
		break;
	case json_type_object:
		n = 1;		/* one VM, not in an array */
		break;
	case json_type_array:
		n = json_object_array_length(list);
		break;
	default:
		cv_err_set(err, CV_E_PARSE, "poll answer: \"vms\" is a %s, "
		    "not a list", json_object_is_type(list, json_type_string) ?
		    "string" : json_object_is_type(list, json_type_boolean) ?
		    "boolean" : "number");
		json_object_put(o);
		return -1;
	}
	if (n > MAX_VMS) {
		json_object_put(o);
		return cv_err_set(err, CV_E_PARSE, "poll answer lists %zu "
		    "VMs, more than %d", n, MAX_VMS);
	}
	poll->vms = xcalloc(n ? n : 1, sizeof *poll->vms);
	for (i = 0; i < n; i++) {
		v = json_object_is_type(list, json_type_array) ?
		    json_object_array_get_idx(list, i) : list;
		if (vm_of(v, &poll->vms[poll->nvms]) == 0)
			poll->nvms++;
		else
			free(poll->vms[poll->nvms].name);
	}
	poll->nvms = dedup(poll->vms, poll->nvms);
	json_object_put(o);
	return 0;
}

void
hvps_poll_free(struct hvps_poll *poll)
{
	size_t	i;

	if (poll == NULL)
		return;
	for (i = 0; i < poll->nvms; i++)
		free(poll->vms[i].name);
	free(poll->vms);
	memset(poll, 0, sizeof *poll);
}

/* ---- actions ---- */

int
hvps_parse_action(const char *json, size_t len, struct hvps_action *a,
    struct cv_err *err)
{
	struct json_object	*o, *v;
	struct hvps_error	 e;
	char			 head[4 * HEAD_CHARS + 1], result[32];
	enum cv_errcode		 code;

	memset(a, 0, sizeof *a);
	if ((o = parse_json(json, len, "action answer", err)) == NULL)
		return -1;
	if (!json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return cv_err_set(err, CV_E_PARSE, "action answer is not an "
		    "object with \"result\": %s", head_of(json, len, head,
		    sizeof head));
	}
	if (json_object_object_get_ex(o, "error", &v) && v != NULL) {
		memset(&e, 0, sizeof e);
		fill_error(v, &e);
		json_object_put(o);
		code = e.cls == HVPS_ERR_NOTFOUND ? CV_E_NOTFOUND :
		    e.cls == HVPS_ERR_UNSUPPORTED ? CV_E_UNSUPPORTED :
		    CV_E_FAILED;
		return cv_err_set(err, code, "%s", e.message);
	}
	if ((v = member(o, "result")) == NULL ||
	    get_text(v, result, sizeof result, 1) == -1) {
		json_object_put(o);
		return cv_err_set(err, CV_E_PARSE, "action answer has no "
		    "\"result\": %s", head_of(json, len, head, sizeof head));
	}
	if (strcmp(result, "noop") == 0)
		a->noop = true;
	else if (strcmp(result, "done") != 0) {
		json_object_put(o);
		return cv_err_set(err, CV_E_PARSE, "action answer has result "
		    "\"%s\", neither \"done\" nor \"noop\"", result);
	}
	if ((v = member(o, "message")) != NULL)
		get_text(v, a->message, sizeof a->message, 1);
	json_object_put(o);
	return 0;
}
