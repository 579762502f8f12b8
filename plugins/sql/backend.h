/*
 * The two backends of the sql sink. Each writes batches of rows (row.h)
 * idempotently and completes them with es_batch_done() on the loop thread.
 */
#ifndef ES_SQL_BACKEND_H
#define ES_SQL_BACKEND_H

#include <stdint.h>

#include <earshot/plugin.h>

/* ---- SQLite: one connection used by one thread-pool job at a time ----- */

typedef struct sql_lite sql_lite_t;

typedef struct sql_lite_opts {
    const char *path;
    uint64_t busy_timeout_ms;
    const char *synchronous; /* "full" | "normal" | "off" */
    int rows_per_insert;     /* 64, 8 or 1 */
} sql_lite_opts_t;

/* Opens (creating it mode 0640) and migrates the database. Runs at start,
 * before any batch, so a bad path stops the agent with a clear message.
 * Returns 0 or ES_EDB/ES_EIO after logging why. */
int sql_lite_open(es_ctx_t *ctx, const sql_lite_opts_t *o, sql_lite_t **out);
int sql_lite_write(sql_lite_t *l, es_batch_t *batch);
/* Closes the database off the loop thread, then calls es_stopped(). */
void sql_lite_stop(sql_lite_t *l);
void sql_lite_free(sql_lite_t *l);

/* ---- PostgreSQL: libpq's asynchronous API on the loop ----------------- */

typedef struct sql_pg sql_pg_t;

typedef struct sql_pg_opts {
    const char *dsn;
    const char *password;  /* "" = none (libpq's own lookup applies) */
    const char *passfile;  /* "" = libpq's default (~/.pgpass, PGPASSFILE) */
    uint64_t timeout_ms;   /* connecting, setting up, one batch */
    uint64_t reconnect_max_ms;
    int rows_per_insert;   /* 64, 8 or 1 */
} sql_pg_opts_t;

/* Checks the DSN and allocates; no I/O. */
int sql_pg_new(es_ctx_t *ctx, const sql_pg_opts_t *o, sql_pg_t **out);
/* Starts connecting; a server that is down is retried with backoff. */
int sql_pg_start(sql_pg_t *pg);
int sql_pg_write(sql_pg_t *pg, es_batch_t *batch);
/* Closes the connection and handles, then calls es_stopped(). */
void sql_pg_stop(sql_pg_t *pg);
void sql_pg_free(sql_pg_t *pg);

#endif
