/* A mention's JSON text, written directly. Every record is serialised once
 * (for its spool rows and the sinks), and building a jansson tree only to
 * dump it was a fifth of the whole pipeline's time. The output is byte for
 * byte what json_dumps(es__rec_to_json(r), JSON_COMPACT |
 * JSON_REAL_PRECISION(12)) gives (tests/record_json_test.c compares them),
 * so nothing downstream can tell. */
#include "record_json.h"

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

char *es__mention_json(const es_mention_t *m, size_t *len)
{
    out_t o = {0};
    /* One allocation: room for every string escaped at worst, plus the
     * keys; given back (in place) once the length is known. */
    size_t need = 768;
    const char *fields[] = {m->id, m->network, m->source, m->author, m->author_name, m->url, m->title,
                            m->text, m->lang, m->in_reply_to, m->reply_to_author, m->brand,
                            m->author_kind, m->owner, m->addressed_account};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        need += fields[i] ? 6 * strlen(fields[i]) + 2 : 0;
    for (size_t i = 0; i < m->n_addressed; i++)
        need += 6 * strlen(m->addressed[i]) + 3;
    es_strbuf_reserve(&o, need);
    LIT(&o, "{\"kind\":\"mention\"");
    key_str(&o, ",\"id\":", m->id);
    key_str(&o, ",\"network\":", m->network);
    key_str(&o, ",\"source\":", m->source);
    key_str(&o, ",\"author\":", m->author);
    key_str(&o, ",\"author_name\":", m->author_name);
    key_str(&o, ",\"url\":", m->url);
    key_str(&o, ",\"title\":", m->title);
    key_str(&o, ",\"text\":", m->text);
    key_str(&o, ",\"lang\":", m->lang);
    LIT(&o, ",\"created_at\":");
    int64(&o, m->created_at);
    key_str(&o, ",\"in_reply_to\":", m->in_reply_to);
    key_str(&o, ",\"reply_to_author\":", m->reply_to_author);
    LIT(&o, ",\"addressed\":[");
    for (size_t i = 0; i < m->n_addressed; i++) {
        if (i)
            LIT(&o, ",");
        str(&o, m->addressed[i]);
    }
    LIT(&o, "]");
    LIT(&o, ",\"metrics\":{");
    int first = 1;
    for (int i = 0; i < ES_METRIC_COUNT; i++) {
        if (!(m->metrics_given & (1u << i)))
            continue;
        if (!first)
            LIT(&o, ",");
        first = 0;
        LIT(&o, "\"");
        const char *name = es_metric_name(i);
        raw(&o, name, strlen(name));
        LIT(&o, "\":");
        int64(&o, m->metrics[i]);
    }
    LIT(&o, "},\"followers\":");
    if (m->followers_given)
        int64(&o, m->followers);
    else
        LIT(&o, "null");
    key_str(&o, ",\"brand\":", m->brand);
    key_str(&o, ",\"author_kind\":", m->author_kind);
    key_str(&o, ",\"owner\":", m->owner);
    key_str(&o, ",\"addressed_account\":", m->addressed_account);
    LIT(&o, ",\"brands\":[");
    for (size_t i = 0; i < m->n_brands; i++) {
        if (i)
            LIT(&o, ",");
        str(&o, m->brands[i]);
    }
    LIT(&o, "],\"owned\":[");
    for (size_t i = 0, k = 0; i < m->n_brands; i++)
        if (m->brand_owned[i]) {
            if (k++)
                LIT(&o, ",");
            str(&o, m->brands[i]);
        }
    LIT(&o, "],\"topics\":[");
    for (size_t i = 0; i < m->n_topics; i++) {
        if (i)
            LIT(&o, ",");
        str(&o, m->topics[i]);
    }
    LIT(&o, "],\"topic_owners\":{");
    for (size_t i = 0, k = 0; i < m->n_topics; i++)
        if (m->topic_owners[i]) {
            if (k++)
                LIT(&o, ",");
            str(&o, m->topics[i]);
            LIT(&o, ":");
            str(&o, m->topic_owners[i]);
        }
    LIT(&o, "}");
    if (m->sentiment.label) {
        LIT(&o, ",\"sentiment\":{\"compound\":");
        real(&o, m->sentiment.compound);
        LIT(&o, ",\"pos\":");
        real(&o, m->sentiment.pos);
        LIT(&o, ",\"neu\":");
        real(&o, m->sentiment.neu);
        LIT(&o, ",\"neg\":");
        real(&o, m->sentiment.neg);
        key_str(&o, ",\"label\":", m->sentiment.label);
        LIT(&o, "}}");
    } else {
        LIT(&o, ",\"sentiment\":null}");
    }
    size_t n;
    char *json = es_strbuf_take(&o, &n), *fit = json ? realloc(json, n + 1) : NULL;
    if (len)
        *len = n;
    return fit ? fit : json;
}
