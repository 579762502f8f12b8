/*
 * The query language: a grammar table (each operator with texts it must
 * and must not match), parse errors with their offsets, and a reference
 * evaluator — slow, written straight from docs/queries.md — that must
 * agree with the compiled matcher on 100,000 random query × text pairs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"
#include "tap.h"

/* ---- helpers ---------------------------------------------------------- */

typedef struct doc {
    const char *title, *text, *author, *lang, *network, *url;
    const char *addressed[4];
} doc_t;

static void toks_of(es_qtoks_t *t, const doc_t *d)
{
    es_mention_t m = {0};
    m.title = d->title;
    m.text = d->text ? d->text : "";
    m.author = d->author;
    m.lang = d->lang;
    m.network = d->network ? d->network : "twitter";
    m.url = d->url;
    size_t n = 0;
    while (n < 4 && d->addressed[n])
        n++;
    m.addressed = d->addressed;
    m.n_addressed = n;
    es__qtoks_from_mention(t, &m);
}

/* 1 match, 0 no match, -1 parse error. */
static int match1(const char *query, const doc_t *d)
{
    es_query_t *q;
    es_query_error_t err;
    if (es__query_parse(query, &q, &err) < 0)
        return -1;
    es_matcher_t *mt;
    es__matcher_new(&mt);
    es__matcher_add(mt, q);
    es__matcher_compile(mt);
    es_qtoks_t t = {0};
    toks_of(&t, d);
    const uint32_t *hits;
    int n = es__matcher_run(mt, &t, &hits);
    es__qtoks_free(&t);
    es__matcher_free(mt);
    return n > 0;
}

static int match_text(const char *query, const char *text)
{
    doc_t d = {.text = text};
    return match1(query, &d);
}

/* ---- the grammar table ------------------------------------------------ */

static const struct {
    const char *query, *text;
    int want;
} table[] = {
    /* words, case and accent folding */
    {"acme", "I love ACME products", 1},
    {"acme", "acmeville is a town", 0},
    {"acme", "#acme rocks", 1},
    {"acme", "thanks @acme", 1},
    {"societe generale", "La Société Générale ferme des agences", 1},
    {"\"Société Générale\"", "societe generale again", 1},
    {"straße", "die strasse ist lang", 1},
    {"café", "CAFE open", 1},
    {"ﬁnance", "finance team", 1},
    /* long ASCII words: the tokenizer folds them 16 bytes at a time */
    {"supercalifragilisticexpialidocious", "SUPERCALIFRAGILISTICEXPIALIDOCIOUS, said Mary Poppins", 1},
    {"\"abcdefghijklmnop qrstuvwxyz\"", "it is ABCDEFGHIJKLMNOP-QRSTUVWXYZ", 1},
    {"abcdefghijklmnopcafe", "ABCDEFGHIJKLMNOPCAFÉ and more words after it", 1},
    {"abcdefghijklmnop", "abcdefghijklmnopq and more words after it", 0},
    {"abcdefghijklmnopq", "xx abcdefghijklmnopq", 1},
    /* AND / OR / implicit AND / NOT / - */
    {"acme AND globex", "acme and globex vacuums", 1},
    {"acme AND globex", "acme vacuums", 0},
    {"acme globex", "globex beats acme", 1},
    {"acme OR globex", "only globex here", 1},
    {"acme OR globex", "nothing at all", 0},
    {"sky -weather", "sky broadband is down", 1},
    {"sky -weather", "the sky and the weather", 0},
    {"sky NOT weather", "sky weather", 0},
    {"sky AND NOT weather", "sky tv", 1},
    {"(sky OR virgin) AND broadband", "virgin broadband outage", 1},
    {"(sky OR virgin) AND broadband", "virgin atlantic", 0},
    {"sky OR virgin AND media", "sky", 1},
    {"sky OR virgin AND media", "virgin", 0},
    {"and", "this and that", 1},
    /* phrases and slop */
    {"\"virgin media\"", "Virgin Media is slow", 1},
    {"\"virgin media\"", "media virgin", 0},
    {"\"virgin media\"", "virgin social media", 0},
    {"\"virgin media\"~1", "virgin social media", 1},
    {"\"virgin media\"~1", "virgin big social media", 0},
    {"\"slow internet\"~3", "slow and very bad internet", 1},
    {"wi-fi", "the wi fi drops", 1},
    {"wi-fi", "wifi", 0},
    /* NEAR */
    {"acme NEAR/3 refund", "acme never sent my refund", 1},
    {"acme NEAR/3 refund", "acme did never ever send my refund", 0},
    {"refund NEAR/3 acme", "acme never sent my refund", 1},
    {"acme NEAR/3f refund", "acme never sent my refund", 1},
    {"refund NEAR/3f acme", "acme never sent my refund", 0},
    {"acme NEAR/0 support", "acme support", 1},
    {"acme NEAR/0 support", "acme customer support", 0},
    {"(acme OR globex) NEAR/3 \"customer service\"", "globex has awful customer service", 1},
    {"acme NEAR/5000 refund", "acme x refund", 1},
    /* wildcards */
    {"advertis*", "advertising works", 1},
    {"advertis*", "the advertiser", 1},
    {"advertis*", "adverts", 0},
    {"s?y", "sky", 1},
    {"s?y", "sty and spy", 1},
    {"s?y", "skyy", 0},
    {"ca?e", "café", 1},
    {"c*t*n", "cotton", 1},
    {"ac*", "ACME", 1},
    /* case-sensitive terms */
    {"raw:Sky", "Sky broadband", 1},
    {"raw:Sky", "the sky is blue", 0},
    {"!\"NASA\"", "NASA launched", 1},
    {"!\"NASA\"", "nasa launched", 0},
    {"raw:\"Virgin Media\"", "Virgin Media", 1},
    {"raw:\"Virgin Media\"", "virgin media", 0},
    {"raw:Sk*", "Skype", 1},
    {"raw:Sk*", "skype", 0},
    /* hashtags and handles */
    {"#acme", "#ACME forever", 1},
    {"#acme", "acme forever", 0},
    {"#acme_support", "ask #acme_support", 1},
    {"@acme", "hey @Acme.", 1},
    {"@acme", "hey acme", 0},
    {"@acme", "mail me at bob@acme.com", 0},
    /* links */
    {"links:acme.com", "see https://www.acme.com/deals now", 1},
    {"links:acme.com", "see https://shop.acme.com/deals", 1},
    {"links:acme.com", "see https://notacme.com/deals", 0},
    /* CJK and emoji */
    {"東京", "私は東京に住んでいます", 1},
    {"東京", "京東", 0},
    {"acme 🔥", "acme is 🔥🔥", 1},
    {"acme 🔥", "acme is cool", 0},
    {"\"acme 😡\"", "acme😡", 1},
};

static void grammar(void)
{
    for (size_t i = 0; i < sizeof table / sizeof *table; i++)
        is_int(match_text(table[i].query, table[i].text), table[i].want, "'%s' on '%s'", table[i].query,
               table[i].text);

    doc_t d = {.title = "Acme outage report", .text = "everything is down", .author = "@JaneDoe", .lang = "fr",
               .network = "reddit", .url = "https://www.example.com/r/acme/comments/1",
               .addressed = {"acmecare", NULL}};
    is_int(match1("title:acme", &d), 1, "title: matches the title");
    is_int(match1("title:down", &d), 0, "title: does not match the text");
    is_int(match1("title:\"outage report\"", &d), 1, "title: takes a phrase");
    is_int(match1("title:(nothing OR outage)", &d), 1, "title: takes a group");
    is_int(match1("acme", &d), 1, "a plain term matches the title too");
    is_int(match1("\"report everything\"", &d), 0, "a phrase does not run from title into text");
    is_int(match1("report NEAR/5 everything", &d), 0, "NEAR does not run from title into text");
    is_int(match1("acme author:janedoe", &d), 1, "author: folds case and '@'");
    is_int(match1("acme author:bob", &d), 0, "author: another handle");
    is_int(match1("acme lang:fr", &d), 1, "lang:");
    is_int(match1("acme lang:en", &d), 0, "lang: other");
    is_int(match1("acme network:reddit", &d), 1, "network:");
    is_int(match1("acme network:twitter", &d), 0, "network: other");
    is_int(match1("site:example.com", &d), 1, "site: the host");
    is_int(match1("site:ample.com", &d), 0, "site: matches whole labels only");
    is_int(match1("url:example.com/r/acme", &d), 1, "url: a prefix");
    is_int(match1("url:example.com/r/globex", &d), 0, "url: another prefix");
    is_int(match1("@acmecare", &d), 1, "@handle: an addressed account");

    /* A mention that names three brands: each brand's query matches. */
    const char *three = "comparing Acme, Globex and Initech vacuum cleaners";
    es_matcher_t *mt;
    es__matcher_new(&mt);
    const char *qs[] = {"acme", "globex", "initech", "umbrella"};
    for (int i = 0; i < 4; i++) {
        es_query_t *q;
        es_query_error_t e;
        es__query_parse(qs[i], &q, &e);
        es__matcher_add(mt, q);
    }
    es__matcher_compile(mt);
    es_qtoks_t t = {0};
    doc_t d3 = {.text = three};
    toks_of(&t, &d3);
    const uint32_t *hits;
    int n = es__matcher_run(mt, &t, &hits);
    ok(n == 3 && hits[0] == 0 && hits[1] == 1 && hits[2] == 2, "three brands in one mention: all three (%d)", n);
    es__qtoks_free(&t);
    es__matcher_free(mt);
}

/* ---- parse errors --------------------------------------------------- */

static void errors(void)
{
    static const struct {
        const char *q;
        size_t off;
        const char *msg;
    } bad[] = {
        {"", 0, "empty query"},
        {"acme AND", 8, "expected a term after AND"},
        {"acme OR", 7, "expected a term after OR"},
        {"(acme OR globex", 15, "expected ')'"},
        {"acme)", 4, "unexpected ')'"},
        {"\"acme", 0, "unterminated phrase"},
        {"NOT acme", 0, "nothing to look for outside NOT"},
        {"sky OR -weather", 7, "nothing to look for outside NOT"},
        {"*ing", 0, "needs a letter or digit before it"},
        {"acme NEAR/x refund", 10, "expected a distance"},
        {"acme NEAR/999999 x", 10, "above the limit"},
        {"a NEAR/2 b NEAR/2 c", 11, "one NEAR at a time"},
        {"(a AND b) NEAR/2 c", 1, "NEAR takes words"},
        {"foo:bar", 0, "unknown field 'foo:'"},
        {"title:author:x", 6, "author: cannot be used inside title:"},
        {"site:", 5, "expected a value"},
        {"!!!", 0, "no letter, digit or emoji"},
        {"\"a b\"~x", 6, "expected a number"},
        {"wi-fi*", 0, "must be one word"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        es_query_t *q = NULL;
        es_query_error_t e;
        int rc = es__query_parse(bad[i].q, &q, &e);
        ok(rc == ES_EPARSE && e.offset == bad[i].off && strstr(e.msg, bad[i].msg),
           "'%s' is refused at %zu: %s", bad[i].q, bad[i].off, bad[i].msg);
        if (rc != ES_EPARSE || e.offset != bad[i].off)
            diag("  rc %d at %zu: %s", rc, e.offset, e.msg);
        es__query_free(q);
    }
    char *deep = malloc(1000);
    memset(deep, '(', 300);
    strcpy(deep + 300, "a");
    es_query_t *q = NULL;
    es_query_error_t e;
    ok(es__query_parse(deep, &q, &e) == ES_EPARSE && strstr(e.msg, "deeper"), "deep nesting is an error, not a crash");
    free(deep);
    /* No small caps: a long query with many wildcards and a far NEAR. */
    {
        size_t cap = 200000, len = 0;
        char *big = malloc(cap);
        for (int i = 0; i < 5000; i++)
            len += (size_t)snprintf(big + len, cap - len, "%sw%d*", i ? " OR " : "", i);
        ok(es__query_parse(big, &q, &e) == 0, "5,000 wildcards in one query parse (%zu bytes)", len);
        es__query_free(q);
        free(big);
    }
    ok(es__query_parse("a NEAR/100000 b", &q, &e) == 0, "NEAR/100000 parses");
    es__query_free(q);
}

/* ---- explain and spans after a run that evaluated nothing ------------- */

typedef struct seen {
    const char *qtext;
    char what[8][32];
    int matched[8];
    int n;
} seen_t;

static void seen_node(void *arg, const es_qnode_t *n, int matched)
{
    seen_t *s = arg;
    if (s->n < 8) {
        snprintf(s->what[s->n], sizeof s->what[0], "%.*s", (int)n->len, s->qtext + n->off);
        s->matched[s->n++] = matched;
    }
}

static void seen_tok(void *arg, size_t tok)
{
    int *toks = arg;
    if (toks[0] < 7)
        toks[1 + toks[0]++] = (int)tok;
}

/* The matcher builds a mention's word table only when some query is a
 * candidate; explain and spans still see the words after a run that had
 * none (acme, the anchor, does not occur). */
static void explain_without_candidates(void)
{
    es_query_t *q;
    es_query_error_t err;
    es_matcher_t *mt;
    es__matcher_new(&mt);
    es__query_parse("acme (weather OR rain)", &q, &err);
    es__matcher_add(mt, q);
    es__matcher_compile(mt);
    es_qtoks_t t = {0};
    doc_t d = {.text = "rain again"};
    toks_of(&t, &d);
    const uint32_t *hits;
    ok(es__matcher_run(mt, &t, &hits) == 0, "no query matches 'rain again'");
    seen_t s = {.qtext = es__matcher_query(mt, 0)->text};
    es__matcher_explain(mt, &t, 0, seen_node, &s);
    int want[] = {0, 0, 1, 0, 1};
    int same = s.n == 5;
    for (int i = 0; same && i < 5; i++)
        same = s.matched[i] == want[i];
    ok(same, "explain: '%s' %d, '%s' %d, '%s' %d, '%s' %d, '%s' %d (%d nodes)", s.what[0], s.matched[0], s.what[1],
       s.matched[1], s.what[2], s.matched[2], s.what[3], s.matched[3], s.what[4], s.matched[4], s.n);
    int toks[8] = {0};
    es__matcher_spans(mt, &t, 0, seen_tok, toks);
    ok(toks[0] == 1 && toks[1] == 0, "spans: the positive word that occurs, token 0 (%d found)", toks[0]);
    es__qtoks_free(&t);
    es__matcher_free(mt);
}

/* ---- the reference evaluator ---------------------------------------- */

static int ref_tok_is(const es_qnode_t *n, const es_qtoks_t *t, size_t i, size_t w)
{
    const es_qtok_t *k = &t->v[i];
    if (n->field == ES_QF_TITLE && !(k->flags & ES_QTOK_TITLE))
        return 0;
    const char *src = t->src[(k->flags & ES_QTOK_TITLE) ? 0 : 1];
    char raw[512];
    snprintf(raw, sizeof raw, "%.*s", (int)k->len, src + k->start);
    const char *fold = t->fold + k->fold;
    if (n->wildcard)
        return es__query_glob(n->raw ? n->raw_words[0] : n->words[0], n->raw ? raw : fold);
    if (strcmp(fold, n->words[w]))
        return 0;
    return !n->raw || !strcmp(raw, n->raw_words[w]);
}

typedef struct rspan {
    uint32_t s, e;
} rspan_t;

/* The smallest end position of the phrase starting at token first, over
 * every in-order choice of its later words (exhaustive). */
static void ref_phrase_min(const es_qnode_t *n, const es_qtoks_t *t, size_t first, size_t from, size_t w,
                           size_t last, uint32_t *best)
{
    if (w == n->n_words) {
        uint32_t span = t->v[last].pos - t->v[first].pos + 1 - (uint32_t)n->n_words;
        if (span <= n->slop && t->v[last].pos < *best)
            *best = t->v[last].pos;
        return;
    }
    for (size_t j = from; j < t->n; j++) {
        if ((t->v[j].flags & ES_QTOK_TITLE) != (t->v[first].flags & ES_QTOK_TITLE))
            continue;
        if (n->slop == 0 && t->v[j].pos != t->v[first].pos + w)
            continue;
        if (ref_tok_is(n, t, j, w))
            ref_phrase_min(n, t, first, j + 1, w + 1, j, best);
    }
}

static size_t ref_spans(const es_qnode_t *n, const es_qtoks_t *t, rspan_t *out, size_t cap)
{
    size_t k = 0;
    if (n->kind == ES_QN_OR) {
        for (size_t i = 0; i < n->n_kids; i++)
            k += ref_spans(n->kids[i], t, out + k, cap - k);
        return k;
    }
    for (size_t i = 0; i < t->n && k < cap; i++) {
        if (!ref_tok_is(n, t, i, 0))
            continue;
        uint32_t end = t->v[i].pos;
        if (n->kind == ES_QN_PHRASE) {
            /* A phrase's span from a start is its shortest (docs/queries.md). */
            uint32_t best = UINT32_MAX;
            ref_phrase_min(n, t, i, i + 1, 1, i, &best);
            if (best == UINT32_MAX)
                continue;
            end = best;
        }
        out[k++] = (rspan_t){t->v[i].pos, end};
    }
    return k;
}

static int ref_has_attr(const es_qtoks_t *t, const char *a)
{
    for (const char *p = t->attr, *e = t->attr + t->attr_len; p < e; p += strlen(p) + 1)
        if (!strcmp(p, a))
            return 1;
    return 0;
}

static int ref_eval(const es_qnode_t *n, const es_qtoks_t *t)
{
    switch (n->kind) {
    case ES_QN_AND:
        for (size_t i = 0; i < n->n_kids; i++)
            if (!ref_eval(n->kids[i], t))
                return 0;
        return 1;
    case ES_QN_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (ref_eval(n->kids[i], t))
                return 1;
        return 0;
    case ES_QN_NOT:
        return !ref_eval(n->kids[0], t);
    case ES_QN_ATTR:
        return ref_has_attr(t, n->attr); /* the random queries have no url: */
    case ES_QN_NEAR: {
        static rspan_t a[4096], b[4096];
        size_t na = ref_spans(n->kids[0], t, a, 4096), nb = ref_spans(n->kids[1], t, b, 4096);
        for (size_t i = 0; i < na; i++)
            for (size_t j = 0; j < nb; j++) {
                if (n->ordered && !(a[i].e < b[j].s))
                    continue;
                int64_t g = es__query_gap(a[i].s, a[i].e, b[j].s, b[j].e);
                if (g >= 0 && g <= n->distance)
                    return 1;
            }
        return 0;
    }
    case ES_QN_WORD:
    case ES_QN_PHRASE: {
        rspan_t s[1];
        return ref_spans(n, t, s, 1) > 0;
    }
    }
    return 0;
}

/* ---- random queries and texts --------------------------------------- */

static const char *const vocab[] = {"acme", "Acme", "ACME", "globex", "sky", "Sky", "orange", "apple", "blue",
                                    "the", "is", "société", "Société", "refund", "slow", "café", "东", "🔥"};
#define NV (sizeof vocab / sizeof *vocab)

static const char *pick(void) { return vocab[tap_rand() % NV]; }

static void gen_term(char *b, size_t cap, int depth)
{
    size_t len = strlen(b);
    switch (tap_rand() % (depth > 2 ? 6 : 11)) {
    case 0: case 1: case 2:
        snprintf(b + len, cap - len, "%s", pick());
        break;
    case 3:
        snprintf(b + len, cap - len, "\"%s %s\"", pick(), pick());
        break;
    case 4:
        snprintf(b + len, cap - len, "\"%s %s\"~%d", pick(), pick(), (int)(tap_rand() % 3));
        break;
    case 5: {
        static const char *const w[] = {"ac*", "s?y", "gl*x", "soc*", "re*d", "Ac*"};
        snprintf(b + len, cap - len, "%s%s", tap_rand() % 4 == 0 ? "raw:" : "", w[tap_rand() % 6]);
        break;
    }
    case 6:
        snprintf(b + len, cap - len, "%s NEAR/%d%s %s", pick(), (int)(tap_rand() % 4),
                 tap_rand() % 2 ? "f" : "", pick());
        break;
    case 7:
        snprintf(b + len, cap - len, "raw:%s", pick());
        break;
    case 8:
        snprintf(b + len, cap - len, "%s", tap_rand() % 2 ? "#acme" : "@sky");
        break;
    case 9:
        snprintf(b + len, cap - len, "title:%s", pick());
        break;
    default:
        snprintf(b + len, cap - len, "(");
        gen_term(b, cap, depth + 1);
        len = strlen(b);
        snprintf(b + len, cap - len, " %s ", tap_rand() % 2 ? "OR" : "AND");
        gen_term(b, cap, depth + 1);
        len = strlen(b);
        snprintf(b + len, cap - len, ")");
    }
}

static void gen_query(char *b, size_t cap)
{
    b[0] = '\0';
    gen_term(b, cap, 0);
    int more = (int)(tap_rand() % 3);
    for (int i = 0; i < more; i++) {
        size_t len = strlen(b);
        static const char *const ops[] = {" AND ", " OR ", " ", " -", " AND NOT "};
        snprintf(b + len, cap - len, "%s", ops[tap_rand() % 5]);
        gen_term(b, cap, 1);
    }
}

static void gen_text(char *b, size_t cap)
{
    size_t len = 0;
    b[0] = '\0';
    int n = 1 + (int)(tap_rand() % 12);
    for (int i = 0; i < n; i++) {
        static const char *const sep[] = {" ", " ", ", ", " #", " @", "-", "! "};
        len += (size_t)snprintf(b + len, cap - len, "%s%s", i ? sep[tap_rand() % 7] : "", pick());
    }
}

static void reference(void)
{
    long pairs = 0, disagree = 0, matched = 0;
    char qbuf[2048], tbuf[1024], ttl[256];
    for (int round = 0; round < 40; round++) {
        es_matcher_t *mt;
        es__matcher_new(&mt);
        for (int i = 0; i < 250; i++) {
            es_query_t *q;
            es_query_error_t e;
            do
                gen_query(qbuf, sizeof qbuf);
            while (es__query_parse(qbuf, &q, &e) < 0);
            es__matcher_add(mt, q);
        }
        es__matcher_compile(mt);
        for (int k = 0; k < 10; k++) {
            gen_text(tbuf, sizeof tbuf);
            gen_text(ttl, sizeof ttl);
            doc_t d = {.title = tap_rand() % 2 ? ttl : NULL, .text = tbuf};
            es_qtoks_t t = {0};
            toks_of(&t, &d);
            const uint32_t *hits;
            int n = es__matcher_run(mt, &t, &hits);
            size_t h = 0;
            for (size_t qi = 0; qi < es__matcher_size(mt); qi++) {
                int got = h < (size_t)n && hits[h] == qi;
                h += got;
                int want = ref_eval(es__matcher_query(mt, qi)->root, &t);
                pairs++;
                matched += want;
                if (got != want && disagree++ < 5)
                    diag("disagree on '%s' / title '%s' text '%s': matcher %d, reference %d",
                         es__matcher_query(mt, qi)->text, d.title ? d.title : "", tbuf, got, want);
            }
            es__qtoks_free(&t);
        }
        es__matcher_free(mt);
    }
    ok(disagree == 0, "matcher and reference agree on %ld query x text pairs (%ld matches, %ld disagree)", pairs,
       matched, disagree);
    ok(matched > pairs / 20, "the random pairs match often enough to mean something (%ld)", matched);
}

int main(void)
{
    grammar();
    errors();
    explain_without_candidates();
    reference();
    return done_testing();
}
