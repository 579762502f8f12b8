/*
 * The state DB's figures that /metrics and /health show per sink: rows,
 * bytes and oldest row of its spool, rows in its dead-letter table. They
 * are counts over the spool's rows (bytes sits after the record in each
 * row, so a big spool is read whole), which took the loop thread tens of
 * milliseconds a render on a spool of a million rows: they are read on
 * the thread pool over a read-only connection of their own, and a render
 * shows the last figures read. Loop thread, except where said.
 */
#ifndef ES_DBSTATS_H
#define ES_DBSTATS_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

typedef struct es__sink_figures {
    char *sink;
    int64_t spooled, bytes, oldest; /* oldest: enqueue time, 0 when empty */
    int64_t dead;                   /* dead letters; -1: unknown (a read failed) */
} es__sink_figures_t;

typedef struct es__dbstats es__dbstats_t;

/* Reads state_dir/state.db (copied) from now on. updated(arg) runs on the
 * loop each time new figures are in. ES_ENOMEM. */
int es__dbstats_new(uv_loop_t *loop, const char *state_dir, void (*updated)(void *), void *arg,
                    es__dbstats_t **out);
/* Starts reading the figures of these sinks (names copied) on the thread
 * pool, unless a read is under way: the next refresh asks again. */
void es__dbstats_refresh(es__dbstats_t *s, const char *const *sinks, size_t n);
/* The same read, on the caller's thread, at once (start-up, before the
 * loop runs: the first render has figures). */
void es__dbstats_refresh_now(es__dbstats_t *s, const char *const *sinks, size_t n);
/* The last figures read for sink, or NULL (not read yet, or not a sink
 * then). Valid until control returns to the loop. */
const es__sink_figures_t *es__dbstats_get(const es__dbstats_t *s, const char *sink);
const char *es__dbstats_dir(const es__dbstats_t *s);
/* Frees s, at once or, with a read under way, when it ends (its result
 * is dropped and updated is not called). */
void es__dbstats_free(es__dbstats_t *s);

#endif
