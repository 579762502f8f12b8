/* JSON helpers, installed as <earshot/json.h>.
 *
 * JSON from the wild: jansson refuses invalid UTF-8 outright, but feeds,
 * forum pages, archives and queue messages carry Latin-1 bytes often
 * enough that refusing would lose whole documents. */
#ifndef EARSHOT_JSON_H
#define EARSHOT_JSON_H

#include <stddef.h>

#include <jansson.h>

#include <earshot/plugin.h>

/* Parses p[0..n) with jansson (flags as json_loadb's), after replacing
 * each invalid UTF-8 sequence by U+FFFD. Returns the new reference, or NULL
 * with *rc set: ES_ENOMEM (err untouched) or ES_EPARSE (err filled in by
 * jansson). A NUL byte in the input ends the document; an escaped one
 * (\u0000) in a string value becomes U+FFFD, so no string holds a NUL and
 * json_string_value() is the whole text. */
ES_API json_t *es_json_load_repaired(const char *p, size_t n, size_t flags, json_error_t *err, int *rc);

/* A record's mention fields as a JSON object in the design's shape (what
 * the jsonl sink and the spool write, es_record_json() gives) mapped back
 * onto an es_mention_t: what the jsonl and nats sources and the spool
 * read. One mapping for all of them. */
#define ES_MENTION_MAX_ADDRESSED 64

/* Storage the mapped mention points into besides the object itself; its
 * layout is part of ES_PLUGIN_ABI (callers allocate it). */
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
ES_API int es_mention_from_object(json_t *o, es_mention_t *m, es_mention_scratch_t *sc, const char **why);

#endif
