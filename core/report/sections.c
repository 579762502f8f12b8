/*
 * The chart sections: sentiment per brand, volume and negative share over
 * time with alerts, channels, negative issues per day, responses per team.
 * Every label is measured and cut to its slot so nothing overlaps, for one
 * brand or twenty.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sections.h"

/* ---- sentiment per brand ----------------------------------------------- */

static const char *const LABELS[] = {"positive", "neutral", "negative", "unscored"};
static const char *const LCOLORS[] = {RP_POS, RP_NEU, RP_NEG, RP_UNS};

void es__report_section_sentiment(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands");
    size_t n = json_array_size(brands), i;
    json_t *b;
    fputs("<section id=\"sentiment\">\n<h2>Mentions and sentiment by brand</h2>\n", f);
    long long max = 0, uns = 0;
    json_array_foreach(brands, i, b) {
        if (rs_int(b, "total") > max)
            max = rs_int(b, "total");
        uns += rs_int(json_object_get(b, "labels"), "unscored");
    }
    if (!max) {
        rs_empty(f, p, "No mentions");
        fputs("</section>\n", f);
        return;
    }
    fputs("<p class=\"note\">Bar length: mentions in the window, or in the selection under a filter; colours: share of each sentiment label.</p>\n", f);
    const double W = 1000, LW = 190, RW = 170, top = 40, row = 26, bh = 16;
    double aw = W - LW - RW - 10, h = top + (double)n * row + 46;
    double step = es__report_nice_step((double)max, 6), amax = ceil((double)max / step) * step;
    rp_svg_open(f, W, h, "Mentions per brand by sentiment label");
    rp_legend_t leg[4];
    int nl = 0;
    for (int l = 0; l < 4; l++)
        if (l < 3 || uns)
            leg[nl++] = (rp_legend_t){'r', LCOLORS[l], LABELS[l]};
    rp_svg_legend(f, LW, 18, leg, nl);
    double axis_y = top + (double)n * row + 2;
    /* The axis and the bars are redrawn on the selection's scale (script.c). */
    fprintf(f, "<g id=\"sent-axis\" data-ax=\"%.0f %.0f %.0f %.0f\" data-max=\"%.0f\">", LW, LW + aw, axis_y, top - 6,
            amax);
    rp_svg_xaxis(f, LW, LW + aw, axis_y, top - 6, amax, step, 0, "mentions");
    fputs("</g>\n", f);
    json_array_foreach(brands, i, b) {
        double y = top + (double)i * row;
        json_t *lab = json_object_get(b, "labels");
        long long tot = rs_int(b, "total");
        fprintf(f, "<g data-sb=\"%d\" data-x0=\"%.0f\" data-len=\"%.2f\"",
                es__report_fidx(p, "brand", json_string_value(json_object_get(b, "name"))), LW, aw);
        es__report_fattrs(f, p, json_string_value(json_object_get(b, "name")), NULL, NULL, -1);
        fputs(">", f);
        rp_svg_text(f, LW - 8, y + bh - 3, "end", 12, LW - 16, NULL, rs_bname(b));
        double x = LW;
        for (int l = 0; l < 4; l++) {
            long long c = rs_int(lab, LABELS[l]);
            if (!c) { /* drawn when a filter gives it mentions */
                fprintf(f, "<rect data-l=\"%d\" x=\"%.2f\" y=\"%.1f\" width=\"0\" height=\"%.0f\" fill=\"%s\"/>\n", l, x,
                        y, bh, LCOLORS[l]);
                continue;
            }
            double w = (double)c / amax * aw;
            fputs("<rect data-brand=\"", f);
            es__report_esc(f, json_string_value(json_object_get(b, "name")), 0, 0);
            fprintf(f, "\" data-label=\"%s\" data-count=\"%lld\" data-l=\"%d\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" "
                       "height=\"%.0f\" fill=\"%s\"><title>",
                    LABELS[l], c, l, x, y, w, bh, LCOLORS[l]);
            es__report_esc(f, rs_bname(b), 0, 0);
            char pc[32];
            es_numfmt_percent((double)c / (double)tot, pc, sizeof pc);
            fprintf(f, ": %lld %s (%s)</title></rect>\n", c, LABELS[l], pc);
            x += w;
        }
        char t[32], lab2[96];
        rp_fmt_int(tot, t, sizeof t);
        char pc[32];
        es_numfmt_percent((double)rs_int(lab, "negative") / (double)(tot ? tot : 1), pc, sizeof pc);
        snprintf(lab2, sizeof lab2, "%s \xC2\xB7 %s negative", t, pc);
        rp_svg_text(f, x + 6, y + bh - 3, "start", 11, RW + (LW + aw - x) - 8, "class=\"sbl\"", lab2);
        fputs("</g>\n", f);
    }
    rp_svg_close(f);
    /* The exact figures. */
    fputs("<table class=\"sentiment\"><tr><th>Brand</th><th class=\"n\">Mentions</th><th class=\"n\">Positive</th>"
          "<th class=\"n\">Neutral</th><th class=\"n\">Negative</th>",
          f);
    if (uns)
        fputs("<th class=\"n\">Unscored</th>", f);
    fputs("<th class=\"n\">Negative share</th><th class=\"n\">Alerts</th></tr>\n", f);
    json_array_foreach(brands, i, b) {
        json_t *lab = json_object_get(b, "labels");
        long long tot = rs_int(b, "total");
        if (!tot)
            continue;
        fputs("<tr", f);
        es__report_fattrs(f, p, json_string_value(json_object_get(b, "name")), NULL, NULL, -1);
        fputs("><td>", f);
        es__report_esc(f, rs_bname(b), 0, 0);
        int bi = es__report_fidx(p, "brand", json_string_value(json_object_get(b, "name")));
        fprintf(f, "</td><td class=\"n\" data-q=\"n:%d\">%lld</td><td class=\"n\" data-q=\"pos:%d\">%lld</td>"
                   "<td class=\"n\" data-q=\"neu:%d\">%lld</td><td class=\"n\" data-q=\"neg:%d\">%lld</td>",
                bi, tot, bi, rs_int(lab, "positive"), bi, rs_int(lab, "neutral"), bi, rs_int(lab, "negative"));
        if (uns)
            fprintf(f, "<td class=\"n\" data-q=\"uns:%d\">%lld</td>", bi, rs_int(lab, "unscored"));
        size_t na = 0, k;
        json_t *al;
        json_array_foreach(json_object_get(b, "alerts"), k, al) {
            const char *ev = json_string_value(json_object_get(al, "event"));
            na += !(ev && strstr(ev, "_ended"));
        }
        char pc[32];
        es_numfmt_percent((double)rs_int(lab, "negative") / (double)tot, pc, sizeof pc);
        fprintf(f, "<td class=\"n\" data-q=\"neg/n:%d\" data-f=\"p\">%s</td><td class=\"n\" data-aq=\"%d\">%zu</td></tr>\n", bi,
                pc, bi, na);
    }
    fputs("</table>\n</section>\n", f);
}

/* ---- volume and negative share over time -------------------------------- */

static void timeline_one(FILE *f, const es_report_page_t *p, json_t *b)
{
    long long day0 = rs_int(p->model, "day0"), nd = rs_int(p->model, "ndays");
    json_t *days = json_object_get(b, "days"), *alerts = json_object_get(b, "alerts");
    const double W = 1000, L = 64, R = 64, top = 40, H = 236, bottom = 58;
    double pw = W - L - R, ph = H - top - bottom, slot = pw / (double)nd;
    double bw = slot * 0.76 < 1 ? 1 : slot * 0.76 > 48 ? 48 : slot * 0.76;
    long long vmax = 0, neg = 0, tot = 0;
    for (long long d = 0; d < nd; d++) {
        json_t *x = json_array_get(days, (size_t)d);
        long long v = json_integer_value(json_array_get(x, 0));
        vmax = v > vmax ? v : vmax;
        tot += v;
        neg += json_integer_value(json_array_get(x, 1));
    }
    size_t na = 0, i;
    json_t *al;
    json_array_foreach(alerts, i, al) {
        const char *ev = json_string_value(json_object_get(al, "event"));
        na += !(ev && strstr(ev, "_ended"));
    }
    fputs("<div class=\"timeline-brand\"", f);
    es__report_fattrs(f, p, json_string_value(json_object_get(b, "name")), NULL, NULL, -1);
    fputs("><h3>", f);
    es__report_esc(f, rs_bname(b), 0, 0);
    char pc[32];
    es_numfmt_percent(tot ? (double)neg / (double)tot : 0.0, pc, sizeof pc);
    /* data-q, data-aq: the filters' selection (script.c; the alerts
     * counted as the alerts table's rows the selection shows). */
    int bi = es__report_fidx(p, "brand", json_string_value(json_object_get(b, "name")));
    fprintf(f, " <small>\xE2\x80\x94 <span data-q=\"n:%d\">%lld</span> mentions, <span data-q=\"neg:%d\">%lld</span> "
               "negative (<span data-q=\"neg/n:%d\" data-f=\"p\">%s</span>), <span data-aq=\"%d\" data-f=\"w\">%zu alert%s</span>"
               "</small></h3>\n",
            bi, tot, bi, neg, bi, pc, bi, na, na == 1 ? "" : "s");
    char aria[300];
    snprintf(aria, sizeof aria, "Daily mentions and negative share of %.200s", rs_bname(b));
    rp_svg_open(f, W, H, aria);
    static const rp_legend_t leg[] = {{'r', RP_NEG, "negative mentions"},
                                      {'r', "#8fb3d9", "other mentions"},
                                      {'l', RP_LINE, "negative share (right axis)"},
                                      {'v', RP_ALERT, "alert raised"}};
    rp_svg_legend(f, L, 16, leg, 4);
    double step = es__report_nice_step((double)(vmax ? vmax : 1), 4);
    double amax = ceil((double)(vmax ? vmax : 1) / step) * step;
    double yb = top + ph;
    /* Left axis: mentions per day (redrawn for the filters: g.yax);
     * right axis: negative share. */
    fputs("<g class=\"yax\">", f);
    for (double v = 0; v <= amax + 1e-9; v += step) {
        double y = yb - v / amax * ph;
        char lab[32];
        rp_fmt_int((long long)llround(v), lab, sizeof lab);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", L, y, L + pw, y);
        rp_svg_text(f, L - 6, y + 4, "end", 11, 0, NULL, lab);
    }
    fputs("</g>", f);
    for (int s = 0; s <= 100; s += 25) {
        char lab[8];
        snprintf(lab, sizeof lab, "%d%%", s);
        rp_svg_text(f, L + pw + 6, yb - s / 100.0 * ph + 4, "start", 11, 0, NULL, lab);
    }
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", L, top, L, yb);
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", L + pw, top, L + pw, yb);
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", L, yb, L + pw, yb);
    rp_svg_axis_title(f, 14, top + ph / 2, -90, "mentions per day");
    rp_svg_axis_title(f, W - 12, top + ph / 2, 90, "negative share");
    /* Bars, and the share line broken over days without mentions. */
    char path[64];
    int pen = 0;
    /* data-vb, data-d, data-l: the days redrawn for the filters from the
     * time cube (script.c), with the line, its dots and the left axis. */
    fprintf(f, "<g class=\"bars\" data-vb=\"%d\" data-ax=\"%.1f %.1f %.1f %.1f %.4f\">\n", bi, L, pw, yb, ph, slot);
    for (long long d = 0; d < nd; d++) {
        json_t *x = json_array_get(days, (size_t)d);
        long long v = json_integer_value(json_array_get(x, 0)), ng = json_integer_value(json_array_get(x, 1));
        if (!v)
            continue;
        double x0 = L + (double)d * slot + (slot - bw) / 2, hn = (double)ng / amax * ph, ho = (double)(v - ng) / amax * ph;
        char day[16];
        es__report_fmt_day(day0 + d, day, sizeof day);
        char pc[32];
        es_numfmt_percent((double)ng / (double)v, pc, sizeof pc);
        fprintf(f, "<g data-d=\"%lld\"", d);
        es__report_fattrs(f, p, NULL, NULL, NULL, (day0 + d) * ES_REPORT_DAY + ES_REPORT_DAY - 1);
        fprintf(f, "><title>%s: %lld mentions, %lld negative (%s)</title>", day, v, ng, pc);
        fprintf(f, "<rect data-l=\"o\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#8fb3d9\"/>", x0,
                yb - hn - ho, bw, ho);
        fprintf(f, "<rect data-l=\"g\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"/></g>\n", x0,
                yb - hn, bw, hn, RP_NEG);
    }
    fputs("</g>\n<path class=\"nsl\" fill=\"none\" stroke=\"" RP_LINE "\" stroke-width=\"2\" stroke-linejoin=\"round\" d=\"", f);
    for (long long d = 0; d < nd; d++) {
        json_t *x = json_array_get(days, (size_t)d);
        long long v = json_integer_value(json_array_get(x, 0)), ng = json_integer_value(json_array_get(x, 1));
        if (!v) {
            pen = 0;
            continue;
        }
        snprintf(path, sizeof path, "%c%.1f %.1f ", pen ? 'L' : 'M', L + ((double)d + 0.5) * slot,
                 yb - (double)ng / (double)v * ph);
        fputs(path, f);
        pen = 1;
    }
    fputs("\"/>\n", f);
    if (nd <= 62)
        for (long long d = 0; d < nd; d++) {
            json_t *x = json_array_get(days, (size_t)d);
            long long v = json_integer_value(json_array_get(x, 0)), ng = json_integer_value(json_array_get(x, 1));
            if (v) {
                fprintf(f, "<circle data-d=\"%lld\"", d);
                es__report_fattrs(f, p, NULL, NULL, NULL, (day0 + d) * ES_REPORT_DAY + ES_REPORT_DAY - 1);
                fprintf(f, " cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"" RP_LINE "\"/>", L + ((double)d + 0.5) * slot,
                        yb - (double)ng / (double)v * ph);
            }
        }
    /* Date labels: as many as fit without touching. */
    long long every = (long long)ceil(60.0 / slot);
    if (every < 1)
        every = 1;
    for (long long d = 0; d < nd; d += every) {
        char lab[16];
        es__report_fmt_day_short(day0 + d, lab, sizeof lab);
        double x = L + ((double)d + 0.5) * slot;
        fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, yb, x, yb + 4);
        rp_svg_text(f, x, yb + 16, "middle", 11, 0, NULL, lab);
    }
    char first[16], last[16], axis[80];
    es__report_fmt_day(day0, first, sizeof first);
    es__report_fmt_day(day0 + nd - 1, last, sizeof last);
    snprintf(axis, sizeof axis, "day (UTC), %s to %s", first, last);
    rp_svg_axis_title(f, L + pw / 2, yb + 36, 0, axis);
    /* Alerts: a dashed rule at the bucket's start and a marker above. */
    json_array_foreach(alerts, i, al) {
        const char *ev = json_string_value(json_object_get(al, "event"));
        if (ev && strstr(ev, "_ended"))
            continue;
        long long s = rs_int(al, "bucket_start");
        double x = L + ((double)s / ES_REPORT_DAY - (double)day0) * slot;
        if (x < L || x > L + pw)
            continue;
        char when[40];
        es__report_fmt_time(s, when, sizeof when);
        fputs("<g class=\"alert-marker\"", f);
        /* The brand is the chart's; its topic, network and start for the filters. */
        es__report_fattrs(f, p, NULL, json_string_value(json_object_get(al, "topic")),
                         json_string_value(json_object_get(al, "network")), s);
        fputs(" data-alert-id=\"", f);
        es__report_esc(f, json_string_value(json_object_get(al, "id")), 0, 0);
        fputs("\"><title>Alert ", f);
        es__report_esc(f, ev, 0, 0);
        fprintf(f, " at %s: %lld negative of %lld mentions", when, rs_int(al, "count"), rs_int(al, "total"));
        double pv = json_number_value(json_object_get(al, "p_value"));
        if (pv >= 0) {
            char pt[32];
            es_numfmt_p(pv, pt, sizeof pt);
            fputs(", ", f);
            es__report_esc(f, pt, 0, 0); /* "p < 0.001": the < is markup */
        }
        const char *series = json_string_value(json_object_get(al, "series"));
        if (series && *series) {
            fputs(" (series ", f);
            es__report_esc(f, series, 0, 0);
            fputs(")", f);
        }
        fprintf(f, "</title><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\" "
                   "stroke-dasharray=\"4 3\"/><path d=\"M%.1f %.1fl12 0l-6 10z\" fill=\"%s\"/></g>\n",
                x, top, x, yb, RP_ALERT, x - 6, top - 11, RP_ALERT);
    }
    rp_svg_close(f);
    fputs("</div>\n", f);
}

void es__report_section_timeline(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b;
    size_t i, shown = 0;
    fputs("<section id=\"timeline\">\n<h2>Volume and negative share over time</h2>\n"
          "<p class=\"note\">Bars: mentions per day (negative at the bottom). Line: share of negative mentions "
          "that day. Orange markers: alerts raised by the negative-spike detector. Under the filters the bars, the line "
          "and the left axis are redrawn for the selection; a date range shows the whole days it touches. An alert "
          "follows the filters by its brand, topic, network and start; one raised over every topic or network "
          "stays shown under a topic or network filter, and is counted.</p>\n"
          "<p class=\"note tcomb\" hidden>With both a topic and a network chosen, these charts show the topic's mentions on every network: the page carries the time charts' counts per network and per topic, not per pair.</p>\n",
          f);
    json_array_foreach(brands, i, b) {
        if (rs_int(b, "total") || json_array_size(json_object_get(b, "alerts"))) {
            timeline_one(f, p, b);
            shown++;
        }
    }
    if (!shown)
        rs_empty(f, p, "No mentions");
    fputs("</section>\n", f);
}

/* ---- channels ---------------------------------------------------------- */

#define CH_ROWS 8

void es__report_section_channels(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b;
    size_t i, shown = 0;
    fputs("<section id=\"channels\">\n<h2>Channels: where the conversation happens</h2>\n"
          "<p class=\"note\">Mentions per network and source (plugin instance), per brand. Under the filters each "
          "channel's count and share, the other channels' and the scale are recomputed for the selection; the channels "
          "listed, and their order, are the whole window's largest.</p>\n<div class=\"grid2\">\n",
          f);
    json_array_foreach(brands, i, b) {
        long long tot = rs_int(b, "total");
        json_t *ch = json_object_get(b, "channels");
        size_t nc = json_array_size(ch);
        if (!tot || !nc)
            continue;
        shown++;
        size_t rows = nc > CH_ROWS ? CH_ROWS + 1 : nc;
        long long max = rs_int(json_array_get(ch, 0), "n"), rest = 0;
        for (size_t k = CH_ROWS; k < nc; k++)
            rest += rs_int(json_array_get(ch, k), "n");
        if (rest > max)
            max = rest;
        const double W = 480, LW = 180, RW = 96, row = 22, bh = 14, top = 30;
        double aw = W - LW - RW - 4, h = top + (double)rows * row + 44;
        /* data-chb: the script (script.c) redraws the rows for the selection. */
        fprintf(f, "<div data-chb=\"%d\" data-x0=\"%.0f\" data-len=\"%.0f\"",
                es__report_fidx(p, "brand", json_string_value(json_object_get(b, "name"))), LW, aw);
        es__report_fattrs(f, p, json_string_value(json_object_get(b, "name")), NULL, NULL, -1);
        fputs("><h3>", f);
        es__report_esc(f, rs_bname(b), 0, 0);
        fputs("</h3>\n", f);
        char aria[300];
        snprintf(aria, sizeof aria, "Channels of %.200s", rs_bname(b));
        rp_svg_open(f, W, h, aria);
        /* Legend: the networks drawn, in their colours, as many as fit. */
        rp_legend_t leg[CH_ROWS + 1];
        int nl = 0;
        double lw = 0;
        for (size_t k = 0; k < rows && k < CH_ROWS; k++) {
            const char *net = json_string_value(json_object_get(json_array_get(ch, k), "network"));
            int dup = 0;
            for (int q = 0; q < nl; q++)
                dup |= !strcmp(leg[q].label, net);
            rp_legend_t e = {'r', rp_color_for(net), net};
            if (dup || lw + rp_svg_legend_width(&e, 1) > W - 10)
                continue;
            lw += rp_svg_legend_width(&e, 1);
            leg[nl++] = e;
        }
        rp_svg_legend(f, 4, 16, leg, nl);
        double step = es__report_nice_step((double)max, 4), amax = ceil((double)max / step) * step;
        fprintf(f, "<g class=\"xax\" data-ax=\"%.0f %.0f %.0f %.0f\" data-at=\"mentions\">", LW, LW + aw,
                top + (double)rows * row, top - 4);
        rp_svg_xaxis(f, LW, LW + aw, top + (double)rows * row, top - 4, amax, step, 0, "mentions");
        fputs("</g>\n", f);
        max = (long long)amax;
        for (size_t k = 0; k < rows; k++) {
            json_t *c = json_array_get(ch, k);
            char label[300];
            long long v;
            const char *color;
            if (k == CH_ROWS) {
                snprintf(label, sizeof label, "%zu other channels", nc - CH_ROWS);
                v = rest;
                color = "#9aa5b1";
            } else {
                const char *net = json_string_value(json_object_get(c, "network"));
                const char *src = json_string_value(json_object_get(c, "source"));
                if (src && *src && strcmp(src, net))
                    snprintf(label, sizeof label, "%.120s \xC2\xB7 %.120s", net, src);
                else
                    snprintf(label, sizeof label, "%.200s", net);
                v = rs_int(c, "n");
                color = rp_color_for(net);
            }
            double y = top + 4 + (double)k * row, w = max ? (double)v / (double)max * aw : 0;
            rp_svg_text(f, LW - 8, y + bh - 2, "end", 12, LW - 12, NULL, label);
            fprintf(f, "<g data-ck=\"%zu\">", k); /* the rest is k == CH_ROWS */
            fputs("<rect class=\"channel\" data-brand=\"", f);
            es__report_esc(f, json_string_value(json_object_get(b, "name")), 0, 0);
            fputs("\" data-channel=\"", f);
            es__report_esc(f, label, 0, 0);
            fprintf(f, "\" data-count=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" fill=\"%s\"/>\n", v,
                    LW, y, w < 1 ? 1 : w, bh, color);
            char lab[48];
            char pc[32];
            es_numfmt_percent((double)v / (double)tot, pc, sizeof pc);
            snprintf(lab, sizeof lab, "%lld (%s)", v, pc);
            rp_svg_text(f, LW + w + 5, y + bh - 2, "start", 11, 0, NULL, lab);
            fputs("</g>", f);
        }
        rp_svg_close(f);
        fputs("</div>\n", f);
    }
    fputs("</div>\n", f);
    if (!shown)
        rs_empty(f, p, "No mentions");
    fputs("</section>\n", f);
}

/* ---- negative issues per day ------------------------------------------- */

void es__report_section_issues(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b;
    size_t i, rows = 0;
    fputs("<section id=\"issues\">\n<h2>Top negative issues per day</h2>\n"
          "<p class=\"note\">Words over-represented in a day's negative mentions compared with all the brand's "
          "mentions of the window (\xC3\x97 number of negative mentions using them); on alert days, the words "
          "the detector listed come first. Up to 7 days per brand, busiest first. Under the filters the days follow "
          "the brand and the date range; which days are listed, and their terms and counts, are the window's over "
          "every topic and network.</p>\n",
          f);
    json_array_foreach(brands, i, b) {
        size_t k;
        json_t *is;
        json_array_foreach(json_object_get(b, "issues"), k, is) {
            if (!rows++)
                fputs("<table class=\"issues\"><tr><th>Brand</th><th>Day</th><th class=\"n\">Negative</th>"
                      "<th>Over-represented terms</th><th>Examples</th></tr>\n",
                      f);
            char day[16];
            es__report_fmt_day(rs_int(is, "day"), day, sizeof day);
            fputs("<tr", f);
            es__report_fattrs(f, p, json_string_value(json_object_get(b, "name")), NULL, NULL,
                             rs_int(is, "day") * ES_REPORT_DAY + ES_REPORT_DAY - 1);
            fputs("><td>", f);
            es__report_esc(f, rs_bname(b), 0, 0);
            fprintf(f, "</td><td>%s%s</td><td class=\"n\">%lld</td><td>", day,
                    json_is_true(json_object_get(is, "from_alert")) ? "<span class=\"badge\">alert</span>" : "",
                    rs_int(is, "negatives"));
            rs_chips(f, json_object_get(is, "terms"), "chip", "term", "count", "no recurring word");
            fputs("</td><td class=\"text\">", f);
            size_t t;
            json_t *u;
            json_array_foreach(json_object_get(is, "urls"), t, u) {
                const char *url = json_string_value(json_object_get(u, "url"));
                const char *text = json_string_value(json_object_get(u, "text"));
                if (!es__report_href_ok(url))
                    continue;
                fputs(t ? "<br>" : "", f);
                fputs("<a rel=\"noopener noreferrer nofollow\" href=\"", f);
                es__report_esc(f, url, 0, 0);
                fputs("\" title=\"", f);
                es__report_esc(f, url, 0, 0);
                fputs("\">", f);
                if (text && *text)
                    es__report_esc(f, text, 330, 13);
                else
                    es__report_esc(f, url + (url[4] == 's' ? 8 : 7), 330, 13);
                fputs("</a>", f);
            }
            fputs("</td></tr>\n", f);
        }
    }
    if (rows)
        fputs("</table>\n", f);
    else
        rs_empty(f, p, "No negative mentions");
    fputs("</section>\n", f);
}

/* ---- responses per owning team ----------------------------------------- */

void es__report_section_responses(FILE *f, const es_report_page_t *p)
{
    fputs("<section id=\"responses\">\n<h2>Response rate and time per owning team</h2>\n", f);
    if (!p->recon) {
        fputs("<p class=\"empty\">Not available: ", f);
        es__report_esc(f, p->recon_error ? p->recon_error : "no state database", 0, 0);
        fputs("</p>\n</section>\n", f);
        return;
    }
    json_t *teams = json_object_get(p->recon, "responses_by_team"), *t;
    size_t n = json_array_size(teams), i;
    if (!n) {
        rs_empty(f, p, "No mention addressed to an official account");
        fputs("</section>\n", f);
        return;
    }
    fputs("<p class=\"note\">Mentions addressed to an official account (by mention or reply) and the share "
          "its owning team answered; times to the first answer. Teams of every brand. Under the filters the network "
          "hides the other accounts; the rates and times are the window's, not recomputed for a brand, topic or "
          "date range.</p>\n",
          f);
    /* The figures after each bar are measured first, so the column is as
     * wide as its longest label and none is cut ("p90 105 ..."). */
    char (*labs)[160] = calloc(n, sizeof *labs);
    if (!labs) {
        fputs("</section>\n", f);
        return;
    }
    double RW = 120;
    json_array_foreach(teams, i, t) {
        char med[24] = "-", p90[24] = "-", rate[32];
        if (json_is_integer(json_object_get(t, "median_s")))
            es__report_fmt_duration(rs_int(t, "median_s"), med, sizeof med);
        if (json_is_integer(json_object_get(t, "p90_s")))
            es__report_fmt_duration(rs_int(t, "p90_s"), p90, sizeof p90);
        es_numfmt_percent(json_number_value(json_object_get(t, "rate")), rate, sizeof rate);
        snprintf(labs[i], sizeof labs[i], "%s \xC2\xB7 %lld/%lld \xC2\xB7 median %s \xC2\xB7 p90 %s", rate,
                 rs_int(t, "answered"), rs_int(t, "addressed"), med, p90);
        double w = es__report_text_px(labs[i], 11) + 16;
        RW = w > RW ? w : RW;
    }
    const double W = 1000, LW = 190, top = 40, row = 26, bh = 16;
    RW = RW > 420 ? 420 : RW;
    double aw = W - LW - RW - 10, h = top + (double)n * row + 46;
    rp_svg_open(f, W, h, "Answered share per owning team");
    static const rp_legend_t leg[] = {{'r', "#3d7dca", "answered"}, {'r', "#e4e7eb", "not answered"}};
    rp_svg_legend(f, LW, 18, leg, 2);
    rp_svg_xaxis(f, LW, LW + aw, top + (double)n * row + 2, top - 6, 100, 25, 1, "answered share");
    json_array_foreach(teams, i, t) {
        double y = top + (double)i * row, rate = json_number_value(json_object_get(t, "rate"));
        const char *owner = json_string_value(json_object_get(t, "owner"));
        rp_svg_text(f, LW - 8, y + bh - 3, "end", 12, LW - 16, NULL, owner && *owner ? owner : "(no owner)");
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" fill=\"#e4e7eb\"/>", LW, y, aw, bh);
        fputs("<rect class=\"rate\" data-team=\"", f);
        es__report_esc(f, owner ? owner : "", 0, 0);
        fprintf(f, "\" data-answered=\"%lld\" data-addressed=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
                   "fill=\"#3d7dca\"/>\n",
                rs_int(t, "answered"), rs_int(t, "addressed"), LW, y, rate * aw, bh);
        rp_svg_text(f, LW + aw + 8, y + bh - 3, "start", 11, RW - 6, NULL, labs[i]);
    }
    free(labs);
    rp_svg_close(f);
    fputs("<table class=\"responses\"><tr><th>Team</th><th class=\"n\">Addressed</th><th class=\"n\">Answered</th>"
          "<th class=\"n\">Rate</th><th class=\"n\">Median time</th><th class=\"n\">90th percentile</th></tr>\n",
          f);
    json_array_foreach(teams, i, t) {
        const char *owner = json_string_value(json_object_get(t, "owner"));
        char med[24] = "-", p90[24] = "-";
        if (json_is_integer(json_object_get(t, "median_s")))
            es__report_fmt_duration(rs_int(t, "median_s"), med, sizeof med);
        if (json_is_integer(json_object_get(t, "p90_s")))
            es__report_fmt_duration(rs_int(t, "p90_s"), p90, sizeof p90);
        fputs("<tr><td>", f);
        es__report_esc(f, owner && *owner ? owner : "(no owner)", 0, 0);
        char rate[32];
        es_numfmt_percent(json_number_value(json_object_get(t, "rate")), rate, sizeof rate);
        fprintf(f, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%s</td>"
                   "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                rs_int(t, "addressed"), rs_int(t, "answered"), rate, med, p90);
    }
    fputs("</table>\n", f);
    json_t *accts = json_object_get(p->recon, "responses_by_account");
    if (json_array_size(accts)) {
        fputs("<h3>Per account</h3>\n<table class=\"responses-accounts\"><tr><th>Network</th><th>Account</th>"
              "<th>Team</th><th class=\"n\">Addressed</th><th class=\"n\">Answered</th><th class=\"n\">Rate</th>"
              "<th class=\"n\">Median time</th><th class=\"n\">90th percentile</th></tr>\n",
              f);
        json_array_foreach(accts, i, t) {
            const char *owner = json_string_value(json_object_get(t, "owner"));
            const char *net = json_string_value(json_object_get(t, "network"));
            char med[24] = "-", p90[24] = "-", rate[32];
            if (json_is_integer(json_object_get(t, "median_s")))
                es__report_fmt_duration(rs_int(t, "median_s"), med, sizeof med);
            if (json_is_integer(json_object_get(t, "p90_s")))
                es__report_fmt_duration(rs_int(t, "p90_s"), p90, sizeof p90);
            es_numfmt_percent(json_number_value(json_object_get(t, "rate")), rate, sizeof rate);
            fputs("<tr", f);
            es__report_fattrs(f, p, NULL, NULL, net, -1);
            fputs("><td>", f);
            es__report_esc(f, net, 0, 0);
            fputs("</td><td class=\"who\">", f);
            es__report_esc_wrap(f, json_string_value(json_object_get(t, "account")));
            fputs("</td><td>", f);
            es__report_esc(f, owner && *owner ? owner : "(no owner)", 0, 0);
            fprintf(f, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td><td class=\"n\">%s</td>"
                       "<td class=\"n\">%s</td><td class=\"n\">%s</td></tr>\n",
                    rs_int(t, "addressed"), rs_int(t, "answered"), rate, med, p90);
        }
        fputs("</table>\n", f);
    }
    fputs("</section>\n", f);
}
