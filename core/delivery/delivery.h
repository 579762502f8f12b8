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
    struct es_dedupe *dedupe; /* answered batches prefetch their ids; NULL: none */
    void *host;               /* passed back to es__delivery_host_* */
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
/* Gives every record routed without spool rows its rows now, in every
 * queue (es__sink_queue_spool_lazy with no cutoff), and accepts it. Called
 * before a queue spills, when a sink answered RETRY and before a reloaded
 * sink takes over a queue's records. */
void es__delivery_host_spool_lazy_all(void *host);
/* sink's queue emptied, or the agent is closing and nothing is in flight
 * (a draining sink may stop now). */
void es__delivery_host_sink_idle(void *host, es_ctx_t *sink);

#endif
