/*
 * WAL checkpoints off the loop thread. The state DB runs in WAL mode; left
 * to SQLite, a commit that finds the WAL over its limit copies the WAL
 * back into the database and fsyncs it right there, on the loop thread,
 * stalling every source and sink for as long as the disk takes (tens to
 * hundreds of ms for the agent's 16 MiB WAL). The agent instead watches the
 * WAL's size after each commit and runs a PASSIVE checkpoint on libuv's
 * thread pool, through a connection of its own, which never blocks the
 * loop's writes. Under a steady stream of commits such a checkpoint never
 * catches up with the WAL's end, so past 64 MiB the loop thread runs one
 * itself (short: the thread pool copied most). CLI commands keep SQLite's
 * automatic checkpoints.
 */
#ifndef ES_STATE_CKPT_H
#define ES_STATE_CKPT_H

#include <uv.h>

#include "state.h"

typedef struct es_state_ckpt es_state_ckpt_t;

/* Takes over st's checkpoints, on loop's thread pool. Loop thread. Returns
 * 0 or ES_ENOMEM (then SQLite's automatic checkpoints stay). */
int es__state_ckpt_start(es_state_t *st, uv_loop_t *loop, es_state_ckpt_t **out);
/* Waits for a checkpoint in flight (running the loop), hands checkpoints
 * back to SQLite and frees c. Before es__state_close(). NULL is a no-op. */
void es__state_ckpt_stop(es_state_ckpt_t *c);
/* Checkpoints run on the thread pool so far, and in *on_loop (may be
 * NULL) those the loop thread had to run because the WAL outgrew 64 MiB
 * under a steady stream of commits. */
unsigned long es__state_ckpt_count(const es_state_ckpt_t *c, unsigned long *on_loop);

#endif
