/* Words: edit distance for suggestions. Pure. */
#include "core/words.h"

#include <ctype.h>
#include <string.h>

#define WORDS_MAXLEN	32

/* Optimal string alignment distance, ignoring case: a swap of two
 * neighbours counts as one edit, as in the usual typing mistakes. Words
 * longer than 32 bytes are WORDS_FAR apart. */
int
words_distance(const char *a, const char *b)
{
	int	d[WORDS_MAXLEN + 1][WORDS_MAXLEN + 1], cost, v;
	size_t	la = strlen(a), lb = strlen(b), i, j;

	if (la > WORDS_MAXLEN || lb > WORDS_MAXLEN)
		return WORDS_FAR;
	for (i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) ==
			    tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) ==
			    tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}
