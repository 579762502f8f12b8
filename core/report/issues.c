/*
 * Top negative issues per day: the words over-represented in one day's
 * negative mentions of a brand compared with all its mentions of the
 * window, the spike detector's alert terms first when an alert was raised
 * that day. Words are cut the detector's way (core/spike/terms.c).
 */
#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <earshot/plugin.h>
#include "spike/internal.h"

#define MAX_TERMS 5
#define MAX_URLS 3
#define MAX_DAYS_PER_BRAND 7
#define MAX_DOCS_PER_DAY 50

typedef struct {
    es_spike_map_t stop;
    json_t *base;  /* brand -> base_t * (as an integer) */
    json_t *days;  /* "brand\x1fday" -> {"brand", "day", "n", "w": {word: n}, "docs": [[url, text, "\x1fword\x1f...", t, id]]} */
    json_t *cand;  /* "brand\x1fday" -> true: the days the page shows (candidates()) */
    int64_t day0, ndays;
} ctx_t;

/* A brand's words over the whole window: an open-addressing map, not a
 * JSON object (every mention of the window goes through here). */
typedef struct {
    double n; /* documents */
    es_spike_map_t w; /* word -> documents using it */
} base_t;

static base_t *base_of(ctx_t *c, const char *brand, int create)
{
    json_t *v = json_object_get(c->base, brand);
    if (v || !create)
        return v ? (base_t *)(uintptr_t)json_integer_value(v) : NULL;
    base_t *b = calloc(1, sizeof *b);
    if (b)
        json_object_set_new(c->base, brand, json_integer((json_int_t)(uintptr_t)b));
    return b;
}

static void base_free(ctx_t *c)
{
    const char *k;
    json_t *v;
    json_object_foreach(c->base, k, v) {
        base_t *b = (base_t *)(uintptr_t)json_integer_value(v);
        es__spike_map_free(&b->w);
        free(b);
    }
}

/* The words of a mention as the spike detector cuts them. */
static size_t words_of(ctx_t *c, const char *title, const char *text, char (*w)[ES_SPIKE_WORD_MAX])
{
    size_t lt = title ? strlen(title) : 0, lx = text ? strlen(text) : 0;
    char *all = malloc(lt + lx + 2);
    if (!all)
        return 0;
    memcpy(all, title ? title : "", lt);
    all[lt] = ' ';
    memcpy(all + lt + 1, text ? text : "", lx);
    all[lt + 1 + lx] = '\0';
    size_t n = es__spike_words(&c->stop, all, w);
    free(all);
    return n;
}

/* A negative mention's words into its day's counts, and when the
 * mention is kept as an example, as one "\x1fw1\x1fw2\x1f" string:
 * cheaper than an array of strings, searched for "\x1fWORD\x1f". */
static void day_words(char (*w)[ES_SPIKE_WORD_MAX], size_t n, json_t *into_counts, json_t *doc)
{
    char joined[ES_SPIKE_MAX_WORDS * ES_SPIKE_WORD_MAX + 2];
    size_t jl = 0;
    joined[jl++] = '\x1f';
    for (size_t i = 0; i < n; i++) {
        json_t *v = json_object_get(into_counts, w[i]);
        json_object_set_new(into_counts, w[i], json_integer(v ? json_integer_value(v) + 1 : 1));
        size_t l = strlen(w[i]);
        memcpy(joined + jl, w[i], l);
        jl += l;
        joined[jl++] = '\x1f';
    }
    joined[jl] = '\0';
    if (doc)
        json_array_append_new(doc, json_string(joined));
}

/* Documents by time then id (the SQL's ORDER BY they replace). */
static int doc_cmp(json_t *a, json_t *b)
{
    json_int_t ta = json_integer_value(json_array_get(a, 3)), tb = json_integer_value(json_array_get(b, 3));
    if (ta != tb)
        return ta < tb ? -1 : 1;
    return strcmp(json_string_value(json_array_get(a, 4)), json_string_value(json_array_get(b, 4)));
}

/* One mention of the window: its words count for its brand's baseline
 * and, when it is negative on a day the page shows, for that day (one
 * pass, each text cut into words once). */
static int on_mention(void *ud, int n, const char *const *v)
{
    (void)n;
    ctx_t *c = ud;
    const char *brand = v[0] ? v[0] : "";
    base_t *b = base_of(c, brand, 1);
    if (!b)
        return 0;
    char w[ES_SPIKE_MAX_WORDS][ES_SPIKE_WORD_MAX];
    size_t nw = words_of(c, v[2], v[3], w);
    b->n++;
    for (size_t i = 0; i < nw; i++)
        es__spike_map_add(&b->w, w[i], strlen(w[i]), 1);
    if (!v[7] || strcmp(v[7], "negative"))
        return 0;
    int64_t day = v[1] ? strtoll(v[1], NULL, 10) : 0;
    if (day < c->day0 || day >= c->day0 + c->ndays)
        return 0;
    char key[600];
    snprintf(key, sizeof key, "%.500s\x1f%" PRId64, brand, day);
    if (!json_object_get(c->cand, key))
        return 0; /* a day the page does not show */
    json_t *d = json_object_get(c->days, key);
    if (!d) {
        d = json_pack("{s:s, s:I, s:i, s:o, s:o}", "brand", brand, "day", (json_int_t)day, "n", 0, "w",
                      json_object(), "docs", json_array());
        json_object_set_new(c->days, key, d);
    }
    json_object_set_new(d, "n", json_integer(json_integer_value(json_object_get(d, "n")) + 1));
    json_t *docs = json_object_get(d, "docs"), *doc = NULL;
    json_int_t t = v[5] ? (json_int_t)strtoll(v[5], NULL, 10) : 0;
    const char *id = v[6] ? v[6] : "";
    if (v[4] && es__report_href_ok(v[4])) {
        /* The day's first MAX_DOCS_PER_DAY by (time, id), kept without
         * sorting every negative mention of the window in SQL. */
        size_t nd = json_array_size(docs), worst = 0;
        for (size_t k = 1; nd >= MAX_DOCS_PER_DAY && k < nd; k++)
            if (doc_cmp(json_array_get(docs, k), json_array_get(docs, worst)) > 0)
                worst = k;
        json_t *probe = json_pack("[sssIs]", "", "", "", t, id);
        if (nd < MAX_DOCS_PER_DAY || (probe && doc_cmp(probe, json_array_get(docs, worst)) < 0)) {
            doc = json_array();
            json_array_append_new(doc, json_string(v[4]));
            json_array_append_new(doc, json_string(v[3] ? v[3] : ""));
            if (nd < MAX_DOCS_PER_DAY)
                json_array_append_new(docs, doc);
            else
                json_array_set_new(docs, worst, doc);
        }
        json_decref(probe);
    }
    day_words(w, nw, json_object_get(d, "w"), doc);
    if (doc) {
        json_array_append_new(doc, json_integer(t));
        json_array_append_new(doc, json_string(id));
    }
    return 0;
}

/* The days each brand's issues will show, known from the day counts of
 * the model before reading a word: alert days first, then the days with
 * most negative mentions, then the newest (by_weight's order). */
typedef struct {
    int64_t day;
    int alert;
    json_int_t neg;
} day_t;

static int by_day_weight(const void *x, const void *y)
{
    const day_t *a = x, *b = y;
    if (a->alert != b->alert)
        return b->alert - a->alert;
    if (a->neg != b->neg)
        return a->neg > b->neg ? -1 : 1;
    return b->day > a->day ? 1 : -1;
}

static void candidates(ctx_t *c, json_t *model)
{
    size_t i;
    json_t *b;
    day_t *v = calloc((size_t)(c->ndays > 0 ? c->ndays : 1), sizeof *v);
    if (!v)
        return;
    json_array_foreach(json_object_get(model, "brands"), i, b) {
        const char *name = json_string_value(json_object_get(b, "name"));
        json_t *days = json_object_get(b, "days");
        size_t n = 0;
        for (int64_t k = 0; k < c->ndays; k++) {
            int64_t day = c->day0 + k;
            json_int_t neg = json_integer_value(json_array_get(json_array_get(days, (size_t)k), 1));
            int alert = 0;
            size_t j;
            json_t *al;
            json_array_foreach(json_object_get(b, "alerts"), j, al) {
                const char *ev = json_string_value(json_object_get(al, "event"));
                if (json_integer_value(json_object_get(al, "bucket_start")) / ES_REPORT_DAY == day &&
                    !(ev && strstr(ev, "_ended")))
                    alert = 1;
            }
            if (neg > 0 || alert)
                v[n++] = (day_t){day, alert, neg};
        }
        qsort(v, n, sizeof *v, by_day_weight);
        for (size_t k = 0; k < n && k < MAX_DAYS_PER_BRAND; k++) {
            char key[600];
            snprintf(key, sizeof key, "%.500s\x1f%" PRId64, name ? name : "", v[k].day);
            json_object_set_new(c->cand, key, json_true());
        }
    }
    free(v);
}

static int by_doc(const void *x, const void *y)
{
    return doc_cmp(*(json_t *const *)x, *(json_t *const *)y);
}

/* Each day's kept mentions in (time, id) order, as the examples read them. */
static void docs_sorted(ctx_t *c)
{
    const char *k;
    json_t *d;
    json_object_foreach(c->days, k, d) {
        json_t *docs = json_object_get(d, "docs");
        size_t n = json_array_size(docs);
        json_t **v = calloc(n ? n : 1, sizeof *v);
        if (!v)
            continue;
        for (size_t i = 0; i < n; i++)
            v[i] = json_incref(json_array_get(docs, i));
        qsort(v, n, sizeof *v, by_doc);
        json_array_clear(docs);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(docs, v[i]);
        free(v);
    }
}

typedef struct {
    const char *term;
    json_int_t count;
    double lift, score;
} cand_t;

static int by_score(const void *x, const void *y)
{
    const cand_t *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    return strcmp(a->term, b->term);
}

static int has_term(json_t *terms, const char *t)
{
    size_t i;
    json_t *x;
    json_array_foreach(terms, i, x) if (!strcmp(json_string_value(json_object_get(x, "term")), t)) return 1;
    return 0;
}

static int has_url(json_t *urls, const char *u)
{
    size_t i;
    json_t *x;
    json_array_foreach(urls, i, x) if (!strcmp(json_string_value(json_object_get(x, "url")), u)) return 1;
    return 0;
}

/* The text of the day's negative mention at url, if kept. */
static const char *doc_text(json_t *d, const char *url)
{
    size_t i;
    json_t *doc;
    json_array_foreach(json_object_get(d, "docs"), i, doc) if (!strcmp(json_string_value(json_array_get(doc, 0)), url))
        return json_string_value(json_array_get(doc, 1));
    return NULL;
}

/* An example: its link and, for a mention, its text (cut when shown). */
static void add_example(json_t *urls, const char *u, const char *text)
{
    json_t *e = json_pack("{s:s}", "url", u);
    if (text && json_is_object(e))
        json_object_set_new(e, "text", json_string(text));
    json_array_append_new(urls, e);
}

/* The issue of one brand on one day: alert terms first, then computed. */
static json_t *issue_of(ctx_t *c, json_t *brand, int64_t day, json_t *d)
{
    json_t *terms = json_array(), *urls = json_array();
    int from_alert = 0;
    size_t i;
    json_t *al;
    json_array_foreach(json_object_get(brand, "alerts"), i, al) {
        const char *ev = json_string_value(json_object_get(al, "event"));
        int64_t s = json_integer_value(json_object_get(al, "bucket_start"));
        if (s / ES_REPORT_DAY != day || (ev && strstr(ev, "_ended")))
            continue;
        from_alert = 1;
        size_t j;
        json_t *t;
        json_array_foreach(json_object_get(al, "terms"), j, t) {
            const char *term = json_string_value(json_object_get(t, "term"));
            if (term && !has_term(terms, term) && json_array_size(terms) < MAX_TERMS)
                json_array_append_new(terms, json_pack("{s:s, s:I, s:f}", "term", term, "count",
                                                       json_integer_value(json_object_get(t, "count")),
                                                       "lift", json_number_value(json_object_get(t, "lift"))));
        }
        json_array_foreach(json_object_get(al, "urls"), j, t) {
            const char *u = json_string_value(t);
            if (u && es__report_href_ok(u) && !has_url(urls, u) && json_array_size(urls) < MAX_URLS)
                add_example(urls, u, d ? doc_text(d, u) : NULL);
        }
    }
    json_int_t nd = d ? json_integer_value(json_object_get(d, "n")) : 0;
    if (d && json_array_size(terms) < MAX_TERMS) {
        base_t *b = base_of(c, json_string_value(json_object_get(brand, "name")), 0);
        double nb = b ? b->n : 0;
        json_t *w = json_object_get(d, "w");
        size_t nw = json_object_size(w), k = 0;
        cand_t *cv = calloc(nw ? nw : 1, sizeof *cv);
        const char *term;
        json_t *cnt;
        json_int_t min = nd >= 4 ? 2 : 1;
        const char *bn = json_string_value(json_object_get(brand, "name"));
        json_object_foreach(w, term, cnt) {
            json_int_t n = json_integer_value(cnt);
            double *bv = b ? es__spike_map_get(&b->w, term, strlen(term)) : NULL;
            double base = bv ? *bv : 0;
            double lift = ((double)n / (double)nd) / ((base + 1) / (nb + 1));
            /* The brand's own name says nothing about the issue. */
            /* An emoji reads "[emoji]" on the page: no issue in itself. */
            if (!cv || n < min || lift <= 1.0 || !strcasecmp(term, bn) || es__report_only_pictographs(term))
                continue;
            cv[k++] = (cand_t){term, n, lift, (double)n * log(lift)};
        }
        if (k)
            qsort(cv, k, sizeof *cv, by_score);
        for (size_t j = 0; j < k && json_array_size(terms) < MAX_TERMS; j++)
            if (!has_term(terms, cv[j].term))
                json_array_append_new(terms, json_pack("{s:s, s:I, s:f}", "term", cv[j].term, "count",
                                                       cv[j].count, "lift", cv[j].lift));
        free(cv);
        /* Examples: negative mentions of the day using a listed word. */
        json_t *doc;
        json_array_foreach(json_object_get(d, "docs"), i, doc) {
            if (json_array_size(urls) >= MAX_URLS)
                break;
            const char *u = json_string_value(json_array_get(doc, 0));
            int hit = 0;
            const char *words = json_string_value(json_array_get(doc, 2));
            size_t j;
            json_t *t;
            json_array_foreach(terms, j, t) {
                char key[ES_SPIKE_WORD_MAX + 4];
                snprintf(key, sizeof key, "\x1f%s\x1f", json_string_value(json_object_get(t, "term")));
                if (words && strstr(words, key)) {
                    hit = 1;
                    break;
                }
            }
            if (hit && !has_url(urls, u))
                add_example(urls, u, json_string_value(json_array_get(doc, 1)));
        }
    }
    return json_pack("{s:I, s:I, s:b, s:o, s:o}", "day", (json_int_t)day, "negatives", nd,
                     "from_alert", from_alert, "terms", terms, "urls", urls);
}

static int by_weight(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    int fa = json_is_true(json_object_get(a, "from_alert")), fb = json_is_true(json_object_get(b, "from_alert"));
    if (fa != fb)
        return fb - fa;
    json_int_t na = json_integer_value(json_object_get(a, "negatives"));
    json_int_t nb = json_integer_value(json_object_get(b, "negatives"));
    if (na != nb)
        return na > nb ? -1 : 1;
    return json_integer_value(json_object_get(b, "day")) > json_integer_value(json_object_get(a, "day")) ? 1 : -1;
}

static int by_day_desc(const void *x, const void *y)
{
    json_int_t a = json_integer_value(json_object_get(*(json_t *const *)x, "day"));
    json_int_t b = json_integer_value(json_object_get(*(json_t *const *)y, "day"));
    return a == b ? 0 : a > b ? -1 : 1;
}

/* Issues of one brand: its busiest negative days (alert days first). */
static void brand_issues(ctx_t *c, json_t *brand)
{
    const char *name = json_string_value(json_object_get(brand, "name"));
    json_t *all = json_array();
    for (int64_t day = c->day0; day < c->day0 + c->ndays; day++) {
        char key[600];
        snprintf(key, sizeof key, "%.500s\x1f%" PRId64, name, day);
        json_t *d = json_object_get(c->days, key);
        int alert = 0;
        size_t i;
        json_t *al;
        json_array_foreach(json_object_get(brand, "alerts"), i, al) {
            const char *ev = json_string_value(json_object_get(al, "event"));
            if (json_integer_value(json_object_get(al, "bucket_start")) / ES_REPORT_DAY == day &&
                !(ev && strstr(ev, "_ended")))
                alert = 1;
        }
        if (d || alert)
            json_array_append_new(all, issue_of(c, brand, day, d));
    }
    size_t n = json_array_size(all);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = json_array_get(all, i);
    if (v && n) {
        qsort(v, n, sizeof *v, by_weight);
        if (n > MAX_DAYS_PER_BRAND)
            n = MAX_DAYS_PER_BRAND;
        qsort(v, n, sizeof *v, by_day_desc);
    }
    json_t *out = json_object_get(brand, "issues");
    for (size_t i = 0; v && i < n; i++)
        json_array_append(out, v[i]);
    free(v);
    json_decref(all);
}

int es__report_issues(es_report_db_t *db, const es_report_opts_t *o, json_t *model, char *err,
                     size_t errlen)
{
    ctx_t c = {.base = json_object(), .days = json_object(), .cand = json_object()};
    c.day0 = json_integer_value(json_object_get(model, "day0"));
    c.ndays = json_integer_value(json_object_get(model, "ndays"));
    int rc = es__spike_stopwords_load(&c.stop);
    candidates(&c, model);
    char since[32];
    snprintf(since, sizeof since, "%" PRId64, o->since);
    const char *params[] = {since, o->brand};
    if (rc == 0)
        rc = es__report_db_query(db,
                                "SELECT coalesce(brand, ''), " ES_REPORT_MENTION_TIME " / 86400, title, text, url, "
                                ES_REPORT_MENTION_TIME ", id, sentiment_label FROM" ES_REPORT_MENTIONS
                                ES_REPORT_MENTION_WHERE,
                                2, params, on_mention, &c, err, errlen);
    if (rc == 0) {
        docs_sorted(&c);
        size_t i;
        json_t *b;
        json_array_foreach(json_object_get(model, "brands"), i, b) brand_issues(&c, b);
    }
    es__spike_map_free(&c.stop);
    base_free(&c);
    json_decref(c.base);
    json_decref(c.days);
    json_decref(c.cand);
    return rc;
}
