/*
 * A record's life in the agent, from es_emit() to its source's ack: the
 * one place that counts records in memory, tells a source its record was
 * accepted (the ack callback and the checkpoint's track), and frees it.
 * The pipeline, the sink queues and the agent call these four at the four
 * moments of a record's life; none of them touches the counters, the ack
 * or the track itself. Loop thread.
 *
 *   enter ──► (routed, queued, spooled) ──► accepted ──► leave
 *     └──► drop (a duplicate: accepted and gone at once)
 */
#ifndef ES_LIFECYCLE_H
#define ES_LIFECYCLE_H

#include "agent.h"
#include "mention.h"

/* The record is in memory: counted against queue.max_records and the
 * memory figures, with one reference (the caller's). */
void es__life_enter(es_agent_t *a, es_rec_t *rec);
/* Durable for its source (spooled and committed, or delivered): its ack
 * callback says so and its source's checkpoint may pass it. Once per
 * record; a record a core stage made (no source) has nothing to tell. */
void es__life_accepted(es_rec_t *rec);
/* The last reference is gone: uncounted, its source told (accepted,
 * unless it was abandoned at shutdown: then the source reads it again and
 * its checkpoint does not move past it), freed. */
void es__life_leave(es_agent_t *a, es_rec_t *rec);
/* A record dropped before it was routed (a duplicate): accepted and gone. */
void es__life_drop(es_agent_t *a, es_rec_t *rec);

#endif
