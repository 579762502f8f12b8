#include "state.h"
#include "state_memo.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "idset.h"
#include "state_conn.h"
#include "log.h"
#include <earshot/plugin.h>
#include "util.h"

enum {
    Q_CP_GET, Q_CP_PUT, Q_SEEN_WRITE, Q_SEEN_READ, Q_SEEN_DEL, Q_DL_ADD, Q_DL_COUNT, Q_DL_AFTER,
    Q_HTTP_GET, Q_HTTP_PUT, Q_BEGIN, Q_COMMIT,
    Q_SP_ADD, Q_SP_DEL, Q_SP_LOAD, Q_SP_STATS, Q_SP_ATTEMPT, Q_SP_MAX, Q_COUNT
};

static const char *const sql[Q_COUNT] = {
    [Q_CP_GET] = "SELECT value FROM checkpoints WHERE instance = ?1 AND key = ?2",
    [Q_CP_PUT] = "INSERT INTO checkpoints(instance, key, value) VALUES (?1, ?2, ?3) "
                 "ON CONFLICT(instance, key) DO UPDATE SET value = excluded.value",
    [Q_SEEN_WRITE] = "INSERT INTO seen_log(at, ids) VALUES (?1, ?2)",
    [Q_SEEN_READ] = "SELECT id, at, ids FROM seen_log WHERE id > ?1 AND at < ?2 AND length(ids) <= ?3"
                    " ORDER BY id LIMIT ?4",
    [Q_SEEN_DEL] = "DELETE FROM seen_log WHERE id = ?1",
    [Q_DL_ADD] = "INSERT INTO dead_letters(sink, kind, record_id, record, error, attempts, at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%s','now'))",
    [Q_DL_COUNT] = "SELECT count(*) FROM dead_letters WHERE sink = ?1",
    [Q_DL_AFTER] = "SELECT count(*), coalesce(max(id), ?1) FROM dead_letters WHERE id > ?1",
    [Q_HTTP_GET] = "SELECT etag, last_modified FROM http_cache WHERE url = ?1",
    [Q_HTTP_PUT] = "INSERT INTO http_cache(url, etag, last_modified) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT(url) DO UPDATE SET etag = excluded.etag, "
                   "last_modified = excluded.last_modified",
    [Q_SP_ADD] = "INSERT INTO spool(sink, kind, record_id, record, bytes, enqueued_at)"
                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_SP_DEL] = "DELETE FROM spool WHERE id = ?1",
    [Q_SP_LOAD] = "SELECT id, kind, record, attempts FROM spool WHERE sink = ?1 AND id > ?2"
                  " ORDER BY id LIMIT ?3",
    [Q_SP_STATS] = "SELECT count(*), coalesce(sum(bytes), 0), min(enqueued_at) FROM spool WHERE sink = ?1",
    [Q_SP_ATTEMPT] = "UPDATE spool SET attempts = attempts + 1 WHERE id = ?1",
    [Q_SP_MAX] = "SELECT coalesce(max(id), 0) FROM spool WHERE sink = ?1",
    [Q_BEGIN] = "BEGIN IMMEDIATE",
    [Q_COMMIT] = "COMMIT",
};

/* Forward-only migrations; user_version is the index of the next one. */
static const char *const migrations[] = {
    "CREATE TABLE checkpoints(instance TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,"
    " PRIMARY KEY(instance, key)) WITHOUT ROWID;"
    "CREATE TABLE seen(id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;"
    "CREATE INDEX seen_at ON seen(at);"
    "CREATE TABLE dead_letters(id INTEGER PRIMARY KEY, sink TEXT NOT NULL, kind TEXT NOT NULL,"
    " record_id TEXT, record TEXT NOT NULL, error TEXT, attempts INTEGER NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX dead_letters_sink ON dead_letters(sink, at);"
    "CREATE TABLE http_cache(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT) WITHOUT ROWID;",
    /* 2: the account inventory's memory (core/accounts/account_store.c). */
    "CREATE TABLE inventory(network TEXT NOT NULL, handle TEXT NOT NULL, brand TEXT, owner TEXT,"
    " status TEXT NOT NULL, url TEXT, notes TEXT, line INTEGER, PRIMARY KEY(network, handle));"
    "CREATE TABLE account_activity(network TEXT NOT NULL, handle TEXT NOT NULL,"
    " first_post INTEGER, last_post INTEGER, n_posts INTEGER NOT NULL DEFAULT 0,"
    " n_addressed INTEGER NOT NULL DEFAULT 0, last_addressed INTEGER,"
    " n_replies INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(network, handle));"
    "CREATE TABLE lookalikes(network TEXT NOT NULL, handle TEXT NOT NULL, brand TEXT,"
    " like_handle TEXT, reason TEXT, score REAL, first_seen INTEGER, last_seen INTEGER,"
    " count INTEGER NOT NULL DEFAULT 0, example_url TEXT, PRIMARY KEY(network, handle));"
    "CREATE TABLE addressed(mention_id TEXT PRIMARY KEY, network TEXT NOT NULL, account TEXT NOT NULL,"
    " owner TEXT, author TEXT, created_at INTEGER NOT NULL, answered_at INTEGER, answered_by TEXT);"
    "CREATE INDEX addressed_author ON addressed(network, author, created_at);"
    "CREATE INDEX addressed_time ON addressed(created_at);",
    /* 3: the per-sink spool (core/delivery/sink_queue.c). AUTOINCREMENT: ids never
     * come back after the table empties, so "id > last loaded" stays a
     * correct way to find what is not in memory. */
    "CREATE TABLE spool(id INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL, kind TEXT NOT NULL,"
    " record_id TEXT, record TEXT NOT NULL, bytes INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
    " enqueued_at INTEGER NOT NULL);"
    "CREATE INDEX spool_sink ON spool(sink, id);",
    /* 4: every delivered id went into two b-trees, the key and this index
     * on its time: about a tenth of the pipeline's CPU once records skip
     * the spool (bench/twitter, 9.0 against 8.0 us a tweet). Old ids were
     * then found by sweeping the key in chunks; migration 5 replaced the
     * table. */
    "DROP INDEX IF EXISTS seen_at;",
    /* 5: even without that index, a b-tree insertion and lookup per
     * delivered id was 40% of the pipeline's CPU (bench/twitter, 1.32
     * against 0.75 s for 200,000 tweets). Delivered ids are now 64-bit
     * fingerprints (es__idset_hash), all in memory for lookups, written as
     * one row per transaction that delivered any, merged into bigger rows
     * and forgotten a row at a time (core/pipeline/stage_dedupe.c). The old ids
     * are grouped by the hour they were delivered in. */
    "CREATE TABLE seen_log(id INTEGER PRIMARY KEY, at INTEGER NOT NULL, ids BLOB NOT NULL);"
    "INSERT INTO seen_log(at, ids) SELECT max(at), es_pack_ids(id) FROM seen GROUP BY at / 3600;"
    "DROP TABLE seen;",
    /* 6: the spike detector's tables (core/state/spike_store.c). Before,
     * the detector made them itself on first use, and added topic later:
     * a database that has them keeps its rows, and gets the column if it
     * lacks it (spike_topic_column). */
    "CREATE TABLE IF NOT EXISTS spike_series(key TEXT PRIMARY KEY, brand TEXT NOT NULL, owner TEXT,"
    " network TEXT, state TEXT NOT NULL, updated_at INTEGER NOT NULL, topic TEXT);"
    "CREATE TABLE IF NOT EXISTS spike_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);",
};
#define N_MIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

/* Tables from before migration 6 may lack the topic column, and SQL
 * cannot add a column only when it is missing. */
static int spike_topic_column(sqlite3 *db)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT topic FROM spike_series LIMIT 0", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_finalize(q);
        return SQLITE_OK;
    }
    return sqlite3_exec(db, "ALTER TABLE spike_series ADD COLUMN topic TEXT", NULL, NULL, NULL);
}

/* What a migration needs beyond its SQL, run after it in its transaction. */
static int (*const migration_fixups[N_MIGRATIONS])(sqlite3 *db) = {
    [5] = spike_topic_column,
};

struct es_state {
    sqlite3 *db;
    sqlite3_stmt *q[Q_COUNT];
    char *path;
    /* Checkpoints and HTTP validators in memory (state_memo.h); NULL
     * until read, or since a rollback. Read-write connections only:
     * the agent and the commands hold the instance lock, so no other
     * process writes these tables under them. */
    int memo;
    es__memo_t *cp, *http;
    uint8_t *pack;     /* es__state_seen_write's encoding buffer */
    uint64_t *unpack;  /* es__state_seen_read's decoding buffer */
    size_t pack_cap, unpack_cap;
};

static void memo_drop(es_state_t *st);

/* ---- fingerprint rows: little-endian 64-bit words, whatever the host ---- */

static void put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

typedef struct pack_agg {
    uint8_t *buf;
    size_t len, cap;
} pack_agg_t;

/* es_pack_ids(text): the aggregate migration 5 turns the old table's ids
 * into fingerprint rows with. */
static void pack_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    pack_agg_t *a = sqlite3_aggregate_context(ctx, sizeof *a);
    const char *id = (const char *)sqlite3_value_text(argv[0]);
    if (!a || !id)
        return;
    if (a->len + 8 > a->cap) {
        size_t nc = a->cap ? a->cap * 2 : 4096;
        uint8_t *nb = realloc(a->buf, nc);
        if (!nb) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        a->buf = nb;
        a->cap = nc;
    }
    put_le64(a->buf + a->len, es__idset_hash(id, (size_t)sqlite3_value_bytes(argv[0])));
    a->len += 8;
}

static void pack_final(sqlite3_context *ctx)
{
    pack_agg_t *a = sqlite3_aggregate_context(ctx, 0);
    if (a && a->buf)
        sqlite3_result_blob64(ctx, a->buf, a->len, free);
    else
        sqlite3_result_zeroblob(ctx, 0);
}

const char *es__state_errmsg(es_state_t *st) { return sqlite3_errmsg(st->db); }
sqlite3 *es__state_db(es_state_t *st) { return st->db; }
const char *es__state_path(const es_state_t *st) { return st->path; }

static int schema_version(sqlite3 *db)
{
    sqlite3_stmt *s;
    int version = 0;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            version = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    return version;
}

static int migrate(es_state_t *st, char *err, size_t errlen)
{
    int version = schema_version(st->db), n = N_MIGRATIONS;
    if (version > n) {
        snprintf(err, errlen, "%s: schema version %d is newer than this earshot (%d)", st->path,
                 version, n);
        return ES_EDB;
    }
    for (; version < n; version++) {
        char *msg = NULL;
        char *script = es__asprintf("BEGIN; %s PRAGMA user_version = %d;", migrations[version], version + 1);
        if (!script)
            return ES_ENOMEM;
        int rc = sqlite3_exec(st->db, script, NULL, NULL, &msg);
        free(script);
        if (rc == SQLITE_OK && migration_fixups[version])
            rc = migration_fixups[version](st->db);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(st->db, "COMMIT", NULL, NULL, &msg);
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "%s: migration %d failed: %s", st->path, version + 1,
                     msg ? msg : sqlite3_errmsg(st->db));
            sqlite3_free(msg);
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
            return ES_EDB;
        }
    }
    return 0;
}

/* The connection to state_dir/state.db, without its statements yet. */
static int db_connect(const char *state_dir, int flags, es_state_t **out, char *err, size_t errlen)
{
    es_state_t *st = calloc(1, sizeof *st);
    *out = NULL;
    if (!st || !(st->path = es__asprintf("%s/state.db", state_dir))) {
        free(st);
        return ES_ENOMEM;
    }
    if (sqlite3_open_v2(st->path, &st->db, flags, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", st->path, st->db ? sqlite3_errmsg(st->db) : "cannot open");
        es__state_close(st);
        return ES_EDB;
    }
    *out = st;
    return 0;
}

static int prepare(es_state_t *st, char *err, size_t errlen)
{
    for (int i = 0; i < Q_COUNT; i++)
        if (sqlite3_prepare_v3(st->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->q[i], NULL) != SQLITE_OK) {
            snprintf(err, errlen, "%s: %s", st->path, sqlite3_errmsg(st->db));
            return ES_EDB;
        }
    return 0;
}

int es__state_open(const char *state_dir, es_state_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (es__mkdir_p(state_dir, 0750) < 0) {
        snprintf(err, errlen, "%s: cannot create state directory: %s", state_dir, strerror(errno));
        return ES_EIO;
    }
    es_state_t *st;
    int rc = db_connect(state_dir, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &st, err, errlen);
    if (rc < 0)
        return rc;
    sqlite3_busy_timeout(st->db, 5000);
    /* WAL + NORMAL: a commit survives a process crash (SIGKILL); only an OS
     * crash can lose the last transactions, which the sources re-read.
     * The spool is a queue: rows are written at its tail and deleted at its
     * head, so the same few pages change again and again. A 4 MiB page
     * cache keeps them, and the spool index, in memory, and a 16 MiB WAL
     * between checkpoints (ES_STATE_WAL_PAGES) writes each back once
     * instead of many times. Not more: the cache also fills with the
     * dedupe rows' pages, written once and never read, and 16 MiB of them
     * were 10 MiB of a 1 GiB archive import's peak RSS (73 -> 63.5 MiB)
     * for no CPU saved (100,000-tweet import: 1.8 s either way). */
    char *msg = NULL;
    if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-4096;",
                     NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "%s: %s", st->path, msg ? msg : "cannot set WAL");
        sqlite3_free(msg);
        es__state_close(st);
        return ES_EDB;
    }
    sqlite3_wal_autocheckpoint(st->db, ES_STATE_WAL_PAGES);
    sqlite3_create_function(st->db, "es_pack_ids", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                            pack_step, pack_final);
    if ((rc = migrate(st, err, errlen)) < 0 || (rc = prepare(st, err, errlen)) < 0) {
        es__state_close(st);
        return rc;
    }
    st->memo = 1;
    *out = st;
    return 0;
}

int es__state_open_readonly(const char *state_dir, es_state_t **out, char *err, size_t errlen)
{
    es_state_t *st;
    int rc = db_connect(state_dir, SQLITE_OPEN_READONLY, &st, err, errlen);
    if (rc < 0)
        return rc;
    /* A reader beside a writing agent waits less than the agent would: a
     * page is still worth having without what it reads here. */
    sqlite3_busy_timeout(st->db, 2000);
    /* A read-only connection cannot migrate, and the statements are
     * written for the current schema only. */
    int version = schema_version(st->db);
    if (version != N_MIGRATIONS) {
        snprintf(err, errlen, "%s: schema version %d, this earshot's is %d (earshot run migrates it)", st->path,
                 version, N_MIGRATIONS);
        rc = ES_EDB;
    }
    if (rc < 0 || (rc = prepare(st, err, errlen)) < 0) {
        es__state_close(st);
        return rc;
    }
    *out = st;
    return 0;
}

void es__state_close(es_state_t *st)
{
    if (!st)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(st->q[i]);
    sqlite3_close(st->db);
    memo_drop(st);
    free(st->path);
    free(st->pack);
    free(st->unpack);
    free(st);
}

/* Runs a prepared statement that returns no rows. */
static int run(es_state_t *st, sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        es__logf(ES_LOG_ERROR, "state %s: %s", st->path, sqlite3_errmsg(st->db));
        return ES_EDB;
    }
    return 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

int es__state_begin(es_state_t *st) { return run(st, st->q[Q_BEGIN]); }
int es__state_commit(es_state_t *st) { return run(st, st->q[Q_COMMIT]); }
/* The memos may hold writes the rollback undid. */
static void memo_drop(es_state_t *st)
{
    es__memo_free(st->cp);
    es__memo_free(st->http);
    st->cp = st->http = NULL;
}

void es__state_rollback(es_state_t *st)
{
    if (!sqlite3_get_autocommit(st->db))
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    memo_drop(st);
}

/* A whole table (its key columns joined by \x1f) into a new memo; NULL on
 * error, and the caller reads the database instead. */
static es__memo_t *memo_load(es_state_t *st, const char *sql, int nkey)
{
    sqlite3_stmt *s;
    es__memo_t *m = es__memo_new();
    if (!m || sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        es__memo_free(m);
        return NULL;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *k0 = (const char *)sqlite3_column_text(s, 0);
        const char *k1 = nkey > 1 ? (const char *)sqlite3_column_text(s, 1) : NULL;
        char *key = k1 ? es__asprintf("%s\x1f%s", k0 ? k0 : "", k1) : es__strdup(k0 ? k0 : "");
        int bad = !key || es__memo_put(m, key, (const char *)sqlite3_column_text(s, nkey),
                                       (const char *)sqlite3_column_text(s, nkey + 1)) < 0;
        free(key);
        if (bad)
            break;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        es__memo_free(m);
        return NULL;
    }
    return m;
}

static es__memo_t *memo_cp(es_state_t *st)
{
    if (st->memo && !st->cp)
        st->cp = memo_load(st, "SELECT instance, key, value, NULL FROM checkpoints", 2);
    return st->cp;
}

static es__memo_t *memo_http(es_state_t *st)
{
    if (st->memo && !st->http)
        st->http = memo_load(st, "SELECT url, etag, last_modified FROM http_cache", 1);
    return st->http;
}

int es__state_checkpoint_get(es_state_t *st, const char *instance, const char *key, char **value)
{
    *value = NULL;
    es__memo_t *m = memo_cp(st);
    if (m) {
        char *k = es__asprintf("%s\x1f%s", instance, key);
        const char *v, *unused;
        int found = k && es__memo_get(m, k, &v, &unused);
        free(k);
        if (!found)
            return k ? ES_ENOENT : ES_ENOMEM;
        *value = es__strdup(v ? v : "");
        return *value ? 0 : ES_ENOMEM;
    }
    sqlite3_stmt *s = st->q[Q_CP_GET];
    bind_text(s, 1, instance);
    bind_text(s, 2, key);
    int rc = sqlite3_step(s), ret = ES_ENOENT;
    if (rc == SQLITE_ROW) {
        *value = es__strdup((const char *)sqlite3_column_text(s, 0));
        ret = *value ? 0 : ES_ENOMEM;
    } else if (rc != SQLITE_DONE) {
        ret = ES_EDB;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ret;
}

int es__state_checkpoint_put(es_state_t *st, const char *instance, const char *key, const char *value)
{
    sqlite3_stmt *s = st->q[Q_CP_PUT];
    bind_text(s, 1, instance);
    bind_text(s, 2, key);
    bind_text(s, 3, value);
    int rc = run(st, s);
    if (rc == 0 && st->cp) {
        char *k = es__asprintf("%s\x1f%s", instance, key);
        if (!k || es__memo_put(st->cp, k, value, NULL) < 0)
            memo_drop(st); /* reads go to the database until it loads again */
        free(k);
    }
    return rc;
}

static int grow(void **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    void *nb = realloc(*buf, need);
    if (!nb)
        return ES_ENOMEM;
    *buf = nb;
    *cap = need;
    return 0;
}

int64_t es__state_seen_write(es_state_t *st, int64_t at, const uint64_t *ids, size_t n)
{
    if (grow((void **)&st->pack, &st->pack_cap, n * 8 + 8) < 0)
        return ES_ENOMEM;
    for (size_t i = 0; i < n; i++)
        put_le64(st->pack + 8 * i, ids[i]);
    sqlite3_stmt *s = st->q[Q_SEEN_WRITE];
    sqlite3_bind_int64(s, 1, at);
    sqlite3_bind_blob64(s, 2, st->pack, n * 8, SQLITE_STATIC);
    int rc = run(st, s);
    return rc < 0 ? rc : sqlite3_last_insert_rowid(st->db);
}

int es__state_seen_read(es_state_t *st, int64_t after, int64_t before, size_t max_ids, int64_t limit,
                       es_seen_row_cb cb, void *ud)
{
    sqlite3_stmt *s = st->q[Q_SEEN_READ];
    sqlite3_bind_int64(s, 1, after);
    sqlite3_bind_int64(s, 2, before);
    sqlite3_bind_int64(s, 3, max_ids > (size_t)INT64_MAX / 8 ? INT64_MAX : (int64_t)max_ids * 8);
    sqlite3_bind_int64(s, 4, limit);
    int rc, ret = 0;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const uint8_t *blob = sqlite3_column_blob(s, 2);
        size_t n = (size_t)sqlite3_column_bytes(s, 2) / 8;
        if (n && !blob) {
            ret = ES_ENOMEM;
            break;
        }
        if (grow((void **)&st->unpack, &st->unpack_cap, n * 8 + 8) < 0) {
            ret = ES_ENOMEM;
            break;
        }
        for (size_t i = 0; i < n; i++)
            st->unpack[i] = get_le64(blob + 8 * i);
        if ((ret = cb(ud, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), st->unpack, n)) != 0)
            break;
    }
    if (!ret && rc != SQLITE_DONE) {
        es__logf(ES_LOG_ERROR, "state %s: %s", st->path, sqlite3_errmsg(st->db));
        ret = ES_EDB;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ret < 0 ? ret : 0;
}

int es__state_seen_delete(es_state_t *st, int64_t row)
{
    sqlite3_stmt *s = st->q[Q_SEEN_DEL];
    sqlite3_bind_int64(s, 1, row);
    return run(st, s);
}

int es__state_dead_letter(es_state_t *st, const char *sink, const char *kind, const char *record_id,
                         const char *json, const char *error, unsigned attempts)
{
    sqlite3_stmt *s = st->q[Q_DL_ADD];
    bind_text(s, 1, sink);
    bind_text(s, 2, kind);
    bind_text(s, 3, record_id);
    bind_text(s, 4, json ? json : "{}");
    bind_text(s, 5, error);
    sqlite3_bind_int(s, 6, (int)attempts);
    return run(st, s);
}

int64_t es__state_dead_letter_count(es_state_t *st, const char *sink)
{
    sqlite3_stmt *s = st->q[Q_DL_COUNT];
    bind_text(s, 1, sink);
    int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : ES_EDB;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return n;
}

int64_t es__state_dead_letters_after(es_state_t *st, int64_t after, int64_t *max_id)
{
    sqlite3_stmt *s = st->q[Q_DL_AFTER];
    sqlite3_bind_int64(s, 1, after);
    int64_t n = ES_EDB;
    if (sqlite3_step(s) == SQLITE_ROW) {
        n = sqlite3_column_int64(s, 0);
        if (max_id)
            *max_id = sqlite3_column_int64(s, 1);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return n;
}

int es__state_http_get(es_state_t *st, const char *url, char **etag, char **last_modified)
{
    *etag = *last_modified = NULL;
    es__memo_t *m = memo_http(st);
    if (m) {
        const char *e, *lm;
        if (!es__memo_get(m, url, &e, &lm))
            return ES_ENOENT;
        *etag = e ? es__strdup(e) : NULL;
        *last_modified = lm ? es__strdup(lm) : NULL;
        return 0;
    }
    sqlite3_stmt *s = st->q[Q_HTTP_GET];
    bind_text(s, 1, url);
    int rc = sqlite3_step(s), ret = ES_ENOENT;
    if (rc == SQLITE_ROW) {
        *etag = es__strdup((const char *)sqlite3_column_text(s, 0));
        *last_modified = es__strdup((const char *)sqlite3_column_text(s, 1));
        ret = 0;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return ret;
}

int es__state_http_put(es_state_t *st, const char *url, const char *etag, const char *last_modified)
{
    sqlite3_stmt *s = st->q[Q_HTTP_PUT];
    bind_text(s, 1, url);
    bind_text(s, 2, etag);
    bind_text(s, 3, last_modified);
    int rc = run(st, s);
    if (rc == 0 && st->http && es__memo_put(st->http, url, etag, last_modified) < 0)
        memo_drop(st);
    return rc;
}

int64_t es__state_spool_add(es_state_t *st, const char *sink, const char *kind, const char *record_id,
                           const char *json, size_t len)
{
    sqlite3_stmt *s = st->q[Q_SP_ADD];
    bind_text(s, 1, sink);
    bind_text(s, 2, kind);
    bind_text(s, 3, record_id);
    sqlite3_bind_text(s, 4, json, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, (int64_t)len);
    sqlite3_bind_int64(s, 6, es__now_s()); /* strftime() per row cost more than the insert */
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc != SQLITE_DONE) {
        es__logf(ES_LOG_ERROR, "spool %s: cannot store a record: %s", st->path, sqlite3_errmsg(st->db));
        return ES_EDB;
    }
    return sqlite3_last_insert_rowid(st->db);
}

int es__state_spool_del(es_state_t *st, int64_t id)
{
    sqlite3_stmt *s = st->q[Q_SP_DEL];
    sqlite3_bind_int64(s, 1, id);
    return run(st, s);
}

int es__state_spool_attempt(es_state_t *st, int64_t id)
{
    sqlite3_stmt *s = st->q[Q_SP_ATTEMPT];
    sqlite3_bind_int64(s, 1, id);
    return run(st, s);
}

int es__state_spool_load(es_state_t *st, const char *sink, int64_t after, int limit,
                        int (*visit)(int64_t id, const char *kind, const char *json, int attempts, void *arg),
                        void *arg)
{
    sqlite3_stmt *s = st->q[Q_SP_LOAD];
    bind_text(s, 1, sink);
    sqlite3_bind_int64(s, 2, after);
    sqlite3_bind_int(s, 3, limit);
    int n = 0, rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        n++;
        if (visit(sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
                  (const char *)sqlite3_column_text(s, 2), sqlite3_column_int(s, 3), arg) < 0)
            break;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? n : ES_EDB;
}

int es__state_spool_stats(es_state_t *st, const char *sink, int64_t *count, int64_t *bytes, int64_t *oldest)
{
    sqlite3_stmt *s = st->q[Q_SP_STATS];
    bind_text(s, 1, sink);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *count = sqlite3_column_int64(s, 0);
        *bytes = sqlite3_column_int64(s, 1);
        *oldest = sqlite3_column_int64(s, 2);
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_ROW ? 0 : ES_EDB;
}

int64_t es__state_spool_max_id(es_state_t *st, const char *sink)
{
    sqlite3_stmt *s = st->q[Q_SP_MAX];
    bind_text(s, 1, sink);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : ES_EDB;
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return v;
}
