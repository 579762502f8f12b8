#include "sink_queue.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "log.h"
#include "util.h"

struct es_sink_queue {
    es_ctx_t *sink;
    es_rec_t **ring;
    size_t head, count, cap;
    /* The batch in flight: its records stay at the ring's head until the
     * sink answers, so a RETRY re-sends exactly them, in order. */
    es_batch_t batch;
    const es_record_t **batch_recs;
    char **fail_msgs; /* per-record FAIL reasons from es_batch_fail_record */
    size_t batch_n;
    int in_flight;
    int completing;    /* inside es_batch_done: releasing records must not send */
    unsigned attempt;  /* attempts made for the head batch */
    int waiting;       /* timer armed: linger or backoff */
    int due;           /* linger expired: send even a partial batch */
    int backing_off;
    uv_timer_t timer;
};

static void try_send(es_sink_queue_t *q);

static void on_timer(uv_timer_t *t)
{
    es_sink_queue_t *q = t->data;
    q->waiting = 0;
    q->backing_off = 0;
    q->due = 1;
    try_send(q);
}

int es_sink_queue_new(es_ctx_t *sink, es_sink_queue_t **out)
{
    es_sink_queue_t *q = calloc(1, sizeof *q);
    if (!q)
        return ES_ENOMEM;
    q->sink = sink;
    uv_timer_init(sink->agent->loop, &q->timer);
    q->timer.data = q;
    *out = q;
    return 0;
}

static void on_closed(uv_handle_t *h)
{
    es_sink_queue_t *q = h->data;
    free(q->ring);
    free(q->batch_recs);
    free(q->fail_msgs);
    free(q);
}

void es_sink_queue_free(es_sink_queue_t *q)
{
    if (!q)
        return;
    es_sink_queue_release_all(q, 1);
    uv_timer_stop(&q->timer);
    uv_close((uv_handle_t *)&q->timer, on_closed);
}

static es_rec_t *at(const es_sink_queue_t *q, size_t i)
{
    return q->ring[(q->head + i) % q->cap];
}

static int ring_grow(es_sink_queue_t *q)
{
    size_t nc = q->cap ? q->cap * 2 : 256;
    es_rec_t **nr = malloc(nc * sizeof *nr);
    if (!nr)
        return ES_ENOMEM;
    for (size_t i = 0; i < q->count; i++)
        nr[i] = at(q, i);
    free(q->ring);
    q->ring = nr;
    q->head = 0;
    q->cap = nc;
    return 0;
}

static int ring_push(es_sink_queue_t *q, es_rec_t *rec)
{
    if (q->count == q->cap && ring_grow(q) < 0)
        return ES_ENOMEM;
    q->ring[(q->head + q->count) % q->cap] = rec;
    q->count++;
    return 0;
}

/* Puts a record back at the head (a retried batch keeps its place). */
static int ring_unshift(es_sink_queue_t *q, es_rec_t *rec)
{
    if (q->count == q->cap && ring_grow(q) < 0)
        return ES_ENOMEM;
    q->head = (q->head + q->cap - 1) % q->cap;
    q->ring[q->head] = rec;
    q->count++;
    return 0;
}

static es_rec_t *ring_pop(es_sink_queue_t *q)
{
    es_rec_t *r = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    return r;
}

static void release(es_sink_queue_t *q, es_rec_t *rec)
{
    (void)q;
    if (--rec->refs == 0)
        es_agent_record_done(q->sink->agent, rec);
}

int es_sink_queue_push(es_sink_queue_t *q, es_rec_t *rec)
{
    int rc = ring_push(q, rec);
    if (rc == 0)
        try_send(q);
    return rc;
}

size_t es_sink_queue_depth(const es_sink_queue_t *q) { return q->count; }
int es_sink_queue_busy(const es_sink_queue_t *q) { return q->in_flight; }

static void send_batch(es_sink_queue_t *q)
{
    es_ctx_t *s = q->sink;
    size_t n = q->count < (size_t)s->icfg->batch_max ? q->count : (size_t)s->icfg->batch_max;
    const es_record_t **recs = realloc(q->batch_recs, n * sizeof *recs);
    char **msgs = realloc(q->fail_msgs, n * sizeof *msgs);
    if (recs)
        q->batch_recs = recs;
    if (msgs)
        q->fail_msgs = msgs;
    if (!recs || !msgs) {
        /* Out of memory: try again shortly rather than drop anything. */
        q->waiting = 1;
        uv_timer_start(&q->timer, on_timer, 1000, 0);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        recs[i] = &at(q, i)->pub;
        msgs[i] = NULL;
    }
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
    if (q->in_flight || q->completing || q->backing_off || q->count == 0 ||
        s->phase != ES_PHASE_RUNNING)
        return;
    int full = q->count >= (size_t)s->icfg->batch_max;
    int urgent = s->agent->shutting_down || s->draining ||
                 (s->agent->once && es_agent_sources_idle(s->agent));
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
    send_batch(q);
}

void es_sink_queue_flush(es_sink_queue_t *q)
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
    if (!q || batch != &q->batch || index >= q->batch_n || q->fail_msgs[index])
        return;
    q->fail_msgs[index] = es_strdup(error ? error : "rejected by sink");
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
    return d ? es_rand_below(d + 1) : 0;
}

void es_batch_done(es_ctx_t *ctx, es_batch_t *batch, es_sink_status_t status,
                   uint64_t retry_after_ms, const char *error)
{
    es_sink_queue_t *q = ctx->queue;
    if (!q || batch != &q->batch || !q->in_flight) {
        es_log(ctx, ES_LOG_ERROR, "es_batch_done called for a batch that is not in flight");
        return;
    }
    q->in_flight = 0;
    q->completing = 1;
    size_t n = q->batch_n;
    const es_instance_cfg_t *ic = ctx->icfg;
    int give_up = status == ES_SINK_FAIL ||
                  (status == ES_SINK_RETRY && q->attempt >= (unsigned)ic->retry_max_attempts);
    /* Detach the batch from the ring first: releasing a record can run
     * arbitrary completion code, which must find the queue consistent. */
    es_rec_t **recs = (es_rec_t **)q->batch_recs;
    for (size_t i = 0; i < n; i++)
        recs[i] = ring_pop(q);
    /* Pass 1: dead letters and counts. A record is retried when the
     * batch is retried and it was not failed on its own. */
    size_t kept = 0, dead = 0;
    for (size_t i = 0; i < n; i++) {
        if (q->fail_msgs[i] || give_up) {
            const char *why = q->fail_msgs[i] ? q->fail_msgs[i] : error ? error : "sink failed";
            es_agent_dead_letter(ctx->agent, ctx, recs[i], why, q->attempt);
            dead++;
        } else if (status == ES_SINK_RETRY) {
            kept++;
        } else {
            ctx->n_delivered++;
        }
    }
#define RETRIED(i) (status == ES_SINK_RETRY && !give_up && !q->fail_msgs[i])
    /* Pass 2: survivors of a RETRY keep their place at the head, in order. */
    for (size_t i = n; i-- > 0;)
        if (RETRIED(i) && ring_unshift(q, recs[i]) < 0)
            ring_push(q, recs[i]); /* order lost, record kept */
    /* Pass 3: the queue is consistent again; release the rest. */
    for (size_t i = 0; i < n; i++) {
        int retried = RETRIED(i);
        free(q->fail_msgs[i]);
        q->fail_msgs[i] = NULL;
        if (!retried)
            release(q, recs[i]);
    }
#undef RETRIED
    q->completing = 0;
    if (give_up || dead)
        es_log(ctx, ES_LOG_ERROR, "%zu record(s) dead-lettered after %u attempt(s): %s", dead,
               q->attempt, error ? error : "sink failed");
    if (kept) {
        uint64_t delay = retry_after_ms ? retry_after_ms : backoff_ms(ic, q->attempt);
        es_log(ctx, ES_LOG_WARN, "batch of %zu: retry %u/%" PRId64 " in %" PRIu64 " ms: %s", n,
               q->attempt, ic->retry_max_attempts, delay, error ? error : "transient error");
        q->backing_off = q->waiting = 1;
        uv_timer_stop(&q->timer);
        uv_timer_start(&q->timer, on_timer, delay, 0);
        return;
    }
    q->attempt = 0;
    try_send(q);
    if (!q->in_flight && (q->count == 0 || ctx->agent->shutting_down))
        es_agent_sink_idle(ctx->agent, ctx);
}

void es_sink_queue_move(es_sink_queue_t *from, es_sink_queue_t *to)
{
    size_t skip = from->in_flight ? from->batch_n : 0;
    for (size_t i = skip; i < from->count; i++) {
        es_rec_t *r = at(from, i);
        if (ring_push(to, r) < 0) {
            r->abandoned = 1;
            release(from, r);
        }
    }
    from->count = skip;
    try_send(to);
}

size_t es_sink_queue_release_all(es_sink_queue_t *q, int abandoned)
{
    size_t n = 0;
    size_t skip = q->in_flight ? q->batch_n : 0;
    while (q->count > skip) {
        es_rec_t *r = at(q, q->count - 1);
        q->count--;
        r->abandoned |= abandoned;
        release(q, r);
        n++;
    }
    return n;
}
