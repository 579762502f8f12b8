/*
 * PostgreSQL backend internals, shared by pg_conn.c (connecting, schema,
 * the socket watcher, reconnecting) and pg_write.c (batches).
 */
#ifndef ES_SQL_PG_H
#define ES_SQL_PG_H

#include <libpq-fe.h>

#include "backend.h"
#include "plan.h"
#include "row.h"

#ifndef LIBPQ_HAS_PIPELINING
#error "the sql plugin needs libpq 14 or newer (pipeline mode)"
#endif

typedef enum {
    PG_DOWN = 0,   /* no connection; the reconnect timer runs */
    PG_CONNECTING, /* PQconnectPoll in progress */
    PG_SETUP,      /* schema check/migration and PREPAREs */
    PG_READY,      /* idle, the socket watched for a close */
    PG_BUSY,       /* a batch pipeline is in flight */
    PG_STOPPING,
} pg_phase_t;

struct sql_pg {
    es_ctx_t *ctx;
    uv_loop_t *loop;
    char *dsn, *password, *passfile;
    char *masked; /* the DSN as logged */
    uint64_t timeout_ms, reconnect_max_ms, backoff_ms;
    uint64_t next_attempt; /* uv_now of the next connection attempt */
    PGconn *conn;
    uv_poll_t *poll;       /* on PQsocket(conn); replaced when the socket changes */
    int poll_fd, poll_events;
    uv_timer_t reconnect_timer, op_timer;
    int open_handles;      /* for stop: handles not closed yet */
    pg_phase_t phase;
    char last_error[512];
    int ever_connected;
    int cancelling;        /* a PQcancel job is on the thread pool */

    /* Setup: a chain of commands, one in flight at a time. */
    int setup_step, schema_from;
    int64_t step_value;    /* first column of the last row a step returned */
    char step_error[512];
    char step_sqlstate[6];

    /* The batch in flight (or held while connecting). */
    es_batch_t *batch;
    sql_rows_t rows;
    unsigned char *refused; /* per row: 1 once the server refused it */
    unsigned char *single;  /* per row: its multi-row insert was refused,
                               so it goes alone to find the culprit */
    char **refused_msg;
    sql_plan_t plan;        /* this round's statements */
    int rows_per_insert;
    size_t n_sent, n_results; /* statements of this round, results read */
    size_t n_sent_rows;
    /* The parameters of the statement being sent: values, and the text
     * of its numbers (32 bytes a parameter at most). */
    const char *vals[SQL_PLAN_KMAX * SQL_MAX_COLS];
    char nums[SQL_PLAN_KMAX * SQL_MAX_COLS * 32];
    size_t round_refused;   /* rows refused in this round */
    char round_error[512];  /* an error that is not the record's fault */
    size_t cap;
    /* The COPY path (pg_copy.c): on once the staging tables exist; the
     * batch's COPY data, table after table; the COPY being fed. */
    int copy_ok, copy;
    char *cbuf;
    size_t cbuf_len, cbuf_cap;
    int n_copy, copy_next, copy_fault;
    int copy_direct;       /* this attempt: straight into the tables */
    int direct_skip;       /* batches to go by staging before trying that again */
    char copy_state[6];    /* SQLSTATE of the attempt's first error */
    int copy_table[SQL_N_TABLES];
    size_t copy_at[SQL_N_TABLES], copy_len[SQL_N_TABLES];
    /* For the log at stop: rows committed, transactions, time in rounds. */
    uint64_t n_rows, n_batches, busy_ns, round_t0;
    uint64_t n_by_copy, n_direct, n_copy_refused; /* batches committed by COPY, of them
                                                     straight; COPYs refused */
};

/* pg_conn.c */
/* The prepared insert of sql_plan_size[size] rows of table. */
void sqlpg_stmt_name(char *dst, size_t cap, int table, int size);
/* libpq's message on one line, white space collapsed. */
void sqlpg_one_line(char *dst, size_t cap, const char *src);
void sqlpg_watch(sql_pg_t *pg, int events);
/* Flushes libpq's output buffer; watches for writability while data
 * remains. Returns 0, or -1 when the connection broke. */
int sqlpg_flush(sql_pg_t *pg);
/* Drops the connection, answers RETRY for a batch in flight and arms the
 * reconnect timer. `why` is logged (never contains the password). */
void sqlpg_lost(sql_pg_t *pg, const char *why);
void sqlpg_arm_op_timer(sql_pg_t *pg);

/* pg_write.c */
/* The connection is ready: send the held batch, if any. */
void sqlpg_batch_resume(sql_pg_t *pg);
/* Results may be readable for the batch in flight. */
void sqlpg_batch_input(sql_pg_t *pg);
/* The connection is gone: complete the batch in flight with RETRY. */
void sqlpg_batch_abort(sql_pg_t *pg, const char *why);
void sqlpg_batch_free(sql_pg_t *pg);
/* Sends the batch's rows as pipelined inserts (every row not refused). */
void sqlpg_batch_send_round(sql_pg_t *pg);
/* Completes the batch in flight: refused rows failed, then es_batch_done. */
void sqlpg_batch_complete(sql_pg_t *pg, es_sink_status_t status, uint64_t retry_after, const char *err);
/* 1 when the server refused a statement for its rows' own data. */
int sqlpg_row_fault(const PGresult *r);

/* pg_copy.c */
/* 1 when the batch may go by COPY (its plan built, no segment cut). */
int sqlpg_copy_eligible(const sql_pg_t *pg);
/* Sends the batch by COPY: straight into the tables unless a recent batch
 * met ids already there, else through the staging tables. */
void sqlpg_copy_send(sql_pg_t *pg);
/* Results may be readable for the COPY batch in flight. */
void sqlpg_copy_input(sql_pg_t *pg);

#endif
