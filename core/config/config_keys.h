/* What a key table declares beyond a value's type: bounds and choices
 * (es_config_key_t.min/max/choices), checked the same way for the core's
 * keys and every plugin's, by `check`, at start and on reload. */
#ifndef ES_CONFIG_KEYS_H
#define ES_CONFIG_KEYS_H

#include <stddef.h>

#include "config_value.h"
#include <earshot/plugin.h>

/* Parses value as k's type into *out (may be NULL), then checks it against
 * k's bounds and choices. Returns 0, or ES_EINVAL with a message for the
 * admin in err ("must be at least 1s (got '10ms')"; a SECRET's value is
 * never quoted). */
int es__key_check(const es_config_key_t *k, const char *value, es_value_t *out, char *err,
                 size_t errlen);

/* k's bounds as `plugins --describe` and the man page print them: "1..100",
 * ">= 1s", "<= 5", "full|normal|off"; "" when it declares none. */
void es__key_bounds(const es_config_key_t *k, char *buf, size_t len);

#endif
