/*
 * The brand stage: every [brand] and [topic] query, compiled into one
 * matcher (core/query/), run once per mention. A mention gets every brand
 * whose query matches and every topic whose query matches within its brand
 * scope (docs/queries.md).
 */
#include <stdlib.h>
#include <string.h>

#include "query/query.h"
#include "stages.h"
#include "util.h"

struct es_brands {
    es_matcher_t *mt;
    size_t n_brands, n_topics;
    char **names;         /* brands, then topics */
    char **owners;        /* per topic */
    long *scope;          /* per topic: brand index, or -1 */
    es_qtoks_t toks;
    /* Per run: */
    const char **hit_brands, **hit_topics, **hit_owners; /* point into names, owners */
};

/* The query of a brand or topic section, parsed (es__config_load checked
 * it, so an error here is memory). */
static int section_query(const es_kv_t *query, char *const *kw, size_t n_kw, es_query_t **q)
{
    es_query_error_t err;
    int rc = query ? es__query_parse(query->value, q, &err) : es__query_from_keywords(kw, n_kw, q, &err);
    return rc == ES_EPARSE ? ES_ECONFIG : rc;
}

int es__brands_new(const es_config_t *cfg, es_brands_t **out)
{
    *out = NULL;
    es_brands_t *b = calloc(1, sizeof *b);
    if (!b)
        return ES_ENOMEM;
    b->n_brands = cfg->n_brands;
    b->n_topics = cfg->n_topics;
    size_t n = b->n_brands + b->n_topics;
    int rc = es__matcher_new(&b->mt);
    b->names = calloc(n + 1, sizeof *b->names);
    b->owners = calloc(b->n_topics + 1, sizeof *b->owners);
    b->scope = calloc(b->n_topics + 1, sizeof *b->scope);
    b->hit_brands = calloc(n + 1, sizeof *b->hit_brands);
    b->hit_topics = b->hit_brands + b->n_brands;
    b->hit_owners = calloc(b->n_topics + 1, sizeof *b->hit_owners);
    if (rc < 0 || !b->names || !b->owners || !b->scope || !b->hit_brands || !b->hit_owners) {
        es__brands_free(b);
        return ES_ENOMEM;
    }
    for (size_t i = 0; i < b->n_brands && rc == 0; i++) {
        const es_brand_cfg_t *bc = &cfg->brands[i];
        es_query_t *q = NULL;
        if (!(b->names[i] = es__strdup(bc->name)))
            rc = ES_ENOMEM;
        else if ((rc = section_query(bc->query, bc->keywords, bc->n_keywords, &q)) == 0)
            rc = es__matcher_add(b->mt, q);
    }
    for (size_t i = 0; i < b->n_topics && rc == 0; i++) {
        const es_topic_cfg_t *tc = &cfg->topics[i];
        es_query_t *q = NULL;
        b->scope[i] = -1;
        if (!(b->names[b->n_brands + i] = es__strdup(tc->name)) ||
            (tc->owner && !(b->owners[i] = es__strdup(tc->owner)))) {
            rc = ES_ENOMEM;
            break;
        }
        for (size_t j = 0; tc->brand && j < b->n_brands; j++)
            if (!strcmp(cfg->brands[j].name, tc->brand))
                b->scope[i] = (long)j;
        if ((rc = section_query(tc->query, NULL, 0, &q)) == 0)
            rc = es__matcher_add(b->mt, q);
    }
    if (rc == 0)
        rc = es__matcher_compile(b->mt);
    if (rc < 0) {
        es__brands_free(b);
        return rc;
    }
    *out = b;
    return 0;
}

void es__brands_free(es_brands_t *b)
{
    if (!b)
        return;
    es__matcher_free(b->mt);
    es__qtoks_free(&b->toks);
    for (size_t i = 0; b->names && i < b->n_brands + b->n_topics; i++)
        free(b->names[i]);
    for (size_t i = 0; b->owners && i < b->n_topics; i++)
        free(b->owners[i]);
    free(b->names);
    free(b->owners);
    free(b->scope);
    free(b->hit_brands);
    free(b->hit_owners);
    free(b);
}

int es__brands_apply(es_brands_t *b, es_rec_t *rec)
{
    if (b->n_brands + b->n_topics == 0)
        return 0;
    es__qtoks_from_mention(&b->toks, &rec->m);
    const uint32_t *hits;
    int n = es__matcher_run(b->mt, &b->toks, &hits);
    if (n <= 0)
        return n;
    size_t nb = 0, nt = 0;
    for (int i = 0; i < n; i++) {
        if (hits[i] < b->n_brands) {
            b->hit_brands[nb++] = b->names[hits[i]];
            continue;
        }
        size_t t = hits[i] - b->n_brands;
        if (b->scope[t] >= 0) {
            /* Hits are ascending, so every brand hit is already listed. */
            size_t k = 0;
            while (k < nb && b->hit_brands[k] != b->names[b->scope[t]])
                k++;
            if (k == nb)
                continue;
        }
        b->hit_owners[nt] = b->owners[t];
        b->hit_topics[nt++] = b->names[hits[i]];
    }
    if (nb + nt == 0)
        return 0;
    return es__rec_set_matches(rec, b->hit_brands, nb, b->hit_topics, b->hit_owners, nt);
}

int es__brand_text_has(const char *text, const char *kw)
{
    if (!text || !kw || !*kw)
        return 0;
    char *const list[1] = {(char *)kw};
    es_query_t *q;
    es_query_error_t err;
    if (es__query_from_keywords(list, 1, &q, &err) < 0)
        return 0;
    es_matcher_t *mt;
    if (es__matcher_new(&mt) < 0) {
        es__query_free(q);
        return 0;
    }
    int r = 0;
    if (es__matcher_add(mt, q) == 0 && es__matcher_compile(mt) == 0) {
        es_qtoks_t t = {0};
        es__qtoks_add_text(&t, text, 0);
        const uint32_t *hits;
        r = es__matcher_run(mt, &t, &hits) > 0;
        es__qtoks_free(&t);
    }
    es__matcher_free(mt);
    return r;
}
