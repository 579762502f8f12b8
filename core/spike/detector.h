/*
 * The detector object, shared by spike.c (buckets, episodes, alerts) and
 * store.c (persistence).
 */
#ifndef ES_SPIKE_DETECTOR_H
#define ES_SPIKE_DETECTOR_H

#include "internal.h"
#include "spike.h"

#define ES_SPIKE_NO_IDX INT64_MIN
/* Longest run of buckets tested together (see close_bucket). */
#define ES_SPIKE_WINDOW 6

typedef struct es_spike_bucket {
    int64_t idx; /* bucket index (start / bucket length), or ES_SPIKE_NO_IDX */
    uint32_t neg, tot;
    char **urls; /* of negative mentions, first come */
    uint32_t n_urls;
    es_spike_map_t words; /* word -> negative mentions using it */
} es_spike_bucket_t;

typedef struct es_spike_episode {
    int open;
    int64_t start_idx, last_idx; /* first and latest alerting bucket */
    int64_t buckets, count;      /* alerting buckets, negatives in them */
    int64_t peak, peak_idx;
    double min_p;
} es_spike_episode_t;

typedef struct es_spike_series {
    char *key, *brand, *owner, *network, *topic; /* at most one of owner, network, topic */
    struct es_spike_series *brand_series; /* itself for a brand's series */
    struct es_spike_series *hnext;
    es_spike_vocab_t vocab; /* brand series only */
    es_spike_base_t base;
    es_spike_bucket_t *ring;
    es_spike_episode_t ep;
    /* The closed buckets just before the one being closed, newest first,
     * for the window tests: prev_neg[0] is bucket prev_idx, prev_neg[1]
     * the one before it..., prev_n of them, consecutive. */
    int64_t prev_idx;
    int prev_n;
    int64_t prev_neg[ES_SPIKE_WINDOW - 1];
    double prev_exp[ES_SPIKE_WINDOW - 1];
    /* Words of bucket prev_idx's negative mentions, for the topic test's
     * two-bucket window (not persisted: after a restart the first window
     * has the bucket's own words only, which can only miss). */
    es_spike_map_t prev_words;
} es_spike_series_t;

struct es_spike {
    int disabled; /* spike.enabled = false: every call is a no-op */
    /* config */
    int64_t bucket, grace, warmup, cooldown; /* seconds */
    double p, share_jump;
    double p_bucket; /* spike.p spread over the buckets of a day */
    int64_t min_count, top_terms, n_urls;
    int by_owner, by_network, by_topic;
    int count_owned; /* owned mentions count in the brand's series */
    int early;
    int topic; /* spike.topic: the word-concentration test (topic.c) */
    double vocab_keep; /* per bucket */

    es_state_t *state; /* or NULL: nothing persisted */
    es_spike_emit_fn emit;
    void *ud;

    es_spike_series_t **tab; /* hash chains by key */
    size_t tab_cap;
    es_spike_series_t **all; /* creation order */
    size_t n_all, cap_all;
    size_t ring_n;

    int64_t clock;      /* 0: nothing seen yet */
    int64_t next_close; /* first bucket index not closed; ES_SPIKE_NO_IDX before the first */
    int live;
    int64_t last_persist; /* clock at the last periodic save */
    int64_t last_save_wall; /* wall clock (time()) at the last save */
    int episodes_changed; /* save at the end of this advance */
    es_spike_map_t stop;
    es_spike_stats_t st;
};

es_spike_series_t *es__spike_series_get(es_spike_t *sp, const char *brand, const char *owner,
                                       const char *network, const char *topic);

/* store.c */
int es__spike_store_load(es_spike_t *sp);
int es__spike_store_save(es_spike_t *sp);

#endif
