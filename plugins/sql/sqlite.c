/*
 * SQLite backend: WAL mode, a busy timeout, and every batch written in one
 * transaction by a libuv thread-pool job, so the loop never waits on disk,
 * as multi-row inserts (plan.h: 64 rows a statement cost the writer 9.6
 * instead of 14.9 us of CPU a mention, bench/sql/insert_bench).
 * The connection is only ever used by one thread at a time: the opening
 * code at start, then one job per batch (the core hands a sink one batch at
 * a time), then the closing job.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "plan.h"
#include "row.h"
#include "schema.h"
#include "sqlite_bind.h"

typedef struct bad_rec {
    size_t index;
    char *msg;
} bad_rec_t;

struct sql_lite {
    es_ctx_t *ctx;
    char *path;
    sqlite3 *db;
    /* Prepared on first use, by the job (most batches need only a few of
     * the sizes; the 64-row mention insert is 1,856 parameters). */
    sqlite3_stmt *ins[SQL_N_TABLES][SQL_PLAN_SIZES];
    uv_work_t work;
    es_batch_t *batch;
    sql_rows_t rows;
    sql_plan_t plan;
    int rows_per_insert;
    /* Results of the job, read back on the loop thread. */
    es_sink_status_t status;
    char err[1024];
    bad_rec_t *bad;
    size_t n_bad, cap_bad;
    /* For the log at stop: what was written and the time spent in jobs. */
    uint64_t n_rows, n_batches, work_ns, cpu_ns;
};

static int exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    snprintf(err, errlen, "%s", msg ? msg : sqlite3_errmsg(db));
    sqlite3_free(msg);
    return ES_EDB;
}

/* The version recorded in the database, 0 when there is none yet, or -1.
 * A plain read: in WAL mode it does not wait for another writer. */
static int read_version(sqlite3 *db, char *err, size_t errlen)
{
    sqlite3_stmt *q = NULL;
    int v = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
                           -1, &q, NULL) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
        goto out;
    if (sqlite3_column_int(q, 0) == 0) {
        v = 0;
        goto out;
    }
    sqlite3_finalize(q);
    if (sqlite3_prepare_v2(db, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        goto out;
    v = sqlite3_column_int(q, 0);
out:
    if (v < 0)
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(q);
    return v;
}

static int check_newer(int version, char *err, size_t errlen)
{
    if (version <= sql_schema_latest())
        return 0;
    snprintf(err, errlen, "schema version %d is newer than this plugin's %d (written by a newer earshot?)", version,
             sql_schema_latest());
    return ES_EDB;
}

/* Brings the schema to the latest version in one transaction. A database
 * written by a newer earshot is refused rather than guessed at. An
 * up-to-date database needs no write lock, so a start does not wait for
 * another writer. */
static int migrate(sqlite3 *db, int *from, char *err, size_t errlen)
{
    int version = read_version(db, err, errlen);
    *from = version;
    if (version < 0 || check_newer(version, err, errlen) < 0)
        return ES_EDB;
    if (version == sql_schema_latest())
        return 0;
    if (exec(db, "BEGIN IMMEDIATE", err, errlen) < 0)
        return ES_EDB;
    sqlite3_stmt *q = NULL;
    int rc = ES_EDB;
    if (exec(db, sql_schema_version_table(SQL_SQLITE), err, errlen) < 0)
        goto out;
    /* Another agent may have migrated while we waited for the lock. */
    if ((version = read_version(db, err, errlen)) < 0 || check_newer(version, err, errlen) < 0)
        goto out;
    *from = version;
    for (int v = version + 1; v <= sql_schema_latest(); v++) {
        if (exec(db, sql_schema_migration(SQL_SQLITE, v), err, errlen) < 0)
            goto out;
        if (sqlite3_prepare_v2(db, "INSERT INTO schema_version (version, applied_at) VALUES (?1, ?2)", -1, &q,
                               NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s", sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_bind_int(q, 1, v);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)time(NULL));
        if (sqlite3_step(q) != SQLITE_DONE) {
            snprintf(err, errlen, "%s", sqlite3_errmsg(db));
            goto out;
        }
        sqlite3_finalize(q);
        q = NULL;
    }
    rc = exec(db, "COMMIT", err, errlen);
out:
    sqlite3_finalize(q);
    if (rc < 0)
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

int sql_lite_open(es_ctx_t *ctx, const sql_lite_opts_t *o, sql_lite_t **out)
{
    sql_lite_t *l = calloc(1, sizeof *l);
    if (!l || !(l->path = strdup(o->path))) {
        free(l);
        return ES_ENOMEM;
    }
    l->ctx = ctx;
    l->rows_per_insert = o->rows_per_insert > 0 ? o->rows_per_insert : SQL_PLAN_KMAX;
    char err[512] = "";
    int from = 0;
    /* Created by hand so the file is not world-readable; sqlite would use
     * 0644. Also names the real reason (EACCES, ENOTDIR, EISDIR...). */
    int fd = open(o->path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        es_log(ctx, ES_LOG_ERROR, "cannot open sqlite:%s: %s", o->path, strerror(errno));
        sql_lite_free(l);
        return ES_EIO;
    }
    close(fd);
    int rc = sqlite3_open_v2(o->path, &l->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, sizeof err, "%s", l->db ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_busy_timeout(l->db, (int)(o->busy_timeout_ms > 600000 ? 600000 : o->busy_timeout_ms));
    sqlite3_extended_result_codes(l->db, 1);
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA synchronous = %s", o->synchronous);
    /* journal_mode answers the mode in force; a read-only file says so. */
    sqlite3_stmt *q = NULL;
    if (sqlite3_prepare_v2(l->db, "PRAGMA journal_mode = WAL", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW) {
        snprintf(err, sizeof err, "%s", sqlite3_errmsg(l->db));
        sqlite3_finalize(q);
        goto fail;
    }
    if (strcmp((const char *)sqlite3_column_text(q, 0), "wal") != 0)
        es_log(ctx, ES_LOG_WARN, "sqlite:%s: WAL mode refused (journal_mode is %s)", o->path,
               (const char *)sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
    /* A multi-row INSERT that may abort (NOT NULL, a trigger) keeps a
     * statement journal, so a refused row undoes only its statement: the
     * old copy of every page the statement changes. On disk that was
     * 180 MB of temp-file writes for 100,000 tweets (1.8x the database);
     * in memory it is a few pages at a time, and 8% less CPU. */
    if (exec(l->db, sql, err, sizeof err) < 0 || exec(l->db, "PRAGMA temp_store = MEMORY", err, sizeof err) < 0 ||
        migrate(l->db, &from, err, sizeof err) < 0)
        goto fail;
    /* One insert prepared now so a schema the plugin cannot write to
     * (a column dropped by hand) stops the start, not the first batch. */
    char *ins = sql_insert_sql(SQL_SQLITE, SQL_T_MENTION);
    if (!ins) {
        sql_lite_free(l);
        return ES_ENOMEM;
    }
    rc = sqlite3_prepare_v3(l->db, ins, -1, SQLITE_PREPARE_PERSISTENT, &l->ins[SQL_T_MENTION][SQL_PLAN_SIZES - 1],
                            NULL);
    free(ins);
    if (rc != SQLITE_OK) {
        snprintf(err, sizeof err, "%s", sqlite3_errmsg(l->db));
        goto fail;
    }
    if (from < sql_schema_latest())
        es_log(ctx, ES_LOG_INFO, "sqlite:%s: schema migrated from version %d to %d", o->path, from,
               sql_schema_latest());
    es_log(ctx, ES_LOG_INFO, "writing to sqlite:%s (schema version %d)", o->path, sql_schema_latest());
    *out = l;
    return 0;
fail:
    es_log(ctx, ES_LOG_ERROR, "cannot open sqlite:%s: %s", o->path, err);
    sql_lite_free(l);
    return ES_EDB;
}

/* ---- one batch, on a pool thread -------------------------------------- */

/* The insert of k = sql_plan_size[size] rows of table, prepared on first
 * use; NULL with the reason in err. */
static sqlite3_stmt *stmt(sql_lite_t *l, int table, int size, char *err, size_t errlen)
{
    sqlite3_stmt **st = &l->ins[table][size];
    if (*st)
        return *st;
    char *sql = sql_insert_sql_rows(SQL_SQLITE, table, sql_plan_size[size]);
    if (!sql) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (sqlite3_prepare_v3(l->db, sql, -1, SQLITE_PREPARE_PERSISTENT, st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(l->db));
        *st = NULL;
    }
    free(sql);
    return *st;
}

/* One statement of the plan: its k rows, order[at .. at + k). Returns the
 * step's result code, or -1 when the statement cannot be prepared. */
static int run_stmt(sql_lite_t *l, int table, int size, const size_t *order, char *err, size_t errlen)
{
    sqlite3_stmt *st = stmt(l, table, size, err, errlen);
    if (!st)
        return -1;
    int nc = sql_table_ncols(table);
    for (int j = 0; j < sql_plan_size[size]; j++)
        sql_sqlite_bind_row(st, j * nc, &l->rows.v[order[j]]);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc;
}

/* A value this row carries that the schema refuses: only the record is at
 * fault. Anything else (busy, disk full, I/O, read-only) is the database's
 * and the whole batch is retried. */
static int record_fault(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_TOOBIG:
        return 1;
    }
    return 0;
}

/* Notes a refused record; -1 when it cannot even be noted (the batch is
 * then retried rather than a refusal lost). */
static int add_bad(sql_lite_t *l, size_t index, const char *msg)
{
    if (l->n_bad == l->cap_bad) {
        size_t nc = l->cap_bad ? 2 * l->cap_bad : 8;
        bad_rec_t *nb = realloc(l->bad, nc * sizeof *nb);
        if (!nb)
            return -1;
        l->bad = nb;
        l->cap_bad = nc;
    }
    l->bad[l->n_bad].index = index;
    l->bad[l->n_bad++].msg = strdup(msg);
    return 0;
}

/* CPU time of the calling thread: on a loaded machine the wall time of a
 * job says more about the neighbours than about the sink. */
static uint64_t thread_cpu_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void on_work(uv_work_t *w)
{
    sql_lite_t *l = w->data;
    char err[256];
    uint64_t t0 = uv_hrtime(), c0 = thread_cpu_ns();
    l->status = ES_SINK_OK;
    l->err[0] = 0;
    if (exec(l->db, "BEGIN IMMEDIATE", err, sizeof err) < 0) {
        l->status = ES_SINK_RETRY;
        snprintf(l->err, sizeof l->err, "sqlite:%s: cannot begin: %s", l->path, err);
        return;
    }
    if (sql_plan_build(&l->plan, &l->rows, l->rows_per_insert, NULL, NULL) < 0) {
        l->status = ES_SINK_RETRY;
        snprintf(l->err, sizeof l->err, "sqlite:%s: out of memory", l->path);
    }
    const size_t *order = l->plan.order;
    for (size_t s = 0; l->status == ES_SINK_OK && s < l->plan.n_st; s++) {
        const sql_plan_stmt_t *ps = &l->plan.st[s];
        int rc = run_stmt(l, ps->table, ps->size, order + ps->at, err, sizeof err);
        if (rc == SQLITE_DONE)
            continue;
        /* A refused row undid its whole statement (and only that): the
         * rows go again one by one to find which. */
        int k = rc >= 0 && record_fault(rc) ? sql_plan_size[ps->size] : 1;
        for (int j = 0; j < k && l->status == ES_SINK_OK; j++) {
            const sql_row_t *r = &l->rows.v[order[ps->at + (size_t)j]];
            if (k > 1)
                rc = run_stmt(l, ps->table, SQL_PLAN_SIZES - 1, order + ps->at + j, err, sizeof err);
            if (rc == SQLITE_DONE)
                continue;
            if (rc >= 0 && record_fault(rc)) {
                char msg[600];
                snprintf(msg, sizeof msg, "%s %s: %s", sql_table_name(r->table), r->id, sqlite3_errmsg(l->db));
                if (add_bad(l, r->index, msg) == 0)
                    continue;
                l->status = ES_SINK_RETRY;
                snprintf(l->err, sizeof l->err, "sqlite:%s: out of memory", l->path);
                break;
            }
            l->status = ES_SINK_RETRY;
            snprintf(l->err, sizeof l->err, "sqlite:%s: %s", l->path, rc < 0 ? err : sqlite3_errmsg(l->db));
        }
    }
    if (l->status == ES_SINK_OK && exec(l->db, "COMMIT", err, sizeof err) < 0) {
        l->status = ES_SINK_RETRY;
        snprintf(l->err, sizeof l->err, "sqlite:%s: cannot commit: %s", l->path, err);
    }
    if (l->status != ES_SINK_OK) {
        sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
        /* Nothing was written: the whole batch comes back, rows refused
         * this time included (they are refused again then). */
        for (size_t i = 0; i < l->n_bad; i++)
            free(l->bad[i].msg);
        l->n_bad = 0;
    }
    for (int t = 0; t < SQL_N_TABLES; t++)
        for (int z = 0; z < SQL_PLAN_SIZES; z++)
            if (l->ins[t][z])
                sqlite3_clear_bindings(l->ins[t][z]);
    l->work_ns += uv_hrtime() - t0;
    l->cpu_ns += thread_cpu_ns() - c0;
    if (l->status == ES_SINK_OK) {
        l->n_rows += l->rows.n - l->n_bad;
        l->n_batches++;
    }
}

static void after_work(uv_work_t *w, int status)
{
    sql_lite_t *l = w->data;
    es_batch_t *b = l->batch;
    l->batch = NULL;
    if (status < 0) {
        l->status = ES_SINK_RETRY;
        snprintf(l->err, sizeof l->err, "sqlite:%s: job not run: %s", l->path, uv_strerror(status));
    }
    for (size_t i = 0; i < l->n_bad; i++) {
        es_log(l->ctx, ES_LOG_WARN, "refused: %s", l->bad[i].msg ? l->bad[i].msg : "constraint");
        es_batch_fail_record(l->ctx, b, l->bad[i].index, l->bad[i].msg ? l->bad[i].msg : "constraint");
        free(l->bad[i].msg);
    }
    l->n_bad = 0;
    sql_rows_clear(&l->rows);
    es_batch_done(l->ctx, b, l->status, 0, l->status == ES_SINK_OK ? NULL : l->err);
}

int sql_lite_write(sql_lite_t *l, es_batch_t *batch)
{
    int rc = sql_rows_build(l->ctx, &l->rows, batch, (int64_t)time(NULL));
    if (rc < 0)
        return rc;
    l->batch = batch;
    l->work.data = l;
    rc = uv_queue_work(es_ctx_loop(l->ctx), &l->work, on_work, after_work);
    if (rc < 0) {
        l->batch = NULL;
        sql_rows_clear(&l->rows);
        return ES_EAGAIN;
    }
    return 0;
}

/* ---- closing ----------------------------------------------------------- */

static void close_db(sql_lite_t *l)
{
    for (int t = 0; t < SQL_N_TABLES; t++)
        for (int z = 0; z < SQL_PLAN_SIZES; z++) {
            sqlite3_finalize(l->ins[t][z]);
            l->ins[t][z] = NULL;
        }
    if (l->db)
        sqlite3_close(l->db); /* checkpoints the WAL: may take a while */
    l->db = NULL;
}

static void on_close_work(uv_work_t *w)
{
    close_db(w->data);
}

static void after_close(uv_work_t *w, int status)
{
    (void)status;
    sql_lite_t *l = w->data;
    close_db(l); /* in case the job was cancelled */
    es_stopped(l->ctx);
}

void sql_lite_stop(sql_lite_t *l)
{
    if (l->n_rows)
        es_log(l->ctx, ES_LOG_INFO,
               "%" PRIu64 " row(s) written in %" PRIu64 " transaction(s): %.2f us per row, %.0f rows/s"
               " (CPU %.2f us per row, %.0f rows/s)",
               l->n_rows, l->n_batches, (double)l->work_ns / 1e3 / (double)l->n_rows,
               (double)l->n_rows * 1e9 / (double)(l->work_ns ? l->work_ns : 1),
               (double)l->cpu_ns / 1e3 / (double)l->n_rows, (double)l->n_rows * 1e9 / (double)(l->cpu_ns ? l->cpu_ns : 1));
    l->work.data = l;
    if (uv_queue_work(es_ctx_loop(l->ctx), &l->work, on_close_work, after_close) < 0) {
        close_db(l);
        es_stopped(l->ctx);
    }
}

void sql_lite_free(sql_lite_t *l)
{
    if (!l)
        return;
    close_db(l);
    sql_rows_free(&l->rows);
    sql_plan_free(&l->plan);
    free(l->bad);
    free(l->path);
    free(l);
}
