/* The PowerShell output parsers of the Hyper-V backend, on fixtures in the
 * shapes real Windows hosts print (tests/fixtures/ps/README.md says where
 * each shape comes from) and on hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "backends/hyperv_ps.h"
#include "core/err.h"
#include "core/xmalloc.h"

#define FIX		"tests/fixtures/ps/"
#define NELEM(a)	(sizeof (a) / sizeof (a)[0])
#define FFFD		"\xef\xbf\xbd"

/* The file, NUL-terminated, and its length. */
static char *
slurp(const char *name, size_t *len)
{
	FILE	*f;
	char	 path[256], *buf;
	long	 n;

	snprintf(path, sizeof path, FIX "%s", name);
	f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = xmalloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* The fixture decoded as crossvisor reads a stream. */
static char *
slurp_text(const char *name)
{
	struct hvps_text	 t;
	size_t			 len;
	char			*raw = slurp(name, &len);
	bool			 u16 = false;

	assert_int_equal(hvps_decode(raw, len, &u16, &t), 0);
	free(raw);
	return t.s;
}

/* A deterministic pseudo-random byte source. */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* ---- the byte stream ---- */

struct decode_case {
	const char	*in;
	size_t		 len;
	bool		 u16_in;
	const char	*out;
	bool		 u16_out;
};

#define DC(in, u16in, out, u16out)				\
	{ in, sizeof in - 1, u16in, out, u16out }

static void
decode_table(void **state)
{
	static const struct decode_case	cases[] = {
		DC("abc", false, "abc", false),
		DC("", false, "", false),
		DC("\xef\xbb\xbf{\"a\":1}", false, "{\"a\":1}", false),
		DC("a\r\nb\rc\n\r\r\nd", false, "a\nb\nc\n\n\nd", false),
		/* NUL becomes U+FFFD: a torn marker never reads as one. */
		DC("a\0b\0", false, "a\xef\xbf\xbd" "b\xef\xbf\xbd", false),
		DC("caf\xc3\xa9 \xf0\x9f\x8e\xb5", false,
		    "caf\xc3\xa9 \xf0\x9f\x8e\xb5", false),
		DC("\xff", false, FFFD, false),
		DC("x\xc3", false, "x" FFFD, false),
		DC("\xe2\x82" "A", false, FFFD "A", false),	/* one U+FFFD */
		DC("\xc0\xaf", false, FFFD FFFD, false),	/* overlong */
		DC("\xed\xa0\x80", false, FFFD FFFD FFFD, false), /* CESU */
		DC("\xf4\x90\x80\x80", false, FFFD FFFD FFFD FFFD, false),
		DC("\x80\xbf", false, FFFD FFFD, false),
		/* UTF-16LE: BOM, CRLF, pairs, lone surrogates, odd byte */
		DC("\xff\xfeh\0i\0\r\0\n\0", false, "hi\n", true),
		DC("\xff\xfe\x3c\xd8\xb5\xdf", false, "\xf0\x9f\x8e\xb5", true),
		DC("\xff\xfe\x00\xd8" "A\0", false, FFFD "A", true),
		DC("\xff\xfe\x00\xdc" "A\0", false, FFFD "A", true),
		DC("\xff\xfe" "A\0\x00\xd8", false, "A" FFFD, true),
		DC("\xff\xfe" "A\0B", false, "A" FFFD, true),
		DC("\xff\xfe" "A\0\0\0B\0", false, "A" FFFD "B", true),
		DC("\xe9\0t\0\xe9\0", true, "\xc3\xa9t\xc3\xa9", true),
		DC("\r\0", true, "\n", true),
		DC("\xff\xfe\r\0\n\0", true, "\n", true),
	};
	struct hvps_text	t;
	size_t			i;
	bool			u16;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		u16 = cases[i].u16_in;
		assert_int_equal(hvps_decode(cases[i].in, cases[i].len, &u16,
		    &t), 0);
		if (strcmp(t.s, cases[i].out) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, t.s,
			    cases[i].out);
		assert_int_equal(t.len, strlen(cases[i].out));
		assert_int_equal(u16, cases[i].u16_out);
		hvps_text_free(&t);
	}
	/* no flag to keep */
	assert_int_equal(hvps_decode("\xff\xfex\0", 4, NULL, &t), 0);
	assert_string_equal(t.s, "x");
	hvps_text_free(&t);
	assert_int_equal(hvps_decode(NULL, 0, NULL, &t), 0);
	assert_string_equal(t.s, "");
	hvps_text_free(&t);
	hvps_text_free(&t);
	assert_int_equal(hvps_decode(NULL, 3, NULL, &t), -1);
	assert_null(t.s);
	/* refused before anything is read */
	assert_int_equal(hvps_decode("x", (size_t)(256u << 20) + 1, NULL, &t),
	    -1);
	assert_null(t.s);
}

/* A UTF-16 stream: the BOM in the first chunk, none in the next. */
static void
decode_stream(void **state)
{
	struct hvps_text	 t;
	const char		*json;
	size_t			 len, jlen;
	char			*raw = slurp("stdout_utf16.bin", &len);
	bool			 u16 = false, done;

	(void)state;
	assert_int_equal(hvps_decode(raw, len, &u16, &t), 0);
	assert_true(u16);
	assert_int_equal(hvps_find_answer(t.s, 3, &json, &jlen, &done), 1);
	assert_true(done);
	assert_int_equal(jlen, strlen("{\"result\":\"noop\",\"message\":"
	    "\"already running: caf\xc3\xa9 \xf0\x9f\x8e\xb5\"}"));
	assert_memory_equal(json, "{\"result\":\"noop\",\"message\":\"already "
	    "running: caf\xc3\xa9 \xf0\x9f\x8e\xb5\"}", jlen);
	hvps_text_free(&t);
	/* the next request's output: no BOM, still UTF-16LE */
	assert_int_equal(hvps_decode(raw + 2, len - 2, &u16, &t), 0);
	assert_true(u16);
	assert_int_equal(hvps_find_answer(t.s, 3, &json, &jlen, &done), 1);
	hvps_text_free(&t);
	free(raw);
}

/* ---- the answer framing ---- */

static void
find_answer_fixture(void **state)
{
	const char	*json;
	size_t		 jlen;
	bool		 done;
	char		*text = slurp_text("stdout_banner.txt");

	(void)state;
	assert_int_equal(hvps_find_answer(text, 7, &json, &jlen, &done), 1);
	assert_int_equal(jlen,
	    strlen("{\"result\":\"done\",\"message\":\"\"}"));
	assert_memory_equal(json, "{\"result\":\"done\",\"message\":\"\"}",
	    jlen);
	assert_true(done);
	/* the late answer of a request that timed out */
	assert_int_equal(hvps_find_answer(text, 6, &json, &jlen, &done), 1);
	assert_memory_equal(json, "{\"result\":\"noop\",\"message\":\"late\"}",
	    jlen);
	assert_true(done);
	assert_int_equal(hvps_find_answer(text, 77, &json, &jlen, &done), 1);
	assert_false(done);
	assert_int_equal(hvps_find_answer(text, 8, &json, &jlen, &done), 0);
	assert_null(json);
	assert_int_equal(jlen, 0);
	assert_false(done);
	free(text);
}

struct answer_case {
	const char	*text;
	unsigned	 n;
	int		 rc;
	const char	*json;
	bool		 done;
};

static void
find_answer_table(void **state)
{
	static const struct answer_case	cases[] = {
		{ "", 1, 0, NULL, false },
		{ "@@CV@@ 1 {\"a\":1}", 1, 0, NULL, false },	/* not ended */
		{ "@@CV@@ 1 {\"a\":1}\n", 1, 1, "{\"a\":1}", false },
		{ "@@CV@@ 1 {\"a\":1}\n@@CVDONE@@ 1", 1, 1, "{\"a\":1}", true },
		{ "@@CV@@ 1 {\"a\":1}\n@@CVDONE@@ 12\n", 1, 1, "{\"a\":1}",
		    false },
		{ "@@CV@@ 1 {\"a\":1}\n@@CVDONE@@ 1 x\n", 1, 1, "{\"a\":1}",
		    false },
		{ "@@CV@@\t1\t{}  \t\n@@CVDONE@@  1  \n", 1, 1, "{}", true },
		{ "@@CV@@ 1 {} \r\n", 1, 1, "{}", false },
		{ "@@CV@@1 {}\n", 1, 0, NULL, false },
		{ "@@CV@@ 1{}\n", 1, 0, NULL, false },
		{ "@@CV@@ 01 {}\n", 1, 1, "{}", false },
		{ "@@CV@@ 4294967297 {}\n", 1, 0, NULL, false },
		{ "@@CV@@ 99999999999999999999 {}\n", 1, 0, NULL, false },
		{ "@@CV@@ 4294967295 {}\n", 4294967295u, 1, "{}", false },
		{ "@@CV@@ 1\n", 1, 1, "", false },
		{ "x@@CV@@ 1 {}\n", 1, 0, NULL, false },
		{ "@@CVDONE@@ 1\n@@CV@@ 1 {}\n", 1, 1, "{}", false },
		{ "@@CV@@ 1 {\"first\":1}\n@@CV@@ 1 {\"second\":1}\n", 1, 1,
		    "{\"first\":1}", false },
		{ "WARNING: x\n\n@@CV@@ 2 [1]\nnoise\n@@CVDONE@@ 2\n", 2, 1,
		    "[1]", true },
	};
	const char	*json;
	size_t		 jlen, i;
	bool		 done;
	int		 rc;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		rc = hvps_find_answer(cases[i].text, cases[i].n, &json, &jlen,
		    &done);
		if (rc != cases[i].rc || done != cases[i].done)
			fail_msg("case %zu: rc %d done %d", i, rc, done);
		if (cases[i].json != NULL && (jlen != strlen(cases[i].json) ||
		    memcmp(json, cases[i].json, jlen) != 0))
			fail_msg("case %zu: json '%.*s'", i, (int)jlen, json);
	}
	assert_int_equal(hvps_find_answer(NULL, 1, &json, &jlen, &done), 0);
}

/* ---- stderr ---- */

struct stderr_case {
	const char	*file;
	int		 rc;
	const char	*msg;
};

static void
stderr_fixtures(void **state)
{
	static const struct stderr_case	cases[] = {
		{ "stderr_progress.txt", 0, "" },
		{ "stderr_error.txt", 1, "Stop-VM : Hyper-V was unable to "
		    "find a virtual machine with name \"x\"." },
		{ "stderr_two_blocks.txt", 1, "Get-VM : You do not have the "
		    "required permission to complete this task. Contact the "
		    "administrator of the authorization policy for the "
		    "computer 'HV-1'." },
		{ "stderr_surrogate.txt", 1, "Checkpoint-VM : Le nom \"caf"
		    "\xc3\xa9 \xf0\x9f\x8e\xb5\" & _x005F_ " FFFD " <n'est> "
		    "pas valide." },
		{ "stderr_wrapped.txt", 1, "fake : The term 'fake' is not "
		    "recognized as the name of a cmdlet. Check the spelling "
		    "of the name, or if a path was included." },
		{ "stderr_es.txt", 1, "Hyper-V\\Get-VM : Hyper-V no pudo "
		    "encontrar una m\xc3\xa1quina virtual con el nombre "
		    "\"minikube\"." },
		{ "stderr_plain.txt", 1, "Hyper-V\\Get-VM : Hyper-V was unable "
		    "to find a virtual machine with name \"minikube\"." },
		{ "stderr_ps7_ansi.txt", 1, "Write-Error: boomed" },
		{ "stderr_parser.txt", 1,
		    "Missing closing ')' in expression." },
	};
	char	*text, msg[256];
	size_t	 i;
	int	 rc;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		text = slurp_text(cases[i].file);
		memset(msg, 'x', sizeof msg);
		rc = hvps_stderr_error(text, msg, sizeof msg);
		if (rc != cases[i].rc || strcmp(msg, cases[i].msg) != 0)
			fail_msg("%s: rc %d msg '%s'", cases[i].file, rc, msg);
		free(text);
	}
}

#define OBJS	"<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft." \
		"com/powershell/2004/04\">"
#define PROG	"<Obj S=\"progress\" RefId=\"0\"><TN RefId=\"0\"><T>System." \
		"Management.Automation.PSCustomObject</T><T>System.Object</T>" \
		"</TN><MS><I64 N=\"SourceId\">1</I64><PR N=\"Record\"><AV>" \
		"Preparing modules for first use.</AV><AI>0</AI><Nil /><PI>-1" \
		"</PI><PC>-1</PC><T>Completed</T><SR>-1</SR><SD> </SD></PR>" \
		"</MS></Obj>"

static void
stderr_table(void **state)
{
	/* file: the text itself */
	static const struct stderr_case	cases[] = {
		{ "", 0, "" },
		{ "\n  \n\t\n", 0, "" },
		{ "#< CLIXML\n", 0, "" },
		{ "#< CLIXML\r\n" OBJS "</Objs>", 0, "" },
		/* Ansible's fixtures: two headers, errors in two blocks */
		{ "#< CLIXML\r\n#< CLIXML\r\n" OBJS PROG "<S S=\"Error\">"
		    "Error 1</S></Objs>" OBJS PROG "<S S=\"Error\">Error 2</S>"
		    "</Objs>", 1, "Error 1" },
		{ "foo\r\n#< CLIXML\r\n", 1, "foo" },
		{ "pre\r\n#< CLIXML\r\n" OBJS "<S S=\"Error\">My error</S>"
		    "</Objs>\r\npost", 1, "My error" },
		{ "#< CLIXML\r\n" OBJS PROG "</Objs>\r\nafter it\r\n", 1,
		    "after it" },
		{ "#< CLIXML\r\n" OBJS "<S S=\"Error\">Get-VM : cut sho", 1,
		    "Get-VM : cut sho" },
		{ OBJS "<S S=\"Error\">no header</S></Objs>", 1, "no header" },
		{ OBJS "<S S=\"Error\"/><S S='Error'>single quotes</S></Objs>",
		    1, "single quotes" },
		{ OBJS "<S S=\"Warning\">a warning</S><S S=\"Info\">hi</S>"
		    "<S S=\"Verbose\">v</S></Objs>", 0, "" },
		{ OBJS "<S S=\"Info\">hi</S><S S=\"Error\">err</S></Objs>", 1,
		    "err" },
		{ OBJS "<S N=\"Name\">not a stream</S><S S=\"Error\">x</S>"
		    "</Objs>", 1, "x" },
		{ OBJS "<S S=\"Error\">a _x005G_ b _x0000_c _x00_ _x0041_"
		    "_x00410_</S></Objs>", 1, "a _x005G_ b c _x00_ A_x00410_" },
		{ OBJS "<S S=\"Error\">&amp;amp; &#0; &#x110000; &#xD800; "
		    "&#99999999999; &bogus; &#65</S></Objs>", 1,
		    "&amp; " FFFD " " FFFD " &#99999999999; &bogus; &#65" },
		{ OBJS "<S S=\"Error\">_xDFB5__xD83C_ pair reversed</S></Objs>",
		    1, FFFD FFFD " pair reversed" },
		{ OBJS "<S S=\"Error\">\xff bad \xc3 utf-8</S></Objs>", 1,
		    FFFD " bad " FFFD " utf-8" },
		{ OBJS "<S S=\"Error\">tab\there_x0007_bell\xc2\x85nel</S>"
		    "</Objs>", 1, "tab here bell nel" },
		{ OBJS "<S S=\"Error\"> _x000D__x000A_</S></Objs>", 0, "" },
		{ OBJS "<S S=\"Error\">+ only code_x000A_</S>"
		    "<S S=\"Error\">+ ~~~~</S></Objs>", 1, "+ only code" },
		{ OBJS "<S S=\"Error\">Stop-VM : one line_x000A_</S><S S=\""
		    "Error\">    + CategoryInfo : x</S></Objs>", 1,
		    "Stop-VM : one line" },
		{ OBJS "<S S=\"Error\">a wrapped_x000A_</S><S S=\"Error\">"
		    "message_x000A_</S><S S=\"Error\">    + "
		    "FullyQualifiedErrorId : x</S></Objs>", 1,
		    "a wrapped message" },
		{ "<S S=\"Error\">no Objs</S>", 1,
		    "<S S=\"Error\">no Objs</S>" },
		{ "\033[31mplain red\033[0m\n", 1, "plain red" },
	};
	char	msg[256];
	size_t	i;
	int	rc;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		rc = hvps_stderr_error(cases[i].file, msg, sizeof msg);
		if (rc != cases[i].rc || strcmp(msg, cases[i].msg) != 0)
			fail_msg("case %zu: rc %d msg '%s'", i, rc, msg);
	}
	assert_int_equal(hvps_stderr_error(NULL, msg, sizeof msg), 0);
	assert_string_equal(msg, "");
	assert_int_equal(hvps_stderr_error("#< CLIXML\n" OBJS "<S S=\"Error\">"
	    "x</S></Objs>", NULL, 0), 1);
	/* cut at a character boundary */
	assert_int_equal(hvps_stderr_error(OBJS "<S S=\"Error\">Stop-VM : "
	    "x</S></Objs>", msg, 8), 1);
	assert_string_equal(msg, "Stop-VM");
	assert_int_equal(hvps_stderr_error(OBJS "<S S=\"Error\">caf\xc3\xa9"
	    "</S></Objs>", msg, 5), 1);
	assert_string_equal(msg, "caf");
	assert_int_equal(hvps_stderr_error("caf\xc3\xa9\n", msg, 5), 1);
	assert_string_equal(msg, "caf");
}

/* ---- error envelopes ---- */

struct error_case {
	const char		*file;
	enum hvps_errclass	 cls;
	const char		*category;
	const char		*message;
};

static void
error_fixtures(void **state)
{
	static const struct error_case	cases[] = {
		{ "err_notfound_getvm.json", HVPS_ERR_NOTFOUND,
		    "InvalidArgument", "Hyper-V was unable to find a virtual "
		    "machine with ID '5d3e8a1c-8f0b-4a43-9a7e-2f1c3b6d9e01'." },
		{ "err_notfound_object.json", HVPS_ERR_NOTFOUND,
		    "ObjectNotFound", "Hyper-V was unable to find a virtual "
		    "machine with name \"N1\"." },
		{ "err_state.json", HVPS_ERR_STATE, "InvalidOperation",
		    "The operation cannot be performed while the virtual "
		    "machine is in its current state." },
		{ "err_denied_en.json", HVPS_ERR_DENIED, "NotSpecified",
		    "You do not have the required permission to complete this "
		    "task. Contact the administrator of the authorization "
		    "policy for the computer 'HV-1'." },
		{ "err_denied_es.json", HVPS_ERR_DENIED, "PermissionDenied",
		    "No dispone del permiso necesario para completar esta "
		    "tarea. P\xc3\xb3ngase en contacto con el administrador de "
		    "la directiva de autorizaci\xc3\xb3n del equipo "
		    "\"HV-1\"." },
		{ "err_noshutdown.json", HVPS_ERR_UNSUPPORTED,
		    "InvalidOperation", "the shutdown integration service of "
		    "VM 'web1' is not running, so a graceful shutdown is "
		    "impossible; use poweroff or reset" },
		{ "err_nograceful.json", HVPS_ERR_UNSUPPORTED, "NotImplemented",
		    "this host offers no graceful reboot (Restart-VM has no "
		    "-Type); use reset" },
		{ "err_failed.json", HVPS_ERR_FAILED, "NotSpecified", "Failed "
		    "to stop. The virtual machine 'web1' failed to stop. "
		    "(Virtual machine ID "
		    "5D3E8A1C-8F0B-4A43-9A7E-2F1C3B6D9E01)" },
	};
	struct hvps_error	 e;
	size_t			 i, len;
	char			*json;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		json = slurp(cases[i].file, &len);
		if (hvps_parse_error(json, len, &e) != 1 ||
		    e.cls != cases[i].cls ||
		    strcmp(e.category, cases[i].category) != 0 ||
		    strcmp(e.message, cases[i].message) != 0)
			fail_msg("%s: cls %d category '%s' message '%s'",
			    cases[i].file, e.cls, e.category, e.message);
		assert_non_null(strchr(e.fqid, ',') != NULL ||
		    strcmp(e.fqid, "NoGracefulReboot") == 0 ? e.fqid : NULL);
		free(json);
	}
}

struct class_case {
	const char		*json;
	int			 rc;
	enum hvps_errclass	 cls;
	const char		*message;
};

static void
error_table(void **state)
{
	static const struct class_case	cases[] = {
		{ "{\"result\":\"done\",\"message\":\"\"}", 0, HVPS_ERR_FAILED,
		    "" },
		{ "garbage", 0, HVPS_ERR_FAILED, "" },
		{ "", 0, HVPS_ERR_FAILED, "" },
		{ "{\"error\":null}", 0, HVPS_ERR_FAILED, "" },
		{ "[{\"error\":{\"message\":\"x\"}}]", 0, HVPS_ERR_FAILED, "" },
		{ "{\"error\":\"plain text\"}", 1, HVPS_ERR_FAILED,
		    "plain text" },
		{ "{\"error\":{}}", 1, HVPS_ERR_FAILED, "PowerShell reported "
		    "an error without a message" },
		{ "{\"error\":{\"fqid\":\"X,Y\",\"message\":null}}", 1,
		    HVPS_ERR_FAILED, "PowerShell error X,Y" },
		{ "{\"error\":{\"category\":\"ObjectNotFound\"}}", 1,
		    HVPS_ERR_NOTFOUND, "PowerShell error of category "
		    "ObjectNotFound" },
		{ "{\"error\":{\"message\":\"m\",\"fqid\":\"InvalidParameter,"
		    "Microsoft.HyperV.PowerShell.Commands.StopVM\"}}", 1,
		    HVPS_ERR_FAILED, "m" },
		{ "{\"error\":{\"message\":\"m\",\"category\":"
		    "\"InvalidOperation\"}}", 1, HVPS_ERR_STATE, "m" },
		{ "{\"error\":{\"message\":\"m\",\"category\":"
		    "\"InvalidOperation\",\"fqid\":\"NoShutdownService\"}}", 1,
		    HVPS_ERR_UNSUPPORTED, "m" },
		{ "{\"error\":{\"message\":\"You do not have the required "
		    "permission\",\"category\":\"InvalidOperation\"}}", 1,
		    HVPS_ERR_DENIED,
		    "You do not have the required permission" },
		{ "{\"error\":{\"message\":\"m\",\"category\":"
		    "\"PermissionDenied\"}}", 1, HVPS_ERR_DENIED, "m" },
		{ "{\"error\":{\"message\":42,\"category\":[1],\"fqid\":{}}}",
		    1, HVPS_ERR_FAILED, "42" },
		{ "{\"error\":{\"message\":\"a\\u0000b\\r\\n\\tc\\u001b[0m\"}}",
		    1, HVPS_ERR_FAILED, "ab c [0m" },
	};
	struct hvps_error	e;
	size_t			i;
	int			rc;
	char			big[2000];

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		rc = hvps_parse_error(cases[i].json, strlen(cases[i].json), &e);
		if (rc != cases[i].rc || e.cls != cases[i].cls ||
		    strcmp(e.message, cases[i].message) != 0)
			fail_msg("case %zu: rc %d cls %d message '%s'", i, rc,
			    e.cls, e.message);
	}
	/* a long message is cut, on one line */
	snprintf(big, sizeof big, "{\"error\":{\"message\":\"%0900d\"}}", 0);
	assert_int_equal(hvps_parse_error(big, strlen(big), &e), 1);
	assert_int_equal(strlen(e.message), sizeof e.message - 1);
	assert_int_equal(hvps_parse_error(NULL, 0, &e), 0);
}

/* ---- polls ---- */

static struct hvps_vm *
vm_named(struct hvps_poll *p, const char *name)
{
	size_t	i;

	for (i = 0; i < p->nvms; i++)
		if (strcmp(p->vms[i].name, name) == 0)
			return &p->vms[i];
	fail_msg("no VM named %s", name);
	return NULL;
}

static void
parse_file(const char *file, struct hvps_poll *p)
{
	struct cv_err	 err;
	char		*text = slurp_text(file);

	cv_err_clear(&err);
	if (hvps_parse_poll(text, strlen(text), p, &err) != 0)
		fail_msg("%s: %s", file, err.msg);
	free(text);
}

#define ALL_HAVE	(HVVM_CPU | HVVM_VCPUS | HVVM_MEM | HVVM_DEMAND | \
			HVVM_STARTUP | HVVM_UPTIME | HVVM_GEN)

static void
poll_shipped(void **state)
{
	struct hvps_poll	 p;
	struct hvps_vm		*vm;

	(void)state;
	parse_file("poll_shipped.json", &p);
	assert_string_equal(p.host.computer_name, "HV-1");
	assert_string_equal(p.host.caption,
	    "Microsoft Windows Server 2022 Datacenter");
	assert_string_equal(p.host.version, "10.0.20348");
	assert_string_equal(p.host.build, "20348");
	assert_int_equal(p.host.product_type, 3);
	assert_int_equal(p.host.logical_cpus, 16);
	assert_int_equal(p.host.total_mem, 274877906944ull);
	assert_int_equal(p.nvms, 5);

	vm = &p.vms[0];
	assert_string_equal(vm->id, "5d3e8a1c-8f0b-4a43-9a7e-2f1c3b6d9e01");
	assert_string_equal(vm->name, "web1");
	assert_int_equal(vm->state, GUEST_RUNNING);
	assert_int_equal(vm->health, HEALTH_NONE);
	assert_string_equal(vm->state_name, "Running");
	assert_string_equal(vm->heartbeat, "OkApplicationsHealthy");
	assert_int_equal(hvps_heartbeat(vm->heartbeat), HEALTH_OK);
	assert_string_equal(vm->version, "10.0");
	assert_int_equal(vm->have, ALL_HAVE);
	assert_true(vm->cpu_usage == 3);
	assert_int_equal(vm->vcpus, 2);
	assert_int_equal(vm->mem_assigned, 2147483648ull);
	assert_int_equal(vm->mem_demand, 1288490188ull);
	assert_int_equal(vm->mem_startup, 2147483648ull);
	assert_int_equal(vm->uptime_s, 86400);
	assert_int_equal(vm->generation, 2);
	assert_true(vm->has_kvp);
	assert_string_equal(vm->kvp.os_name, "Red Hat Enterprise Linux");
	assert_string_equal(vm->kvp.os_version, "5.14.0-427.el9.x86_64");
	assert_string_equal(vm->kvp.os_major, "9");
	assert_string_equal(vm->kvp.os_minor, "4");
	assert_string_equal(vm->kvp.os_build, "5.14.0-427.el9.x86_64");
	assert_string_equal(vm->kvp.product_type, "3");

	vm = &p.vms[1];
	assert_string_equal(vm->name, "db & cache <prod> 'old'");
	assert_int_equal(vm->state, GUEST_SHUTOFF);
	assert_string_equal(vm->heartbeat, "");
	assert_int_equal(hvps_heartbeat(vm->heartbeat), HEALTH_NONE);
	assert_false(vm->has_kvp);
	assert_string_equal(vm->kvp.os_name, "");
	assert_int_equal(vm->have, ALL_HAVE);
	assert_int_equal(vm->mem_assigned, 0);
	assert_int_equal(vm->uptime_s, 0);
	assert_int_equal(vm->generation, 1);

	vm = &p.vms[2];
	assert_string_equal(vm->id, "1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d");
	assert_int_equal(vm->state, GUEST_SAVED);

	vm = &p.vms[3];
	assert_int_equal(vm->state, GUEST_PAUSED);
	assert_string_equal(vm->heartbeat, "Paused");
	assert_int_equal(hvps_heartbeat(vm->heartbeat), HEALTH_NONE);
	assert_string_equal(vm->kvp.os_name,
	    "Microsoft Windows Server 2019 Standard");

	vm = &p.vms[4];
	assert_string_equal(vm->name, "\xc3\x9cn\xc3\xaf" "c\xc3\xb8" "d"
	    "\xc3\xa9-\xe6\xb5\x8b\xe8\xaf\x95");
	assert_int_equal(vm->state, GUEST_RUNNING);
	assert_int_equal(vm->health, HEALTH_CRITICAL);
	assert_string_equal(vm->state_name, "RunningCritical");
	assert_int_equal(hvps_heartbeat(vm->heartbeat), HEALTH_CRITICAL);
	assert_string_equal(vm->kvp.os_major, "24.04");
	assert_string_equal(vm->kvp.product_type, "");
	hvps_poll_free(&p);
	assert_null(p.vms);
	assert_int_equal(p.nvms, 0);
	hvps_poll_free(&p);
	hvps_poll_free(NULL);
}

static void
check_raw51(struct hvps_poll *p)
{
	struct hvps_vm	*vm;

	assert_string_equal(p->host.computer_name, "HV-2");
	assert_string_equal(p->host.build, "17763");
	assert_int_equal(p->host.product_type, 3);
	assert_int_equal(p->host.logical_cpus, 8);
	assert_int_equal(p->host.total_mem, 68719476736ull);
	assert_int_equal(p->nvms, 4);

	vm = vm_named(p, "build-agent");
	assert_string_equal(vm->id, "c2b1a0f9-e8d7-4c6b-a594-837261504938");
	assert_int_equal(vm->state, GUEST_RUNNING);
	assert_string_equal(vm->state_name, "Running");
	assert_string_equal(vm->heartbeat, "OkApplicationsHealthy");
	assert_int_equal(vm->have, ALL_HAVE);
	assert_int_equal(vm->uptime_s, 93784);
	assert_true(vm->cpu_usage == 4);
	assert_int_equal(vm->mem_demand, 2920577761ull);
	assert_string_equal(vm->version, "9.0");
	assert_true(vm->has_kvp);
	assert_string_equal(vm->kvp.os_name,
	    "Microsoft Windows Server 2019 Datacenter");
	assert_string_equal(vm->kvp.os_major, "10");
	assert_string_equal(vm->kvp.os_minor, "0");
	assert_string_equal(vm->kvp.os_build, "17763");
	assert_string_equal(vm->kvp.product_type, "3");

	vm = vm_named(p, "old-lab");
	assert_int_equal(vm->state, GUEST_SHUTOFF);
	assert_string_equal(vm->state_name, "Off");
	assert_string_equal(vm->heartbeat, "");
	assert_true(vm->have & HVVM_UPTIME);
	assert_int_equal(vm->uptime_s, 0);
	assert_false(vm->has_kvp);

	vm = vm_named(p, "saving-vm");
	assert_int_equal(vm->state, GUEST_STOPPING);
	assert_string_equal(vm->state_name, "Saving");
	assert_string_equal(vm->heartbeat, "OkApplicationsCritical");
	assert_int_equal(hvps_heartbeat(vm->heartbeat), HEALTH_DEGRADED);
	assert_int_equal(vm->uptime_s, 3600);
	assert_int_equal(vm->have & (HVVM_DEMAND | HVVM_STARTUP), 0);

	/* 32785 is RunningCritical on some Windows, not on others */
	vm = vm_named(p, "newer-enum");
	assert_int_equal(vm->state, GUEST_UNKNOWN);
	assert_int_equal(vm->health, HEALTH_NONE);
	assert_string_equal(vm->state_name, "32785");
	assert_string_equal(vm->heartbeat, "LostCommunication");
	assert_int_equal(vm->uptime_s, 600);	/* from Ticks */
}

static void
poll_raw51(void **state)
{
	struct hvps_poll	 p;
	char			*a = slurp_text("poll_raw51.json");
	char			*b = slurp_text("poll_raw51_utf16.bin");

	(void)state;
	assert_string_equal(a, b);	/* Out-File's UTF-16 is the same text */
	assert_null(strchr(a, '\r'));
	free(a);
	free(b);
	parse_file("poll_raw51.json", &p);
	check_raw51(&p);
	hvps_poll_free(&p);
	parse_file("poll_raw51_utf16.bin", &p);
	check_raw51(&p);
	hvps_poll_free(&p);
}

static void
poll_single(void **state)
{
	struct hvps_poll	 p;
	struct hvps_vm		*vm;

	(void)state;
	parse_file("poll_single.json", &p);
	assert_string_equal(p.host.computer_name, "HV-3");
	assert_string_equal(p.host.caption, "");
	assert_int_equal(p.host.logical_cpus, 0);
	assert_int_equal(p.nvms, 1);
	vm = &p.vms[0];
	assert_string_equal(vm->id, "a1b2c3d4-e5f6-4789-8abc-def012345678");
	assert_string_equal(vm->name, "lonely");
	assert_int_equal(vm->state, GUEST_RUNNING);
	assert_string_equal(vm->state_name, "Running");
	assert_string_equal(vm->heartbeat, "OkApplicationsUnknown");
	assert_int_equal(vm->have, ALL_HAVE & ~HVVM_VCPUS);
	assert_true(vm->cpu_usage == 2.5);
	assert_int_equal(vm->vcpus, 0);
	assert_int_equal(vm->mem_assigned, 2147483648ull);
	assert_int_equal(vm->mem_demand, 1288490188ull);
	assert_int_equal(vm->mem_startup, 2147483648ull);
	assert_int_equal(vm->uptime_s, 93784);
	assert_int_equal(vm->generation, 2);
	assert_true(vm->has_kvp);
	assert_string_equal(vm->kvp.os_name, "Ubuntu");
	assert_string_equal(vm->kvp.os_major, "24.04");
	assert_string_equal(vm->kvp.os_minor, "");
	hvps_poll_free(&p);
}

static void
poll_ps7(void **state)
{
	struct hvps_poll	 p;
	struct hvps_vm		*vm;

	(void)state;
	parse_file("poll_ps7.json", &p);
	assert_string_equal(p.host.caption,
	    "Microsoft Windows Server 2025 Datacenter");
	assert_int_equal(p.host.logical_cpus, 64);
	assert_int_equal(p.nvms, 3);
	vm = vm_named(&p, "paused7");
	assert_int_equal(vm->state, GUEST_PAUSED);
	assert_string_equal(vm->state_name, "Paused");
	assert_string_equal(vm->heartbeat, "Paused");
	assert_int_equal(vm->uptime_s, 5 * 3600 + 6 * 60 + 7);
	assert_string_equal(vm->version, "12.0");
	vm = vm_named(&p, "starting7");
	assert_int_equal(vm->state, GUEST_STARTING);
	assert_string_equal(vm->heartbeat, "NoContact");
	assert_int_equal(vm->uptime_s, 42);
	assert_int_equal(vm->have, HVVM_UPTIME | HVVM_GEN);
	vm = vm_named(&p, "resuming7");
	assert_int_equal(vm->state, GUEST_STARTING);
	assert_string_equal(vm->state_name, "Resuming");
	assert_int_equal(vm->uptime_s, 9);
	hvps_poll_free(&p);
}

static void
poll_nulls(void **state)
{
	struct hvps_poll	 p;
	struct hvps_vm		*vm;

	(void)state;
	parse_file("poll_nulls.json", &p);
	assert_string_equal(p.host.computer_name, "");
	assert_int_equal(p.nvms, 4);
	vm = vm_named(&p, "all-null");
	assert_int_equal(vm->have, 0);
	assert_int_equal(vm->state, GUEST_UNKNOWN);
	assert_int_equal(vm->health, HEALTH_NONE);
	assert_string_equal(vm->state_name, "");
	assert_string_equal(vm->heartbeat, "");
	assert_string_equal(vm->version, "");
	assert_false(vm->has_kvp);
	vm = vm_named(&p, "odd-numbers");
	assert_int_equal(vm->have, 0);
	assert_int_equal(vm->state, GUEST_UNKNOWN);
	assert_string_equal(vm->state_name, "Bogus");
	assert_string_equal(vm->heartbeat, "99");
	assert_int_equal(hvps_heartbeat(vm->heartbeat), HEALTH_NONE);
	assert_string_equal(vm->version, "");
	assert_false(vm->has_kvp);
	/* the first of three VMs with one id */
	vm = vm_named(&p, "first");
	assert_int_equal(vm->state, GUEST_SHUTOFF);
	/* Names are data and stay exact (but for NUL); whoever shows them
	 * makes them safe for a terminal. */
	vm = &p.vms[3];
	assert_string_equal(vm->name, "ctl\x1b[31mred\x07x\xc2\x85y");
	assert_true(vm->cpu_usage == 100);
	assert_int_equal(vm->uptime_s, 12);
	assert_string_equal(vm->heartbeat, "OkApplicationsHealthy");
	hvps_poll_free(&p);
}

struct poll_bad {
	const char	*json;
	const char	*msg;		/* the start of the error */
};

static void
poll_errors(void **state)
{
	static const struct poll_bad	cases[] = {
		{ "", "poll answer is empty" },
		{ "null", "poll answer is null" },
		{ "garbage", "poll answer is not JSON (unexpected character at "
		    "byte 0): garbage" },
		{ "{\"vms\":[{\"Id\":\"a\",\"Name\":\"b\"}", "poll answer ends "
		    "early" },
		{ "{\"vms\":[]} trailing", "poll answer is not JSON" },
		{ "[1,2,3]", "poll answer is not an object with \"vms\": "
		    "[1,2,3]" },
		{ "{\"host\":{},\"VMs\":[]}", "poll answer is not an object "
		    "with \"vms\": {\"host\":{},\"VMs\":[]}" },
		{ "\"vms\"", "poll answer is not an object with \"vms\"" },
		{ "{\"vms\":\"web1\"}", "poll answer: \"vms\" is a string, "
		    "not a list" },
		{ "{\"vms\":3}", "poll answer: \"vms\" is a number, not a "
		    "list" },
		{ "{\"vms\":true}", "poll answer: \"vms\" is a boolean, not a "
		    "list" },
		{ "{\"error\":{\"message\":\"x\"}}", "poll answer is not an "
		    "object with \"vms\"" },
		{ "{\"vms\":[{\"Id\":\"a\",\"Name\":\"b\"}]}\0{", "poll answer "
		    "is not JSON" },
	};
	struct hvps_poll	 p;
	struct cv_err		 err;
	const char		*long_json;
	size_t			 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		size_t	len = strlen(cases[i].json);

		if (i == NELEM(cases) - 1)
			len += 2;	/* a NUL byte inside */
		cv_err_clear(&err);
		if (hvps_parse_poll(cases[i].json, len, &p, &err) != -1 ||
		    err.code != CV_E_PARSE ||
		    strncmp(err.msg, cases[i].msg, strlen(cases[i].msg)) != 0)
			fail_msg("case %zu: '%s'", i, err.msg);
		assert_null(p.vms);
		assert_int_equal(p.nvms, 0);
		hvps_poll_free(&p);
	}
	/* the quote stops after 60 characters */
	cv_err_clear(&err);
	long_json = "[\"0123456789012345678901234567890123456789012345678901234"
	    "5678901234567890\"]";
	assert_int_equal(hvps_parse_poll(long_json, strlen(long_json), &p,
	    &err), -1);
	assert_string_equal(err.msg, "poll answer is not an object with "
	    "\"vms\": [\"012345678901234567890123456789012345678901234567890123"
	    "4567");
	/* numbers in strings, read whatever the locale */
	long_json = "{\"vms\":[{\"Id\":\"a\",\"Name\":\"b\",\"CPUUsage\":"
	    "\" 2.75 \",\"UptimeSeconds\":\"60.9\"}]}";
	assert_int_equal(hvps_parse_poll(long_json, strlen(long_json), &p,
	    &err), 0);
	assert_true(p.vms[0].cpu_usage == 2.75);
	assert_int_equal(p.vms[0].uptime_s, 60);
	hvps_poll_free(&p);
	/* {"vms":null}: no VMs */
	assert_int_equal(hvps_parse_poll("{\"vms\":null}", 12, &p, &err), 0);
	assert_int_equal(p.nvms, 0);
	hvps_poll_free(&p);
}

static void
poll_limits(void **state)
{
	struct hvps_poll	 p;
	struct hvps_vm		*vm;
	struct cv_err		 err;
	char			*json, *s;
	size_t			 i, n, len, cap;

	(void)state;
	/* names beyond 1024 bytes: cut, with a hash of the whole name */
	cap = 8192;
	json = xmalloc(cap);
	s = json + snprintf(json, cap, "{\"vms\":[");
	for (i = 0; i < 2; i++) {
		s += snprintf(s, cap - (size_t)(s - json),
		    "%s{\"Id\":\"id%zu\",\"Name\":\"", i ? "," : "", i);
		for (n = 0; n < 1500; n++)
			*s++ = "\xc3\xa9"[n % 2];	/* é é é ... */
		s += snprintf(s, cap - (size_t)(s - json), "%zu\"}", i);
	}
	s += snprintf(s, cap - (size_t)(s - json), "]}");
	assert_int_equal(hvps_parse_poll(json, (size_t)(s - json), &p, &err),
	    0);
	assert_int_equal(p.nvms, 2);
	for (i = 0; i < 2; i++) {
		vm = &p.vms[i];
		len = strlen(vm->name);
		assert_true(len <= 1024);
		assert_true(len > 1000);
		assert_int_equal(vm->name[len - 9], '~');
		assert_memory_equal(vm->name, "\xc3\xa9\xc3\xa9", 4);
		/* whole characters only before the '~' */
		assert_true(((unsigned char)vm->name[len - 10] & 0xc0) != 0xc0);
	}
	assert_string_not_equal(p.vms[0].name, p.vms[1].name);
	hvps_poll_free(&p);
	free(json);

	/* 100000 VMs are fine, and two ids in them are one VM */
	cap = 100001 * 48 + 64;
	json = xmalloc(cap);
	s = json + snprintf(json, cap, "{\"vms\":[");
	for (i = 0; i < 100000; i++)
		s += snprintf(s, cap - (size_t)(s - json), "%s{\"Id\":\"%zu\","
		    "\"Name\":\"vm%zu\",\"State\":2}", i ? "," : "",
		    i == 99999 ? (size_t)7 : i, i);
	s += snprintf(s, cap - (size_t)(s - json), "]}");
	cv_err_clear(&err);
	if (hvps_parse_poll(json, (size_t)(s - json), &p, &err) != 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.nvms, 99999);
	assert_string_equal(p.vms[99998].name, "vm99998");
	assert_int_equal(p.vms[99998].state, GUEST_RUNNING);
	hvps_poll_free(&p);
	/* 100001 are refused */
	s = json + snprintf(json, cap, "{\"vms\":[");
	for (i = 0; i < 100001; i++)
		s += snprintf(s, cap - (size_t)(s - json), "%s{}",
		    i ? "," : "");
	s += snprintf(s, cap - (size_t)(s - json), "]}");
	assert_int_equal(hvps_parse_poll(json, (size_t)(s - json), &p, &err),
	    -1);
	assert_string_equal(err.msg, "poll answer lists 100001 VMs, more "
	    "than 100000");
	free(json);
}

/* ---- actions ---- */

static void
action_answers(void **state)
{
	static const struct {
		const char	*file;
		bool		 noop;
		const char	*message;
	} files[] = {
		{ "action_done.json", false, "" },
		{ "action_noop.json", true, "already off" },
		{ "action_snapshot.json", false,
		    "checkpoint crossvisor-20261125-101500 taken" },
	};
	static const struct {
		const char	*json;
		enum cv_errcode	 code;
		const char	*msg;
	} bad[] = {
		{ "{\"result\":\"maybe\"}", CV_E_PARSE, "action answer has "
		    "result \"maybe\", neither \"done\" nor \"noop\"" },
		{ "{\"message\":\"x\"}", CV_E_PARSE, "action answer has no "
		    "\"result\": {\"message\":\"x\"}" },
		{ "{\"result\":null}", CV_E_PARSE, "action answer has no "
		    "\"result\"" },
		{ "[{\"result\":\"done\"}]", CV_E_PARSE, "action answer is not "
		    "an object with \"result\"" },
		{ "{\"result\":", CV_E_PARSE, "action answer ends early" },
		{ "", CV_E_PARSE, "action answer is empty" },
		{ "{\"error\":{\"message\":\"Hyper-V was unable to find a "
		    "virtual machine with ID 'x'.\",\"category\":"
		    "\"InvalidArgument\",\"fqid\":\"InvalidParameter,Microsoft."
		    "HyperV.PowerShell.Commands.GetVM\"}}", CV_E_NOTFOUND,
		    "Hyper-V was unable to find a virtual machine with ID "
		    "'x'." },
		{ "{\"error\":{\"message\":\"no\",\"fqid\":"
		    "\"NoGracefulReboot\"}}", CV_E_UNSUPPORTED, "no" },
		{ "{\"error\":{\"message\":\"busy\",\"fqid\":"
		    "\"InvalidState,X\"}}", CV_E_FAILED, "busy" },
	};
	struct hvps_action	 a;
	struct cv_err		 err;
	size_t			 i, len;
	char			*json;
	const char		*cjson;

	(void)state;
	for (i = 0; i < NELEM(files); i++) {
		json = slurp(files[i].file, &len);
		cv_err_clear(&err);
		if (hvps_parse_action(json, len, &a, &err) != 0)
			fail_msg("%s: %s", files[i].file, err.msg);
		assert_int_equal(a.noop, files[i].noop);
		assert_string_equal(a.message, files[i].message);
		free(json);
	}
	for (i = 0; i < NELEM(bad); i++) {
		cv_err_clear(&err);
		if (hvps_parse_action(bad[i].json, strlen(bad[i].json), &a,
		    &err) != -1 || err.code != bad[i].code ||
		    strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) != 0)
			fail_msg("case %zu: %d '%s'", i, err.code, err.msg);
	}
	cjson = "{\"result\":\"noop\",\"message\":null}";
	assert_int_equal(hvps_parse_action(cjson, strlen(cjson), &a, &err), 0);
	assert_true(a.noop);
	assert_string_equal(a.message, "");
	cjson = "{\"result\":\"done\",\"message\":\"line one\\r\\n"
	    "line two\"}";
	assert_int_equal(hvps_parse_action(cjson, strlen(cjson), &a, &err), 0);
	assert_string_equal(a.message, "line one line two");
}

/* ---- names ---- */

struct state_case {
	const char		*name;
	enum guest_state	 state;
	enum guest_health	 health;
};

static void
state_table(void **state)
{
	static const struct state_case	cases[] = {
		{ "Other", GUEST_UNKNOWN, HEALTH_NONE },
		{ "Running", GUEST_RUNNING, HEALTH_NONE },
		{ "Off", GUEST_SHUTOFF, HEALTH_NONE },
		{ "Stopping", GUEST_STOPPING, HEALTH_NONE },
		{ "Saved", GUEST_SAVED, HEALTH_NONE },
		{ "Paused", GUEST_PAUSED, HEALTH_NONE },
		{ "Starting", GUEST_STARTING, HEALTH_NONE },
		{ "Reset", GUEST_STARTING, HEALTH_NONE },
		{ "Saving", GUEST_STOPPING, HEALTH_NONE },
		{ "Pausing", GUEST_STOPPING, HEALTH_NONE },
		{ "Resuming", GUEST_STARTING, HEALTH_NONE },
		{ "FastSaved", GUEST_SAVED, HEALTH_NONE },
		{ "FastSaving", GUEST_STOPPING, HEALTH_NONE },
		{ "ForceShutdown", GUEST_STOPPING, HEALTH_NONE },
		{ "ForceReboot", GUEST_STARTING, HEALTH_NONE },
		{ "Hibernated", GUEST_SAVED, HEALTH_NONE },
		{ "ComponentServicing", GUEST_UNKNOWN, HEALTH_NONE },
		{ "RunningCritical", GUEST_RUNNING, HEALTH_CRITICAL },
		{ "OffCritical", GUEST_SHUTOFF, HEALTH_CRITICAL },
		{ "StoppingCritical", GUEST_STOPPING, HEALTH_CRITICAL },
		{ "SavedCritical", GUEST_SAVED, HEALTH_CRITICAL },
		{ "PausedCritical", GUEST_PAUSED, HEALTH_CRITICAL },
		{ "StartingCritical", GUEST_STARTING, HEALTH_CRITICAL },
		{ "ResetCritical", GUEST_STARTING, HEALTH_CRITICAL },
		{ "SavingCritical", GUEST_STOPPING, HEALTH_CRITICAL },
		{ "PausingCritical", GUEST_STOPPING, HEALTH_CRITICAL },
		{ "ResumingCritical", GUEST_STARTING, HEALTH_CRITICAL },
		{ "FastSavedCritical", GUEST_SAVED, HEALTH_CRITICAL },
		{ "FastSavingCritical", GUEST_STOPPING, HEALTH_CRITICAL },
		{ "running", GUEST_RUNNING, HEALTH_NONE },
		{ "  RUNNINGCRITICAL ", GUEST_RUNNING, HEALTH_CRITICAL },
		{ "1", GUEST_UNKNOWN, HEALTH_NONE },
		{ "2", GUEST_RUNNING, HEALTH_NONE },
		{ "3", GUEST_SHUTOFF, HEALTH_NONE },
		{ "4", GUEST_STOPPING, HEALTH_NONE },
		{ "5", GUEST_UNKNOWN, HEALTH_NONE },
		{ "6", GUEST_SAVED, HEALTH_NONE },
		{ "9", GUEST_PAUSED, HEALTH_NONE },
		{ "10", GUEST_STARTING, HEALTH_NONE },
		{ "11", GUEST_STARTING, HEALTH_NONE },
		{ "32773", GUEST_STOPPING, HEALTH_NONE },
		{ "32776", GUEST_STOPPING, HEALTH_NONE },
		{ "32777", GUEST_STARTING, HEALTH_NONE },
		{ "32768", GUEST_UNKNOWN, HEALTH_NONE },
		{ "32779", GUEST_UNKNOWN, HEALTH_NONE },
		{ "32785", GUEST_UNKNOWN, HEALTH_NONE },
		{ "99999", GUEST_UNKNOWN, HEALTH_NONE },
		{ "0000000002", GUEST_UNKNOWN, HEALTH_NONE },
		{ "2x", GUEST_UNKNOWN, HEALTH_NONE },
		{ "-2", GUEST_UNKNOWN, HEALTH_NONE },
		{ "Critical", GUEST_UNKNOWN, HEALTH_NONE },
		{ "RunningCriticalCritical", GUEST_UNKNOWN, HEALTH_NONE },
		{ "", GUEST_UNKNOWN, HEALTH_NONE },
		{ NULL, GUEST_UNKNOWN, HEALTH_NONE },
	};
	enum guest_health	h;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		h = HEALTH_OK;
		if (hvps_state(cases[i].name, &h) != cases[i].state ||
		    h != cases[i].health)
			fail_msg("%s: state %d health %d", cases[i].name ?
			    cases[i].name : "NULL", hvps_state(cases[i].name,
			    NULL), h);
	}
}

static void
heartbeat_table(void **state)
{
	static const struct {
		const char		*name;
		enum guest_health	 health;
	} cases[] = {
		{ "Unknown", HEALTH_NONE }, { "Disabled", HEALTH_NONE },
		{ "NoContact", HEALTH_NONE }, { "Error", HEALTH_CRITICAL },
		{ "LostCommunication", HEALTH_CRITICAL },
		{ "OkApplicationsUnknown", HEALTH_OK },
		{ "OkApplicationsHealthy", HEALTH_OK },
		{ "OkApplicationsCritical", HEALTH_DEGRADED },
		{ "Paused", HEALTH_NONE },
		{ "okapplicationshealthy", HEALTH_OK },
		{ " error ", HEALTH_CRITICAL },
		{ "0", HEALTH_NONE }, { "3", HEALTH_CRITICAL },
		{ "4", HEALTH_CRITICAL }, { "5", HEALTH_OK },
		{ "6", HEALTH_OK }, { "7", HEALTH_DEGRADED },
		{ "8", HEALTH_NONE }, { "9", HEALTH_NONE },
		{ "", HEALTH_NONE }, { NULL, HEALTH_NONE },
		{ "Ok", HEALTH_NONE },
	};
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++)
		if (hvps_heartbeat(cases[i].name) != cases[i].health)
			fail_msg("%s: %d", cases[i].name ? cases[i].name :
			    "NULL", hvps_heartbeat(cases[i].name));
}

static void
dates(void **state)
{
	static const struct {
		const char	*s;
		int		 rc;
		int64_t		 ms;
	} cases[] = {
		{ "\\/Date(1579058571826)\\/", 0, 1579058571826 },
		{ "/Date(1579058571826)/", 0, 1579058571826 },
		{ "/Date(1579058571826+0100)/", 0, 1579058571826 },
		{ "/Date(-1000)/", 0, -1000 },
		{ "2020-01-15T04:02:51.826+01:00", 0, 1579057371826 },
		{ "2020-01-15T03:02:51.8260000Z", 0, 1579057371826 },
		{ "2024-11-25T10:15:00.1234567", 0, 1732529700123 },
		{ "1970-01-01T00:00:00Z", 0, 0 },
		{ "1970-01-01T00:00:00+01:00", 0, -3600000 },
		{ "2000-02-29 12:00:00-0000", 0, 951825600000 },
		{ "/Date()/", -1, 0 },
		{ "/Date(123", -1, 0 },
		{ "/Date(1234567890123456789)/", -1, 0 },
		{ "2020-13-01T00:00:00", -1, 0 },
		{ "2020-01-15T25:00:00", -1, 0 },
		{ "2020-01-15T10:00:00.Z", -1, 0 },
		{ "2020-01-15T10:00:00+1", -1, 0 },
		{ "2020-01-15T10:00:00 tail", -1, 0 },
		{ "2020-01-15", -1, 0 },
		{ "garbage", -1, 0 },
		{ "", -1, 0 },
		{ NULL, -1, 0 },
	};
	int64_t	ms;
	size_t	i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		ms = 42;
		if (hvps_date(cases[i].s, &ms) != cases[i].rc ||
		    ms != cases[i].ms)
			fail_msg("%s: %lld", cases[i].s ? cases[i].s : "NULL",
			    (long long)ms);
	}
}

/* ---- hostile input ---- */

/* Every parser on one input: no crash, no leak, a sane answer. */
static void
feed_all(const char *buf, size_t len)
{
	struct hvps_text	 t;
	struct hvps_poll	 p;
	struct hvps_error	 e;
	struct hvps_action	 a;
	struct cv_err		 err;
	const char		*json;
	size_t			 jlen;
	char			 msg[256];
	bool			 u16 = false, done;
	int			 rc;

	if (hvps_decode(buf, len, &u16, &t) == 0) {
		assert_int_equal(strlen(t.s), t.len);
		rc = hvps_find_answer(t.s, 1, &json, &jlen, &done);
		assert_true(rc == 0 || json + jlen <= t.s + t.len);
		rc = hvps_stderr_error(t.s, msg, sizeof msg);
		assert_true(rc == 0 || rc == 1);
		assert_true(strlen(msg) < sizeof msg);
		hvps_text_free(&t);
	}
	u16 = true;
	if (hvps_decode(buf, len, &u16, &t) == 0)
		hvps_text_free(&t);
	if (hvps_parse_poll(buf, len, &p, &err) == 0)
		hvps_poll_free(&p);
	else
		assert_true(strlen(err.msg) > 0);
	hvps_parse_error(buf, len, &e);
	hvps_parse_action(buf, len, &a, &err);
}

static void
hostile_garbage(void **state)
{
	static const char	 alphabet[] = "{}[]\":,0123456789 \r\n\\u@CV#<>"
				    "/&;_xSEro\xff\xc3\xa9";
	size_t			 len = 1 << 20, i;
	uint32_t		 seed = 2463534242u;
	char			*buf = xmalloc(len + 1);
	char			 msg[64];

	(void)state;
	/* random bytes */
	for (i = 0; i < len; i++)
		buf[i] = (char)(rnd(&seed) & 0xff);
	buf[len] = '\0';
	feed_all(buf, len);
	/* random bytes in the alphabet of the parsers */
	for (i = 0; i < len; i++)
		buf[i] = alphabet[rnd(&seed) % (sizeof alphabet - 1)];
	feed_all(buf, len);
	/* CLIXML starts that never end: stays linear */
	for (i = 0; i + 10 <= len; i += 10)
		memcpy(buf + i, "#< CLIXML\n", 10);
	buf[i] = '\0';
	assert_int_equal(hvps_stderr_error(buf, msg, sizeof msg), 0);
	for (i = 0; i + 5 <= len; i += 5)
		memcpy(buf + i, "<Objs", 5);
	buf[i] = '\0';
	assert_int_equal(hvps_stderr_error(buf, msg, sizeof msg), 0);
	memcpy(buf, "<Objs>", 6);
	for (i = 6; i + 13 <= len; i += 13)
		memcpy(buf + i, "<S S=\"Error\">", 13);
	buf[i] = '\0';
	assert_int_equal(hvps_stderr_error(buf, msg, sizeof msg), 1);
	assert_int_equal(strncmp(msg, "<S S=\"Error\"><S S=", 18), 0);
	/* one error record of a megabyte */
	memcpy(buf, "<Objs><S S=\"Error\">", 19);
	memset(buf + 19, 'e', len - 19);
	buf[len] = '\0';
	assert_int_equal(hvps_stderr_error(buf, msg, sizeof msg), 1);
	assert_int_equal(strlen(msg), sizeof msg - 1);
	/* answer markers without their line end */
	for (i = 0; i + 9 <= len; i += 9)
		memcpy(buf + i, "@@CV@@ 1 ", 9);
	buf[i] = '\0';
	feed_all(buf, i);
	free(buf);
}

static void
hostile_nesting(void **state)
{
	struct hvps_poll	 p;
	struct cv_err		 err;
	size_t			 depth = 100000, i, n = 0;
	char			*buf = xmalloc(2 * depth + 64);

	(void)state;
	n += (size_t)sprintf(buf, "{\"vms\":");
	for (i = 0; i < depth; i++)
		buf[n++] = '[';
	for (i = 0; i < depth; i++)
		buf[n++] = ']';
	buf[n++] = '}';
	buf[n] = '\0';
	assert_int_equal(hvps_parse_poll(buf, n, &p, &err), -1);
	assert_non_null(strstr(err.msg, "nesting too deep"));
	feed_all(buf, n);
	/* 30 levels inside a VM are fine */
	n = (size_t)sprintf(buf, "{\"vms\":[{\"Id\":\"x\",\"Name\":\"y\","
	    "\"Deep\":");
	for (i = 0; i < 25; i++)
		buf[n++] = '[';
	for (i = 0; i < 25; i++)
		buf[n++] = ']';
	n += (size_t)sprintf(buf + n, "}]}");
	assert_int_equal(hvps_parse_poll(buf, n, &p, &err), 0);
	assert_int_equal(p.nvms, 1);
	hvps_poll_free(&p);
	free(buf);
}

static void
hostile_text(void **state)
{
	static const struct {
		const char	*json;
		const char	*name;
	} cases[] = {
		/* invalid UTF-8 in a name, raw */
		{ "{\"vms\":[{\"Id\":\"a\",\"Name\":\"x\xff\xfey\"}]}",
		    "x" FFFD FFFD "y" },
		/* escaped lone surrogates */
		{ "{\"vms\":[{\"Id\":\"a\",\"Name\":\"\\ud800x\\udc00\"}]}",
		    FFFD "x" FFFD },
		/* a NUL escape */
		{ "{\"vms\":[{\"Id\":\"a\",\"Name\":\"a\\u0000b\"}]}", "ab" },
		/* CESU-8 surrogates, raw */
		{ "{\"vms\":[{\"Id\":\"a\",\"Name\":\"\xed\xa0\x80\"}]}",
		    FFFD FFFD FFFD },
	};
	struct hvps_poll	p;
	struct cv_err		err;
	size_t			i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		cv_err_clear(&err);
		if (hvps_parse_poll(cases[i].json, strlen(cases[i].json), &p,
		    &err) != 0)
			fail_msg("case %zu: %s", i, err.msg);
		assert_int_equal(p.nvms, 1);
		if (strcmp(p.vms[0].name, cases[i].name) != 0)
			fail_msg("case %zu: name '%s'", i, p.vms[0].name);
		hvps_poll_free(&p);
	}
	/* a NUL byte in the middle of the answer */
	assert_int_equal(hvps_parse_poll("{\"vms\":[]\0}", 11, &p, &err), -1);
	/* truncated everywhere: never a crash, never a leak */
	{
		size_t	 len;
		char	*json = slurp("poll_shipped.json", &len);

		for (i = 0; i < len; i++) {
			char	*cut = xstrndup(json, i);

			feed_all(cut, i);
			free(cut);
		}
		free(json);
	}
}

int
main(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(decode_table),
		cmocka_unit_test(decode_stream),
		cmocka_unit_test(find_answer_fixture),
		cmocka_unit_test(find_answer_table),
		cmocka_unit_test(stderr_fixtures),
		cmocka_unit_test(stderr_table),
		cmocka_unit_test(error_fixtures),
		cmocka_unit_test(error_table),
		cmocka_unit_test(poll_shipped),
		cmocka_unit_test(poll_raw51),
		cmocka_unit_test(poll_single),
		cmocka_unit_test(poll_ps7),
		cmocka_unit_test(poll_nulls),
		cmocka_unit_test(poll_errors),
		cmocka_unit_test(poll_limits),
		cmocka_unit_test(action_answers),
		cmocka_unit_test(state_table),
		cmocka_unit_test(heartbeat_table),
		cmocka_unit_test(dates),
		cmocka_unit_test(hostile_garbage),
		cmocka_unit_test(hostile_nesting),
		cmocka_unit_test(hostile_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
