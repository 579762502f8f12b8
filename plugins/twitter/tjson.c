/*
 * The arena JSON reader; see tjson.h. Recursive descent over a byte range
 * with an explicit depth limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/swar.h>
#include <earshot/text.h>
#include "tjson.h"

struct tj_block {
    tj_block_t *next;
    size_t cap, used;
    char data[];
};

#define BLOCK_MIN (64 * 1024)

/* A new block for at least n bytes (rare: blocks only grow). */
static void *__attribute__((noinline)) alloc_block(tj_doc_t *d, size_t n)
{
    tj_block_t *b = d->blocks;
    size_t cap = n > BLOCK_MIN ? n : BLOCK_MIN;
    if (b && b->cap * 2 > cap)
        cap = b->cap * 2;
    tj_block_t *nb = malloc(sizeof *nb + cap);
    if (!nb)
        return NULL;
    nb->cap = cap;
    nb->used = n;
    nb->next = b;
    d->blocks = nb;
    return nb->data;
}

static inline void *alloc(tj_doc_t *d, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    tj_block_t *b = d->blocks;
    if (!b || b->cap - b->used < n)
        return alloc_block(d, n);
    void *p = b->data + b->used;
    b->used += n;
    return p;
}

void tj_reset(tj_doc_t *d)
{
    /* Keep the biggest block (the newest: blocks only grow). */
    tj_block_t *b = d->blocks;
    if (!b)
        return;
    tj_block_t *rest = b->next;
    b->next = NULL;
    b->used = 0;
    while (rest) {
        tj_block_t *n = rest->next;
        free(rest);
        rest = n;
    }
}

void tj_free(tj_doc_t *d)
{
    tj_reset(d);
    free(d->blocks);
    d->blocks = NULL;
}

typedef struct parser {
    tj_doc_t *d;
    const char *p, *start, *end;
    char *mut; /* tj_parse_insitu: the input, writable; strings decode into it */
    int depth;
} parser_t;

/* The first '"', '\\' or control character in [q, end), else end. Texts
 * are most of a tweet's bytes: 8 at a time. */
static const char *plain_run(const char *q, const char *end)
{
    while (end - q >= 8) {
        uint64_t stop = es_swar_json_stop(es_swar_load(q));
        if (stop)
            return q + es_swar_first(stop);
        q += 8;
    }
    while (q < end && *q != '"' && *q != '\\' && (unsigned char)*q >= 0x20)
        q++;
    return q;
}

static int fail(parser_t *ps, const char *what)
{
    snprintf(ps->d->err, sizeof ps->d->err, "%s", what);
    ps->d->err_at = (size_t)(ps->p - ps->start);
    return -1;
}

static void skip_ws(parser_t *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' || *ps->p == '\t'))
        ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

/* At the opening quote. Decodes into the arena, or in place for
 * tj_parse_insitu: escapes only shrink the text (\uXXXX is 6 bytes for at
 * most 3; a surrogate pair 12 for 4), so the decoded bytes never pass the
 * raw ones still to read, and the NUL fits where the closing quote was. */
static int parse_string(parser_t *ps, const char **out, size_t *out_len)
{
    const char *s = ++ps->p;
    const char *q = plain_run(s, ps->end);
    char *o, *buf;
    if (q < ps->end && *q == '"') { /* the common case: nothing to decode */
        size_t n = (size_t)(q - s);
        if (ps->mut) {
            buf = ps->mut + (s - ps->start);
        } else {
            if (!(buf = alloc(ps->d, n + 1)))
                return fail(ps, "out of memory");
            memcpy(buf, s, n);
        }
        buf[n] = '\0';
        *out = buf;
        *out_len = n;
        ps->p = q + 1;
        return 0;
    }
    if (ps->mut) {
        buf = ps->mut + (s - ps->start);
    } else {
        /* The raw string's extent bounds the decoded one. */
        const char *r = q;
        while (r < ps->end && *r != '"')
            r += *r == '\\' ? 2 : 1;
        if (r > ps->end)
            r = ps->end;
        if (!(buf = alloc(ps->d, (size_t)(r - s) + 1)))
            return fail(ps, "out of memory");
        memcpy(buf, s, (size_t)(q - s));
    }
    o = buf + (q - s);
    ps->p = q;
    for (;;) {
        if (ps->p >= ps->end)
            return fail(ps, "premature end of input in a string");
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(ps, "control character in a string");
        if (c != '\\') {
            *o++ = (char)c;
            ps->p++;
            continue;
        }
        if (ps->end - ps->p < 2)
            return fail(ps, "premature end of input in an escape");
        char e = ps->p[1];
        ps->p += 2;
        switch (e) {
        case '"': *o++ = '"'; break;
        case '\\': *o++ = '\\'; break;
        case '/': *o++ = '/'; break;
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (ps->end - ps->p < 4 || hex4(ps->p, &cp) < 0)
                return fail(ps, "invalid \\u escape");
            ps->p += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
                ps->p[1] == 'u' && hex4(ps->p + 2, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                ps->p += 6;
            } else if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) {
                cp = 0xFFFD; /* lone surrogate or NUL: keep the tweet */
            }
            o += es_utf8_put(o, cp);
            break;
        }
        default:
            ps->p--;
            return fail(ps, "invalid escape");
        }
    }
    *o = '\0';
    *out = buf;
    *out_len = (size_t)(o - buf);
    ps->p++;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int parse_number(parser_t *ps, tj_t *v)
{
    const char *s = ps->p, *e = ps->end, *q = s;
    int is_int = 1;
    if (q < e && *q == '-')
        q++;
    if (q < e && *q == '0')
        q++;
    else if (q < e && is_digit(*q))
        while (q < e && is_digit(*q))
            q++;
    else
        return fail(ps, "invalid number");
    if (q < e && *q == '.') {
        is_int = 0;
        if (++q >= e || !is_digit(*q))
            return fail(ps, "invalid number");
        while (q < e && is_digit(*q))
            q++;
    }
    if (q < e && (*q == 'e' || *q == 'E')) {
        is_int = 0;
        q++;
        if (q < e && (*q == '+' || *q == '-'))
            q++;
        if (q >= e || !is_digit(*q))
            return fail(ps, "invalid number");
        while (q < e && is_digit(*q))
            q++;
    }
    size_t n = (size_t)(q - s);
    char *t = alloc(ps->d, n + 1);
    if (!t)
        return fail(ps, "out of memory");
    memcpy(t, s, n);
    t[n] = '\0';
    v->type = TJ_NUM;
    v->is_int = is_int;
    v->str = t;
    v->len = n;
    ps->p = q;
    return 0;
}

static int literal(parser_t *ps, const char *word, tj_type_t type, tj_t *v)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return fail(ps, "invalid token");
    ps->p += n;
    v->type = type;
    return 0;
}

static int parse_value(parser_t *ps, tj_t *v);

static int parse_container(parser_t *ps, tj_t *v, int obj)
{
    if (++ps->depth > TJ_MAX_DEPTH)
        return fail(ps, "nesting too deep");
    char close = obj ? '}' : ']';
    v->type = obj ? TJ_OBJ : TJ_ARR;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return 0;
    }
    tj_t **tail = &v->first;
    for (;;) {
        tj_t *m = alloc(ps->d, sizeof *m);
        if (!m)
            return fail(ps, "out of memory");
        memset(m, 0, sizeof *m);
        if (obj) {
            if (ps->p >= ps->end || *ps->p != '"')
                return fail(ps, "string or '}' expected");
            if (parse_string(ps, &m->key, &m->klen) < 0)
                return -1;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':')
                return fail(ps, "':' expected");
            ps->p++;
            skip_ws(ps);
        }
        if (parse_value(ps, m) < 0)
            return -1;
        *tail = m;
        tail = &m->next;
        v->len++;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            skip_ws(ps);
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            ps->depth--;
            return 0;
        }
        return fail(ps, obj ? "',' or '}' expected" : "',' or ']' expected");
    }
}

static int parse_value(parser_t *ps, tj_t *v)
{
    if (ps->p >= ps->end)
        return fail(ps, "premature end of input");
    switch (*ps->p) {
    case '{':
        return parse_container(ps, v, 1);
    case '[':
        return parse_container(ps, v, 0);
    case '"':
        v->type = TJ_STR;
        return parse_string(ps, &v->str, &v->len);
    case 't':
        return literal(ps, "true", TJ_TRUE, v);
    case 'f':
        return literal(ps, "false", TJ_FALSE, v);
    case 'n':
        return literal(ps, "null", TJ_NULL, v);
    default:
        return parse_number(ps, v);
    }
}

static tj_t *parse(tj_doc_t *d, const char *p, char *mut, size_t n)
{
    parser_t ps = {.d = d, .p = p, .start = p, .end = p + n, .mut = mut, .depth = 0};
    d->err[0] = '\0';
    d->err_at = 0;
    tj_t *root = alloc(d, sizeof *root);
    if (!root) {
        fail(&ps, "out of memory");
        return NULL;
    }
    memset(root, 0, sizeof *root);
    skip_ws(&ps);
    if (parse_value(&ps, root) < 0)
        return NULL;
    skip_ws(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "end of data expected");
        return NULL;
    }
    return root;
}

tj_t *tj_parse(tj_doc_t *d, const char *p, size_t n) { return parse(d, p, NULL, n); }

tj_t *tj_parse_insitu(tj_doc_t *d, char *p, size_t n) { return parse(d, p, p, n); }

tj_t *tj_getn(const tj_t *obj, const char *key, size_t kl)
{
    if (!obj || obj->type != TJ_OBJ)
        return NULL;
    for (tj_t *m = obj->first; m; m = m->next)
        if (m->klen == kl && memcmp(m->key, key, kl) == 0)
            return m;
    return NULL;
}

const char *tj_str(const tj_t *v)
{
    return v && v->type == TJ_STR ? v->str : NULL;
}

tj_t *tj_obj(tj_t *v)
{
    return v && v->type == TJ_OBJ ? v : NULL;
}

tj_t *tj_arr(tj_t *v)
{
    return v && v->type == TJ_ARR ? v : NULL;
}
