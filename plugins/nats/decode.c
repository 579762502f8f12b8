/*
 * Record JSON -> es_mention_t for the nats source. Stage results (brand,
 * sentiment...) in the JSON are ignored: the scoring agent's own stages set
 * them again, with its own configuration.
 */
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include <earshot/json.h>

static const char *str_field(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

es_nats_dec_t es_nats_decode(const char *data, size_t len, es_nats_decoded_t *d,
                             const char **why)
{
    memset(d, 0, sizeof *d);
    json_error_t err;
    int rc;
    json_t *o = es_json_load_repaired(data, len, JSON_REJECT_DUPLICATES, &err, &rc);
    if (!o) {
        *why = rc == ES_ENOMEM ? "out of memory" : "invalid JSON";
        return ES_NATS_DEC_BAD;
    }
    if (!json_is_object(o)) {
        json_decref(o);
        *why = "not a JSON object";
        return ES_NATS_DEC_BAD;
    }
    const char *kind = str_field(o, "kind");
    if (kind && !strcmp(kind, "deletion")) {
        /* A withdrawn mention must be withdrawn downstream too. */
        d->del_id = str_field(o, "id");
        d->del_network = str_field(o, "network");
        d->del_action = str_field(o, "action");
        json_t *at = json_object_get(o, "at");
        d->del_at = json_is_integer(at) ? json_integer_value(at) : 0;
        if (!d->del_id || !*d->del_id || !d->del_network || !*d->del_network) {
            json_decref(o);
            memset(d, 0, sizeof *d);
            *why = "a deletion without \"id\" or \"network\"";
            return ES_NATS_DEC_BAD;
        }
        d->root = o;
        return ES_NATS_DEC_DELETION;
    }
    if (kind && strcmp(kind, "mention") != 0) {
        json_decref(o);
        return ES_NATS_DEC_OTHER;
    }
    es_mention_t *m = &d->m;
    /* An unreadable created_at leaves it 0 (unknown) rather than refuse
     * the message: the text matters more. */
    es_mention_from_object(o, m, &d->sc, why);
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
