#include <earshot/strbuf.h>

#include <stdarg.h>
#include <stdio.h>

void es_strbuf_vprintf(es_strbuf_t *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n < 0) {
        b->oom = 1;
    } else if ((size_t)n < sizeof small) {
        es_strbuf_put(b, small, (size_t)n);
    } else {
        es_strbuf_reserve(b, (size_t)n);
        if (!b->oom) {
            vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
            b->len += (size_t)n;
        }
    }
    va_end(again);
}

void es_strbuf_printf(es_strbuf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    es_strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *es_strbuf_take(es_strbuf_t *b, size_t *len)
{
    es_strbuf_reserve(b, 0); /* an empty buffer has no storage yet */
    if (!b->oom)
        b->s[b->len] = '\0';
    char *s = b->oom ? NULL : b->s;
    if (!s)
        free(b->s);
    if (len)
        *len = s ? b->len : 0;
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
    return s;
}
