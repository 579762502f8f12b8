/*
 * The query parser: recursive descent over the grammar of docs/queries.md.
 *
 *   query   = or EOF
 *   or      = and { "OR" and }
 *   and     = unary { ["AND"] unary }          implicit AND between terms
 *   unary   = ("NOT" | "-") unary | near
 *   near    = primary [ "NEAR/n" ["f"] primary ]
 *   primary = "(" or ")" | ["!"] '"' words '"' ["~" n] | field ":" value
 *           | "#"tag | "@"handle | term
 *
 * Operators are upper case, so "and", "or" and "not" are words. Every
 * error names the byte offset it was found at and what was expected; the
 * config layer turns that into file:line:column.
 */
#include "query.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/strbuf.h>
#include "util.h"

typedef struct parser {
    const char *s;
    size_t n, i;
    es_query_error_t *err;
    int failed, oom;
    size_t n_nodes;
    int depth;
} parser_t;

static void fail(parser_t *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(parser_t *p, size_t off, const char *fmt, ...)
{
    if (p->failed)
        return;
    p->failed = 1;
    p->err->offset = off;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
}

static void node_free(es_qnode_t *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    for (size_t i = 0; i < n->n_words; i++) {
        free(n->words[i]);
        if (n->raw_words)
            free(n->raw_words[i]);
    }
    free(n->words);
    free(n->raw_words);
    free(n->word_keys);
    free(n->attr);
    free(n->url_prefix);
    free(n);
}

static es_qnode_t *node_new(parser_t *p, es_qnode_kind_t k, size_t off, size_t end)
{
    es_qnode_t *n = calloc(1, sizeof *n);
    if (!n) {
        p->oom = p->failed = 1;
        return NULL;
    }
    n->kind = k;
    n->off = (uint32_t)off;
    n->len = (uint32_t)(end - off);
    n->id = (uint32_t)p->n_nodes++;
    return n;
}

static int kid_add(parser_t *p, es_qnode_t *n, es_qnode_t *k)
{
    es_qnode_t **nk = realloc(n->kids, (n->n_kids + 1) * sizeof *nk);
    if (!nk) {
        p->oom = p->failed = 1;
        node_free(k);
        return -1;
    }
    n->kids = nk;
    n->kids[n->n_kids++] = k;
    return 0;
}

static void skip_ws(parser_t *p)
{
    while (p->i < p->n && isspace((unsigned char)p->s[p->i]))
        p->i++;
}

static int bare_char(char c) { return c && !isspace((unsigned char)c) && c != '(' && c != ')' && c != '"'; }

/* Length of the bare word at i. */
static size_t bare_len(parser_t *p, size_t i)
{
    size_t j = i;
    while (j < p->n && bare_char(p->s[j]))
        j++;
    return j - i;
}

static int word_is(parser_t *p, size_t i, size_t len, const char *w)
{
    return len == strlen(w) && !memcmp(p->s + i, w, len);
}

/* NEAR/n or NEAR/nf at i (len bytes): 1 and the distance, or 0. */
static int near_op(parser_t *p, size_t i, size_t len, uint32_t *dist, int *ordered)
{
    if (len < 6 || memcmp(p->s + i, "NEAR/", 5))
        return 0;
    size_t j = i + 5, e = i + len;
    if (!isdigit((unsigned char)p->s[j])) {
        fail(p, j, "expected a distance after NEAR/ (NEAR/3 or NEAR/3f)");
        return 0;
    }
    unsigned long v = 0;
    while (j < e && isdigit((unsigned char)p->s[j])) {
        v = v * 10 + (unsigned)(p->s[j] - '0');
        if (v > ES_QUERY_MAX_DISTANCE) {
            fail(p, i + 5, "NEAR distance above the limit of %d words", ES_QUERY_MAX_DISTANCE);
            return 0;
        }
        j++;
    }
    *ordered = 0;
    if (j < e && p->s[j] == 'f') {
        *ordered = 1;
        j++;
    }
    if (j != e) {
        fail(p, j, "unexpected '%c' in NEAR operator (NEAR/3 or NEAR/3f)", p->s[j]);
        return 0;
    }
    *dist = (uint32_t)v;
    return 1;
}

/* Cuts a term into words with the mention tokenizer: the words' folded
 * (and raw) forms go into n. */
static int term_words(parser_t *p, es_qnode_t *n, const char *text, size_t len, size_t off, int raw)
{
    char *t = strndup(text, len);
    if (!t) {
        p->oom = p->failed = 1;
        return -1;
    }
    es_qtoks_t tk = {0};
    es__qtoks_add_text(&tk, t, 0);
    int rc = 0;
    if (tk.oom) {
        p->oom = p->failed = 1;
        rc = -1;
    } else if (tk.n == 0) {
        fail(p, off, "'%.*s' has no letter, digit or emoji to look for", (int)len, text);
        rc = -1;
    } else if (!(n->words = calloc(tk.n, sizeof *n->words)) ||
               (raw && !(n->raw_words = calloc(tk.n, sizeof *n->raw_words)))) {
        p->oom = p->failed = 1;
        rc = -1;
    } else {
        for (size_t i = 0; i < tk.n; i++) {
            n->words[i] = es__strdup(es__qtok_folded(&tk, &tk.v[i]));
            if (raw)
                n->raw_words[i] = strndup(t + tk.v[i].start, tk.v[i].len);
            n->n_words++;
            if (!n->words[i] || (raw && !n->raw_words[i])) {
                p->oom = p->failed = 1;
                rc = -1;
                break;
            }
        }
    }
    es__qtoks_free(&tk);
    free(t);
    return rc;
}

/* A wildcard term: one word with '*' (any run) and '?' (one character)
 * after at least one literal character, which the matcher indexes. */
static es_qnode_t *wildcard(parser_t *p, size_t off, size_t len, int raw, int field)
{
    const char *w = p->s + off;
    if (w[0] == '*' || w[0] == '?') {
        fail(p, off, "a wildcard needs a letter or digit before it ('advertis*', not '*ing')");
        return NULL;
    }
    es_strbuf_t pat = {0};
    for (size_t i = 0; i < len;) {
        if (w[i] == '*' || w[i] == '?') {
            es_strbuf_put(&pat, &w[i], 1);
            i++;
            continue;
        }
        size_t j = i;
        while (j < len && w[j] != '*' && w[j] != '?')
            j++;
        char *piece = strndup(w + i, j - i);
        es_qtoks_t tk = {0};
        if (piece)
            es__qtoks_add_text(&tk, piece, 0);
        int one = piece && tk.n == 1 && tk.v[0].start == 0 && tk.v[0].len == j - i;
        if (one) {
            const char *add = raw ? piece : es__qtok_folded(&tk, &tk.v[0]);
            es_strbuf_put(&pat, add, strlen(add));
        }
        es__qtoks_free(&tk);
        free(piece);
        if (!one) {
            free(pat.s);
            fail(p, off + i, "a wildcard term must be one word of letters or digits ('%.*s')", (int)len, w);
            return NULL;
        }
        i = j;
    }
    es_qnode_t *n = node_new(p, ES_QN_WORD, off, off + len);
    if (!n || pat.oom || !pat.s || !(n->words = calloc(1, sizeof *n->words))) {
        free(pat.s);
        node_free(n);
        p->oom = p->failed = 1;
        return NULL;
    }
    n->words[0] = es_strbuf_take(&pat, NULL);
    n->n_words = 1;
    n->wildcard = 1;
    n->raw = raw;
    n->field = field;
    if (raw && !(n->raw_words = calloc(1, sizeof *n->raw_words))) {
        node_free(n);
        p->oom = p->failed = 1;
        return NULL;
    }
    if (raw) {
        /* The index key is the folded literal prefix; the raw pattern is
         * what must match. */
        n->raw_words[0] = n->words[0];
        size_t lit = strcspn(n->raw_words[0], "*?");
        n->words[0] = es__query_fold(n->raw_words[0], lit);
        if (!n->words[0]) {
            node_free(n);
            p->oom = p->failed = 1;
            return NULL;
        }
    }
    return n;
}

static es_qnode_t *term(parser_t *p, size_t off, size_t len, int raw, int field)
{
    const char *w = p->s + off;
    if (memchr(w, '*', len) || memchr(w, '?', len))
        return wildcard(p, off, len, raw, field);
    es_qnode_t *n = node_new(p, ES_QN_WORD, off, off + len);
    if (!n)
        return NULL;
    n->raw = raw;
    n->field = field;
    if (term_words(p, n, w, len, off, raw) < 0) {
        node_free(n);
        return NULL;
    }
    if (n->n_words > 1)
        n->kind = ES_QN_PHRASE;
    return n;
}

static es_qnode_t *phrase(parser_t *p, int raw, int field)
{
    size_t off = p->i; /* at the opening quote */
    const char *close = memchr(p->s + off + 1, '"', p->n - off - 1);
    if (!close) {
        fail(p, off, "unterminated phrase: expected a closing '\"'");
        return NULL;
    }
    size_t end = (size_t)(close - p->s);
    if (memchr(p->s + off + 1, '*', end - off - 1) || memchr(p->s + off + 1, '?', end - off - 1)) {
        fail(p, off + 1, "no wildcards inside a phrase (write them as separate words)");
        return NULL;
    }
    es_qnode_t *n = node_new(p, ES_QN_PHRASE, off, end + 1);
    if (!n)
        return NULL;
    n->raw = raw;
    n->field = field;
    if (term_words(p, n, p->s + off + 1, end - off - 1, off, raw) < 0) {
        node_free(n);
        return NULL;
    }
    p->i = end + 1;
    if (p->i < p->n && p->s[p->i] == '~') {
        size_t j = p->i + 1;
        unsigned long v = 0;
        if (j >= p->n || !isdigit((unsigned char)p->s[j])) {
            fail(p, j, "expected a number of words after '~' (\"phrase\"~3)");
            node_free(n);
            return NULL;
        }
        while (j < p->n && isdigit((unsigned char)p->s[j])) {
            v = v * 10 + (unsigned)(p->s[j] - '0');
            if (v > ES_QUERY_MAX_DISTANCE) {
                fail(p, p->i + 1, "phrase slop above the limit of %d words", ES_QUERY_MAX_DISTANCE);
                node_free(n);
                return NULL;
            }
            j++;
        }
        n->slop = (uint32_t)v;
        n->len = (uint32_t)(j - off);
        p->i = j;
    }
    if (n->n_words == 1 && n->slop == 0)
        n->kind = ES_QN_WORD;
    return n;
}

static es_qnode_t *attr_node(parser_t *p, size_t off, size_t end, const char *prefix, const char *v, size_t vlen)
{
    es_qnode_t *n = node_new(p, ES_QN_ATTR, off, end);
    if (!n)
        return NULL;
    char *f = es__query_fold(v, vlen);
    n->attr = f ? es__asprintf("%s%s", prefix, f) : NULL;
    free(f);
    if (!n->attr) {
        node_free(n);
        p->oom = p->failed = 1;
        return NULL;
    }
    return n;
}

static es_qnode_t *parse_or(parser_t *p, int raw, int field);
static es_qnode_t *primary(parser_t *p, int raw, int field);
static es_qnode_t *binary_and(parser_t *p, int raw, int field);

static const char *const fields[] = {"title", "raw", "author", "lang", "network", "site", "url", "links", NULL};

static es_qnode_t *field_term(parser_t *p, size_t off, size_t name_len, int raw, int field)
{
    const char *name = p->s + off;
    size_t vo = off + name_len + 1; /* value offset */
    int title = word_is(p, off, name_len, "title"), is_raw = word_is(p, off, name_len, "raw");
    if (title || is_raw) {
        p->i = vo;
        if (p->i >= p->n || isspace((unsigned char)p->s[p->i])) {
            fail(p, vo, "expected a word, phrase or (group) after %.*s:", (int)name_len, name);
            return NULL;
        }
        return primary(p, raw || is_raw, title ? ES_QF_TITLE : field);
    }
    size_t vlen = bare_len(p, vo);
    p->i = vo + vlen;
    if (vlen == 0) {
        fail(p, vo, "expected a value after %.*s: (for example %.*s:value)", (int)name_len, name,
             (int)name_len, name);
        return NULL;
    }
    if (field == ES_QF_TITLE || raw) {
        fail(p, off, "%.*s: cannot be used inside title: or raw:", (int)name_len, name);
        return NULL;
    }
    const char *v = p->s + vo;
    if (word_is(p, off, name_len, "author")) {
        if (*v == '@')
            v++, vlen--;
        return attr_node(p, off, p->i, "\1author:", v, vlen);
    }
    if (word_is(p, off, name_len, "lang"))
        return attr_node(p, off, p->i, "\1lang:", v, vlen);
    if (word_is(p, off, name_len, "network"))
        return attr_node(p, off, p->i, "\1net:", v, vlen);
    /* site:, url: and links: take a host (url: a URL prefix). */
    char *val = strndup(v, vlen);
    char host[256];
    size_t hl = val ? es__query_url_host(val, host, sizeof host) : 0;
    if (!val || hl == 0) {
        free(val);
        if (val)
            fail(p, vo, "expected a host name after %.*s:", (int)name_len, name);
        else
            p->oom = p->failed = 1;
        return NULL;
    }
    int links = word_is(p, off, name_len, "links");
    es_qnode_t *n = attr_node(p, off, p->i, links ? "\1link:" : "\1site:", host, hl);
    if (n && word_is(p, off, name_len, "url")) {
        /* The prefix compared: host as folded above, then the rest as given. */
        const char *rest = strstr(val, "://");
        rest = rest ? rest + 3 : val;
        if (!strncasecmp(rest, "www.", 4))
            rest += 4;
        const char *path = rest + strcspn(rest, "/?#");
        if (*path && !(n->url_prefix = es__asprintf("%s%s", host, path))) {
            node_free(n);
            n = NULL;
            p->oom = p->failed = 1;
        }
    }
    free(val);
    return n;
}

static es_qnode_t *primary(parser_t *p, int raw, int field)
{
    skip_ws(p);
    if (p->i >= p->n) {
        fail(p, p->i, "expected a term, phrase or '(' at the end of the query");
        return NULL;
    }
    char c = p->s[p->i];
    if (c == '(') {
        size_t open = p->i++;
        if (++p->depth > ES_QUERY_MAX_DEPTH) {
            fail(p, open, "parentheses nested deeper than %d", ES_QUERY_MAX_DEPTH);
            return NULL;
        }
        es_qnode_t *n = parse_or(p, raw, field);
        p->depth--;
        if (!n)
            return NULL;
        skip_ws(p);
        if (p->i >= p->n || p->s[p->i] != ')') {
            fail(p, p->i, "expected ')' to close the '(' opened at byte %zu of the query", open + 1);
            node_free(n);
            return NULL;
        }
        p->i++;
        return n;
    }
    if (c == ')') {
        fail(p, p->i, "unexpected ')': expected a term, phrase or '('");
        return NULL;
    }
    if (c == '"')
        return phrase(p, raw, field);
    if (c == '!' && p->i + 1 < p->n && p->s[p->i + 1] == '"') {
        p->i++;
        es_qnode_t *n = phrase(p, 1, field);
        if (n)
            n->off--, n->len++;
        return n;
    }
    size_t off = p->i, len = bare_len(p, off);
    uint32_t d;
    int ord;
    if (word_is(p, off, len, "AND") || word_is(p, off, len, "OR") || near_op(p, off, len, &d, &ord)) {
        fail(p, off, "expected a term before %.*s", (int)len, p->s + off);
        return NULL;
    }
    if (p->failed)
        return NULL;
    if ((c == '#' || c == '@') && len > 1) {
        if (field == ES_QF_TITLE || raw) {
            fail(p, off, "'%c' terms cannot be used inside title: or raw:", c);
            return NULL;
        }
        size_t vl = len - 1;
        while (c == '@' && vl && p->s[off + vl] == '.')
            vl--;
        p->i = off + len;
        return attr_node(p, off, p->i, c == '#' ? "\1tag:" : "\1at:", p->s + off + 1, vl);
    }
    const char *colon = memchr(p->s + off, ':', len);
    if (colon) {
        size_t nl = (size_t)(colon - (p->s + off));
        for (int k = 0; fields[k]; k++)
            if (word_is(p, off, nl, fields[k]))
                return field_term(p, off, nl, raw, field);
        int letters = nl > 0;
        for (size_t k = 0; k < nl; k++)
            letters &= isalpha((unsigned char)p->s[off + k]) != 0;
        if (letters && colon + 1 < p->s + off + len) {
            fail(p, off,
                 "unknown field '%.*s:' (expected title:, raw:, author:, lang:, network:, site:, url: "
                 "or links:; quote the term to search for it as words)",
                 (int)nl, p->s + off);
            return NULL;
        }
    }
    p->i = off + len;
    return term(p, off, len, raw, field);
}

/* Operands of NEAR are positions in the text: words, phrases and OR
 * groups of them. */
static int positional(const es_qnode_t *n)
{
    if (n->kind == ES_QN_WORD || n->kind == ES_QN_PHRASE)
        return 1;
    if (n->kind != ES_QN_OR)
        return 0;
    for (size_t i = 0; i < n->n_kids; i++)
        if (!positional(n->kids[i]))
            return 0;
    return 1;
}

static es_qnode_t *near(parser_t *p, int raw, int field)
{
    es_qnode_t *a = primary(p, raw, field);
    if (!a)
        return NULL;
    skip_ws(p);
    size_t off = p->i, len = bare_len(p, off);
    uint32_t d;
    int ord;
    if (!near_op(p, off, len, &d, &ord)) {
        if (p->failed) {
            node_free(a);
            return NULL;
        }
        return a;
    }
    p->i = off + len;
    es_qnode_t *b = primary(p, raw, field);
    if (!b) {
        node_free(a);
        return NULL;
    }
    if (!positional(a) || !positional(b)) {
        fail(p, positional(a) ? b->off : a->off,
             "NEAR takes words, phrases or (a OR b) groups of them on each side");
        node_free(a);
        node_free(b);
        return NULL;
    }
    skip_ws(p);
    size_t o2 = p->i, l2 = bare_len(p, o2);
    if (near_op(p, o2, l2, &(uint32_t){0}, &(int){0})) {
        fail(p, o2, "one NEAR at a time: write (a NEAR/3 b) AND (b NEAR/3 c)");
        node_free(a);
        node_free(b);
        return NULL;
    }
    es_qnode_t *n = node_new(p, ES_QN_NEAR, a->off, b->off + b->len);
    if (!n || kid_add(p, n, a) < 0 || kid_add(p, n, b) < 0) {
        if (n) {
            node_free(n); /* frees what was added */
        } else {
            node_free(a);
            node_free(b);
        }
        return NULL;
    }
    n->distance = d;
    n->ordered = ord;
    return n;
}

static es_qnode_t *unary(parser_t *p, int raw, int field)
{
    skip_ws(p);
    size_t off = p->i, len = bare_len(p, off);
    int is_not = word_is(p, off, len, "NOT");
    int minus = !is_not && off < p->n && p->s[off] == '-' && off + 1 < p->n && bare_char(p->s[off + 1]);
    minus |= !is_not && off + 1 < p->n && p->s[off] == '-' && (p->s[off + 1] == '"' || p->s[off + 1] == '(');
    if (!is_not && !minus)
        return near(p, raw, field);
    p->i = off + (is_not ? 3 : 1);
    if (++p->depth > ES_QUERY_MAX_DEPTH) {
        fail(p, off, "operators nested deeper than %d", ES_QUERY_MAX_DEPTH);
        return NULL;
    }
    es_qnode_t *k = unary(p, raw, field);
    p->depth--;
    if (!k)
        return NULL;
    es_qnode_t *n = node_new(p, ES_QN_NOT, off, k->off + k->len);
    if (!n || kid_add(p, n, k) < 0) {
        if (!n)
            node_free(k);
        node_free(n);
        return NULL;
    }
    return n;
}

/* At the end of an AND run: the end of the text, ')' or OR. */
static int and_ends(parser_t *p)
{
    skip_ws(p);
    if (p->i >= p->n || p->s[p->i] == ')')
        return 1;
    return word_is(p, p->i, bare_len(p, p->i), "OR");
}

static es_qnode_t *binary(parser_t *p, es_qnode_kind_t kind, es_qnode_t *first, int raw, int field)
{
    es_qnode_t *n = node_new(p, kind, first->off, first->off + first->len);
    if (!n) {
        node_free(first);
        return NULL;
    }
    if (kid_add(p, n, first) < 0) {
        node_free(n);
        return NULL;
    }
    for (;;) {
        es_qnode_t *k;
        if (kind == ES_QN_AND) {
            if (and_ends(p))
                break;
            size_t off = p->i, len = bare_len(p, off);
            if (word_is(p, off, len, "AND")) {
                p->i += 3;
                skip_ws(p);
                if (p->i >= p->n || p->s[p->i] == ')') {
                    fail(p, p->i, "expected a term after AND");
                    node_free(n);
                    return NULL;
                }
            }
            k = unary(p, raw, field);
        } else {
            skip_ws(p);
            size_t off = p->i, len = bare_len(p, off);
            if (!word_is(p, off, len, "OR"))
                break;
            p->i += 2;
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] == ')') {
                fail(p, p->i, "expected a term after OR");
                node_free(n);
                return NULL;
            }
            k = binary_and(p, raw, field);
        }
        if (!k || kid_add(p, n, k) < 0) {
            node_free(n);
            return NULL;
        }
        n->len = k->off + k->len - n->off;
    }
    if (n->n_kids == 1) {
        es_qnode_t *only = n->kids[0];
        n->n_kids = 0;
        node_free(n); /* its id stays unused: ids need only be unique */
        return only;
    }
    return n;
}

static es_qnode_t *binary_and(parser_t *p, int raw, int field)
{
    es_qnode_t *first = unary(p, raw, field);
    return first ? binary(p, ES_QN_AND, first, raw, field) : NULL;
}

static es_qnode_t *parse_or(parser_t *p, int raw, int field)
{
    es_qnode_t *first = binary_and(p, raw, field);
    return first ? binary(p, ES_QN_OR, first, raw, field) : NULL;
}

/* A query must have something to look for outside NOT: "NOT sky" alone
 * would match nearly every mention, and the matcher only evaluates a
 * query when one of its positive terms occurs. */
static int anchored(const es_qnode_t *n)
{
    switch (n->kind) {
    case ES_QN_NOT:
        return 0;
    case ES_QN_AND:
        for (size_t i = 0; i < n->n_kids; i++)
            if (anchored(n->kids[i]))
                return 1;
        return 0;
    case ES_QN_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (!anchored(n->kids[i]))
                return 0;
        return 1;
    default:
        return 1;
    }
}

static const es_qnode_t *unanchored_part(const es_qnode_t *n)
{
    if (n->kind == ES_QN_OR)
        for (size_t i = 0; i < n->n_kids; i++)
            if (!anchored(n->kids[i]))
                return unanchored_part(n->kids[i]);
    return n;
}

int es__query_parse(const char *text, es_query_t **out, es_query_error_t *err)
{
    *out = NULL;
    memset(err, 0, sizeof *err);
    size_t n = strlen(text);
    if (n > ES_QUERY_MAX_LEN) {
        snprintf(err->msg, sizeof err->msg, "query longer than the limit of %u bytes", ES_QUERY_MAX_LEN);
        return ES_EPARSE;
    }
    parser_t p = {.s = text, .n = n, .err = err};
    skip_ws(&p);
    if (p.i >= n) {
        snprintf(err->msg, sizeof err->msg, "empty query: expected a term");
        return ES_EPARSE;
    }
    es_qnode_t *root = parse_or(&p, 0, ES_QF_ANY);
    if (root && !p.failed) {
        skip_ws(&p);
        if (p.i < n)
            fail(&p, p.i, p.s[p.i] == ')' ? "unexpected ')' without its '('" : "unexpected text");
    }
    if (root && !p.failed && !anchored(root)) {
        const es_qnode_t *u = unanchored_part(root);
        fail(&p, u->off,
             "this part has nothing to look for outside NOT (it would match nearly every mention): "
             "add a term, as in 'sky -weather'");
    }
    if (p.failed) {
        node_free(root);
        return p.oom ? ES_ENOMEM : ES_EPARSE;
    }
    es_query_t *q = calloc(1, sizeof *q);
    if (!q || !(q->text = es__strdup(text))) {
        free(q);
        node_free(root);
        return ES_ENOMEM;
    }
    q->root = root;
    q->n_nodes = p.n_nodes;
    *out = q;
    return 0;
}

void es__query_free(es_query_t *q)
{
    if (!q)
        return;
    node_free(q->root);
    free(q->text);
    free(q);
}

/* Keywords are phrases joined by OR; each is quoted so that its words can
 * hold anything ("AT&T", "NOT" as a word). */
int es__query_from_keywords(char *const *kw, size_t n, es_query_t **out, es_query_error_t *err)
{
    es_strbuf_t b = {0};
    for (size_t i = 0; i < n; i++) {
        if (i)
            es_strbuf_put(&b, " OR ", 4);
        es_strbuf_put(&b, "\"", 1);
        for (const char *c = kw[i]; *c; c++)
            if (*c != '"' && *c != '*' && *c != '?')
                es_strbuf_put(&b, c, 1);
            else
                es_strbuf_put(&b, " ", 1);
        es_strbuf_put(&b, "\"", 1);
    }
    if (b.oom) {
        free(b.s);
        return ES_ENOMEM;
    }
    int rc = es__query_parse(b.s ? b.s : "", out, err);
    free(b.s);
    return rc;
}
