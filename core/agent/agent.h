/*
 * The agent: one loop, one config, the state database, the HTTP service,
 * the pipeline and the running instances. Also owns signals, reload and
 * shutdown.
 */
#ifndef ES_AGENT_H
#define ES_AGENT_H

#include <uv.h>

#include "config.h"
#include "delivery.h"
#include "http.h"
#include "instance.h"
#include "lifecycle.h"
#include "sink_queue.h"
#include "state.h"
#include "txn.h"

struct es_pipeline;

typedef struct es_agent {
    uv_loop_t *loop;
    es_config_t *cfg;
    es_state_t *state;
    struct es_state_ckpt *ckpt; /* WAL checkpoints on the thread pool */
    es_http_t *http;
    struct es_pipeline *pipeline;
    es_ctx_t *instances; /* running, stopping and draining */
    int once;
    int shutting_down;
    int signalled;           /* SIGINT/SIGTERM received */
    uint64_t once_idle_ms;   /* --once: loop time the sources finished */
    int exit_code;
    int64_t dl_base;         /* highest dead-letter id when the run began */
    /* SIGHUP reloads, for /health and metrics. */
    uint64_t n_reload_ok, n_reload_refused;
    int64_t last_reload_s;   /* 0: none yet */
    int last_reload_ok;
    size_t last_reload_errors;
    uv_signal_t sig_int, sig_term, sig_hup, sig_usr1;
    uv_timer_t drain_timer;
    uv_timer_t prune_timer;
    /* The inventory file: its stat every 2 s and its read after a change
     * run on the thread pool, one read at a time (agent.c). */
    uv_fs_poll_t inventory_poll;
    int64_t inventory_mtime_ns, inventory_size;           /* the version last read */
    int64_t inventory_seen_mtime_ns, inventory_seen_size; /* the poll's latest */
    int inventory_loading;   /* a read is on the thread pool */
    uint64_t cfg_gen;        /* moves when a SIGHUP replaces cfg: older reads are stale */
    uv_timer_t reconcile_timer;
    int reconciling;         /* its queries are on the thread pool */
    /* The loop turn's state transaction, committed by the check phase
     * (core/state/txn.c): open, generation and the write fault. */
    es__txn_t txn;
    uv_timer_t spool_timer;  /* probes a faulty state DB, notices requeued rows */
    int64_t spool_left;      /* rows left in spools of stopped sinks (--once) */
    int64_t started_s;
    const struct es_run_opts *opts;
    uv_timer_t progress_timer;
    uint64_t started_ms;
    uint64_t gone_emitted, gone_bytes; /* of sources already freed */
    /* The records in memory, the spooled ones waiting for the commit and
     * the ones routed without spool rows (core/delivery/lifecycle.c). */
    es_life_t life;
    uv_timer_t lazy_timer;   /* a loop turn when the oldest lazy record is due */
    struct es_metrics *metrics; /* NULL unless metrics_listen is set */
    /* What the sink queues share: answered batches waiting for the check
     * phase, congestion, dead letters (core/delivery/delivery.h). */
    es__delivery_t delivery;
    uv_check_t flush_check;  /* batches state writes per loop turn */
    uv_idle_t wake;          /* keeps the check phase turning while work is pending */
    int wake_on;
} es_agent_t;

typedef struct es_run_opts {
    const char *config_path;
    int once;
    int foreground;
    /* earshot import: one more drop-in, the only source to run, and a
     * progress line on stderr (a terminal) every quarter second. */
    const char *extra_dropin;
    const char *only_source;
    int progress;
    uint64_t progress_total; /* bytes to read, for the progress line */
    int dry_run; /* with once: print what sinks would get (core/cli/dry_run.h) */
    /* import --history: the spike detector runs on the archive's own
     * timeline (fresh, in memory), and its alerts are marked history. */
    int history;
} es_run_opts_t;

/* Loads config, starts everything, runs the loop until shutdown. Returns
 * the process exit code. */
int es__agent_run(const es_run_opts_t *opts);

/* Called by instances (core/agent/instance.c). The pipeline, the queues
 * and the metrics reach the agent only through the host functions their
 * own headers declare (pipeline.h, delivery.h, stats.h), implemented in
 * agent.c. */
/* ctx called es_stopped(): the check phase frees it. */
void es__agent_instance_stopped(es_agent_t *a, es_ctx_t *ctx);
/* Something --once or a shutdown waits for may have happened: the check
 * phase looks (nothing is decided on the caller's stack). */
void es__agent_check_once(es_agent_t *a);
/* Non-zero when sources must pause: the state DB is failing, or a sink's
 * spool is above spool.max_records or spool.max_bytes. */
int es__agent_spool_full(es_agent_t *a);
/* Config references. */
es_config_t *es__config_ref(es_config_t *cfg);
void es__config_unref(es_config_t *cfg);

#endif
