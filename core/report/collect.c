/*
 * The figures of the page, read from the sink's tables with queries that
 * both SQLite and PostgreSQL run unchanged; counts per brand, label, day
 * and channel are made in one pass over the window's rows.
 */
#include "report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>

typedef struct {
    json_t *brands;   /* name -> brand object */
    json_t *chan;     /* name -> {"network\x1fsource": {network, source, n}} */
    json_t *cube;     /* for the in-page filters (cube.c) */
    json_t *tcube;    /* for their time charts (tcube.c) */
    json_t *xcube;    /* for the channels, languages, owned posts (xcube.c) */
    const es_report_opts_t *o;
    int64_t day0, ndays, now;
} acc_t;

static json_t *brand_get(acc_t *a, const char *name)
{
    json_t *b = json_object_get(a->brands, name);
    if (b)
        return b;
    b = json_object();
    json_object_set_new(b, "name", json_string(name));
    json_object_set_new(b, "total", json_integer(0));
    json_t *labels = json_object();
    static const char *const names[] = {"positive", "neutral", "negative", "unscored"};
    for (int i = 0; i < 4; i++)
        json_object_set_new(labels, names[i], json_integer(0));
    json_object_set_new(b, "labels", labels);
    json_t *days = json_array();
    for (int64_t i = 0; i < a->ndays; i++)
        json_array_append_new(days, json_pack("[ii]", 0, 0));
    json_object_set_new(b, "days", days);
    json_object_set_new(b, "channels", json_array());
    json_object_set_new(b, "alerts", json_array());
    json_object_set_new(b, "issues", json_array());
    json_object_set_new(a->brands, name, b);
    return b;
}

static json_int_t num(const char *s)
{
    return s ? (json_int_t)strtoll(s, NULL, 10) : 0;
}

/* One earned mention of the window: its brand's label count, day and
 * channel, counted here in one pass rather than by a GROUP BY each (every
 * one sorted the whole window: 2 to 3 s each on a million mentions). */
static int on_row(void *ud, int n, const char *const *v)
{
    (void)n;
    acc_t *a = ud;
    json_t *b = brand_get(a, v[0] ? v[0] : "");
    const char *label = v[1] && (!strcmp(v[1], "positive") || !strcmp(v[1], "neutral") ||
                                 !strcmp(v[1], "negative"))
                            ? v[1]
                            : "unscored";
    json_t *labels = json_object_get(b, "labels");
    json_object_set_new(labels, label, json_integer(json_integer_value(json_object_get(labels, label)) + 1));
    json_object_set_new(b, "total", json_integer(json_integer_value(json_object_get(b, "total")) + 1));
    int64_t day = num(v[2]) / ES_REPORT_DAY - a->day0;
    if (day >= 0 && day < a->ndays) { /* not dated in the future */
        json_t *d = json_array_get(json_object_get(b, "days"), (size_t)day);
        json_array_set_new(d, 0, json_integer(json_integer_value(json_array_get(d, 0)) + 1));
        if (!strcmp(label, "negative"))
            json_array_set_new(d, 1, json_integer(json_integer_value(json_array_get(d, 1)) + 1));
    }
    char key[600];
    snprintf(key, sizeof key, "%.290s\x1f%.290s", v[3] ? v[3] : "", v[4] ? v[4] : "");
    json_t *ch = json_object_get(a->chan, v[0] ? v[0] : "");
    if (!ch) {
        ch = json_object();
        json_object_set_new(a->chan, v[0] ? v[0] : "", ch);
    }
    json_t *c = json_object_get(ch, key);
    if (!c) {
        c = json_pack("{s:s, s:s, s:I}", "network", v[3] ? v[3] : "", "source", v[4] ? v[4] : "", "n", (json_int_t)0);
        json_object_set_new(ch, key, c);
    }
    json_object_set_new(c, "n", json_integer(json_integer_value(json_object_get(c, "n")) + 1));
    es__report_cube_add(a->cube, v[0] ? v[0] : "", NULL, v[3] ? v[3] : "", num(v[2]), a->now, v[1]);
    es__report_tcube_add(a->tcube, a->o, v[0] ? v[0] : "", 'n', v[3] ? v[3] : "", num(v[2]), v[1]);
    es__report_xcube_add(a->xcube, 'c', v[0], NULL, v[3], v[4], num(v[2]), a->now);
    return 0;
}

/* Largest first, then by network and source (the SQL's ORDER BY). */
static int by_channel(const void *x, const void *y)
{
    json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    json_int_t na = json_integer_value(json_object_get(a, "n")), nb = json_integer_value(json_object_get(b, "n"));
    if (na != nb)
        return na > nb ? -1 : 1;
    int r = strcmp(json_string_value(json_object_get(a, "network")), json_string_value(json_object_get(b, "network")));
    return r ? r : strcmp(json_string_value(json_object_get(a, "source")), json_string_value(json_object_get(b, "source")));
}

static void channels_sorted(acc_t *a)
{
    const char *name;
    json_t *ch;
    json_object_foreach(a->chan, name, ch) {
        size_t n = json_object_size(ch), k = 0;
        json_t **v = calloc(n ? n : 1, sizeof *v);
        if (!v)
            continue;
        const char *key;
        json_t *c;
        json_object_foreach(ch, key, c) v[k++] = c;
        qsort(v, k, sizeof *v, by_channel);
        json_t *arr = json_object_get(brand_get(a, name), "channels");
        for (size_t i = 0; i < k; i++)
            json_array_append(arr, v[i]);
        free(v);
    }
}

static int on_alert(void *ud, int n, const char *const *v)
{
    (void)n;
    acc_t *a = ud;
    json_t *b = json_object_get(a->brands, v[2] ? v[2] : "");
    if (!b) /* an alert about a brand without mentions in the window */
        b = brand_get(a, v[2] ? v[2] : "");
    json_t *fields = v[11] ? json_loads(v[11], 0, NULL) : NULL;
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:f}", "id", v[0] ? v[0] : "",
                          "event", v[1] ? v[1] : "", "series", v[5] ? v[5] : "", "owner",
                          v[3] ? v[3] : "", "network", v[4] ? v[4] : "", "bucket_start",
                          (json_int_t)num(v[6]), "bucket_end", (json_int_t)num(v[7]), "count",
                          (json_int_t)num(v[8]), "total", (json_int_t)num(v[9]), "p_value",
                          v[10] ? strtod(v[10], NULL) : -1.0);
    json_t *terms = json_object_get(fields, "terms"), *urls = json_object_get(fields, "urls");
    json_t *expected = json_object_get(fields, "expected"), *topic = json_object_get(fields, "topic_name");
    json_object_set_new(o, "expected", json_is_number(expected) ? json_real(json_number_value(expected)) : json_null());
    if (json_is_string(topic))
        json_object_set(o, "topic", topic);
    json_object_set_new(o, "terms", json_is_array(terms) ? json_incref(terms) : json_array());
    json_object_set_new(o, "urls", json_is_array(urls) ? json_incref(urls) : json_array());
    json_decref(fields);
    json_array_append_new(json_object_get(b, "alerts"), o);
    return 0;
}

static int by_total(const void *x, const void *y)
{
    const json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
    json_int_t ta = json_integer_value(json_object_get(a, "total"));
    json_int_t tb = json_integer_value(json_object_get(b, "total"));
    if (ta != tb)
        return ta > tb ? -1 : 1;
    return strcmp(json_string_value(json_object_get(a, "name")),
                  json_string_value(json_object_get(b, "name")));
}

int es__report_collect(es_report_db_t *db, const es_report_opts_t *o, json_t **out, char *err,
                      size_t errlen)
{
    acc_t a = {.brands = json_object(), .chan = json_object(), .cube = json_object(), .tcube = json_object(),
             .xcube = json_object(), .o = o, .now = o->now};
    a.day0 = o->since / ES_REPORT_DAY;
    a.ndays = o->now / ES_REPORT_DAY - a.day0 + 1;
    json_t *m = json_object();
    json_object_set_new(m, "day0", json_integer(a.day0));
    json_object_set_new(m, "ndays", json_integer(a.ndays));
    int has = 0;
    int rc = es__report_db_has_tables(db, &has, err, errlen);
    json_object_set_new(m, "has_tables", json_boolean(has));
    char since[32];
    snprintf(since, sizeof since, "%" PRId64, o->since);
    const char *params[] = {since, o->brand};
    static const char *const q_rows =
        "SELECT coalesce(brand, ''), sentiment_label, " ES_REPORT_MENTION_TIME ", network, coalesce(source, '')"
        " FROM" ES_REPORT_MENTIONS ES_REPORT_MENTION_WHERE;
    static const char *const q_alerts =
        "SELECT id, event, coalesce(brand, ''), owner, network, series, bucket_start, bucket_end,"
        " count, total, p_value, fields FROM alerts"
        " WHERE coalesce(bucket_start, received_at) >= CAST(?1 AS BIGINT)"
        " AND (CAST(?2 AS TEXT) IS NULL OR brand = CAST(?2 AS TEXT))"
        " ORDER BY coalesce(bucket_start, received_at), id";
    if (rc == 0 && has)
        rc = es__report_db_window(db, o, err, errlen);
    if (rc == 0 && has) {
        rc = es__report_db_query(db, q_rows, 2, params, on_row, &a, err, errlen);
        channels_sorted(&a);
        if (rc == 0)
            rc = es__report_cube_topics(db, o, a.cube, a.tcube, a.xcube, err, errlen);
        if (rc == 0)
            rc = es__report_db_query(db, q_alerts, 2, params, on_alert, &a, err, errlen);
    }
    /* Brands as an array, the largest first. */
    size_t n = json_object_size(a.brands), i = 0;
    json_t **v = calloc(n ? n : 1, sizeof *v);
    const char *k;
    json_t *b;
    json_object_foreach(a.brands, k, b) v[i++] = b;
    if (n)
        qsort(v, n, sizeof *v, by_total);
    json_t *arr = json_array();
    for (i = 0; i < n; i++)
        json_array_append(arr, v[i]);
    free(v);
    json_object_set_new(m, "brands", arr);
    json_object_set_new(m, "cube", a.cube);
    json_object_set_new(m, "tcube", a.tcube);
    json_object_set_new(m, "xcube", a.xcube);
    json_decref(a.brands);
    json_decref(a.chan);
    if (rc == 0 && has)
        rc = es__report_issues(db, o, m, err, errlen);
    if (rc == 0 && has)
        rc = es__report_collect_detail(db, o, m, err, errlen);
    if (rc < 0) {
        json_decref(m);
        return rc;
    }
    *out = m;
    return 0;
}
