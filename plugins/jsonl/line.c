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

#include <earshot/json.h>

int jl_map_line(const char *p, size_t n, const char *network, jl_emit_fn emit, void *arg, char *why_out,
                size_t why_len)
{
    json_error_t err;
    int rc;
    json_t *o = es_json_load_repaired(p, n, JSON_REJECT_DUPLICATES, &err, &rc);
    if (!o) {
        if (rc == ES_ENOMEM)
            snprintf(why_out, why_len, "out of memory repairing invalid UTF-8");
        else
            snprintf(why_out, why_len, "invalid JSON at column %d: %s", err.column, err.text);
        return rc;
    }
    if (!json_is_object(o)) {
        snprintf(why_out, why_len, "not a JSON object");
        json_decref(o);
        return ES_EPARSE;
    }
    es_mention_t m;
    es_mention_scratch_t sc;
    const char *why;
    es_mention_from_object(o, &m, &sc, &why);
    if (!m.network)
        m.network = network;
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
