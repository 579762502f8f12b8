/*
 * Per-sink delivery: an in-memory FIFO of records routed to the sink,
 * batched (batch.max, batch.linger), one batch in flight, retried with
 * exponential backoff and full jitter, dead-lettered on FAIL or after
 * retry.max_attempts.
 */
#ifndef ES_SINK_QUEUE_H
#define ES_SINK_QUEUE_H

#include <stddef.h>

#include "instance.h"

typedef struct es_sink_queue es_sink_queue_t;

int es_sink_queue_new(es_ctx_t *sink, es_sink_queue_t **out);
/* Takes one reference of rec. Returns 0 or ES_ENOMEM. */
int es_sink_queue_push(es_sink_queue_t *q, es_rec_t *rec);
/* Moves queued (not in-flight) records to another queue (a reloaded sink
 * of the same name). */
void es_sink_queue_move(es_sink_queue_t *from, es_sink_queue_t *to);
/* Flushes now, ignoring linger (shutdown, --once). */
void es_sink_queue_flush(es_sink_queue_t *q);
size_t es_sink_queue_depth(const es_sink_queue_t *q);
int es_sink_queue_busy(const es_sink_queue_t *q); /* a batch is in flight */
/* Releases every queued (not in-flight) record without delivering it.
 * abandoned = 1 (shutdown): the sources' checkpoints stay before them, so
 * they are re-read on the next start. abandoned = 0 (the sink was removed
 * from the config): they count as handled. Returns how many. */
size_t es_sink_queue_release_all(es_sink_queue_t *q, int abandoned);
/* Closes the timer; frees once closed. */
void es_sink_queue_free(es_sink_queue_t *q);

#endif
