/*
 * The pipeline: runs the stages on each record a source emits and hands it
 * to every sink whose routing accepts it. Synchronous on the loop thread:
 * each stage is microseconds, and doing it inline keeps ordering and
 * backpressure simple.
 */
#ifndef ES_PIPELINE_H
#define ES_PIPELINE_H

#include "config.h"
#include "delivery.h"
#include "instance.h"
#include "lifecycle.h"
#include "stages.h"
#include "txn.h"

/* What the pipeline is given by the agent that runs it, at
 * es__pipeline_new; the pointers outlive the pipeline. */
typedef struct es__pipeline_env {
    es__txn_t *txn;           /* the loop turn's state writes; its db is the stages' */
    es_life_t *life;          /* the records' lifecycle */
    es__delivery_t *delivery; /* the sink queues' shared part (the straggler pass) */
    uv_loop_t *loop;          /* stamps records routed without spool rows */
    int history;              /* import --history: a detector of the archive's own */
    void *host;               /* passed back to es__pipeline_host_* */
} es__pipeline_env_t;

/* Implemented by the host (core/agent/agent.c), called while routing; none
 * of them routes or re-enters the pipeline.
 * The running instances, which routing picks the sinks among. */
es_ctx_t *es__pipeline_host_instances(void *host);
/* Non-zero once the agent is shutting down: nothing skips the spool. */
int es__pipeline_host_closing(void *host);

typedef struct es_pipeline {
    es__pipeline_env_t env;
    es_dedupe_t *dedupe;
    es_brands_t *brands;
    es_inventory_t *inventory;
    es_sentiment_stage_t *sentiment;
    struct es_spike *spike;
    json_t *alerts;      /* alerts the detector raised, routed after the mention */
    int spike_flushed;   /* --once: the detector's last buckets were closed */
    int count_owned;     /* count_owned: owned mentions count in the label metrics */
    uint64_t spool_delay_ms; /* spool.delay of the running configuration */
    uint64_t n_in, n_dup, n_invalid, n_unrouted, n_repaired;
    uint64_t n_lookalikes;          /* lookalike accounts first seen */
    struct es_label_counts *labels; /* sentiment labels per brand (metrics) */
    size_t n_labels;
} es_pipeline_t;

/* env is copied. Returns 0, ES_ENOMEM, or a stage's error with the
 * reasons in diag. */
int es__pipeline_new(const es__pipeline_env_t *env, const es_config_t *cfg, es_pipeline_t **out,
                     es_diag_t *diag);
void es__pipeline_free(es_pipeline_t *p);
/* Builds and frees every config-driven stage as a start would (lexicons,
 * inventory, spike settings), without a state database or an agent, adding
 * what would stop the start to diag: `earshot check` and `run` before it
 * detaches refuse the same configs. Returns 0 or the first error. */
int es__pipeline_preflight(const es_config_t *cfg, es_diag_t *diag);
/* Rebuilds the config-driven stages (brands, inventory, sentiment) from a
 * new config; on error keeps the old ones. */
int es__pipeline_reconfigure(es_pipeline_t *p, const es_config_t *cfg, es_diag_t *diag);

/* Rebuilds only the inventory stage (its file changed) from what
 * es__inventory_load read off the loop: its rc, its diagnostics and the
 * accounts (taken over; NULL on error). Logs the file:line diagnostics;
 * on error keeps the old stage. The account tables' snapshot is written
 * here: the turn's transaction must be open. */
int es__pipeline_reload_inventory(es_pipeline_t *p, const es_config_t *cfg, int rc, struct es_accounts *accounts,
                                  const es_diag_t *diag);

/* Negative-spike detector, outside a mention's routing: a wall-clock tick
 * (daemon) and the closing flush (end of --once, shutdown); alerts raised
 * are routed at once. */
void es__pipeline_spike_tick(es_pipeline_t *p, int64_t now_s);
void es__pipeline_spike_flush(es_pipeline_t *p);

/* Takes ownership of rec (refs must be 0). Returns 0 when the record went
 * on (or was dropped as a duplicate), negative when refused. */
int es__pipeline_submit(es_pipeline_t *p, es_rec_t *rec);

#endif
