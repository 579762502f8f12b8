/*
 * PostgreSQL batches by COPY, in one simple-query message, which
 * PostgreSQL runs as one implicit transaction: it commits whole or not at
 * all.
 *
 * First try, straight: `COPY mentions (...) FROM STDIN; COPY
 * mention_brands ...`, the rows as COPY data. A batch of ids new to the
 * database (an import, the live stream) is then written with no upsert at
 * all. If one id is there already the primary key refuses it (SQLSTATE
 * 23505), nothing is committed, and the batch goes again through staging:
 * COPY into the session's temporary staging tables, then one INSERT ...
 * SELECT a table with the one-row inserts' conflict clauses, so a
 * re-delivered id is updated, never doubled; the commit empties the
 * staging tables (ON COMMIT DELETE ROWS). After such a refusal the next
 * STAGED_AFTER_CONFLICT batches go through staging at once (a re-import
 * into a full database would pay two attempts a batch otherwise).
 *
 * Why: the server's CPU a row (bench/sql, 180,058 rows) was 16 us with
 * pipelined 64-row prepared inserts (the Bind of 1,856 parameters, the
 * VALUES list's expressions and its plan are paid per statement), 14 us
 * through staging, and 7.5 us straight (COPY parses rows in one loop and
 * there is no conflict check; the rest is the indexes).
 *
 * Only batches whose rows may go in any order take this path: no
 * deletion record, no id (or mention and brand) twice (plan.h: no segment
 * cut), since one INSERT ... SELECT cannot update a row twice. A refusal
 * that is a row's own fault (SQLSTATE class 22 or 23, other than the
 * straight attempt's 23505) rolls the whole message back and the batch
 * goes again through the pipelined inserts (pg_write.c), which find the
 * culprit and write the rest. Exactly-once-by-id holds on every path.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg.h"
#include "schema.h"

#define STAGED_AFTER_CONFLICT 16

/* The tables a batch's COPYs and INSERTs go in: mentions before their
 * brand and topic rows (a re-delivered mention's update deletes the old
 * ones by trigger before the new ones go in), as plan.c sends them. */
static const int copy_order[] = {SQL_T_MENTION, SQL_T_MENTION_BRAND, SQL_T_MENTION_TOPIC, SQL_T_ALERT,
                                 SQL_T_ACCOUNT};
#define N_COPY ((int)(sizeof copy_order / sizeof *copy_order))

static int buf_reserve(sql_pg_t *pg, size_t more)
{
    if (pg->cbuf_len + more <= pg->cbuf_cap)
        return 0;
    size_t cap = pg->cbuf_cap ? pg->cbuf_cap : 65536;
    while (cap < pg->cbuf_len + more)
        cap *= 2;
    char *b = realloc(pg->cbuf, cap);
    if (!b)
        return ES_ENOMEM;
    pg->cbuf = b;
    pg->cbuf_cap = cap;
    return 0;
}

/* A text value in COPY's text format: backslash, tab, newline and CR
 * escaped; every other byte as it is (the server checks the encoding). */
static int put_text(sql_pg_t *pg, const char *s)
{
    size_t n = strlen(s);
    if (buf_reserve(pg, 2 * n) < 0)
        return ES_ENOMEM;
    char *o = pg->cbuf + pg->cbuf_len;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        default: *o++ = (char)*p;
        }
    }
    pg->cbuf_len = (size_t)(o - pg->cbuf);
    return 0;
}

/* One row as a COPY line: the values as the pipelined path sends them. */
static int put_row(sql_pg_t *pg, const sql_row_t *r)
{
    int nc = sql_table_ncols(r->table);
    for (int i = 0; i < nc; i++) {
        const sql_val_t *v = &r->v[i];
        if (buf_reserve(pg, 40) < 0)
            return ES_ENOMEM;
        char *o = pg->cbuf + pg->cbuf_len;
        if (i)
            *o++ = '\t', pg->cbuf_len++;
        switch (v->t) {
        case SQL_NULL: memcpy(o, "\\N", 2); pg->cbuf_len += 2; break;
        case SQL_TEXT:
            if (put_text(pg, v->s) < 0)
                return ES_ENOMEM;
            break;
        case SQL_INT: pg->cbuf_len += (size_t)snprintf(o, 32, "%" PRId64, v->i); break;
        case SQL_REAL: pg->cbuf_len += (size_t)snprintf(o, 32, "%.17g", v->d); break;
        }
    }
    if (buf_reserve(pg, 1) < 0)
        return ES_ENOMEM;
    pg->cbuf[pg->cbuf_len++] = '\n';
    return 0;
}

int sqlpg_copy_eligible(const sql_pg_t *pg)
{
    if (!pg->copy_ok || pg->rows_per_insert != SQL_PLAN_KMAX || pg->plan.n_cut)
        return 0;
    for (size_t i = 0; i < pg->rows.n; i++)
        if (pg->rows.v[i].table == SQL_T_WITHDRAWN)
            return 0;
    return 1;
}

/* Appends s to the query text; 0 or ES_ENOMEM. */
static int sql_add(char **q, size_t *len, size_t *cap, const char *s)
{
    if (!s)
        return ES_ENOMEM;
    size_t n = strlen(s);
    if (*len + n + 3 > *cap) {
        size_t c = (*len + n + 3) * 2;
        char *b = realloc(*q, c);
        if (!b)
            return ES_ENOMEM;
        *q = b;
        *cap = c;
    }
    memcpy(*q + *len, s, n);
    *len += n;
    memcpy(*q + *len, "; ", 3);
    *len += 2;
    return 0;
}

static void copy_send(sql_pg_t *pg, int direct)
{
    /* The COPY data of each table, one after the other in cbuf. */
    pg->cbuf_len = 0;
    pg->n_copy = 0;
    for (int t = 0; t < N_COPY; t++) {
        size_t from = pg->cbuf_len;
        for (size_t i = 0; i < pg->rows.n; i++)
            if (pg->rows.v[i].table == copy_order[t] && put_row(pg, &pg->rows.v[i]) < 0) {
                sqlpg_lost(pg, "out of memory");
                return;
            }
        if (pg->cbuf_len > from) {
            pg->copy_table[pg->n_copy] = copy_order[t];
            pg->copy_at[pg->n_copy] = from;
            pg->copy_len[pg->n_copy++] = pg->cbuf_len - from;
        }
    }
    if (pg->n_copy == 0) {
        sqlpg_batch_complete(pg, ES_SINK_OK, 0, NULL);
        return;
    }
    /* Statements from the schema's constants only; the data is COPY's. */
    char *q = NULL;
    size_t len = 0, cap = 0;
    int rc = 0;
    for (int k = 0; rc == 0 && k < pg->n_copy; k++) {
        char *s = sql_pg_copy_sql(pg->copy_table[k], !direct);
        rc = sql_add(&q, &len, &cap, s);
        free(s);
    }
    for (int k = 0; rc == 0 && !direct && k < pg->n_copy; k++) {
        char *s = sql_pg_stage_insert_sql(pg->copy_table[k]);
        rc = sql_add(&q, &len, &cap, s);
        free(s);
    }
    if (rc < 0) {
        free(q);
        sqlpg_lost(pg, "out of memory");
        return;
    }
    pg->copy_next = 0;
    pg->copy_fault = 0;
    pg->copy_direct = direct;
    pg->copy_state[0] = 0;
    pg->round_error[0] = 0;
    pg->round_t0 = uv_hrtime();
    int ok = PQsendQuery(pg->conn, q);
    free(q);
    if (!ok) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot send: %s", PQerrorMessage(pg->conn));
        sqlpg_lost(pg, msg);
        return;
    }
    pg->copy = 1;
    pg->phase = PG_BUSY;
    sqlpg_arm_op_timer(pg);
    sqlpg_flush(pg);
}

void sqlpg_copy_send(sql_pg_t *pg)
{
    int direct = pg->direct_skip == 0;
    if (pg->direct_skip)
        pg->direct_skip--;
    copy_send(pg, direct);
}

/* The server asks for the next table's rows. */
static int copy_in(sql_pg_t *pg)
{
    if (pg->copy_next >= pg->n_copy) {
        PQputCopyEnd(pg->conn, "earshot: no more COPY data");
        return 0;
    }
    int k = pg->copy_next++;
    /* One message of a whole table's rows: libpq grows its buffer for
     * it and sqlpg_flush() sends it as the socket takes it. */
    if (PQputCopyData(pg->conn, pg->cbuf + pg->copy_at[k], (int)pg->copy_len[k]) != 1 ||
        PQputCopyEnd(pg->conn, NULL) != 1) {
        char msg[512];
        snprintf(msg, sizeof msg, "cannot send COPY data: %s", PQerrorMessage(pg->conn));
        sqlpg_lost(pg, msg);
        return -1;
    }
    return sqlpg_flush(pg);
}

static void copy_done(sql_pg_t *pg)
{
    pg->copy = 0;
    uv_timer_stop(&pg->op_timer);
    pg->busy_ns += uv_hrtime() - pg->round_t0;
    pg->phase = PG_READY;
    sqlpg_watch(pg, UV_READABLE);
    if (!pg->conn)
        return;
    if (pg->copy_direct && strcmp(pg->copy_state, "23505") == 0) {
        /* An id already there: rolled back, again with the upserts. */
        es_log(pg->ctx, ES_LOG_DEBUG, "COPY met an id already written (%s); the batch goes again by staging",
               pg->round_error);
        pg->round_error[0] = 0;
        pg->direct_skip = STAGED_AFTER_CONFLICT;
        copy_send(pg, 0);
    } else if (pg->copy_fault) {
        /* Rolled back: the pipelined inserts find the refused rows. */
        es_log(pg->ctx, ES_LOG_DEBUG, "COPY refused (%s); the batch goes again row by row", pg->round_error);
        pg->round_error[0] = 0;
        pg->n_copy_refused++;
        sqlpg_batch_send_round(pg);
    } else if (pg->round_error[0]) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s: %s", pg->masked, pg->round_error);
        sqlpg_batch_complete(pg, ES_SINK_RETRY, 0, msg);
    } else {
        pg->n_rows += pg->rows.n;
        pg->n_batches++;
        pg->n_by_copy++;
        pg->n_direct += (uint64_t)pg->copy_direct;
        sqlpg_batch_complete(pg, ES_SINK_OK, 0, NULL);
    }
}

void sqlpg_copy_input(sql_pg_t *pg)
{
    while (pg->conn && !PQisBusy(pg->conn)) {
        PGresult *r = PQgetResult(pg->conn);
        if (!r) { /* the whole message is done */
            copy_done(pg);
            return;
        }
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_COPY_IN) {
            PQclear(r);
            if (copy_in(pg) < 0)
                return;
            continue;
        }
        if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR || st == PGRES_BAD_RESPONSE) {
            if (!pg->round_error[0]) {
                const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
                sqlpg_one_line(pg->round_error, sizeof pg->round_error, PQresultErrorMessage(r));
                pg->copy_fault = sqlpg_row_fault(r);
                snprintf(pg->copy_state, sizeof pg->copy_state, "%s", state ? state : "");
            }
        }
        PQclear(r);
    }
    if (pg->conn && PQstatus(pg->conn) == CONNECTION_BAD)
        sqlpg_lost(pg, "connection lost");
}
