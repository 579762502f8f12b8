/*
 * PostgreSQL batches: the rows of a batch as executions of prepared
 * multi-row inserts (plan.h: 64, 8 or 1 rows each; 20,700 rows/s where
 * one row a statement wrote 16,800, and 22% less of the agent's CPU,
 * bench/sql on a loaded machine), all sent in one pipeline and
 * ended by one Sync, so the batch is one implicit transaction and one
 * round trip. When the server refuses a statement for a row's own data
 * (SQLSTATE class 22, data exception, or 23, integrity constraint), the
 * transaction rolls back; a one-row statement's row is set aside as
 * failed, the rows of a bigger one are sent alone in the next round, and
 * the rest is sent again: k bad rows cost at most 2k extra rounds and no
 * savepoints. Any other error, or a lost connection, is a RETRY of the
 * whole batch; the inserts are idempotent, so a batch whose COMMIT did
 * happen before the connection broke is harmless to send again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pg.h"
#include "schema.h"


void sqlpg_batch_complete(sql_pg_t *pg, es_sink_status_t status, uint64_t retry_after, const char *err)
{
    es_batch_t *b = pg->batch;
    pg->batch = NULL;
    for (size_t i = 0; i < pg->rows.n; i++)
        if (pg->refused[i]) {
            const char *msg = pg->refused_msg[i] ? pg->refused_msg[i] : "refused by the server";
            es_log(pg->ctx, ES_LOG_WARN, "refused: %s", msg);
            es_batch_fail_record(pg->ctx, b, pg->rows.v[i].index, msg);
            free(pg->refused_msg[i]);
            pg->refused_msg[i] = NULL;
        }
    sql_rows_clear(&pg->rows);
    es_batch_done(pg->ctx, b, status, retry_after, err);
}

static int grow(sql_pg_t *pg, size_t n)
{
    if (n <= pg->cap)
        return 0;
    unsigned char *r = realloc(pg->refused, n);
    if (r)
        pg->refused = r;
    char **m = realloc(pg->refused_msg, n * sizeof *m);
    if (m)
        pg->refused_msg = m;
    unsigned char *s = realloc(pg->single, n);
    if (s)
        pg->single = s;
    if (!r || !m || !s)
        return ES_ENOMEM;
    pg->cap = n;
    return 0;
}

/* Sends every row not refused yet, then a Sync. */
void sqlpg_batch_send_round(sql_pg_t *pg)
{
    PGconn *c = pg->conn;
    if (sql_plan_build(&pg->plan, &pg->rows, pg->rows_per_insert, pg->refused, pg->single) < 0) {
        sqlpg_lost(pg, "out of memory");
        return;
    }
    if (!PQenterPipelineMode(c)) {
        sqlpg_lost(pg, "cannot enter pipeline mode");
        return;
    }
    pg->n_sent = pg->n_results = pg->round_refused = pg->n_sent_rows = 0;
    pg->round_t0 = uv_hrtime();
    pg->round_error[0] = 0;
    /* Integers and reals as text, 24 bytes each at most ("%.17g"). */
    for (size_t s = 0; s < pg->plan.n_st; s++) {
        const sql_plan_stmt_t *ps = &pg->plan.st[s];
        int nc = sql_table_ncols(ps->table), k = sql_plan_size[ps->size];
        char *num = pg->nums;
        for (int j = 0; j < k; j++) {
            const sql_row_t *r = &pg->rows.v[pg->plan.order[ps->at + (size_t)j]];
            for (int i = 0; i < nc; i++) {
                const sql_val_t *v = &r->v[i];
                const char **out = &pg->vals[j * nc + i];
                switch (v->t) {
                case SQL_NULL: *out = NULL; break;
                case SQL_TEXT: *out = v->s; break;
                case SQL_INT:
                    *out = num;
                    num += snprintf(num, 32, "%" PRId64, v->i) + 1;
                    break;
                case SQL_REAL:
                    *out = num;
                    num += snprintf(num, 32, "%.17g", v->d) + 1;
                    break;
                }
            }
        }
        char name[64];
        sqlpg_stmt_name(name, sizeof name, ps->table, ps->size);
        if (!PQsendQueryPrepared(c, name, nc * k, pg->vals, NULL, NULL, 0)) {
            char msg[512];
            snprintf(msg, sizeof msg, "cannot send: %s", PQerrorMessage(c));
            sqlpg_lost(pg, msg);
            return;
        }
        pg->n_sent++;
        pg->n_sent_rows += (size_t)k;
    }
    if (pg->n_sent == 0) {
        PQexitPipelineMode(c);
        sqlpg_batch_complete(pg, ES_SINK_OK, 0, NULL);
        return;
    }
    if (!PQpipelineSync(c)) {
        sqlpg_lost(pg, "cannot end the pipeline");
        return;
    }
    pg->phase = PG_BUSY;
    sqlpg_arm_op_timer(pg);
    sqlpg_flush(pg);
}

static void start_batch(sql_pg_t *pg)
{
    if (pg->rows.n == 0) {
        sqlpg_batch_complete(pg, ES_SINK_OK, 0, NULL);
        return;
    }
    if (sql_plan_build(&pg->plan, &pg->rows, pg->rows_per_insert, NULL, NULL) < 0) {
        sqlpg_lost(pg, "out of memory");
        return;
    }
    if (sqlpg_copy_eligible(pg))
        sqlpg_copy_send(pg);
    else
        sqlpg_batch_send_round(pg);
}

int sql_pg_write(sql_pg_t *pg, es_batch_t *batch)
{
    if (pg->phase == PG_DOWN || pg->phase == PG_STOPPING) {
        uint64_t now = uv_now(pg->loop);
        uint64_t after = pg->next_attempt > now ? pg->next_attempt - now + 100 : 0;
        char msg[800];
        snprintf(msg, sizeof msg, "not connected to %s: %s", pg->masked,
                 pg->last_error[0] ? pg->last_error : "not started");
        es_batch_done(pg->ctx, batch, ES_SINK_RETRY, after, msg);
        return 0;
    }
    int rc = sql_rows_build(pg->ctx, &pg->rows, batch, (int64_t)time(NULL));
    if (rc < 0)
        return rc;
    if (grow(pg, pg->rows.n) < 0) {
        sql_rows_clear(&pg->rows);
        return ES_ENOMEM;
    }
    memset(pg->refused, 0, pg->rows.n);
    memset(pg->single, 0, pg->rows.n);
    memset(pg->refused_msg, 0, pg->rows.n * sizeof *pg->refused_msg);
    pg->batch = batch;
    /* While connecting the batch waits here; sqlpg_batch_resume sends it. */
    if (pg->phase == PG_READY)
        start_batch(pg);
    return 0;
}

void sqlpg_batch_resume(sql_pg_t *pg)
{
    if (pg->batch && pg->phase == PG_READY)
        start_batch(pg);
}

void sqlpg_batch_abort(sql_pg_t *pg, const char *why)
{
    pg->copy = 0;
    if (!pg->batch)
        return;
    char msg[700];
    snprintf(msg, sizeof msg, "%s: %s", pg->masked, why);
    /* Retrying before the next connection attempt would only spend an
     * attempt on "not connected". */
    uint64_t now = uv_now(pg->loop);
    sqlpg_batch_complete(pg, ES_SINK_RETRY, pg->next_attempt > now ? pg->next_attempt - now + 50 : 0, msg);
}

/* A refusal that is the row's own fault: bad data or a constraint. */
int sqlpg_row_fault(const PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return state && (strncmp(state, "22", 2) == 0 || strncmp(state, "23", 2) == 0);
}

static void round_done(sql_pg_t *pg)
{
    if (!PQexitPipelineMode(pg->conn)) {
        sqlpg_lost(pg, "pipeline not idle after its sync");
        return;
    }
    uv_timer_stop(&pg->op_timer);
    pg->busy_ns += uv_hrtime() - pg->round_t0;
    pg->phase = PG_READY;
    sqlpg_watch(pg, UV_READABLE);
    if (!pg->conn)
        return;
    if (pg->round_error[0]) {
        char msg[700];
        snprintf(msg, sizeof msg, "%s: %s", pg->masked, pg->round_error);
        sqlpg_batch_complete(pg, ES_SINK_RETRY, 0, msg);
    } else if (pg->round_refused) {
        sqlpg_batch_send_round(pg); /* nothing committed: again without the refused */
    } else {
        pg->n_rows += pg->n_sent_rows;
        pg->n_batches++;
        sqlpg_batch_complete(pg, ES_SINK_OK, 0, NULL);
    }
}

void sqlpg_batch_input(sql_pg_t *pg)
{
    if (pg->copy) {
        sqlpg_copy_input(pg);
        return;
    }
    int nulls = 0;
    while (pg->conn && !PQisBusy(pg->conn)) {
        PGresult *r = PQgetResult(pg->conn);
        if (!r) {
            /* One NULL ends each command's results; two in a row mean
             * nothing more is queued. */
            if (++nulls == 2)
                break;
            continue;
        }
        nulls = 0;
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_PIPELINE_SYNC) {
            PQclear(r);
            round_done(pg);
            return;
        }
        const sql_plan_stmt_t *ps = pg->n_results < pg->n_sent ? &pg->plan.st[pg->n_results] : NULL;
        size_t row = ps ? pg->plan.order[ps->at] : (size_t)-1;
        pg->n_results++;
        if (st == PGRES_FATAL_ERROR || st == PGRES_NONFATAL_ERROR || st == PGRES_BAD_RESPONSE) {
            char msg[512];
            sqlpg_one_line(msg, sizeof msg, PQresultErrorMessage(r));
            if (ps && sql_plan_size[ps->size] > 1 && sqlpg_row_fault(r)) {
                /* One of its rows is at fault: each goes alone next. */
                for (int j = 0; j < sql_plan_size[ps->size]; j++)
                    pg->single[pg->plan.order[ps->at + (size_t)j]] = 1;
                pg->round_refused++;
            } else if (ps && sqlpg_row_fault(r)) {
                const sql_row_t *rw = &pg->rows.v[row];
                char full[700];
                snprintf(full, sizeof full, "%s %s: %s", sql_table_name(rw->table), rw->id, msg);
                pg->refused[row] = 1;
                pg->refused_msg[row] = strdup(full);
                pg->round_refused++;
            } else if (!pg->round_error[0]) {
                snprintf(pg->round_error, sizeof pg->round_error, "%s", msg);
            }
        }
        PQclear(r);
    }
    if (pg->conn && PQstatus(pg->conn) == CONNECTION_BAD)
        sqlpg_lost(pg, "connection lost");
}

void sqlpg_batch_free(sql_pg_t *pg)
{
    if (pg->refused_msg)
        for (size_t i = 0; i < pg->rows.n && i < pg->cap; i++)
            free(pg->refused_msg[i]);
    sql_rows_free(&pg->rows);
    free(pg->refused);
    free(pg->single);
    free(pg->refused_msg);
    free(pg->cbuf);
    sql_plan_free(&pg->plan);
}
