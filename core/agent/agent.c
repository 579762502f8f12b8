/*
 * The agent's lifecycle.
 *
 * Start: sinks first, so nothing a source emits has nowhere to go; then
 * sources.
 * Shutdown (SIGTERM/SIGINT, or --once when every source is done): stop
 * sources, let sinks drain what is queued (bounded by DRAIN_MS unless
 * --once), stop sinks, close the HTTP service, commit state, leave the loop.
 * Reload (SIGHUP): parse and validate the new config; if it has any error,
 * log them and keep running the old one. Otherwise stop removed instances,
 * start new ones, replace changed ones (a changed sink inherits its
 * predecessor's queue) and leave unchanged ones alone.
 */
#include "agent.h"

#include <fcntl.h>
#include <signal.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/stat.h>

#include "inventory.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "pipeline.h"
#include "spike/spike.h"
#include "reconcile.h"
#include "stats.h"
#include "sink_queue.h"
#include "dry_run.h"
#include "state_ckpt.h"
#include "state_lock.h"
#include "util.h"

#define DRAIN_MS 10000
#define PRUNE_MS (3600 * 1000)

es_config_t *es__config_ref(es_config_t *cfg)
{
    cfg->refs++;
    return cfg;
}

void es__config_unref(es_config_t *cfg)
{
    if (cfg && --cfg->refs == 0)
        es__config_free(cfg);
}

/* ---- state writes, grouped per loop turn -------------------------------- */

static void agent_wake(es_agent_t *a);
static void maybe_resume(es_agent_t *a);
static void on_txn_opened(void *arg) { agent_wake(arg); /* the check handle commits it this turn */ }
static void on_life_finished(void *arg) { agent_wake(arg); /* finished in a timer callback: the check phase must not wait for I/O */ }

static void commit_txn(es_agent_t *a)
{
    if (!es__txn_is_open(&a->txn))
        return;
    uint64_t gen = es__txn_gen(&a->txn);
    es_dedupe_t *dd = a->pipeline ? a->pipeline->dedupe : NULL;
    int ok = es__txn_commit(&a->txn, !dd || es__dedupe_flush(dd) == 0);
    if (dd)
        es__dedupe_committed(dd, ok);
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->queue)
            es__sink_queue_committed(c->queue, gen, ok);
    /* Committed: the records are accepted, their sources may move past
     * them (the checkpoint goes in the next transaction; a crash before it
     * re-reads them and the dedupe table, committed with the rows, drops
     * them). Rolled back: they are in memory only and keep the pre-spool
     * rule, their checkpoint waits for their delivery. */
    size_t n;
    es_rec_t **v = es__life_take_spooled(&a->life, &n);
    for (size_t i = 0; i < n; i++) {
        es_rec_t *rec = v[i];
        es__life_committed(dd, rec, ok);
        es__life_release(&a->life, rec);
    }
}

/* ---- records routed without spool rows (spool.delay) -------------------- */

static void on_lazy_timer(uv_timer_t *t) { (void)t; /* the check handle that follows does the work */ }

/* Once per loop turn, before the commit: the records due. */
static void spool_due(es_agent_t *a)
{
    es_rec_t *h = a->life.lazy_head;
    if (!h)
        return;
    uint64_t now = uv_now(a->loop), delay = a->cfg->spool_delay_ms;
    uint64_t cutoff = now >= delay ? now - delay : 0;
    if (h->lazy_at > cutoff) {
        /* Not due yet: make sure a turn comes when it is, even if nothing
         * else happens by then. */
        if (!uv_is_active((uv_handle_t *)&a->lazy_timer))
            uv_timer_start(&a->lazy_timer, on_lazy_timer, h->lazy_at - cutoff, 0);
        return;
    }
    es__delivery_spool_lazy(&a->delivery, cutoff);
}

int es__agent_spool_full(es_agent_t *a)
{
    if (es__txn_faulty(&a->txn))
        return 1;
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->queue && es__sink_queue_over_limit(c->queue, 1.0))
            return 1;
    return 0;
}


/* Every 2 s: a faulty state DB is probed with a real write, a sweep of
 * old dedupe ids takes its next step and small rows of delivered ids are
 * merged, rows another process put in a spool
 * (spool retry) are noticed, the spike detector gets the time. */
static void on_spool_timer(uv_timer_t *t)
{
    es_agent_t *a = t->data;
    if (es__txn_faulty(&a->txn)) {
        commit_txn(a);
        if (es__txn_probe(&a->txn))
            maybe_resume(a);
    }
    if (a->pipeline && es__dedupe_busy(a->pipeline->dedupe) && !es__txn_faulty(&a->txn)) {
        es__txn_open(&a->txn);
        if (es__txn_is_open(&a->txn))
            es__dedupe_tick(a->pipeline->dedupe);
    }
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->queue && c->phase == ES_PHASE_RUNNING) {
            es__sink_queue_poll_spool(c->queue);
            es__sink_queue_tick(c->queue, uv_now(a->loop));
        }
    maybe_resume(a);
    if (a->once)
        agent_wake(a); /* once_step: is a failing sink all that is left? */
    /* Live streams close spike buckets by wall time (the detector decides
     * when the stream is live). */
    if (!a->once && !a->shutting_down && a->pipeline)
        es__pipeline_spike_tick(a->pipeline, es__now_s());
}

/* ---- records ---------------------------------------------------------- */

/* Resumes paused sources when nothing holds them back any more: memory
 * below half of queue.max_records, the state DB writable, no sink
 * congested (es__sink_queue_tick) or failing. */
static void maybe_resume(es_agent_t *a)
{
    if (a->life.in_flight > (uint64_t)a->cfg->queue_max_records / 2 || es__txn_faulty(&a->txn) ||
        es__delivery_holds_sources(&a->delivery))
        return;
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->queue && es__sink_queue_over_limit(c->queue, 0.9))
            return;
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->paused && c->phase == ES_PHASE_RUNNING) {
            c->paused = 0;
            if (c->plugin->desc->resume)
                c->plugin->desc->resume(c->state);
        }
}

/* The check phase completes the records finished since the last one: the
 * acks and checkpoints they owe their sources, and the sources they held
 * back may resume. Here, at the top of the loop's stack, a source that
 * emits from its ack callback or its resume enters nothing half-done. */
static void finish_records(es_agent_t *a)
{
    if (!a->life.fin_head)
        return;
    es__txn_open(&a->txn); /* delivered ids are remembered in it */
    es__life_run_finished(&a->life, a->pipeline ? a->pipeline->dedupe : NULL);
    maybe_resume(a);
    es__agent_check_once(a);
}

/* ---- instances -------------------------------------------------------- */

static void unlink_instance(es_agent_t *a, es_ctx_t *ctx)
{
    for (es_ctx_t **pp = &a->instances; *pp; pp = &(*pp)->next)
        if (*pp == ctx) {
            *pp = ctx->next;
            ctx->next = NULL;
            return;
        }
}

static void shutdown_step(es_agent_t *a);
static void arm_inventory_watch(es_agent_t *a);
static void arm_reconcile(es_agent_t *a);

void es__agent_instance_stopped(es_agent_t *a, es_ctx_t *ctx)
{
    (void)ctx;
    /* Freed from the check handle, outside the plugin's call stack. */
    agent_wake(a);
}

/* Non-zero when every source has finished its --once poll. */
static int sources_idle(es_agent_t *a)
{
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->icfg->kind == ES_KIND_SOURCE && c->phase == ES_PHASE_RUNNING && !c->source_done)
            return 0;
    return 1;
}

void es__delivery_host_sink_idle(void *host, es_ctx_t *sink)
{
    if (sink->draining && !es__sink_queue_busy(sink->queue))
        es__instance_stop(sink);
    es__agent_check_once(host);
}

static void flush_sinks(es_agent_t *a)
{
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->queue)
            es__sink_queue_flush(c->queue);
}

void es__agent_check_once(es_agent_t *a)
{
    /* Called from deep inside record completion: decide nothing here, so
     * no sink is re-entered; the check handle runs once_step() this turn. */
    if (a->once || a->shutting_down)
        agent_wake(a);
}

/* ---- what the layers below need (pipeline.h, delivery.h, stats.h) ------ */

void es__delivery_host_wake(void *host) { agent_wake(host); }
void es__delivery_host_resume(void *host) { maybe_resume(host); }
int es__delivery_host_closing(void *host) { return ((es_agent_t *)host)->shutting_down != 0; }
int es__pipeline_host_closing(void *host) { return ((es_agent_t *)host)->shutting_down != 0; }
es_ctx_t *es__pipeline_host_instances(void *host) { return ((es_agent_t *)host)->instances; }

int es__delivery_host_sources_done(void *host)
{
    es_agent_t *a = host;
    return a->once && sources_idle(a);
}

void es__stats_host_get(void *host, es__stats_t *out)
{
    const es_agent_t *a = host;
    *out = (es__stats_t){
        .started_s = a->started_s,
        .state_writable = !es__txn_faulty(&a->txn),
        .in_memory = a->life.in_flight,
        .spool_skipped = a->life.n_lazy_direct,
        .spooled_late = a->life.n_lazy_spooled,
        .n_commits = a->txn.n_commits,
        .commit_ns = a->txn.commit_ns,
        .commit_max_ns = a->txn.commit_max_ns,
        .n_reload_ok = a->n_reload_ok,
        .n_reload_refused = a->n_reload_refused,
        .last_reload_s = a->last_reload_s,
        .last_reload_ok = a->last_reload_ok,
        .last_reload_errors = a->last_reload_errors,
        .instances = a->instances,
        .state = a->state,
        .cfg = a->cfg,
        .pipeline = a->pipeline,
    };
}

/* --once: when every source has polled, deliver what is queued without
 * lingering, and shut down once nothing is in flight. */
static void once_step(es_agent_t *a)
{
    if (!a->once || a->shutting_down || !sources_idle(a))
        return;
    /* Every mention is in: the detector closes what it can and its last
     * alerts are routed like any record, before the sinks drain. */
    if (a->pipeline && !a->pipeline->spike_flushed) {
        a->pipeline->spike_flushed = 1;
        es__pipeline_spike_flush(a->pipeline);
    }
    flush_sinks(a);
    uint64_t now = uv_now(a->loop);
    if (!a->once_idle_ms)
        a->once_idle_ms = now;
    /* A failing sink retries without a limit by default; a daemon waits
     * for its receiver, a single pass cannot. Once only failing sinks are
     * left, DRAIN_MS after the sources finished, the run ends: their
     * records stay in their spools for the next run (exit 1), none is
     * dead-lettered for an outage. */
    size_t failing = 0;
    for (es_ctx_t *c = a->instances; c; c = c->next) {
        if (!c->queue || c->phase != ES_PHASE_RUNNING || !es__sink_queue_pending(c->queue))
            continue;
        es_sink_health_t h;
        es__sink_queue_health(c->queue, &h);
        if (!h.failing_since_s || !h.backing_off)
            return; /* still delivering */
        failing++;
    }
    if (failing) {
        if (now - a->once_idle_ms >= DRAIN_MS) {
            es__logf(ES_LOG_WARN, "%zu sink(s) still failing %d ms after the sources finished: their "
                    "records stay in the spool for the next run", failing, DRAIN_MS);
            a->shutting_down = 3;
            agent_wake(a);
        }
        return;
    }
    if (a->life.in_flight == 0) {
        a->shutting_down = 1;
        agent_wake(a);
    }
}

static void begin_shutdown(es_agent_t *a, const char *why)
{
    if (a->shutting_down == 2)
        return;
    es__logf(ES_LOG_INFO, "shutting down (%s)", why);
    a->shutting_down = 2;
    agent_wake(a);
}

static void on_drain_timeout(uv_timer_t *t)
{
    es_agent_t *a = t->data;
    es__logf(ES_LOG_WARN, "sinks did not drain within %d ms; %" PRIu64
                         " record(s) stay undelivered and will be re-read by their sources",
            DRAIN_MS, a->life.in_flight);
    a->shutting_down = 3;
    agent_wake(a);
}

/* Drives shutdown forward; called from the check handle each turn. */
static void shutdown_step(es_agent_t *a)
{
    if (!a->shutting_down)
        return;
    if (a->shutting_down == 1)
        a->shutting_down = 2; /* --once finished: same path as a signal */
    int sources = 0, sinks = 0;
    for (es_ctx_t *c = a->instances; c; c = c->next) {
        if (c->icfg->kind == ES_KIND_SOURCE) {
            sources++;
            es__instance_stop(c);
        } else {
            sinks++;
        }
    }
    if (sources)
        return;
    if (a->pipeline && !a->pipeline->spike_flushed) {
        a->pipeline->spike_flushed = 1;
        es__pipeline_spike_flush(a->pipeline);
    }
    flush_sinks(a);
    if (a->life.in_flight > 0 && a->shutting_down == 2) {
        if ((!a->once || a->signalled) && !uv_is_active((uv_handle_t *)&a->drain_timer))
            uv_timer_start(&a->drain_timer, on_drain_timeout, DRAIN_MS, 0);
        return;
    }
    /* A sink is stopped only once its in-flight batch completed (the
     * plugin contract); es_batch_done() wakes us for the rest. */
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (!c->queue || !es__sink_queue_busy(c->queue))
            es__instance_stop(c);
    if (sinks)
        return;
    /* Everything stopped: close the core's own handles; the loop ends. */
    if (a->http) {
        es__http_close(a->http);
        a->http = NULL;
        uv_close((uv_handle_t *)&a->sig_int, NULL);
        uv_close((uv_handle_t *)&a->sig_term, NULL);
        uv_close((uv_handle_t *)&a->sig_hup, NULL);
        uv_close((uv_handle_t *)&a->sig_usr1, NULL);
        uv_close((uv_handle_t *)&a->drain_timer, NULL);
        uv_close((uv_handle_t *)&a->prune_timer, NULL);
        uv_close((uv_handle_t *)&a->inventory_poll, NULL);
        uv_close((uv_handle_t *)&a->reconcile_timer, NULL);
        uv_close((uv_handle_t *)&a->spool_timer, NULL);
        uv_close((uv_handle_t *)&a->lazy_timer, NULL);
        uv_close((uv_handle_t *)&a->progress_timer, NULL);
        es__metrics_stop(a->metrics);
        a->metrics = NULL;
        uv_close((uv_handle_t *)&a->flush_check, NULL);
        uv_close((uv_handle_t *)&a->wake, NULL);
    }
}

/* Frees instances that finished stopping (and, for sinks, whose last batch
 * completed). */
static void reap(es_agent_t *a)
{
    for (es_ctx_t *c = a->instances, *next; c; c = next) {
        next = c->next;
        if (c->phase != ES_PHASE_STOPPED || (c->queue && es__sink_queue_busy(c->queue)))
            continue;
        unlink_instance(a, c);
        if (c->queue) {
            size_t n = es__sink_queue_release_all(c->queue, 1);
            if (n)
                es_log(c, ES_LOG_WARN, "%zu queued record(s) not delivered; their sources will re-read them", n);
            int64_t left = es__sink_queue_spooled(c->queue);
            if (left > 0) {
                es_log(c, ES_LOG_WARN, "%" PRId64 " record(s) stay in the spool for the next start", left);
                a->spool_left += left;
            }
        }
        if (c->icfg->kind == ES_KIND_SINK)
            es_log(c, ES_LOG_INFO,
                   "stopped (%" PRIu64 " delivered, %" PRIu64 " dead-lettered, %" PRIu64 " spilled to the spool)",
                   c->n_delivered, c->n_dead, c->n_spilled);
        else
            es_log(c, ES_LOG_INFO, "stopped (%" PRIu64 " emitted)", c->n_emitted);
        a->gone_emitted += c->n_emitted;
        a->gone_bytes += c->progress_bytes;
        es__instance_free(c);
    }
}

static void on_check(uv_check_t *h)
{
    es_agent_t *a = h->data;
    /* Disarm first: the steps below re-arm the wake when they leave work
     * for the next turn. */
    if (a->wake_on && !uv_is_closing((uv_handle_t *)&a->wake)) {
        a->wake_on = 0;
        uv_idle_stop(&a->wake);
    }
    es__sink_queue_run_done(&a->delivery);
    finish_records(a);
    reap(a);
    spool_due(a);
    commit_txn(a);
    finish_records(a); /* what the commit and reap finished: its ids go in the next transaction */
    once_step(a);
    shutdown_step(a);
}

static void on_idle(uv_idle_t *h) { (void)h; }

static void agent_wake(es_agent_t *a)
{
    /* An active idle handle makes the next poll non-blocking, so the check
     * handle runs promptly. */
    if (!a->wake_on && !uv_is_closing((uv_handle_t *)&a->wake)) {
        a->wake_on = 1;
        uv_idle_start(&a->wake, on_idle);
    }
}

/* Creates and starts one instance; appends it to the list. */
static int add_instance(es_agent_t *a, es_config_t *cfg, const es_instance_cfg_t *ic, es_ctx_t **out)
{
    es_ctx_t *ctx;
    int rc = es__instance_new(a, cfg, ic, &ctx);
    if (rc < 0)
        return rc;
    ctx->next = a->instances;
    a->instances = ctx;
    if ((rc = es__instance_start(ctx)) < 0) {
        unlink_instance(a, ctx);
        es__instance_free(ctx);
        return rc;
    }
    if (out)
        *out = ctx;
    return 0;
}

/* earshot import runs the configured sinks and its own source only. */
static int wanted(const es_agent_t *a, const es_instance_cfg_t *ic)
{
    return ic->kind == ES_KIND_SINK || !a->opts->only_source || !strcmp(ic->name, a->opts->only_source);
}

static int start_all(es_agent_t *a, es_config_t *cfg)
{
    for (int pass = 0; pass < 2; pass++) {
        es_plugin_kind_t kind = pass == 0 ? ES_KIND_SINK : ES_KIND_SOURCE;
        for (size_t i = 0; i < cfg->n_instances; i++)
            if (cfg->instances[i].kind == kind && wanted(a, &cfg->instances[i])) {
                int rc = add_instance(a, cfg, &cfg->instances[i], NULL);
                if (rc < 0)
                    return rc;
            }
    }
    return 0;
}

/* ---- import progress ------------------------------------------------- */

static void progress_figures(es_agent_t *a, uint64_t *bytes, uint64_t *emitted)
{
    *bytes = a->gone_bytes;
    *emitted = a->gone_emitted;
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->icfg->kind == ES_KIND_SOURCE) {
            *bytes += c->progress_bytes;
            *emitted += c->n_emitted;
        }
}

/* One line, redrawn in place: bytes read of the total, mentions, rate.
 * Returns -1 when stderr is gone. */
static int progress_draw(es_agent_t *a)
{
    uint64_t bytes, emitted;
    progress_figures(a, &bytes, &emitted);
    double secs = (double)(es__now_ms() - a->started_ms) / 1000.0;
    char total[32] = "";
    if (a->opts->progress_total)
        snprintf(total, sizeof total, " of %.1f", (double)a->opts->progress_total / 1048576.0);
    char line[160];
    int n = snprintf(line, sizeof line, "\r\033[Kimport: %.1f%s MiB, %" PRIu64 " mentions, %.0f/s", (double)bytes / 1048576.0,
                     total, emitted, secs > 0 ? (double)emitted / secs : 0.0);
    if (n > 0 && write(STDERR_FILENO, line, (size_t)(n < (int)sizeof line ? n : (int)sizeof line - 1)) < 0)
        return -1;
    return 0;
}

static void on_progress(uv_timer_t *t)
{
    if (progress_draw(t->data) < 0)
        uv_timer_stop(t);
}

/* Prints the summary line; returns the mentions emitted. */
static uint64_t import_summary(es_agent_t *a, FILE *out)
{
    uint64_t bytes, emitted;
    progress_figures(a, &bytes, &emitted);
    double secs = (double)(es__now_ms() - a->started_ms) / 1000.0;
    es_pipeline_t *p = a->pipeline;
    fprintf(out, "import: %" PRIu64 " mentions from %.1f MiB in %.1f s (%.0f mentions/s); %" PRIu64
                 " duplicates, %" PRIu64 " invalid",
            emitted, (double)bytes / 1048576.0, secs, secs > 0 ? (double)emitted / secs : 0.0,
            p ? p->n_dup : 0, p ? p->n_invalid : 0);
    /* Whether the archive's own spikes were looked for is part of what
     * the import did: say it rather than leave it to the docs. */
    es_spike_stats_t ss = {0};
    if (p && p->spike)
        es__spike_get_stats(p->spike, &ss);
    if (a->opts->history)
        fprintf(out, "; %" PRIu64 " past alert(s) on the archive's own timeline", ss.began);
    else if (ss.late)
        fprintf(out, "; %" PRIu64 " mention(s) older than the spike detector's clock not evaluated for spikes"
                     " (import --history does)", ss.late);
    fputc('\n', out);
    return emitted;
}

/* ---- reload ----------------------------------------------------------- */

static const es_instance_cfg_t *find_icfg(const es_config_t *cfg, const es_ctx_t *c)
{
    for (size_t i = 0; i < cfg->n_instances; i++)
        if (cfg->instances[i].kind == c->icfg->kind && strcmp(cfg->instances[i].name, c->icfg->name) == 0)
            return &cfg->instances[i];
    return NULL;
}

static int has_instance(es_agent_t *a, const es_instance_cfg_t *ic)
{
    for (es_ctx_t *c = a->instances; c; c = c->next)
        if (c->phase == ES_PHASE_RUNNING && !c->draining && c->icfg->kind == ic->kind &&
            strcmp(c->icfg->name, ic->name) == 0)
            return 1;
    return 0;
}

static void reload(es_agent_t *a, const char *path)
{
    es__logf(ES_LOG_INFO, "reloading %s", path);
    es_diag_t diag = {0};
    es_config_t *ncfg = NULL;
    int rc = es__config_load_with(path, a->cfg->extra_path, &ncfg, &diag);
    if (rc == 0)
        es__config_validate(ncfg, &diag);
    if (rc == 0 && diag.count == 0)
        rc = es__pipeline_reconfigure(a->pipeline, ncfg, &diag);
    if (rc < 0 || diag.count) {
        for (size_t i = 0; i < diag.count; i++)
            es__logf(ES_LOG_ERROR, "%s", diag.msgs[i]);
        es__logf(ES_LOG_ERROR, "reload refused (%zu error(s)); still running the previous configuration",
                diag.count ? diag.count : 1);
        a->n_reload_refused++;
        a->last_reload_s = es__now_s();
        a->last_reload_ok = 0;
        a->last_reload_errors = diag.count ? diag.count : 1;
        es__diag_free(&diag);
        es__config_unref(ncfg);
        return;
    }
    es__diag_free(&diag);
    a->n_reload_ok++;
    a->last_reload_s = es__now_s();
    a->last_reload_ok = 1;
    a->last_reload_errors = 0;
    if (strcmp(ncfg->state_dir, a->cfg->state_dir) != 0)
        es__logf(ES_LOG_WARN, "state_dir changed: takes effect after a restart");
    es__log_set_level(ncfg->log_level);
    es__http_set_per_host(a->http, (long)ncfg->http_per_host);

    unsigned kept = 0, stopped = 0, started = 0, replaced = 0;
    /* Changed or removed instances. Sinks first in the list order does not
     * matter: a replacement sink is started before its predecessor stops,
     * so queued records move straight across. */
    es_ctx_t *snapshot[1024];
    size_t n = 0;
    for (es_ctx_t *c = a->instances; c && n < 1024; c = c->next)
        if (c->phase == ES_PHASE_RUNNING && !c->draining)
            snapshot[n++] = c;
    for (size_t i = 0; i < n; i++) {
        es_ctx_t *c = snapshot[i];
        const es_instance_cfg_t *nic = find_icfg(ncfg, c);
        if (nic && es__instance_cfg_equal(c->icfg, nic)) {
            kept++;
            continue;
        }
        if (c->icfg->kind == ES_KIND_SINK) {
            es_ctx_t *repl = NULL;
            if (nic && add_instance(a, ncfg, nic, &repl) == 0) {
                es__sink_queue_move(c->queue, repl->queue);
                replaced++;
            } else {
                size_t dropped = es__sink_queue_release_all(c->queue, 0);
                if (dropped)
                    es_log(c, ES_LOG_WARN, "removed from the configuration: %zu queued record(s) dropped",
                           dropped);
                int64_t kept = es__sink_queue_spooled(c->queue);
                if (kept > 0)
                    es_log(c, ES_LOG_WARN, "removed from the configuration: %" PRId64 " record(s) stay in "
                           "its spool (earshot spool drop %s --before now to discard them)", kept, c->icfg->name);
                stopped++;
            }
            c->draining = 1; /* stops once its in-flight batch completes */
            if (!es__sink_queue_busy(c->queue))
                es__instance_stop(c);
        } else {
            es__instance_stop(c);
            /* The replacement resumes from the last durable checkpoint; the
             * dedupe stage drops what the old one still has in flight. */
            if (nic)
                c->track->superseded = 1;
            if (nic && add_instance(a, ncfg, nic, NULL) == 0)
                replaced++;
            else
                stopped++;
        }
    }
    for (size_t i = 0; i < ncfg->n_instances; i++)
        if (wanted(a, &ncfg->instances[i]) && !has_instance(a, &ncfg->instances[i]) &&
            add_instance(a, ncfg, &ncfg->instances[i], NULL) == 0)
            started++;
    es__config_unref(a->cfg);
    a->cfg = ncfg;
    a->cfg_gen++;
    arm_inventory_watch(a);
    arm_reconcile(a);
    es__logf(ES_LOG_INFO, "reloaded: %u kept, %u replaced, %u started, %u stopped", kept, replaced,
            started, stopped);
}

/* ---- signals and run --------------------------------------------------- */

static const char *g_config_path; /* for SIGHUP; set once in es__agent_run */
static void reopen_log(es_agent_t *a);

static void on_signal(uv_signal_t *s, int signum)
{
    es_agent_t *a = s->data;
    if (signum == SIGHUP || signum == SIGUSR1) {
        /* Both reopen log_file (logrotate's postrotate may send either);
         * SIGHUP first reloads, which may name another file. */
        reopen_log(a);
        if (signum == SIGHUP && !a->shutting_down) {
            const es_config_t *before = a->cfg;
            reload(a, g_config_path);
            if (a->cfg != before) /* the new configuration may name another file */
                reopen_log(a);
        }
        if (signum == SIGUSR1)
            es__logf(ES_LOG_INFO, "SIGUSR1: log file reopened");
        return;
    }
    if (a->shutting_down >= 2) {
        es__logf(ES_LOG_WARN, "second signal: stopping without waiting for sinks");
        a->shutting_down = 3;
        agent_wake(a);
        return;
    }
    a->signalled = 1; /* even --once then waits for sinks DRAIN_MS at most */
    begin_shutdown(a, signum == SIGINT ? "SIGINT" : "SIGTERM");
}

static void on_prune(uv_timer_t *t)
{
    es_agent_t *a = t->data;
    if (es__txn_faulty(&a->txn))
        return;
    es__txn_open(&a->txn);
    if (es__txn_is_open(&a->txn))
        es__dedupe_prune(a->pipeline->dedupe);
}

/* ---- the inventory file, watched and read on the thread pool ---------- */

/* The inventory is an admin's spreadsheet export: picked up when it
 * changes, without a SIGHUP. A stat every few seconds is cheaper and more
 * portable than an fs event that editors' rename-on-save defeats. */
#define INVENTORY_POLL_MS 2000

typedef struct inventory_job {
    uv_work_t work;
    es_agent_t *a;
    char *path;        /* a copy: a SIGHUP may free the configuration meanwhile */
    uint64_t cfg_gen;  /* a->cfg_gen when it started */
    int rc;            /* es__inventory_load's */
    es_accounts_t *accounts;
    es_diag_t diag;
} inventory_job_t;

/* Synchronous, but only when the watch is armed (start, SIGHUP), right
 * after the file was read on the loop anyway. */
static int inventory_stat(const char *path, int64_t *mtime_ns, int64_t *size)
{
    struct stat st;
    if (!path || stat(path, &st) < 0)
        return -1;
    *mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    *size = (int64_t)st.st_size;
    return 0;
}

static void inventory_job_free(inventory_job_t *j)
{
    es__accounts_free(j->accounts);
    es__diag_free(&j->diag);
    free(j->path);
    free(j);
}

/* Thread pool: reads and parses the file, touches nothing of the agent. */
static void inventory_job_work(uv_work_t *w)
{
    inventory_job_t *j = w->data;
    j->rc = es__inventory_load(j->path, &j->accounts, &j->diag);
}

static void inventory_reload_maybe(es_agent_t *a);

static void inventory_job_done(uv_work_t *w, int status)
{
    inventory_job_t *j = w->data;
    es_agent_t *a = j->a;
    a->inventory_loading = 0;
    /* A SIGHUP that replaced the configuration read the file itself and
     * the stage would point into a freed one: only the current
     * configuration's read is put in. */
    if (status == 0 && !a->shutting_down && j->cfg_gen == a->cfg_gen) {
        es__txn_open(&a->txn); /* the account tables' snapshot goes in it */
        es__pipeline_reload_inventory(a->pipeline, a->cfg, j->rc, j->accounts, &j->diag);
        j->accounts = NULL;
    }
    inventory_job_free(j);
    inventory_reload_maybe(a); /* the file changed again while it was read */
}

/* One read at a time: a change the poll sees meanwhile is read when the
 * running one is done. A refused version is not read again until the
 * file changes again. */
static void inventory_reload_maybe(es_agent_t *a)
{
    if (a->shutting_down || a->inventory_loading || !a->cfg->inventory ||
        (a->inventory_seen_mtime_ns == a->inventory_mtime_ns && a->inventory_seen_size == a->inventory_size))
        return;
    a->inventory_mtime_ns = a->inventory_seen_mtime_ns;
    a->inventory_size = a->inventory_seen_size;
    inventory_job_t *j = calloc(1, sizeof *j);
    if (j && (j->path = es__strdup(a->cfg->inventory))) {
        j->a = a;
        j->cfg_gen = a->cfg_gen;
        j->work.data = j;
        if (uv_queue_work(a->loop, &j->work, inventory_job_work, inventory_job_done) == 0) {
            a->inventory_loading = 1;
            return;
        }
    }
    if (j)
        inventory_job_free(j);
    es__logf(ES_LOG_ERROR, "inventory %s not reloaded; keeping the previous one", a->cfg->inventory);
}

/* libuv stats the file on the thread pool and calls back when anything
 * of the stat changed; a reload is for another mtime or size only. */
static void on_inventory_poll(uv_fs_poll_t *h, int status, const uv_stat_t *prev, const uv_stat_t *curr)
{
    (void)prev;
    es_agent_t *a = h->data;
    if (status < 0)
        return; /* gone for now (a rename-on-save): the next stat that works tells */
    a->inventory_seen_mtime_ns = (int64_t)curr->st_mtim.tv_sec * 1000000000 + curr->st_mtim.tv_nsec;
    a->inventory_seen_size = (int64_t)curr->st_size;
    inventory_reload_maybe(a);
}

static void arm_inventory_watch(es_agent_t *a)
{
    uv_fs_poll_stop(&a->inventory_poll);
    if (a->cfg->inventory && inventory_stat(a->cfg->inventory, &a->inventory_mtime_ns, &a->inventory_size) == 0) {
        a->inventory_seen_mtime_ns = a->inventory_mtime_ns;
        a->inventory_seen_size = a->inventory_size;
        uv_fs_poll_start(&a->inventory_poll, on_inventory_poll, a->cfg->inventory, INVENTORY_POLL_MS);
    }
}

/* ---- reconciliation, read on the thread pool ---------------------------- */

typedef struct reconcile_job {
    uv_work_t work;
    es_agent_t *a;
    char *state_dir;
    int64_t since, now;
    json_t *findings; /* NULL: the state DB could not be read */
} reconcile_job_t;

/* Thread pool: a read-only connection of its own, as the daemon's /report
 * has (core/report/page.c); WAL lets it read the last commit while the
 * loop writes on. */
static void reconcile_job_work(uv_work_t *w)
{
    reconcile_job_t *j = w->data;
    es_state_t *st;
    char err[256];
    if (es__state_open_readonly(j->state_dir, &st, err, sizeof err) < 0)
        return;
    es__state_reconcile(st, j->since, j->now, &j->findings);
    es__state_close(st);
}

/* Sends every reconciliation finding to the sinks as an account record
 * ("event": the section name, plus the finding's fields). */
static void reconcile_send(es_agent_t *a, json_t *r, int64_t now)
{
    static const char *const sections[] = {"dormant", "sunset_active", "lookalikes", "no_owner",
                                           "responses_by_team", "responses_by_account", NULL};
    size_t n = 0;
    for (int s = 0; sections[s]; s++) {
        size_t i;
        json_t *o;
        json_array_foreach(json_object_get(r, sections[s]), i, o) {
            json_t *f = json_deep_copy(o);
            json_object_set_new(f, "event", json_string(sections[s]));
            json_object_set_new(f, "generated_at", json_integer(now));
            es_rec_t *rec = es__rec_from_fields(ES_RECORD_ACCOUNT, f);
            if (rec) {
                es__pipeline_submit(a->pipeline, rec);
                n++;
            }
        }
    }
    es__logf(ES_LOG_INFO, "reconcile: %zu finding(s) sent to sinks", n);
}

static void reconcile_job_done(uv_work_t *w, int status)
{
    reconcile_job_t *j = w->data;
    es_agent_t *a = j->a;
    a->reconciling = 0;
    /* Shutting down: the sinks may be stopped already, and the findings
     * come again at the next start. */
    if (status == 0 && !a->shutting_down) {
        if (j->findings)
            reconcile_send(a, j->findings, j->now);
        else
            es__logf(ES_LOG_ERROR, "reconcile: cannot read the state database");
    }
    json_decref(j->findings);
    free(j->state_dir);
    free(j);
}

static void on_reconcile(uv_timer_t *t)
{
    es_agent_t *a = t->data;
    /* One at a time: the next interval's would find the same. */
    if (a->shutting_down || a->reconciling)
        return;
    reconcile_job_t *j = calloc(1, sizeof *j);
    /* The directory of the database the agent writes: cfg->state_dir may
     * name another since a SIGHUP (it takes effect after a restart). */
    if (!j || !(j->state_dir = es__strdup(a->txn.dir))) {
        free(j);
        es__logf(ES_LOG_ERROR, "reconcile: cannot read the state database");
        return;
    }
    j->a = a;
    j->now = es__now_s();
    j->since = j->now - (int64_t)(a->cfg->reconcile_window_ms / 1000);
    j->work.data = j;
    commit_txn(a); /* the worker reads what this turn wrote */
    if (uv_queue_work(a->loop, &j->work, reconcile_job_work, reconcile_job_done) < 0) {
        free(j->state_dir);
        free(j);
        es__logf(ES_LOG_ERROR, "reconcile: cannot read the state database");
        return;
    }
    a->reconciling = 1;
}

static void arm_reconcile(es_agent_t *a)
{
    uv_timer_stop(&a->reconcile_timer);
    if (a->cfg->reconcile_interval_ms && !a->once)
        uv_timer_start(&a->reconcile_timer, on_reconcile, a->cfg->reconcile_interval_ms,
                       a->cfg->reconcile_interval_ms);
}

/* Detaches from the terminal: a new session without a controlling
 * terminal, stdin and stdout on /dev/null, and stderr too unless it is the
 * log file already (a daemon that wrote to the terminal that started it
 * would die of SIGPIPE or write into a closed pty). */
static int daemonize(int keep_stderr)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return -1;
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return -1;
    dup2(fd, STDIN_FILENO);
    dup2(fd, STDOUT_FILENO);
    if (!keep_stderr)
        dup2(fd, STDERR_FILENO);
    if (fd > STDERR_FILENO)
        close(fd);
    return 0;
}

/* log_file: opened at start, again on SIGHUP and SIGUSR1 (logrotate). */
static void reopen_log(es_agent_t *a)
{
    char err[512];
    if (!a->cfg->log_file || es__log_is_syslog())
        return;
    if (es__log_open_file(a->cfg->log_file, err, sizeof err) < 0)
        es__logf(ES_LOG_ERROR, "%s; logging on to the previous file", err);
}

int es__agent_run(const es_run_opts_t *opts)
{
    es_diag_t diag = {0};
    es_config_t *cfg = NULL;
    int rc = es__config_load_with(opts->config_path, opts->extra_dropin, &cfg, &diag);
    int detach = !opts->foreground && !opts->once;
    if (rc == 0)
        es__config_validate(cfg, &diag);
    /* A daemon's stderr is gone once it detaches: load the lexicons and the
     * inventory here first, so what would stop it is said to the admin who
     * started it (in the foreground the pipeline's start says it). */
    if (rc == 0 && !diag.count && detach)
        es__pipeline_preflight(cfg, &diag);
    if (rc < 0 || diag.count) {
        es__diag_sort(&diag, cfg);
        for (size_t i = 0; i < diag.count; i++)
            fprintf(stderr, "%s\n", diag.msgs[i]);
        if (rc < 0 && !diag.count)
            fprintf(stderr, "earshot: cannot load configuration: %s\n", es_strerror(rc));
        es__diag_free(&diag);
        es__config_free(cfg);
        return 2;
    }
    es__log_set_level(cfg->log_level);
    g_config_path = cfg->main_path;
    char *dry_dir = NULL;
    if (opts->dry_run) {
        char derr[1024];
        if (!(dry_dir = es__dry_run_state(cfg->state_dir, derr, sizeof derr))) {
            fprintf(stderr, "earshot: %s\n", derr);
            es__config_unref(cfg);
            return 1;
        }
        /* Checkpoints, dedupe ids and spools go to the copy; the real
         * state and a running daemon's lock are left alone. */
        free(cfg->state_dir);
        cfg->state_dir = es__strdup(dry_dir);
        free(cfg->metrics_listen);
        cfg->metrics_listen = NULL;
        es__logf(ES_LOG_INFO, "dry run: nothing is delivered; state in a temporary copy %s", dry_dir);
    }

    char lerr[512];
    if (cfg->log_file && !es__log_is_syslog() && es__log_open_file(cfg->log_file, lerr, sizeof lerr) < 0) {
        fprintf(stderr, "earshot: %s\n", lerr);
        es__config_unref(cfg);
        return 2;
    }
    if (detach && !cfg->log_file && !es__log_is_syslog())
        fprintf(stderr, "earshot: detaching without log_file or --syslog: its log is discarded "
                        "(run it with --foreground under a supervisor)\n");
    if (detach && daemonize(cfg->log_file && !es__log_is_syslog()) < 0) {
        fprintf(stderr, "earshot: cannot detach: fork failed\n");
        es__config_unref(cfg);
        return 1;
    }

    es_agent_t a;
    memset(&a, 0, sizeof a);
    uv_loop_t loop;
    uv_loop_init(&loop);
    es__delivery_init(&a.delivery, &loop, &a.txn, &a.life, &a);
    a.life.finished = on_life_finished;
    a.life.finished_arg = &a;
    a.loop = &loop;
    a.opts = opts;
    a.cfg = cfg;
    a.once = opts->once;
    char err[1024];
    int exit_code = 0;
    int lock_fd = -1;
    /* After daemonize(): the lock and the pid in it are the daemon's. */
    if ((rc = es__state_lock(cfg->state_dir, &lock_fd, err, sizeof err)) < 0) {
        es__logf(ES_LOG_ERROR, "%s", err);
        exit_code = 1;
        goto out_loop;
    }
    if ((rc = es__state_open(cfg->state_dir, &a.state, err, sizeof err)) < 0) {
        es__logf(ES_LOG_ERROR, "%s", err);
        exit_code = 1;
        goto out_loop;
    }
    if (es__txn_init(&a.txn, a.state, cfg->state_dir, on_txn_opened, &a) < 0) {
        es__logf(ES_LOG_ERROR, "out of memory");
        exit_code = 1;
        goto out_loop;
    }
    es__state_dead_letters_after(a.state, 0, &a.dl_base);
    if (es__state_ckpt_start(a.state, &loop, &a.ckpt) < 0)
        es__logf(ES_LOG_WARN, "state: checkpoints stay on the loop thread (out of memory)");
    if ((rc = es__http_new(&loop, a.state, (long)cfg->http_per_host, &a.http)) < 0 ||
        (rc = es__pipeline_new(&(es__pipeline_env_t){.txn = &a.txn, .life = &a.life, .delivery = &a.delivery,
                                                      .loop = &loop, .history = opts->history, .host = &a},
                               cfg, &a.pipeline, &diag)) < 0 ||
        diag.count) {
        for (size_t i = 0; i < diag.count; i++)
            es__logf(ES_LOG_ERROR, "%s", diag.msgs[i]);
        es__logf(ES_LOG_ERROR, "cannot start the pipeline: %s", es_strerror(rc < 0 ? rc : ES_ECONFIG));
        es__diag_free(&diag);
        exit_code = 1;
        if (a.http)
            es__http_close(a.http);
        uv_run(&loop, UV_RUN_DEFAULT);
        goto out_loop;
    }
    a.delivery.dedupe = a.pipeline->dedupe;
    /* A file-size limit (RLIMIT_FSIZE) hit by the state DB or a file sink
     * must be an EFBIG error the agent reports and survives, like a full
     * disk, not a SIGXFSZ that kills it with records in memory. */
    signal(SIGXFSZ, SIG_IGN);
    uv_signal_init(&loop, &a.sig_int);
    uv_signal_init(&loop, &a.sig_term);
    uv_signal_init(&loop, &a.sig_hup);
    a.sig_int.data = a.sig_term.data = a.sig_hup.data = &a;
    uv_signal_start(&a.sig_int, on_signal, SIGINT);
    uv_signal_start(&a.sig_term, on_signal, SIGTERM);
    uv_signal_start(&a.sig_hup, on_signal, SIGHUP);
    uv_signal_init(&loop, &a.sig_usr1);
    a.sig_usr1.data = &a;
    uv_signal_start(&a.sig_usr1, on_signal, SIGUSR1);
    uv_timer_init(&loop, &a.drain_timer);
    a.drain_timer.data = &a;
    uv_timer_init(&loop, &a.prune_timer);
    a.prune_timer.data = &a;
    uv_timer_start(&a.prune_timer, on_prune, 1000, PRUNE_MS);
    uv_unref((uv_handle_t *)&a.prune_timer);
    uv_fs_poll_init(&loop, &a.inventory_poll);
    a.inventory_poll.data = &a;
    uv_unref((uv_handle_t *)&a.inventory_poll);
    arm_inventory_watch(&a);
    uv_timer_init(&loop, &a.reconcile_timer);
    a.reconcile_timer.data = &a;
    arm_reconcile(&a);
    uv_timer_init(&loop, &a.progress_timer);
    a.progress_timer.data = &a;
    if (opts->progress) {
        uv_timer_start(&a.progress_timer, on_progress, 250, 250);
        uv_unref((uv_handle_t *)&a.progress_timer);
    }
    uv_timer_init(&loop, &a.spool_timer);
    a.spool_timer.data = &a;
    uv_timer_start(&a.spool_timer, on_spool_timer, 2000, 2000);
    uv_unref((uv_handle_t *)&a.spool_timer);
    uv_timer_init(&loop, &a.lazy_timer);
    uv_unref((uv_handle_t *)&a.lazy_timer);
    uv_check_init(&loop, &a.flush_check);
    a.flush_check.data = &a;
    uv_check_start(&a.flush_check, on_check);
    uv_idle_init(&loop, &a.wake);

    es__logf(ES_LOG_INFO, "earshot %s starting: %zu instance(s), state in %s%s", PACKAGE_VERSION,
            cfg->n_instances, cfg->state_dir, opts->once ? ", once" : "");
    a.started_s = es__now_s();
    a.started_ms = es__now_ms();
    if (cfg->metrics_listen) {
        char err[256];
        if (es__metrics_start(&a, &loop, cfg->metrics_listen, &a.metrics, err, sizeof err) < 0) {
            es__logf(ES_LOG_ERROR, "%s", err);
            exit_code = 1;
        } else {
            es__logf(ES_LOG_INFO, "metrics on http://%s/metrics and /health", cfg->metrics_listen);
        }
    }
    if (exit_code) {
        begin_shutdown(&a, "start-up failure");
    } else if (start_all(&a, cfg) < 0) {
        es__logf(ES_LOG_ERROR, "start-up failed; stopping");
        exit_code = 1;
        begin_shutdown(&a, "start-up failure");
    } else {
        es__agent_check_once(&a);
    }
    uv_run(&loop, UV_RUN_DEFAULT);
    commit_txn(&a);
    finish_records(&a);
    commit_txn(&a);
    es__life_free(&a.life);
    if (opts->only_source) {
        /* The final figures, even when the import took less than one
         * redraw interval. */
        if (opts->progress && progress_draw(&a) == 0)
            fputs("\n", stderr);
        if (import_summary(&a, stdout) == 0 && !exit_code) {
            /* Nothing done must not look like success: the files were not
             * exports, or were imported before (the log says which). */
            fprintf(stderr, "earshot import: nothing imported (see the lines above)\n");
            exit_code = 1;
        }
    }
    /* What this run dead-lettered and is still a dead letter: a record
     * requeued (spool retry) and delivered meanwhile is not lost. */
    int64_t dead_left = es__delivery_dead_lettered(&a.delivery) ? es__state_dead_letters_after(a.state, a.dl_base, NULL) : 0;
    if (dead_left < 0)
        dead_left = (int64_t)es__delivery_dead_lettered(&a.delivery);
    if (dead_left)
        es__logf(ES_LOG_ERROR, "%" PRId64 " record(s) dead-lettered during this run (earshot spool status)",
                dead_left);
    if ((uint64_t)dead_left < es__delivery_dead_lettered(&a.delivery))
        es__logf(ES_LOG_INFO, "%" PRIu64 " dead letter(s) of this run were requeued (earshot spool retry)",
                es__delivery_dead_lettered(&a.delivery) - (uint64_t)dead_left);
    if (a.spool_left)
        es__logf(ES_LOG_WARN, "%" PRId64 " record(s) left in the spool (earshot spool status)", a.spool_left);
    if (a.once && (dead_left || a.life.in_flight || a.spool_left))
        exit_code = 1;
    es__pipeline_free(a.pipeline);
out_loop:
    if (a.ckpt) {
        unsigned long on_loop, bg = es__state_ckpt_count(a.ckpt, &on_loop);
        es__logf(ES_LOG_DEBUG, "state: %lu checkpoint(s) on the thread pool, %lu on the loop thread", bg, on_loop);
    }
    if (a.txn.n_commits)
        es__logf(ES_LOG_DEBUG, "state: %llu commit(s) on the loop thread, %.1f ms in all, longest %.2f ms",
                 (unsigned long long)a.txn.n_commits, (double)a.txn.commit_ns / 1e6,
                 (double)a.txn.commit_max_ns / 1e6);
    es__state_ckpt_stop(a.ckpt);
    es__state_close(a.state);
    es__txn_free(&a.txn);
    es__state_unlock(lock_fd);
    if (uv_loop_close(&loop) != 0) {
        /* A handle left open is a bug; run once more to let it close. */
        uv_run(&loop, UV_RUN_NOWAIT);
        uv_loop_close(&loop);
    }
    es__config_unref(a.cfg);
    if (dry_dir) {
        es__dry_run_cleanup(dry_dir);
        free(dry_dir);
    }
    return exit_code;
}
