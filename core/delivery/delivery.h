/*
 * What every sink queue of an agent shares, and what the queues need from
 * the program that runs them. The agent embeds one es__delivery_t and
 * hands it to each queue it creates (es__sink_queue_new); the queues own
 * its counters and lists, the agent reads them through the functions
 * below. Loop thread.
 *
 * The queues never reach into the agent: what they need from it is the
 * es__delivery_host_* functions declared here, which the agent implements
 * (core/agent/agent.c), given the host pointer it set. None of them runs
 * a queue's completion or re-enters the queue that calls it: they only
 * read the agent's state, resume sources, stop an instance or arm the
 * loop's wake.
 */
#ifndef ES_DELIVERY_H
#define ES_DELIVERY_H

#include <stdint.h>

#include <uv.h>

#include "instance.h"
#include "lifecycle.h"
#include "txn.h"

struct es_sink_queue;
struct es_dedupe;

/* The batches sinks answered (es_batch_done), in answer order, until the
 * agent's check phase completes them (es__sink_queue_run_done); n_failed
 * of them answered RETRY or FAIL, and sources pause while any does
 * (es_backpressure), as they would have if the failure had been handled
 * on the spot. Only sink_queue.c changes it. */
typedef struct es__done_list {
    struct es_sink_queue *head, **tail;
    unsigned n_failed;
} es__done_list_t;

typedef struct es__delivery {
    uv_loop_t *loop;
    es__txn_t *txn;           /* the loop turn's state writes */
    es_life_t *life;          /* the records' lifecycle */
    struct es_dedupe *dedupe; /* ids remembered with spool rows, prefetched at answers */
    void *host;               /* passed back to es__delivery_host_* */
    struct es_sink_queue *queues; /* every queue, newest first (sink_queue.c links them) */
    es__done_list_t done;
    unsigned n_congested;     /* sinks whose memory window is full while healthy */
    uint64_t n_dead_run;      /* records dead-lettered by this run */
} es__delivery_t;

/* Before the first queue is created. txn, life and loop outlive every
 * queue; dedupe may be set later. */
void es__delivery_init(es__delivery_t *d, uv_loop_t *loop, es__txn_t *txn, es_life_t *life, void *host);

/* Non-zero while a sink holds sources back (es_backpressure, resume): a
 * congested one, or an answered RETRY/FAIL not completed yet. */
static inline int es__delivery_holds_sources(const es__delivery_t *d)
{
    return d->n_congested || d->done.n_failed;
}
/* Records dead-lettered since the start. */
static inline uint64_t es__delivery_dead_lettered(const es__delivery_t *d) { return d->n_dead_run; }

/* The straggler pass. Routing may skip the spool for a source's record
 * (spool.delay): it is LAZY (es__life_lazy), its sinks get it with no
 * spool row. This gives every LAZY record routed at or before cutoff (loop
 * ms) that a queue still holds its rows, in the open transaction (opened
 * here unless the state DB is faulty), and accepts it (es__life_spool);
 * one that cannot get a row in every queue holding it stays in memory
 * under the pre-spool rule (es__life_unspoolable). The agent runs it once
 * per loop turn before the commit; dedupe must be set. */
void es__delivery_spool_lazy(es__delivery_t *d, uint64_t cutoff);
/* The straggler pass with no cutoff, for when waiting is pointless or
 * unsafe: routing had to spool a source's record (row ids keep routing
 * order), a sink answered RETRY, a queue is about to overflow (it then
 * loads rows by id, so the rows of what it holds in memory must exist
 * first) or hands its records to a reloaded sink. */
static inline void es__delivery_spool_lazy_all(es__delivery_t *d) { es__delivery_spool_lazy(d, UINT64_MAX); }

/* ---- implemented by the host (core/agent/agent.c) ---------------------- */

/* The loop's check phase must run this turn: an answer was recorded. */
void es__delivery_host_wake(void *host);
/* Non-zero once the agent is shutting down: queues send without
 * lingering, and a sink's emptied queue is reported even if rows wait. */
int es__delivery_host_closing(void *host);
/* Non-zero in --once when every source has finished: nothing more will
 * come, so queues send without lingering. */
int es__delivery_host_sources_done(void *host);
/* A sink stopped holding sources back (congestion over, a failure
 * completed): sources resume if nothing else holds them. */
void es__delivery_host_resume(void *host);
/* sink's queue emptied, or the agent is closing and nothing is in flight
 * (a draining sink may stop now). */
void es__delivery_host_sink_idle(void *host, es_ctx_t *sink);

#endif
