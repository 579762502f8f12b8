/*
 * Listening queries: the boolean language of [brand NAME] and [topic NAME]
 * `query =` keys (docs/queries.md), compiled together into one matcher that
 * reads a mention's words once.
 *
 * Words are runs of letters, marks and digits after Unicode case folding
 * and accent stripping (utf8proc), so "Société" and "societe" are the same
 * word; CJK ideographs and emoji are words of one character each. A query
 * term is cut into words by the same tokenizer, so a term that is several
 * words ("wi-fi", "東京", "l'oréal") is matched as a phrase.
 */
#ifndef ES_QUERY_H
#define ES_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <earshot/plugin.h>

/* Limits (docs/queries.md): a query's text, a NEAR distance, a phrase's
 * slop. Nothing else is capped (terms, wildcards, nesting up to the
 * parser's depth). */
#define ES_QUERY_MAX_LEN (1u << 20)
#define ES_QUERY_MAX_DISTANCE 100000
#define ES_QUERY_MAX_DEPTH 200

/* ---- tokens ---------------------------------------------------------- */

enum {
    ES_QTOK_TITLE = 1, /* the word is in the title (else in the text) */
};

typedef struct es_qtok {
    uint32_t start, len;      /* raw bytes in the field */
    uint32_t fold, fold_len;  /* folded bytes in es_qtoks_t.fold */
    uint32_t pos;             /* word position; fields are far apart */
    uint8_t flags;
} es_qtok_t;

/* A tokenized mention (or term): words, then the handles, hashtags and
 * link hosts it names, all folded. Reused from mention to mention. */
typedef struct es_qtoks {
    es_qtok_t *v;
    size_t n, cap;
    char *fold;          /* folded words, each NUL-terminated */
    size_t fold_len, fold_cap;
    /* Attribute keys ("\1tag:acme", "\1at:acme", "\1link:acme.com", ...),
     * NUL-separated in attr; attr_n of them. */
    char *attr;
    size_t attr_len, attr_cap, attr_n;
    const char *src[2]; /* the title and text the raw spans refer to */
    const char *url;    /* the mention's URL, for url: prefixes */
    int oom;
} es_qtoks_t;

/* Appends the words of `s` (field TITLE or text); raw spans refer to s. */
void es__qtoks_add_text(es_qtoks_t *t, const char *s, int title);
/* Fills t from a mention: title, text, and the attribute keys. */
void es__qtoks_from_mention(es_qtoks_t *t, const es_mention_t *m);
void es__qtoks_reset(es_qtoks_t *t);
void es__qtoks_free(es_qtoks_t *t);
/* A token's folded text (NUL-terminated). */
static inline const char *es__qtok_folded(const es_qtoks_t *t, const es_qtok_t *k) { return t->fold + k->fold; }

/* Folds s (any text) into out (NUL-terminated, malloc'd): what a term's
 * letters compare as. NULL on ENOMEM. */
char *es__query_fold(const char *s, size_t len);

/* ---- parsed queries -------------------------------------------------- */

typedef enum {
    ES_QN_AND, ES_QN_OR, ES_QN_NOT, ES_QN_NEAR,
    ES_QN_WORD,     /* one word, maybe a wildcard, maybe case-sensitive */
    ES_QN_PHRASE,   /* words in order, slop extra words allowed */
    ES_QN_ATTR,     /* tag, handle, author, lang, network, site, url, links */
} es_qnode_kind_t;

enum { ES_QF_ANY = 0, ES_QF_TITLE = 1 };

typedef struct es_qnode es_qnode_t;
struct es_qnode {
    es_qnode_kind_t kind;
    uint32_t off, len;    /* span in the query text, for --explain */
    /* AND/OR: kids; NOT: kids[0]; NEAR: kids[0], kids[1]. */
    es_qnode_t **kids;
    size_t n_kids;
    uint32_t distance;    /* NEAR: words between at most */
    int ordered;          /* NEAR/nf */
    /* WORD / PHRASE: words (folded, or raw when case-sensitive) */
    char **words;         /* folded (the index keys) */
    char **raw_words;     /* raw: the bytes each word must be exactly */
    size_t n_words;
    uint32_t slop;        /* PHRASE "..."~n */
    int raw;              /* case- and accent-sensitive */
    int wildcard;         /* WORD with * or ? */
    int field;            /* ES_QF_* */
    /* ATTR: the key looked up ("\1tag:acme"), and for url: the prefix. */
    char *attr;
    char *url_prefix;
    int attr_suffix;      /* site:/links:: host or any subdomain */
    /* Filled by the compiler. */
    uint32_t key;         /* word key / pattern id */
    uint32_t *word_keys;  /* WORD / PHRASE: each word's key */
    uint32_t id;          /* node index for explain */
};

typedef struct es_query {
    char *text;
    es_qnode_t *root;
    size_t n_nodes;
} es_query_t;

typedef struct es_query_error {
    size_t offset;        /* byte offset in the query text */
    char msg[200];
} es_query_error_t;

/* Parses text. Returns 0 and *out, ES_EPARSE with *err filled, or
 * ES_ENOMEM. */
int es__query_parse(const char *text, es_query_t **out, es_query_error_t *err);
void es__query_free(es_query_t *q);
/* The query for a keyword list: an OR of phrases. */
int es__query_from_keywords(char *const *kw, size_t n, es_query_t **out, es_query_error_t *err);

/* Shared by the matcher and the reference evaluator in the tests. */
int es__query_glob(const char *pat, const char *s);
/* Words between two spans' nearest ends, -1 when they overlap. */
static inline int64_t es__query_gap(uint32_t s1, uint32_t e1, uint32_t s2, uint32_t e2)
{
    if (e1 < s2)
        return (int64_t)s2 - e1 - 1;
    if (e2 < s1)
        return (int64_t)s1 - e2 - 1;
    return -1;
}
/* The attribute value of a URL: its host, lower-cased, without "www.". */
size_t es__query_url_host(const char *url, char *host, size_t cap);

/* ---- the matcher ----------------------------------------------------- */

typedef struct es_matcher es_matcher_t;

/* An empty matcher; add queries, then compile. Loop thread (or any one
 * thread) per matcher: matching reuses scratch space in the matcher. */
int es__matcher_new(es_matcher_t **out);
/* Takes q. Its index (0, 1, ...) is what es__matcher_run reports. */
int es__matcher_add(es_matcher_t *mt, es_query_t *q);
int es__matcher_compile(es_matcher_t *mt);
void es__matcher_free(es_matcher_t *mt);
size_t es__matcher_size(const es_matcher_t *mt);
const es_query_t *es__matcher_query(const es_matcher_t *mt, size_t i);

/* Indexes of the queries that match the tokens, ascending, in *hits
 * (valid until the next run); returns how many, or ES_ENOMEM. */
int es__matcher_run(es_matcher_t *mt, const es_qtoks_t *t, const uint32_t **hits);

/* Explain: after a run, whether node id of query qi matched, and the
 * token indexes of the words it matched (for highlighting). */
typedef void (*es_match_visit_cb)(void *arg, const es_qnode_t *n, int matched);
void es__matcher_explain(es_matcher_t *mt, const es_qtoks_t *t, size_t qi, es_match_visit_cb cb, void *arg);
/* Token indexes matched by any positive word of query qi (after a run):
 * calls cb for each. */
void es__matcher_spans(es_matcher_t *mt, const es_qtoks_t *t, size_t qi, void (*cb)(void *arg, size_t tok), void *arg);

#endif
