/* Words: how far apart two are, for "did you mean" suggestions. Pure. */
#ifndef CV_CORE_WORDS_H
#define CV_CORE_WORDS_H

#define WORDS_FAR	1000	/* the distance of words too long to compare */

int	words_distance(const char *, const char *);

#endif
