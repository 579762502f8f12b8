/*
 * The agent: one loop, one config, the state database, the HTTP service,
 * the pipeline and the running instances. Also owns signals, reload and
 * shutdown.
 */
#ifndef ES_AGENT_H
#define ES_AGENT_H

#include <uv.h>

#include "config.h"
#include "http.h"
#include "instance.h"
#include "lifecycle.h"
#include "sink_queue.h"
#include "state.h"

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
    uint64_t n_dead_run;     /* dead-lettered during this run */
    int64_t dl_base;         /* highest dead-letter id when the run began */
    /* SIGHUP reloads, for /health and metrics. */
    uint64_t n_reload_ok, n_reload_refused;
    int64_t last_reload_s;   /* 0: none yet */
    int last_reload_ok;
    size_t last_reload_errors;
    uv_signal_t sig_int, sig_term, sig_hup, sig_usr1;
    uv_timer_t drain_timer;
    uv_timer_t prune_timer;
    uv_timer_t inventory_timer; /* notices the inventory file changing */
    int64_t inventory_mtime_ns, inventory_size;
    uv_timer_t reconcile_timer;
    int txn_open;
    uint64_t txn_gen;        /* counts state transactions (spool rows carry it) */
    int spool_fault;         /* the state DB refused a write: sources pause */
    unsigned n_congested;    /* sinks whose memory window is full while healthy */
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
    /* Batches their sinks answered, waiting for the check phase
     * (core/delivery/sink_queue.c owns it). */
    es__done_list_t done;
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

/* Called by instances and the pipeline. */
/* rec's last reference is gone: queued for the check phase, which tells
 * its source (es__life_run_finished). Nothing runs on the caller's stack. */
void es__agent_record_done(es_agent_t *a, es_rec_t *rec);
void es__agent_instance_stopped(es_agent_t *a, es_ctx_t *ctx);
void es__agent_check_once(es_agent_t *a);
/* Stores rec as a dead letter of sink. 0, or ES_EDB when it could not be
 * stored: then rec is abandoned (its source reads it again) and a spool
 * row it has must stay. */
int es__agent_dead_letter(es_agent_t *a, es_ctx_t *sink, es_rec_t *rec, const char *error,
                         unsigned attempts);
void es__agent_wake(es_agent_t *a);
/* Opens the per-turn state transaction if none is (committed by the check
 * handle at the end of this loop turn). */
void es__agent_state_txn(es_agent_t *a);
/* The state DB failed a write: pause sources until a probe write works. */
void es__agent_spool_fault(es_agent_t *a);
/* Routing of a source's record may skip the spool (spool.delay): it is
 * LAZY (es__life_lazy). Its sinks get it with no spool row; the straggler
 * pass gives it rows if one of them still holds it spool.delay later,
 * else its delivery alone lets its source move on. This spools and
 * accepts every LAZY record now, whatever its age. Called when
 * waiting is pointless or unsafe: routing had to spool a source's record
 * (row ids keep routing order), a sink answered RETRY, a sink queue is
 * about to overflow (it then loads rows by id, so the rows of what it
 * holds in memory must exist first) or hands its records to a reloaded
 * sink. */
void es__agent_spool_lazy_all(es_agent_t *a);
/* Non-zero when sources must pause: the state DB is failing, or a sink's
 * spool is above spool.max_records or spool.max_bytes. */
int es__agent_spool_full(es_agent_t *a);
/* Resumes paused sources when nothing holds them back any more: memory
 * below half of queue.max_records, the state DB writable, no sink
 * congested (es__sink_queue_tick). */
void es__agent_maybe_resume(es_agent_t *a);
/* Non-zero when every source has finished its --once poll. */
int es__agent_sources_idle(es_agent_t *a);
/* A sink's queue emptied (a draining sink may now stop). */
void es__agent_sink_idle(es_agent_t *a, es_ctx_t *sink);
/* Config references. */
es_config_t *es__config_ref(es_config_t *cfg);
void es__config_unref(es_config_t *cfg);

#endif
