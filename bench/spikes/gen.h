/*
 * Synthetic mention streams for the spike detector's evaluation: daily and
 * weekly rhythm, day and hour noise, Poisson arrivals, late deliveries, and
 * injected negative spikes of known start, length and size (plus volume
 * surges that keep the negative share). Deterministic for a seed. Shared by
 * bench/spikes/spike_bench.c and tests/spike_detect.c.
 */
#ifndef SPK_GEN_H
#define SPK_GEN_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SPK_MAX_BRANDS 4

typedef struct spk_spike {
    int brand;
    int64_t start;   /* bucket-aligned */
    int len;         /* buckets */
    double mult;     /* rate multiplier */
    int volume;      /* 1: every mention multiplied (share unchanged): must not alert */
    const char *topic; /* word the spike's extra complaints share */
    double base_neg; /* expected negatives per bucket without the spike, at its start */
} spk_spike_t;

typedef struct spk_cfg {
    uint64_t seed;
    int days;
    int64_t t0;            /* Monday 00:00 UTC */
    int bucket;            /* seconds */
    int n_brands;
    double peak_total[SPK_MAX_BRANDS]; /* mentions per bucket at the daily peak */
    double neg_share;
    double late_share;     /* mentions delivered up to late_max s after their date */
    int late_max;
    int control;           /* no spikes at all */
    double first_spike_day;
    double spike_gap_hours; /* mean gap between a brand's spikes */
    /* Share of a spike's extra complaints about its topic (the word they
     * share; 1 by default). The others read like everyday complaints, so
     * 0 makes a spike that only its count can reveal. */
    double topic_share;
} spk_cfg_t;

/* Fills the defaults of the bench (3 brands, 35 days, 5 min buckets). */
void spk_cfg_default(spk_cfg_t *c);

typedef struct spk_mention {
    char id[48];
    const char *brand;
    const char *network;
    const char *owner; /* NULL or a team */
    char text[200];
    char url[96];
    int64_t created_at;
    int negative;
    int64_t arrival; /* delivery time (created_at + delay) */
} spk_mention_t;

typedef struct spk_gen spk_gen_t;

spk_gen_t *spk_gen_new(const spk_cfg_t *c);
void spk_gen_free(spk_gen_t *g);
/* Next mention in delivery order; 0 at the end. */
int spk_gen_next(spk_gen_t *g, spk_mention_t *m);
/* The injected spikes (valid for the generator's life). */
const spk_spike_t *spk_gen_spikes(const spk_gen_t *g, size_t *n);
const char *spk_brand_name(int i);

/* ---- evaluation -------------------------------------------------------- */

typedef struct spk_alert {
    char brand[32];
    int64_t bucket_start;
    int64_t detected_at; /* detector clock when the alert was emitted */
    int ended;
    char terms[200]; /* the alert's top terms, space-separated */
    int topic;       /* raised by the topic test ("signal": "topic") */
} spk_alert_t;

/* Fills al from an alert record (brand, bucket_start, detected_at, event,
 * terms, signal). */
void spk_alert_from_json(spk_alert_t *al, const json_t *a);

typedef struct spk_eval {
    int alerts, true_alerts, false_alarms, volume_alarms;
    int qualifying, qualifying_hit;        /* >= 3x, >= 2 buckets */
    int qual_dense, qual_dense_hit;        /* ... with >= 8 negatives per bucket expected */
    int small, small_hit;                  /* the others */
    int volume_spikes;
    int brand_qual[SPK_MAX_BRANDS], brand_hit[SPK_MAX_BRANDS]; /* qualifying spikes per brand */
    double brand_base[SPK_MAX_BRANDS]; /* mean expected negatives/bucket at their starts */
    int ended, topic_hits; /* true alerts whose top terms hold the spike's topic */
    int topic_alerts, topic_false; /* alerts raised by the topic test, and false ones among them */
    double precision, recall, recall_dense, recall_small;
    double median_delay, max_delay;        /* buckets, qualifying spikes */
    double median_latency;                 /* seconds of mention time from spike start to alert */
    double false_per_week;
    double eval_weeks;
} spk_eval_t;

void spk_evaluate(const spk_cfg_t *c, const spk_spike_t *sp, size_t n, const spk_alert_t *al, size_t na,
                  spk_eval_t *out);

#endif
