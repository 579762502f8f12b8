/* Number formats shared by the report, the webhook and the email sink. */
#include <earshot/numfmt.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <earshot/plugin.h>

static int put(char *buf, size_t n, const char *fmt, ...)
{
    if (!buf || !n)
        return ES_EINVAL;
    va_list ap;
    va_start(ap, fmt);
    int l = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    if (l < 0 || (size_t)l >= n) {
        buf[0] = '\0';
        return ES_EINVAL;
    }
    return l;
}

/* "66.0" -> "66": a trailing ".0" says nothing. */
static int trim_zero(char *buf, int l)
{
    char *dot = strchr(buf, '.');
    if (l > 1 && dot && !strcmp(dot, ".0")) {
        *dot = '\0';
        return (int)(dot - buf);
    }
    return l;
}

int es_numfmt_percent(double share, char *buf, size_t n)
{
    if (isnan(share))
        return put(buf, n, "-");
    double pc = share * 100;
    if (pc > 0 && pc < 0.05)
        return put(buf, n, "<0.1%%");
    if (pc < 100 && pc >= 99.95)
        return put(buf, n, ">99.9%%");
    char num[48];
    int l = put(num, sizeof num, "%.1f", pc);
    if (l < 0)
        return l;
    trim_zero(num, l);
    return put(buf, n, "%s%%", num);
}

int es_numfmt_p(double p, char *buf, size_t n)
{
    if (isnan(p) || p < 0)
        return put(buf, n, "p = -");
    if (p < 0.001)
        return put(buf, n, "p < 0.001");
    if (p < 0.01)
        return put(buf, n, "p = %.3f", p);
    return put(buf, n, "p = %.2f", p > 1 ? 1.0 : p);
}

int es_numfmt_int(long long v, char *buf, size_t n)
{
    char raw[32], out[48];
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    snprintf(raw, sizeof raw, "%llu", u);
    size_t len = strlen(raw), o = 0;
    if (v < 0)
        out[o++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0)
            out[o++] = ',';
        out[o++] = raw[i];
    }
    out[o] = '\0';
    return put(buf, n, "%s", out);
}

int es_numfmt_compact(double v, char *buf, size_t n)
{
    static const struct {
        double at;
        const char *suffix;
    } units[] = {{1e9, "B"}, {1e6, "M"}, {1e3, "k"}};
    if (isnan(v))
        return put(buf, n, "-");
    double a = fabs(v);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        /* 999,950 would round to "1000.0k": it belongs to the next unit. */
        if (a >= units[i].at * 0.99995) {
            char num[48];
            int l = put(num, sizeof num, "%.1f", v / units[i].at);
            if (l < 0)
                return l;
            trim_zero(num, l);
            return put(buf, n, "%s%s", num, units[i].suffix);
        }
    }
    return put(buf, n, "%.0f", v);
}

int es_numfmt_number(double v, char *buf, size_t n)
{
    if (isnan(v))
        return put(buf, n, "-");
    if (fabs(v) >= 99.95)
        return es_numfmt_int(llround(v), buf, n);
    char num[48];
    int l = put(num, sizeof num, "%.1f", v);
    if (l < 0)
        return l;
    l = trim_zero(num, l);
    if (!strcmp(num, "-0"))
        strcpy(num, "0");
    return put(buf, n, "%s", num);
}
