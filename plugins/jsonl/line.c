/*
 * One JSON line of the jsonl source mapped to a mention: the design's
 * field names, ids as strings or integers, created_at as RFC 3339 or epoch
 * seconds, invalid UTF-8 repaired rather than the line lost. Apart from
 * the plugin (no context, no I/O) so that the fuzzer reaches it.
 */
#include "line.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "timeparse.h"
#include "utf8.h"

static const char *str_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int jl_map_line(const char *p, size_t n, const char *network, jl_emit_fn emit, void *arg, char *why_out,
                size_t why_len)
{
    /* jansson refuses invalid UTF-8 outright; archives in the wild carry
     * Latin-1 bytes, so repair first (U+FFFD) and keep the mention. */
    char *fixed = NULL;
    if (!es_utf8_is_valid(p, n)) {
        if (!(fixed = es_utf8_sanitize(p, n, NULL))) {
            snprintf(why_out, why_len, "out of memory repairing invalid UTF-8");
            return ES_ENOMEM;
        }
        p = fixed;
        n = strlen(fixed);
    }
    json_error_t err;
    json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &err);
    free(fixed);
    if (!o) {
        snprintf(why_out, why_len, "invalid JSON at column %d: %s", err.column, err.text);
        return ES_EPARSE;
    }
    if (!json_is_object(o)) {
        snprintf(why_out, why_len, "not a JSON object");
        json_decref(o);
        return ES_EPARSE;
    }
    es_mention_t m;
    memset(&m, 0, sizeof m);
    char idbuf[32];
    json_t *id = json_object_get(o, "id");
    if (json_is_integer(id)) {
        snprintf(idbuf, sizeof idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        m.id = idbuf;
    } else {
        m.id = str_field(o, "id");
    }
    m.network = str_field(o, "network");
    if (!m.network)
        m.network = network;
    m.author = str_field(o, "author");
    m.author_name = str_field(o, "author_name");
    m.url = str_field(o, "url");
    m.title = str_field(o, "title");
    m.text = str_field(o, "text");
    m.lang = str_field(o, "lang");
    m.in_reply_to = str_field(o, "in_reply_to");
    m.reply_to_author = str_field(o, "reply_to_author");
    const char *why = NULL;
    json_t *ca = json_object_get(o, "created_at");
    if (json_is_integer(ca))
        m.created_at = json_integer_value(ca);
    else if (json_is_string(ca) && es_time_parse(json_string_value(ca), &m.created_at) < 0)
        why = "created_at is neither RFC 3339 nor epoch seconds";
    else if (ca && !json_is_null(ca) && !json_is_string(ca))
        why = "created_at must be a string or an integer";
    const char *addr[64];
    json_t *ad = json_object_get(o, "addressed");
    if (json_is_array(ad)) {
        size_t i;
        json_t *v;
        json_array_foreach(ad, i, v) if (json_is_string(v) && m.n_addressed < 64)
            addr[m.n_addressed++] = json_string_value(v);
        m.addressed = addr;
    }
    if (!why && (!m.id || !*m.id))
        why = "missing \"id\"";
    if (!why && !m.text)
        why = "missing \"text\"";
    if (why)
        snprintf(why_out, why_len, "%s", why);
    else
        emit(arg, &m);
    json_decref(o);
    return why ? ES_EPARSE : 0;
}
