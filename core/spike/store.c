/*
 * Persistence of the detector in the state DB: one row per series (its
 * baseline, its brand vocabulary, its open episode and the counts of its
 * still-open buckets, as JSON) and a few meta values (bucket length, clock).
 * Writes run inside a SAVEPOINT, so they nest in a transaction the caller
 * may have open. Only bound parameters reach SQL.
 */
#include <stdlib.h>
#include <string.h>

#include "detector.h"
#include "log.h"
#include "util.h"

#define VOCAB_SAVED 2000

static const char *const schema =
    "CREATE TABLE IF NOT EXISTS spike_series ("
    " key TEXT PRIMARY KEY, brand TEXT NOT NULL, owner TEXT, network TEXT,"
    " state TEXT NOT NULL, updated_at INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS spike_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);";

int es__spike_store_init(es_spike_t *sp)
{
    if (sqlite3_exec(sp->db, schema, NULL, NULL, NULL) != SQLITE_OK)
        return ES_EDB;
    /* Topic series (spike.by = topic) came later: a database from before
     * gets their column. */
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(sp->db, "SELECT topic FROM spike_series LIMIT 0", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_finalize(q);
        return 0;
    }
    return sqlite3_exec(sp->db, "ALTER TABLE spike_series ADD COLUMN topic TEXT", NULL, NULL, NULL) == SQLITE_OK
               ? 0
               : ES_EDB;
}

static int meta_get(es_spike_t *sp, const char *key, int64_t *v)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(sp->db, "SELECT value FROM spike_meta WHERE key = ?", -1, &q, NULL) != SQLITE_OK)
        return ES_EDB;
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : ES_EDB;
}

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

static int save_meta(es_spike_t *sp, sqlite3_stmt *q, const char *key, int64_t v)
{
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 2, v);
    (void)sp;
    return sqlite3_step(q) == SQLITE_DONE ? 0 : ES_EDB;
}

/* Logged on the 1st, 2nd, 4th, 8th... failure: a DB that stays broken
 * must not flood the log once per bucket. */
static void save_failed(es_spike_t *sp, const char *why)
{
    uint64_t n = ++sp->st.db_errors;
    if ((n & (n - 1)) == 0)
        es__logf(ES_LOG_WARN, "spike: cannot save the detector's state (failure %llu): %s", (unsigned long long)n, why);
}

int es__spike_store_save(es_spike_t *sp)
{
    if (!sp->db)
        return 0;
    if (sqlite3_exec(sp->db, "SAVEPOINT spike_save", NULL, NULL, NULL) != SQLITE_OK) {
        save_failed(sp, sqlite3_errmsg(sp->db));
        return ES_EDB;
    }
    sqlite3_stmt *qs = NULL, *qm = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(sp->db,
                           "INSERT OR REPLACE INTO spike_series (key, brand, owner, network, state, updated_at, topic)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?)",
                           -1, &qs, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(sp->db, "INSERT OR REPLACE INTO spike_meta (key, value) VALUES (?, ?)", -1, &qm,
                           NULL) != SQLITE_OK)
        rc = ES_EDB;
    for (size_t i = 0; rc == 0 && i < sp->n_all; i++) {
        const es_spike_series_t *s = sp->all[i];
        json_t *o = series_json(sp, s);
        char *js = o ? json_dumps(o, JSON_COMPACT) : NULL;
        json_decref(o);
        if (!js) {
            rc = ES_ENOMEM;
            break;
        }
        sqlite3_reset(qs);
        sqlite3_bind_text(qs, 1, s->key, -1, SQLITE_STATIC);
        sqlite3_bind_text(qs, 2, s->brand, -1, SQLITE_STATIC);
        sqlite3_bind_text(qs, 3, s->owner, -1, SQLITE_STATIC);
        sqlite3_bind_text(qs, 4, s->network, -1, SQLITE_STATIC);
        sqlite3_bind_text(qs, 5, js, -1, free);
        sqlite3_bind_int64(qs, 6, sp->clock);
        sqlite3_bind_text(qs, 7, s->topic, -1, SQLITE_STATIC);
        if (sqlite3_step(qs) != SQLITE_DONE)
            rc = ES_EDB;
    }
    if (rc == 0)
        rc = save_meta(sp, qm, "bucket", sp->bucket);
    if (rc == 0)
        rc = save_meta(sp, qm, "clock", sp->clock);
    if (rc == 0)
        rc = save_meta(sp, qm, "next_close", sp->next_close);
    sqlite3_finalize(qs);
    sqlite3_finalize(qm);
    if (rc < 0) {
        save_failed(sp, rc == ES_EDB ? sqlite3_errmsg(sp->db) : es_strerror(rc));
        sqlite3_exec(sp->db, "ROLLBACK TO spike_save", NULL, NULL, NULL);
    }
    sqlite3_exec(sp->db, "RELEASE spike_save", NULL, NULL, NULL);
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

int es__spike_store_load(es_spike_t *sp)
{
    int64_t bucket = 0, clock = 0, next = 0;
    int r1 = meta_get(sp, "bucket", &bucket), r2 = meta_get(sp, "clock", &clock),
        r3 = meta_get(sp, "next_close", &next);
    if (r1 < 0 || r2 < 0 || r3 < 0)
        return ES_EDB;
    if (r1 == 0)
        return 0; /* first start */
    if (bucket != sp->bucket) {
        /* Counts per bucket of another length are not comparable: start over. */
        es__logf(ES_LOG_WARN, "spike: spike.bucket changed from %llds to %llds; baselines start over",
                (long long)bucket, (long long)sp->bucket);
        return sqlite3_exec(sp->db, "DELETE FROM spike_series; DELETE FROM spike_meta", NULL, NULL, NULL) == SQLITE_OK
                   ? 0
                   : ES_EDB;
    }
    sp->clock = clock > 0 ? clock : 0;
    sp->next_close = r3 == 1 && clock > 0 ? next : ES_SPIKE_NO_IDX;
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(sp->db, "SELECT brand, owner, network, state, topic FROM spike_series ORDER BY rowid", -1, &q,
                           NULL) != SQLITE_OK)
        return ES_EDB;
    int rc, bad = 0;
    /* Brands first, so a sub-series finds its brand's vocabulary. */
    for (int pass = 0; pass < 2; pass++) {
        sqlite3_reset(q);
        while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
            const char *brand = (const char *)sqlite3_column_text(q, 0);
            const char *owner = (const char *)sqlite3_column_text(q, 1);
            const char *network = (const char *)sqlite3_column_text(q, 2);
            const char *state = (const char *)sqlite3_column_text(q, 3);
            const char *topic = (const char *)sqlite3_column_text(q, 4);
            if (!brand || (pass == 0) != (!owner && !network && !topic))
                continue;
            /* A series no longer configured (spike.by changed) is dropped. */
            if ((owner && !sp->by_owner) || (network && !sp->by_network) || (topic && !sp->by_topic))
                continue;
            es_spike_series_t *s = es__spike_series_get(sp, brand, owner, network, topic);
            if (!s) {
                sqlite3_finalize(q);
                return ES_ENOMEM;
            }
            json_t *o = state ? json_loads(state, 0, NULL) : NULL;
            if (!o || es__spike_base_from_json(&s->base, json_object_get(o, "base")) < 0)
                bad++;
            episode_from(&s->ep, json_object_get(o, "episode"));
            if (s->brand_series == s)
                es__spike_vocab_from_json(&s->vocab, json_object_get(o, "vocab"));
            load_open(sp, s, json_object_get(o, "open"));
            load_recent(s, o);
            json_decref(o);
        }
        if (rc != SQLITE_DONE)
            break;
    }
    sqlite3_finalize(q);
    if (bad)
        es__logf(ES_LOG_WARN, "spike: %d unreadable baseline(s) in the state DB start over", bad);
    return rc == SQLITE_DONE ? 0 : ES_EDB;
}
