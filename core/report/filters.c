/*
 * Filters in the page without a script: radio buttons, and per choice a
 * CSS rule `body:has(#fb-2:checked) [data-fb]:not([data-fb~="b2"])`
 * that hides what does not match. Elements are tagged by number (b2,
 * t0, n5), never by name, so a brand called `"]{}` cannot write CSS.
 * Date ranges tag an element with every range it falls in ("24h 7d").
 */
#include "report.h"

#include <string.h>

#include <earshot/numfmt.h>

static const struct {
    const char *id, *label;
    int64_t secs;
} RANGES[] = {{"24h", "last 24 h", 86400}, {"48h", "last 48 h", 2 * 86400}, {"7d", "last 7 days", 7 * 86400},
              {"30d", "last 30 days", 30 * 86400}};
#define NRANGES (sizeof RANGES / sizeof RANGES[0])

static void add(json_t *idx, const char *name)
{
    if (name && !json_object_get(idx, name))
        json_object_set_new(idx, name, json_integer((json_int_t)json_object_size(idx)));
}

void es__report_filters_index(es_report_page_t *p)
{
    json_t *fb = json_object(), *ft = json_object(), *fn = json_object();
    size_t i, k;
    json_t *b, *x;
    json_array_foreach(json_object_get(p->model, "brands"), i, b) {
        add(fb, json_string_value(json_object_get(b, "name")));
        json_array_foreach(json_object_get(b, "topics"), k, x) add(ft, json_string_value(json_object_get(x, "topic")));
        json_array_foreach(json_object_get(b, "channels"), k, x)
            add(fn, json_string_value(json_object_get(x, "network")));
    }
    p->fidx = json_pack("{s:o, s:o, s:o}", "brand", fb, "topic", ft, "network", fn);
}

int es__report_fidx(const es_report_page_t *p, const char *kind, const char *name)
{
    json_t *v = name ? json_object_get(json_object_get(p->fidx, kind), name) : NULL;
    return v ? (int)json_integer_value(v) : -1;
}

void es__report_fattrs(FILE *f, const es_report_page_t *p, const char *brand, const char *topic, const char *network,
                      int64_t t)
{
    int i;
    if ((i = es__report_fidx(p, "brand", brand)) >= 0)
        fprintf(f, " data-fb=\"b%d\"", i);
    if ((i = es__report_fidx(p, "topic", topic)) >= 0)
        fprintf(f, " data-ft=\"t%d\"", i);
    if ((i = es__report_fidx(p, "network", network)) >= 0)
        fprintf(f, " data-fn=\"n%d\"", i);
    if (t >= 0) {
        fputs(" data-fd=\"", f);
        int n = 0;
        for (size_t r = 0; r < NRANGES; r++)
            if (t >= p->opts->now - RANGES[r].secs)
                fprintf(f, "%s%s", n++ ? " " : "", RANGES[r].id);
        fputs("\"", f);
    }
}

/* One radio group: "all" then one button per name of kind. */
static void group(FILE *f, const es_report_page_t *p, const char *kind, const char *key, const char *title)
{
    json_t *idx = json_object_get(p->fidx, kind);
    if (json_object_size(idx) < 2)
        return; /* nothing to choose between */
    fprintf(f, "<fieldset><legend>%s</legend><input type=\"radio\" name=\"%s\" id=\"%s-all\" checked>"
               "<label for=\"%s-all\">all</label>",
            title, key, key, key);
    const char *name;
    json_t *v;
    json_object_foreach(idx, name, v) {
        long long i = (long long)json_integer_value(v);
        fprintf(f, "<input type=\"radio\" name=\"%s\" id=\"%s-%lld\"><label for=\"%s-%lld\">", key, key, i, key, i);
        es__report_esc(f, *name ? name : "(no brand)", 0, 0);
        fputs("</label>", f);
    }
    fputs("</fieldset>\n", f);
}

void es__report_filters_render(FILE *f, const es_report_page_t *p)
{
    fputs("<form class=\"filters\" id=\"filters\" aria-label=\"Filters\">\n", f);
    group(f, p, "brand", "fb", "Brand");
    group(f, p, "topic", "ft", "Topic");
    group(f, p, "network", "fn", "Network");
    int64_t window = p->opts->now - p->opts->since;
    fputs("<fieldset><legend>Dates</legend><input type=\"radio\" name=\"fd\" id=\"fd-all\" checked>"
          "<label for=\"fd-all\">whole window</label>",
          f);
    for (size_t r = 0; r < NRANGES; r++)
        if (RANGES[r].secs < window)
            fprintf(f, "<input type=\"radio\" name=\"fd\" id=\"fd-%s\"><label for=\"fd-%s\">%s</label>", RANGES[r].id,
                    RANGES[r].id, RANGES[r].label);
    fputs("</fieldset>\n", f);
    /* The selection's figures, rewritten by the page's script (script.c). */
    long long l[4] = {0, 0, 0, 0}, n = 0;
    static const char *const names[] = {"positive", "neutral", "negative", "unscored"};
    size_t i;
    json_t *b;
    json_array_foreach(json_object_get(p->model, "brands"), i, b)
        for (int k = 0; k < 4; k++)
            l[k] += (long long)json_integer_value(json_object_get(json_object_get(b, "labels"), names[k]));
    n = l[0] + l[1] + l[2] + l[3];
    char a[32], s1[32], s2[32], s3[32];
    es_numfmt_int(n, a, sizeof a);
    es_numfmt_percent(n ? (double)l[0] / (double)n : 0, s1, sizeof s1);
    es_numfmt_percent(n ? (double)l[1] / (double)n : 0, s2, sizeof s2);
    es_numfmt_percent(n ? (double)l[2] / (double)n : 0, s3, sizeof s3);
    fprintf(f, "<p class=\"selection\" id=\"selection\">Selected: <b data-q=\"n\" data-f=\"c\">%s</b> mentions, "
               "<b data-q=\"pos/n\" data-f=\"p\">%s</b> positive, <b data-q=\"neu/n\" data-f=\"p\">%s</b> neutral, "
               "<b data-q=\"neg/n\" data-f=\"p\">%s</b> negative.</p>\n",
            a, s1, s2, s3);
    fputs("<p class=\"note\">Filters hide the rows, charts and bars of other brands, topics, networks or dates. "
          "The selection above, share of voice, mentions by brand (totals, shares, bar scales), the two time "
          "charts (bars, line, scales), the topics table, channels, and owned and earned (bars, counts, networks' "
          "and languages' shares) are recomputed for the filters; what a section does not recompute its note "
          "says.</p>\n</form>\n",
          f);
}

void es__report_filters_css(FILE *f, const es_report_page_t *p)
{
    int64_t window = p->opts->now - p->opts->since;
    fputs("<style>\n", f);
    static const char *const kinds[] = {"brand", "topic", "network"};
    static const char *const keys[] = {"fb", "ft", "fn"};
    static const char tags[] = {'b', 't', 'n'};
    for (int k = 0; k < 3; k++) {
        json_t *idx = json_object_get(p->fidx, kinds[k]);
        size_t n = json_object_size(idx);
        if (n < 2)
            continue;
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%sbody:has(#%s-%zu:checked) [data-%s]:not([data-%s~=\"%c%zu\"])", i ? ",\n" : "", keys[k], i,
                    keys[k], keys[k], tags[k], i);
        fputs("{display:none}\n", f);
    }
    int n = 0;
    for (size_t r = 0; r < NRANGES; r++)
        if (RANGES[r].secs < window)
            fprintf(f, "%sbody:has(#fd-%s:checked) [data-fd]:not([data-fd~=\"%s\"])", n++ ? ",\n" : "", RANGES[r].id,
                    RANGES[r].id);
    if (n)
        fputs("{display:none}\n", f);
    fputs("</style>\n", f);
}
