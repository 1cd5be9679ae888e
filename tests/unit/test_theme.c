/* Theme files: the parser on good and bad text, with the messages a user
 * reads, and the themes shipped in themes/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/err.h"
#include "core/theme.h"

/* The element names of tui/term.h's UI_COLOR_LIST that the tests use, in
 * a private order (the parser takes any list). */
static const char *const names[] = {
	"default", "header", "state-running", "cert-unsupported", "cursor",
	"status-error", "event-failed"
};
#define NNAMES	(sizeof names / sizeof names[0])

static int
parse(struct theme *t, const char *text, struct cv_err *err)
{
	theme_init(t, NNAMES);
	cv_err_clear(err);
	return theme_parse(t, text, strlen(text), "x.theme", names, NNAMES,
	    err);
}

/* Parses text that must fail, and checks the whole message. */
static void
bad(const char *text, const char *want)
{
	struct theme	t;
	struct cv_err	err;

	assert_int_equal(parse(&t, text, &err), -1);
	assert_string_equal(err.msg, want);
	assert_int_equal(err.code, CV_E_CONFIG);
	theme_free(&t);
}

static void
test_good(void **state)
{
	struct theme	t;
	struct cv_err	err;

	(void)state;
	assert_int_equal(parse(&t,
	    "# a comment\n"
	    "\n"
	    "header = bright-white blue bold   # trailing comment\n"
	    "  state-running\t=\tgreen\r\n"
	    "cursor = default default reverse underline\n"
	    "cert-unsupported = color196 dim\n"
	    "header = yellow\n"			/* a later line wins */
	    "accent.tag.prod = red\n"
	    "accent.host.kvm-a = color33 bold\n"
	    "accent.tag.prod = magenta", &err), 0);

	assert_false(t.styles[0].set);
	assert_true(t.styles[1].set);
	assert_int_equal(t.styles[1].fg, 3);
	assert_int_equal(t.styles[1].bg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.styles[1].attrs, 0);
	assert_int_equal(t.styles[1].line, 7);
	assert_int_equal(t.styles[2].fg, 2);
	assert_int_equal(t.styles[4].fg, THEME_COLOR_DEFAULT);
	assert_int_equal(t.styles[4].attrs,
	    THEME_ATTR_REVERSE | THEME_ATTR_UNDERLINE);
	assert_int_equal(t.styles[3].fg, 196);
	assert_int_equal(t.styles[3].attrs, THEME_ATTR_DIM);

	assert_int_equal(t.naccents, 2);
	assert_int_equal(t.accents[0].kind, THEME_ACCENT_TAG);
	assert_string_equal(t.accents[0].name, "prod");
	assert_int_equal(t.accents[0].style.fg, 5);
	assert_int_equal(t.accents[1].kind, THEME_ACCENT_HOST);
	assert_int_equal(t.accents[1].style.fg, 33);
	assert_int_equal(t.accents[1].style.attrs, THEME_ATTR_BOLD);
	theme_free(&t);

	/* Empty and comment-only files are themes that change nothing. */
	assert_int_equal(parse(&t, "", &err), 0);
	theme_free(&t);
	assert_int_equal(parse(&t, "#\n  # x = y\n\n", &err), 0);
	assert_false(t.styles[1].set);
	theme_free(&t);
}

static void
test_bad(void **state)
{
	(void)state;
	bad("header = red\nhedaer = blue\n",
	    "x.theme:2: unknown element 'hedaer' (did you mean 'header'?)");
	bad("state-runing = green",
	    "x.theme:1: unknown element 'state-runing' (did you mean "
	    "'state-running'?)");
	bad("frobnicate = green", "x.theme:1: unknown element 'frobnicate'");
	bad("\n\nheader = rde", "x.theme:3: header: unknown colour or "
	    "attribute 'rde' (did you mean red?)");
	bad("header = red bodl", "x.theme:1: header: unknown colour or "
	    "attribute 'bodl' (did you mean bold?)");
	bad("header = color256", "x.theme:1: header: unknown colour or "
	    "attribute 'color256' (did you mean color0 to color255?)");
	bad("header = color007", "x.theme:1: header: unknown colour or "
	    "attribute 'color007' (did you mean color0 to color255?)");
	bad("header = xyzzy",
	    "x.theme:1: header: unknown colour or attribute 'xyzzy'");
	bad("header", "x.theme:1: expected 'element = colour [colour] "
	    "[attribute...]'");
	bad("header =", "x.theme:1: header: a colour is missing after '='");
	bad("header = # only a comment",
	    "x.theme:1: header: a colour is missing after '='");
	bad("= red", "x.theme:1: the element name is missing before '='");
	bad("head er = red",
	    "x.theme:1: 'head er': an element name has no blanks");
	bad("header = bold", "x.theme:1: header: a colour must come before "
	    "'bold' (e.g. default bold)");
	bad("header = red bold blue", "x.theme:1: header: colour 'blue' "
	    "after an attribute; write the colours first");
	bad("header = red blue green", "x.theme:1: header: a third colour "
	    "'green'; give a foreground and at most a background");
	bad("accent.prod = red", "x.theme:1: 'accent.prod': an accent is "
	    "accent.host.NAME or accent.tag.NAME");
	bad("accent.tag. = red",
	    "x.theme:1: 'accent.tag.': the host or tag name is missing");
	bad("accent.tag.prod = rde", "x.theme:1: accent.tag.prod: unknown "
	    "colour or attribute 'rde' (did you mean red?)");
}

static void
test_nul(void **state)
{
	struct theme	t;
	struct cv_err	err;
	static const char text[] = "header = red\nx\0y = z\n";

	(void)state;
	theme_init(&t, NNAMES);
	assert_int_equal(theme_parse(&t, text, sizeof text - 1, "b.theme",
	    names, NNAMES, &err), -1);
	assert_string_equal(err.msg,
	    "b.theme:2: a NUL byte: this is not a text file");
	theme_free(&t);

	/* Not NUL-terminated: the length is the end. */
	theme_init(&t, NNAMES);
	assert_int_equal(theme_parse(&t, "header = redXXX", 12, "b.theme",
	    names, NNAMES, &err), 0);
	assert_int_equal(t.styles[1].fg, 1);
	theme_free(&t);
}

static void
test_colors(void **state)
{
	char	buf[16];
	short	c;

	(void)state;
	assert_int_equal(theme_color_from_name("default", &c), 0);
	assert_int_equal(c, THEME_COLOR_DEFAULT);
	assert_int_equal(theme_color_from_name("Bright-White", &c), 0);
	assert_int_equal(c, 15);
	assert_int_equal(theme_color_from_name("color0", &c), 0);
	assert_int_equal(c, 0);
	assert_int_equal(theme_color_from_name("color255", &c), 0);
	assert_int_equal(c, 255);
	assert_int_equal(theme_color_from_name("color", &c), -1);
	assert_int_equal(theme_color_from_name("color-1", &c), -1);
	assert_int_equal(theme_color_from_name("color99999999", &c), -1);
	assert_int_equal(theme_color_from_name("grey", &c), -1);
	assert_string_equal(theme_color_name(-1, buf, sizeof buf), "default");
	assert_string_equal(theme_color_name(9, buf, sizeof buf), "bright-red");
	assert_string_equal(theme_color_name(42, buf, sizeof buf), "color42");
}

static void
test_accent_find(void **state)
{
	static const char *const tags[] = { "lab", "prod" };
	struct theme			 t;
	struct cv_err			 err;
	const struct theme_accent	*a;

	(void)state;
	assert_int_equal(parse(&t, "accent.tag.prod = red\n"
	    "accent.tag.lab = cyan\naccent.host.kvm-a = green\n", &err), 0);
	a = theme_accent_find(&t, "kvm-a", tags, 2);
	assert_non_null(a);
	assert_int_equal(a->style.fg, 2);		/* the host's own */
	a = theme_accent_find(&t, "kvm-b", tags, 2);
	assert_int_equal(a->style.fg, 6);		/* its first tag */
	a = theme_accent_find(&t, "kvm-b", tags + 1, 1);
	assert_int_equal(a->style.fg, 1);
	assert_null(theme_accent_find(&t, "kvm-b", NULL, 0));
	theme_free(&t);
}

/* Every theme shipped in themes/ parses with the real element names (a
 * superset of these: unknown names there would fail, so the test reads
 * the names from tui/term.h's list in the order they appear). */
static void
test_shipped(void **state)
{
	static const char *const files[] = { "themes/default.theme",
	    "themes/dark.theme", "themes/light.theme",
	    "themes/solarized.theme" };
	char		*elems[128], *text, line[256], *q;
	size_t		 nelems = 0, i, len;
	FILE		*f;
	struct theme	 t;
	struct cv_err	 err;

	(void)state;
	f = fopen("tui/term.h", "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL && nelems < 128) {
		/* _(ID,		"name")	\ */
		if (strncmp(line, "\t_(", 3) != 0 ||
		    (q = strchr(line, '"')) == NULL)
			continue;
		elems[nelems] = strdup(q + 1);
		*strchr(elems[nelems], '"') = '\0';
		nelems++;
	}
	fclose(f);
	assert_true(nelems > 20);

	for (i = 0; i < sizeof files / sizeof files[0]; i++) {
		f = fopen(files[i], "r");
		if (f == NULL)
			fail_msg("%s: missing", files[i]);
		text = malloc(65536);
		len = fread(text, 1, 65536, f);
		fclose(f);
		theme_init(&t, nelems);
		if (theme_parse(&t, text, len, files[i],
		    (const char *const *)elems, nelems, &err) == -1)
			fail_msg("%s", err.msg);
		theme_free(&t);
		free(text);
	}
	/* default.theme sets every element (it is the compiled theme written
	 * out), and THEMES in the man page names every one. */
	f = fopen("themes/default.theme", "r");
	assert_non_null(f);
	text = calloc(1, 65536);
	len = fread(text, 1, 65535, f);
	fclose(f);
	theme_init(&t, nelems);
	assert_int_equal(theme_parse(&t, text, len, "default.theme",
	    (const char *const *)elems, nelems, &err), 0);
	for (i = 0; i < nelems; i++)
		if (!t.styles[i].set)
			fail_msg("themes/default.theme lacks '%s'", elems[i]);
	theme_free(&t);
	free(text);

	f = fopen("man/crossvisor.conf.5", "r");
	assert_non_null(f);
	text = calloc(1, 1 << 20);
	len = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	q = strstr(text, ".SH THEMES");
	assert_non_null(q);
	*strstr(q + 1, ".SH ") = '\0';
	for (i = 0; i < nelems; i++) {
		char	want[128], *o = want;
		const char *c;

		/* ".B name" or ".BR name ," with \- for each -. */
		for (c = elems[i]; *c != '\0' && o < want + 120; c++) {
			if (*c == '-')
				*o++ = '\\';
			*o++ = *c;
		}
		*o = '\0';
		if (strstr(q, want) == NULL)
			fail_msg("THEMES in crossvisor.conf.5 lacks '%s'",
			    elems[i]);
	}
	free(text);
	for (i = 0; i < nelems; i++)
		free(elems[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_colors),
		cmocka_unit_test(test_accent_find),
		cmocka_unit_test(test_shipped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
