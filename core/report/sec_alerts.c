/*
 * Alerts as a table and a timeline: when each negative spike began and
 * ended, its brand and topic, the count against what was expected, its
 * p-value written for people, the terms and example links.
 */
#include <math.h>
#include <string.h>

#include "sections.h"

static int ended(json_t *al)
{
    const char *ev = json_string_value(json_object_get(al, "event"));
    return ev && strstr(ev, "_ended");
}

/* The ended record closing a began one: same series, not earlier. */
static json_t *closing(json_t *alerts, json_t *began)
{
    const char *series = json_string_value(json_object_get(began, "series"));
    long long s = rs_int(began, "bucket_start");
    size_t i;
    json_t *al;
    json_array_foreach(alerts, i, al) {
        const char *se = json_string_value(json_object_get(al, "series"));
        if (ended(al) && se && series && !strcmp(se, series) && rs_int(al, "bucket_start") >= s)
            return al;
    }
    return NULL;
}

static long long end_of(json_t *al)
{
    long long e = rs_int(al, "bucket_end");
    return e ? e : rs_int(al, "bucket_start");
}

void es__report_section_alerts(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b, *al;
    size_t i, k, n = 0, rows = 0;
    fputs("<section id=\"alerts\">\n<h2>Alerts</h2>\n", f);
    json_array_foreach(brands, i, b) {
        size_t c = 0;
        json_array_foreach(json_object_get(b, "alerts"), k, al) c += !ended(al);
        n += c;
        rows += c > 0;
    }
    if (!n) {
        rs_empty(f, p, "No alert raised");
        fputs("</section>\n", f);
        return;
    }
    fputs("<p class=\"note\">Negative spikes the detector raised: from the bucket where it began to the one where it "
          "ended (still open: to the end of the current hour), negative mentions counted against the number expected. "
          "Under the filters the rows and spans follow the brand, the topic, the network and the date range (by the "
          "bucket where the spike began); an alert raised over every topic or network stays shown under a topic or "
          "network filter. The timeline keeps its rows and its time axis, and each alert's own figures are its "
          "series', not the selection's.</p>\n",
          f);
    /* Timeline: one row per brand with alerts. */
    const double W = 1000, LW = 170, R = 20, top = 40, row = 26;
    /* The axis runs over whole hours, the trend's buckets: two pages made
     * seconds apart (the file and GET /report) draw it alike, where an axis
     * ending at the second moved every tick by a fraction of a pixel. */
    long long h0 = p->opts->since - p->opts->since % 3600, h1 = p->opts->now + (3600 - p->opts->now % 3600) % 3600;
    double pw = W - LW - R, h = top + (double)rows * row + 50, t0 = (double)h0, span = (double)(h1 - h0);
    rp_svg_open(f, W, h, "Alerts over time, per brand");
    static const rp_legend_t leg[] = {{'r', RP_ALERT, "spike (began to ended)"}, {'r', "#f6c48a", "still open"},
                                      {'v', RP_ALERT, "began"}};
    rp_svg_legend(f, LW, 18, leg, 3);
    double yb = top + (double)rows * row;
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", LW, yb, LW + pw, yb);
    long long day0 = rs_int(p->model, "day0"), nd = rs_int(p->model, "ndays");
    long long every = (long long)ceil(60.0 / (pw * ES_REPORT_DAY / span));
    for (long long d = 0; d < nd; d += every < 1 ? 1 : every) {
        double x = LW + ((double)(day0 + d) * ES_REPORT_DAY - t0) / span * pw;
        if (x < LW)
            continue;
        char lab[16];
        es__report_fmt_day_short(day0 + d, lab, sizeof lab);
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, top - 4, x, yb);
        rp_svg_text(f, x, yb + 16, "middle", 11, 0, NULL, lab);
    }
    rp_svg_axis_title(f, LW + pw / 2, yb + 36, 0, "time (UTC)");
    size_t r = 0;
    json_array_foreach(brands, i, b) {
        json_t *alerts = json_object_get(b, "alerts");
        size_t c = 0;
        json_array_foreach(alerts, k, al) c += !ended(al);
        if (!c)
            continue;
        double y = top + (double)r++ * row;
        fputs("<g", f);
        es__report_fattrs(f, p, rs_raw_name(b), NULL, NULL, -1);
        fputs(">", f);
        rp_svg_text(f, LW - 8, y + 14, "end", 12, LW - 16, NULL, rs_bname(b));
        json_array_foreach(alerts, k, al) {
            if (ended(al))
                continue;
            json_t *cl = closing(alerts, al);
            long long s = rs_int(al, "bucket_start"), e = cl ? end_of(cl) : h1;
            double x0 = LW + ((double)s - t0) / span * pw, x1 = LW + ((double)e - t0) / span * pw;
            x0 = x0 < LW ? LW : x0;
            x1 = x1 < x0 + 3 ? x0 + 3 : x1 > LW + pw ? LW + pw : x1;
            char when[40], pv[32];
            es__report_fmt_time(s, when, sizeof when);
            es_numfmt_p(json_number_value(json_object_get(al, "p_value")), pv, sizeof pv);
            fputs("<g class=\"alert-span\"", f);
            es__report_fattrs(f, p, NULL, json_string_value(json_object_get(al, "topic")),
                             json_string_value(json_object_get(al, "network")), s);
            fprintf(f, "><title>%s: %lld negative of %lld, ", when, rs_int(al, "count"), rs_int(al, "total"));
            es__report_esc(f, pv, 0, 0);
            fprintf(f, "%s</title><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"12\" fill=\"%s\"/>"
                       "<path d=\"M%.1f %.1fl10 0l-5 8z\" fill=\"%s\"/></g>\n",
                    cl ? "" : " (still open)", x0, y + 6, x1 - x0, cl ? RP_ALERT : "#f6c48a", x0 - 5, y - 3, RP_ALERT);
        }
        fputs("</g>\n", f);
    }
    rp_svg_close(f);

    fputs("<table class=\"alerts\"><tr><th>Began</th><th>Ended</th><th>Brand</th><th>Topic or series</th>"
          "<th class=\"n\">Negative</th><th class=\"n\">Expected</th><th class=\"n\">Of mentions</th>"
          "<th class=\"n\">p-value</th><th>Top terms</th><th>Examples</th></tr>\n",
          f);
    json_array_foreach(brands, i, b) {
        json_t *alerts = json_object_get(b, "alerts");
        json_array_foreach(alerts, k, al) {
            if (ended(al))
                continue;
            json_t *cl = closing(alerts, al);
            char began[40], end[40] = "still open", exp[32] = "\xE2\x80\x94", pv[32];
            es__report_fmt_time(rs_int(al, "bucket_start"), began, sizeof began);
            if (cl)
                es__report_fmt_time(end_of(cl), end, sizeof end);
            json_t *e = json_object_get(al, "expected");
            if (json_is_number(e))
                es_numfmt_number(json_number_value(e), exp, sizeof exp);
            double pval = json_number_value(json_object_get(al, "p_value"));
            if (pval >= 0)
                es_numfmt_p(pval, pv, sizeof pv);
            else
                strcpy(pv, "\xE2\x80\x94");
            const char *topic = json_string_value(json_object_get(al, "topic"));
            const char *series = json_string_value(json_object_get(al, "series"));
            fputs("<tr", f);
            es__report_fattrs(f, p, rs_raw_name(b), topic, json_string_value(json_object_get(al, "network")),
                             rs_int(al, "bucket_start"));
            fprintf(f, " data-alert-id=\"");
            es__report_esc(f, json_string_value(json_object_get(al, "id")), 0, 0);
            fprintf(f, "\"><td>%s</td><td>%s</td><td>", began, end);
            es__report_esc(f, rs_bname(b), 0, 0);
            fputs("</td><td class=\"text\">", f);
            es__report_esc_wrap(f, topic ? topic : series ? series : "");
            char c1[32], c3[32], sh[32];
            fprintf(f, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s (%s)</td><td class=\"n\">",
                    rs_int_s(rs_int(al, "count"), c1, sizeof c1), exp, rs_int_s(rs_int(al, "total"), c3, sizeof c3),
                    rs_pct((double)rs_int(al, "count"), (double)rs_int(al, "total"), sh, sizeof sh));
            es__report_esc(f, pv, 0, 0);
            fputs("</td><td>", f);
            size_t t;
            json_t *term;
            json_array_foreach(json_object_get(al, "terms"), t, term) {
                const char *w = json_is_string(term) ? json_string_value(term) : json_string_value(json_object_get(term, "term"));
                if (!w || t >= 5)
                    continue;
                fputs("<span class=\"chip\">", f);
                es__report_esc(f, w, 0, 0);
                fputs("</span>", f);
            }
            fputs("</td><td class=\"text\">", f);
            size_t nu = 0;
            json_array_foreach(json_object_get(al, "urls"), t, term) {
                const char *u = json_string_value(term);
                if (!es__report_href_ok(u) || nu >= 3)
                    continue;
                char lab[16];
                snprintf(lab, sizeof lab, "example %zu", ++nu);
                fputs(nu > 1 ? " \xC2\xB7 " : "", f);
                rs_link(f, u, lab, 0);
            }
            if (!nu)
                fputs("\xE2\x80\x94", f);
            fputs("</td></tr>\n", f);
        }
    }
    fputs("</table>\n</section>\n", f);
}
