#include "state_memo.h"

#include <jansson.h>
#include <string.h>

#include <earshot/plugin.h>

#include "util.h"

/* A jansson object is the hash table: key -> [a, b], each a string or
 * null. Keys and values come from the database or a plugin and need not
 * be UTF-8, hence the _nocheck calls. */
struct es__memo {
    json_t *map;
};

es__memo_t *es__memo_new(void)
{
    es__memo_t *m = calloc(1, sizeof *m);
    if (m && !(m->map = json_object())) {
        free(m);
        return NULL;
    }
    return m;
}

void es__memo_free(es__memo_t *m)
{
    if (!m)
        return;
    json_decref(m->map);
    free(m);
}

static const char *str_or_null(const json_t *v) { return json_is_string(v) ? json_string_value(v) : NULL; }

int es__memo_get(const es__memo_t *m, const char *key, const char **a, const char **b)
{
    const json_t *v = json_object_get(m->map, key);
    *a = v ? str_or_null(json_array_get(v, 0)) : NULL;
    *b = v ? str_or_null(json_array_get(v, 1)) : NULL;
    return v != NULL;
}

static json_t *str_new(const char *s) { return s ? json_stringn_nocheck(s, strlen(s)) : json_null(); }

int es__memo_put(es__memo_t *m, const char *key, const char *a, const char *b)
{
    json_t *v = json_array();
    if (!v || json_array_append_new(v, str_new(a)) < 0 || json_array_append_new(v, str_new(b)) < 0 ||
        json_object_set_new_nocheck(m->map, key, v) < 0) {
        json_decref(v);
        return ES_ENOMEM;
    }
    return 0;
}
