/*
 * The report's read-only access to the sql sink's database: SQLite through
 * sqlite3, PostgreSQL through libpq's synchronous API (a CLI waits anyway).
 * Queries are written once with ?N placeholders and every value is bound.
 */
#include "report.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <earshot/plugin.h>
#include <earshot/text.h>
#include "util.h"

struct es_report_db {
    sqlite3 *lite;
    PGconn *pg;
    char *label;
    int window; /* the window's mentions are in the TEMP table es_window */
};

static int has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

static int open_pg(const char *dsn, es_report_db_t *db, char *err, size_t errlen)
{
    db->pg = PQconnectdb(dsn);
    if (!db->pg)
        return ES_ENOMEM;
    if (PQstatus(db->pg) != CONNECTION_OK) {
        /* libpq's message names host and reason, never the password. */
        snprintf(err, errlen, "cannot connect to PostgreSQL: %s", PQerrorMessage(db->pg));
        size_t l = strlen(err);
        while (l && (err[l - 1] == '\n' || err[l - 1] == ' '))
            err[--l] = '\0';
        return ES_EDB;
    }
    PGresult *r = PQexec(db->pg, "SET default_transaction_read_only = on");
    PQclear(r);
    const char *host = PQhost(db->pg);
    db->label = es__asprintf("PostgreSQL database %s on %s", PQdb(db->pg),
                            host && *host ? host : "local socket");
    return db->label ? 0 : ES_ENOMEM;
}

static int open_sqlite(const char *path, es_report_db_t *db, char *err, size_t errlen)
{
    if (sqlite3_open_v2(path, &db->lite, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "cannot open %s: %s", path,
                 db->lite ? sqlite3_errmsg(db->lite) : "out of memory");
        return ES_ENOENT;
    }
    sqlite3_busy_timeout(db->lite, 5000);
    /* Every section scans the window again: keep its pages in memory
     * (the default 2 MB cache re-reads them from the kernel each time). */
    sqlite3_exec(db->lite, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
    /* Opening is lazy: read the schema now so a file that is not a
     * database is named here rather than in the first query. */
    char *e = NULL;
    if (sqlite3_exec(db->lite, "SELECT count(*) FROM sqlite_master", NULL, NULL, &e) != SQLITE_OK) {
        snprintf(err, errlen, "cannot read %s: %s", path, e ? e : sqlite3_errmsg(db->lite));
        sqlite3_free(e);
        return ES_EDB;
    }
    db->label = es__asprintf("SQLite database %s", path);
    return db->label ? 0 : ES_ENOMEM;
}

int es__report_db_open(const char *dsn, const char *state_dir, es_report_db_t **out, char *err,
                      size_t errlen)
{
    es_report_db_t *db = calloc(1, sizeof *db);
    if (!db)
        return ES_ENOMEM;
    int rc;
    if (dsn && (has_prefix(dsn, "postgresql://") || has_prefix(dsn, "postgres://"))) {
        rc = open_pg(dsn, db, err, errlen);
    } else {
        const char *p = !dsn || !*dsn ? "" : has_prefix(dsn, "sqlite:") ? dsn + 7 : dsn;
        char *path;
        if (!*p)
            path = es__asprintf("%s/earshot.db", state_dir);
        else if (*p == '/' || !has_prefix(dsn, "sqlite:"))
            path = es__strdup(p); /* a bare path is the user's, relative to the cwd */
        else
            path = es__asprintf("%s/%s", state_dir, p);
        rc = path ? open_sqlite(path, db, err, errlen) : ES_ENOMEM;
        free(path);
    }
    if (rc < 0) {
        es__report_db_close(db);
        return rc;
    }
    *out = db;
    return 0;
}

void es__report_db_close(es_report_db_t *db)
{
    if (!db)
        return;
    if (db->lite)
        sqlite3_close(db->lite);
    if (db->pg)
        PQfinish(db->pg);
    free(db->label);
    free(db);
}

static int progress(void *flag)
{
    return __atomic_load_n((const int *)flag, __ATOMIC_RELAXED) != 0;
}

void es__report_db_cancel_on(es_report_db_t *db, const int *flag)
{
    if (db->lite && flag)
        sqlite3_progress_handler(db->lite, 10000, progress, (void *)flag);
}

const char *es__report_db_label(const es_report_db_t *db)
{
    return db->label;
}

static int copy_first(void *ud, int ncols, const char *const *v)
{
    if (ncols > 0 && v[0])
        snprintf(ud, 32, "%s", v[0]);
    return 0;
}

int es__report_db_has_tables(es_report_db_t *db, int *has, char *err, size_t errlen)
{
    static const char *lite =
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('mentions', 'alerts')";
    static const char *pg = "SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = current_schema() AND table_name IN ('mentions', 'alerts')";
    char n[32] = "0";
    int rc = es__report_db_query(db, db->pg ? pg : lite, 0, NULL, copy_first, n, err, errlen);
    *has = rc == 0 && atoi(n) == 2;
    return rc;
}

/* Hands a row to fn with every value valid UTF-8: the database may hold
 * anything (rows written by other tools), and the model is JSON. */
static int deliver(es_report_row_fn fn, void *ud, int ncols, const char **v)
{
    char *fixed[64] = {0};
    int n = ncols < 64 ? ncols : 64;
    for (int c = 0; c < n; c++) {
        if (v[c] && !es_utf8_is_valid(v[c], strlen(v[c]))) {
            fixed[c] = es_utf8_sanitize(v[c], strlen(v[c]), NULL);
            v[c] = fixed[c] ? fixed[c] : "";
        }
    }
    int stop = fn(ud, ncols, v);
    for (int c = 0; c < n; c++)
        free(fixed[c]);
    return stop;
}

static char *window_sql(const es_report_db_t *db, const char *sql);

/* ?N -> $N; the report's SQL has no '?' inside literals. */
static char *pg_sql(const char *sql)
{
    char *o = es__strdup(sql);
    for (char *p = o; p && *p; p++)
        if (*p == '?')
            *p = '$';
    return o;
}

/* Rows as they arrive (single-row mode): a million-row pass is never
 * held whole in the client (PQexecParams kept every row of the window's
 * texts: 487 MB peak on the bench's million mentions). */
static int query_pg(es_report_db_t *db, const char *sql, int np, const char *const *params,
                    es_report_row_fn fn, void *ud, char *err, size_t errlen)
{
    char *rewritten = db->window ? window_sql(db, sql) : NULL;
    char *q = pg_sql(rewritten ? rewritten : sql);
    free(rewritten);
    if (!q)
        return ES_ENOMEM;
    int sent = PQsendQueryParams(db->pg, q, np, NULL, params, NULL, NULL, 0);
    free(q);
    if (!sent || !PQsetSingleRowMode(db->pg)) {
        snprintf(err, errlen, "PostgreSQL: %s", PQerrorMessage(db->pg));
        size_t l = strlen(err);
        while (l && (err[l - 1] == '\n' || err[l - 1] == ' '))
            err[--l] = '\0';
        while (sent && (PQgetResult(db->pg) != NULL))
            ; /* drain (cannot happen after a successful send) */
        return ES_EDB;
    }
    int rc = 0, stop = 0, ncols = -1;
    const char **v = NULL;
    PGresult *r;
    /* Every result is read, also after an error or a stop: the next
     * query needs the connection idle. */
    while ((r = PQgetResult(db->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(r);
        if (st == PGRES_SINGLE_TUPLE && rc == 0 && !stop) {
            if (ncols < 0) {
                ncols = PQnfields(r);
                v = calloc((size_t)ncols + 1, sizeof *v);
                if (!v)
                    rc = ES_ENOMEM;
            }
            for (int c = 0; v && c < ncols; c++)
                v[c] = PQgetisnull(r, 0, c) ? NULL : PQgetvalue(r, 0, c);
            if (v && fn && deliver(fn, ud, ncols, v))
                stop = 1;
        } else if (st != PGRES_SINGLE_TUPLE && st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && rc == 0) {
            snprintf(err, errlen, "PostgreSQL: %s", PQresultErrorMessage(r));
            size_t l = strlen(err);
            while (l && (err[l - 1] == '\n' || err[l - 1] == ' '))
                err[--l] = '\0';
            rc = ES_EDB;
        }
        PQclear(r);
    }
    free(v);
    return rc;
}

/* The report's queries read ES_REPORT_MENTIONS; once the window is
 * copied (es__report_db_window) they read the copy instead. */
static char *window_sql(const es_report_db_t *db, const char *sql)
{
    static const char from[] = ES_REPORT_MENTIONS;
    const char *to = db->pg ? " pg_temp.es_window AS rm" : " temp.es_window AS rm";
    size_t n = 0, tl = strlen(to);
    for (const char *p = strstr(sql, from); p; p = strstr(p + sizeof from - 1, from))
        n++;
    if (!n)
        return NULL;
    char *o = malloc(strlen(sql) + n * tl + 1), *w = o;
    if (!o)
        return NULL;
    for (const char *p = sql, *q; (q = strstr(p, from)); p = q + sizeof from - 1) {
        memcpy(w, p, (size_t)(q - p));
        w += q - p;
        memcpy(w, to, tl);
        w += tl;
        sql = q + sizeof from - 1;
    }
    strcpy(w, sql);
    return o;
}

int es__report_db_window(es_report_db_t *db, const es_report_opts_t *o, char *err, size_t errlen)
{
    if (db->window)
        return 0;
    /* One pass over the sink's tables instead of one per section: every
     * section reads the same rows (a TEMP table is allowed on a read-only
     * SQLite connection; it lives in a temporary file). */
    char since[32];
    snprintf(since, sizeof since, "%lld", (long long)o->since);
    const char *params[] = {since, o->brand};
    static const char create[] =
        "CREATE TEMP TABLE es_window AS SELECT * FROM" ES_REPORT_MENTIONS ES_REPORT_MENTION_WHERE;
    int timing = getenv("EARSHOT_REPORT_TIMING") != NULL;
    if (db->lite) {
        int rc = es__report_db_query(db, create, 2, params, NULL, NULL, err, errlen);
        if (rc == 0)
            db->window = 1;
        if (timing && rc == 0)
            fputs("report window: copied into a TEMP table\n", stderr);
        return rc;
    }
    /* PostgreSQL: the session is read-only by default; this one
     * transaction is read-write to create the session's own TEMP table
     * (nothing else is written; it is dropped when the session ends) and
     * to give the planner its statistics (temp tables are never
     * auto-analyzed). A standby, or a role without the TEMP privilege,
     * refuses: the page then reads the subquery, as before. */
    char e2[256];
    PQclear(PQexec(db->pg, "BEGIN READ WRITE"));
    int rc = es__report_db_query(db, create, 2, params, NULL, NULL, e2, sizeof e2);
    if (rc == 0)
        rc = es__report_db_query(db, "ANALYZE pg_temp.es_window", 0, NULL, NULL, NULL, e2, sizeof e2);
    PQclear(PQexec(db->pg, rc == 0 ? "COMMIT" : "ROLLBACK"));
    db->window = rc == 0;
    if (timing)
        fprintf(stderr, "report window: %s%s\n", rc == 0 ? "copied into a TEMP table" : "read in place: ",
                rc == 0 ? "" : e2);
    (void)err;
    (void)errlen;
    return 0;
}

static int query_lite(es_report_db_t *db, const char *sql, int np, const char *const *params,
                      es_report_row_fn fn, void *ud, char *err, size_t errlen)
{
    sqlite3_stmt *st;
    char *rewritten = db->window ? window_sql(db, sql) : NULL;
    int prc = sqlite3_prepare_v2(db->lite, rewritten ? rewritten : sql, -1, &st, NULL);
    free(rewritten);
    if (prc != SQLITE_OK) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(db->lite));
        return ES_EDB;
    }
    for (int i = 0; i < np; i++) {
        if (params[i])
            sqlite3_bind_text(st, i + 1, params[i], -1, SQLITE_STATIC);
        else
            sqlite3_bind_null(st, i + 1);
    }
    int ncols = sqlite3_column_count(st), rc;
    const char **v = calloc((size_t)ncols + 1, sizeof *v);
    if (!v) {
        sqlite3_finalize(st);
        return ES_ENOMEM;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < ncols; c++)
            v[c] = (const char *)sqlite3_column_text(st, c);
        if (fn && deliver(fn, ud, ncols, v)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    free(v);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "SQLite: %s", sqlite3_errmsg(db->lite));
        sqlite3_finalize(st);
        return ES_EDB;
    }
    sqlite3_finalize(st);
    return 0;
}

int es__report_db_query(es_report_db_t *db, const char *sql, int nparams, const char *const *params,
                       es_report_row_fn fn, void *ud, char *err, size_t errlen)
{
    /* EARSHOT_REPORT_TIMING=1: each query's time on stderr (bench/report). */
    int timing = getenv("EARSHOT_REPORT_TIMING") != NULL;
    struct timespec a, b;
    if (timing)
        clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = db->pg ? query_pg(db, sql, nparams, params, fn, ud, err, errlen)
                    : query_lite(db, sql, nparams, params, fn, ud, err, errlen);
    if (timing) {
        clock_gettime(CLOCK_MONOTONIC, &b);
        fprintf(stderr, "report query %8.1f ms: %.100s\n",
                (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6, sql);
    }
    return rc;
}
