/*
 * Per-sink delivery: a FIFO of records routed to the sink, backed by the
 * sink's spool in the state DB (a row per record, deleted when the sink
 * answered OK or the record was dead-lettered), batched (batch.max,
 * batch.linger), one batch in flight, retried with exponential backoff and
 * full jitter capped at retry.max, dead-lettered on FAIL (or after
 * retry.max_attempts when the admin set one; by default a transient failure
 * is retried until it is delivered, the spool limits bounding it). Memory
 * holds a window of the spool; the rest is loaded back as it drains.
 */
#ifndef ES_SINK_QUEUE_H
#define ES_SINK_QUEUE_H

#include <stddef.h>

#include "delivery.h"
#include "instance.h"

typedef struct es_sink_queue es_sink_queue_t;

/* A queue for sink, sharing d (which outlives it). Loads the spool's
 * figures from the state DB. ES_ENOMEM. */
int es__sink_queue_new(es__delivery_t *d, es_ctx_t *sink, es_sink_queue_t **out);
/* Takes one reference of rec. sid: its spool row (0: not spooled), bytes:
 * the row's size. Returns 0 or ES_ENOMEM. */
int es__sink_queue_push(es_sink_queue_t *q, es_rec_t *rec, int64_t sid, size_t bytes);
/* The state transaction gen ended: ok, its rows are durable and records
 * kept only for them may leave memory; failed, they never existed. */
void es__sink_queue_committed(es_sink_queue_t *q, uint64_t gen, int ok);
/* Every 2 s: sends what waits only in the spool (left by an earlier run)
 * and notices rows added by another process (spool retry). */
void es__sink_queue_poll_spool(es_sink_queue_t *q);
/* Non-zero while records wait: in memory or only in the spool. */
int es__sink_queue_pending(const es_sink_queue_t *q);
/* Non-zero when the spool holds at least fraction of spool.max_records or
 * spool.max_bytes. */
int es__sink_queue_over_limit(const es_sink_queue_t *q, double fraction);
/* Flow control. A healthy sink whose memory window fills is "congested":
 * sources pause (es_backpressure) until it has drained to half, so a fast
 * sink that merely lags a burst never pays for spilling records to the
 * spool and reading them back. A sink that is failing (backing off), or
 * that stays full for ES_CONGESTION_MAX_MS, stops holding sources back:
 * its records spill to the spool and the other sinks keep flowing. Called
 * by the agent's periodic timer with the loop time (ms). */
void es__sink_queue_tick(es_sink_queue_t *q, uint64_t now_ms);
int64_t es__sink_queue_spooled(const es_sink_queue_t *q);
/* Non-zero when a record routed now may skip the spool (spool.delay): the
 * sink is healthy, its memory window has room (or it is congested, and the
 * record stays in memory anyway) and nothing of it waits only in the
 * spool. */
int es__sink_queue_lazy_ok(const es_sink_queue_t *q);
/* The straggler pass (es__delivery_spool_lazy, in the open state
 * transaction): gives a spool row to each record routed without one at or
 * before cutoff (loop ms) that this sink still holds; one it cannot give a
 * row (the DB refused, or the queue overflows) leaves the LAZY state
 * (es__life_unspoolable), so its source waits for its delivery instead. */
void es__sink_queue_spool_lazy(es_sink_queue_t *q, uint64_t cutoff);
/* The next queue of the same es__delivery_t (es__delivery_t.queues). */
es_sink_queue_t *es__sink_queue_next(const es_sink_queue_t *q);
/* Moves queued (not in-flight) records to another queue (a reloaded sink
 * of the same name). */
void es__sink_queue_move(es_sink_queue_t *from, es_sink_queue_t *to);
/* Flushes now, ignoring linger (shutdown, --once). */
void es__sink_queue_flush(es_sink_queue_t *q);
size_t es__sink_queue_depth(const es_sink_queue_t *q);
int es__sink_queue_busy(const es_sink_queue_t *q); /* a batch is in flight */
/* Releases every queued (not in-flight) record without delivering it.
 * Spooled ones stay in the spool for the next start. Unspooled ones:
 * abandoned = 1 (shutdown), the sources' checkpoints stay before them, so
 * they are re-read on the next start; abandoned = 0 (the sink was removed
 * from the config), they count as handled. Returns how many unspooled
 * records were released. */
size_t es__sink_queue_release_all(es_sink_queue_t *q, int abandoned);
/* The sink's delivery health for /health and metrics. last_error is owned
 * by the queue, valid until the next batch completes. */
typedef struct es_sink_health {
    int64_t failing_since_s;  /* first failure of the current episode; 0: ok */
    unsigned failed_attempts; /* batches answered RETRY/FAIL since */
    const char *last_error;   /* NULL when ok */
    int backing_off;          /* waiting before the next attempt */
    uint64_t retry_in_ms;     /* when backing off */
} es_sink_health_t;
void es__sink_queue_health(const es_sink_queue_t *q, es_sink_health_t *h);
/* The spool's fill: the larger of rows / spool.max_records and bytes /
 * spool.max_bytes (sources pause at 1). */
double es__sink_queue_spool_fill(const es_sink_queue_t *q);
/* Closes the timer; frees once closed. */
void es__sink_queue_free(es_sink_queue_t *q);

/* Completes every batch whose sink answered (es_batch_done) before this
 * call, in answer order: dead letters, spool rows, record release, the
 * next send. Called from the agent's check phase only, so completion
 * never runs on a sink's stack. */
void es__sink_queue_run_done(es__delivery_t *d);

#endif
