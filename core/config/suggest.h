/* "Did you mean": the closest of a few known words to one the admin typed,
 * for unknown keys and plugins. */
#ifndef ES_SUGGEST_H
#define ES_SUGGEST_H

#include <stddef.h>

/* The candidate nearest to word by edit distance (insertions, deletions,
 * substitutions and swaps of neighbours, ASCII case ignored), when close
 * enough to be a typo: at most 1 edit for words up to 4 characters, 2 up
 * to 8, else 3. NULL when none is. */
const char *es__suggest(const char *word, const char *const *cands, size_t n);

#endif
