/*
 * Share of voice: each brand's part of all brands' earned mentions (the
 * brands' own posts left out) and of their negative mentions, over the
 * window and day by day.
 */
#include <math.h>
#include <string.h>

#include "sections.h"

#define SOV_TOP 8 /* brands drawn by name over time; the rest grouped */

void es__report_section_sov(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b;
    size_t i, n = 0;
    long long all = 0, allneg = 0;
    fputs("<section id=\"sov\">\n<h2>Share of voice</h2>\n", f);
    json_array_foreach(brands, i, b) {
        if (!*rs_raw_name(b) || !rs_int(b, "total"))
            continue;
        n++;
        all += rs_int(b, "total");
        allneg += rs_int(json_object_get(b, "labels"), "negative");
    }
    if (!all) {
        rs_empty(f, p, "No mentions of a brand");
        fputs("</section>\n", f);
        return;
    }
    fputs("<p class=\"note\">Each brand's share of all brands' earned mentions (posts by the brands' own accounts "
          "left out) and of all their negative mentions. Mentions of no brand are not counted.</p>\n",
          f);
    const double W = 1000, LW = 190, RW = 230, top = 40, row = 34, bh = 12;
    double aw = W - LW - RW - 10, h = top + (double)n * row + 46;
    rp_svg_open(f, W, h, "Share of voice and of negative mentions per brand");
    static const rp_legend_t leg[] = {{'r', "#4c78a8", "share of voice"}, {'r', RP_NEG, "share of negative mentions"}};
    rp_svg_legend(f, LW, 18, leg, 2);
    rp_svg_xaxis(f, LW, LW + aw, top + (double)n * row, top - 6, 100, 25, 1, "share of all brands' mentions");
    size_t r = 0;
    json_array_foreach(brands, i, b) {
        long long tot = rs_int(b, "total"), neg = rs_int(json_object_get(b, "labels"), "negative");
        if (!*rs_raw_name(b) || !tot)
            continue;
        double y = top + (double)r++ * row + 3;
        double ws = (double)tot / (double)all * aw, wn = allneg ? (double)neg / (double)allneg * aw : 0;
        char a[32], c[32], lab[160];
        fprintf(f, "<g class=\"sov\"");
        es__report_fattrs(f, p, rs_raw_name(b), NULL, NULL, -1);
        fputs(">", f);
        rp_svg_text(f, LW - 8, y + bh + 2, "end", 12, LW - 16, NULL, rs_bname(b));
        /* data-w, data-sovl: redrawn for the filters (script.c). */
        int bi = es__report_fidx(p, "brand", rs_raw_name(b));
        fprintf(f, "<rect data-w=\"n/all:%d\" data-len=\"%.2f\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
                   "fill=\"#4c78a8\"/>",
                bi, aw, LW, y, ws, bh);
        fprintf(f, "<rect data-w=\"neg/allneg:%d\" data-len=\"%.2f\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" "
                   "fill=\"%s\"/>",
                bi, aw, LW, y + bh + 1, wn, bh - 2, RP_NEG);
        snprintf(lab, sizeof lab, "%s of voice \xC2\xB7 %s of negative", rs_pct((double)tot, (double)all, a, sizeof a),
                 rs_pct((double)neg, (double)allneg, c, sizeof c));
        double x = LW + (ws > wn ? ws : wn) + 6;
        char attrs[96];
        snprintf(attrs, sizeof attrs, "data-sovl=\"%d\" data-x0=\"%.1f\" data-len=\"%.2f\"", bi, LW, aw);
        rp_svg_text(f, x, y + bh + 2, "start", 11, W - x - 4, attrs, lab);
        fputs("</g>\n", f);
    }
    rp_svg_close(f);

    fputs("<table class=\"sov\"><tr><th>Brand</th><th class=\"n\">Earned mentions</th><th class=\"n\">Share of voice</th>"
          "<th class=\"n\">Negative</th><th class=\"n\">Share of negative</th><th class=\"n\">Negative rate</th>"
          "<th class=\"n\">Own posts</th></tr>\n",
          f);
    json_array_foreach(brands, i, b) {
        long long tot = rs_int(b, "total"), neg = rs_int(json_object_get(b, "labels"), "negative");
        if (!*rs_raw_name(b) || !tot)
            continue;
        char s1[32], s2[32], s3[32], s4[32], s5[32], s6[32];
        fputs("<tr", f);
        es__report_fattrs(f, p, rs_raw_name(b), NULL, NULL, -1);
        fputs("><td>", f);
        es__report_esc(f, rs_bname(b), 0, 0);
        int bi = es__report_fidx(p, "brand", rs_raw_name(b));
        fprintf(f, "</td><td class=\"n\" data-q=\"n:%d\" data-f=\"c\">%s</td><td class=\"n\" data-q=\"n/all:%d\" data-f=\"p\">%s</td>"
                   "<td class=\"n\" data-q=\"neg:%d\" data-f=\"c\">%s</td><td class=\"n\" data-q=\"neg/allneg:%d\" data-f=\"p\">%s</td>"
                   "<td class=\"n\" data-q=\"neg/n:%d\" data-f=\"p\">%s</td><td class=\"n\" data-oq=\"%d\">%s</td></tr>\n",
                bi, rs_int_s(tot, s1, sizeof s1), bi, rs_pct((double)tot, (double)all, s2, sizeof s2),
                bi, rs_int_s(neg, s3, sizeof s3), bi, rs_pct((double)neg, (double)allneg, s4, sizeof s4), bi,
                rs_pct((double)neg, (double)tot, s5, sizeof s5), bi, rs_int_s(rs_int(b, "owned"), s6, sizeof s6));
    }
    fputs("</table>\n", f);

    /* Over time: 100 % columns per day, the largest brands by name. */
    long long day0 = rs_int(p->model, "day0"), nd = rs_int(p->model, "ndays");
    const double TW = 1000, L = 64, R = 20, T = 40, H = 250, B = 58;
    double pw = TW - L - R, ph = H - T - B, slot = pw / (double)nd;
    double bw = slot * 0.8 < 1 ? 1 : slot * 0.8 > 40 ? 40 : slot * 0.8;
    fputs("<h3>Share of voice per day</h3>\n", f);
    rp_svg_open(f, TW, H, "Share of voice per day, by brand");
    rp_legend_t leg2[SOV_TOP + 1];
    int nl = 0;
    r = 0;
    json_array_foreach(brands, i, b) {
        if (!*rs_raw_name(b) || !rs_int(b, "total"))
            continue;
        if (r < SOV_TOP)
            leg2[nl++] = (rp_legend_t){'r', rs_brand_color(r), rs_bname(b)};
        r++;
    }
    if (r > SOV_TOP)
        leg2[nl++] = (rp_legend_t){'r', rs_brand_color(SOV_TOP), "other brands"};
    /* Legend entries cut to fit one row. */
    double lx = L;
    fputs("<g class=\"legend\">", f);
    for (int k = 0; k < nl; k++) {
        double room = (TW - L) / nl - 24;
        fprintf(f, "<rect x=\"%.1f\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\"/>", lx, leg2[k].color);
        rp_svg_text(f, lx + 16, 18, "start", 12, room, NULL, leg2[k].label);
        lx += room + 24;
    }
    fputs("</g>\n", f);
    double yb = T + ph;
    for (int s = 0; s <= 100; s += 25) {
        char lab[8];
        snprintf(lab, sizeof lab, "%d%%", s);
        double y = yb - s / 100.0 * ph;
        fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", L, y, L + pw, y);
        rp_svg_text(f, L - 6, y + 4, "end", 11, 0, NULL, lab);
    }
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", L, yb, L + pw, yb);
    rp_svg_axis_title(f, 14, T + ph / 2, -90, "share of voice");
    /* #sovd, data-sd, data-sv: the columns restacked for the filters from
     * the time cube (script.c); data-top: the brands drawn on their own,
     * the others are "other brands". */
    fprintf(f, "<g id=\"sovd\" data-ax=\"%.1f %.1f\" data-top=\"", yb, ph);
    r = 0;
    json_array_foreach(brands, i, b) {
        if (!*rs_raw_name(b) || !rs_int(b, "total"))
            continue;
        if (r++ < SOV_TOP)
            fprintf(f, "%s%d", r > 1 ? " " : "", es__report_fidx(p, "brand", rs_raw_name(b)));
    }
    fputs("\">\n", f);
    for (long long d = 0; d < nd; d++) {
        long long dayall = 0;
        json_array_foreach(brands, i, b) if (*rs_raw_name(b)) dayall +=
            json_integer_value(json_array_get(json_array_get(json_object_get(b, "days"), (size_t)d), 0));
        if (!dayall)
            continue;
        double x0 = L + (double)d * slot + (slot - bw) / 2, y = yb;
        char day[16];
        es__report_fmt_day(day0 + d, day, sizeof day);
        fprintf(f, "<g data-sd=\"%lld\">", d);
        r = 0;
        long long other = 0;
        json_array_foreach(brands, i, b) {
            if (!*rs_raw_name(b) || !rs_int(b, "total"))
                continue;
            long long v = json_integer_value(json_array_get(json_array_get(json_object_get(b, "days"), (size_t)d), 0));
            if (r++ >= SOV_TOP) {
                other += v;
                continue;
            }
            if (!v)
                continue;
            double hh = (double)v / (double)dayall * ph;
            char pc[32];
            y -= hh;
            fprintf(f, "<rect data-sv=\"%d\"", es__report_fidx(p, "brand", rs_raw_name(b)));
            es__report_fattrs(f, p, rs_raw_name(b), NULL, NULL, (day0 + d) * ES_REPORT_DAY + ES_REPORT_DAY - 1);
            fprintf(f, " x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>%s: ", x0, y, bw, hh,
                    rs_brand_color(r - 1), day);
            es__report_esc(f, rs_bname(b), 0, 0);
            fprintf(f, " %s (%lld of %lld)</title></rect>\n", rs_pct((double)v, (double)dayall, pc, sizeof pc), v, dayall);
        }
        if (other) {
            double hh = (double)other / (double)dayall * ph;
            char pc[32];
            y -= hh;
            fputs("<rect data-sv=\"o\"", f);
            es__report_fattrs(f, p, NULL, NULL, NULL, (day0 + d) * ES_REPORT_DAY + ES_REPORT_DAY - 1);
            fprintf(f, " x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>%s: other brands %s"
                       "</title></rect>\n",
                    x0, y, bw, hh, rs_brand_color(SOV_TOP), day, rs_pct((double)other, (double)dayall, pc, sizeof pc));
        }
        fputs("</g>\n", f);
    }
    fputs("</g>\n", f);
    long long every = (long long)ceil(60.0 / slot);
    for (long long d = 0; d < nd; d += every < 1 ? 1 : every) {
        char lab[16];
        es__report_fmt_day_short(day0 + d, lab, sizeof lab);
        rp_svg_text(f, L + ((double)d + 0.5) * slot, yb + 16, "middle", 11, 0, NULL, lab);
    }
    rp_svg_axis_title(f, L + pw / 2, yb + 36, 0, "day (UTC)");
    rp_svg_close(f);
    fputs("</section>\n", f);
}
