/*
 * Record JSON -> es_mention_t for the nats source. Stage results (brand,
 * sentiment...) in the JSON are ignored: the scoring agent's own stages set
 * them again, with its own configuration.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "timeparse.h"
#include "utf8.h"

static const char *str_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

es_nats_dec_t es_nats_decode(const char *data, size_t len, es_nats_decoded_t *d,
                             const char **why)
{
    memset(d, 0, sizeof *d);
    char *fixed = NULL;
    if (!es_utf8_is_valid(data, len)) {
        if (!(fixed = es_utf8_sanitize(data, len, NULL))) {
            *why = "out of memory";
            return ES_NATS_DEC_BAD;
        }
        data = fixed;
        len = strlen(fixed);
    }
    json_error_t err;
    json_t *o = json_loadb(data, len, JSON_REJECT_DUPLICATES, &err);
    free(fixed);
    if (!o) {
        *why = "invalid JSON";
        return ES_NATS_DEC_BAD;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        *why = "not a JSON object";
        return ES_NATS_DEC_BAD;
    }
    const char *kind = str_field(o, "kind");
    if (kind && strcmp(kind, "mention") != 0) {
        json_decref(o);
        return ES_NATS_DEC_OTHER;
    }
    es_mention_t *m = &d->m;
    json_t *id = json_object_get(o, "id");
    if (json_is_integer(id)) {
        snprintf(d->idbuf, sizeof d->idbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
        m->id = d->idbuf;
    } else {
        m->id = str_field(o, "id");
    }
    m->network = str_field(o, "network");
    m->author = str_field(o, "author");
    m->author_name = str_field(o, "author_name");
    m->url = str_field(o, "url");
    m->title = str_field(o, "title");
    m->text = str_field(o, "text");
    m->lang = str_field(o, "lang");
    m->in_reply_to = str_field(o, "in_reply_to");
    m->reply_to_author = str_field(o, "reply_to_author");
    json_t *ca = json_object_get(o, "created_at");
    if (json_is_integer(ca))
        m->created_at = json_integer_value(ca);
    else if (json_is_string(ca) && es_time_parse(json_string_value(ca), &m->created_at) < 0)
        m->created_at = 0; /* unknown rather than refused: the text matters more */
    json_t *ad = json_object_get(o, "addressed");
    if (json_is_array(ad)) {
        size_t i;
        json_t *v;
        json_array_foreach(ad, i, v) if (json_is_string(v) && m->n_addressed < ES_NATS_MAX_ADDRESSED)
            d->addressed[m->n_addressed++] = json_string_value(v);
    }
    m->addressed = d->addressed;
    *why = !m->id || !*m->id ? "missing \"id\""
         : !m->network || !*m->network ? "missing \"network\""
         : !m->text ? "missing \"text\"" : NULL;
    if (*why) {
        json_decref(o);
        memset(d, 0, sizeof *d);
        return ES_NATS_DEC_BAD;
    }
    d->root = o;
    return ES_NATS_DEC_MENTION;
}

void es_nats_decoded_free(es_nats_decoded_t *d)
{
    json_decref(d->root);
    d->root = NULL;
}
