/*
 * The figures the in-page filters need to redraw the time charts
 * (sections 3 and 4): mentions per brand, trend bucket and label, once
 * per network and once per topic. Not per network *and* topic: that
 * product is the size of the page again on the bench (20 brands x 6
 * networks x 5 topics x 79 buckets x 4 labels), while the two tables
 * side by side are a fraction of it; with both a topic and a network
 * chosen, the charts follow the topic and the page says so.
 *
 * The buckets are the trend's (collect_detail.c): whole hours over the
 * last 48 h, days before; the volume chart's days are sums of them.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

void es__report_trend_layout(const es_report_opts_t *o, int64_t *cut, int64_t *ndaily, int64_t *nbuckets)
{
    int64_t day0 = o->since / ES_REPORT_DAY, c = (o->now / 3600) * 3600 - 48 * 3600 + 3600;
    if (c < (o->since / 3600) * 3600)
        c = (o->since / 3600) * 3600;
    *cut = c;
    *ndaily = c > o->since ? (c - 1) / ES_REPORT_DAY - day0 + 1 : 0;
    *nbuckets = *ndaily + (o->now - c) / 3600 + 1;
}

int64_t es__report_trend_bucket(const es_report_opts_t *o, int64_t t)
{
    int64_t cut, ndaily, nb;
    es__report_trend_layout(o, &cut, &ndaily, &nb);
    int64_t k = t >= cut ? ndaily + (t - cut) / 3600 : t / ES_REPORT_DAY - o->since / ES_REPORT_DAY;
    return k >= 0 && k < nb ? k : -1;
}

/* Keys: brand \x1f 'n' or 't' \x1f network or topic; values: an array
 * of nbuckets x 4 counts (positive, neutral, negative, unscored). */
void es__report_tcube_add(json_t *tc, const es_report_opts_t *o, const char *brand, char kind, const char *name,
                          int64_t t, const char *label)
{
    int64_t k = es__report_trend_bucket(o, t);
    if (k < 0)
        return; /* dated in the future: in no bucket of the charts either */
    char key[600];
    snprintf(key, sizeof key, "%.280s\x1f%c\x1f%.280s", brand ? brand : "", kind, name ? name : "");
    json_t *a = json_object_get(tc, key);
    if (!a) {
        int64_t cut, nd, nb;
        es__report_trend_layout(o, &cut, &nd, &nb);
        a = json_array();
        for (int64_t i = 0; i < nb * 4; i++)
            json_array_append_new(a, json_integer(0));
        if (json_object_set_new(tc, key, a) < 0)
            return;
    }
    int l = label && !strcmp(label, "positive") ? 0 : label && !strcmp(label, "neutral") ? 1
          : label && !strcmp(label, "negative") ? 2 : 3;
    json_t *c = json_array_get(a, (size_t)(k * 4 + l));
    json_integer_set(c, json_integer_value(c) + 1);
}

/* {"bk": [bucket starts], "day0": first day, "n": [[brand, network,
 * counts...]], "t": [[brand, topic, counts...]]}: numbers only, by key so
 * SQLite and PostgreSQL give the same page. */
void es__report_tcube_json(FILE *f, const es_report_page_t *p)
{
    json_t *tm = json_object_get(p->model, "trend"), *tc = json_object_get(p->model, "tcube"), *v;
    size_t i;
    fputs("{\"bk\":[", f);
    json_array_foreach(json_object_get(tm, "buckets"), i, v) fprintf(f, "%s%lld", i ? "," : "", (long long)json_integer_value(v));
    fprintf(f, "],\"day0\":%lld", (long long)json_integer_value(json_object_get(p->model, "day0")));
    size_t nk, k;
    const char **keys = es__report_sorted_keys(tc, &nk);
    for (int pass = 0; pass < 2; pass++) {
        char kind = pass ? 't' : 'n';
        int first = 1;
        fprintf(f, ",\"%c\":[", kind);
        for (k = 0; k < nk; k++) {
            char buf[600];
            snprintf(buf, sizeof buf, "%s", keys[k]);
            char *s1 = strchr(buf, '\x1f');
            if (!s1 || s1[1] != kind || s1[2] != '\x1f')
                continue;
            *s1 = '\0';
            int b = es__report_fidx(p, "brand", buf), x = es__report_fidx(p, pass ? "topic" : "network", s1 + 3);
            if (b < 0 || (pass && x < 0))
                continue; /* a topic without a button cannot be chosen */
            fprintf(f, "%s[%d,%d", first ? "" : ",", b, x);
            json_array_foreach(json_object_get(tc, keys[k]), i, v) fprintf(f, ",%lld", (long long)json_integer_value(v));
            fputc(']', f);
            first = 0;
        }
        fputc(']', f);
    }
    free(keys);
    fputc('}', f);
}
