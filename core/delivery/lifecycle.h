/*
 * A record's life in the agent, from es_emit() to its source's ack. This
 * module is its one owner: it alone changes es_rec_t.state, counts the
 * records in memory, keeps the two lists a record can wait in (routed
 * without spool rows; spooled in the open transaction), tells a source its
 * record was accepted (the ack callback and the checkpoint's track) and
 * frees it. The pipeline, the sink queues and the agent call these at the
 * moments of a record's life; none of them touches the state, the
 * counters, the lists, the ack or the track itself. Loop thread.
 *
 *                 ┌──────── lazy ───────► LAZY ─── unspoolable ───┐
 *   enter ──► PENDING ◄───────────────────┼──────────────────────┘
 *                 │  ▲ committed(!ok)      │ spool
 *           spool ▼  │                     ▼
 *               SPOOLED ── committed(ok) ──► ACCEPTED
 *
 *   abandon: PENDING, LAZY, SPOOLED ──► ABANDONED (an ACCEPTED record stays)
 *   finish (the last reference gone): from any state, queued; the loop's
 *   check phase completes it (es__life_run_finished): its source is told
 *   accepted unless ABANDONED, and its id leaves the dedupe in-flight set
 *   (remembered as delivered unless ABANDONED)
 *   drop (a duplicate, never routed): finished at once, told accepted
 *
 * Why a spooled record that is abandoned (its sink let go of it at
 * shutdown) still becomes ACCEPTED when its transaction commits: its rows
 * are then durable and the next start delivers them.
 */
#ifndef ES_LIFECYCLE_H
#define ES_LIFECYCLE_H

#include <stddef.h>
#include <stdint.h>

#include "mention.h"

struct es_dedupe;

typedef struct es_life {
    uint64_t in_flight;        /* records in memory, from enter to leave */
    uint64_t in_flight_bytes;
    /* SPOOLED records (and those abandoned since): each holds a reference
     * until the transaction their rows are in ends. */
    es_rec_t **spooled;
    size_t n_spooled, cap_spooled;
    /* LAZY records, oldest first (routing order, so lazy_at ascends). */
    es_rec_t *lazy_head, *lazy_tail;
    /* Records whose last reference is gone, to be completed by the loop
     * (es__life_run_finished), linked through lazy_next. */
    es_rec_t *fin_head, *fin_tail;
    uint64_t n_lazy_direct;  /* taken by every sink without a spool row */
    uint64_t n_lazy_spooled; /* spooled by a straggler pass */
    /* Called when the finished list stops being empty: the loop's check
     * phase must come to complete it (the agent's wake). Once per turn,
     * not per record. NULL: nobody to tell (tests). */
    void (*finished)(void *arg);
    void *finished_arg;
} es_life_t;

/* Frees the lists' memory (the records are gone by then). */
void es__life_free(es_life_t *l);

/* The record is in memory: PENDING, counted against queue.max_records
 * and the memory figures, with one reference (the caller's). */
void es__life_enter(es_life_t *l, es_rec_t *rec);
/* A record read back from a spool row: in memory as es__life_enter, but
 * ACCEPTED from the start (its source was told in an earlier run, or
 * before the row was requeued). */
void es__life_enter_loaded(es_life_t *l, es_rec_t *rec);
/* Routed without spool rows at loop time now_ms (spool.delay): PENDING ->
 * LAZY, at the tail of the lazy list. */
void es__life_lazy(es_life_t *l, es_rec_t *rec, uint64_t now_ms);
/* The oldest LAZY record routed at or before cutoff_ms, or NULL. */
es_rec_t *es__life_lazy_due(const es_life_t *l, uint64_t cutoff_ms);
/* A LAZY record some sink could not give a spool row: PENDING again, out
 * of the lazy list; its source waits for its delivery (the pre-spool
 * rule). Other states: no change. */
void es__life_unspoolable(es_life_t *l, es_rec_t *rec);
/* Its rows are in every sink holding it, in the open transaction: PENDING
 * or LAZY -> SPOOLED, listed with one more reference until the commit.
 * ES_ENOMEM: the record stays in memory under the pre-spool rule (PENDING). */
int es__life_spool(es_life_t *l, es_rec_t *rec);
/* The spooled records of the transaction that just ended, taken off the
 * list (*n of them); each gets es__life_committed and then drops the
 * reference es__life_spool took. The array stays valid until the next
 * es__life_spool. */
es_rec_t **es__life_take_spooled(es_life_t *l, size_t *n);
/* The transaction holding its rows ended. ok: ACCEPTED (its source told,
 * its id out of the in-flight set of dd, which the rows' transaction
 * already remembers); not ok: in memory only, PENDING again (ABANDONED
 * stays). dd may be NULL. */
void es__life_committed(struct es_dedupe *dd, es_rec_t *rec, int ok);
/* Dropped undelivered (shutdown, a queue that could not take it, a dead
 * letter that could not be stored): ABANDONED, so its source reads it
 * again and its checkpoint does not pass it. An ACCEPTED record stays
 * accepted: its spool rows deliver it on the next start. */
void es__life_abandon(es_life_t *l, es_rec_t *rec);
/* The last reference is gone: out of the lazy list and queued for
 * completion. Nothing else happens on the caller's stack, so a sink
 * queue releasing a batch, the pipeline or the commit never run a
 * source's ack callback, its checkpoint or a resume under their feet
 * (libuv's pending-close pattern). Still counted in memory until it is
 * completed, so a shutdown waits for it. */
void es__life_finish(es_life_t *l, es_rec_t *rec);
/* Drops one reference of rec; the last one finishes it (es__life_finish).
 * What the pipeline, the queues and the commit call when they let go. */
static inline void es__life_release(es_life_t *l, es_rec_t *rec)
{
    if (--rec->refs == 0)
        es__life_finish(l, rec);
}
/* Completes the finished records, oldest first, including any finished
 * meanwhile (an ack callback may emit): each one's id out of dd's
 * in-flight set, its source told (accepted unless ABANDONED), uncounted,
 * freed. Called by the agent's check phase. Returns how many. dd may be
 * NULL. */
size_t es__life_run_finished(es_life_t *l, struct es_dedupe *dd);
/* A record dropped before it was routed (a duplicate): finished, and told
 * accepted when completed; the id in the in-flight set stays (it is the
 * first copy's). */
void es__life_drop(es_life_t *l, es_rec_t *rec);

/* Its id is in the dedupe in-flight set: a mention that passed the dedupe
 * check (es__dedupe_check set id_hash, never 0) and is not accepted yet. */
static inline int es__life_in_dedupe(const es_rec_t *rec)
{
    return rec->id_hash != 0 && rec->state != ES_REC_ACCEPTED;
}

#endif
