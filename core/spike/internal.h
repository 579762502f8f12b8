/*
 * Internals of the spike detector, shared by its files and its tests.
 */
#ifndef ES_SPIKE_INTERNAL_H
#define ES_SPIKE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

/* ---- tail probabilities (tail.c) -------------------------------------- */

/* P(X >= x) for a count with the given mean and dispersion (variance /
 * mean): Poisson when disp <= 1, else negative binomial with that
 * variance. 1 when x <= 0. */
double es__spike_tail(int64_t x, double mean, double disp);

/* P(X >= c) for X binomial with n trials of probability q. */
double es__spike_binom_tail(int64_t c, int64_t n, double q);

/* ---- baseline (baseline.c) -------------------------------------------- */

#define ES_SPIKE_HOW 168 /* hours of the week, Monday 00:00 UTC first */
#define ES_SPIKE_HOD 24

enum { ES_TIER_LEVEL = 0, ES_TIER_HOD = 1, ES_TIER_HOW = 2 };

typedef struct es_spike_slot {
    double neg, nn; /* mean negative and non-negative count per bucket */
    uint32_t n;     /* buckets averaged in */
} es_spike_slot_t;

/* The baseline of one series. Profiles hold raw counts per bucket; the
 * ratios rnum/rden follow the current non-negative volume against the
 * profile, so a busier week or a quiet holiday moves the expectation of the
 * seasonal tiers without waiting for the profile to catch up. */
typedef struct es_spike_base {
    es_spike_slot_t how[ES_SPIKE_HOW], hod[ES_SPIKE_HOD];
    double rnum[3], rden[3]; /* by tier; [ES_TIER_LEVEL] unused */
    double ew_neg, ew_nn;    /* level tier: EW means per bucket */
    double disp[3];          /* EW of (x - expected)^2 / expected, by tier */
    int64_t n_buckets;       /* buckets closed into this baseline */
    int64_t first_start;     /* start of the first bucket, seconds */
} es_spike_base_t;

typedef struct es_spike_expect {
    double neg;       /* expected negative count */
    double nn;        /* expected non-negative count (before volume adjustment) */
    double share;     /* expected negative share */
    double disp;      /* variance / mean for the tail */
    int tier;
    int volume_adjusted; /* the bucket's own volume raised the expectation */
} es_spike_expect_t;

void es__spike_base_init(es_spike_base_t *b);
/* Expected counts for the bucket [start, start + len) whose non-negative
 * count was nn_obs. */
void es__spike_base_expect(const es_spike_base_t *b, int64_t start, int64_t len, double nn_obs,
                          es_spike_expect_t *e);
/* Folds the bucket into the baseline; anomalous buckets (alerting or inside
 * an episode) are clipped so an episode does not become the new normal. */
void es__spike_base_update(es_spike_base_t *b, int64_t start, int64_t len, double neg, double nn,
                          const es_spike_expect_t *e, int anomalous);
const char *es__spike_tier_name(int tier);
json_t *es__spike_base_to_json(const es_spike_base_t *b);
/* 0, or ES_EPARSE when the object is not a baseline (b left initialised). */
int es__spike_base_from_json(es_spike_base_t *b, const json_t *o);

/* ---- words (terms.c) --------------------------------------------------- */

/* A string -> double map (open addressing, keys owned). */
typedef struct es_spike_map {
    char **keys;
    double *vals;
    uint32_t cap, count; /* cap a power of two, or 0 */
} es_spike_map_t;

void es__spike_map_free(es_spike_map_t *m);
/* Adds v to key's value (creating it at 0). 0 or ES_ENOMEM. */
int es__spike_map_add(es_spike_map_t *m, const char *key, size_t len, double v);
/* The value's address or NULL. */
double *es__spike_map_get(const es_spike_map_t *m, const char *key, size_t len);

/* Stop words (English and French) as a set. */
int es__spike_stopwords_load(es_spike_map_t *set);
/* Exposed for the test: the list, and its length. */
extern const char *const es__spike_stopword_list[];
extern const size_t es__spike_stopword_count;

#define ES_SPIKE_MAX_WORDS 48
#define ES_SPIKE_WORD_MAX 32
/* Distinct content words of a text, lower-cased (ASCII; other UTF-8 kept),
 * without URLs, @handles, numbers, elisions (l', d', qu') and stop words.
 * Returns how many were written to words (each NUL-terminated). */
size_t es__spike_words(const es_spike_map_t *stop, const char *text,
                      char words[ES_SPIKE_MAX_WORDS][ES_SPIKE_WORD_MAX]);

/* EW document frequencies of words in negative mentions of one brand:
 * weights are stored divided by `scale` so a decay step is one multiply. */
typedef struct es_spike_vocab {
    es_spike_map_t w;
    double scale; /* true weight = stored * scale */
    double docs;  /* EW negative documents (true value) */
} es_spike_vocab_t;

void es__spike_vocab_init(es_spike_vocab_t *v);
void es__spike_vocab_free(es_spike_vocab_t *v);
/* One closed bucket: decays by `keep` (0..1), then adds the bucket's word
 * document counts and its negative document count. */
void es__spike_vocab_fold(es_spike_vocab_t *v, double keep, const es_spike_map_t *bucket, double docs);
/* Up to k words of bucket (document counts among n_docs negative mentions)
 * most over-represented against the vocabulary, as [{term, count, lift}]. */
/* A word's usual share of the brand's negative mentions, smoothed (half a
 * mention over one more document), without a floor. */
double es__spike_vocab_share(const es_spike_vocab_t *v, const char *term);
json_t *es__spike_top_terms(const es_spike_vocab_t *v, const es_spike_map_t *bucket, double n_docs,
                           int k);
json_t *es__spike_vocab_to_json(const es_spike_vocab_t *v, size_t max_words);
void es__spike_vocab_from_json(es_spike_vocab_t *v, const json_t *o);

/* ---- topic test (topic.c) --------------------------------------------- */

typedef struct es_spike_topic {
    const char *term; /* into the maps tested: valid until they change */
    int64_t count;    /* negative mentions of the window using it */
    int64_t docs;     /* negative mentions of the window */
    double share;     /* its usual share of negative mentions (floored) */
    double p;         /* binomial tail times the number of words tested */
} es_spike_topic_t;

/* The most concentrated word of a window of negative mentions: for each
 * word of cur (this bucket's document counts) and prev (the bucket before,
 * or NULL), the chance that at least that many of the window's n_docs
 * negative mentions use it, given its usual share in the brand's vocabulary.
 * Fills out (p = 1 and term NULL when no word qualifies) and returns out->p. */
double es__spike_topic_test(const es_spike_vocab_t *v, const es_spike_map_t *cur, const es_spike_map_t *prev,
                           int64_t n_docs, es_spike_topic_t *out);

#endif
