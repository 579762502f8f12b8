/*
 * Sentiment over time, per brand, all three labels: the days of the
 * window in one panel, the last 48 hours by the hour in another, each on
 * its own scale (an hour's count next to a day's would read as calm).
 */
#include <math.h>
#include <string.h>
#include <time.h>

#include "sections.h"

static const char *const LNAMES[] = {"positive", "neutral", "negative", "unscored"};
static const char *const LCOL[] = {RP_POS, RP_NEU, RP_NEG, RP_UNS};

static long long cell(json_t *tr, size_t k, int l)
{
    return (long long)json_integer_value(json_array_get(json_array_get(tr, k), (size_t)l));
}

/* One panel: buckets [k0, k1) of the brand's trend across [x, x + w]. */
static void panel(FILE *f, const es_report_page_t *p, json_t *b, size_t k0, size_t k1, double x, double w, double top,
                  double ph, int hourly)
{
    json_t *tr = json_object_get(b, "trend"), *bk = json_object_get(json_object_get(p->model, "trend"), "buckets");
    size_t nb = k1 - k0;
    if (!nb)
        return;
    long long vmax = 1;
    for (size_t k = k0; k < k1; k++) {
        long long s = 0;
        for (int l = 0; l < 4; l++)
            s += cell(tr, k, l);
        vmax = s > vmax ? s : vmax;
    }
    double step = es__report_nice_step((double)vmax, 4), amax = ceil((double)vmax / step) * step;
    double yb = top + ph, slot = w / (double)nb, bw = slot * 0.8 < 1 ? 1 : slot * 0.8 > 30 ? 30 : slot * 0.8;
    /* data-tb, data-k, data-l: redrawn for the filters from the time cube
     * (script.c), the scale and its axis (g.yax) too. */
    fprintf(f, "<g data-tb=\"%d\" data-ax=\"%.1f %.1f %.1f %.1f\">\n<g class=\"yax\">",
            es__report_fidx(p, "brand", rs_raw_name(b)), x, w, yb, ph);
    for (double v = 0; v <= amax + 1e-9; v += step) {
        char lab[32];
        double y = yb - v / amax * ph;
        es_numfmt_int(llround(v), lab, sizeof lab);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, y, x + w, y);
        rp_svg_text(f, x - 5, y + 4, "end", 11, 0, NULL, lab);
    }
    fputs("</g>", f);
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x, yb, x + w, yb);
    for (size_t k = k0; k < k1; k++) {
        long long t = (long long)json_integer_value(json_array_get(bk, k));
        double x0 = x + (double)(k - k0) * slot + (slot - bw) / 2, y = yb;
        long long s = 0;
        for (int l = 0; l < 4; l++)
            s += cell(tr, k, l);
        if (!s)
            continue;
        char when[40];
        if (hourly)
            es__report_fmt_time(t, when, sizeof when);
        else
            es__report_fmt_day(t / ES_REPORT_DAY, when, sizeof when);
        fprintf(f, "<g data-k=\"%zu\"", k);
        es__report_fattrs(f, p, NULL, NULL, NULL, t + (hourly ? 3599 : ES_REPORT_DAY - 1));
        fprintf(f, "><title>%s: %lld mentions", when, s);
        for (int l = 0; l < 4; l++) {
            char pc[32];
            if (cell(tr, k, l))
                fprintf(f, ", %lld %s (%s)", cell(tr, k, l), LNAMES[l], rs_pct((double)cell(tr, k, l), (double)s, pc, sizeof pc));
        }
        fputs("</title>", f);
        static const int order[] = {2, 1, 0, 3}; /* negative at the bottom */
        for (int o = 0; o < 4; o++) {
            int li = order[o];
            long long v = cell(tr, k, li);
            if (!v)
                continue;
            double hh = (double)v / amax * ph;
            y -= hh;
            fprintf(f, "<rect class=\"lab-%s\" data-l=\"%d\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/>",
                    LNAMES[li], li, x0, y, bw, hh, LCOL[li]);
        }
        fputs("</g>\n", f);
    }
    fputs("</g>\n", f);
    /* Time labels spaced so they never touch. */
    double lw = hourly ? 40 : 50;
    size_t every = (size_t)ceil(lw / slot);
    every = every < 1 ? 1 : every;
    if (hourly)
        while (every < nb && 24 % every && every < 24)
            every++; /* 1, 2, 3, 4, 6, 8, 12, 24 h: readable steps */
    for (size_t k = k0; k < k1; k += every) {
        long long t = (long long)json_integer_value(json_array_get(bk, k));
        char lab[16];
        if (hourly) {
            time_t tt = (time_t)t;
            struct tm tm;
            gmtime_r(&tt, &tm);
            strftime(lab, sizeof lab, tm.tm_hour == 0 ? "%b %d" : "%H:00", &tm);
        } else {
            es__report_fmt_day_short(t / ES_REPORT_DAY, lab, sizeof lab);
        }
        rp_svg_text(f, x + ((double)(k - k0) + 0.5) * slot, yb + 16, "middle", 11, 0, NULL, lab);
    }
    rp_svg_axis_title(f, x + w / 2, yb + 36, 0, hourly ? "hour (UTC), last 48 h" : "day (UTC)");
}

static void trend_one(FILE *f, const es_report_page_t *p, json_t *b)
{
    json_t *tm = json_object_get(p->model, "trend");
    size_t nb = json_array_size(json_object_get(tm, "buckets")), ndaily = 0;
    long long cut = rs_int(tm, "cut");
    json_t *bk = json_object_get(tm, "buckets");
    while (ndaily < nb && json_integer_value(json_array_get(bk, ndaily)) < cut)
        ndaily++;
    fputs("<div class=\"trend\"", f);
    es__report_fattrs(f, p, rs_raw_name(b), NULL, NULL, -1);
    fputs("><h3>", f);
    es__report_esc(f, rs_bname(b), 0, 0);
    json_t *lab = json_object_get(b, "labels");
    long long tot = rs_int(b, "total");
    char a[32], c[32], d[32];
    /* data-q: the shares of the filters' selection (script.c). */
    int bi = es__report_fidx(p, "brand", rs_raw_name(b));
    fprintf(f, " <small>\xE2\x80\x94 <span data-q=\"pos/n:%d\" data-f=\"p\">%s</span> positive, "
               "<span data-q=\"neu/n:%d\" data-f=\"p\">%s</span> neutral, "
               "<span data-q=\"neg/n:%d\" data-f=\"p\">%s</span> negative</small></h3>\n",
            bi, rs_pct((double)rs_int(lab, "positive"), (double)tot, a, sizeof a), bi,
            rs_pct((double)rs_int(lab, "neutral"), (double)tot, c, sizeof c), bi,
            rs_pct((double)rs_int(lab, "negative"), (double)tot, d, sizeof d));
    char aria[300];
    snprintf(aria, sizeof aria, "Sentiment over time of %.200s", rs_bname(b));
    const double W = 1000, top = 40, H = 220, ph = H - top - 58;
    rp_svg_open(f, W, H, aria);
    rp_legend_t leg[4];
    int nl = 0;
    long long uns = rs_int(lab, "unscored");
    for (int l = 0; l < 4; l++)
        if (l < 3 || uns)
            leg[nl++] = (rp_legend_t){'r', LCOL[l], LNAMES[l]};
    rp_svg_legend(f, 64, 16, leg, nl);
    double L = 64, gap = 70;
    if (ndaily && nb > ndaily) {
        double wd = (W - L - gap - 20) * 0.55, wh = W - L - gap - 20 - wd;
        panel(f, p, b, 0, ndaily, L, wd, top, ph, 0);
        panel(f, p, b, ndaily, nb, L + wd + gap, wh, top, ph, 1);
        rp_svg_axis_title(f, 14, top + ph / 2, -90, "mentions per day");
        rp_svg_axis_title(f, L + wd + 16, top + ph / 2, -90, "per hour");
    } else {
        panel(f, p, b, 0, nb, L, W - L - 20, top, ph, !ndaily);
        rp_svg_axis_title(f, 14, top + ph / 2, -90, ndaily ? "mentions per day" : "mentions per hour");
    }
    rp_svg_close(f);
    fputs("</div>\n", f);
}

void es__report_section_trend(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b;
    size_t i, shown = 0;
    fputs("<section id=\"trend\">\n<h2>Sentiment over time</h2>\n"
          "<p class=\"note\">Mentions per bucket by sentiment label (negative at the bottom): by the day over the "
          "window, by the hour over the last 48 hours, each panel on its own scale. Under the filters the bars are "
          "redrawn for the selection, on its own scale; a date range shows the whole days and hours it "
          "touches.</p>\n"
          "<p class=\"note tcomb\" hidden>With both a topic and a network chosen, these charts show the topic's mentions on every network: the page carries the time charts' counts per network and per topic, not per pair.</p>\n",
          f);
    json_array_foreach(brands, i, b) {
        if (rs_int(b, "total") && json_array_size(json_object_get(b, "trend"))) {
            trend_one(f, p, b);
            shown++;
        }
    }
    if (!shown)
        rs_empty(f, p, "No mentions");
    fputs("</section>\n", f);
}
