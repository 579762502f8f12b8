/*
 * sql sink: writes mentions, alerts and account findings into SQLite (the
 * embedded default) or PostgreSQL, in tables the plugin creates and
 * migrates itself. Every insert is idempotent by record id, so a batch the
 * core retries after a crash or a lost connection never duplicates rows.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend.h"
#include "dsn.h"
#include <earshot/plugin.h>

static const es_config_key_t keys[] = {
    {"dsn", ES_KEY_SECRET, "", 0,
     "sqlite:PATH (relative to state_dir; default sqlite:earshot.db) or postgresql://user@host/db?sslmode=...", NULL, NULL, NULL},
    {"password", ES_KEY_SECRET, "", 0, "PostgreSQL password, e.g. ${PGPASSWORD} or ${file:/etc/earshot/pg.pass}", NULL, NULL, NULL},
    {"passfile", ES_KEY_STRING, "", 0, "PostgreSQL .pgpass-style file (host:port:db:user:password, mode 0600)", NULL, NULL, NULL},
    {"timeout", ES_KEY_DURATION, "30s", 0, "PostgreSQL: limit for connecting and for one batch", NULL, NULL, NULL},
    {"reconnect_max", ES_KEY_DURATION, "30s", 0, "PostgreSQL: longest wait between reconnection attempts", NULL, NULL, NULL},
    {"busy_timeout", ES_KEY_DURATION, "5s", 0, "SQLite: wait this long for another writer's lock", NULL, NULL, NULL},
    {"synchronous", ES_KEY_STRING, "full", 0,
     "SQLite: full (a batch is on disk when acknowledged) or normal (faster; power loss may lose the last batches)", NULL, NULL, "full|normal|off"},
    /* The core's default (100) suits a remote receiver. A batch is one
     * transaction, one commit's fsync and one state commit: 100 cost 23
     * us of the writer's CPU a mention, 1000 17, 5000 16 (bench/sql,
     * real text); the import's peak RSS grows with it (30 MiB at 1000,
     * 39 at 5000), its speed no longer does. */
    {"rows_per_insert", ES_KEY_STRING, "64", 0,
     "rows one INSERT statement carries: 64, 8 or 1 (one row a statement, as before 0.2; for comparisons)", NULL, NULL,
     "64|8|1"},
    {"batch.max", ES_KEY_INT, "1000", 0, "records per transaction (the core's key, with a default for databases)", "1", "100000", NULL},
    {NULL, 0, NULL, 0, NULL, NULL, NULL, NULL},
};

typedef struct sink {
    es_ctx_t *ctx;
    sql_dsn_kind_t kind;
    char *path; /* SQLite */
    sql_lite_opts_t lite_opts;
    sql_lite_t *lite;
    sql_pg_t *pg;
} sink_t;

static void sink_destroy(void *state)
{
    sink_t *s = state;
    sql_lite_free(s->lite);
    sql_pg_free(s->pg);
    free(s->path);
    free(s);
}

static int sink_init(es_ctx_t *ctx, void **state)
{
    sink_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->ctx = ctx;
    char err[256];
    int rc = sql_dsn_parse(es_config_str(ctx, "dsn"), es_ctx_state_dir(ctx), &s->kind, &s->path, err,
                           sizeof err);
    if (rc < 0) {
        if (rc == ES_ECONFIG)
            es_log(ctx, ES_LOG_ERROR, "%s", err);
        free(s);
        return rc;
    }
    if (s->kind == SQL_DSN_SQLITE) {
        const char *sync = es_config_str(ctx, "synchronous");
        /* The key table's choices already hold it to these; checked again
         * because it is pasted into a PRAGMA. */
        if (strcasecmp(sync, "full") != 0 && strcasecmp(sync, "normal") != 0 && strcasecmp(sync, "off") != 0) {
            es_log(ctx, ES_LOG_ERROR, "synchronous must be full, normal or off (got '%s')", sync);
            sink_destroy(s);
            return ES_ECONFIG;
        }
        s->lite_opts.path = s->path;
        s->lite_opts.busy_timeout_ms = es_config_duration_ms(ctx, "busy_timeout");
        s->lite_opts.synchronous = sync;
        s->lite_opts.rows_per_insert = atoi(es_config_str(ctx, "rows_per_insert"));
    } else {
        sql_pg_opts_t o = {
            .dsn = es_config_str(ctx, "dsn"),
            .password = es_config_str(ctx, "password"),
            .passfile = es_config_str(ctx, "passfile"),
            .timeout_ms = es_config_duration_ms(ctx, "timeout"),
            .reconnect_max_ms = es_config_duration_ms(ctx, "reconnect_max"),
            .rows_per_insert = atoi(es_config_str(ctx, "rows_per_insert")),
        };
        if ((rc = sql_pg_new(ctx, &o, &s->pg)) < 0) {
            sink_destroy(s);
            return rc;
        }
    }
    *state = s;
    return 0;
}

static int sink_start(void *state)
{
    sink_t *s = state;
    if (s->kind == SQL_DSN_SQLITE)
        return sql_lite_open(s->ctx, &s->lite_opts, &s->lite);
    return sql_pg_start(s->pg);
}

static int sink_write(void *state, es_batch_t *batch)
{
    sink_t *s = state;
    return s->lite ? sql_lite_write(s->lite, batch) : sql_pg_write(s->pg, batch);
}

static void sink_stop(void *state)
{
    sink_t *s = state;
    if (s->lite)
        sql_lite_stop(s->lite);
    else if (s->pg)
        sql_pg_stop(s->pg);
    else
        es_stopped(s->ctx);
}

const es_plugin_t earshot_sink = {
    .abi = ES_PLUGIN_ABI,
    .kind = ES_KIND_SINK,
    .name = "sql",
    .description = "writes records into SQLite (embedded default) or PostgreSQL tables",
    .keys = keys,
    .init = sink_init,
    .start = sink_start,
    .stop = sink_stop,
    .destroy = sink_destroy,
    .write = sink_write,
};
