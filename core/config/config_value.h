/* Typed config values: the one place that knows what "5m", "64k" or "yes"
 * mean, shared by the config validator and the getters plugins call. */
#ifndef ES_CONFIG_VALUE_H
#define ES_CONFIG_VALUE_H

#include <stddef.h>
#include <stdint.h>

#include <earshot/plugin.h>

typedef union es_value {
    int64_t i;
    double d;
    int b;
    uint64_t ms;   /* durations */
    uint64_t size; /* bytes */
} es_value_t;

/* Parses `s` as `type`. On error returns ES_EINVAL and writes a message that
 * names the expected form into err (e.g. "expected a duration such as 30s,
 * 5m, 2h"). STRING, SECRET and LIST always succeed here (lists are checked
 * for empty items). */
int es__value_parse(es_key_type_t type, const char *s, es_value_t *out, char *err, size_t errlen);
/* "string", "int", "duration", ... */
const char *es__key_type_name(es_key_type_t type);

#endif
