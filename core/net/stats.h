/*
 * What /metrics and /health show of the agent. The renderers read this
 * snapshot, never the agent: the agent fills it on the loop thread at each
 * render (es__stats_host_get, core/agent/agent.c).
 */
#ifndef ES_STATS_H
#define ES_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "instance.h"
#include "state.h"

struct es_pipeline;

typedef struct es__stats {
    int64_t started_s;
    int state_writable;      /* the state DB takes writes */
    uint64_t in_memory;      /* records in memory (es_life_t) */
    uint64_t spool_skipped;  /* taken by every sink without a spool row */
    uint64_t spooled_late;   /* spooled by a straggler pass */
    /* The state DB's commits, once a loop turn, on the loop thread. */
    uint64_t n_commits, commit_ns, commit_max_ns;
    /* SIGHUP reloads. */
    uint64_t n_reload_ok, n_reload_refused;
    int64_t last_reload_s;   /* 0: none yet */
    int last_reload_ok;
    size_t last_reload_errors;
    /* Borrowed, valid until control returns to the loop. */
    es_ctx_t *instances;                /* running, stopping and draining */
    es_state_t *state;                  /* NULL: none; the renderers do not read it */
    const es_config_t *cfg;             /* the running configuration */
    const struct es_pipeline *pipeline; /* NULL: none (its counters) */
    /* The state DB's figures per sink, as last read off the loop (filled
     * by the metrics, core/net/dbstats.h); NULL: none. */
    const struct es__dbstats *db;
} es__stats_t;

/* Implemented by the host (core/agent/agent.c), given the host pointer
 * es__metrics_start was: fills *out. Loop thread. */
void es__stats_host_get(void *host, es__stats_t *out);

#endif
