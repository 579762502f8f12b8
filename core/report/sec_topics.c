/*
 * Topics per brand: volume, negative share, how it moved between the
 * first and second half of the window, the team that owns it, and the
 * phrases people use about it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sections.h"

#define TOPIC_BARS 15

typedef struct {
    json_t *brand, *topic;
} row_t;

static int by_n(const void *x, const void *y)
{
    const row_t *a = x, *b = y;
    long long na = rs_int(a->topic, "n"), nb = rs_int(b->topic, "n");
    return na == nb ? 0 : na > nb ? -1 : 1;
}

/* "+40%", "-12%", "new", "=" : the second half against the first. */
static void trend_text(json_t *t, char *buf, size_t n)
{
    long long e = rs_int(t, "early"), l = rs_int(t, "late");
    if (!e)
        snprintf(buf, n, "%s", l ? "new" : "\xE2\x80\x94");
    else if (e == l)
        snprintf(buf, n, "steady");
    else
        snprintf(buf, n, "%s%.0f%%", l > e ? "+" : "\xE2\x88\x92", fabs(100.0 * (double)(l - e) / (double)e));
}

void es__report_section_topics(FILE *f, const es_report_page_t *p)
{
    json_t *brands = json_object_get(p->model, "brands"), *b, *t;
    size_t i, k, n = 0;
    json_array_foreach(brands, i, b) n += json_array_size(json_object_get(b, "topics"));
    fputs("<section id=\"topics\">\n<h2>Topics</h2>\n", f);
    if (!n) {
        rs_empty(f, p, "No mention of a configured topic");
        fputs("</section>\n", f);
        return;
    }
    row_t *rows = calloc(n, sizeof *rows);
    if (!rows) {
        fputs("</section>\n", f);
        return;
    }
    size_t r = 0;
    json_array_foreach(brands, i, b) json_array_foreach(json_object_get(b, "topics"), k, t) rows[r++] = (row_t){b, t};
    qsort(rows, n, sizeof *rows, by_n);
    fputs("<p class=\"note\">Mentions per topic ([topic] sections of the configuration) and brand, the share that "
          "is negative, the change from the first to the second half of the window, the team that owns the topic "
          "and the phrases (two or three words) most used about it. Under the network and date filters the table's "
          "and the bars' mentions and negative shares, and the bars' scale, are recomputed; the bars drawn are the "
          "whole window's fifteen largest, and the trend (two halves of the window) and the phrases (read from the "
          "window's mentions) stay the window's.</p>\n",
          f);
    size_t nbars = n < TOPIC_BARS ? n : TOPIC_BARS;
    const double W = 1000, LW = 260, RW = 150, top = 40, row = 24, bh = 15;
    double aw = W - LW - RW - 10, h = top + (double)nbars * row + 46;
    long long max = rs_int(rows[0].topic, "n");
    double step = es__report_nice_step((double)max, 6), amax = ceil((double)max / step) * step;
    rp_svg_open(f, W, h, "Mentions per topic, negative part in red");
    static const rp_legend_t leg[] = {{'r', RP_NEG, "negative"}, {'r', "#8fb3d9", "other mentions"}};
    rp_svg_legend(f, LW, 18, leg, 2);
    fprintf(f, "<g class=\"xax\" id=\"tp-axis\" data-ax=\"%.0f %.0f %.0f %.0f\" data-at=\"mentions\">", LW, LW + aw,
            top + (double)nbars * row, top - 6);
    rp_svg_xaxis(f, LW, LW + aw, top + (double)nbars * row, top - 6, amax, step, 0, "mentions");
    fputs("</g>\n", f);
    for (r = 0; r < nbars; r++) {
        json_t *tb = rows[r].brand, *tt = rows[r].topic;
        const char *topic = json_string_value(json_object_get(tt, "topic"));
        long long tot = rs_int(tt, "n"), neg = rs_int(tt, "negative");
        double y = top + (double)r * row, wn = (double)neg / amax * aw, wo = (double)(tot - neg) / amax * aw;
        char label[400], lab[96], pc[32];
        snprintf(label, sizeof label, "%.180s \xC2\xB7 %.180s", topic, rs_bname(tb));
        /* data-tp: redrawn from the cube for the selection (script.c). */
        fprintf(f, "<g class=\"topic\" data-tp=\"%d %d\" data-x0=\"%.0f\" data-len=\"%.0f\"",
                es__report_fidx(p, "brand", rs_raw_name(tb)), es__report_fidx(p, "topic", topic), LW, aw);
        es__report_fattrs(f, p, rs_raw_name(tb), topic, NULL, -1);
        fputs(">", f);
        rp_svg_text(f, LW - 8, y + bh - 3, "end", 12, LW - 16, NULL, label);
        fprintf(f, "<rect class=\"tpn\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" fill=\"%s\"/>", LW, y, wn, bh, RP_NEG);
        fprintf(f, "<rect class=\"tpo\" x=\"%.1f\" y=\"%.1f\" width=\"%.2f\" height=\"%.0f\" fill=\"#8fb3d9\"/>", LW + wn, y, wo, bh);
        snprintf(lab, sizeof lab, "%lld \xC2\xB7 %s negative", tot, rs_pct((double)neg, (double)tot, pc, sizeof pc));
        fputs("<g class=\"tpl\">", f);
        rp_svg_text(f, LW + wn + wo + 6, y + bh - 3, "start", 11, W - (LW + wn + wo + 6) - 4, NULL, lab);
        fputs("</g></g>\n", f);
    }
    rp_svg_close(f);

    fputs("<table class=\"topics\"><tr><th>Topic</th><th>Brand</th><th>Team</th><th class=\"n\">Mentions</th>"
          "<th class=\"n\">Negative</th><th class=\"n\">Trend</th><th>Top phrases</th></tr>\n",
          f);
    for (r = 0; r < n; r++) {
        json_t *tb = rows[r].brand, *tt = rows[r].topic;
        const char *topic = json_string_value(json_object_get(tt, "topic"));
        const char *owner = json_string_value(json_object_get(tt, "owner"));
        long long tot = rs_int(tt, "n"), neg = rs_int(tt, "negative");
        char tr[32], pc[32], c1[32];
        trend_text(tt, tr, sizeof tr);
        fputs("<tr", f);
        es__report_fattrs(f, p, rs_raw_name(tb), topic, NULL, -1);
        fputs("><td class=\"text\">", f);
        es__report_esc_wrap(f, topic);
        fputs("</td><td>", f);
        es__report_esc(f, rs_bname(tb), 0, 0);
        fputs("</td><td class=\"text\">", f);
        es__report_esc_wrap(f, owner && *owner ? owner : "\xE2\x80\x94");
        /* data-tq: recomputed from the cube for the network and date
         * filters (script.c); the trend and phrases stay the window's. */
        int bi = es__report_fidx(p, "brand", rs_raw_name(tb)), ti = es__report_fidx(p, "topic", topic);
        fprintf(f, "</td><td class=\"n\" data-tq=\"%d %d\">%s</td><td class=\"n\" data-tq=\"%d %d\" data-f=\"p\">%s</td>"
                   "<td class=\"n\" title=\"first half %lld, second half %lld\">%s</td><td>",
                bi, ti, rs_int_s(tot, c1, sizeof c1), bi, ti, rs_pct((double)neg, (double)tot, pc, sizeof pc),
                rs_int(tt, "early"), rs_int(tt, "late"), tr);
        rs_chips(f, json_object_get(tt, "phrases"), "chip phrase", "phrase", "n", "no recurring phrase");
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n</section>\n", f);
    free(rows);
}
