/*
 * A plugin instance: one [source NAME] or [sink NAME] section bound to its
 * plugin. struct es_ctx is what plugins see as es_ctx_t.
 */
#ifndef ES_INSTANCE_H
#define ES_INSTANCE_H

#include "config.h"
#include "loader.h"
#include "mention.h"
#include <earshot/plugin.h>

struct es_agent;
struct es_sink_queue;

typedef enum {
    ES_PHASE_CREATED,
    ES_PHASE_RUNNING,
    ES_PHASE_STOPPING, /* stop() called, waiting for es_stopped() */
    ES_PHASE_STOPPED,
} es_phase_t;

typedef struct es_pending_cp {
    char *key, *value;
    uint64_t seq; /* durable once every record below seq is done */
    struct es_pending_cp *next;
} es_pending_cp_t;

/* Emit bookkeeping of a source. It outlives the instance (a reload may
 * replace the source while its records are still in sinks' queues) and is
 * freed when the last of them is done. */
typedef struct es_source_track {
    unsigned refs;
    char *name;
    uint64_t next_seq;   /* seq of the next emitted record */
    uint64_t base;       /* every seq below base is done */
    uint8_t *done;       /* ring: done[(seq - base + off) % cap] */
    size_t off, cap;
    es_pending_cp_t *pending;
    int superseded; /* a reload replaced the source: its pending checkpoints
                       must not overwrite what the replacement commits */
    struct es_agent *agent;
    struct es_ctx *ctx; /* the running source; NULL once it is freed */
} es_source_track_t;

/* Tells the record's source (es_emit_acked) it was accepted (1) or
 * abandoned (0); at most once, never after the source was freed. */
void es__rec_ack(es_rec_t *rec, int accepted);

typedef struct es_list_cache {
    char *key;
    char **items;
    size_t n;
} es_list_cache_t;

struct es_ctx {
    struct es_agent *agent;
    es_config_t *cfg; /* holds a reference */
    const es_instance_cfg_t *icfg;
    es_plugin_handle_t *plugin;
    void *state;
    es_phase_t phase;
    int source_done;  /* once mode: es_source_done() called */
    int paused;       /* told about backpressure; resume pending */
    int warned_tls;
    es_source_track_t *track;     /* sources */
    struct es_sink_queue *queue;  /* sinks */
    int draining;     /* sink removed by reload: deliver what's queued, then stop */
    es_list_cache_t *lists;
    size_t n_lists;
    uint64_t n_emitted, n_rejected, n_delivered, n_dead;
    uint64_t n_deletions; /* es_emit_deletion records taken */
    uint64_t n_retried;            /* records whose batch a sink answered RETRY */
    uint64_t n_spilled;            /* records that overflowed memory to the spool */
    /* HTTP requests this instance made through the core (metrics):
     * by status class 1xx..5xx, [0] for no response. */
    uint64_t n_http_class[6], n_http_ok, n_http_fail;
    int64_t last_http_ok_s;
    int64_t http_failing_since_s;  /* first failed request since the last success; 0: none */
    uint64_t progress_bytes;       /* es_source_progress() */
    struct es_log_limit *log_limit; /* es_log_limited() floods and totals */
    struct es_ctx *next;
};

/* Creates an instance (plugin opened, init not yet called). */
int es__instance_new(struct es_agent *agent, es_config_t *cfg, const es_instance_cfg_t *icfg,
                    es_ctx_t **out);
/* init + start. Logs and returns negative on failure (the instance stays
 * in CREATED and must be freed). */
int es__instance_start(es_ctx_t *ctx);
/* Calls the plugin's stop; the agent frees the instance once es_stopped()
 * has been called and (for sinks) the queue is empty. */
void es__instance_stop(es_ctx_t *ctx);
void es__instance_free(es_ctx_t *ctx);

void es__track_release(es_source_track_t *t);
/* Marks a record done for its source; commits checkpoints that became
 * durable. */
void es__track_done(es_source_track_t *t, uint64_t seq);

#endif
