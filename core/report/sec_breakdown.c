/*
 * Where and in which language mentions came from, and owned against
 * earned: the brand's own posts next to what others wrote about it.
 */
#include <math.h>
#include <string.h>

#include "sections.h"

/* The networks of a brand's channels, summed (channels are network x
 * source), largest first, into names/counts; returns how many. */
static size_t networks(json_t *b, const char **names, long long *counts, size_t max)
{
    size_t n = 0, i, k;
    json_t *c;
    json_array_foreach(json_object_get(b, "channels"), i, c) {
        const char *net = json_string_value(json_object_get(c, "network"));
        for (k = 0; k < n && strcmp(names[k], net); k++)
            ;
        if (k == n) {
            if (n == max)
                continue;
            names[n] = net;
            counts[n++] = 0;
        }
        counts[k] += rs_int(c, "n");
    }
    for (size_t a = 1; a < n; a++) /* insertion sort: a handful of networks */
        for (size_t z = a; z > 0 && counts[z] > counts[z - 1]; z--) {
            long long tc = counts[z];
            const char *tn = names[z];
            counts[z] = counts[z - 1], names[z] = names[z - 1];
            counts[z - 1] = tc, names[z - 1] = tn;
        }
    return n;
}

void es__report_section_breakdown(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b;
    size_t i, n = 0;
    long long max = 0;
    json_array_foreach(brands, i, b) {
        long long t = rs_int(b, "total") + rs_int(b, "owned");
        if (*rs_raw_name(b) && t) {
            n++;
            max = t > max ? t : max;
        }
    }
    fputs("<section id=\"breakdown\">\n<h2>Owned and earned, networks and languages</h2>\n", f);
    if (!n) {
        rs_empty(f, p, "No mentions of a brand");
        fputs("</section>\n", f);
        return;
    }
    fputs("<p class=\"note\">Earned: mentions by others. Owned: posts by the brand's own (official) accounts, left "
          "out of every other count of this page. Networks and languages of the earned mentions. Under the filters the "
          "bars, earned and owned counts and the networks' and languages' shares are recomputed for the selection; "
          "the networks and languages listed are the whole window's largest.</p>\n",
          f);
    const double W = 1000, LW = 190, RW = 200, top = 40, row = 24, bh = 15;
    double aw = W - LW - RW - 10, h = top + (double)n * row + 46;
    double step = es__report_nice_step((double)max, 6), amax = ceil((double)max / step) * step;
    rp_svg_open(f, W, h, "Earned mentions and owned posts per brand");
    static const rp_legend_t leg[] = {{'r', "#4c78a8", "earned mentions"}, {'r', "#b279a2", "owned posts"}};
    rp_svg_legend(f, LW, 18, leg, 2);
    fprintf(f, "<g class=\"xax\" id=\"bk-axis\" data-ax=\"%.0f %.0f %.0f %.0f\" data-at=\"mentions and posts\">", LW,
            LW + aw, top + (double)n * row, top - 6);
    rp_svg_xaxis(f, LW, LW + aw, top + (double)n * row, top - 6, amax, step, 0, "mentions and posts");
    fputs("</g>\n", f);
    size_t r = 0;
    json_array_foreach(brands, i, b) {
        long long e = rs_int(b, "total"), o = rs_int(b, "owned");
        if (!*rs_raw_name(b) || !(e + o))
            continue;
        double y = top + (double)r++ * row, we = (double)e / amax * aw, wo = (double)o / amax * aw;
        char lab[96], pc[32];
        /* data-bkb: redrawn for the selection by the script (script.c). */
        fprintf(f, "<g data-bkb=\"%d\" data-x0=\"%.0f\" data-len=\"%.0f\"",
                es__report_fidx(p, "brand", rs_raw_name(b)), LW, aw);
        es__report_fattrs(f, p, rs_raw_name(b), NULL, NULL, -1);
        fputs(">", f);
        rp_svg_text(f, LW - 8, y + bh - 3, "end", 12, LW - 16, NULL, rs_bname(b));
        fprintf(f, "<rect class=\"earned\" data-count=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" fill=\"#4c78a8\"/>",
                e, LW, y, we, bh);
        fprintf(f, "<rect class=\"owned\" data-count=\"%lld\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" fill=\"#b279a2\"/>",
                o, LW + we, y, wo, bh);
        snprintf(lab, sizeof lab, "%lld earned \xC2\xB7 %lld owned (%s)", e, o, rs_pct((double)o, (double)(e + o), pc, sizeof pc));
        fputs("<g class=\"bkl\">", f);
        rp_svg_text(f, LW + we + wo + 6, y + bh - 3, "start", 11, W - (LW + we + wo + 6) - 4, NULL, lab);
        fputs("</g>", f);
        fputs("</g>\n", f);
    }
    rp_svg_close(f);

    fputs("<table class=\"breakdown\"><tr><th>Brand</th><th class=\"n\">Earned</th><th class=\"n\">Owned</th>"
          "<th>Networks</th><th>Languages</th></tr>\n",
          f);
    json_array_foreach(brands, i, b) {
        long long e = rs_int(b, "total"), o = rs_int(b, "owned");
        if (!(e + o))
            continue;
        char c1[32], c2[32], pc[32];
        fputs("<tr", f);
        es__report_fattrs(f, p, rs_raw_name(b), NULL, NULL, -1);
        fputs("><td>", f);
        es__report_esc(f, rs_bname(b), 0, 0);
        /* data-q, data-oq, data-nq, data-lq: earned, owned and the network
         * and language shares of the filters' selection (script.c). */
        int bi = es__report_fidx(p, "brand", rs_raw_name(b));
        fprintf(f, "</td><td class=\"n\" data-q=\"n:%d\" data-f=\"c\">%s</td><td class=\"n\" data-oq=\"%d\">%s</td><td>", bi,
                rs_int_s(e, c1, sizeof c1), bi, rs_int_s(o, c2, sizeof c2));
        const char *names[8];
        long long counts[8];
        size_t nn = networks(b, names, counts, 8);
        for (size_t k = 0; k < nn; k++) {
            fputs("<span class=\"tag\">", f);
            es__report_esc(f, names[k], 0, 0);
            fprintf(f, " <span data-nq=\"%d %d\">%s</span></span>", bi, es__report_fidx(p, "network", names[k]),
                    rs_pct((double)counts[k], (double)e, pc, sizeof pc));
        }
        fputs("</td><td>", f);
        size_t k;
        json_t *l;
        json_array_foreach(json_object_get(b, "langs"), k, l) {
            fputs("<span class=\"tag\">", f);
            es__report_esc(f, json_string_value(json_object_get(l, "lang")), 0, 0);
            fprintf(f, " <span data-lq=\"%d %zu\">%s</span></span>", bi, k, rs_pct((double)rs_int(l, "n"), (double)e, pc, sizeof pc));
        }
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</section>\n", f);
}
