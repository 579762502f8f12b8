/*
 * PostgreSQL connection: PQconnectStartParams/PQconnectPoll driven by a
 * uv_poll_t on the connection's socket, the schema check and migration as
 * a chain of asynchronous commands, PREPAREs, and reconnection with
 * exponential backoff (jittered) whenever the connection breaks.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "pg.h"
#include "schema.h"

#define BACKOFF_FIRST_MS 250
/* Setup: 0 the schema version, 1 the migration, then the PREPAREs, then
 * the COPY path's staging tables. */
#define STAGE_STEP (2 + SQL_N_TABLES * SQL_PLAN_SIZES)

void sqlpg_stmt_name(char *dst, size_t cap, int table, int size)
{
    static const char *const names[SQL_N_TABLES] = {"earshot_mention", "earshot_alert", "earshot_account",
                                                         "earshot_mention_brand", "earshot_mention_topic",
                                                         "earshot_withdrawn"};
    /* The one-row statements keep their old names. */
    if (sql_plan_size[size] == 1)
        snprintf(dst, cap, "%s", names[table]);
    else
        snprintf(dst, cap, "%s_%d", names[table], sql_plan_size[size]);
}

static void connect_start(sql_pg_t *pg);

static void maybe_stopped(sql_pg_t *pg)
{
    if (pg->phase == PG_STOPPING && pg->open_handles == 0)
        es_stopped(pg->ctx);
}

static void on_handle_closed(uv_handle_t *h)
{
    sql_pg_t *pg = h->data;
    if (h->type == UV_POLL)
        free(h);
    pg->open_handles--;
    maybe_stopped(pg);
}

static void close_poll(sql_pg_t *pg)
{
    if (!pg->poll)
        return;
    uv_close((uv_handle_t *)pg->poll, on_handle_closed);
    pg->poll = NULL;
    pg->poll_events = 0;
}

/* libpq's messages end with a newline and may span indented lines; a log
 * line wants them on one, white space collapsed. */
void sqlpg_one_line(char *dst, size_t cap, const char *src)
{
    if (!src || !*src)
        src = "unknown error";
    size_t n = 0;
    int space = 0;
    for (; *src && n + 1 < cap; src++) {
        if (*src == ' ' || *src == '\n' || *src == '\r' || *src == '\t') {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < cap)
            dst[n++] = ' ';
        space = 0;
        dst[n++] = *src;
    }
    dst[n] = 0;
}

static void on_poll(uv_poll_t *h, int status, int events);

static void watch(sql_pg_t *pg, int events, int fresh)
{
    int fd = PQsocket(pg->conn);
    if (fd < 0) {
        sqlpg_lost(pg, "no socket");
        return;
    }
    /* While connecting libpq may close its socket and open another, which
     * can reuse the number: a new watcher each time is the only safe way. */
    if (fresh || !pg->poll || pg->poll_fd != fd) {
        close_poll(pg);
        uv_poll_t *p = malloc(sizeof *p);
        if (!p || uv_poll_init_socket(pg->loop, p, fd) < 0) {
            free(p);
            sqlpg_lost(pg, "cannot watch the socket");
            return;
        }
        p->data = pg;
        pg->open_handles++;
        pg->poll = p;
        pg->poll_fd = fd;
    }
    if (events != pg->poll_events) {
        uv_poll_start(pg->poll, events, on_poll);
        pg->poll_events = events;
    }
}

void sqlpg_watch(sql_pg_t *pg, int events)
{
    watch(pg, events, 0);
}

int sqlpg_flush(sql_pg_t *pg)
{
    int r = PQflush(pg->conn);
    if (r < 0) {
        char msg[512];
        sqlpg_one_line(msg, sizeof msg, PQerrorMessage(pg->conn));
        sqlpg_lost(pg, msg);
        return -1;
    }
    sqlpg_watch(pg, r ? UV_READABLE | UV_WRITABLE : UV_READABLE);
    return 0;
}

/* A query that outlived its timeout keeps running on the server after we
 * hang up (and keeps its locks: the retried batch would wait on the very
 * same rows), so it is cancelled. PQcancel opens a connection of its own
 * and blocks: it runs on the thread pool, one at a time, and the instance
 * does not report itself stopped before it is done. */
typedef struct cancel_job {
    uv_work_t work;
    sql_pg_t *pg;
    PGcancel *cancel;
    int ok;
    char err[256];
} cancel_job_t;

static void on_cancel_work(uv_work_t *w)
{
    cancel_job_t *j = w->data;
    j->ok = PQcancel(j->cancel, j->err, sizeof j->err);
}

static void after_cancel(uv_work_t *w, int status)
{
    cancel_job_t *j = w->data;
    sql_pg_t *pg = j->pg;
    if (status == 0 && !j->ok)
        es_log(pg->ctx, ES_LOG_WARN, "%s: cannot cancel the timed-out query: %s", pg->masked, j->err);
    PQfreeCancel(j->cancel);
    free(j);
    pg->cancelling = 0;
    pg->open_handles--;
    maybe_stopped(pg);
}

static void cancel_query(sql_pg_t *pg)
{
    if (pg->cancelling || !pg->conn)
        return;
    cancel_job_t *j = calloc(1, sizeof *j);
    if (!j)
        return;
    j->pg = pg;
    j->work.data = j;
    if (!(j->cancel = PQgetCancel(pg->conn)) ||
        uv_queue_work(pg->loop, &j->work, on_cancel_work, after_cancel) < 0) {
        PQfreeCancel(j->cancel);
        free(j);
        return;
    }
    pg->cancelling = 1;
    pg->open_handles++;
}

static void on_op_timeout(uv_timer_t *t)
{
    sql_pg_t *pg = t->data;
    char msg[128];
    snprintf(msg, sizeof msg, "no answer within %" PRIu64 " ms", pg->timeout_ms);
    if (pg->phase == PG_SETUP || pg->phase == PG_BUSY)
        cancel_query(pg);
    if (pg->phase == PG_CONNECTING || pg->phase == PG_SETUP || pg->phase == PG_BUSY)
        sqlpg_lost(pg, msg);
}

void sqlpg_arm_op_timer(sql_pg_t *pg)
{
    uv_timer_start(&pg->op_timer, on_op_timeout, pg->timeout_ms, 0);
}

static void on_reconnect(uv_timer_t *t)
{
    sql_pg_t *pg = t->data;
    if (pg->phase == PG_DOWN)
        connect_start(pg);
}

void sqlpg_lost(sql_pg_t *pg, const char *why)
{
    char msg[512];
    sqlpg_one_line(msg, sizeof msg, why);
    snprintf(pg->last_error, sizeof pg->last_error, "%s", msg);
    close_poll(pg);
    if (pg->conn) {
        PQfinish(pg->conn);
        pg->conn = NULL;
    }
    uv_timer_stop(&pg->op_timer);
    if (pg->phase == PG_STOPPING)
        return;
    pg->phase = PG_DOWN;
    /* Full jitter over [delay/2, delay] so several agents do not return
     * in step after a server restart. */
    uint64_t delay = pg->backoff_ms / 2 + (uv_hrtime() / 1000) % (pg->backoff_ms / 2 + 1);
    pg->backoff_ms = pg->backoff_ms * 2 > pg->reconnect_max_ms ? pg->reconnect_max_ms : pg->backoff_ms * 2;
    if (pg->backoff_ms < BACKOFF_FIRST_MS)
        pg->backoff_ms = BACKOFF_FIRST_MS;
    pg->next_attempt = uv_now(pg->loop) + delay;
    uv_timer_start(&pg->reconnect_timer, on_reconnect, delay, 0);
    es_log(pg->ctx, ES_LOG_WARN, "%s: %s; reconnecting in %" PRIu64 " ms", pg->masked, msg, delay);
    if (pg->batch)
        sqlpg_batch_abort(pg, msg);
}

/* ---- setup: schema and prepared statements ----------------------------- */

static void setup_send(sql_pg_t *pg);

static void setup_failed(sql_pg_t *pg, const char *what)
{
    char msg[700];
    snprintf(msg, sizeof msg, "%s: %s", what, pg->step_error);
    es_log(pg->ctx, ES_LOG_ERROR, "%s: %s", pg->masked, msg);
    sqlpg_lost(pg, msg);
}

static void setup_done(sql_pg_t *pg)
{
    uv_timer_stop(&pg->op_timer);
    pg->phase = PG_READY;
    pg->backoff_ms = BACKOFF_FIRST_MS;
    if (pg->schema_from < sql_schema_latest())
        es_log(pg->ctx, ES_LOG_INFO, "%s: schema migrated from version %d to %d", pg->masked, pg->schema_from,
               sql_schema_latest());
    es_log(pg->ctx, ES_LOG_INFO, "%s to %s (schema version %d)", pg->ever_connected ? "reconnected" : "connected",
           pg->masked, sql_schema_latest());
    pg->ever_connected = 1;
    sqlpg_watch(pg, UV_READABLE);
    sqlpg_batch_resume(pg);
}

/* One step's command has returned all its results. */
static void setup_step_done(sql_pg_t *pg)
{
    int step = pg->setup_step;
    if (step == 0) {
        if (pg->step_error[0])
            {
            setup_failed(pg, "cannot read the schema version");
            return;
        }
        pg->schema_from = (int)pg->step_value;
        if (pg->schema_from > sql_schema_latest()) {
            snprintf(pg->step_error, sizeof pg->step_error, "version %d, this plugin knows up to %d",
                     pg->schema_from, sql_schema_latest());
            {
            setup_failed(pg, "schema written by a newer earshot");
            return;
        }
        }
    } else if (step == 1) {
        if (pg->step_error[0])
            {
            setup_failed(pg, "schema migration failed (rolled back)");
            return;
        }
    } else if (step == STAGE_STEP) {
        /* Without the right to create temporary tables the batches go
         * as pipelined inserts, as before the COPY path. */
        pg->copy_ok = !pg->step_error[0];
        if (!pg->copy_ok)
            es_log(pg->ctx, ES_LOG_WARN, "%s: no COPY staging tables (%s); inserting row by row", pg->masked,
                   pg->step_error);
    } else if (pg->step_error[0]) {
        {
            setup_failed(pg, "cannot prepare the insert statements");
            return;
        }
    }
    pg->setup_step++;
    /* The COPY path's staging tables only when it may be taken. */
    if (pg->setup_step == STAGE_STEP && pg->rows_per_insert != SQL_PLAN_KMAX)
        pg->setup_step++;
    if (pg->setup_step > STAGE_STEP)
        setup_done(pg);
    else
        setup_send(pg);
}

static void setup_input(sql_pg_t *pg)
{
    while (pg->conn && !PQisBusy(pg->conn)) {
        PGresult *r = PQgetResult(pg->conn);
        if (!r) {
            setup_step_done(pg);
            return;
        }
        ExecStatusType st = PQresultStatus(r);
        if ((st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE) && !pg->step_error[0])
            sqlpg_one_line(pg->step_error, sizeof pg->step_error, PQresultErrorMessage(r));
        else if (st == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
            pg->step_value = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        PQclear(r);
    }
}

/* The whole migration in one transaction, under an advisory lock so two
 * agents starting together do not both migrate. */
static char *migration_script(int from)
{
    size_t cap = 64;
    for (int v = from + 1; v <= sql_schema_latest(); v++)
        cap += strlen(sql_schema_migration(SQL_PG, v)) + 160;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t n = 0;
    for (int v = from + 1; v <= sql_schema_latest(); v++)
        n += (size_t)snprintf(s + n, cap - n,
                              "%s INSERT INTO schema_version (version, applied_at)"
                              " VALUES (%d, extract(epoch from now())::bigint);",
                              sql_schema_migration(SQL_PG, v), v);
    snprintf(s + n, cap - n, "COMMIT");
    return s;
}

static void setup_send(sql_pg_t *pg)
{
    pg->step_error[0] = 0;
    pg->step_value = 0;
    int ok;
    if (pg->setup_step == 0) {
        char sql[512];
        snprintf(sql, sizeof sql,
                 "BEGIN; SELECT pg_advisory_xact_lock(7411306); %s;"
                 " SELECT coalesce(max(version), 0) FROM schema_version",
                 sql_schema_version_table(SQL_PG));
        ok = PQsendQuery(pg->conn, sql);
    } else if (pg->setup_step == 1) {
        char *sql = migration_script(pg->schema_from);
        if (!sql)
            {
            sqlpg_lost(pg, "out of memory");
            return;
        }
        ok = PQsendQuery(pg->conn, sql);
        free(sql);
    } else if (pg->setup_step == STAGE_STEP) {
        char *sql = sql_pg_stage_ddl();
        if (!sql) {
            sqlpg_lost(pg, "out of memory");
            return;
        }
        ok = PQsendQuery(pg->conn, sql);
        free(sql);
    } else {
        int t = (pg->setup_step - 2) / SQL_PLAN_SIZES, z = (pg->setup_step - 2) % SQL_PLAN_SIZES;
        char *sql = sql_insert_sql_rows(SQL_PG, t, sql_plan_size[z]);
        char name[64];
        sqlpg_stmt_name(name, sizeof name, t, z);
        if (!sql)
            {
            sqlpg_lost(pg, "out of memory");
            return;
        }
        ok = PQsendPrepare(pg->conn, name, sql, sql_table_ncols(t) * sql_plan_size[z], NULL);
        free(sql);
    }
    if (!ok) {
        char msg[512];
        sqlpg_one_line(msg, sizeof msg, PQerrorMessage(pg->conn));
        {
            sqlpg_lost(pg, msg);
            return;
        }
    }
    sqlpg_arm_op_timer(pg);
    sqlpg_flush(pg);
}

/* ---- connecting -------------------------------------------------------- */

static void notice(void *arg, const char *message)
{
    sql_pg_t *pg = arg;
    char msg[512];
    sqlpg_one_line(msg, sizeof msg, message);
    es_log(pg->ctx, ES_LOG_DEBUG, "server: %s", msg);
}

static void connect_poll(sql_pg_t *pg)
{
    switch (PQconnectPoll(pg->conn)) {
    case PGRES_POLLING_READING: watch(pg, UV_READABLE, 1); return;
    case PGRES_POLLING_WRITING: watch(pg, UV_WRITABLE, 1); return;
    case PGRES_POLLING_OK:
        if (PQsetnonblocking(pg->conn, 1) != 0) {
            sqlpg_lost(pg, "cannot make the connection non-blocking");
            return;
        }
        pg->phase = PG_SETUP;
        pg->setup_step = 0;
        pg->copy_ok = 0; /* a new session: no staging tables yet */
        pg->direct_skip = 0;
        setup_send(pg);
        return;
    default: {
        char msg[512];
        sqlpg_one_line(msg, sizeof msg, PQerrorMessage(pg->conn));
        sqlpg_lost(pg, msg);
    }
    }
}

static void connect_start(sql_pg_t *pg)
{
    const char *kw[6], *val[6];
    int n = 0;
    kw[n] = "dbname", val[n++] = pg->dsn;
    if (*pg->password)
        kw[n] = "password", val[n++] = pg->password;
    if (*pg->passfile)
        kw[n] = "passfile", val[n++] = pg->passfile;
    kw[n] = "fallback_application_name", val[n++] = "earshot";
    kw[n] = NULL, val[n] = NULL;
    /* Host names are resolved inside this call (blocking); the docs say
     * to use an address or a socket directory. */
    pg->conn = PQconnectStartParams(kw, val, 1);
    if (!pg->conn) {
        sqlpg_lost(pg, "out of memory");
        return;
    }
    if (PQstatus(pg->conn) == CONNECTION_BAD) {
        char msg[512];
        sqlpg_one_line(msg, sizeof msg, PQerrorMessage(pg->conn));
        sqlpg_lost(pg, msg);
        return;
    }
    PQsetNoticeProcessor(pg->conn, notice, pg);
    pg->phase = PG_CONNECTING;
    sqlpg_arm_op_timer(pg);
    watch(pg, UV_WRITABLE, 1);
}

/* ---- the socket -------------------------------------------------------- */

static void idle_input(sql_pg_t *pg)
{
    PGnotify *n;
    while ((n = PQnotifies(pg->conn)))
        PQfreemem(n);
    /* Anything else while idle (a FATAL before the server closes) is
     * drained; the close itself shows as a failed read. */
    while (!PQisBusy(pg->conn)) {
        PGresult *r = PQgetResult(pg->conn);
        if (!r)
            break;
        PQclear(r);
    }
    if (PQstatus(pg->conn) == CONNECTION_BAD)
        sqlpg_lost(pg, "the server closed the connection");
}

static void on_poll(uv_poll_t *h, int status, int events)
{
    sql_pg_t *pg = h->data;
    if (h != pg->poll || !pg->conn)
        return;
    if (pg->phase == PG_CONNECTING) {
        connect_poll(pg);
        return;
    }
    if (status < 0) {
        sqlpg_lost(pg, uv_strerror(status));
        return;
    }
    if ((events & UV_WRITABLE) && sqlpg_flush(pg) < 0)
        return;
    if (!(events & UV_READABLE))
        return;
    if (!PQconsumeInput(pg->conn)) {
        char msg[512];
        sqlpg_one_line(msg, sizeof msg, PQerrorMessage(pg->conn));
        sqlpg_lost(pg, msg);
        return;
    }
    switch (pg->phase) {
    case PG_SETUP: setup_input(pg); break;
    case PG_BUSY: sqlpg_batch_input(pg); break;
    case PG_READY: idle_input(pg); break;
    default: break;
    }
}

/* ---- life cycle -------------------------------------------------------- */

int sql_pg_new(es_ctx_t *ctx, const sql_pg_opts_t *o, sql_pg_t **out)
{
    sql_pg_t *pg = calloc(1, sizeof *pg);
    if (!pg)
        return ES_ENOMEM;
    pg->ctx = ctx;
    pg->loop = es_ctx_loop(ctx);
    pg->dsn = strdup(o->dsn);
    pg->password = strdup(o->password ? o->password : "");
    pg->passfile = strdup(o->passfile ? o->passfile : "");
    pg->masked = sql_dsn_masked(o->dsn);
    pg->timeout_ms = o->timeout_ms ? o->timeout_ms : 30000;
    pg->rows_per_insert = o->rows_per_insert > 0 ? o->rows_per_insert : SQL_PLAN_KMAX;
    pg->reconnect_max_ms = o->reconnect_max_ms < BACKOFF_FIRST_MS ? BACKOFF_FIRST_MS : o->reconnect_max_ms;
    pg->backoff_ms = BACKOFF_FIRST_MS;
    if (!pg->dsn || !pg->password || !pg->passfile || !pg->masked) {
        sql_pg_free(pg);
        return ES_ENOMEM;
    }
    char *err = NULL;
    PQconninfoOption *opts = PQconninfoParse(pg->dsn, &err);
    if (!opts) {
        /* libpq may quote the offending part, which could be the password. */
        int quiet = strcmp(pg->masked, pg->dsn) != 0;
        char msg[512];
        sqlpg_one_line(msg, sizeof msg, err ? err : "out of memory");
        es_log(ctx, ES_LOG_ERROR, "invalid dsn %s%s%s", pg->masked, quiet ? "" : ": ", quiet ? "" : msg);
        PQfreemem(err);
        sql_pg_free(pg);
        return ES_ECONFIG;
    }
    PQconninfoFree(opts);
    *out = pg;
    return 0;
}

int sql_pg_start(sql_pg_t *pg)
{
    uv_timer_init(pg->loop, &pg->reconnect_timer);
    uv_timer_init(pg->loop, &pg->op_timer);
    pg->reconnect_timer.data = pg->op_timer.data = pg;
    pg->open_handles = 2;
    connect_start(pg);
    return 0;
}

void sql_pg_stop(sql_pg_t *pg)
{
    if (pg->n_rows)
        es_log(pg->ctx, ES_LOG_INFO,
               "%" PRIu64 " row(s) committed in %" PRIu64 " transaction(s) (%" PRIu64 " by COPY, %" PRIu64
               " of them straight into the tables; %" PRIu64
               " COPY(s) refused and sent again as inserts): %.2f us per row, %.0f rows/s (round trips included)",
               pg->n_rows, pg->n_batches, pg->n_by_copy, pg->n_direct, pg->n_copy_refused,
               (double)pg->busy_ns / 1e3 / (double)pg->n_rows,
               (double)pg->n_rows * 1e9 / (double)(pg->busy_ns ? pg->busy_ns : 1));
    pg->phase = PG_STOPPING;
    if (pg->batch)
        sqlpg_batch_abort(pg, "stopping");
    close_poll(pg);
    if (pg->conn) {
        PQfinish(pg->conn);
        pg->conn = NULL;
    }
    uv_close((uv_handle_t *)&pg->reconnect_timer, on_handle_closed);
    uv_close((uv_handle_t *)&pg->op_timer, on_handle_closed);
}

void sql_pg_free(sql_pg_t *pg)
{
    if (!pg)
        return;
    if (pg->conn)
        PQfinish(pg->conn);
    sqlpg_batch_free(pg);
    free(pg->dsn);
    free(pg->password);
    free(pg->passfile);
    free(pg->masked);
    free(pg);
}
