/*
 * The pipeline: runs the stages on each record a source emits and hands it
 * to every sink whose routing accepts it. Synchronous on the loop thread:
 * each stage is microseconds, and doing it inline keeps ordering and
 * backpressure simple.
 */
#ifndef ES_PIPELINE_H
#define ES_PIPELINE_H

#include "agent.h"
#include "stages.h"

typedef struct es_pipeline {
    es_agent_t *agent;
    es_dedupe_t *dedupe;
    es_brands_t *brands;
    es_inventory_t *inventory;
    es_sentiment_stage_t *sentiment;
    struct es_spike *spike;
    json_t *alerts;      /* alerts the detector raised, routed after the mention */
    int spike_flushed;   /* --once: the detector's last buckets were closed */
    int count_owned;     /* count_owned: owned mentions count in the label metrics */
    int history;         /* import --history: a detector of the archive's own */
    uint64_t n_in, n_dup, n_invalid, n_unrouted, n_repaired;
    uint64_t n_lookalikes;          /* lookalike accounts first seen */
    struct es_label_counts *labels; /* sentiment labels per brand (metrics) */
    size_t n_labels;
} es_pipeline_t;

int es__pipeline_new(es_agent_t *agent, const es_config_t *cfg, es_pipeline_t **out, es_diag_t *diag);
void es__pipeline_free(es_pipeline_t *p);
/* Builds and frees every config-driven stage as a start would (lexicons,
 * inventory, spike settings), without a state database or an agent, adding
 * what would stop the start to diag: `earshot check` and `run` before it
 * detaches refuse the same configs. Returns 0 or the first error. */
int es__pipeline_preflight(const es_config_t *cfg, es_diag_t *diag);
/* Rebuilds the config-driven stages (brands, inventory, sentiment) from a
 * new config; on error keeps the old ones. */
int es__pipeline_reconfigure(es_pipeline_t *p, const es_config_t *cfg, es_diag_t *diag);

/* Rebuilds only the inventory stage (its file changed); on error logs the
 * file:line diagnostics and keeps the old one. */
int es__pipeline_reload_inventory(es_pipeline_t *p, const es_config_t *cfg);

/* Negative-spike detector, outside a mention's routing: a wall-clock tick
 * (daemon) and the closing flush (end of --once, shutdown); alerts raised
 * are routed at once. */
void es__pipeline_spike_tick(es_pipeline_t *p, int64_t now_s);
void es__pipeline_spike_flush(es_pipeline_t *p);

/* Takes ownership of rec (refs must be 0). Returns 0 when the record went
 * on (or was dropped as a duplicate), negative when refused. */
int es__pipeline_submit(es_pipeline_t *p, es_rec_t *rec);

#endif
