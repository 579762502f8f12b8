/* Helpers the section files share (internal to core/report/). */
#ifndef ES_REPORT_SECTIONS_H
#define ES_REPORT_SECTIONS_H

#include <stdio.h>

#include <earshot/numfmt.h>
#include "report.h"
#include "svg.h"

static inline const char *rs_bname(json_t *b)
{
    const char *n = json_string_value(json_object_get(b, "name"));
    return n && *n ? n : "(no brand)";
}

static inline const char *rs_raw_name(json_t *b)
{
    const char *n = json_string_value(json_object_get(b, "name"));
    return n ? n : "";
}

static inline long long rs_int(json_t *o, const char *k)
{
    return (long long)json_integer_value(json_object_get(o, k));
}

/* Words or phrases as chips ("refund ×12"), or `none` in italics. */
static inline void rs_chips(FILE *f, json_t *arr, const char *cls, const char *text_key, const char *n_key,
                            const char *none)
{
    size_t j;
    json_t *c;
    json_array_foreach(arr, j, c) {
        fprintf(f, "<span class=\"%s\">", cls);
        es__report_esc(f, json_string_value(json_object_get(c, text_key)), 0, 0);
        fprintf(f, " \xC3\x97%lld</span>", rs_int(c, n_key));
    }
    if (!json_array_size(arr))
        fprintf(f, "<i>%s</i>", none);
}

static inline void rs_empty(FILE *f, const es_report_page_t *p, const char *what)
{
    char from[40];
    es__report_fmt_time(p->opts->since, from, sizeof from);
    fprintf(f, "<p class=\"empty\">%s since %s.</p>\n", what, from);
}

/* A share as people read it ("66.7%"): core/include/earshot/numfmt.h. */
static inline const char *rs_pct(double num, double den, char *buf, size_t n)
{
    es_numfmt_percent(den > 0 ? num / den : 0, buf, n);
    return buf;
}

static inline const char *rs_int_s(long long v, char *buf, size_t n)
{
    es_numfmt_int(v, buf, n);
    return buf;
}

/* Brand colours by rank, stable within one page. */
static inline const char *rs_brand_color(size_t rank)
{
    static const char *const palette[] = {"#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756",
                                          "#72b7b2", "#eeca3b", "#9d755d"};
    return rank < 8 ? palette[rank] : "#bab0ac";
}

/* A link to an http(s) URL with its text cut to max_px (13 px font), or
 * the text alone when the URL is not one. */
static inline void rs_link(FILE *f, const char *url, const char *text, double max_px)
{
    int ok = es__report_href_ok(url);
    if (ok) {
        fputs("<a rel=\"noopener noreferrer nofollow\" href=\"", f);
        es__report_esc(f, url, 0, 0);
        fputs("\">", f);
    }
    es__report_esc(f, text && *text ? text : url ? url : "", max_px, 13);
    if (ok)
        fputs("</a>", f);
}

#endif
