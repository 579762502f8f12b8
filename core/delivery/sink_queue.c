#include "sink_queue.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lifecycle.h"
#include "log.h"
#include "spool_reader.h"
#include "stages.h"
#include "util.h"

/* A queued record and its row in the sink's spool (sid 0: not spooled,
 * the state DB could not take it). gen: the state transaction that wrote
 * the row, so a failed commit can tell which rows never existed. */
typedef struct es_qitem {
    es_rec_t *rec;
    int64_t sid;
    uint64_t gen;
    size_t bytes;
} es_qitem_t;

struct es_sink_queue {
    es__delivery_t *d;
    struct es_sink_queue *d_next; /* d->queues */
    es_ctx_t *sink;
    es_qitem_t *ring;
    size_t head, count, cap;
    /* The batch in flight: its records stay at the ring's head until the
     * sink answers, so a RETRY re-sends exactly them, in order. */
    es_batch_t batch;
    const es_record_t **batch_recs;
    char **fail_msgs; /* per-record FAIL reasons from es_batch_fail_record */
    unsigned char *delivered; /* per record: es_batch_delivered */
    size_t batch_n;
    int in_flight;
    int completing;    /* inside complete(): releasing records must not send */
    /* The sink's answer, kept by es_batch_done until the loop's check
     * phase completes the batch (es__sink_queue_run_done): completion then
     * never runs on the sink's own stack, inside its callback. */
    int done_pending;
    es_sink_status_t done_status;
    uint64_t done_retry_after_ms;
    char *done_error;
    struct es_sink_queue *done_next;
    unsigned attempt;  /* attempts made for the head batch */
    int waiting;       /* timer armed: linger or backoff */
    int due;           /* linger expired: send even a partial batch */
    int backing_off;
    uv_timer_t timer;
    /* The spool. Memory holds at most mem_max records; beyond that the
     * queue "overflows": records live only in the spool and are loaded
     * back, oldest first, as the ring drains (ids above max_sid). */
    size_t mem_max;
    size_t batch_max;
    int overflow;
    int64_t max_sid;       /* highest spool id in memory or ever loaded */
    int64_t spool_n;       /* rows in this sink's spool */
    uint64_t spool_bytes;
    /* Loading rows back (refill) happens on the thread pool: the read
     * under way, what the spill was when it began, whether the last read
     * found everything committed while spilled rows still waited for
     * their commit (no read until the next one), and when a failed read
     * may be tried again. */
    es__spool_reader_t *reader;
    uint64_t spill_pushes;
    uint64_t read_pushes;
    int read_spill_empty;
    int read_dry;
    int read_limit;
    uint64_t read_retry_ms;
    int moved; /* es__sink_queue_move emptied it: a read's rows are its replacement's */
    /* Records spooled while overflowing, held until their rows are
     * committed: only then may memory let go of them. */
    es_qitem_t *spill;
    size_t spill_n, spill_cap;
    /* Flow control (es__sink_queue_tick): congested while the window is
     * full and the sink healthy; spent once this episode held sources back
     * long enough, until the window drains to half. */
    int congested;
    int congest_spent;
    uint64_t congested_at;
    /* The current failure episode (es__sink_queue_health): from the first
     * RETRY or FAIL answer to the next batch the sink takes. */
    int64_t failing_since_s;  /* wall clock; 0: healthy */
    unsigned episode_tries;   /* batches answered RETRY/FAIL in it */
    uint64_t retry_at_ms;     /* loop time of the next attempt while backing off */
    char *last_error;
    int last_fail_permanent;  /* the last failure was a FAIL (dead letters) */
};

/* How long a full but healthy sink may hold sources back before its
 * records spill to the spool instead: long enough for a fast sink to
 * absorb a burst (a file import), short enough that one slow sink (email
 * at a few hundred a second) does not throttle the others for long. */
#define ES_CONGESTION_MAX_MS 1000

static void try_send(es_sink_queue_t *q);

static void congestion_set(es_sink_queue_t *q, int on)
{
    if (on == q->congested)
        return;
    q->congested = on;
    if (on) {
        q->d->n_congested++;
        q->congested_at = uv_now(q->d->loop);
    } else {
        q->d->n_congested--;
    }
}

/* The window filled: hold sources back while the sink is healthy and not
 * already spilling. */
static void congestion_check(es_sink_queue_t *q)
{
    if (!q->congested && !q->congest_spent && !q->backing_off && !q->overflow && q->count >= q->mem_max)
        congestion_set(q, 1);
}

/* The window drained: the episode is over. */
static void congestion_relieve(es_sink_queue_t *q)
{
    if (q->count >= q->mem_max / 2 || q->overflow)
        return;
    q->congest_spent = 0;
    if (q->congested) {
        congestion_set(q, 0);
        es__delivery_host_resume(q->d->host);
    }
}

/* Stop holding sources back for the rest of this episode (failing or slow
 * sink): its records spill to the spool instead. */
static void congestion_spend(es_sink_queue_t *q)
{
    q->congest_spent = 1;
    if (q->congested) {
        congestion_set(q, 0);
        es__delivery_host_resume(q->d->host);
    }
}

void es__sink_queue_tick(es_sink_queue_t *q, uint64_t now_ms)
{
    if (q->congested && now_ms - q->congested_at >= ES_CONGESTION_MAX_MS) {
        es_log(q->sink, ES_LOG_DEBUG, "slower than its sources for %u ms: spilling to the spool",
               ES_CONGESTION_MAX_MS);
        congestion_spend(q);
    }
}

static void on_timer(uv_timer_t *t)
{
    es_sink_queue_t *q = t->data;
    q->waiting = 0;
    q->backing_off = 0;
    q->due = 1;
    try_send(q);
}

int es__sink_queue_new(es__delivery_t *d, es_ctx_t *sink, es_sink_queue_t **out)
{
    es_sink_queue_t *q = calloc(1, sizeof *q);
    if (!q)
        return ES_ENOMEM;
    q->d = d;
    q->sink = sink;
    /* The instance's batch.max, else the plugin's default for it (a sink
     * writing a local file takes bigger batches than a web hook), else
     * the core's. */
    q->batch_max = (size_t)es_config_int(sink, "batch.max");
    if (q->batch_max < 1)
        q->batch_max = (size_t)sink->icfg->batch_max;
    /* Room for a few batches: enough to keep the sink busy, small enough
     * that a long outage costs the spool's disk, not memory. */
    q->mem_max = q->batch_max * 4;
    if (q->mem_max < 1000)
        q->mem_max = 1000;
    es_state_t *st = es__txn_db(d->txn);
    int64_t n = 0, bytes = 0, oldest = 0;
    if (st && es__state_spool_stats(st, sink->icfg->name, &n, &bytes, &oldest) == 0 && n > 0) {
        q->spool_n = n;
        q->spool_bytes = (uint64_t)bytes;
        q->overflow = 1; /* left by an earlier run: load it first */
        es_log(sink, ES_LOG_INFO, "%" PRId64 " record(s) waiting in the spool", n);
    }
    uv_timer_init(d->loop, &q->timer);
    q->timer.data = q;
    q->d_next = d->queues;
    d->queues = q;
    *out = q;
    return 0;
}

static void on_closed(uv_handle_t *h)
{
    es_sink_queue_t *q = h->data;
    free(q->ring);
    free(q->spill);
    free(q->batch_recs);
    free(q->fail_msgs);
    free(q->delivered);
    free(q->last_error);
    free(q);
}

void es__sink_queue_free(es_sink_queue_t *q)
{
    if (!q)
        return;
    /* Freed with an answer not yet completed (a forced shutdown): out of
     * the done list, or the check phase would complete freed memory. */
    if (q->done_pending) {
        es__done_list_t *l = &q->d->done;
        for (es_sink_queue_t **pp = &l->head; *pp; pp = &(*pp)->done_next)
            if (*pp == q) {
                *pp = q->done_next;
                break;
            }
        l->tail = &l->head;
        while (*l->tail)
            l->tail = &(*l->tail)->done_next;
        l->n_failed -= q->done_status == ES_SINK_RETRY || q->done_status == ES_SINK_FAIL;
        free(q->done_error);
        q->done_error = NULL;
        q->done_pending = 0;
    }
    for (es_sink_queue_t **pp = &q->d->queues; *pp; pp = &(*pp)->d_next)
        if (*pp == q) {
            *pp = q->d_next;
            break;
        }
    es__sink_queue_release_all(q, 1);
    es__spool_reader_free(q->reader); /* a read under way ends without a call */
    q->reader = NULL;
    congestion_set(q, 0);
    uv_timer_stop(&q->timer);
    uv_close((uv_handle_t *)&q->timer, on_closed);
}

static es_qitem_t *at(const es_sink_queue_t *q, size_t i)
{
    return &q->ring[(q->head + i) % q->cap];
}

static int ring_grow(es_sink_queue_t *q)
{
    size_t nc = q->cap ? q->cap * 2 : 256;
    es_qitem_t *nr = malloc(nc * sizeof *nr);
    if (!nr)
        return ES_ENOMEM;
    for (size_t i = 0; i < q->count; i++)
        nr[i] = *at(q, i);
    free(q->ring);
    q->ring = nr;
    q->head = 0;
    q->cap = nc;
    return 0;
}

static int ring_push(es_sink_queue_t *q, es_qitem_t it)
{
    if (q->count == q->cap && ring_grow(q) < 0)
        return ES_ENOMEM;
    q->ring[(q->head + q->count) % q->cap] = it;
    q->count++;
    if (it.sid > q->max_sid)
        q->max_sid = it.sid;
    return 0;
}

/* Puts a record back at the head (a retried batch keeps its place). */
static int ring_unshift(es_sink_queue_t *q, es_qitem_t it)
{
    if (q->count == q->cap && ring_grow(q) < 0)
        return ES_ENOMEM;
    q->head = (q->head + q->cap - 1) % q->cap;
    q->ring[q->head] = it;
    q->count++;
    return 0;
}

static es_qitem_t ring_pop(es_sink_queue_t *q)
{
    es_qitem_t it = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return it;
}

static void release(es_sink_queue_t *q, es_rec_t *rec) { es__life_release(q->d->life, rec); }

/* The row left the spool (delivered, dead-lettered or dropped). */
static void unspool(es_sink_queue_t *q, const es_qitem_t *it)
{
    if (it->sid <= 0)
        return;
    es_state_t *st = es__txn_db(q->d->txn);
    es__txn_open(q->d->txn);
    if (es__state_spool_del(st, it->sid) < 0)
        es_log(q->sink, ES_LOG_ERROR, "spool: cannot delete row %" PRId64 ": %s", it->sid,
               es__state_errmsg(st));
    q->spool_n--;
    q->spool_bytes -= it->bytes < q->spool_bytes ? it->bytes : q->spool_bytes;
}

/* A record whose spool row is in the transaction still open. A sink must
 * not see it before that commits: a crash in between would make its
 * source read it again (it was never accepted) while the sink already has
 * it, one copy from the spool path and one from the source. */
static int row_pending(const es_sink_queue_t *q, const es_qitem_t *it)
{
    const es__txn_t *t = q->d->txn;
    return it->sid > 0 && es__txn_is_open(t) && it->gen == es__txn_gen(t);
}

int es__sink_queue_push(es_sink_queue_t *q, es_rec_t *rec, int64_t sid, size_t bytes)
{
    es_qitem_t it = {rec, sid, es__txn_gen(q->d->txn), bytes};
    if (sid > 0) {
        q->spool_n++;
        q->spool_bytes += bytes;
        congestion_check(q);
        /* Congested: sources are pausing; what they still emit (the rest
         * of a chunk read) stays in memory, bounded by queue.max_records,
         * rather than spill. */
        if (q->overflow || (!q->congested && q->count >= q->mem_max)) {
            if (q->spill_n == q->spill_cap) {
                size_t nc = q->spill_cap ? q->spill_cap * 2 : 64;
                es_qitem_t *ns = realloc(q->spill, nc * sizeof *ns);
                if (!ns)
                    goto keep; /* memory will hold it after all */
                q->spill = ns;
                q->spill_cap = nc;
            }
            if (!q->overflow && q->d->life->lazy_head) {
                /* Records in memory that skipped the spool get their rows
                 * first; those ids are above this record's, and refill
                 * loads ids above max_sid, so this one stays in memory. */
                es__delivery_spool_lazy_all(q->d);
                if (it.sid < q->max_sid)
                    goto keep;
            }
            q->overflow = 1;
            q->spill[q->spill_n++] = it;
            q->spill_pushes++;
            q->sink->n_spilled++;
            return 0;
        }
    }
keep:;
    int rc = ring_push(q, it);
    if (rc == 0) {
        congestion_check(q);
        if (!row_pending(q, &it))
            try_send(q); /* a record waiting for the commit sends nothing yet */
    }
    return rc;
}

void es__sink_queue_committed(es_sink_queue_t *q, uint64_t gen, int ok)
{
    q->read_dry = 0; /* rows the last read could not see may be there now */
    if (!ok) {
        /* The rows of that transaction were rolled back: the records are
         * in memory only now, and are delivered from there. */
        for (size_t i = 0; i < q->count; i++) {
            es_qitem_t *it = at(q, i);
            if (it->sid > 0 && it->gen == gen) {
                it->sid = 0;
                q->spool_n--;
                q->spool_bytes -= it->bytes < q->spool_bytes ? it->bytes : q->spool_bytes;
            }
        }
    }
    size_t n = q->spill_n;
    q->spill_n = 0;
    for (size_t i = 0; i < n; i++) {
        es_qitem_t it = q->spill[i];
        if (ok || it.gen != gen) {
            release(q, it.rec);
            continue;
        }
        q->spool_n--;
        q->spool_bytes -= it.bytes < q->spool_bytes ? it.bytes : q->spool_bytes;
        it.sid = 0;
        if (ring_push(q, it) < 0) {
            es__life_abandon(q->d->life, it.rec);
            release(q, it.rec);
        }
    }
    try_send(q); /* what waited for this commit, or for nothing now */
}

typedef struct {
    es_sink_queue_t *q;
    int loaded;
} load_ctx_t;

static int load_row(int64_t id, const char *kind, const char *json, int attempts, void *arg)
{
    load_ctx_t *lc = arg;
    es_sink_queue_t *q = lc->q;
    (void)attempts;
    if (id > q->max_sid)
        q->max_sid = id;
    es_rec_t *rec = json ? es__rec_from_json(json) : NULL;
    size_t bytes = json ? strlen(json) : 0;
    if (!rec) {
        /* A row nobody can read would block the spool forever. */
        es_log(q->sink, ES_LOG_ERROR, "spool row %" PRId64 " (%s) is not a readable record: dead-lettered",
               id, kind ? kind : "?");
        es__txn_open(q->d->txn);
        es__state_dead_letter(es__txn_db(q->d->txn), q->sink->icfg->name, kind ? kind : "unknown", NULL,
                             json ? json : "", "unreadable spool row", 0);
        es_qitem_t it = {NULL, id, 0, bytes};
        unspool(q, &it);
        return 0;
    }
    es__life_enter_loaded(q->d->life, rec);
    if (ring_push(q, (es_qitem_t){rec, id, 0, bytes}) < 0) {
        release(q, rec);
        return ES_ENOMEM;
    }
    lc->loaded++;
    return 0;
}

static void on_refilled(void *arg, int status, const es__spool_row_t *rows, size_t n)
{
    es_sink_queue_t *q = arg;
    if (q->moved)
        return; /* its replacement loads them (es__sink_queue_move) */
    if (status < 0) {
        es_log(q->sink, ES_LOG_ERROR, "spool: cannot load: %s", es__spool_reader_error(q->reader));
        q->read_retry_ms = uv_now(q->d->loop) + 1000; /* the 2 s spool poll tries again */
        return;
    }
    load_ctx_t lc = {q, 0};
    for (size_t i = 0; i < n; i++)
        if (rows[i].id > q->max_sid && load_row(rows[i].id, rows[i].kind, rows[i].json, 0, &lc) < 0)
            break;
    /* Fewer rows than asked: the spool holds no more committed rows. The
     * read's connection does not see the open transaction, so that ends
     * the overflow only if no record was spilled when it began or since
     * (a spilled record's row is committed before memory lets go of it,
     * so with none at the start every spilled row was there to read). */
    if ((int)n < q->read_limit && q->spill_pushes == q->read_pushes) {
        if (q->read_spill_empty)
            q->overflow = 0;
        else if (q->spill_n)
            q->read_dry = 1; /* nothing to read until they commit */
    }
    try_send(q);
    congestion_check(q);
}

/* Tops the ring up from the spool while the queue overflows: starts a
 * read on the thread pool, whose rows come in later (on_refilled). */
static void refill(es_sink_queue_t *q)
{
    if (!q->overflow || q->count >= q->mem_max / 2 || !es__txn_db(q->d->txn) || q->moved || q->read_dry ||
        es__spool_reader_busy(q->reader) || uv_now(q->d->loop) < q->read_retry_ms)
        return;
    if (!q->reader && (!q->d->txn->dir || es__spool_reader_new(q->d->loop, q->d->txn->dir, &q->reader) < 0))
        return;
    int limit = (int)(q->mem_max - q->count);
    q->read_limit = limit;
    q->read_pushes = q->spill_pushes;
    q->read_spill_empty = q->spill_n == 0;
    int rc = es__spool_reader_start(q->reader, q->sink->icfg->name, q->max_sid, limit, on_refilled, q);
    if (rc < 0) {
        es_log(q->sink, ES_LOG_ERROR, "spool: cannot load: %s", es_strerror(rc));
        q->read_retry_ms = uv_now(q->d->loop) + 1000;
    }
}

void es__sink_queue_poll_spool(es_sink_queue_t *q)
{
    es_state_t *st = es__txn_db(q->d->txn);
    if (!st)
        return;
    if (q->overflow) {
        /* Rows an earlier run left: nothing else starts sending them in
         * daemon mode until a new record arrives. */
        try_send(q);
        return;
    }
    int64_t max = es__state_spool_max_id(st, q->sink->icfg->name);
    if (max > q->max_sid) {
        es_log(q->sink, ES_LOG_INFO, "new rows in the spool (requeued dead letters?): loading them");
        q->overflow = 1;
        q->read_dry = 0;
        try_send(q);
    }
}

size_t es__sink_queue_depth(const es_sink_queue_t *q) { return q->count; }
int es__sink_queue_busy(const es_sink_queue_t *q) { return q->in_flight; }
int es__sink_queue_pending(const es_sink_queue_t *q) { return q->count > 0 || q->overflow || q->spill_n > 0; }

int es__sink_queue_over_limit(const es_sink_queue_t *q, double fraction)
{
    const es_instance_cfg_t *ic = q->sink->icfg;
    return (double)q->spool_n >= (double)ic->spool_max_records * fraction ||
           (double)q->spool_bytes >= (double)ic->spool_max_bytes * fraction;
}

static void send_batch(es_sink_queue_t *q, size_t n)
{
    es_ctx_t *s = q->sink;
    const es_record_t **recs = realloc(q->batch_recs, n * sizeof *recs);
    char **msgs = realloc(q->fail_msgs, n * sizeof *msgs);
    unsigned char *dlv = realloc(q->delivered, n);
    if (recs)
        q->batch_recs = recs;
    if (msgs)
        q->fail_msgs = msgs;
    if (dlv)
        q->delivered = dlv;
    if (!recs || !msgs || !dlv) {
        /* Out of memory: try again shortly rather than drop anything. */
        q->waiting = 1;
        uv_timer_start(&q->timer, on_timer, 1000, 0);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        recs[i] = &at(q, i)->rec->pub;
        msgs[i] = NULL;
    }
    memset(dlv, 0, n);
    q->due = 0;
    q->batch_n = n;
    q->batch.records = recs;
    q->batch.count = n;
    q->batch.attempt = ++q->attempt;
    q->in_flight = 1;
    int rc = s->plugin->desc->write(s->state, &q->batch);
    if (rc < 0 && q->in_flight) {
        /* Not taken: the contract says this is a RETRY. */
        es_batch_done(s, &q->batch, ES_SINK_RETRY, 0, es_strerror(rc));
    }
}

static void try_send(es_sink_queue_t *q)
{
    es_ctx_t *s = q->sink;
    if (q->in_flight || q->completing || q->backing_off || s->phase != ES_PHASE_RUNNING)
        return;
    refill(q);
    if (q->count == 0)
        return;
    int urgent = es__delivery_host_closing(q->d->host) || s->draining ||
                 es__delivery_host_sources_done(q->d->host);
    /* What may go: the records before the first one whose row waits for
     * the open transaction (es__sink_queue_committed() tries again). Only
     * counted when a batch could go at all, so a queue filling up is not
     * rescanned at every push. */
    size_t ready = 0;
    if (q->count >= q->batch_max || urgent || q->due || s->icfg->batch_linger_ms == 0) {
        while (ready < q->count && ready < q->batch_max && !row_pending(q, at(q, ready)))
            ready++;
        if (ready == 0)
            return;
    }
    int full = ready >= q->batch_max;
    if (!full && !urgent && !q->due && s->icfg->batch_linger_ms > 0) {
        if (!q->waiting) {
            q->waiting = 1;
            uv_timer_start(&q->timer, on_timer, s->icfg->batch_linger_ms, 0);
        }
        return;
    }
    if (q->waiting) {
        uv_timer_stop(&q->timer);
        q->waiting = 0;
    }
    send_batch(q, ready);
}

void es__sink_queue_flush(es_sink_queue_t *q)
{
    if (q->waiting && !q->backing_off) {
        uv_timer_stop(&q->timer);
        q->waiting = 0;
    }
    try_send(q);
}

void es_batch_fail_record(es_ctx_t *ctx, es_batch_t *batch, size_t index, const char *error)
{
    es_sink_queue_t *q = ctx->queue;
    if (!q || batch != &q->batch || index >= q->batch_n || q->fail_msgs[index] || q->done_pending)
        return;
    q->fail_msgs[index] = es__strdup(error ? error : "rejected by sink");
}

void es_batch_delivered(es_ctx_t *ctx, es_batch_t *batch, size_t index)
{
    es_sink_queue_t *q = ctx->queue;
    if (!q || batch != &q->batch || index >= q->batch_n || q->fail_msgs[index] || q->done_pending)
        return;
    q->delivered[index] = 1;
}

/* A sink answered RETRY or FAIL: the episode starts or goes on. */
static void episode_fail(es_sink_queue_t *q, const char *error, int permanent)
{
    if (!q->failing_since_s)
        q->failing_since_s = es__now_s();
    q->episode_tries++;
    q->last_fail_permanent = permanent;
    char *e = es__strdup(error ? error : permanent ? "sink failed" : "transient error");
    if (e) {
        free(q->last_error);
        q->last_error = e;
    }
}

/* A batch went through: a failure episode ends, said once. */
static void episode_ok(es_sink_queue_t *q)
{
    if (!q->failing_since_s)
        return;
    int64_t secs = es__now_s() - q->failing_since_s;
    if (q->episode_tries > 1 || !q->last_fail_permanent)
        es_log(q->sink, ES_LOG_INFO, "delivering again after %" PRId64 " s and %u failed attempt(s)",
               secs, q->episode_tries);
    q->failing_since_s = 0;
    q->episode_tries = 0;
    q->last_fail_permanent = 0;
    free(q->last_error);
    q->last_error = NULL;
}

void es__sink_queue_health(const es_sink_queue_t *q, es_sink_health_t *h)
{
    memset(h, 0, sizeof *h);
    h->failing_since_s = q->failing_since_s;
    h->failed_attempts = q->episode_tries;
    h->last_error = q->last_error;
    h->backing_off = q->backing_off;
    if (q->backing_off) {
        uint64_t now = uv_now(q->d->loop);
        h->retry_in_ms = q->retry_at_ms > now ? q->retry_at_ms - now : 0;
    }
}

double es__sink_queue_spool_fill(const es_sink_queue_t *q)
{
    const es_instance_cfg_t *ic = q->sink->icfg;
    double r = ic->spool_max_records > 0 ? (double)q->spool_n / (double)ic->spool_max_records : 0;
    double b = ic->spool_max_bytes > 0 ? (double)q->spool_bytes / (double)ic->spool_max_bytes : 0;
    return r > b ? r : b;
}

static uint64_t backoff_ms(const es_instance_cfg_t *ic, unsigned attempt)
{
    /* Full jitter (AWS architecture blog): uniform in [0, min(cap, base *
     * 2^n)], so a fleet retrying after one outage spreads out. */
    uint64_t cap = ic->retry_max_ms, d = ic->retry_initial_ms;
    for (unsigned i = 1; i < attempt && d < cap; i++)
        d *= 2;
    if (d > cap)
        d = cap;
    return d ? es__rand_below(d + 1) : 0;
}

/* The sink's answer only records itself: completing a batch releases its
 * records, which moves checkpoints, runs sources' ack callbacks (which may
 * emit), and sends the next batch (which calls the sink's write). Done
 * here, all of that would run inside the sink's callback and re-enter the
 * sink and the sources on one stack. The agent's check phase completes
 * the answered batches instead (es__sink_queue_run_done), the way libuv
 * runs its pending callbacks: nothing calls back into the layer that
 * called it. */
void es_batch_done(es_ctx_t *ctx, es_batch_t *batch, es_sink_status_t status,
                   uint64_t retry_after_ms, const char *error)
{
    es_sink_queue_t *q = ctx->queue;
    if (!q || batch != &q->batch || !q->in_flight || q->done_pending) {
        es_log(ctx, ES_LOG_ERROR, "es_batch_done called for a batch that is not in flight");
        return;
    }
    q->done_pending = 1;
    q->done_status = status;
    q->done_retry_after_ms = retry_after_ms;
    /* Out of memory for the reason: the answer stands, without its text. */
    q->done_error = error ? es__strdup(error) : NULL;
    es__done_list_t *l = &q->d->done;
    l->n_failed += status == ES_SINK_RETRY || status == ES_SINK_FAIL;
    q->done_next = NULL;
    *l->tail = q;
    l->tail = &q->done_next;
    es__delivery_host_wake(q->d->host);
}

static void complete(es_sink_queue_t *q);

void es__sink_queue_run_done(es__delivery_t *d)
{
    es__done_list_t *l = &d->done;
    /* A sink that answers inside its write (a local file, a test sink)
     * is sent its next batch by the completion and answers again at once:
     * keep completing, so it drains its queue in one turn as a slow sink
     * would over several, but stop after a bound so one turn's work stays
     * bounded (the rest waits for the next turn, the wake is armed). */
    for (unsigned budget = 256; l->head && budget; budget--) {
        es_sink_queue_t *q = l->head;
        l->head = q->done_next;
        if (!l->head)
            l->tail = &l->head;
        q->done_next = NULL;
        complete(q);
    }
    if (l->head)
        es__delivery_host_wake(d->host);
}

static void complete_answer(es_sink_queue_t *q, es_sink_status_t status, uint64_t retry_after_ms,
                            const char *error);

static void complete(es_sink_queue_t *q)
{
    char *error = q->done_error;
    int failed = q->done_status == ES_SINK_RETRY || q->done_status == ES_SINK_FAIL;
    q->done_error = NULL;
    q->done_pending = 0;
    q->in_flight = 0;
    q->d->done.n_failed -= failed;
    complete_answer(q, q->done_status, q->done_retry_after_ms, error);
    free(error);
    if (failed)
        es__delivery_host_resume(q->d->host);
}

/* Stores rec as a dead letter of the queue's sink. 0, or ES_EDB when it
 * could not be stored: then rec is abandoned (its source reads it again)
 * and a spool row it has must stay. */
static int dead_letter(es_sink_queue_t *q, es_rec_t *rec, const char *error)
{
    es_ctx_t *sink = q->sink;
    es__txn_open(q->d->txn);
    const char *json = es_record_json(&rec->pub, NULL);
    const char *id = rec->pub.kind == ES_RECORD_MENTION ? rec->m.id : NULL;
    int rc = 0;
    if (es__state_dead_letter(es__txn_db(q->d->txn), sink->icfg->name, es_record_kind_name(rec->pub.kind), id,
                              json, error, q->attempt) < 0) {
        /* Cannot even store it: keep it undelivered so the source re-reads
         * it rather than lose it. */
        rc = ES_EDB;
        es__life_abandon(q->d->life, rec);
    }
    sink->n_dead++;
    q->d->n_dead_run++;
    es_log(sink, ES_LOG_ERROR, "dead letter: %s %s: %s", es_record_kind_name(rec->pub.kind),
           id ? id : "", error ? error : "failed");
    return rc;
}

static void complete_answer(es_sink_queue_t *q, es_sink_status_t status, uint64_t retry_after_ms,
                            const char *error)
{
    es_ctx_t *ctx = q->sink;
    /* DEFER is a RETRY by design (a digest not due yet): no attempt is
     * counted and nothing is logged above debug. */
    int defer = status == ES_SINK_DEFER;
    if (defer) {
        status = ES_SINK_RETRY;
        q->attempt--;
        if (!retry_after_ms)
            retry_after_ms = 1000;
    }
    q->completing = 1;
    size_t n = q->batch_n;
    const es_instance_cfg_t *ic = ctx->icfg;
    es_state_t *st = es__txn_db(q->d->txn);
    /* Only a sink's FAIL is final by default: a transient failure waits in
     * the spool however long the outage lasts (the spool limits pause the
     * sources meanwhile), unless the admin set retry.max_attempts. */
    int give_up = status == ES_SINK_FAIL ||
                  (status == ES_SINK_RETRY && !defer && ic->retry_max_attempts > 0 &&
                   q->attempt >= (unsigned)ic->retry_max_attempts);
    /* Detach the batch from the ring first: releasing a record can run
     * arbitrary completion code, which must find the queue consistent. */
    es_qitem_t *items = malloc((n ? n : 1) * sizeof *items);
    if (!items) {
        /* Cannot even take the batch apart: treat it as a retry. */
        q->completing = 0;
        q->backing_off = q->waiting = 1;
        uv_timer_start(&q->timer, on_timer, 1000, 0);
        return;
    }
    for (size_t i = 0; i < n; i++)
        items[i] = ring_pop(q);
    if (st)
        es__txn_open(q->d->txn); /* one transaction for the dequeue */
    /* Pass 1: dead letters, spool rows and counts. A record is retried
     * when the batch is retried and it was neither failed nor taken by the
     * receiver on its own. */
    size_t kept = 0, dead = 0, early = 0;
    for (size_t i = 0; i < n; i++) {
        es_rec_t *rec = items[i].rec;
        if (q->delivered[i] && !q->fail_msgs[i]) {
            unspool(q, &items[i]);
            ctx->n_delivered++;
            early += status != ES_SINK_OK;
        } else if (q->fail_msgs[i] || give_up) {
            const char *why = q->fail_msgs[i] ? q->fail_msgs[i] : error ? error : "sink failed";
            /* A dead letter that could not be stored stays in the spool. */
            if (dead_letter(q, rec, why) == 0)
                unspool(q, &items[i]);
            dead++;
        } else if (status == ES_SINK_RETRY) {
            if (items[i].sid > 0 && !defer)
                es__state_spool_attempt(st, items[i].sid);
            ctx->n_retried += !defer;
            kept++;
        } else {
            unspool(q, &items[i]);
            ctx->n_delivered++;
        }
    }
#define RETRIED(i) (status == ES_SINK_RETRY && !give_up && !q->fail_msgs[i] && !q->delivered[i])
    /* Pass 2: survivors of a RETRY keep their place at the head, in order. */
    for (size_t i = n; i-- > 0;)
        if (RETRIED(i) && ring_unshift(q, items[i]) < 0)
            ring_push(q, items[i]); /* order lost, record kept */
    /* Pass 3: the queue is consistent again; release the rest. */
    es_dedupe_t *dd = q->d->dedupe;
    for (size_t i = 0; i < n && dd; i++)
        if (es__life_in_dedupe(items[i].rec))
            es__dedupe_prefetch(dd, items[i].rec);
    for (size_t i = 0; i < n; i++) {
        int retried = RETRIED(i);
        free(q->fail_msgs[i]);
        q->fail_msgs[i] = NULL;
        if (!retried)
            release(q, items[i].rec);
    }
#undef RETRIED
    free(items);
    q->completing = 0;
    if (status == ES_SINK_FAIL || (status == ES_SINK_RETRY && !defer))
        episode_fail(q, error, status == ES_SINK_FAIL);
    else if (status == ES_SINK_OK) /* records it rejected alone are not an outage */
        episode_ok(q);
    if (give_up || dead)
        es_log(ctx, ES_LOG_ERROR, "%zu record(s) dead-lettered after %u attempt(s): %s", dead,
               q->attempt, error ? error : "sink failed");
    if (early)
        es_log(ctx, ES_LOG_DEBUG, "attempt %u: %zu record(s) taken by the receiver before the batch's answer, not resent",
               q->attempt, early);
    if (kept) {
        uint64_t delay = retry_after_ms ? retry_after_ms : backoff_ms(ic, q->attempt);
        /* A server's Retry-After is a hint, capped like our own backoff, so a
         * receiver that comes back is tried within retry.max. A deferral is
         * the sink's own schedule. */
        if (!defer && delay > ic->retry_max_ms)
            delay = ic->retry_max_ms;
        /* An outage may last hours: say it at the first failures, then at
         * attempts 2^k only, the rest at debug. */
        es_log_level_t lvl = (q->attempt & (q->attempt - 1)) == 0 ? ES_LOG_WARN : ES_LOG_DEBUG;
        if (defer)
            es_log(ctx, ES_LOG_DEBUG, "batch of %zu deferred for %" PRIu64 " ms: %s", kept, delay,
                   error ? error : "by the sink");
        else if (ic->retry_max_attempts > 0)
            es_log(ctx, lvl, "batch of %zu: retry %u/%" PRId64 " in %" PRIu64 " ms: %s", n,
                   q->attempt, ic->retry_max_attempts, delay, error ? error : "transient error");
        else
            es_log(ctx, lvl, "batch of %zu: attempt %u failed, retry in %" PRIu64 " ms: %s", n,
                   q->attempt, delay, error ? error : "transient error");
        q->backing_off = q->waiting = 1;
        q->retry_at_ms = uv_now(q->d->loop) + delay;
        uv_timer_stop(&q->timer);
        uv_timer_start(&q->timer, on_timer, delay, 0);
        congestion_spend(q);
        /* A failing sink will hold what it has for a while: what skipped
         * the spool gets its rows now rather than spool.delay after it was
         * routed. Not for a deferral, which is routine. */
        if (!defer)
            es__delivery_spool_lazy_all(q->d);
        return;
    }
    q->attempt = 0;
    try_send(q);
    congestion_relieve(q);
    if (!q->in_flight && (!es__sink_queue_pending(q) || es__delivery_host_closing(q->d->host)))
        es__delivery_host_sink_idle(q->d->host, ctx);
}

void es__sink_queue_move(es_sink_queue_t *from, es_sink_queue_t *to)
{
    from->moved = 1;
    /* The replacement may start overflowing (rows of the old queue's
     * records are in the spool); records it takes over must have their
     * rows before, or the straggler pass would give them ids above rows it
     * has yet to load. */
    es__delivery_spool_lazy_all(from->d);
    size_t skip = from->in_flight ? from->batch_n : 0;
    int64_t inflight_rows = 0;
    uint64_t inflight_bytes = 0;
    for (size_t i = 0; i < skip; i++)
        if (at(from, i)->sid > 0) {
            inflight_rows++;
            inflight_bytes += at(from, i)->bytes;
        }
    for (size_t i = skip; i < from->count; i++) {
        es_qitem_t it = *at(from, i);
        if (ring_push(to, it) < 0) {
            es__life_abandon(from->d->life, it.rec);
            release(from, it.rec);
        }
    }
    from->count = skip;
    int had_spill = from->spill_n > 0;
    for (size_t i = 0; i < from->spill_n; i++)
        release(from, from->spill[i].rec); /* spooled: the replacement loads them */
    from->spill_n = 0;
    /* The replacement counted every row at creation, including what the
     * old queue holds in memory; what it must load is what neither has. */
    to->overflow = from->overflow || had_spill;
    to->max_sid = from->max_sid > to->max_sid ? from->max_sid : to->max_sid;
    to->spool_n = from->spool_n - inflight_rows;
    to->spool_bytes = from->spool_bytes - (inflight_bytes < from->spool_bytes ? inflight_bytes : from->spool_bytes);
    from->spool_n = inflight_rows;
    from->spool_bytes = inflight_bytes;
    congestion_set(from, 0);
    try_send(to);
    congestion_check(to);
}

size_t es__sink_queue_release_all(es_sink_queue_t *q, int abandoned)
{
    size_t n = 0;
    size_t skip = q->in_flight ? q->batch_n : 0;
    while (q->count > skip) {
        es_qitem_t *it = at(q, q->count - 1);
        q->count--;
        /* A spooled record is not lost: the next start loads it. */
        if (it->sid <= 0) {
            if (abandoned)
                es__life_abandon(q->d->life, it->rec);
            n++;
        }
        release(q, it->rec);
    }
    for (size_t i = 0; i < q->spill_n; i++)
        release(q, q->spill[i].rec);
    q->spill_n = 0;
    return n;
}

int64_t es__sink_queue_spooled(const es_sink_queue_t *q) { return q->spool_n; }
es_sink_queue_t *es__sink_queue_next(const es_sink_queue_t *q) { return q->d_next; }

int es__sink_queue_lazy_ok(const es_sink_queue_t *q)
{
    /* A full window of a healthy sink is congested: sources pause and what
     * they still emit stays in memory either way (es__sink_queue_push). */
    return !q->backing_off && !q->overflow && !q->spill_n && !q->congest_spent &&
           (q->count < q->mem_max || q->congested);
}

/* Refill loads rows above max_sid: a queue that overflows must not give
 * rows to what it holds in memory (their ids would pass rows still to be
 * loaded), so such a record stays without one and its source waits for its
 * delivery. Every lazy record is spooled before the first spill
 * (es__sink_queue_push), so this is rare: rows requeued by another process
 * while records waited without rows. */
void es__sink_queue_spool_lazy(es_sink_queue_t *q, uint64_t cutoff)
{
    es__txn_t *t = q->d->txn;
    /* The caller opened the transaction; a failed row ends what this pass
     * can do (es__txn_fault). */
    int can = es__txn_writable(t) && es__txn_is_open(t) && !q->overflow && !q->spill_n;
    for (size_t i = 0; i < q->count; i++) {
        es_qitem_t *it = at(q, i);
        es_rec_t *rec = it->rec;
        if (it->sid > 0 || rec->state != ES_REC_LAZY || rec->lazy_at > cutoff)
            continue;
        size_t len = 0;
        const char *json = can ? es_record_json(&rec->pub, &len) : NULL;
        int64_t sid = json ? es__state_spool_add(es__txn_db(t), q->sink->icfg->name, es_record_kind_name(rec->pub.kind),
                                                rec->pub.kind == ES_RECORD_MENTION ? rec->m.id : NULL, json, len)
                           : -1;
        if (sid <= 0) {
            if (can)
                es__txn_fault(t);
            can = 0;
            es__life_unspoolable(q->d->life, rec);
            continue;
        }
        it->sid = sid;
        it->gen = es__txn_gen(t);
        it->bytes = len;
        if (sid > q->max_sid)
            q->max_sid = sid;
        q->spool_n++;
        q->spool_bytes += len;
    }
}

