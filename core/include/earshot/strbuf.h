/*
 * A growing, always NUL-terminated string, installed as <earshot/strbuf.h>:
 * the core's writers (record JSON, metrics text, HTML to text) and the
 * plugins' use it. On ENOMEM it stops growing and
 * remembers it, so a writer checks once at the end instead of after every
 * piece. The hot functions are inline: record JSON calls them per field.
 */
#ifndef EARSHOT_STRBUF_H
#define EARSHOT_STRBUF_H

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>

typedef struct es_strbuf {
    char *s;
    size_t len, cap;
    int oom;
} es_strbuf_t;

/* Room for extra more bytes and the NUL. */
static inline void es_strbuf_reserve(es_strbuf_t *b, size_t extra)
{
    if (b->oom || b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1)
        cap *= 2;
    char *p = realloc(b->s, cap);
    if (!p) {
        b->oom = 1;
        return;
    }
    b->s = p;
    b->cap = cap;
}

static inline void es_strbuf_put(es_strbuf_t *b, const char *p, size_t n)
{
    es_strbuf_reserve(b, n);
    if (b->oom)
        return;
    if (n)
        memcpy(b->s + b->len, p, n);
    b->len += n;
    b->s[b->len] = '\0';
}

ES_API void es_strbuf_printf(es_strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
ES_API void es_strbuf_vprintf(es_strbuf_t *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The string (the caller frees it) and its length; NULL, with the buffer
 * freed, if memory ran out on the way. The buffer is empty afterwards. */
ES_API char *es_strbuf_take(es_strbuf_t *b, size_t *len);

#endif
