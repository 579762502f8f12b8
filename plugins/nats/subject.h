/*
 * Pure helpers of the nats plugin: subject templates and message ids for
 * the sink. No NATS calls, no plugin context: unit-tested directly.
 */
#ifndef ES_NATS_SUBJECT_H
#define ES_NATS_SUBJECT_H

#include <stddef.h>

#include <earshot/plugin.h>

/* Checks a template such as "earshot.mentions.{brand}.{network}": tokens
 * separated by '.', none empty, no spaces, no wildcards ('*', '>'), and
 * only known {names} (brand, network, kind, lang, author_kind, owner,
 * source, label). Returns 0, or ES_ECONFIG with a reason in err. */
int es_nats_subject_check(const char *tmpl, char *err, size_t errlen);

/* Renders the template for one record into a new malloc'd string. A
 * value that is missing or empty becomes "_"; every byte outside
 * [A-Za-z0-9_-] in a value becomes '_' so a value can never add a token,
 * a wildcard or a space. NULL on ENOMEM. Loop thread (reads the record). */
char *es_nats_subject_render(const char *tmpl, const es_record_t *rec);

#define ES_NATS_MSG_ID_MAX 160

/* The Nats-Msg-Id for a record: the mention id (when it has at most
 * ES_NATS_MSG_ID_MAX bytes, fits in outlen and has no control character;
 * else "id-sha256:" + the first 32 hex digits of SHA-256 of the id); for
 * other kinds "<kind>:" + 32 hex digits of SHA-256 of its JSON. outlen
 * must be at least 48. Returns 0 or ES_ENOMEM. */
int es_nats_msg_id(const es_record_t *rec, const char *json, size_t json_len,
                   char *out, size_t outlen);

#endif
