/*
 * The spike detector's memory in the state DB (core/spike keeps the logic
 * and the JSON): one row per series holding its state as a JSON document
 * only the detector reads, and a few named integers (bucket length,
 * clock). Loop thread, like the rest of the state DB.
 */
#ifndef ES_STATE_SPIKE_STORE_H
#define ES_STATE_SPIKE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "state.h"

typedef struct es_state_spike_series {
    const char *key, *brand, *owner, *network, *topic; /* owner, network, topic may be NULL */
    const char *state;                                /* JSON */
} es_state_spike_series_t;

typedef struct es_state_spike_meta {
    const char *key;
    int64_t value;
} es_state_spike_meta_t;

/* Sets row's names for series i (kept until the next call) and returns
 * its state, malloc'd (the store frees it), or NULL when out of memory. */
typedef char *(*es_state_spike_fill_fn)(void *ud, size_t i, es_state_spike_series_t *row);

/* Writes n series from fill (replacing rows of the same key, updated at
 * `at`), then the n_meta values, inside a SAVEPOINT: all or nothing, and
 * nested in a transaction the caller may have open. 0, ES_ENOMEM, or
 * ES_EDB with SQLite's reason in err. */
int es__state_spike_save(es_state_t *st, size_t n, es_state_spike_fill_fn fill, void *ud, int64_t at,
                        const es_state_spike_meta_t *meta, size_t n_meta, char *err, size_t errlen);

/* 1 with *v when key has a value, 0 when not, ES_EDB. */
int es__state_spike_meta_get(es_state_t *st, const char *key, int64_t *v);

/* Calls cb for every series row, in the order they were first written
 * (row strings are valid during the call). A non-zero return from cb stops
 * the walk and is returned; otherwise 0 or ES_EDB. */
typedef int (*es_state_spike_row_fn)(void *ud, const es_state_spike_series_t *row);
int es__state_spike_each(es_state_t *st, es_state_spike_row_fn cb, void *ud);

/* Forgets every series and value. 0 or ES_EDB. */
int es__state_spike_clear(es_state_t *st);

#endif
