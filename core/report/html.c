/*
 * Text on the page: escaping for HTML and SVG (mentions are untrusted),
 * an estimate of rendered widths so labels are cut before they overlap,
 * and the date, duration and axis-step formats the charts share.
 */
#include "report.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <earshot/text.h>

/* Decodes one code point of s (at most len bytes); invalid input counts as
 * one byte of U+FFFD. */
static unsigned long next_cp(const unsigned char *s, size_t len, size_t *used)
{
    size_t ok = es_utf8_valid_prefix((const char *)s, len < 4 ? len : 4);
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (c >= 0x80 && (ok < n || c < 0xC2 || c > 0xF4)) {
        *used = 1;
        return 0xFFFD;
    }
    *used = n;
    if (n == 1)
        return c;
    unsigned long cp = c & (0x7F >> n);
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (s[i] & 0x3F);
    return cp;
}

/* Wide glyphs (CJK, emoji) take about twice a Latin letter. */
static double cp_px(unsigned long cp, double font_px)
{
    if (cp >= 0x1100 && (cp <= 0x115F || (cp >= 0x2E80 && cp <= 0xA4CF) || (cp >= 0xAC00 && cp <= 0xD7A3) ||
                         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0xFF00 && cp <= 0xFF60) || cp >= 0x1F000))
        return font_px * 1.05;
    if (cp == 'i' || cp == 'l' || cp == 'j' || cp == '.' || cp == ',' || cp == '\'' || cp == ' ' || cp == 'I' ||
        cp == '!' || cp == '|' || cp == 't' || cp == 'f' || cp == 'r')
        return font_px * 0.32;
    if (cp == 'm' || cp == 'w' || cp == 'M' || cp == 'W' || cp == '@')
        return font_px * 0.9;
    if (cp >= 'A' && cp <= 'Z')
        return font_px * 0.68;
    return font_px * 0.58;
}

static int is_emoji(unsigned long cp);
static int is_emoji_glue(unsigned long cp);

double es__report_text_px(const char *s, double font_px)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p), used;
    double w = 0;
    int in_emoji = 0;
    for (size_t i = 0; i < len; i += used) {
        unsigned long cp = next_cp(p + i, len - i, &used);
        if (is_emoji(cp) || is_emoji_glue(cp)) {
            /* Written as "[emoji]" (es__report_esc), once per sequence. */
            if (!in_emoji && is_emoji(cp))
                w += font_px * (0.32 * 2 + 0.58 * 5);
            in_emoji = 1;
            continue;
        }
        in_emoji = 0;
        w += cp_px(cp, font_px);
    }
    return w;
}

static void put_cp(FILE *f, unsigned long cp, const unsigned char *raw, size_t n)
{
    switch (cp) {
    case '&': fputs("&amp;", f); return;
    case '<': fputs("&lt;", f); return;
    case '>': fputs("&gt;", f); return;
    case '"': fputs("&quot;", f); return;
    case '\'': fputs("&#39;", f); return;
    }
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
        fputc(' ', f);
    else if (cp == 0xFFFD && n == 1)
        fputs("\xEF\xBF\xBD", f);
    else
        fwrite(raw, 1, n, f);
}

/* Pictographs a plain server has no font for (they render as empty
 * boxes): the emoji blocks and the symbols that are emoji by default. */
static int is_emoji(unsigned long cp)
{
    return (cp >= 0x1F000 && cp <= 0x1FAFF) || cp == 0x2705 || cp == 0x274C || cp == 0x2728 || cp == 0x2B50 ||
           cp == 0x2B55 || (cp >= 0x23E9 && cp <= 0x23FA) || cp == 0x231A || cp == 0x231B || cp == 0x2614 ||
           cp == 0x2615 || cp == 0x26A1 || cp == 0x26BD || cp == 0x26C4 || cp == 0x26D4 || cp == 0x26EA ||
           cp == 0x26FD || cp == 0x2764;
}

/* Glue inside an emoji sequence: joiner, variation selectors, tags. */
static int is_emoji_glue(unsigned long cp)
{
    return cp == 0x200D || cp == 0xFE0F || cp == 0xFE0E || (cp >= 0xE0020 && cp <= 0xE007F) || cp == 0x20E3;
}

#define EMOJI_LABEL "[emoji]"

int es__report_only_pictographs(const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p), used;
    int any = 0;
    for (size_t i = 0; i < len; i += used) {
        unsigned long cp = next_cp(p + i, len - i, &used);
        if (!is_emoji(cp) && !is_emoji_glue(cp))
            return 0;
        any = 1;
    }
    return any;
}

int es__report_esc(FILE *f, const char *s, double max_px, double font_px)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p), used;
    int cut = max_px > 0 && es__report_text_px((const char *)p, font_px) > max_px;
    double budget = cut ? max_px - font_px * 0.8 : 0, w = 0;
    int in_emoji = 0;
    for (size_t i = 0; i < len; i += used) {
        unsigned long cp = next_cp(p + i, len - i, &used);
        /* One text label per emoji sequence (a family, a flag, a skin tone). */
        if (is_emoji(cp) || (in_emoji && is_emoji_glue(cp))) {
            int first = !in_emoji;
            in_emoji = cp != 0x200D || in_emoji;
            if (!first)
                continue;
            if (cut) {
                w += es__report_text_px(EMOJI_LABEL, font_px);
                if (w > budget)
                    break;
            }
            fputs(EMOJI_LABEL, f);
            continue;
        }
        if (is_emoji_glue(cp) && !in_emoji)
            continue; /* a stray selector shows nothing either */
        in_emoji = 0;
        if (cut) {
            w += cp_px(cp, font_px);
            if (w > budget)
                break;
        }
        put_cp(f, cp, p + i, used);
    }
    if (cut)
        fputs("\xE2\x80\xA6", f);
    return cut;
}

/* Where a long handle or URL may break: after separators, and before a
 * capital that starts a word inside it (AcmeSupportTeam). */
int es__report_esc_wrap(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t len = strlen((const char *)p), used, run = 0;
    unsigned long prev = 0;
    char one[8];
    for (size_t i = 0; i < len; i += used) {
        unsigned long cp = next_cp(p + i, len - i, &used);
        if (run >= 2 && ((cp >= 'A' && cp <= 'Z' && prev >= 'a' && prev <= 'z') || run >= 14)) {
            fputs("<wbr>", f);
            run = 0;
        }
        memcpy(one, p + i, used);
        one[used] = '\0';
        if (cp == 0xFFFD && used == 1)
            strcpy(one, "\xFF"); /* invalid byte: es__report_esc writes U+FFFD */
        es__report_esc(f, one, 0, 0);
        run++;
        if (cp == '_' || cp == '.' || cp == '-' || cp == '@' || cp == '/' || cp == ':' || cp == '?' || cp == '&' ||
            cp == '=') {
            fputs("<wbr>", f);
            run = 0;
        }
        prev = cp;
    }
    return 0;
}

int es__report_href_ok(const char *s)
{
    if (!s)
        return 0;
    if (strncmp(s, "https://", 8) && strncmp(s, "http://", 7))
        return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7F)
            return 0;
    return 1;
}

static void fmt(int64_t t, const char *f, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, f, &tm);
}

void es__report_fmt_day(int64_t day, char *buf, size_t n)
{
    fmt(day * ES_REPORT_DAY, "%Y-%m-%d", buf, n);
}

void es__report_fmt_day_short(int64_t day, char *buf, size_t n)
{
    fmt(day * ES_REPORT_DAY, "%b %d", buf, n);
}

void es__report_fmt_time(int64_t t, char *buf, size_t n)
{
    fmt(t, "%Y-%m-%d %H:%M UTC", buf, n);
}

void es__report_fmt_duration(int64_t s, char *buf, size_t n)
{
    if (s < 0)
        s = 0;
    if (s < 120)
        snprintf(buf, n, "%d s", (int)s);
    else if (s < 2 * 3600)
        snprintf(buf, n, "%d min", (int)((s + 30) / 60));
    else if (s < 2 * 86400)
        snprintf(buf, n, "%.1f h", (double)s / 3600);
    else
        snprintf(buf, n, "%.1f d", (double)s / 86400);
}

double es__report_nice_step(double max, int max_ticks)
{
    if (max <= 0)
        return 1;
    double raw = max / max_ticks, mag = pow(10, floor(log10(raw)));
    static const double m[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++)
        if (m[i] * mag >= raw)
            return m[i] * mag < 1 ? 1 : m[i] * mag;
    return 10 * mag;
}
