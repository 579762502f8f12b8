/*
 * Reads a sink's spool rows back on the thread pool: a queue whose
 * records overflowed its memory window loads them here as the window
 * drains, a few thousand rows of record JSON at a time, which on the
 * loop thread was a stall of milliseconds per load in a backlog's drain.
 * The reader has a read-only connection of its own (WAL: it sees what
 * the agent committed, never its open transaction) and runs one read at
 * a time. Loop thread, except the read itself.
 */
#ifndef ES_SPOOL_READER_H
#define ES_SPOOL_READER_H

#include <stddef.h>
#include <stdint.h>

#include <uv.h>

typedef struct es__spool_row {
    int64_t id;
    char *kind, *json; /* json NULL: a row whose record could not be read */
} es__spool_row_t;

typedef struct es__spool_reader es__spool_reader_t;

/* status 0: rows[0..n) are the rows read, oldest first, owned by the
 * reader and valid during the call; negative: the read failed
 * (es__spool_reader_error says why) and n is 0. */
typedef void (*es__spool_read_cb)(void *arg, int status, const es__spool_row_t *rows, size_t n);

/* For state_dir/state.db (copied). ES_ENOMEM. */
int es__spool_reader_new(uv_loop_t *loop, const char *state_dir, es__spool_reader_t **out);
/* Reads at most limit rows of sink with an id above after; cb(arg, ...)
 * runs on the loop when they are in. ES_EAGAIN while a read is under
 * way, ES_ENOMEM, or libuv's error. */
int es__spool_reader_start(es__spool_reader_t *r, const char *sink, int64_t after, int limit,
                           es__spool_read_cb cb, void *arg);
int es__spool_reader_busy(const es__spool_reader_t *r);
const char *es__spool_reader_error(const es__spool_reader_t *r);
/* Frees r at once or, with a read under way, when it ends: cb is then
 * not called. */
void es__spool_reader_free(es__spool_reader_t *r);

#endif
