/*
 * The spike detector's statements (tables: migration 6 in state.c). They
 * run a few times an hour of detector time, not per mention, so they are
 * prepared per call rather than kept.
 */
#include "spike_store.h"

#include <stdio.h>
#include <stdlib.h>

#include <earshot/plugin.h>
#include "state_conn.h"

enum { Q_SERIES_PUT, Q_META_PUT, Q_META_GET, Q_SERIES_ALL, Q_CLEAR, Q_N };

static const char *const sql[Q_N] = {
    [Q_SERIES_PUT] = "INSERT OR REPLACE INTO spike_series (key, brand, owner, network, state, updated_at, topic)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    [Q_META_PUT] = "INSERT OR REPLACE INTO spike_meta (key, value) VALUES (?1, ?2)",
    [Q_META_GET] = "SELECT value FROM spike_meta WHERE key = ?1",
    [Q_SERIES_ALL] = "SELECT key, brand, owner, network, topic, state FROM spike_series ORDER BY rowid",
    [Q_CLEAR] = "DELETE FROM spike_series; DELETE FROM spike_meta",
};

static void bind_text(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

static int put_series(sqlite3_stmt *q, const es_state_spike_series_t *r, char *state, int64_t at)
{
    sqlite3_reset(q);
    bind_text(q, 1, r->key);
    bind_text(q, 2, r->brand);
    bind_text(q, 3, r->owner);
    bind_text(q, 4, r->network);
    sqlite3_bind_text(q, 5, state, -1, free);
    sqlite3_bind_int64(q, 6, at);
    bind_text(q, 7, r->topic);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : ES_EDB;
}

static int put_meta(sqlite3_stmt *q, const es_state_spike_meta_t *m)
{
    sqlite3_reset(q);
    bind_text(q, 1, m->key);
    sqlite3_bind_int64(q, 2, m->value);
    return sqlite3_step(q) == SQLITE_DONE ? 0 : ES_EDB;
}

int es__state_spike_save(es_state_t *st, size_t n, es_state_spike_fill_fn fill, void *ud, int64_t at,
                        const es_state_spike_meta_t *meta, size_t n_meta, char *err, size_t errlen)
{
    sqlite3 *db = es__state_db(st);
    if (sqlite3_exec(db, "SAVEPOINT spike_save", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return ES_EDB;
    }
    sqlite3_stmt *qs = NULL, *qm = NULL;
    int rc = 0;
    if (sqlite3_prepare_v2(db, sql[Q_SERIES_PUT], -1, &qs, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql[Q_META_PUT], -1, &qm, NULL) != SQLITE_OK)
        rc = ES_EDB;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        es_state_spike_series_t row = {0};
        char *state = fill(ud, i, &row);
        rc = state ? put_series(qs, &row, state, at) : ES_ENOMEM;
    }
    for (size_t i = 0; rc == 0 && i < n_meta; i++)
        rc = put_meta(qm, &meta[i]);
    if (rc == ES_EDB)
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(qs);
    sqlite3_finalize(qm);
    if (rc < 0)
        sqlite3_exec(db, "ROLLBACK TO spike_save", NULL, NULL, NULL);
    sqlite3_exec(db, "RELEASE spike_save", NULL, NULL, NULL);
    return rc;
}

int es__state_spike_meta_get(es_state_t *st, const char *key, int64_t *v)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(es__state_db(st), sql[Q_META_GET], -1, &q, NULL) != SQLITE_OK)
        return ES_EDB;
    bind_text(q, 1, key);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : ES_EDB;
}

int es__state_spike_each(es_state_t *st, es_state_spike_row_fn cb, void *ud)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(es__state_db(st), sql[Q_SERIES_ALL], -1, &q, NULL) != SQLITE_OK)
        return ES_EDB;
    int rc, ret = 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        es_state_spike_series_t row = {
            .key = (const char *)sqlite3_column_text(q, 0),
            .brand = (const char *)sqlite3_column_text(q, 1),
            .owner = (const char *)sqlite3_column_text(q, 2),
            .network = (const char *)sqlite3_column_text(q, 3),
            .topic = (const char *)sqlite3_column_text(q, 4),
            .state = (const char *)sqlite3_column_text(q, 5),
        };
        if ((ret = cb(ud, &row)) != 0)
            break;
    }
    sqlite3_finalize(q);
    return ret ? ret : rc == SQLITE_DONE ? 0 : ES_EDB;
}

int es__state_spike_clear(es_state_t *st)
{
    return sqlite3_exec(es__state_db(st), sql[Q_CLEAR], NULL, NULL, NULL) == SQLITE_OK ? 0 : ES_EDB;
}
