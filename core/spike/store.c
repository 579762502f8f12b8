/*
 * Persistence of the detector in the state DB (core/state/spike_store.c):
 * one row per series (its baseline, its brand vocabulary, its open episode
 * and the counts of its still-open buckets, as JSON) and a few meta values
 * (bucket length, clock). A save is all or nothing and nests in a
 * transaction the caller may have open.
 */
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "log.h"
#include "spike_store.h"
#include "util.h"

#define VOCAB_SAVED 2000

static json_t *episode_json(const es_spike_episode_t *e)
{
    if (!e->open)
        return json_null();
    return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:f}", "start", (json_int_t)e->start_idx, "last",
                     (json_int_t)e->last_idx, "buckets", (json_int_t)e->buckets, "count", (json_int_t)e->count,
                     "peak", (json_int_t)e->peak, "peak_idx", (json_int_t)e->peak_idx, "min_p", e->min_p);
}

static void episode_from(es_spike_episode_t *e, const json_t *o)
{
    memset(e, 0, sizeof *e);
    json_int_t st, last, b, c, pk, pki;
    double mp;
    if (json_is_object(o) &&
        json_unpack((json_t *)o, "{s:I,s:I,s:I,s:I,s:I,s:I,s:F}", "start", &st, "last", &last, "buckets", &b,
                    "count", &c, "peak", &pk, "peak_idx", &pki, "min_p", &mp) == 0)
        *e = (es_spike_episode_t){1, st, last, b, c, pk, pki, mp};
}

/* The window history: "recent": [idx, [neg...], [expected...]], newest
 * first; a state written before windows of more than two buckets has
 * "prev": [idx, neg, expected]. */
static void load_recent(es_spike_series_t *s, json_t *o)
{
    json_int_t pi, pn;
    double pe;
    json_t *negs, *exps;
    s->prev_n = 0;
    if (json_unpack(json_object_get(o, "recent"), "[I,o,o]", &pi, &negs, &exps) == 0 && json_is_array(negs) &&
        json_is_array(exps)) {
        size_t n = json_array_size(negs);
        for (size_t k = 0; k < n && k < json_array_size(exps) && k < ES_SPIKE_WINDOW - 1; k++) {
            json_t *a = json_array_get(negs, k), *b = json_array_get(exps, k);
            if (!json_is_integer(a) || !json_is_number(b) || json_integer_value(a) < 0 || json_number_value(b) < 0)
                break;
            s->prev_neg[k] = json_integer_value(a);
            s->prev_exp[k] = json_number_value(b);
            s->prev_n = (int)k + 1;
        }
        if (s->prev_n)
            s->prev_idx = pi;
    } else if (json_unpack(json_object_get(o, "prev"), "[I,I,F]", &pi, &pn, &pe) == 0 && pn >= 0 && pe >= 0) {
        s->prev_idx = pi, s->prev_neg[0] = pn, s->prev_exp[0] = pe, s->prev_n = 1;
    }
}

static json_t *series_json(const es_spike_t *sp, const es_spike_series_t *s)
{
    json_t *open = json_array();
    for (size_t i = 0; i < sp->ring_n; i++) {
        const es_spike_bucket_t *b = &s->ring[i];
        if (b->idx != ES_SPIKE_NO_IDX && b->idx >= sp->next_close)
            json_array_append_new(open, json_pack("[I,i,i]", (json_int_t)b->idx, (int)b->neg, (int)b->tot));
    }
    json_t *negs = json_array(), *exps = json_array();
    for (int k = 0; k < s->prev_n; k++) {
        json_array_append_new(negs, json_integer(s->prev_neg[k]));
        json_array_append_new(exps, json_real(s->prev_exp[k]));
    }
    json_t *o = json_pack("{s:o,s:o,s:o,s:[I,o,o]}", "base", es__spike_base_to_json(&s->base), "episode",
                          episode_json(&s->ep), "open", open, "recent", (json_int_t)s->prev_idx, negs, exps);
    if (o && s->brand_series == s)
        json_object_set_new(o, "vocab", es__spike_vocab_to_json(&s->vocab, VOCAB_SAVED));
    return o;
}

/* Logged on the 1st, 2nd, 4th, 8th... failure: a DB that stays broken
 * must not flood the log once per bucket. */
static void save_failed(es_spike_t *sp, const char *why)
{
    uint64_t n = ++sp->st.db_errors;
    if ((n & (n - 1)) == 0)
        es__logf(ES_LOG_WARN, "spike: cannot save the detector's state (failure %llu): %s", (unsigned long long)n, why);
}

static char *fill_series(void *ud, size_t i, es_state_spike_series_t *row)
{
    es_spike_t *sp = ud;
    const es_spike_series_t *s = sp->all[i];
    *row = (es_state_spike_series_t){.key = s->key, .brand = s->brand, .owner = s->owner, .network = s->network,
                                     .topic = s->topic};
    json_t *o = series_json(sp, s);
    char *js = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    return js;
}

int es__spike_store_save(es_spike_t *sp)
{
    if (!sp->state)
        return 0;
    const es_state_spike_meta_t meta[] = {
        {"bucket", sp->bucket}, {"clock", sp->clock}, {"next_close", sp->next_close}};
    char err[256];
    int rc = es__state_spike_save(sp->state, sp->n_all, fill_series, sp, sp->clock, meta, sizeof meta / sizeof meta[0],
                                 err, sizeof err);
    if (rc < 0)
        save_failed(sp, rc == ES_EDB ? err : es_strerror(rc));
    return rc;
}

static void load_open(es_spike_t *sp, es_spike_series_t *s, const json_t *open)
{
    size_t i;
    json_t *e;
    json_array_foreach(open, i, e)
    {
        json_int_t idx;
        int neg, tot;
        if (json_unpack(e, "[I,i,i]", &idx, &neg, &tot) < 0 || idx < sp->next_close || neg < 0 || tot < neg ||
            idx - sp->next_close >= (json_int_t)sp->ring_n)
            continue;
        es_spike_bucket_t *b = &s->ring[(size_t)(idx % (json_int_t)sp->ring_n)];
        b->idx = idx;
        b->neg = (uint32_t)neg;
        b->tot = (uint32_t)tot;
    }
}

typedef struct load_pass {
    es_spike_t *sp;
    int brands; /* this pass loads brand series, the next their sub-series */
    int bad;
} load_pass_t;

static int load_row(void *ud, const es_state_spike_series_t *r)
{
    load_pass_t *lp = ud;
    es_spike_t *sp = lp->sp;
    if (!r->brand || lp->brands != (!r->owner && !r->network && !r->topic))
        return 0;
    /* A series no longer configured (spike.by changed) is dropped. */
    if ((r->owner && !sp->by_owner) || (r->network && !sp->by_network) || (r->topic && !sp->by_topic))
        return 0;
    es_spike_series_t *s = es__spike_series_get(sp, r->brand, r->owner, r->network, r->topic);
    if (!s)
        return ES_ENOMEM;
    json_t *o = r->state ? json_loads(r->state, 0, NULL) : NULL;
    if (!o || es__spike_base_from_json(&s->base, json_object_get(o, "base")) < 0)
        lp->bad++;
    episode_from(&s->ep, json_object_get(o, "episode"));
    if (s->brand_series == s)
        es__spike_vocab_from_json(&s->vocab, json_object_get(o, "vocab"));
    load_open(sp, s, json_object_get(o, "open"));
    load_recent(s, o);
    json_decref(o);
    return 0;
}

int es__spike_store_load(es_spike_t *sp)
{
    int64_t bucket = 0, clock = 0, next = 0;
    int r1 = es__state_spike_meta_get(sp->state, "bucket", &bucket), r2 = es__state_spike_meta_get(sp->state, "clock", &clock),
        r3 = es__state_spike_meta_get(sp->state, "next_close", &next);
    if (r1 < 0 || r2 < 0 || r3 < 0)
        return ES_EDB;
    if (r1 == 0)
        return 0; /* first start */
    if (bucket != sp->bucket) {
        /* Counts per bucket of another length are not comparable: start over. */
        es__logf(ES_LOG_WARN, "spike: spike.bucket changed from %llds to %llds; baselines start over",
                (long long)bucket, (long long)sp->bucket);
        return es__state_spike_clear(sp->state);
    }
    sp->clock = clock > 0 ? clock : 0;
    sp->next_close = r3 == 1 && clock > 0 ? next : ES_SPIKE_NO_IDX;
    /* Brands first, so a sub-series finds its brand's vocabulary. */
    load_pass_t lp = {.sp = sp, .brands = 1};
    int rc = es__state_spike_each(sp->state, load_row, &lp);
    if (rc == 0) {
        lp.brands = 0;
        rc = es__state_spike_each(sp->state, load_row, &lp);
    }
    if (lp.bad)
        es__logf(ES_LOG_WARN, "spike: %d unreadable baseline(s) in the state DB start over", lp.bad);
    return rc;
}
