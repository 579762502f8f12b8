/*
 * The figures the in-page filters recompute: mentions per brand, topic,
 * network, date range and sentiment label. A date range is one of five
 * classes (the smallest of last 24 h, 48 h, 7 days, 30 days holding the
 * mention, or older), so a selection is a sum over a few thousand cells
 * however many mentions the window holds: 20 brands, 10 networks and 10
 * topics give at most 11,000 cells, not a million rows.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static const int64_t RANGE_S[] = {86400, 2 * 86400, 7 * 86400, 30 * 86400};
#define NCLASS 5

int es__report_range_class(int64_t t, int64_t now)
{
    for (int r = 0; r < NCLASS - 1; r++)
        if (t >= now - RANGE_S[r])
            return r;
    return NCLASS - 1;
}

static int label_idx(const char *label)
{
    if (label && !strcmp(label, "positive"))
        return 0;
    if (label && !strcmp(label, "neutral"))
        return 1;
    if (label && !strcmp(label, "negative"))
        return 2;
    return 3;
}

/* Keys join brand, topic and network with \x1f; "\x1e" is "every topic"
 * (a mention counted once, however many topics it has). */
void es__report_cube_add(json_t *cube, const char *brand, const char *topic, const char *network, int64_t t,
                        int64_t now, const char *label)
{
    char key[800];
    snprintf(key, sizeof key, "%.250s\x1f%.250s\x1f%.250s\x1f%d", brand ? brand : "", topic ? topic : "\x1e",
             network ? network : "", es__report_range_class(t, now));
    json_t *c = json_object_get(cube, key);
    if (!c) {
        c = json_pack("[iiii]", 0, 0, 0, 0);
        if (!c || json_object_set_new(cube, key, c) < 0)
            return;
    }
    int l = label_idx(label);
    json_array_set_new(c, (size_t)l, json_integer(json_integer_value(json_array_get(c, (size_t)l)) + 1));
}

typedef struct {
    json_t *cube, *tcube, *xcube;
    const es_report_opts_t *o;
} topic_ctx_t;

static int on_topic(void *ud, int n, const char *const *v)
{
    (void)n;
    topic_ctx_t *c = ud;
    int64_t t = v[3] ? strtoll(v[3], NULL, 10) : 0;
    es__report_cube_add(c->cube, v[0] ? v[0] : "", v[1] ? v[1] : "", v[2] ? v[2] : "", t, c->o->now, v[4]);
    es__report_tcube_add(c->tcube, c->o, v[0] ? v[0] : "", 't', v[1] ? v[1] : "", t, v[4]);
    es__report_xcube_add(c->xcube, 'c', v[0], v[1] ? v[1] : "", v[2], v[5] ? v[5] : "", t, c->o->now);
    es__report_xcube_add(c->xcube, 'l', v[0], v[1] ? v[1] : "", v[2], v[6] && *v[6] ? v[6] : "unknown", t, c->o->now);
    return 0;
}

int es__report_cube_topics(es_report_db_t *db, const es_report_opts_t *o, json_t *cube, json_t *tcube, json_t *xcube,
                           char *err, size_t errlen)
{
    static const char *const q =
        "SELECT coalesce(rm.brand, ''), t.topic, rm.network, " ES_REPORT_MENTION_TIME ", rm.sentiment_label,"
        " rm.source, rm.lang FROM mention_topics t JOIN" ES_REPORT_MENTIONS " ON rm.id = t.mention_id"
        " WHERE " ES_REPORT_MENTION_TIME " >= CAST(?1 AS BIGINT)"
        " AND (CAST(?2 AS TEXT) IS NULL OR rm.brand = CAST(?2 AS TEXT))";
    char since[32];
    snprintf(since, sizeof since, "%" PRId64, o->since);
    const char *params[] = {since, o->brand};
    topic_ctx_t c = {cube, tcube, xcube, o};
    return es__report_db_query(db, q, 2, params, on_topic, &c, err, errlen);
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

const char **es__report_sorted_keys(const json_t *obj, size_t *n)
{
    size_t nk = json_object_size(obj), k = 0;
    const char **keys = calloc(nk ? nk : 1, sizeof *keys), *key;
    json_t *v;
    if (!keys)
        nk = 0;
    json_object_foreach((json_t *)obj, key, v) if (k < nk) keys[k++] = key;
    qsort(keys, nk, sizeof *keys, by_key);
    *n = nk;
    return keys;
}

/* {"rows": [[brand, topic (-1: every topic), network, class, positive,
 * neutral, negative, unscored]...], "named": [1 when brand i has a name]}:
 * numbers only, so nothing from a mention reaches the script. */
void es__report_cube_json(FILE *f, const es_report_page_t *p)
{
    json_t *cube = json_object_get(p->model, "cube");
    const char *key;
    json_t *c;
    int first = 1;
    /* By key, so the page does not depend on the order the database
     * returned the rows in (SQLite and PostgreSQL give the same page). */
    size_t nk, k;
    const char **keys = es__report_sorted_keys(cube, &nk);
    fputs("{\"rows\":[", f);
    for (k = 0; k < nk; k++) {
        key = keys[k];
        c = json_object_get(cube, key);
        char buf[800];
        snprintf(buf, sizeof buf, "%s", key);
        char *s1 = strchr(buf, '\x1f'), *s2 = s1 ? strchr(s1 + 1, '\x1f') : NULL,
             *s3 = s2 ? strchr(s2 + 1, '\x1f') : NULL;
        if (!s3)
            continue;
        *s1 = *s2 = *s3 = '\0';
        int b = es__report_fidx(p, "brand", buf), t = strcmp(s1 + 1, "\x1e") ? es__report_fidx(p, "topic", s1 + 1) : -1,
            n = es__report_fidx(p, "network", s2 + 1);
        if (b < 0 || (t < 0 && strcmp(s1 + 1, "\x1e")))
            continue; /* a topic with no row in the topics section has no button either */
        fprintf(f, "%s[%d,%d,%d,%s,%lld,%lld,%lld,%lld]", first ? "" : ",", b, t, n, s3 + 1,
                (long long)json_integer_value(json_array_get(c, 0)), (long long)json_integer_value(json_array_get(c, 1)),
                (long long)json_integer_value(json_array_get(c, 2)), (long long)json_integer_value(json_array_get(c, 3)));
        first = 0;
    }
    free(keys);
    fputs("],\"named\":[", f);
    json_t *fb = json_object_get(p->fidx, "brand"), *v;
    size_t nb = json_object_size(fb);
    int *named = calloc(nb ? nb : 1, sizeof *named);
    if (named) {
        json_object_foreach(fb, key, v) {
            json_int_t i = json_integer_value(v);
            if (i >= 0 && (size_t)i < nb)
                named[i] = *key != '\0';
        }
        for (size_t i = 0; i < nb; i++)
            fprintf(f, "%s%d", i ? "," : "", named[i]);
        free(named);
    }
    fputs("]}", f);
}
