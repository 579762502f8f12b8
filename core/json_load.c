#include "json_load.h"

#include <stdlib.h>
#include <string.h>

#include "plugin.h"
#include "utf8.h"

json_t *es_json_load_repaired(const char *p, size_t n, size_t flags, json_error_t *err, int *rc)
{
    char *fixed = NULL;
    if (!p)
        p = "", n = 0;
    if (!es_utf8_is_valid(p, n)) {
        if (!(fixed = es_utf8_sanitize(p, n, NULL))) {
            *rc = ES_ENOMEM;
            return NULL;
        }
        p = fixed;
        n = strlen(fixed);
    }
    json_t *o = json_loadb(p, n, flags, err);
    free(fixed);
    *rc = o ? 0 : ES_EPARSE;
    return o;
}
