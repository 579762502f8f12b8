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

/* Any of vs (a mention's brands or topics) in the list. */
static int any_in_list(char *const *list, size_t n, const char *const *vs, size_t nv)
{
    if (!list)
        return 1;
    for (size_t i = 0; i < nv; i++)
        if (in_list(list, n, vs[i]))
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
        if (!strcmp(key, "author_kind")) return m->author_kind;
        return NULL;
    }
    json_t *v = json_object_get(rec->fields, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A mention's owners: the addressed account's team and every matched
 * topic's, so "pricing complaints go to sales" is one match.owner. */
static int owner_match(const es_route_t *r, const es_rec_t *rec)
{
    if (!r->owners)
        return 1;
    if (rec->pub.kind != ES_RECORD_MENTION)
        return in_list(r->owners, r->n_owners, field(rec, "owner"));
    const es_mention_t *m = &rec->m;
    if (m->owner && in_list(r->owners, r->n_owners, m->owner))
        return 1;
    for (size_t i = 0; i < m->n_topics; i++)
        if (m->topic_owners[i] && in_list(r->owners, r->n_owners, m->topic_owners[i]))
            return 1;
    return 0;
}

int es__route_match(const es_route_t *r, const es_rec_t *rec)
{
    if (!in_list(r->kinds, r->n_kinds, es_record_kind_name(rec->pub.kind)))
        return 0;
    if (!in_list(r->networks, r->n_networks, field(rec, "network")))
        return 0;
    /* Any sink may hold the withdrawn mention, whatever it was about. */
    if (rec->pub.kind == ES_RECORD_DELETION)
        return 1;
    if (!owner_match(r, rec))
        return 0;
    if (rec->pub.kind == ES_RECORD_MENTION) {
        const es_mention_t *m = &rec->m;
        if (!any_in_list(r->brands, r->n_brands, m->brands, m->n_brands) ||
            !any_in_list(r->topics, r->n_topics, m->topics, m->n_topics) ||
            !in_list(r->author_kinds, r->n_author_kinds, m->author_kind ? m->author_kind : "public"))
            return 0;
    } else if (!in_list(r->brands, r->n_brands, field(rec, "brand")) ||
               !in_list(r->topics, r->n_topics, field(rec, "topic_name")) ||
               !in_list(r->author_kinds, r->n_author_kinds, field(rec, "author_kind"))) {
        return 0;
    }
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
