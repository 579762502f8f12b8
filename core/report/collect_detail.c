/*
 * The finer figures of the page: sentiment in hourly then daily buckets,
 * owned posts, languages, topics with their phrases, top authors and the
 * most engaged mentions. Same rules as collect.c: GROUP BY queries both
 * SQLite and PostgreSQL run, every value bound.
 */
#include "report.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include "spike/internal.h"

#define MAX_LANGS 8
#define MAX_TOPIC_DOCS 1000 /* texts read for one topic's phrases (in table order: sorting
                               * every topic mention of the window by time cost more than all
                               * the rest of the page) */
#define MAX_PHRASES 5
#define TOP_AUTHORS 10
#define TOP_ENGAGED 5

typedef struct {
    json_t *by_name; /* brand name -> brand object of the model (borrowed) */
    int64_t day0, cut, ndaily, nbuckets, mid;
    json_t *topics;  /* "brand\x1ftopic" -> topic object */
    json_t *phrases; /* "brand\x1ftopic" -> {phrase: n} */
    json_t *docs;    /* "brand\x1ftopic" -> texts read */
    json_t *authors; /* "brand\x1fnetwork\x1fauthor" -> figures, of the candidates */
    json_t *cands;   /* brand -> cands_t * (as an integer) */
    json_t *langs;   /* brand -> {lang: n} */
    json_t *xcube;   /* the filters' sections cube of the model (borrowed, xcube.c) */
    int64_t now;
    es_spike_map_t stop;
} ctx_t;

static json_int_t num(const char *s)
{
    return s ? (json_int_t)strtoll(s, NULL, 10) : 0;
}

static json_t *brand_of(ctx_t *c, const char *name)
{
    return json_object_get(c->by_name, name ? name : "");
}

/* Bucket index of a time: hourly from cut, daily before. */
static int64_t bucket_of(const ctx_t *c, int64_t t)
{
    if (t >= c->cut)
        return c->ndaily + (t - c->cut) / 3600;
    return t / ES_REPORT_DAY - c->day0;
}

/* One earned mention: its brand's sentiment bucket and language, in one
 * pass (a GROUP BY each sorted the whole window). */
static int on_row(void *ud, int n, const char *const *v)
{
    (void)n;
    ctx_t *c = ud;
    json_t *b = brand_of(c, v[0]);
    if (!b)
        return 0;
    int64_t k = bucket_of(c, num(v[1]));
    if (k >= 0 && k < c->nbuckets) {
        int l = !v[2] ? 3 : !strcmp(v[2], "positive") ? 0 : !strcmp(v[2], "neutral") ? 1 : !strcmp(v[2], "negative") ? 2 : 3;
        json_t *row = json_array_get(json_object_get(b, "trend"), (size_t)k);
        json_array_set_new(row, (size_t)l, json_integer(json_integer_value(json_array_get(row, (size_t)l)) + 1));
    }
    json_t *langs = json_object_get(c->langs, v[0] ? v[0] : "");
    if (!langs) {
        langs = json_object();
        json_object_set_new(c->langs, v[0] ? v[0] : "", langs);
    }
    const char *lang = v[3] && *v[3] ? v[3] : "unknown";
    json_object_set_new(langs, lang, json_integer(json_integer_value(json_object_get(langs, lang)) + 1));
    es__report_xcube_add(c->xcube, 'l', v[0], NULL, v[4], lang, num(v[1]), c->now);
    return 0;
}

typedef struct {
    const char *lang;
    json_int_t n;
} lang_t;

static int by_lang(const void *x, const void *y)
{
    const lang_t *a = x, *b = y;
    return a->n != b->n ? (a->n > b->n ? -1 : 1) : strcmp(a->lang, b->lang);
}

/* Each brand's MAX_LANGS largest languages, largest first. */
static void langs_sorted(ctx_t *c)
{
    const char *name;
    json_t *m;
    json_object_foreach(c->langs, name, m) {
        size_t n = json_object_size(m), k = 0;
        lang_t *v = calloc(n ? n : 1, sizeof *v);
        if (!v)
            continue;
        const char *lang;
        json_t *x;
        json_object_foreach(m, lang, x) v[k++] = (lang_t){lang, json_integer_value(x)};
        qsort(v, k, sizeof *v, by_lang);
        json_t *arr = json_object_get(brand_of(c, name), "langs");
        for (size_t i = 0; i < k && i < MAX_LANGS; i++)
            json_array_append_new(arr, json_pack("{s:s, s:I}", "lang", v[i].lang, "n", v[i].n));
        free(v);
    }
}

/* One owned post (a brand's own: few next to the earned mentions), with
 * its topic when the query joins them (v[3]). */
static int on_owned(void *ud, int n, const char *const *v)
{
    ctx_t *c = ud;
    json_t *b = brand_of(c, v[0]);
    if (!b)
        return 0;
    if (n < 4)
        json_object_set_new(b, "owned", json_integer(json_integer_value(json_object_get(b, "owned")) + 1));
    es__report_xcube_add(c->xcube, 'o', v[0], n < 4 ? NULL : v[3] ? v[3] : "", v[1], "", num(v[2]), c->now);
    return 0;
}

static int on_topic(void *ud, int n, const char *const *v)
{
    (void)n;
    ctx_t *c = ud;
    json_t *b = brand_of(c, v[0]);
    if (!b || !v[1])
        return 0;
    char key[600];
    snprintf(key, sizeof key, "%.300s\x1f%.280s", v[0] ? v[0] : "", v[1]);
    json_t *t = json_object_get(c->topics, key);
    if (!t) {
        t = json_pack("{s:s, s:s, s:i, s:i, s:i, s:i}", "topic", v[1], "owner", v[2] ? v[2] : "", "n", 0,
                      "negative", 0, "early", 0, "late", 0);
        json_object_set_new(c->topics, key, t);
        json_array_append(json_object_get(b, "topics"), t);
    }
    json_int_t cnt = num(v[5]);
    int neg = v[3] && !strcmp(v[3], "negative");
    const char *half = num(v[4]) ? "late" : "early"; /* the query says which half */
    json_object_set_new(t, "n", json_integer(json_integer_value(json_object_get(t, "n")) + cnt));
    if (neg)
        json_object_set_new(t, "negative", json_integer(json_integer_value(json_object_get(t, "negative")) + cnt));
    json_object_set_new(t, half, json_integer(json_integer_value(json_object_get(t, half)) + cnt));
    return 0;
}

static int on_topic_text(void *ud, int n, const char *const *v)
{
    (void)n;
    ctx_t *c = ud;
    if (!v[1])
        return 0;
    char key[600];
    snprintf(key, sizeof key, "%.300s\x1f%.280s", v[0] ? v[0] : "", v[1]);
    json_t *d = json_object_get(c->docs, key);
    json_int_t nd = d ? json_integer_value(d) : 0;
    if (nd >= MAX_TOPIC_DOCS)
        return 0;
    json_object_set_new(c->docs, key, json_integer(nd + 1));
    json_t *counts = json_object_get(c->phrases, key);
    if (!counts) {
        counts = json_object();
        json_object_set_new(c->phrases, key, counts);
    }
    es__report_phrases_add(&c->stop, counts, v[2], v[3]);
    return 0;
}

static json_t *jnum_or_null(const char *s)
{
    return s ? json_integer(num(s)) : json_null();
}

/* Authors in two passes over the window, each a stream of rows with no
 * sort: first the TOP_AUTHORS of each brand by their largest followers
 * count (kept in a small array per brand: an author pushed out comes back
 * with its new maximum if a later row beats the others), then their
 * mentions, engagement, name and link. A GROUP BY per author sorted the
 * whole window (24 s of 74 s on a million mentions). */
typedef struct {
    char key[400]; /* network \x1f author */
    json_int_t fol;  /* -1: the source gave none */
} cand_t;

typedef struct {
    cand_t c[TOP_AUTHORS];
    size_t n;
} cands_t;

/* Higher reach first; equal reach by network and handle, so every
 * backend keeps the same authors whatever order rows come in. */
static int cand_before(json_int_t fol, const char *key, const cand_t *b)
{
    return fol != b->fol ? fol > b->fol : strcmp(key, b->key) < 0;
}

static int on_author_reach(void *ud, int n, const char *const *v)
{
    (void)n;
    ctx_t *c = ud;
    if (!v[2] || !brand_of(c, v[0]))
        return 0;
    char key[400];
    snprintf(key, sizeof key, "%.150s\x1f%.240s", v[1] ? v[1] : "", v[2]);
    json_int_t fol = v[3] ? num(v[3]) : -1;
    json_t *slot = json_object_get(c->cands, v[0] ? v[0] : "");
    cands_t *cs = slot ? (cands_t *)(uintptr_t)json_integer_value(slot) : NULL;
    if (!cs) {
        cs = calloc(1, sizeof *cs);
        if (!cs)
            return 0;
        json_object_set_new(c->cands, v[0] ? v[0] : "", json_integer((json_int_t)(uintptr_t)cs));
    }
    size_t i;
    for (i = 0; i < cs->n && strcmp(cs->c[i].key, key); i++)
        ;
    if (i < cs->n) {
        if (fol <= cs->c[i].fol)
            return 0;
        memmove(cs->c + i, cs->c + i + 1, (cs->n - i - 1) * sizeof *cs->c); /* re-placed below */
        cs->n--;
    }
    size_t at = cs->n;
    while (at > 0 && cand_before(fol, key, &cs->c[at - 1]))
        at--;
    if (at >= TOP_AUTHORS)
        return 0;
    size_t keep = cs->n < TOP_AUTHORS ? cs->n : TOP_AUTHORS - 1;
    memmove(cs->c + at + 1, cs->c + at, (keep - at) * sizeof *cs->c);
    snprintf(cs->c[at].key, sizeof cs->c[at].key, "%s", key);
    cs->c[at].fol = fol;
    cs->n = keep + 1;
    return 0;
}

/* Second pass: the candidates' figures. */
static int on_author(void *ud, int n, const char *const *v)
{
    (void)n;
    ctx_t *c = ud;
    if (!v[2])
        return 0;
    char key[900];
    snprintf(key, sizeof key, "%.300s\x1f%.150s\x1f%.240s", v[0] ? v[0] : "", v[1] ? v[1] : "", v[2]);
    json_t *a = json_object_get(c->authors, key);
    if (!a)
        return 0;
    /* max() of each text, as SQL would: the same page on every backend. */
    static const struct {
        int col;
        const char *key;
    } maxes[] = {{3, "name"}, {4, "kind"}, {7, "url"}};
    for (size_t i = 0; i < sizeof maxes / sizeof maxes[0]; i++) {
        const char *cur = json_string_value(json_object_get(a, maxes[i].key));
        const char *nv = maxes[i].col == 4 && !v[4] ? "public" : v[maxes[i].col];
        if (nv && (!cur || strcmp(nv, cur) > 0))
            json_object_set_new(a, maxes[i].key, json_string(nv));
    }
    json_object_set_new(a, "n", json_integer(json_integer_value(json_object_get(a, "n")) + 1));
    json_object_set_new(a, "engagement", json_integer(json_integer_value(json_object_get(a, "engagement")) + num(v[6])));
    json_t *fo = json_object_get(a, "followers");
    if (v[5] && (json_is_null(fo) || num(v[5]) > json_integer_value(fo)))
        json_object_set_new(a, "followers", json_integer(num(v[5])));
    return 0;
}

/* The candidates of the first pass as entries for the second. */
static void author_entries(ctx_t *c)
{
    const char *brand;
    json_t *slot;
    json_object_foreach(c->cands, brand, slot) {
        cands_t *cs = (cands_t *)(uintptr_t)json_integer_value(slot);
        for (size_t i = 0; i < cs->n; i++) {
            char key[900], net[400];
            snprintf(net, sizeof net, "%s", cs->c[i].key);
            char *sep = strchr(net, '\x1f');
            if (!sep)
                continue;
            *sep = '\0';
            snprintf(key, sizeof key, "%.300s\x1f%s", brand, cs->c[i].key);
            json_object_set_new(c->authors, key,
                                json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:I}", "brand", brand, "network", net,
                                          "author", sep + 1, "name", "", "kind", "", "n", (json_int_t)0, "followers",
                                          json_null(), "engagement", (json_int_t)0));
        }
        free(cs);
    }
    json_object_clear(c->cands);
}

/* Reach first (no count last), then engagement, mentions, network, handle. */
static int by_reach(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    json_t *fa = json_object_get(a, "followers"), *fb = json_object_get(b, "followers");
    json_int_t va = json_is_integer(fa) ? json_integer_value(fa) : -1, vb = json_is_integer(fb) ? json_integer_value(fb) : -1;
    if (va != vb)
        return va > vb ? -1 : 1;
    va = json_integer_value(json_object_get(a, "engagement")), vb = json_integer_value(json_object_get(b, "engagement"));
    if (va != vb)
        return va > vb ? -1 : 1;
    va = json_integer_value(json_object_get(a, "n")), vb = json_integer_value(json_object_get(b, "n"));
    if (va != vb)
        return va > vb ? -1 : 1;
    int r = strcmp(json_string_value(json_object_get(a, "network")), json_string_value(json_object_get(b, "network")));
    return r ? r : strcmp(json_string_value(json_object_get(a, "author")), json_string_value(json_object_get(b, "author")));
}

/* The TOP_AUTHORS of each brand into its "authors". */
static void top_authors(ctx_t *c)
{
    size_t n = json_object_size(c->authors), k = 0;
    json_t **v = calloc(n ? n : 1, sizeof *v);
    if (!v)
        return;
    const char *key;
    json_t *a;
    json_object_foreach(c->authors, key, a) v[k++] = a;
    qsort(v, k, sizeof *v, by_reach);
    for (size_t i = 0; i < k; i++) {
        json_t *arr = json_object_get(brand_of(c, json_string_value(json_object_get(v[i], "brand"))), "authors");
        if (arr && json_array_size(arr) < TOP_AUTHORS) {
            json_t *o = json_deep_copy(v[i]);
            json_object_del(o, "brand");
            json_array_append_new(arr, o);
        }
    }
    free(v);
}

/* Engaged before a (more engagement, then reach, then id): the order of
 * the list. */
static int engaged_before(json_int_t eng, json_int_t fol, const char *id, json_t *a)
{
    json_int_t ea = json_integer_value(json_object_get(a, "engagement"));
    json_int_t fa = json_integer_value(json_object_get(a, "followers"));
    if (eng != ea)
        return eng > ea;
    if (fol != fa)
        return fol > fa;
    return strcmp(id, json_string_value(json_object_get(a, "id"))) < 0;
}

/* Keeps the brand's TOP_ENGAGED best while the rows stream by: no sort
 * of the whole window (a million rows with their texts). */
static int on_engaged(void *ud, int n, const char *const *v)
{
    (void)n;
    json_t *b = brand_of(ud, v[0]);
    json_t *a = json_object_get(b, "engaged");
    if (!b)
        return 0;
    json_int_t eng = num(v[11]), fol = num(v[6]);
    const char *id = v[14] ? v[14] : "";
    size_t len = json_array_size(a), at = len;
    while (at > 0 && engaged_before(eng, fol, id, json_array_get(a, at - 1)))
        at--;
    if (at >= TOP_ENGAGED)
        return 0;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:I, s:s, s:I}", "id", id, "url",
                          v[1] ? v[1] : "", "title", v[2] ? v[2] : "", "text", v[3] ? v[3] : "", "author",
                          v[4] ? v[4] : "", "network", v[5] ? v[5] : "", "followers", jnum_or_null(v[6]), "likes",
                          jnum_or_null(v[7]), "reposts", jnum_or_null(v[8]), "replies", jnum_or_null(v[9]), "quotes",
                          jnum_or_null(v[10]), "engagement", eng, "label", v[12] ? v[12] : "", "at", num(v[13]));
    json_array_insert_new(a, at, o);
    if (json_array_size(a) > TOP_ENGAGED)
        json_array_remove(a, TOP_ENGAGED);
    return 0;
}

static int by_topic_n(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    json_int_t na = json_integer_value(json_object_get(a, "n")), nb = json_integer_value(json_object_get(b, "n"));
    if (na != nb)
        return na > nb ? -1 : 1;
    return strcmp(json_string_value(json_object_get(a, "topic")), json_string_value(json_object_get(b, "topic")));
}

static void sort_topics(json_t *b)
{
    json_t *arr = json_object_get(b, "topics");
    size_t n = json_array_size(arr);
    if (n < 2)
        return;
    json_t **v = calloc(n, sizeof *v);
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        v[i] = json_incref(json_array_get(arr, i));
    qsort(v, n, sizeof *v, by_topic_n);
    json_array_clear(arr);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, v[i]);
    free(v);
}

int es__report_collect_detail(es_report_db_t *db, const es_report_opts_t *o, json_t *model, char *err,
                             size_t errlen)
{
    ctx_t c = {.by_name = json_object(), .topics = json_object(), .phrases = json_object(), .docs = json_object(),
                 .authors = json_object(), .cands = json_object(),
                 .langs = json_object(), .xcube = json_object_get(model, "xcube"), .now = o->now};
    c.day0 = o->since / ES_REPORT_DAY;
    /* The last 48 hours by the hour (whole hours), the days before by day. */
    es__report_trend_layout(o, &c.cut, &c.ndaily, &c.nbuckets); /* the filters' time cube uses the same */
    c.mid = o->since + (o->now - o->since) / 2;
    json_t *buckets = json_array();
    for (int64_t k = 0; k < c.nbuckets; k++)
        json_array_append_new(buckets, json_integer(k < c.ndaily ? (c.day0 + k) * ES_REPORT_DAY
                                                                 : c.cut + (k - c.ndaily) * 3600));
    json_object_set_new(model, "trend", json_pack("{s:I, s:I, s:o}", "cut", (json_int_t)c.cut, "mid",
                                                  (json_int_t)c.mid, "buckets", buckets));
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(model, "brands"), i, b) {
        json_object_set(c.by_name, json_string_value(json_object_get(b, "name")), b);
        json_t *tr = json_array();
        for (int64_t k = 0; k < c.nbuckets; k++)
            json_array_append_new(tr, json_pack("[iiii]", 0, 0, 0, 0));
        json_object_set_new(b, "trend", tr);
        json_object_set_new(b, "owned", json_integer(0));
        json_object_set_new(b, "langs", json_array());
        json_object_set_new(b, "topics", json_array());
        json_object_set_new(b, "authors", json_array());
        json_object_set_new(b, "engaged", json_array());
    }
    char since[32], mid[32];
    snprintf(since, sizeof since, "%" PRId64, o->since);
    snprintf(mid, sizeof mid, "%" PRId64, c.mid);
    const char *p2[] = {since, o->brand}, *p3m[] = {since, o->brand, mid};
    static const char *const q_rows =
        "SELECT coalesce(brand, ''), " ES_REPORT_MENTION_TIME ", sentiment_label, lang, network FROM" ES_REPORT_MENTIONS
        ES_REPORT_MENTION_WHERE;
    /* Owned posts one by one (their network and date for the filters),
     * then once per topic. */
    static const char *const q_owned =
        "SELECT b.brand, m.network, coalesce(m.created_at, m.received_at) FROM mention_brands b"
        " JOIN mentions m ON m.id = b.mention_id"
        " WHERE b.owned = 1 AND coalesce(m.created_at, m.received_at) >= CAST(?1 AS BIGINT)"
        " AND (CAST(?2 AS TEXT) IS NULL OR b.brand = CAST(?2 AS TEXT))";
    static const char *const q_owned_topic =
        "SELECT b.brand, m.network, coalesce(m.created_at, m.received_at), t.topic FROM mention_brands b"
        " JOIN mentions m ON m.id = b.mention_id JOIN mention_topics t ON t.mention_id = m.id"
        " WHERE b.owned = 1 AND coalesce(m.created_at, m.received_at) >= CAST(?1 AS BIGINT)"
        " AND (CAST(?2 AS TEXT) IS NULL OR b.brand = CAST(?2 AS TEXT))";
    static const char *const q_topic =
        "SELECT coalesce(rm.brand, ''), t.topic, max(t.owner), rm.sentiment_label,"
        " CASE WHEN coalesce(rm.created_at, rm.received_at) >= CAST(?3 AS BIGINT) THEN 1 ELSE 0 END,"
        " count(*) FROM mention_topics t JOIN" ES_REPORT_MENTIONS " ON rm.id = t.mention_id"
        " WHERE coalesce(rm.created_at, rm.received_at) >= CAST(?1 AS BIGINT)"
        " AND (CAST(?2 AS TEXT) IS NULL OR rm.brand = CAST(?2 AS TEXT))"
        " GROUP BY coalesce(rm.brand, ''), t.topic, rm.sentiment_label,"
        " CASE WHEN coalesce(rm.created_at, rm.received_at) >= CAST(?3 AS BIGINT) THEN 1 ELSE 0 END";
    static const char *const q_topic_text =
        "SELECT coalesce(rm.brand, ''), t.topic, rm.title, rm.text FROM mention_topics t JOIN" ES_REPORT_MENTIONS
        " ON rm.id = t.mention_id WHERE coalesce(rm.created_at, rm.received_at) >= CAST(?1 AS BIGINT)"
        " AND (CAST(?2 AS TEXT) IS NULL OR rm.brand = CAST(?2 AS TEXT))";
    /* Authors by reach, then how much their mentions were engaged with. */
    static const char *const q_reach =
        "SELECT coalesce(brand, ''), network, author, followers FROM" ES_REPORT_MENTIONS ES_REPORT_MENTION_WHERE
        " AND author IS NOT NULL";
    static const char *const q_authors =
        "SELECT coalesce(brand, ''), network, author, author_name, author_kind, followers, " ES_REPORT_ENGAGEMENT
        ", url FROM" ES_REPORT_MENTIONS ES_REPORT_MENTION_WHERE " AND author IS NOT NULL";
    static const char *const q_engaged =
        "SELECT coalesce(brand, ''), url, title, text, author, network, followers, likes, reposts, replies, quotes, "
        ES_REPORT_ENGAGEMENT ", sentiment_label, " ES_REPORT_MENTION_TIME ", id FROM" ES_REPORT_MENTIONS
        ES_REPORT_MENTION_WHERE " AND " ES_REPORT_ENGAGEMENT " > 0";
    int rc = es__spike_stopwords_load(&c.stop);
    if (rc == 0)
        rc = es__report_db_query(db, q_rows, 2, p2, on_row, &c, err, errlen);
    langs_sorted(&c);
    if (rc == 0)
        rc = es__report_db_query(db, q_owned, 2, p2, on_owned, &c, err, errlen);
    if (rc == 0)
        rc = es__report_db_query(db, q_owned_topic, 2, p2, on_owned, &c, err, errlen);
    if (rc == 0)
        rc = es__report_db_query(db, q_topic, 3, p3m, on_topic, &c, err, errlen);
    if (rc == 0 && json_object_size(c.topics))
        rc = es__report_db_query(db, q_topic_text, 2, p2, on_topic_text, &c, err, errlen);
    if (rc == 0)
        rc = es__report_db_query(db, q_reach, 2, p2, on_author_reach, &c, err, errlen);
    author_entries(&c); /* frees the candidate arrays, also after an error */
    if (rc == 0 && json_object_size(c.authors))
        rc = es__report_db_query(db, q_authors, 2, p2, on_author, &c, err, errlen);
    if (rc == 0)
        rc = es__report_db_query(db, q_engaged, 2, p2, on_engaged, &c, err, errlen);
    if (rc == 0) {
        const char *key;
        json_t *t;
        json_object_foreach(c.topics, key, t)
            json_object_set_new(t, "phrases", es__report_phrases_top(json_object_get(c.phrases, key), MAX_PHRASES));
        json_array_foreach(json_object_get(model, "brands"), i, b) sort_topics(b);
        top_authors(&c);
    }
    es__spike_map_free(&c.stop);
    json_decref(c.by_name);
    json_decref(c.topics);
    json_decref(c.phrases);
    json_decref(c.docs);
    json_decref(c.authors);
    json_decref(c.cands);
    json_decref(c.langs);
    return rc;
}
