/*
 * Negative-spike detector: counts negative and all mentions per brand (and
 * per owner team / network when spike.by says so) in buckets of mention
 * time, compares each closed bucket with a seasonal baseline and emits alert
 * records when an episode begins and when it ends. See docs/spikes.md.
 *
 * Loop thread only: the detector uses the caller's state DB connection.
 */
#ifndef ES_SPIKE_H
#define ES_SPIKE_H

#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "mention.h"
#include "state.h"

typedef struct es_spike es_spike_t;

/* Called for each alert record the detector produces: kind "alert" fields
 * (a jansson object the callee takes the reference to). */
typedef void (*es_spike_emit_fn)(void *ud, json_t *alert);

/* st: the state DB (owned by the caller); the detector keeps its series
 * there (core/state/spike_store.c) and reloads baselines and open
 * episodes from it. Returns 0 or negative ES_E*; problems with config
 * values go to diag as file:line where possible. st may be NULL (nothing
 * persisted). With spike.enabled = false the detector is inert (every
 * call a no-op, nothing written). */
int es__spike_new(const es_config_t *cfg, es_state_t *st, es_spike_emit_fn emit, void *ud,
                 es_spike_t **out, es_diag_t *diag);

/* One mention after the brand, inventory and sentiment stages. Cheap: a
 * hash look-up per series, and a word split for negative mentions. Advances
 * the detector clock to the mention time, which closes buckets (and may
 * emit alerts from inside this call). */
void es__spike_observe(es_spike_t *sp, const es_rec_t *rec);

/* Wall-clock tick (daemon mode, every 1 s..60 s). Wall time drives the clock
 * only once the stream is live, i.e. once the newest mention time came
 * within spike.bucket + spike.grace of the wall clock: a full-speed replay
 * of old mentions is driven by mention time alone. */
void es__spike_tick(es_spike_t *sp, int64_t now_s);

/* End of a --once run or shutdown: closes the buckets whose end + grace has
 * passed (on the wall clock too when the stream is live, as a tick would)
 * and persists baselines, open buckets and open episodes. Returns 0 or
 * negative (ES_EDB). */
int es__spike_flush(es_spike_t *sp);

void es__spike_free(es_spike_t *sp);

/* Counters, for logs and tests. */
typedef struct es_spike_stats {
    uint64_t observed;   /* mentions counted into a bucket */
    uint64_t late;       /* mentions whose bucket had already closed */
    uint64_t ignored;    /* no brand, no date, or dated in the future */
    uint64_t buckets;    /* buckets closed, all series */
    uint64_t began, ended; /* alert records emitted */
    uint64_t series;     /* series known */
    uint64_t db_errors;
} es_spike_stats_t;
void es__spike_get_stats(const es_spike_t *sp, es_spike_stats_t *out);

/* The detector clock (newest mention time, or wall time once live). */
int64_t es__spike_clock(const es_spike_t *sp);

#endif
