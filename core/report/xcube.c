/*
 * The sections' cube: what the channels, languages and owned posts need
 * to follow the in-page filters. Counts per brand, topic (or every
 * topic), network, date range class and one more key: the channel
 * (network x source), the language, or nothing for owned posts.
 *
 * Only the channels and languages a brand lists (at most 8 of each)
 * reach the page, so its size is bounded by brands x topics x networks
 * x 5 classes x 8, not by mentions; the unlisted rest of a brand is its
 * selection's total (the first cube) minus the listed ones.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#define LISTED 8 /* sections.c CH_ROWS, collect_detail.c MAX_LANGS */

/* Keys: kind ('c' channel, 'l' language, 'o' owned) \x1f brand \x1f topic
 * ("\x1e": every topic) \x1f network \x1f name \x1f class; values: counts. */
void es__report_xcube_add(json_t *xc, char kind, const char *brand, const char *topic, const char *network,
                          const char *name, int64_t t, int64_t now)
{
    char key[900];
    snprintf(key, sizeof key, "%c\x1f%.200s\x1f%.200s\x1f%.200s\x1f%.200s\x1f%d", kind, brand ? brand : "",
             topic ? topic : "\x1e", network ? network : "", name ? name : "", es__report_range_class(t, now));
    json_t *c = json_object_get(xc, key);
    if (!c) {
        json_object_set_new(xc, key, json_integer(1));
        return;
    }
    json_integer_set(c, json_integer_value(c) + 1);
}

static json_t *brand_named(const es_report_page_t *p, const char *name)
{
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(p->model, "brands"), i, b) if (!strcmp(json_string_value(json_object_get(b, "name")), name))
        return b;
    return NULL;
}

/* The place of a channel ("network\x1fsource" split in two) or a language
 * in the brand's listed ones, or -1. */
static int listed(json_t *b, char kind, const char *network, const char *name)
{
    json_t *arr = json_object_get(b, kind == 'c' ? "channels" : "langs"), *x;
    size_t i;
    json_array_foreach(arr, i, x) {
        if (i >= LISTED)
            break;
        if (kind == 'c' ? !strcmp(json_string_value(json_object_get(x, "network")), network) &&
                              !strcmp(json_string_value(json_object_get(x, "source")), name)
                        : !strcmp(json_string_value(json_object_get(x, "lang")), name))
            return (int)i;
    }
    return -1;
}

/* {"c": [[brand, topic, network, class, channel, n]...], "l": [[brand,
 * topic, network, class, language, n]...], "o": [[brand, topic, network,
 * class, n]...]}: numbers only (indices of p->fidx and of the brand's
 * listed channels and languages), by key so SQLite and PostgreSQL give the
 * same page. */
void es__report_xcube_json(FILE *f, const es_report_page_t *p)
{
    json_t *xc = json_object_get(p->model, "xcube");
    size_t nk, k;
    const char **keys = es__report_sorted_keys(xc, &nk);
    static const char kinds[] = {'c', 'l', 'o'};
    fputc('{', f);
    for (int pass = 0; pass < 3; pass++) {
        int first = 1;
        fprintf(f, "%s\"%c\":[", pass ? "," : "", kinds[pass]);
        for (k = 0; k < nk; k++) {
            if (keys[k][0] != kinds[pass])
                continue;
            char buf[900], *s[5];
            snprintf(buf, sizeof buf, "%s", keys[k] + 2);
            s[0] = buf;
            int ok = 1;
            for (int j = 1; j < 5 && ok; j++)
                ok = (s[j] = strchr(s[j - 1], '\x1f')) != NULL && (*s[j]++ = '\0', 1);
            if (!ok)
                continue;
            int b = es__report_fidx(p, "brand", s[0]), every = !strcmp(s[1], "\x1e"),
                t = every ? -1 : es__report_fidx(p, "topic", s[1]), n = es__report_fidx(p, "network", s[2]);
            json_t *bo = brand_named(p, s[0]);
            if (b < 0 || !bo || (!every && t < 0))
                continue; /* a topic without a button cannot be chosen */
            long long cnt = (long long)json_integer_value(json_object_get(xc, keys[k]));
            if (kinds[pass] == 'o') {
                fprintf(f, "%s[%d,%d,%d,%s,%lld]", first ? "" : ",", b, t, n, s[4], cnt);
            } else {
                int x = listed(bo, kinds[pass], s[2], s[3]);
                if (x < 0)
                    continue; /* not listed: in the brand's rest */
                fprintf(f, "%s[%d,%d,%d,%s,%d,%lld]", first ? "" : ",", b, t, n, s[4], x, cnt);
            }
            first = 0;
        }
        fputc(']', f);
    }
    free(keys);
    fputc('}', f);
}
