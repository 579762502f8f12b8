#include <earshot/json.h>

#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include <earshot/text.h>

/* U+FFFD, as for invalid UTF-8: the text keeps a mark where the NUL was and
 * every C-string reader after us sees the whole of it. */
static int scrub_string(json_t *s)
{
    const char *v = json_string_value(s);
    size_t n = json_string_length(s);
    if (!memchr(v, '\0', n))
        return 0;
    size_t nul = 0;
    for (size_t i = 0; i < n; i++)
        nul += v[i] == '\0';
    char *o = malloc(n + 2 * nul + 1), *w = o;
    if (!o)
        return ES_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (v[i])
            *w++ = v[i];
        else
            memcpy(w, "\xEF\xBF\xBD", 3), w += 3;
    }
    int rc = json_string_setn_nocheck(s, o, (size_t)(w - o)) ? ES_ENOMEM : 0;
    free(o);
    return rc;
}

/* Depth is bounded by jansson's own parse limit (JSON_PARSER_MAX_DEPTH). */
static int scrub(json_t *v)
{
    int rc = 0;
    if (json_is_string(v))
        return scrub_string(v);
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) if ((rc = scrub(e)) < 0) return rc;
    } else if (json_is_object(v)) {
        const char *k;
        json_t *e;
        json_object_foreach(v, k, e) if ((rc = scrub(e)) < 0) return rc;
    }
    return rc;
}

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
    /* Without JSON_ALLOW_NUL one escaped NUL fails the whole document, and a
     * document re-read on every poll would fail forever. Only a document
     * that spells one pays for the walk. */
    int has_nul = memmem(p, n, "\\u0000", 6) != NULL;
    json_t *o = json_loadb(p, n, flags | (has_nul ? JSON_ALLOW_NUL : 0), err);
    free(fixed);
    *rc = o ? 0 : ES_EPARSE;
    if (o && has_nul && (*rc = scrub(o)) < 0) {
        json_decref(o);
        return NULL;
    }
    return o;
}
