/*
 * The mention fields of a record JSON object, in the design's shape: what
 * the jsonl sink and the spool write, and what the jsonl and nats sources
 * and the spool read back. One mapping for all of them.
 */
#ifndef ES_MENTION_FIELDS_H
#define ES_MENTION_FIELDS_H

#include "plugin.h"

#define ES_MENTION_MAX_ADDRESSED 64

/* Storage the mapped mention points into besides the object itself. */
typedef struct es_mention_scratch {
    char idbuf[32]; /* an integer id, as text */
    const char *addressed[ES_MENTION_MAX_ADDRESSED];
} es_mention_scratch_t;

/* Fills m (zeroed first) from the object o: the string members, an id
 * given as a string or an integer, created_at as epoch seconds or an RFC
 * 3339 string, the first ES_MENTION_MAX_ADDRESSED string entries of
 * addressed. m's strings point into o and sc, valid while both live.
 * Returns 0, or ES_EPARSE when created_at is there but unusable (m then
 * has created_at 0 and everything else): *why says which (static). Checks
 * no required field: callers have their own rules. Any thread. */
int es_mention_from_object(json_t *o, es_mention_t *m, es_mention_scratch_t *sc, const char **why);

#endif
