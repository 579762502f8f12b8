/* A mention as the design's JSON text (see record_json.c). */
#ifndef ES_RECORD_JSON_H
#define ES_RECORD_JSON_H

#include <stddef.h>

#include <earshot/plugin.h>

/* malloc'd, NUL-terminated, length in *len when len is not NULL; NULL on
 * ENOMEM. Strings must be valid UTF-8 (records are repaired on entry). */
char *es__mention_json(const es_mention_t *m, size_t *len);

#endif
