/*
 * The loop turn's state transaction: every state write of one loop turn
 * (spool rows, dedupe ids, checkpoints, dead letters) goes in one
 * transaction that the agent's check phase commits at the end of the
 * turn, one WAL commit per turn instead of one per record. This module
 * owns whether it is open, its generation (spool rows carry it, so a
 * failed commit can tell which rows never existed) and the fault: the
 * state DB refused a write, and nothing is written until a probe write
 * works again. The pipeline, the sink queues and the agent share one;
 * the agent embeds it. Loop thread.
 */
#ifndef ES_TXN_H
#define ES_TXN_H

#include <stdint.h>

#include "state.h"

typedef struct es__txn {
    es_state_t *db;   /* borrowed; NULL: no state DB, nothing is written */
    int open;
    uint64_t gen;     /* the open transaction's, or the next one's */
    int fault;
    /* What the turn's commits cost the loop thread, which waits for each
     * one: how many, their total and their longest time (nanoseconds). */
    uint64_t n_commits, commit_ns, commit_max_ns;
    char *dir;        /* state_dir, for the log */
    /* Called when a transaction opens: the check phase must come this
     * turn to commit it. */
    void (*opened)(void *arg);
    void *arg;
} es__txn_t;

/* db may be NULL. dir is copied (ES_ENOMEM). opened(arg) runs each time a
 * transaction opens, never re-entering the caller of es__txn_open. */
int es__txn_init(es__txn_t *t, es_state_t *db, const char *dir, void (*opened)(void *), void *arg);
void es__txn_free(es__txn_t *t);

void es__txn_begin_slow(es__txn_t *t);
/* Opens the turn's transaction unless one is open (a failed BEGIN leaves
 * none: callers check es__txn_is_open before writing). Per record on the
 * hot path, hence inline. */
static inline void es__txn_open(es__txn_t *t)
{
    if (!t->open && t->db)
        es__txn_begin_slow(t);
}
static inline int es__txn_is_open(const es__txn_t *t) { return t->open; }
static inline uint64_t es__txn_gen(const es__txn_t *t) { return t->gen; }
static inline es_state_t *es__txn_db(const es__txn_t *t) { return t->db; }
/* Non-zero while the state DB refuses writes: sources pause, records
 * stay in memory. */
static inline int es__txn_faulty(const es__txn_t *t) { return t->fault; }
/* Writable: a state DB without a fault (what routing asks before it
 * spools). */
static inline int es__txn_writable(const es__txn_t *t) { return t->db && !t->fault; }

/* A write failed: marks the fault (logged once per episode). */
void es__txn_fault(es__txn_t *t);
/* Ends the open transaction (the caller checked one is): commits it when
 * ok (the caller's last writes before the commit worked), else, or when
 * the commit fails, rolls it back, logs and marks the fault. Either way
 * the generation moves on. Returns 1 when committed. */
int es__txn_commit(es__txn_t *t, int ok);
/* While faulty: a real write (a spool row added and deleted) in a
 * transaction of its own, after committing the open one (none may be open
 * for it: commit first). Returns 1 when it worked and the fault is
 * cleared, 0 otherwise. */
int es__txn_probe(es__txn_t *t);

#endif
