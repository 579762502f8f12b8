/* Small string and allocation helpers shared by the core. */
#ifndef ES_UTIL_H
#define ES_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Allocation that aborts on failure is deliberately NOT offered: callers
 * return ES_ENOMEM so a daemon under memory pressure fails one record, not
 * the process. These return NULL like malloc. */
char *es__strdup(const char *s);              /* NULL-safe: NULL -> NULL */
char *es__strndup(const char *s, size_t n);
/* printf into a new malloc'd string; NULL on failure. */
char *es__asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Trims ASCII whitespace in place; returns s. */
char *es__trim(char *s);
/* Monotonic milliseconds. */
uint64_t es__now_ms(void);
/* Wall-clock seconds. */
int64_t es__now_s(void);
/* mkdir -p: creates dir and its missing parents with mode. 0, or -1 with
 * errno set. */
int es__mkdir_p(const char *dir, unsigned mode);
/* Uniform random in [0, n) from a per-call seeded xorshift; good enough for
 * jitter, never for secrets. */
uint64_t es__rand_below(uint64_t n);

/* Splits a comma list into trimmed items. Returns count, or negative ES_E*
 * (ES_EINVAL on an empty item). *items and each item are malloc'd; free with
 * es__strv_free. */
int es__split_list(const char *s, char ***items, size_t *count);
void es__strv_free(char **v, size_t n);

#endif
