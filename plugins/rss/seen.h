/*
 * The ids a feed has already yielded, so items are emitted once across
 * polls and restarts. Stored per feed as one checkpoint value: a JSON array
 * of short hashes, newest first, bounded. Hashes rather than ids keep the
 * value small whatever the feed uses as ids (some are 2 KB URLs).
 */
#ifndef EARSHOT_RSS_SEEN_H
#define EARSHOT_RSS_SEEN_H

#include <stddef.h>

#define ES_SEEN_HASH_LEN 16 /* hex digits: 64 bits, collisions negligible */

typedef struct es_seen_hash {
    char hex[ES_SEEN_HASH_LEN + 1];
} es_seen_hash_t;

typedef struct es_seen {
    es_seen_hash_t *ids;    /* stored order: newest first */
    es_seen_hash_t *sorted; /* the same, sorted, for lookups */
    size_t n;
} es_seen_t;

/* Hash of a mention id. Returns 0 or ES_ENOMEM. */
int es_seen_hash(const char *mention_id, es_seen_hash_t *out);

/* Loads a stored value (NULL: empty set). Returns 0, ES_EPARSE (the value
 * is not ours; *s is then empty and usable) or ES_ENOMEM. */
int es_seen_load(es_seen_t *s, const char *json);

int es_seen_has(const es_seen_t *s, const es_seen_hash_t *h);

/* The value to store after a fetch: the hashes in `cur` (what the feed
 * holds now, duplicates dropped) followed by the older ones not among them,
 * cut at max(limit, n_cur) so nothing still in the feed is ever forgotten.
 * Malloc'd, or NULL on ENOMEM. */
char *es_seen_dump(const es_seen_t *old, const es_seen_hash_t *cur, size_t n_cur, size_t limit);

void es_seen_free(es_seen_t *s);

#endif
