/*
 * The tokenizer shared by queries and mentions: a term and the text it is
 * looked for in are cut and folded by the same code, so they can only
 * disagree where the query says so (raw:, wildcards).
 *
 * ASCII is folded by a table; other code points go through utf8proc's
 * NFKD + case fold + mark stripping, which is what turns "Société" into
 * "societe", "ﬁ" into "fi" and "ß" into "ss". Most mention text is ASCII,
 * so most words never reach utf8proc.
 */
#include "query.h"
#include "grow.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#define TEXT_BASE (1u << 24) /* text positions start here: NEAR never spans fields */

static inline int ascii_word(unsigned char c) { return (unsigned)((c | 0x20) - 'a') < 26u || (unsigned)(c - '0') < 10u; }

/* A byte: 0 for an ASCII separator, a NUL or a byte of a longer UTF-8
 * sequence, else the folded letter or digit. 256 entries, so the word loop
 * needs neither a range test nor a length test (a text ends in its NUL). */
static const char ascii_fold[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5', ['6'] = '6', ['7'] = '7',
    ['8'] = '8', ['9'] = '9',
    ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e', ['f'] = 'f', ['g'] = 'g', ['h'] = 'h',
    ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p',
    ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x',
    ['y'] = 'y', ['z'] = 'z',
    ['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h',
    ['I'] = 'i', ['J'] = 'j', ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p',
    ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y', ['Z'] = 'z',
};
#ifdef __SSE2__
#include <emmintrin.h>

/* 16 bytes at once: their ASCII fold into out (all 16 written), and how
 * many of them, from the first, are ASCII letters or digits. A word's end
 * is then one ctz, not a mispredicted branch a byte. Same classes and
 * fold as ascii_fold (bytes >= 0x80 are no letters here). */
static inline unsigned ascii_run16(const char *s, char *out)
{
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i a = _mm_sub_epi8(_mm_or_si128(c, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    __m128i d = _mm_sub_epi8(c, _mm_set1_epi8('0'));
    __m128i u = _mm_sub_epi8(c, _mm_set1_epi8('A'));
    __m128i alpha = _mm_cmpeq_epi8(_mm_min_epu8(a, _mm_set1_epi8(25)), a);
    __m128i digit = _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(9)), d);
    __m128i upper = _mm_cmpeq_epi8(_mm_min_epu8(u, _mm_set1_epi8(25)), u);
    _mm_storeu_si128((__m128i *)(void *)out, _mm_add_epi8(c, _mm_and_si128(upper, _mm_set1_epi8(0x20))));
    unsigned word = (unsigned)_mm_movemask_epi8(_mm_or_si128(alpha, digit));
    return (unsigned)__builtin_ctz(~word); /* at most 16: ~word has bit 16 set */
}
#endif

static inline char ascii_lower(unsigned char c) { return (char)((unsigned)(c - 'A') < 26u ? c + 32 : c); }


static void fold_put(es_qtoks_t *t, const void *b, size_t n)
{
    if (t->oom || es__query_grow((void **)&t->fold, &t->fold_cap, t->fold_len + n + 1, 1) < 0) {
        t->oom = 1;
        return;
    }
    memcpy(t->fold + t->fold_len, b, n);
    t->fold_len += n;
}

/* One folded ASCII byte: the common case, inline with room checked. */
static inline void fold_byte(es_qtoks_t *t, char c)
{
    if (__builtin_expect(t->fold_len + 2 > t->fold_cap, 0)) {
        fold_put(t, &c, 1);
        return;
    }
    t->fold[t->fold_len++] = c;
}

/* Inline, so a constant prefix's strlen and copy are folded away. */
static inline __attribute__((always_inline)) void attr_add(es_qtoks_t *t, const char *prefix, const char *v,
                                                           size_t n)
{
    size_t pl = strlen(prefix);
    if (t->oom || es__query_grow((void **)&t->attr, &t->attr_cap, t->attr_len + pl + n + 2, 1) < 0) {
        t->oom = 1;
        return;
    }
    memcpy(t->attr + t->attr_len, prefix, pl);
    memcpy(t->attr + t->attr_len + pl, v, n);
    t->attr_len += pl + n;
    t->attr[t->attr_len++] = '\0';
    t->attr_n++;
}

/* What a code point is to the tokenizer. */
enum { C_SEP, C_WORD, C_SINGLE, C_MARK };

static int is_cjk(int32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
           (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF);
}

static int classify(int32_t c)
{
    switch (utf8proc_category(c)) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_ND: case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
        return C_WORD;
    case UTF8PROC_CATEGORY_LO:
        return is_cjk(c) ? C_SINGLE : C_WORD;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
        return C_MARK;
    case UTF8PROC_CATEGORY_SO:
        return C_SINGLE; /* emoji and pictographs */
    default:
        return C_SEP;
    }
}

/* One code point at p (n bytes left): its value and length; invalid bytes
 * read as U+FFFD of length 1 (mentions are valid UTF-8, terms may not be). */
static size_t decode(const unsigned char *p, size_t n, int32_t *cp)
{
    utf8proc_ssize_t k = utf8proc_iterate(p, (utf8proc_ssize_t)(n > 4 ? 4 : n), cp);
    if (k <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)k;
}

static void fold_cp(es_qtoks_t *t, int32_t cp)
{
    utf8proc_int32_t buf[18];
    int bc = 0;
    utf8proc_ssize_t k = utf8proc_decompose_char(
        cp, buf, 18, UTF8PROC_CASEFOLD | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK, &bc);
    if (k < 0 || k > 18) {
        k = 1;
        buf[0] = cp;
    }
    for (utf8proc_ssize_t i = 0; i < k; i++) {
        unsigned char enc[4];
        utf8proc_ssize_t e = utf8proc_encode_char(buf[i], enc);
        fold_put(t, enc, (size_t)e);
    }
}

/* Room for the folded bytes of the rest of a text (left bytes): one a
 * byte, and a NUL a word. A fold that grows a word (ß -> ss) uses some of
 * it up, so it is renewed after each. */
static inline void reserve_rest(es_qtoks_t *t, size_t left)
{
    if (t->fold_len + left + left / 2 + 3 > t->fold_cap &&
        es__query_grow((void **)&t->fold, &t->fold_cap, t->fold_len + left + left / 2 + 3, 1) < 0)
        t->oom = 1;
}

/* A word ends: its folded bytes get their NUL and it gets a token. Room
 * for both was reserved by es__qtoks_add_text (a word is at least one byte
 * and a separator, so a text of n bytes has at most n/2 + 1 of them);
 * only folds that grow a word (ß -> ss) can outrun it, and fold_put grows
 * the buffer then. */
static inline void push_tok(es_qtoks_t *t, size_t start, size_t end, size_t fold_start, uint32_t pos, int title)
{
    if (t->fold_len == fold_start || t->oom)
        return; /* only marks: nothing to match */
    fold_byte(t, '\0');
    if (__builtin_expect(t->n == t->cap, 0) && es__query_grow((void **)&t->v, &t->cap, t->n + 1, sizeof *t->v) < 0) {
        t->oom = 1;
        return;
    }
    es_qtok_t *k = &t->v[t->n++];
    k->start = (uint32_t)start;
    k->len = (uint32_t)(end - start);
    k->fold = (uint32_t)fold_start;
    k->fold_len = (uint32_t)(t->fold_len - 1 - fold_start);
    k->pos = pos;
    k->flags = title ? ES_QTOK_TITLE : 0;
}

/* An attribute key of v folded: ASCII is lower-cased in place, anything
 * else goes through the full fold (allocating). */
static inline __attribute__((always_inline)) void attr_fold_add(es_qtoks_t *t, const char *prefix, const char *v,
                                                                size_t n)
{
    char buf[128];
    int ascii = n < sizeof buf;
    for (size_t i = 0; ascii && i < n; i++) {
        if ((unsigned char)v[i] >= 0x80)
            ascii = 0;
        else
            buf[i] = ascii_lower((unsigned char)v[i]);
    }
    if (ascii) {
        attr_add(t, prefix, buf, n);
        return;
    }
    char *f = es__query_fold(v, n);
    if (!f) {
        t->oom = 1;
        return;
    }
    attr_add(t, prefix, f, strlen(f));
    free(f);
}

/* #tag and @handle: what follows the sign (letters, digits, '_', and for
 * handles '.'), folded into an attribute key. */
static size_t sign_attr(es_qtoks_t *t, const char *s, size_t i, size_t n)
{
    char sign = s[i];
    if (i > 0 && (ascii_word((unsigned char)s[i - 1]) || s[i - 1] == '_'))
        return 0; /* e-mail addresses, "C#" */
    size_t j = i + 1;
    while (j < n) {
        unsigned char c = (unsigned char)s[j];
        if (ascii_word(c) || c == '_' || (sign == '@' && c == '.')) {
            j++;
        } else if (c >= 0x80) {
            int32_t cp;
            size_t k = decode((const unsigned char *)s + j, n - j, &cp);
            int cl = classify(cp);
            if (cl != C_WORD && cl != C_MARK)
                break;
            j += k;
        } else {
            break;
        }
    }
    while (j > i + 1 && s[j - 1] == '.')
        j--; /* a sentence's full stop */
    if (j == i + 1)
        return 0;
    attr_fold_add(t, sign == '#' ? "\1tag:" : "\1at:", s + i + 1, j - i - 1);
    return j;
}

/* The host and its parent domains, each as a key: "blog.acme.co.uk" gives
 * blog.acme.co.uk, acme.co.uk, co.uk and uk, so site:acme.co.uk matches
 * every subdomain with one lookup per label. */
static void host_attrs(es_qtoks_t *t, const char *prefix, const char *url)
{
    char host[256];
    size_t n = es__query_url_host(url, host, sizeof host);
    if (!n)
        return;
    for (const char *h = host; h && *h;) {
        attr_add(t, prefix, h, strlen(h));
        h = strchr(h, '.');
        if (h)
            h++;
    }
}

size_t es__query_url_host(const char *url, char *host, size_t cap)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    const char *at = p;
    while (*at && *at != '/' && *at != '?' && *at != '#' && *at != '@')
        at++;
    if (*at == '@')
        p = at + 1; /* user@host */
    size_t n = 0;
    while (p[n] && p[n] != '/' && p[n] != '?' && p[n] != '#' && p[n] != ':' && !isspace((unsigned char)p[n]) &&
           n + 1 < cap) {
        host[n] = (char)tolower((unsigned char)p[n]);
        n++;
    }
    host[n] = '\0';
    while (n && host[n - 1] == '.')
        host[--n] = '\0';
    if (n > 4 && !memcmp(host, "www.", 4)) {
        memmove(host, host + 4, n - 3);
        n -= 4;
    }
    return n;
}

static size_t url_len(const char *s, size_t i, size_t n)
{
    size_t j = i;
    while (j < n && !isspace((unsigned char)s[j]) && s[j] != '"' && s[j] != '<' && s[j] != '>')
        j++;
    return j - i;
}

void es__qtoks_add_text(es_qtoks_t *t, const char *s, int title)
{
    if (!s)
        return;
    size_t n = strlen(s);
    uint32_t pos = title ? 0 : TEXT_BASE;
    if (!title && t->n && (t->v[t->n - 1].flags & ES_QTOK_TITLE) == 0)
        pos = t->v[t->n - 1].pos + 1; /* a second text field continues */
    if (title)
        t->src[0] = s;
    else
        t->src[1] = s;
    if (es__query_grow((void **)&t->v, &t->cap, t->n + n / 2 + 2, sizeof *t->v) < 0)
        t->oom = 1;
    reserve_rest(t, n);
    if (t->oom)
        return;
    size_t i = 0, start = 0, fold_start = 0;
    int in_word = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            char f = ascii_fold[c];
            if (f) {
                if (!in_word) {
                    if (f == 'h' && (s[i + 1] | 0x20) == 't' &&
                        (!strncasecmp(s + i, "http://", 7) || !strncasecmp(s + i, "https://", 8))) {
                        /* A link: its host is an attribute; its words stay
                         * words. Copied to the stack unless it is long. */
                        char ubuf[512];
                        size_t ul = url_len(s, i, n);
                        char *u = ul < sizeof ubuf ? ubuf : malloc(ul + 1);
                        if (u) {
                            memcpy(u, s + i, ul);
                            u[ul] = '\0';
                            host_attrs(t, "\1link:", u);
                        } else {
                            t->oom = 1;
                        }
                        if (u != ubuf)
                            free(u);
                    }
                    in_word = 1;
                    start = i;
                    fold_start = t->fold_len;
                }
                /* The hot path: a run of ASCII letters and digits, the
                 * word's first included, into room reserved for the whole
                 * text (kept so after every non-ASCII fold, below). */
                char *w = t->fold + t->fold_len;
#ifdef __SSE2__
                /* 16 bytes at a time while 16 are left (the reserve then
                 * has room for 16 more: at least 1.5 a byte left) */
                while (i + 16 <= n) {
                    unsigned k = ascii_run16(s + i, w);
                    w += k;
                    i += k;
                    if (k < 16)
                        break;
                }
#endif
                while ((f = ascii_fold[(unsigned char)s[i]])) /* s[n] is the NUL: 0 */ {
                    *w++ = f;
                    i++;
                }
                t->fold_len = (size_t)(w - t->fold);
                continue;
            }
            if (in_word) {
                push_tok(t, start, i, fold_start, pos++, title);
                in_word = 0;
            }
            if ((c == '#' || c == '@') && i + 1 < n)
                sign_attr(t, s, i, n); /* the words after the sign are words too */
            i++;
            continue;
        }
        int32_t cp;
        size_t k = decode((const unsigned char *)s + i, n - i, &cp);
        int cl = classify(cp);
        if (cl == C_WORD || (cl == C_MARK && in_word)) {
            if (!in_word) {
                in_word = 1;
                start = i;
                fold_start = t->fold_len;
            }
            fold_cp(t, cp);
            reserve_rest(t, n - i);
            if (t->oom)
                return; /* the ASCII path writes unchecked into the reserve */
        } else {
            if (in_word) {
                push_tok(t, start, i, fold_start, pos++, title);
                in_word = 0;
            }
            if (cl == C_SINGLE) {
                size_t fs = t->fold_len;
                fold_cp(t, cp);
                reserve_rest(t, n - i);
                if (t->oom)
                    return;
                push_tok(t, i, i + k, fs, pos++, title);
            }
        }
        i += k;
    }
    if (in_word)
        push_tok(t, start, n, fold_start, pos, title);
}

static inline __attribute__((always_inline)) void attr_folded(es_qtoks_t *t, const char *prefix, const char *v)
{
    if (!v || !*v)
        return;
    if (*v == '@')
        v++;
    attr_fold_add(t, prefix, v, strlen(v));
}

void es__qtoks_from_mention(es_qtoks_t *t, const es_mention_t *m)
{
    es__qtoks_reset(t);
    es__qtoks_add_text(t, m->title, 1);
    es__qtoks_add_text(t, m->text, 0);
    attr_folded(t, "\1author:", m->author);
    attr_folded(t, "\1lang:", m->lang);
    attr_folded(t, "\1net:", m->network);
    attr_folded(t, "\1at:", m->reply_to_author);
    for (size_t i = 0; i < m->n_addressed; i++)
        attr_folded(t, "\1at:", m->addressed[i]);
    if (m->url && *m->url)
        host_attrs(t, "\1site:", m->url);
    t->url = m->url;
}

void es__qtoks_reset(es_qtoks_t *t)
{
    t->n = 0;
    t->fold_len = 0;
    t->attr_len = 0;
    t->attr_n = 0;
    t->oom = 0;
    t->src[0] = t->src[1] = NULL;
    t->url = NULL;
}

void es__qtoks_free(es_qtoks_t *t)
{
    free(t->v);
    free(t->fold);
    free(t->attr);
    memset(t, 0, sizeof *t);
}

char *es__query_fold(const char *s, size_t len)
{
    es_qtoks_t t = {0};
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            char l = ascii_lower(c);
            fold_put(&t, &l, 1);
            i++;
            continue;
        }
        int32_t cp;
        size_t k = decode((const unsigned char *)s + i, len - i, &cp);
        fold_cp(&t, cp);
        i += k;
    }
    fold_put(&t, "", 1);
    if (t.oom) {
        free(t.fold);
        return NULL;
    }
    return t.fold;
}
