/* Windows PowerShell 5.1's output, byte for byte where the simulator
 * answers: ConvertTo-Json -Compress, session.ps1's error envelope and
 * CLIXML error streams. Pure; single-threaded. */
#include "tests/sim/ps.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/buf.h"
#include "tests/sim/utf8.h"

static void	ps_double(struct buf *, double);

/* A JSON string as JavaScriptSerializer writes it through
 * HttpUtility.JavaScriptStringEncode: \r \t \" \\ \n \b \f by name, other
 * characters below U+0020 and ' < > & U+0085 U+2028 U+2029 as \uxxxx (lower
 * case), everything else raw (UTF-8 on the wire). */
void
ps_json_str(struct buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 c;
	uint32_t		 cp;
	size_t			 i, n;
	char			 u[6];

	buf_grow(b, len + 2);
	buf_addc(b, '"');
	for (i = 0; i < len; i += n) {
		c = (unsigned char)s[i];
		n = 1;
		if (c >= 0x80) {
			n = utf8_next(s + i, len - i, &cp);
			if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
				buf_printf(b, "\\u%04x", (unsigned)cp);
			} else if (cp == UTF8_BAD)
				utf8_put(b, UTF8_REPLACEMENT);
			else
				buf_add(b, s + i, n);
			continue;
		}
		switch (c) {
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\b':
			buf_add(b, "\\b", 2);
			break;
		case '\f':
			buf_add(b, "\\f", 2);
			break;
		default:
			if (c < 0x20 || c == '\'' || c == '<' || c == '>' ||
			    c == '&') {
				memcpy(u, "\\u00", 4);
				u[4] = hex[c >> 4];
				u[5] = hex[c & 0xf];
				buf_add(b, u, 6);
			} else
				buf_addc(b, c);
			break;
		}
	}
	buf_addc(b, '"');
}

void
ps_json_int(struct buf *b, long long v)
{
	buf_printf(b, "%lld", v);
}

/* A double as .NET's ToString("R") prints it, near enough: 1.5, 1E+20. */
static void
ps_double(struct buf *b, double d)
{
	char	s[64], *e;

	if (d != d) {
		buf_adds(b, "NaN");
		return;
	}
	snprintf(s, sizeof s, "%.15g", d);
	if (strtod(s, NULL) != d)
		snprintf(s, sizeof s, "%.17g", d);
	if ((e = strchr(s, 'e')) != NULL) {
		*e = 'E';
		if (e[1] == '+' && e[2] == '0')
			memmove(e + 2, e + 3, strlen(e + 3) + 1);
		else if (e[1] == '-' && e[2] == '0')
			memmove(e + 2, e + 3, strlen(e + 3) + 1);
	}
	buf_adds(b, s);
}

/* [string] of a ConvertFrom-Json value, as "text" + $value renders it: ""
 * for $null, True/False, arrays joined by spaces, objects as @{k=v; ...}. */
void
ps_tostring(struct buf *b, struct json_object *v)
{
	size_t	i, n;
	int	first;

	switch (json_object_get_type(v)) {
	case json_type_null:
		break;
	case json_type_boolean:
		buf_adds(b, json_object_get_boolean(v) ? "True" : "False");
		break;
	case json_type_int:
		buf_adds(b, json_object_to_json_string_ext(v,
		    JSON_C_TO_STRING_PLAIN));
		break;
	case json_type_double:
		ps_double(b, json_object_get_double(v));
		break;
	case json_type_string:
		buf_add(b, json_object_get_string(v),
		    (size_t)json_object_get_string_len(v));
		break;
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++) {
			if (i != 0)
				buf_addc(b, ' ');
			ps_tostring(b, json_object_array_get_idx(v, i));
		}
		break;
	case json_type_object:
		buf_adds(b, "@{");
		first = 1;
		json_object_object_foreach(v, key, val) {
			if (!first)
				buf_adds(b, "; ");
			first = 0;
			buf_adds(b, key);
			buf_addc(b, '=');
			ps_tostring(b, val);
		}
		buf_addc(b, '}');
		break;
	}
}

void
ps_err_init(struct ps_err *e)
{
	memset(e, 0, sizeof *e);
}

void
ps_err_done(struct ps_err *e)
{
	free(e->message);
	free(e->category);
	free(e->fqid);
	free(e->target);
	ps_err_init(e);
}

/* Fills e (replacing what it held) with a message built from msg, which is
 * taken. */
void
ps_err_take(struct ps_err *e, const char *category, const char *fqid,
    const char *target, struct buf *msg)
{
	ps_err_done(e);
	e->message_len = msg->len;
	e->message = buf_take(msg);
	e->category = xstrdup(category);
	e->fqid = xstrdup(fqid);
	e->target = xstrdup(target != NULL ? target : "");
}

void
ps_err_set(struct ps_err *e, const char *category, const char *fqid,
    const char *target, const char *fmt, ...)
{
	struct buf	msg;
	va_list		ap;

	buf_init(&msg);
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	ps_err_take(e, category, fqid, target, &msg);
}

/* session.ps1's catch block: ConvertTo-Json -Compress of
 * @{ error = [ordered]@{ message; category; fqid; target } }. */
void
ps_json_error(struct buf *b, const struct ps_err *e)
{
	buf_adds(b, "{\"error\":{\"message\":");
	ps_json_str(b, e->message != NULL ? e->message : "", e->message_len);
	buf_adds(b, ",\"category\":");
	ps_json_str(b, e->category != NULL ? e->category : "",
	    e->category != NULL ? strlen(e->category) : 0);
	buf_adds(b, ",\"fqid\":");
	ps_json_str(b, e->fqid != NULL ? e->fqid : "",
	    e->fqid != NULL ? strlen(e->fqid) : 0);
	buf_adds(b, ",\"target\":");
	ps_json_str(b, e->target != NULL ? e->target : "",
	    e->target != NULL ? strlen(e->target) : 0);
	buf_adds(b, "}}");
}

/* An error record in 5.1's NormalView, the text that the console host
 * serialises to stderr, lines separated by LF:
 *   command : message
 *   At line:L char:C
 *   + source
 *   +   ~~~~
 *       + CategoryInfo          : Category: (target:String) [command], Type
 *       + FullyQualifiedErrorId : fqid
 *   (a line holding one space) */
void
ps_err_view(struct buf *b, const struct ps_err *e, const char *command,
    const char *exception, const struct ps_pos *pos)
{
	const char	*target;
	size_t		 i;

	if (command != NULL && *command != '\0')
		buf_printf(b, "%s : ", command);
	buf_add(b, e->message != NULL ? e->message : "", e->message_len);
	buf_addc(b, '\n');
	if (pos != NULL) {
		buf_printf(b, "At line:%u char:%u\n+ ", pos->line, pos->col);
		buf_add(b, pos->text, pos->text_len);
		buf_adds(b, "\n+ ");
		for (i = 1; i < pos->col; i++)
			buf_addc(b, ' ');
		for (i = 0; i < pos->width; i++)
			buf_addc(b, '~');
		buf_addc(b, '\n');
	}
	target = e->target != NULL ? e->target : "";
	buf_printf(b, "    + CategoryInfo          : %s: (%s:%s) [%s], %s\n",
	    e->category, target, *target != '\0' ? "String" : "",
	    command != NULL ? command : "", exception);
	buf_printf(b, "    + FullyQualifiedErrorId : %s\n \n", e->fqid);
}

/* Text as a CLIXML error stream: "#< CLIXML", then every line as an
 * <S S="Error"> record ending in _x000D__x000A_, with XML escapes and
 * PowerShell's _xHHHH_ encoding of control characters and of "_x". */
void
ps_clixml(struct buf *b, const char *text, size_t len)
{
	uint32_t	cp;
	size_t		i, n, start;

	buf_adds(b, "#< CLIXML\r\n<Objs Version=\"1.1.0.1\" "
	    "xmlns=\"http://schemas.microsoft.com/powershell/2004/04\">");
	for (start = 0; start < len; start = i + 1) {
		buf_adds(b, "<S S=\"Error\">");
		for (i = start; i < len && text[i] != '\n'; i += n) {
			n = utf8_next(text + i, len - i, &cp);
			if (cp == '&')
				buf_adds(b, "&amp;");
			else if (cp == '<')
				buf_adds(b, "&lt;");
			else if (cp == '>')
				buf_adds(b, "&gt;");
			else if (cp < 0x20)
				buf_printf(b, "_x%04X_", (unsigned)cp);
			else if (cp == '_' && i + 1 < len && text[i + 1] == 'x')
				buf_adds(b, "_x005F_");
			else if (cp == UTF8_BAD)
				utf8_put(b, UTF8_REPLACEMENT);
			else
				buf_add(b, text + i, n);
		}
		buf_adds(b, "_x000D__x000A_</S>");
	}
	buf_adds(b, "</Objs>");
}
