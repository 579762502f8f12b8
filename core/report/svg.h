/* Small SVG building blocks shared by the chart sections. */
#ifndef ES_REPORT_SVG_H
#define ES_REPORT_SVG_H

#include <stdio.h>

#define RP_POS "#2f9e5b"
#define RP_NEU "#a3adb8"
#define RP_NEG "#d64545"
#define RP_UNS "#dfe3e8"
#define RP_ALERT "#e8890c"
#define RP_LINE "#7a1414"

void rp_svg_open(FILE *f, double w, double h, const char *label);
void rp_svg_close(FILE *f);
/* Text at (x, y), anchor "start", "middle" or "end", cut to max_px (0: no
 * cut); a cut text carries its whole value as a <title>. */
void rp_svg_text(FILE *f, double x, double y, const char *anchor, double font_px, double max_px,
                 const char *extra_attrs, const char *s);
/* Legend entries in one row from (x, y): kind 'r' swatch, 'l' line, 'v' marker. */
typedef struct {
    char kind;
    const char *color, *label;
} rp_legend_t;
void rp_svg_legend(FILE *f, double x, double y, const rp_legend_t *items, int n);
/* The width rp_svg_legend takes for these items. */
double rp_svg_legend_width(const rp_legend_t *items, int n);
/* An axis title (class "axis-title") centred at (x, y), rotated by
 * rotate degrees (0, 90, -90). */
void rp_svg_axis_title(FILE *f, double x, double y, double rotate, const char *title);
/* A horizontal axis with ticks every step from 0 to max across [x0, x1] at y. */
void rp_svg_xaxis(FILE *f, double x0, double x1, double y, double grid_top, double max, double step,
                  int percent, const char *title);
/* 1234567 -> "1,234,567". */
void rp_fmt_int(long long v, char *buf, size_t n);
/* A colour for a category name (stable across brands). */
const char *rp_color_for(const char *name);

#endif
