#include <string.h>

#include "stages.h"

static int in_list(char *const *list, size_t n, const char *v)
{
    if (!list)
        return 1; /* key absent: accept anything */
    if (!v)
        return 0; /* a filter on a field the record lacks rejects it */
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], v) == 0)
            return 1;
    return 0;
}

/* Fields of alert/account records live in their JSON object. */
static const char *field(const es_rec_t *rec, const char *key)
{
    if (rec->pub.kind == ES_RECORD_MENTION) {
        const es_mention_t *m = &rec->m;
        if (!strcmp(key, "network")) return m->network;
        if (!strcmp(key, "brand")) return m->brand;
        if (!strcmp(key, "owner")) return m->owner;
        if (!strcmp(key, "label")) return m->sentiment.label;
        return NULL;
    }
    json_t *v = json_object_get(rec->fields, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

int es_route_match(const es_route_t *r, const es_rec_t *rec)
{
    if (!in_list(r->kinds, r->n_kinds, es_record_kind_name(rec->pub.kind)))
        return 0;
    if (!in_list(r->networks, r->n_networks, field(rec, "network")) ||
        !in_list(r->brands, r->n_brands, field(rec, "brand")) ||
        !in_list(r->owners, r->n_owners, field(rec, "owner")))
        return 0;
    if (r->labels || r->has_min || r->has_max) {
        /* Sentiment filters only make sense for scored mentions. */
        if (rec->pub.kind != ES_RECORD_MENTION || !rec->m.sentiment.label)
            return 0;
        if (!in_list(r->labels, r->n_labels, rec->m.sentiment.label))
            return 0;
        double c = rec->m.sentiment.compound;
        if ((r->has_min && c < r->compound_min) || (r->has_max && c > r->compound_max))
            return 0;
    }
    return 1;
}
