/* The one-line editor. Keys are those of the loop (keymap.h): characters,
 * and curses key codes negated. Main thread. */
#include "tui/input.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "core/xmalloc.h"
#include "tui/curses_wrap.h"
#include "tui/keymap.h"

#define INPUT_ESC	27

static bool	input_erase_char(char *);
static bool	input_erase_word(char *);
static bool	input_insert(struct input *, int);
static bool	input_browse(struct input *, int);

void
input_open(struct input *in, const char *text, struct input_history *h)
{
	memset(in, 0, sizeof *in);
	strlcpy_cv(in->text, text != NULL ? text : "", sizeof in->text);
	in->history = h;
	in->browse = h != NULL ? h->n : 0;
}

void
input_set(struct input *in, const char *text)
{
	strlcpy_cv(in->text, text, sizeof in->text);
}

/* Keeps line as the newest entry; the same line twice in a row once. */
void
input_history_add(struct input_history *h, const char *line)
{
	if (line[0] == '\0')
		return;
	if (h->n > 0 && strcmp(h->line[h->n - 1], line) == 0)
		return;
	if (h->n == INPUT_HISTORY) {
		memmove(h->line[0], h->line[1],
		    sizeof h->line[0] * (INPUT_HISTORY - 1));
		h->n--;
	}
	strlcpy_cv(h->line[h->n++], line, sizeof h->line[0]);
}

/* Removes the last character (not byte) of a UTF-8 or single-byte
 * string. */
static bool
input_erase_char(char *s)
{
	size_t	len = strlen(s);

	if (len == 0)
		return false;
	if (MB_CUR_MAX > 1)
		while (len > 1 && ((unsigned char)s[len - 1] & 0xc0) == 0x80)
			len--;
	s[len - 1] = '\0';
	return true;
}

/* Ctrl-W: the spaces before the cursor, then the word. */
static bool
input_erase_word(char *s)
{
	size_t	len = strlen(s), was = len;

	while (len > 0 && s[len - 1] == ' ')
		len--;
	while (len > 0 && s[len - 1] != ' ')
		len--;
	s[len] = '\0';
	return len != was;
}

static bool
input_insert(struct input *in, int key)
{
	char		mb[MB_LEN_MAX];
	mbstate_t	st;
	size_t		n, len;

	if (key < ' ' || !iswprint((wint_t)key))
		return false;
	memset(&st, 0, sizeof st);
	n = wcrtomb(mb, (wchar_t)key, &st);
	len = strlen(in->text);
	if (n == (size_t)-1 || len + n >= sizeof in->text)
		return false;
	memcpy(in->text + len, mb, n);
	in->text[len + n] = '\0';
	return true;
}

/* Up (dir -1) and Down (+1) through the history; Down past the newest
 * gives back what was being typed. */
static bool
input_browse(struct input *in, int dir)
{
	struct input_history	*h = in->history;

	if (h == NULL || h->n == 0)
		return false;
	if (dir < 0) {
		if (in->browse == 0)
			return false;
		if (in->browse == h->n)
			strlcpy_cv(in->saved, in->text, sizeof in->saved);
		in->browse--;
		input_set(in, h->line[in->browse]);
		return true;
	}
	if (in->browse >= h->n)
		return false;
	in->browse++;
	input_set(in, in->browse == h->n ? in->saved : h->line[in->browse]);
	return true;
}

enum input_result
input_key(struct input *in, int key)
{
	bool	changed;

	switch (key) {
	case '\r':
	case '\n':
	case KEYMAP_FN(KEY_ENTER):
		return INPUT_ACCEPT;
	case INPUT_ESC:
	case KEYMAP_CTRL('c'):
	case KEYMAP_CTRL('g'):
		return INPUT_CANCEL;
	case KEYMAP_FN(KEY_BACKSPACE):
	case 127:
	case KEYMAP_CTRL('h'):
		changed = input_erase_char(in->text);
		break;
	case KEYMAP_CTRL('w'):
		changed = input_erase_word(in->text);
		break;
	case KEYMAP_CTRL('u'):
		changed = in->text[0] != '\0';
		in->text[0] = '\0';
		break;
	case KEYMAP_FN(KEY_UP):
	case KEYMAP_CTRL('p'):
		changed = input_browse(in, -1);
		break;
	case KEYMAP_FN(KEY_DOWN):
	case KEYMAP_CTRL('n'):
		changed = input_browse(in, 1);
		break;
	default:
		if (key < 0 || key < ' ')
			return INPUT_IGNORED;
		changed = input_insert(in, key);
		break;
	}
	return changed ? INPUT_CHANGED : INPUT_KEPT;
}
