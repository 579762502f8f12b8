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

/* ,"key": */
static inline void key(out_t *o, const es_field_t *f)
{
    LIT(o, ",\"");
    raw(o, f->key, f->key_len);
    LIT(o, "\":");
}

static void list(out_t *o, const char *const *v, size_t n)
{
    LIT(o, "[");
    for (size_t i = 0; i < n; i++) {
        if (i)
            LIT(o, ",");
        str(o, v[i]);
    }
    LIT(o, "]");
}

/* One field of the table (<earshot/fields.h>), its key first. */
static void field(out_t *o, const es_mention_t *m, const es_field_t *f)
{
    key(o, f);
    size_t n;
    switch ((es_field_kind_t)f->kind) {
    case ES_FIELD_STRING:
        str(o, es_field_str(m, f));
        return;
    case ES_FIELD_TIME:
        int64(o, ES_FIELD_AT(m, f->off, const int64_t));
        return;
    case ES_FIELD_LIST: {
        const char *const *v = es_field_list(m, f, &n);
        list(o, v, n);
        return;
    }
    case ES_FIELD_METRICS: {
        const int64_t *c = &ES_FIELD_AT(m, f->off, const int64_t);
        unsigned given = ES_FIELD_AT(m, f->aux, const unsigned);
        LIT(o, "{");
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
        return;
    }
    case ES_FIELD_COUNT:
        if (ES_FIELD_AT(m, f->aux, const int))
            int64(o, ES_FIELD_AT(m, f->off, const int64_t));
        else
            LIT(o, "null");
        return;
    case ES_FIELD_SUBSET: {
        const char *const *v = es_field_list(m, f, &n);
        const unsigned char *in = ES_FIELD_AT(m, f->off2, const unsigned char *const);
        LIT(o, "[");
        for (size_t i = 0, k = 0; i < n; i++)
            if (in[i]) {
                if (k++)
                    LIT(o, ",");
                str(o, v[i]);
            }
        LIT(o, "]");
        return;
    }
    case ES_FIELD_PAIRS: {
        const char *const *v = es_field_list(m, f, &n);
        const char *const *to = ES_FIELD_AT(m, f->off2, const char *const *const);
        LIT(o, "{");
        for (size_t i = 0, k = 0; i < n; i++)
            if (to[i]) {
                if (k++)
                    LIT(o, ",");
                str(o, v[i]);
                LIT(o, ":");
                str(o, to[i]);
            }
        LIT(o, "}");
        return;
    }
    case ES_FIELD_SENTIMENT: {
        const char *se = (const char *)m + f->off;
        if (!((const es_sentiment_t *)se)->label) {
            LIT(o, "null");
            return;
        }
        for (int i = 0; i < ES_SENTIMENT_PART_COUNT; i++) {
            const es_sentiment_part_t *p = &es_sentiment_parts[i];
            raw(o, i ? ",\"" : "{\"", 2);
            raw(o, p->key, strlen(p->key));
            LIT(o, "\":");
            if (p->sql_type == ES_SQL_TEXT)
                str(o, ES_FIELD_AT(se, p->off, const char *const));
            else
                real(o, ES_FIELD_AT(se, p->off, const double));
        }
        LIT(o, "}");
        return;
    }
    }
}

char *es__mention_json(const es_mention_t *m, size_t *len)
{
    out_t o = {0};
    /* One allocation: room for every string escaped at worst, plus the
     * keys and the numbers (under 768 bytes); given back (in place) once
     * the length is known. */
    size_t need = 768;
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        size_t n;
        if (f->kind == ES_FIELD_STRING) {
            const char *v = es_field_str(m, f);
            need += v ? 6 * strlen(v) + 2 : 0;
        } else if (f->kind == ES_FIELD_LIST && f->flags & ES_FIELD_SOURCE) {
            const char *const *v = es_field_list(m, f, &n);
            for (size_t k = 0; k < n; k++)
                need += 6 * strlen(v[k]) + 3;
        }
    }
    es_strbuf_reserve(&o, need);
    LIT(&o, "{\"kind\":\"mention\"");
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++)
        field(&o, m, &es_mention_fields[i]);
    LIT(&o, "}");
    size_t n;
    char *json = es_strbuf_take(&o, &n), *fit = json ? realloc(json, n + 1) : NULL;
    if (len)
        *len = n;
    return fit ? fit : json;
}
