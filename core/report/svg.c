/* SVG building blocks: text that never overflows its slot, legends laid
 * out by measured widths, axes with "nice" ticks. */
#include "svg.h"

#include <math.h>
#include <string.h>

#include <earshot/numfmt.h>
#include "report.h"

/* The smallest label is 11 px: a chart never shrinks below 10/11 of its
 * drawn width, so its text stays at 10 px or more. A narrower window
 * scrolls the chart sideways in its own box (.chart) instead. */
#define RP_MIN_SCALE (10.0 / 11.0)

void rp_svg_open(FILE *f, double w, double h, const char *label)
{
    fprintf(f, "<div class=\"chart\"><svg style=\"min-width:%.0fpx;max-width:%.0fpx\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
               "role=\"img\" aria-label=\"",
            ceil(w * RP_MIN_SCALE), w, w, h, w, h);
    es__report_esc(f, label, 0, 0);
    /* The title is the chart's name for screen readers and tooltips. */
    fputs("\">\n<title>", f);
    es__report_esc(f, label, 0, 0);
    fputs("</title>\n", f);
}

void rp_svg_close(FILE *f)
{
    fputs("</svg></div>\n", f);
}

void rp_svg_text(FILE *f, double x, double y, const char *anchor, double font_px, double max_px,
                 const char *extra, const char *s)
{
    int cut = max_px > 0 && es__report_text_px(s, font_px) > max_px;
    if (cut) {
        fputs("<g><title>", f);
        es__report_esc(f, s, 0, 0);
        fputs("</title>", f);
    }
    fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%.0f\"%s%s>", x, y, anchor, font_px,
            extra ? " " : "", extra ? extra : "");
    es__report_esc(f, s, max_px, font_px);
    fputs("</text>", f);
    if (cut)
        fputs("</g>", f);
    fputc('\n', f);
}

void rp_svg_legend(FILE *f, double x, double y, const rp_legend_t *it, int n)
{
    fputs("<g class=\"legend\">", f);
    for (int i = 0; i < n; i++) {
        switch (it[i].kind) {
        case 'l':
            fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>", x,
                    y - 4, x + 14, y - 4, it[i].color);
            break;
        case 'v':
            fprintf(f, "<path d=\"M%.1f %.1fl12 0l-6 9z\" fill=\"%s\"/>", x + 1, y - 9, it[i].color);
            break;
        default:
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, y - 10, it[i].color);
        }
        rp_svg_text(f, x + 18, y, "start", 12, 0, NULL, it[i].label);
        x += 18 + es__report_text_px(it[i].label, 12) + 20;
    }
    fputs("</g>\n", f);
}

double rp_svg_legend_width(const rp_legend_t *it, int n)
{
    double w = 0;
    for (int i = 0; i < n; i++)
        w += 18 + es__report_text_px(it[i].label, 12) + 20;
    return w;
}

void rp_svg_axis_title(FILE *f, double x, double y, double rotate, const char *title)
{
    if (rotate != 0) {
        fprintf(f, "<text class=\"axis-title\" transform=\"translate(%.1f %.1f) rotate(%.0f)\" text-anchor=\"middle\" "
                   "font-size=\"12\" font-weight=\"600\">",
                x, y, rotate);
        es__report_esc(f, title, 0, 0);
        fputs("</text>\n", f);
    } else {
        rp_svg_text(f, x, y, "middle", 12, 0, "class=\"axis-title\" font-weight=\"600\"", title);
    }
}

void rp_fmt_int(long long v, char *buf, size_t n)
{
    es_numfmt_int(v, buf, n); /* the one number formatter (core/include/earshot/numfmt.h) */
}

void rp_svg_xaxis(FILE *f, double x0, double x1, double y, double grid_top, double max, double step,
                  int percent, const char *title)
{
    fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n", x0, y, x1, y);
    for (double v = 0; v <= max + step * 1e-9; v += step) {
        double x = x0 + (max > 0 ? v / max : 0) * (x1 - x0);
        char lab[32];
        if (percent)
            snprintf(lab, sizeof lab, "%.0f%%", v);
        else
            rp_fmt_int((long long)llround(v), lab, sizeof lab);
        if (grid_top < y)
            fprintf(f, "<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, grid_top, x, y);
        fprintf(f, "<line class=\"axis\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>", x, y, x, y + 4);
        rp_svg_text(f, x, y + 16, "middle", 11, 0, NULL, lab);
    }
    if (title)
        rp_svg_axis_title(f, (x0 + x1) / 2, y + 32, 0, title);
}

const char *rp_color_for(const char *name)
{
    static const char *const known[][2] = {
        {"twitter", "#1d9bf0"}, {"reddit", "#ff5700"},   {"rss", "#f5a623"},     {"forum", "#6f42c1"},
        {"discourse", "#6f42c1"}, {"mastodon", "#6364ff"}, {"bluesky", "#0a7aff"}, {"facebook", "#1877f2"},
        {"instagram", "#c13584"}, {"youtube", "#e62117"}, {"linkedin", "#0a66c2"}, {"tiktok", "#111111"},
        {"email", "#3d8b6d"},
    };
    static const char *const palette[] = {"#4c78a8", "#f58518", "#54a24b", "#b279a2", "#9d755d",
                                          "#72b7b2", "#eeca3b", "#ff9da6", "#79706e", "#e45756"};
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (name && !strcmp(name, known[i][0]))
            return known[i][1];
    unsigned h = 5381;
    for (const unsigned char *p = (const unsigned char *)(name ? name : ""); *p; p++)
        h = h * 33 + *p;
    return palette[h % (sizeof palette / sizeof palette[0])];
}
