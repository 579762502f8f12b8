/* UTF-8 validation. Everything a sink sees is valid UTF-8: sources may hand
 * us anything (mis-declared feeds, Latin-1 archives), so the core repairs
 * text once at the pipeline's entrance. */
#ifndef ES_UTF8_H
#define ES_UTF8_H

#include <stddef.h>

/* Length of the longest valid prefix of s[0..len). Rejects overlongs,
 * surrogates and code points above U+10FFFF (RFC 3629). */
size_t es_utf8_valid_prefix(const char *s, size_t len);
static inline int es_utf8_is_valid(const char *s, size_t len)
{
    return es_utf8_valid_prefix(s, len) == len;
}
/* A malloc'd, NUL-terminated copy of s[0..len) in which each maximal invalid
 * subsequence is replaced by U+FFFD (the W3C/Unicode "substitution of
 * maximal subparts" practice). *replaced (may be NULL) counts replacements.
 * NULL on ENOMEM. */
char *es_utf8_sanitize(const char *s, size_t len, size_t *replaced);

#endif
