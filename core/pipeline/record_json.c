/* A mention's JSON text, written directly. Every record is serialised once
 * (for its spool rows and the sinks), and building a jansson tree only to
 * dump it was a fifth of the whole pipeline's time. The output is byte for
 * byte what json_dumps(es__rec_to_json(r), JSON_COMPACT |
 * JSON_REAL_PRECISION(12)) gives (tests/record_json_test.c compares them),
 * so nothing downstream can tell. The fields, their keys and their order
 * are the table of <earshot/fields.h>. */
#include "record_json.h"

#include <earshot/fields.h>
#include <earshot/strbuf.h>
#include <earshot/swar.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef es_strbuf_t out_t;

static inline void raw(out_t *o, const char *p, size_t n) { es_strbuf_put(o, p, n); }

#define LIT(o, s) raw((o), (s), sizeof(s) - 1)

/* Writes the escape of c (a byte that needs one) at w; returns the end. */
static char *escape(char *w, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    *w++ = '\\';
    switch (c) {
    case '"': *w++ = '"'; break;
    case '\\': *w++ = '\\'; break;
    case '\b': *w++ = 'b'; break;
    case '\f': *w++ = 'f'; break;
    case '\n': *w++ = 'n'; break;
    case '\r': *w++ = 'r'; break;
    case '\t': *w++ = 't'; break;
    default:
        memcpy(w, "u00", 3);
        w[3] = hex[c >> 4];
        w[4] = hex[c & 15];
        w += 5;
    }
    return w;
}

/* jansson's escaping: \" \\ \b \f \n \r \t, other controls as \u00XX
 * (upper-case hex); '/' and non-ASCII as they are. Room for the worst
 * case (6 bytes a byte) is made first, then the text is copied a word at
 * a time, straight to the next byte that needs an escape: texts are long
 * and rarely need one. */
static void str(out_t *o, const char *v)
{
    if (!v) {
        LIT(o, "null");
        return;
    }
    size_t n = strlen(v), i = 0;
    es_strbuf_reserve(o, 6 * n + 2);
    if (o->oom)
        return;
    char *w = o->s + o->len;
    *w++ = '"';
    while (n - i >= 8) {
        uint64_t x = es_swar_load(v + i);
        uint64_t stop = es_swar_json_stop(x);
        memcpy(w, &x, 8); /* the bytes after a stop are overwritten below */
        if (!stop) {
            w += 8;
            i += 8;
            continue;
        }
        size_t k = es_swar_first(stop);
        w = escape(w + k, (unsigned char)v[i + k]);
        i += k + 1;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            *w++ = (char)c;
        else
            w = escape(w, c);
    }
    *w++ = '"';
    o->len = (size_t)(w - o->s);
    o->s[o->len] = '\0';
}

/* key is a string literal: its length is known at compile time. */
#define key_str(o, key, v) (LIT((o), key), str((o), (v)))

static void int64(out_t *o, int64_t v)
{
    char b[24], *p = b + sizeof b;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while (u /= 10);
    if (v < 0)
        *--p = '-';
    raw(o, p, (size_t)(b + sizeof b - p));
}

/* jansson's jsonp_dtostr: %.12g, ".0" when neither '.' nor 'e' shows,
 * and an exponent without '+' or leading zeros. */
static void real(out_t *o, double d)
{
    char b[64];
    int n = snprintf(b, sizeof b, "%.12g", d);
    if (n < 0 || n >= (int)sizeof b - 3) {
        o->oom = 1;
        return;
    }
    if (!strchr(b, '.') && !strchr(b, 'e')) {
        memcpy(b + n, ".0", 3);
        n += 2;
    }
    char *e = strchr(b, 'e');
    if (e) {
        char *start = e + 1, *end = e + 2;
        if (*start == '-')
            start++;
        while (*end == '0')
            end++;
        if (end != start) {
            memmove(start, end, (size_t)(b + n - end) + 1);
            n -= (int)(end - start);
        }
    }
    raw(o, b, (size_t)n);
}

/* The value writers, one per kind of <earshot/fields.h>, all of the same
 * shape so ES_MENTION_FIELDS expands into a call of each; off, aux and
 * off2 are constants there. A list's or an object's opening bracket is
 * written with its key (OPEN_kind), one copy fewer: the writer was 2.6%
 * slower than the hand-written one without it. */
#define OPEN_ES_FIELD_STRING ""
#define OPEN_ES_FIELD_TIME ""
#define OPEN_ES_FIELD_LIST "["
#define OPEN_ES_FIELD_METRICS "{"
#define OPEN_ES_FIELD_COUNT ""
#define OPEN_ES_FIELD_SUBSET "["
#define OPEN_ES_FIELD_PAIRS "{"
#define OPEN_ES_FIELD_SENTIMENT "" /* null or an object */
#define AT(o_, T) ES_FIELD_AT(m, (o_), T)
#define VALUE(kind) static inline void put_##kind(out_t *o, const es_mention_t *m, size_t off, size_t aux, size_t off2)

VALUE(ES_FIELD_STRING)
{
    (void)aux, (void)off2;
    str(o, AT(off, const char *const));
}

VALUE(ES_FIELD_TIME)
{
    (void)aux, (void)off2;
    int64(o, AT(off, const int64_t));
}

VALUE(ES_FIELD_LIST)
{
    (void)off2;
    const char *const *v = AT(off, const char *const *const);
    for (size_t i = 0, n = AT(aux, const size_t); i < n; i++) {
        if (i)
            LIT(o, ",");
        str(o, v[i]);
    }
    LIT(o, "]");
}

VALUE(ES_FIELD_METRICS)
{
    (void)off2;
    const int64_t *c = &AT(off, const int64_t);
    unsigned given = AT(aux, const unsigned);
    for (int i = 0, k = 0; i < ES_METRIC_COUNT; i++) {
        if (!(given & (1u << i)))
            continue;
        if (k++)
            LIT(o, ",");
        LIT(o, "\"");
        const char *name = es_metric_name(i);
        raw(o, name, strlen(name));
        LIT(o, "\":");
        int64(o, c[i]);
    }
    LIT(o, "}");
}

VALUE(ES_FIELD_COUNT)
{
    (void)off2;
    if (AT(aux, const int))
        int64(o, AT(off, const int64_t));
    else
        LIT(o, "null");
}

VALUE(ES_FIELD_SUBSET)
{
    const char *const *v = AT(off, const char *const *const);
    const unsigned char *in = AT(off2, const unsigned char *const);
    for (size_t i = 0, k = 0, n = AT(aux, const size_t); i < n; i++)
        if (in[i]) {
            if (k++)
                LIT(o, ",");
            str(o, v[i]);
        }
    LIT(o, "]");
}

VALUE(ES_FIELD_PAIRS)
{
    const char *const *v = AT(off, const char *const *const);
    const char *const *to = AT(off2, const char *const *const);
    for (size_t i = 0, k = 0, n = AT(aux, const size_t); i < n; i++)
        if (to[i]) {
            if (k++)
                LIT(o, ",");
            str(o, v[i]);
            LIT(o, ":");
            str(o, to[i]);
        }
    LIT(o, "}");
}

#define PART_ES_SQL_REAL(se, mem) real(o, (se)->mem)
#define PART_ES_SQL_TEXT(se, mem) str(o, (se)->mem)
#define PART(k, st, mem, col) raw(o, sep, 1), sep = ",", LIT(o, "\"" k "\":"), PART_##st(se, mem);

VALUE(ES_FIELD_SENTIMENT)
{
    (void)aux, (void)off2;
    const es_sentiment_t *se = &AT(off, const es_sentiment_t);
    if (!se->label) {
        LIT(o, "null");
        return;
    }
    const char *sep = "{";
    ES_SENTIMENT_PARTS(PART)
    LIT(o, "}");
}
#undef PART

/* Room for a field's strings escaped at worst: the strings and the
 * source's list (the matches are few and short; the buffer grows for
 * them if it must). */
#define NEED_NONE(kind) \
    static inline size_t need_##kind(const es_mention_t *m, size_t off, size_t aux, int flags) \
    { \
        (void)m, (void)off, (void)aux, (void)flags; \
        return 0; \
    }
NEED_NONE(ES_FIELD_TIME)
NEED_NONE(ES_FIELD_METRICS)
NEED_NONE(ES_FIELD_COUNT)
NEED_NONE(ES_FIELD_SUBSET)
NEED_NONE(ES_FIELD_PAIRS)
NEED_NONE(ES_FIELD_SENTIMENT)

static inline size_t need_ES_FIELD_STRING(const es_mention_t *m, size_t off, size_t aux, int flags)
{
    (void)aux, (void)flags;
    const char *v = AT(off, const char *const);
    return v ? 6 * strlen(v) + 2 : 0;
}

static inline size_t need_ES_FIELD_LIST(const es_mention_t *m, size_t off, size_t aux, int flags)
{
    size_t need = 0;
    if (flags & ES_FIELD_SOURCE)
        for (size_t k = 0, n = AT(aux, const size_t); k < n; k++)
            need += 6 * strlen(AT(off, const char *const *const)[k]) + 3;
    return need;
}

char *es__mention_json(const es_mention_t *m, size_t *len)
{
    out_t o = {0};
    /* One allocation: room for every string escaped at worst, plus the
     * keys and the numbers (under 768 bytes); given back (in place) once
     * the length is known. */
    size_t need = 768;
#define NEED(k, kind, flags, st, off, aux, off2, pos, col) need += need_##kind(m, off, aux, flags);
    ES_MENTION_FIELDS(NEED)
#undef NEED
    es_strbuf_reserve(&o, need);
    LIT(&o, "{\"kind\":\"mention\"");
    /* The table, expanded: each key a literal, each value writer called
     * with constant offsets. */
#define FIELD(k, kind, flags, st, off, aux, off2, pos, col) \
    LIT(&o, ",\"" k "\":" OPEN_##kind), put_##kind(&o, m, off, aux, off2);
    ES_MENTION_FIELDS(FIELD)
#undef FIELD
    LIT(&o, "}");
    size_t n;
    char *json = es_strbuf_take(&o, &n), *fit = json ? realloc(json, n + 1) : NULL;
    if (len)
        *len = n;
    return fit ? fit : json;
}
