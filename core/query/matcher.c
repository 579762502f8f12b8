/*
 * Every brand and topic query compiled into one matcher.
 *
 * Each distinct folded word, attribute ("\1tag:acme") and wildcard pattern
 * of all the queries is a key in one hash table. A mention's tokens are
 * looked up once each (wildcards: by their first one to three bytes), which
 * gives every key that occurs and where. Only the queries one of whose
 * anchors occurred are then evaluated, against those occurrence lists.
 * An anchor is a key without which the query cannot match (see anchors()),
 * so 10,000 queries cost what the few that share a word with the mention
 * cost, plus one hash probe per word.
 */
#include "query.h"
#include "grow.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define PREFIX_MAX 7 /* wildcard patterns are indexed by up to 7 leading bytes */

typedef struct key {
    char *s;
    uint64_t h;        /* hash(s, len): how a mention's word table finds it */
    uint32_t len;
    int pattern;       /* a wildcard pattern (s is the pattern) */
    int raw;           /* pattern compared with the raw bytes */
    uint32_t *cands;   /* queries this key anchors */
    size_t n_cands, cap_cands;
} qkey_t;

/* A key's occurrences in the current run, apart from its record: the run
 * touches only these, 16 bytes a key, so 10,000 queries' keys stay in
 * the cache (the records, 64 bytes with the candidates list, did not). */
typedef struct krun {
    uint32_t stamp, count, start, fill;
} krun_t;

/* The bytes compared live in the slot (up to SLOT_INLINE of them, which
 * is nearly every word), so a probe that finds its word is one cache
 * miss, not a second for the string and a third for the key record. */
#define SLOT_INLINE 16
typedef struct slot {
    uint64_t h;
    uint32_t key; /* NONE: empty */
    uint32_t len;
    union {
        const char *s; /* len > SLOT_INLINE */
        char b[SLOT_INLINE];
    } u;
} slot_t;

_Static_assert(PREFIX_MAX < SLOT_INLINE, "prefix slots hold their bytes");

static inline const char *slot_bytes(const slot_t *sl) { return sl->len > SLOT_INLINE ? sl->u.s : sl->u.b; }

/* s must outlive the slot when longer than SLOT_INLINE. */
static inline void slot_set(slot_t *sl, uint64_t h, uint32_t key, const char *s, size_t n)
{
    sl->h = h;
    sl->key = key;
    sl->len = (uint32_t)n;
    if (n > SLOT_INLINE)
        sl->u.s = s;
    else
        memcpy(sl->u.b, s, n);
}

typedef struct table {
    slot_t *v;
    size_t mask, n;
} table_t;

typedef struct prefix {
    char b[PREFIX_MAX + 1];
    uint32_t *pats;
    size_t n, cap;
} prefix_t;

typedef struct span {
    uint32_t s, e;
} span_t;

typedef struct pair {
    uint32_t key, tok;
} pair_t;

/* A distinct word (or attribute key) of the current mention: the
 * mention's own small table answers "does this key occur, and where" for
 * every word of a query that anchors nothing, so only a mention's anchor
 * words probe the matcher's big table (at 10,000 queries, 7.8 of a
 * tweet's 14 words were keys, each probe a cache miss into 1.5 MiB, for
 * 4 candidate queries that asked about a handful of them). */
typedef struct lword {
    uint64_t h;
    const char *s;
    uint32_t len, count, start, fill;
} lword_t;

/* A query flattened for evaluation, in pre-order: 16 bytes a node in one
 * array for every query, so a candidate's evaluation reads a cache line
 * or two of consecutive memory. The parse trees' nodes (120 bytes each,
 * allocated one by one) cost a cache miss per node: at 10,000 queries
 * their chase was most of a mention's time. Nodes that need positions
 * (phrases, NEAR, fields, raw words, url prefixes) keep their tree node
 * and are evaluated by it. */
enum { OP_AND, OP_OR, OP_NOT, OP_HAS, OP_HAS_PAT, OP_TREE };
typedef struct op {
    uint8_t kind;
    uint32_t n_kids; /* AND/OR/NOT; HAS: the key's length */
    uint32_t arg;    /* HAS_PAT: the key; HAS: the op (unit) its bytes start at;
                      * TREE: the unit its node's copy starts at */
    uint32_t next;   /* the op after this one's subtree */
    /* HAS: the key's hash, so asking the mention's word table whether
     * the word occurs reads the key record only when it does. */
    uint64_t h;
} op_t;

typedef struct bloom {
    uint64_t *v;
    unsigned shift;
} bloom_t;

struct es_matcher {
    es_query_t **q;
    size_t n_q, cap_q;
    qkey_t *keys;
    size_t n_keys, cap_keys;
    krun_t *run;        /* per key, sized by compile */
    op_t *ops;          /* every query's program (compile) */
    size_t n_ops, cap_ops;
    uint32_t *q_op;     /* per query: its first op */
    const es_qnode_t **tree_nodes;
    size_t n_tree, cap_tree;
    /* Per key: the queries it anchors, as one array (compile), so the
     * candidate loop does not touch the key records. */
    uint32_t *cand_off; /* n_keys + 1 */
    uint32_t *cand;     /* pairs: the query, and its first op */
    /* One bit per wildcard key: set while it matched a word of the
     * current run (words and attributes are in the mention's table). */
    uint64_t *hit_bits;
    table_t words;      /* folded word / attribute -> key */
    table_t prefixes;   /* wildcard prefix -> index in pre */
    prefix_t *pre;
    size_t n_pre, cap_pre;
    /* The patterns of every prefix, packed by compile: prefix i's are
     * parena[pspan[i] .. pspan[i + 1]), each a uint32 key, a uint32
     * length (top bit: raw), the pattern and its NUL. Globbing a word's
     * patterns reads these few lines, not each pattern's key record and
     * then its string (two cache misses a pattern, 14% of a run). */
    char *parena;
    uint32_t *pspan;
    unsigned prefix_lens; /* bit L: some pattern is indexed by its first L bytes */
    /* One bit per hash of the first gate_len bytes (the shortest prefix's
     * length, at most 3) of every prefix: a word whose first bytes start
     * no prefix skips the three or so prefix probes. With 10 queries
     * nearly every word does, with 10,000 about half. */
    uint64_t gate[64];
    unsigned gate_len;
    /* One bit per hash of every anchor key (wfilter) and every wildcard
     * prefix (pfilter), built by compile: most words of a mention anchor
     * no query and start no pattern, and these answer them from a cache
     * line instead of a probe into a table. Two filters, so the three or
     * so prefix probes of every word stay in the small one (a few KiB for
     * 1,400 prefixes, in L1), not in the anchors' 64 KiB. */
    bloom_t wfilter, pfilter;
    /* Run scratch. */
    uint32_t epoch;
    /* One bit per query: a candidate already taken in this run (cleared
     * from the candidates after it; 1.2 KiB for 10,000 queries, where a
     * stamp per query missed the cache at every candidate). */
    uint64_t *qseen;
    uint32_t *hit_keys;  /* word and attribute anchors that occurred */
    size_t n_hit, cap_hit;
    uint32_t *pat_hits;  /* wildcard keys that matched a word */
    size_t n_pat_hit, cap_pat_hit;
    pair_t *pairs;
    size_t n_pairs, cap_pairs;
    uint32_t *occ;      /* token index per occurrence, grouped by key */
    size_t cap_occ;
    uint32_t *result;
    uint32_t *result_op; /* beside result: the candidate's first op */
    size_t n_result, cap_result, cap_result_op;
    span_t *spans;
    size_t n_spans, cap_spans;
    /* The mention's words: lslot (open addressing, lmask + 1 slots) holds
     * indexes into lw; tok_lw gives each token its word. */
    lword_t *lw;
    size_t n_lw, cap_lw;
    uint32_t *lslot;
    size_t lmask, cap_lslot;
    uint32_t *tok_lw;
    size_t cap_tok_lw;
    uint32_t lw_epoch;  /* the run the table was built for (only when a
                         * query is evaluated: most mentions have none) */
    uint64_t *th;       /* each token's hash, from index_tokens */
    size_t cap_th;
    uint32_t *probe;    /* tokens that passed the anchor filter */
    size_t cap_probe;
    uint32_t *wocc;     /* the words' occurrences, grouped by word */
    size_t cap_wocc;
    int oom;
};


static inline uint64_t rd64(const char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}
static inline uint64_t rd32(const char *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline uint64_t mix(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
#else /* 32-bit targets: a multiply and a fold of the high half */
    uint64_t r = (a ^ (b >> 29)) * (b | 1);
    return r ^ (r >> 32);
#endif
}

/* Words are short: up to 16 bytes are read as two overlapping loads and
 * mixed by two multiplies (the length goes in too, and is compared beside
 * the hash, so the overlap cannot make two words one). Inline, this is a
 * fraction of the XXH3 call it replaces, which was 3% of a mention at
 * 10,000 queries; the table and the filter take its low and high bits. */
static inline uint64_t hash(const char *s, size_t n)
{
    const uint64_t K0 = 0x9E3779B97F4A7C15ull, K1 = 0xC2B2AE3D27D4EB4Full, K2 = 0x165667B19E3779F9ull;
    uint64_t a, b, seed = K2 ^ n;
    if (n > 16) {
        const char *p = s;
        size_t left = n;
        while (left > 16) {
            seed = mix(rd64(p) ^ K0, rd64(p + 8) ^ seed);
            p += 16;
            left -= 16;
        }
        a = rd64(s + n - 16);
        b = rd64(s + n - 8);
    } else if (n >= 8) {
        a = rd64(s);
        b = rd64(s + n - 8);
    } else if (n >= 4) {
        a = rd32(s);
        b = rd32(s + n - 4);
    } else if (n) {
        a = (uint64_t)(unsigned char)s[0] << 16 | (uint64_t)(unsigned char)s[n >> 1] << 8 | (unsigned char)s[n - 1];
        b = 0;
    } else {
        a = b = 0;
    }
    return mix(mix(a ^ K0, b ^ seed), K1 ^ n);
}

/* n bytes equal, for the short words hash() is made for. */
static inline int same(const char *x, const char *y, size_t n)
{
    if (n >= 8 && n <= 16)
        return rd64(x) == rd64(y) && rd64(x + n - 8) == rd64(y + n - 8);
    if (n >= 4 && n < 8)
        return rd32(x) == rd32(y) && rd32(x + n - 4) == rd32(y + n - 4);
    return !memcmp(x, y, n);
}

/* Wildcard prefixes are 1..7 bytes: with their length they fit one
 * integer, and a multiply mixes it well enough for a fraction of XXH3's
 * call. */
static inline uint64_t prefix_hash(const char *b, size_t n)
{
    uint64_t c;
    if (n >= 4) /* two overlapping loads: the length tells them apart */
        c = rd32(b) | rd32(b + n - 4) << 32;
    else if (n)
        c = (uint64_t)(unsigned char)b[0] << 16 | (uint64_t)(unsigned char)b[n >> 1] << 8 | (unsigned char)b[n - 1];
    else
        c = 0;
    return mix(c ^ 0x9E3779B97F4A7C15ull, 0xC2B2AE3D27D4EB4Full ^ n);
}

/* ---- hash tables --------------------------------------------------- */

static int table_init(table_t *t, size_t want)
{
    size_t n = 16;
    while (n < want * 2)
        n *= 2;
    t->v = malloc(n * sizeof *t->v);
    if (!t->v)
        return -1;
    for (size_t i = 0; i < n; i++)
        t->v[i].key = NONE;
    t->mask = n - 1;
    t->n = 0;
    return 0;
}

/* The slot of (h, s): the one holding it, or the empty one it would go
 * in. */
static slot_t *table_find(const table_t *t, uint64_t h, const char *s, size_t n)
{
    for (size_t i = (size_t)h & t->mask;; i = (i + 1) & t->mask) {
        slot_t *sl = &t->v[i];
        if (sl->key == NONE)
            return sl;
        if (sl->h == h && sl->len == n && same(slot_bytes(sl), s, n))
            return sl;
    }
}

static int table_grow(table_t *t)
{
    if ((t->n + 1) * 2 <= t->mask + 1)
        return 0;
    table_t nt;
    if (table_init(&nt, (t->mask + 1)) < 0)
        return -1;
    for (size_t i = 0; i <= t->mask; i++)
        if (t->v[i].key != NONE) {
            *table_find(&nt, t->v[i].h, slot_bytes(&t->v[i]), t->v[i].len) = t->v[i];
            nt.n++;
        }
    free(t->v);
    *t = nt;
    return 0;
}

/* ---- building ------------------------------------------------------- */

int es__matcher_new(es_matcher_t **out)
{
    es_matcher_t *mt = calloc(1, sizeof *mt);
    if (!mt || table_init(&mt->words, 64) < 0 || table_init(&mt->prefixes, 8) < 0) {
        if (mt) {
            free(mt->words.v);
            free(mt);
        }
        return ES_ENOMEM;
    }
    *out = mt;
    return 0;
}

/* Indexes pattern `id` under the first PREFIX_MAX bytes of its folded
 * literal prefix (the parser guarantees at least one literal character).
 * A token is looked up by its own first L bytes for each length L some
 * pattern uses, and globbed only against the patterns found: with a
 * short index key, "wonder*" of one brand and "wonky*" of another were
 * both globbed against every "wo..." word (10,000 queries: 7 us a
 * mention, against 1.4 for 1,000). */
static int prefix_index(es_matcher_t *mt, const char *pat, int raw, uint32_t id)
{
    size_t pl = strcspn(pat, "*?");
    char *f = raw ? es__query_fold(pat, pl) : strndup(pat, pl);
    if (!f)
        return -1;
    size_t fl = strlen(f) > PREFIX_MAX ? PREFIX_MAX : strlen(f);
    char b[PREFIX_MAX + 1];
    memcpy(b, f, fl);
    b[fl] = '\0';
    free(f);
    uint64_t ph = prefix_hash(b, fl);
    slot_t *ps = table_find(&mt->prefixes, ph, b, fl);
    if (ps->key == NONE) {
        if (table_grow(&mt->prefixes) < 0 ||
            es__query_grow((void **)&mt->pre, &mt->cap_pre, mt->n_pre + 1, sizeof *mt->pre) < 0)
            return -1;
        ps = table_find(&mt->prefixes, ph, b, fl);
        prefix_t *p = &mt->pre[mt->n_pre];
        memset(p, 0, sizeof *p);
        memcpy(p->b, b, fl + 1);
        slot_set(ps, ph, (uint32_t)mt->n_pre, p->b, fl); /* inline: PREFIX_MAX < SLOT_INLINE */
        mt->n_pre++;
        mt->prefixes.n++;
    }
    prefix_t *p = &mt->pre[ps->key];
    if (es__query_grow((void **)&p->pats, &p->cap, p->n + 1, sizeof *p->pats) < 0)
        return -1;
    p->pats[p->n++] = id;
    mt->prefix_lens |= 1u << fl;
    return 0;
}

/* The key of s (created when missing), or NONE on ENOMEM. */
static uint32_t key_get(es_matcher_t *mt, const char *s, int pattern, int raw)
{
    /* Patterns and raw patterns live beside words under marked names, so
     * "acme*" the pattern and a word that folds to "acme*" cannot meet. */
    char mark[2] = {pattern ? (raw ? '\3' : '\2') : 0, 0};
    size_t n = strlen(s) + (pattern ? 1 : 0);
    char *name = malloc(n + 1);
    if (!name)
        return NONE;
    memcpy(name, mark, pattern ? 1 : 0);
    memcpy(name + (pattern ? 1 : 0), s, strlen(s) + 1);
    uint64_t h = hash(name, n);
    slot_t *sl = table_find(&mt->words, h, name, n);
    if (sl->key != NONE) {
        free(name);
        return sl->key;
    }
    if (table_grow(&mt->words) < 0 ||
        es__query_grow((void **)&mt->keys, &mt->cap_keys, mt->n_keys + 1, sizeof *mt->keys) < 0) {
        free(name);
        return NONE;
    }
    sl = table_find(&mt->words, h, name, n);
    uint32_t id = (uint32_t)mt->n_keys++;
    qkey_t *k = &mt->keys[id];
    memset(k, 0, sizeof *k);
    k->s = name;
    k->h = h;
    k->len = (uint32_t)n;
    k->pattern = pattern;
    k->raw = raw;
    slot_set(sl, h, id, name, n);
    mt->words.n++;
    if (pattern && prefix_index(mt, s, raw, id) < 0)
        return NONE;
    return id;
}

/* Assigns keys to every word, phrase word, pattern and attribute. */
static int assign_keys(es_matcher_t *mt, es_qnode_t *n)
{
    for (size_t i = 0; i < n->n_kids; i++)
        if (assign_keys(mt, n->kids[i]) < 0)
            return -1;
    if (n->kind == ES_QN_ATTR) {
        n->key = key_get(mt, n->attr, 0, 0);
    } else if (n->kind == ES_QN_WORD && n->wildcard) {
        n->key = key_get(mt, n->raw ? n->raw_words[0] : n->words[0], 1, n->raw);
    } else if (n->kind == ES_QN_WORD || n->kind == ES_QN_PHRASE) {
        /* Phrase words after the first are keys too: "phrase"~n looks
         * each up in its occurrence list, by the key kept here. */
        free(n->word_keys);
        if (!(n->word_keys = malloc(n->n_words * sizeof *n->word_keys)))
            return -1;
        for (size_t i = 0; i < n->n_words; i++)
            if ((n->word_keys[i] = key_get(mt, n->words[i], 0, 0)) == NONE)
                return -1;
        n->key = n->word_keys[0];
    } else {
        return 0;
    }
    return n->key == NONE ? -1 : 0;
}

static int cand_add(es_matcher_t *mt, uint32_t key, uint32_t q)
{
    qkey_t *k = &mt->keys[key];
    if (k->n_cands && k->cands[k->n_cands - 1] == q)
        return 0;
    if (es__query_grow((void **)&k->cands, &k->cap_cands, k->n_cands + 1, sizeof *k->cands) < 0)
        return -1;
    k->cands[k->n_cands++] = q;
    return 0;
}

/* Keys at least one of which occurs in every mention the node matches
 * (the parser refused queries without any): an AND needs one anchored
 * operand's, an OR every operand's. */
static int anchors(es_matcher_t *mt, const es_qnode_t *n, uint32_t q)
{
    switch (n->kind) {
    case ES_QN_NOT:
        return 0;
    case ES_QN_AND:
        for (size_t i = 0; i < n->n_kids; i++)
            if (n->kids[i]->kind != ES_QN_NOT)
                return anchors(mt, n->kids[i], q);
        return 0;
    case ES_QN_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (anchors(mt, n->kids[i], q) < 0)
                return -1;
        return 0;
    case ES_QN_NEAR:
        return anchors(mt, n->kids[0], q);
    default:
        return cand_add(mt, n->key, q);
    }
}

int es__matcher_add(es_matcher_t *mt, es_query_t *q)
{
    if (es__query_grow((void **)&mt->q, &mt->cap_q, mt->n_q + 1, sizeof *mt->q) < 0) {
        es__query_free(q);
        return ES_ENOMEM;
    }
    mt->q[mt->n_q++] = q;
    if (assign_keys(mt, q->root) < 0 || anchors(mt, q->root, (uint32_t)(mt->n_q - 1)) < 0)
        return ES_ENOMEM;
    return 0;
}

/* A blocked filter: two bits of one 64-bit word an entry (the word from
 * the hash's top bits, the two bits from its low ones), so a lookup is one
 * load. 8 bits an entry let about 5% of the rest through, from half the
 * memory of one bit in 16 (6%): 16 KiB for 10,000 queries' anchors, which
 * stays in L1 beside the mention. */
static inline uint64_t filter_mask(uint64_t h) { return (1ull << (h & 63)) | (1ull << ((h >> 6) & 63)); }

static inline int filter_has(const bloom_t *f, uint64_t h)
{
    uint64_t m = filter_mask(h);
    return (f->v[h >> f->shift] & m) == m;
}

static inline void filter_set(bloom_t *f, uint64_t h) { f->v[h >> f->shift] |= filter_mask(h); }

static int filter_init(bloom_t *f, size_t entries)
{
    unsigned bits = 9;
    while (bits < 36 && (1ull << bits) < 8 * entries)
        bits++;
    free(f->v);
    f->shift = 64 - (bits - 6);
    f->v = calloc((size_t)1 << (bits - 6), sizeof *f->v);
    return f->v ? 0 : -1;
}

static int emit_ops(es_matcher_t *mt, const es_qnode_t *n)
{
    if (es__query_grow((void **)&mt->ops, &mt->cap_ops, mt->n_ops + 1, sizeof *mt->ops) < 0)
        return -1;
    size_t at = mt->n_ops++;
    op_t op = {0};
    if (n->kind == ES_QN_AND || n->kind == ES_QN_OR || n->kind == ES_QN_NOT) {
        op.kind = n->kind == ES_QN_AND ? OP_AND : n->kind == ES_QN_OR ? OP_OR : OP_NOT;
        op.n_kids = (uint32_t)n->n_kids;
        mt->ops[at] = op;
        for (size_t i = 0; i < n->n_kids; i++)
            if (emit_ops(mt, n->kids[i]) < 0)
                return -1;
    } else if ((n->kind == ES_QN_WORD && !n->raw && n->field == ES_QF_ANY) ||
               (n->kind == ES_QN_ATTR && !n->url_prefix)) {
        const qkey_t *k = &mt->keys[n->key];
        op.kind = k->pattern ? OP_HAS_PAT : OP_HAS;
        op.arg = n->key; /* HAS: layout_programs puts its bytes after the ops */
        op.n_kids = k->len;
        op.h = k->h;
    } else {
        if (es__query_grow((void **)&mt->tree_nodes, &mt->cap_tree, mt->n_tree + 1, sizeof *mt->tree_nodes) < 0)
            return -1;
        mt->tree_nodes[mt->n_tree] = n;
        op.kind = OP_TREE;
        op.arg = (uint32_t)mt->n_tree++;
    }
    if (op.kind == OP_HAS || op.kind == OP_HAS_PAT || op.kind == OP_TREE)
        mt->ops[at] = op;
    mt->ops[at].next = (uint32_t)mt->n_ops;
    return 0;
}

/* ---- laying the programs out ---------------------------------------- */

/* A bump allocator over a query's block; dry, it only counts. */
typedef struct bump {
    char *p;
    size_t used;
    int dry;
} bump_t;

static void *bump(bump_t *b, const void *src, size_t n)
{
    size_t at = b->used;
    b->used += (n + 7) & ~(size_t)7;
    if (b->dry)
        return NULL;
    memcpy(b->p + at, src, n);
    return b->p + at;
}

static char *bump_str(bump_t *b, const char *s) { return s ? bump(b, s, strlen(s) + 1) : NULL; }

/* A deep copy of a positional node (its kids, words, keys and strings)
 * into b: the evaluator reads it from the query's own block instead of
 * chasing the parse tree's separately allocated pieces. */
static es_qnode_t *tree_clone(bump_t *b, const es_qnode_t *n)
{
    es_qnode_t *c = bump(b, n, sizeof *n);
    es_qnode_t **kids = n->n_kids ? bump(b, n->kids, n->n_kids * sizeof *kids) : NULL;
    for (size_t i = 0; i < n->n_kids; i++) {
        es_qnode_t *k = tree_clone(b, n->kids[i]);
        if (!b->dry)
            kids[i] = k;
    }
    char **w = n->words ? bump(b, n->words, n->n_words * sizeof *w) : NULL;
    char **rw = n->raw_words ? bump(b, n->raw_words, n->n_words * sizeof *rw) : NULL;
    for (size_t i = 0; i < n->n_words; i++) {
        char *x = n->words ? bump_str(b, n->words[i]) : NULL;
        char *y = n->raw_words ? bump_str(b, n->raw_words[i]) : NULL;
        if (!b->dry) {
            if (w)
                w[i] = x;
            if (rw)
                rw[i] = y;
        }
    }
    uint32_t *wk = n->word_keys ? bump(b, n->word_keys, n->n_words * sizeof *wk) : NULL;
    char *attr = bump_str(b, n->attr), *url = bump_str(b, n->url_prefix);
    if (!b->dry) {
        c->kids = kids;
        c->words = w;
        c->raw_words = rw;
        c->word_keys = wk;
        c->attr = attr;
        c->url_prefix = url;
    }
    return c;
}

static size_t units(size_t bytes) { return (bytes + sizeof(op_t) - 1) / sizeof(op_t); }

/* Units of op_t the extras of op o need (the bytes a HAS compares, the
 * copy of a TREE's node); with dry == 0 also writes them at `at`. */
static size_t op_extra(es_matcher_t *mt, op_t *o, op_t *at, int dry)
{
    if (o->kind == OP_HAS) {
        const qkey_t *k = &mt->keys[o->arg];
        if (!dry)
            memcpy(at, k->s, k->len + 1);
        return units(k->len + 1);
    }
    if (o->kind == OP_TREE) {
        bump_t b = {(char *)at, 0, dry};
        tree_clone(&b, mt->tree_nodes[o->arg]);
        return units(b.used);
    }
    return 0;
}

/* Each query's ops, then the bytes its HAS ops compare and copies of its
 * positional nodes, in one block: evaluating a candidate reads a few
 * consecutive cache lines. Spread over the ops array, the key records
 * and the parse trees, it missed the cache some eight times (at 10,000
 * queries, two thirds of a mention's misses were evaluation's). */
static int layout_programs(es_matcher_t *mt)
{
    size_t total = 0;
    for (size_t q = 0; q < mt->n_q; q++)
        for (uint32_t i = mt->q_op[q]; i < mt->q_op[q + 1]; i++)
            total += 1 + op_extra(mt, &mt->ops[i], NULL, 1);
    if (total >= UINT32_MAX)
        return -1;
    op_t *prog = calloc(total + 1, sizeof *prog);
    if (!prog)
        return -1;
    size_t at = 0;
    for (size_t q = 0; q < mt->n_q; q++) {
        uint32_t first = mt->q_op[q], end = mt->q_op[q + 1];
        size_t base = at, extra = base + (end - first);
        for (uint32_t i = first; i < end; i++) {
            op_t o = mt->ops[i];
            o.next = (uint32_t)(base + (o.next - first)); /* end of the query's ops: its extras, never read */
            if (o.kind == OP_HAS || o.kind == OP_TREE) {
                size_t u = op_extra(mt, &o, prog + extra, 0);
                o.arg = (uint32_t)extra;
                extra += u;
            }
            prog[base + (i - first)] = o;
        }
        mt->q_op[q] = (uint32_t)base;
        at = extra;
    }
    mt->q_op[mt->n_q] = (uint32_t)at;
    free(mt->ops);
    mt->ops = prog;
    mt->n_ops = mt->cap_ops = total + 1;
    return 0;
}

static int compile_programs(es_matcher_t *mt)
{
    free(mt->q_op);
    free(mt->cand_off);
    free(mt->cand);
    mt->n_ops = mt->n_tree = 0;
    mt->cand = NULL;
    mt->q_op = malloc((mt->n_q + 1) * sizeof *mt->q_op);
    mt->cand_off = malloc((mt->n_keys + 1) * sizeof *mt->cand_off);
    if (!mt->q_op || !mt->cand_off)
        return -1;
    for (size_t i = 0; i < mt->n_q; i++) {
        mt->q_op[i] = (uint32_t)mt->n_ops;
        if (emit_ops(mt, mt->q[i]->root) < 0)
            return -1;
    }
    mt->q_op[mt->n_q] = (uint32_t)mt->n_ops;
    if (layout_programs(mt) < 0)
        return -1;
    size_t total = 0;
    for (size_t i = 0; i < mt->n_keys; i++) {
        mt->cand_off[i] = (uint32_t)total;
        total += mt->keys[i].n_cands;
    }
    mt->cand_off[mt->n_keys] = (uint32_t)total;
    if (!(mt->cand = malloc((2 * total + 1) * sizeof *mt->cand)))
        return -1;
    for (size_t i = 0; i < mt->n_keys; i++)
        for (size_t j = 0; j < mt->keys[i].n_cands; j++) {
            uint32_t q = mt->keys[i].cands[j];
            mt->cand[2 * (mt->cand_off[i] + j)] = q;
            mt->cand[2 * (mt->cand_off[i] + j) + 1] = mt->q_op[q];
        }
    return 0;
}

static inline unsigned gate_bit(const char *b, unsigned g)
{
    uint64_t v = (unsigned char)b[0];
    if (g > 1)
        v |= (uint64_t)(unsigned char)b[1] << 8;
    if (g > 2)
        v |= (uint64_t)(unsigned char)b[2] << 16;
    return (unsigned)((v * 0x9E3779B97F4A7C15ull) >> 52); /* 12 bits: 64 words of 64 */
}

static void gate_init(es_matcher_t *mt)
{
    memset(mt->gate, 0, sizeof mt->gate);
    mt->gate_len = mt->prefix_lens ? (unsigned)__builtin_ctz(mt->prefix_lens) : 0;
    if (mt->gate_len > 3)
        mt->gate_len = 3;
    for (size_t i = 0; i < mt->n_pre && mt->gate_len; i++) {
        unsigned b = gate_bit(mt->pre[i].b, mt->gate_len);
        mt->gate[b >> 6] |= 1ull << (b & 63);
    }
}

static int pack_patterns(es_matcher_t *mt)
{
    size_t total = 0;
    for (size_t i = 0; i < mt->n_pre; i++)
        for (size_t j = 0; j < mt->pre[i].n; j++)
            total += 8 + mt->keys[mt->pre[i].pats[j]].len; /* the mark's byte holds the NUL */
    free(mt->parena);
    free(mt->pspan);
    mt->parena = malloc(total + 1);
    mt->pspan = malloc((mt->n_pre + 1) * sizeof *mt->pspan);
    if (!mt->parena || !mt->pspan || total >= UINT32_MAX)
        return -1;
    size_t at = 0;
    for (size_t i = 0; i < mt->n_pre; i++) {
        mt->pspan[i] = (uint32_t)at;
        for (size_t j = 0; j < mt->pre[i].n; j++) {
            uint32_t key = mt->pre[i].pats[j];
            const qkey_t *k = &mt->keys[key];
            uint32_t len = (k->len - 1) | (k->raw ? 1u << 31 : 0);
            memcpy(mt->parena + at, &key, 4);
            memcpy(mt->parena + at + 4, &len, 4);
            memcpy(mt->parena + at + 8, k->s + 1, k->len); /* the pattern and its NUL */
            at += 8 + k->len;
        }
    }
    mt->pspan[mt->n_pre] = (uint32_t)at;
    return 0;
}

int es__matcher_compile(es_matcher_t *mt)
{
    free(mt->qseen);
    free(mt->run);
    free(mt->hit_bits);
    mt->qseen = calloc(mt->n_q / 64 + 1, sizeof *mt->qseen);
    mt->run = calloc(mt->n_keys + 1, sizeof *mt->run);
    mt->hit_bits = calloc(mt->n_keys / 64 + 1, sizeof *mt->hit_bits);
    size_t n_anchors = 0;
    for (size_t i = 0; i < mt->n_keys; i++)
        n_anchors += mt->keys[i].n_cands > 0;
    if (!mt->qseen || !mt->run || !mt->hit_bits || filter_init(&mt->wfilter, n_anchors) < 0 ||
        filter_init(&mt->pfilter, mt->n_pre) < 0 || compile_programs(mt) < 0 || pack_patterns(mt) < 0)
        return ES_ENOMEM;
    gate_init(mt);
    for (size_t i = 0; i <= mt->words.mask; i++)
        if (mt->words.v[i].key != NONE && mt->keys[mt->words.v[i].key].n_cands)
            filter_set(&mt->wfilter, mt->words.v[i].h);
    for (size_t i = 0; i <= mt->prefixes.mask; i++)
        if (mt->prefixes.v[i].key != NONE)
            filter_set(&mt->pfilter, mt->prefixes.v[i].h);
    return 0;
}

size_t es__matcher_size(const es_matcher_t *mt) { return mt->n_q; }
const es_query_t *es__matcher_query(const es_matcher_t *mt, size_t i) { return i < mt->n_q ? mt->q[i] : NULL; }

void es__matcher_free(es_matcher_t *mt)
{
    if (!mt)
        return;
    for (size_t i = 0; i < mt->n_q; i++)
        es__query_free(mt->q[i]);
    for (size_t i = 0; i < mt->n_keys; i++) {
        free(mt->keys[i].s);
        free(mt->keys[i].cands);
    }
    for (size_t i = 0; i < mt->n_pre; i++)
        free(mt->pre[i].pats);
    free(mt->q);
    free(mt->keys);
    free(mt->pre);
    free(mt->parena);
    free(mt->pspan);
    free(mt->words.v);
    free(mt->prefixes.v);
    free(mt->qseen);
    free(mt->pat_hits);
    free(mt->wfilter.v);
    free(mt->pfilter.v);
    free(mt->run);
    free(mt->hit_bits);
    free(mt->ops);
    free(mt->q_op);
    free(mt->tree_nodes);
    free(mt->cand_off);
    free(mt->cand);
    free(mt->result_op);
    free(mt->hit_keys);
    free(mt->pairs);
    free(mt->occ);
    free(mt->result);
    free(mt->spans);
    free(mt->lw);
    free(mt->lslot);
    free(mt->tok_lw);
    free(mt->th);
    free(mt->probe);
    free(mt->wocc);
    free(mt);
}

/* ---- glob ----------------------------------------------------------- */

/* '*' any run of bytes, '?' one UTF-8 character; iterative, with one
 * backtrack point, so linear in practice. */
int es__query_glob(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '?') {
            p++;
            s++;
            while ((*s & 0xC0) == 0x80)
                s++;
        } else if (*p == '*') {
            star = ++p;
            resume = s;
        } else if (*p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star;
            s = ++resume;
            while ((*s & 0xC0) == 0x80)
                s = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == '\0';
}

/* ---- running -------------------------------------------------------- */

static void pair_add(es_matcher_t *mt, uint32_t key, uint32_t tok)
{
    if (es__query_grow((void **)&mt->pairs, &mt->cap_pairs, mt->n_pairs + 1, sizeof *mt->pairs) < 0) {
        mt->oom = 1;
        return;
    }
    mt->pairs[mt->n_pairs++] = (pair_t){key, tok};
    krun_t *k = &mt->run[key];
    if (k->stamp != mt->epoch) {
        k->stamp = mt->epoch;
        k->count = 0;
        if (es__query_grow((void **)&mt->pat_hits, &mt->cap_pat_hit, mt->n_pat_hit + 1, sizeof *mt->pat_hits) < 0) {
            mt->oom = 1;
            return;
        }
        mt->pat_hits[mt->n_pat_hit++] = key;
        mt->hit_bits[key >> 6] |= 1ull << (key & 63);
    }
    k->count++;
}

/* A word or attribute that passed the filter: when it is a key, the key
 * joins the run's hit keys (an anchor's candidates are evaluated; a key
 * that anchors nothing has none), and its candidate list is fetched. */
static inline void anchor_probe(es_matcher_t *mt, uint64_t h, const char *s, size_t n)
{
    uint32_t key = table_find(&mt->words, h, s, n)->key;
    if (key == NONE)
        return;
    if (es__query_grow((void **)&mt->hit_keys, &mt->cap_hit, mt->n_hit + 1, sizeof *mt->hit_keys) < 0) {
        mt->oom = 1;
        return;
    }
    mt->hit_keys[mt->n_hit++] = key;
    __builtin_prefetch(&mt->cand_off[key]);
}

/* An attribute: when it anchors queries, its key joins the run's hit
 * keys. */
static inline void anchor_check(es_matcher_t *mt, uint64_t h, const char *s, size_t n)
{
    if (!filter_has(&mt->wfilter, h))
        return;
    anchor_probe(mt, h, s, n);
}

/* The mention's word (h, s, n), or NONE. */
static inline uint32_t local_find(const es_matcher_t *mt, uint64_t h, const char *s, size_t n)
{
    if (!mt->n_lw)
        return NONE; /* no run yet, or its table could not be made */
    for (size_t i = (size_t)h & mt->lmask;; i = (i + 1) & mt->lmask) {
        uint32_t w = mt->lslot[i];
        if (w == NONE)
            return NONE;
        const lword_t *l = &mt->lw[w];
        if (l->h == h && l->len == n && same(l->s, s, n))
            return w;
    }
}

/* Whether the word or attribute s (hash h, length n) occurs in the
 * mention. */
static inline int local_has(const es_matcher_t *mt, uint64_t h, size_t n, const char *s)
{
    if (!mt->n_lw)
        return 0;
    for (size_t i = (size_t)h & mt->lmask;; i = (i + 1) & mt->lmask) {
        uint32_t w = mt->lslot[i];
        if (w == NONE)
            return 0;
        const lword_t *l = &mt->lw[w];
        if (l->h == h && l->len == n && same(l->s, s, n))
            return 1;
    }
}

/* The mention's word (h, s, n), added when new (room was made by
 * build_local: lw for every token and attribute, slots for twice that). */
static inline __attribute__((always_inline)) uint32_t local_put(es_matcher_t *mt, uint64_t h, const char *s, size_t n)
{
    for (size_t i = (size_t)h & mt->lmask;; i = (i + 1) & mt->lmask) {
        uint32_t w = mt->lslot[i];
        if (w == NONE) {
            w = (uint32_t)mt->n_lw++;
            mt->lw[w] = (lword_t){h, s, (uint32_t)n, 0, 0, 0};
            mt->lslot[i] = w;
            return w;
        }
        const lword_t *l = &mt->lw[w];
        if (l->h == h && l->len == n && same(l->s, s, n))
            return w;
    }
}

/* A raw token's bytes as a NUL-terminated copy on the stack (or heap). */
static int raw_eq(const es_qtoks_t *t, const es_qtok_t *k, const char *want)
{
    const char *src = t->src[(k->flags & ES_QTOK_TITLE) ? 0 : 1];
    return src && strlen(want) == k->len && !memcmp(src + k->start, want, k->len);
}

static int raw_glob(const es_qtoks_t *t, const es_qtok_t *k, const char *pat)
{
    const char *src = t->src[(k->flags & ES_QTOK_TITLE) ? 0 : 1];
    if (!src)
        return 0;
    char buf[256], *b = k->len < sizeof buf ? buf : malloc(k->len + 1);
    if (!b)
        return 0;
    memcpy(b, src + k->start, k->len);
    b[k->len] = '\0';
    int r = es__query_glob(pat, b);
    if (b != buf)
        free(b);
    return r;
}

/* The mention's word table, when a query is to be evaluated: every
 * distinct word and attribute, and each word's occurrences. */
static void build_local(es_matcher_t *mt, const es_qtoks_t *t)
{
    mt->lw_epoch = mt->epoch;
    mt->n_lw = 0;
    size_t want = t->n + t->attr_n, slots = 64;
    while (slots < 2 * want)
        slots *= 2;
    if (mt->oom || es__query_grow((void **)&mt->lw, &mt->cap_lw, want + 1, sizeof *mt->lw) < 0 ||
        es__query_grow((void **)&mt->lslot, &mt->cap_lslot, slots, sizeof *mt->lslot) < 0 ||
        es__query_grow((void **)&mt->tok_lw, &mt->cap_tok_lw, t->n + 1, sizeof *mt->tok_lw) < 0 ||
        es__query_grow((void **)&mt->wocc, &mt->cap_wocc, t->n + 1, sizeof *mt->wocc) < 0) {
        mt->oom = 1;
        return;
    }
    mt->lmask = slots - 1;
    memset(mt->lslot, 0xff, slots * sizeof *mt->lslot);
    for (size_t i = 0; i < t->n; i++) {
        const es_qtok_t *k = &t->v[i];
        uint32_t w = local_put(mt, mt->th[i], t->fold + k->fold, k->fold_len);
        mt->tok_lw[i] = w;
        mt->lw[w].count++;
    }
    for (const char *a = t->attr, *end = t->attr + t->attr_len; a < end;) {
        size_t al = strlen(a);
        local_put(mt, hash(a, al), a, al); /* no occurrences: present or not */
        a += al + 1;
    }
    /* Group the occurrences by word (a counting sort: tokens are in
     * order, so each list is sorted). */
    size_t total = 0;
    for (size_t i = 0; i < mt->n_lw; i++) {
        mt->lw[i].start = (uint32_t)total;
        total += mt->lw[i].count;
    }
    for (size_t i = 0; i < t->n; i++) {
        lword_t *l = &mt->lw[mt->tok_lw[i]];
        mt->wocc[l->start + l->fill++] = (uint32_t)i;
    }
}

/* Each token is hashed and looked up among the anchors, and by its
 * leading bytes among the wildcard prefixes; the attributes among the
 * anchors. */
static void index_tokens(es_matcher_t *mt, const es_qtoks_t *t)
{
    if (es__query_grow((void **)&mt->th, &mt->cap_th, t->n + 1, sizeof *mt->th) < 0 ||
        es__query_grow((void **)&mt->probe, &mt->cap_probe, t->n + 1, sizeof *mt->probe) < 0) {
        mt->oom = 1;
        return;
    }
    /* Two passes: the first hashes every word and starts fetching the
     * table slots of those the filter lets through, the second reads
     * them, so the few cache misses of a mention overlap instead of
     * queueing one after the other. */
    size_t n_probe = 0;
    for (size_t i = 0; i < t->n; i++) {
        const es_qtok_t *k = &t->v[i];
        const char *f = t->fold + k->fold;
        uint64_t h = hash(f, k->fold_len);
        mt->th[i] = h;
        if (filter_has(&mt->wfilter, h)) {
            __builtin_prefetch(&mt->words.v[h & mt->words.mask]);
            mt->probe[n_probe++] = (uint32_t)i;
        }
        unsigned lens = mt->prefix_lens;
        if (lens && mt->gate_len && k->fold_len >= mt->gate_len) {
            unsigned b = gate_bit(f, mt->gate_len);
            if (!((mt->gate[b >> 6] >> (b & 63)) & 1))
                lens = 0;
        }
        for (; lens; lens &= lens - 1) {
            size_t pl = (size_t)__builtin_ctz(lens);
            if (pl > k->fold_len)
                break;
            uint64_t ph = prefix_hash(f, pl);
            if (!filter_has(&mt->pfilter, ph))
                continue;
            const slot_t *ps = table_find(&mt->prefixes, ph, f, pl);
            if (ps->key == NONE)
                continue;
            for (const char *e = mt->parena + mt->pspan[ps->key], *pend = mt->parena + mt->pspan[ps->key + 1];
                 e < pend;) {
                uint32_t key, len;
                memcpy(&key, e, 4);
                memcpy(&len, e + 4, 4);
                const char *pat = e + 8;
                if ((len >> 31) ? raw_glob(t, k, pat) : es__query_glob(pat, f))
                    pair_add(mt, key, (uint32_t)i);
                e += 8 + (len & ~(1u << 31)) + 1;
            }
        }
    }
    for (size_t j = 0; j < n_probe; j++) {
        const es_qtok_t *k = &t->v[mt->probe[j]];
        anchor_probe(mt, mt->th[mt->probe[j]], t->fold + k->fold, k->fold_len);
    }
    for (const char *a = t->attr, *end = t->attr + t->attr_len; a < end;) {
        size_t al = strlen(a);
        anchor_check(mt, hash(a, al), a, al);
        a += al + 1;
    }
    /* Group the wildcard keys' occurrences by key (a counting sort: pairs
     * are in token order, so each list is sorted). */
    size_t total = 0;
    for (size_t i = 0; i < mt->n_pat_hit; i++) {
        krun_t *k = &mt->run[mt->pat_hits[i]];
        k->start = (uint32_t)total;
        k->fill = 0;
        total += k->count;
    }
    if (es__query_grow((void **)&mt->occ, &mt->cap_occ, total + 1, sizeof *mt->occ) < 0) {
        mt->oom = 1;
        return;
    }
    for (size_t i = 0; i < mt->n_pairs; i++) {
        krun_t *k = &mt->run[mt->pairs[i].key];
        mt->occ[k->start + k->fill++] = mt->pairs[i].tok;
    }
}

/* The mention's word or attribute s, or NONE. The evaluator finds a
 * node's words by their bytes (in the node, hashed again) rather than by
 * their key's record, which is one more cache miss. */
static inline uint32_t local_of(const es_matcher_t *mt, const char *s)
{
    size_t n = strlen(s);
    return local_find(mt, hash(s, n), s, n);
}

/* The occurrences in this run (token indexes, ascending) of word w of a
 * WORD or PHRASE node, or of its wildcard. */
static inline const uint32_t *node_occ(const es_matcher_t *mt, const es_qnode_t *n, size_t w, size_t *cnt)
{
    if (n->kind == ES_QN_WORD && n->wildcard) {
        const krun_t *k = &mt->run[n->key];
        if (k->stamp != mt->epoch) {
            *cnt = 0;
            return NULL;
        }
        *cnt = k->count;
        return mt->occ + k->start;
    }
    uint32_t lw = local_of(mt, n->words[w]);
    if (lw == NONE) {
        *cnt = 0;
        return NULL;
    }
    *cnt = mt->lw[lw].count;
    return mt->wocc + mt->lw[lw].start;
}

static int tok_ok(const es_qnode_t *n, const es_qtoks_t *t, uint32_t tok, size_t w)
{
    const es_qtok_t *k = &t->v[tok];
    if (n->field == ES_QF_TITLE && !(k->flags & ES_QTOK_TITLE))
        return 0;
    if (n->raw && !n->wildcard && !raw_eq(t, k, n->raw_words[w]))
        return 0;
    return 1;
}

/* First occurrence of word w of node nd after token `after` (binary
 * search). */
static uint32_t next_occ(const es_matcher_t *mt, const es_qnode_t *nd, size_t w, uint32_t after)
{
    size_t n;
    const uint32_t *o = node_occ(mt, nd, w, &n);
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (o[mid] <= after)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n ? o[lo] : NONE;
}

/* Whether a phrase starts at token `first`; *end receives its last token. */
static int phrase_at(const es_matcher_t *mt, const es_qnode_t *n, const es_qtoks_t *t, uint32_t first,
                     uint32_t *end)
{
    if (!tok_ok(n, t, first, 0))
        return 0;
    uint32_t flags = t->v[first].flags & ES_QTOK_TITLE;
    if (n->slop == 0) {
        if (first + n->n_words > t->n)
            return 0;
        for (size_t w = 1; w < n->n_words; w++) {
            const es_qtok_t *k = &t->v[first + w];
            if ((k->flags & ES_QTOK_TITLE) != flags || k->pos != t->v[first].pos + w ||
                strcmp(t->fold + k->fold, n->words[w]) || !tok_ok(n, t, first + (uint32_t)w, w))
                return 0;
        }
        *end = first + (uint32_t)n->n_words - 1;
        return 1;
    }
    /* In order, with at most slop other words among them: the earliest
     * next occurrence of each word gives the shortest span from here. */
    uint32_t cur = first;
    for (size_t w = 1; w < n->n_words; w++) {
        uint32_t nx = cur;
        do
            nx = next_occ(mt, n, w, nx);
        while (nx != NONE && !tok_ok(n, t, nx, w));
        if (nx == NONE || (t->v[nx].flags & ES_QTOK_TITLE) != flags)
            return 0;
        cur = nx;
    }
    if (t->v[cur].pos - t->v[first].pos + 1 - n->n_words > n->slop)
        return 0;
    *end = cur;
    return 1;
}

static int url_has_prefix(const es_qtoks_t *t, const char *prefix)
{
    if (!t->url)
        return 0;
    char host[256];
    size_t hl = es__query_url_host(t->url, host, sizeof host);
    const char *rest = strstr(t->url, "://");
    rest = rest ? rest + 3 : t->url;
    const char *path = rest + strcspn(rest, "/?#");
    size_t pl = strlen(prefix);
    if (pl <= hl)
        return !memcmp(host, prefix, pl);
    return !memcmp(host, prefix, hl) && !strncmp(path, prefix + hl, pl - hl);
}

static void span_add(es_matcher_t *mt, uint32_t s, uint32_t e)
{
    if (es__query_grow((void **)&mt->spans, &mt->cap_spans, mt->n_spans + 1, sizeof *mt->spans) < 0) {
        mt->oom = 1;
        return;
    }
    mt->spans[mt->n_spans++] = (span_t){s, e};
}

/* Appends the positions (word positions, not token indexes) the
 * positional node n matches at. */
static void collect_spans(es_matcher_t *mt, const es_qnode_t *n, const es_qtoks_t *t)
{
    if (n->kind == ES_QN_OR) {
        for (size_t i = 0; i < n->n_kids; i++)
            collect_spans(mt, n->kids[i], t);
        return;
    }
    size_t cnt;
    const uint32_t *o = node_occ(mt, n, 0, &cnt);
    for (size_t i = 0; i < cnt; i++) {
        uint32_t end = o[i];
        if (n->kind == ES_QN_PHRASE ? phrase_at(mt, n, t, o[i], &end) : tok_ok(n, t, o[i], 0))
            span_add(mt, t->v[o[i]].pos, t->v[end].pos);
    }
}

static int by_start(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    return x->s < y->s ? -1 : x->s > y->s ? 1 : (x->e > y->e) - (x->e < y->e);
}

static int by_end(const void *a, const void *b)
{
    const span_t *x = a, *y = b;
    return x->e < y->e ? -1 : x->e > y->e ? 1 : (x->s > y->s) - (x->s < y->s);
}

static int eval(es_matcher_t *mt, const es_qnode_t *n, const es_qtoks_t *t);

static int eval_near(es_matcher_t *mt, const es_qnode_t *n, const es_qtoks_t *t)
{
    size_t base = mt->n_spans;
    collect_spans(mt, n->kids[0], t);
    size_t mid = mt->n_spans;
    collect_spans(mt, n->kids[1], t);
    size_t nb = mt->n_spans - mid;
    int found = 0;
    if (!mt->oom && mid > base && nb) {
        /* B twice: by start (the nearest to the right of a span of A is
         * the first starting after it) and by end (the nearest to the
         * left, for NEAR in either order). */
        for (size_t i = 0; i < nb; i++)
            span_add(mt, mt->spans[mid + i].s, mt->spans[mid + i].e);
        if (!mt->oom) {
            span_t *A = mt->spans + base, *Bs = mt->spans + mid, *Be = Bs + nb;
            size_t na = mid - base;
            qsort(Bs, nb, sizeof *Bs, by_start);
            qsort(Be, nb, sizeof *Be, by_end);
            for (size_t i = 0; i < na && !found; i++) {
                size_t lo = 0, hi = nb;
                while (lo < hi) {
                    size_t m = (lo + hi) / 2;
                    if (Bs[m].s <= A[i].e)
                        lo = m + 1;
                    else
                        hi = m;
                }
                if (lo < nb && es__query_gap(A[i].s, A[i].e, Bs[lo].s, Bs[lo].e) <= n->distance)
                    found = 1;
                if (found || n->ordered)
                    continue;
                lo = 0, hi = nb;
                while (lo < hi) {
                    size_t m = (lo + hi) / 2;
                    if (Be[m].e < A[i].s)
                        lo = m + 1;
                    else
                        hi = m;
                }
                if (lo > 0 && es__query_gap(A[i].s, A[i].e, Be[lo - 1].s, Be[lo - 1].e) <= n->distance)
                    found = 1;
            }
        }
    }
    mt->n_spans = base;
    return found;
}

static int eval(es_matcher_t *mt, const es_qnode_t *n, const es_qtoks_t *t)
{
    switch (n->kind) {
    case ES_QN_AND:
        for (size_t i = 0; i < n->n_kids; i++)
            if (!eval(mt, n->kids[i], t))
                return 0;
        return 1;
    case ES_QN_OR:
        for (size_t i = 0; i < n->n_kids; i++)
            if (eval(mt, n->kids[i], t))
                return 1;
        return 0;
    case ES_QN_NOT:
        return !eval(mt, n->kids[0], t);
    case ES_QN_NEAR:
        return eval_near(mt, n, t);
    case ES_QN_ATTR:
        return local_of(mt, n->attr) != NONE &&
               (!n->url_prefix || url_has_prefix(t, n->url_prefix));
    case ES_QN_WORD:
    case ES_QN_PHRASE: {
        size_t cnt;
        if (n->kind == ES_QN_WORD && !n->raw && n->field == ES_QF_ANY)
            return n->wildcard ? (mt->hit_bits[n->key >> 6] >> (n->key & 63)) & 1
                               : local_of(mt, n->words[0]) != NONE;
        const uint32_t *o = node_occ(mt, n, 0, &cnt);
        for (size_t i = 0; i < cnt; i++) {
            uint32_t end;
            if (n->kind == ES_QN_PHRASE ? phrase_at(mt, n, t, o[i], &end) : tok_ok(n, t, o[i], 0))
                return 1;
        }
        return 0;
    }
    }
    return 0;
}

static int eval_op(es_matcher_t *mt, uint32_t i, const es_qtoks_t *t)
{
    const op_t *op = &mt->ops[i];
    switch (op->kind) {
    case OP_HAS:
        return local_has(mt, op->h, op->n_kids, (const char *)&mt->ops[op->arg]);
    case OP_HAS_PAT:
        return (mt->hit_bits[op->arg >> 6] >> (op->arg & 63)) & 1;
    case OP_TREE:
        return eval(mt, (const es_qnode_t *)&mt->ops[op->arg], t);
    case OP_NOT:
        return !eval_op(mt, i + 1, t);
    case OP_AND:
    case OP_OR: {
        int want = op->kind == OP_OR;
        uint32_t k = i + 1;
        for (uint32_t c = 0; c < op->n_kids; c++, k = mt->ops[k].next)
            if (eval_op(mt, k, t) == want)
                return want;
        return !want;
    }
    }
    return 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int es__matcher_run(es_matcher_t *mt, const es_qtoks_t *t, const uint32_t **hits)
{
    *hits = mt->result;
    mt->n_result = 0;
    if (!mt->qseen)
        return ES_EINVAL; /* not compiled */
    if (++mt->epoch == 0) {
        memset(mt->run, 0, mt->n_keys * sizeof *mt->run);
        mt->lw_epoch = 0;
        mt->epoch = 1;
    }
    for (size_t i = 0; i < mt->n_pat_hit; i++) /* the last run's */
        mt->hit_bits[mt->pat_hits[i] >> 6] = 0;
    mt->n_hit = mt->n_pat_hit = mt->n_pairs = 0;
    mt->n_lw = 0;
    mt->oom = 0;
    index_tokens(mt, t);
    /* Candidates: the queries a key that occurred anchors. Their lists,
     * then their programs, are fetched ahead of their first reads. */
    for (size_t i = 0; i < mt->n_hit; i++)
        __builtin_prefetch(&mt->cand[2 * mt->cand_off[mt->hit_keys[i]]]);
    for (size_t i = 0; i < mt->n_pat_hit; i++)
        __builtin_prefetch(&mt->cand[2 * mt->cand_off[mt->pat_hits[i]]]);
    for (size_t l = 0; l < 2; l++) {
        const uint32_t *hk = l ? mt->pat_hits : mt->hit_keys;
        size_t nh = l ? mt->n_pat_hit : mt->n_hit;
        for (size_t i = 0; i < nh && !mt->oom; i++) {
            uint32_t key = hk[i];
            for (uint32_t j = mt->cand_off[key], e = mt->cand_off[key + 1]; j < e; j++) {
                uint32_t q = mt->cand[2 * j];
                if ((mt->qseen[q >> 6] >> (q & 63)) & 1)
                    continue;
                mt->qseen[q >> 6] |= 1ull << (q & 63);
                if (es__query_grow((void **)&mt->result, &mt->cap_result, mt->n_result + 1, sizeof *mt->result) < 0 ||
                    es__query_grow((void **)&mt->result_op, &mt->cap_result_op, mt->n_result + 1,
                                  sizeof *mt->result_op) < 0) {
                    mt->oom = 1;
                    break;
                }
                mt->result_op[mt->n_result] = mt->cand[2 * j + 1];
                for (int line = 0; line < 4; line++) /* a block's ops, bytes and first node */
                    __builtin_prefetch((const char *)&mt->ops[mt->cand[2 * j + 1]] + 64 * line);
                mt->result[mt->n_result++] = q;
            }
        }
    }
    for (size_t i = 0; i < mt->n_result; i++)
        mt->qseen[mt->result[i] >> 6] = 0;
    if (mt->n_result)
        build_local(mt, t);
    size_t keep = 0;
    for (size_t i = 0; i < mt->n_result && !mt->oom; i++)
        if (eval_op(mt, mt->result_op[i], t))
            mt->result[keep++] = mt->result[i];
    if (mt->oom || t->oom) {
        mt->n_result = 0;
        return ES_ENOMEM;
    }
    mt->n_result = keep;
    if (keep > 16) {
        qsort(mt->result, keep, sizeof *mt->result, cmp_u32);
    } else {
        /* A mention matches a handful of queries: insertion sort, where
         * qsort's setup cost 400 instructions for two. */
        for (size_t i = 1; i < keep; i++) {
            uint32_t v = mt->result[i];
            size_t j = i;
            for (; j > 0 && mt->result[j - 1] > v; j--)
                mt->result[j] = mt->result[j - 1];
            mt->result[j] = v;
        }
    }
    *hits = mt->result;
    return (int)keep;
}

static void explain(es_matcher_t *mt, const es_qnode_t *n, const es_qtoks_t *t, es_match_visit_cb cb, void *arg)
{
    cb(arg, n, eval(mt, n, t));
    for (size_t i = 0; i < n->n_kids; i++)
        explain(mt, n->kids[i], t, cb, arg);
}

void es__matcher_explain(es_matcher_t *mt, const es_qtoks_t *t, size_t qi, es_match_visit_cb cb, void *arg)
{
    if (mt->lw_epoch != mt->epoch)
        build_local(mt, t); /* the run evaluated nothing */
    if (qi < mt->n_q)
        explain(mt, mt->q[qi]->root, t, cb, arg);
}

static void spans(es_matcher_t *mt, const es_qnode_t *n, const es_qtoks_t *t, void (*cb)(void *, size_t),
                  void *arg)
{
    if (n->kind == ES_QN_NOT)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        spans(mt, n->kids[i], t, cb, arg);
    if (n->kind != ES_QN_WORD && n->kind != ES_QN_PHRASE)
        return;
    size_t cnt;
    const uint32_t *o = node_occ(mt, n, 0, &cnt);
    for (size_t i = 0; i < cnt; i++) {
        uint32_t end = o[i];
        if (n->kind == ES_QN_PHRASE ? phrase_at(mt, n, t, o[i], &end) : tok_ok(n, t, o[i], 0)) {
            if (n->kind == ES_QN_PHRASE && n->slop == 0) {
                for (uint32_t k = o[i]; k <= end; k++)
                    cb(arg, k);
            } else {
                cb(arg, o[i]);
                if (end != o[i])
                    cb(arg, end);
            }
        }
    }
}

void es__matcher_spans(es_matcher_t *mt, const es_qtoks_t *t, size_t qi, void (*cb)(void *arg, size_t tok), void *arg)
{
    if (mt->lw_epoch != mt->epoch)
        build_local(mt, t); /* the run evaluated nothing */
    if (qi < mt->n_q)
        spans(mt, mt->q[qi]->root, t, cb, arg);
}
