/* The operator's queries over the spools and dead letters (`earshot spool
 * status|retry|drop`): the only SQL of the spool outside state.c's
 * delivery path, kept here so every statement on the state database
 * lives in core/state/. Safe while an agent runs (WAL): it notices rows
 * requeued under it. */
#include <sqlite3.h>
#include <stddef.h>
#include <stdio.h>

#include "state_conn.h"
#include <earshot/plugin.h>

static int exec_count(sqlite3 *db, const char *sql, const char *sink, int64_t t, int64_t *changed)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        return ES_EDB;
    sqlite3_bind_text(s, 1, sink, -1, SQLITE_TRANSIENT);
    if (sqlite3_bind_parameter_count(s) >= 2)
        sqlite3_bind_int64(s, 2, t);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (changed)
        *changed = sqlite3_changes(db);
    return rc == SQLITE_DONE ? 0 : ES_EDB;
}

int es__state_spool_summary(es_state_t *st, es_spool_summary_cb cb, void *ud)
{
    sqlite3 *db = es__state_db(st);
    static const char *const q_spool =
        "SELECT sink, count(*), sum(bytes), min(enqueued_at), sum(attempts > 0), max(attempts)"
        " FROM spool WHERE sink <> '' GROUP BY sink";
    static const char *const q_dead = "SELECT sink, count(*) FROM dead_letters GROUP BY sink";
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, q_spool, -1, &s, NULL) != SQLITE_OK)
        return ES_EDB;
    int rc = 0;
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        es_spool_summary_t r = {.depth = sqlite3_column_int64(s, 1), .bytes = sqlite3_column_int64(s, 2),
                                .oldest = sqlite3_column_int64(s, 3), .retried = sqlite3_column_int64(s, 4),
                                .max_attempts = sqlite3_column_int64(s, 5), .dead = -1};
        rc = cb(ud, (const char *)sqlite3_column_text(s, 0), &r);
    }
    sqlite3_finalize(s);
    if (rc)
        return rc < 0 ? rc : 0;
    if (sqlite3_prepare_v2(db, q_dead, -1, &s, NULL) != SQLITE_OK)
        return ES_EDB;
    while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
        es_spool_summary_t r = {.depth = -1, .dead = sqlite3_column_int64(s, 1)};
        rc = cb(ud, (const char *)sqlite3_column_text(s, 0), &r);
    }
    sqlite3_finalize(s);
    return rc < 0 ? rc : 0;
}

int es__state_dead_requeue(es_state_t *st, const char *sink, int64_t now, int64_t *moved, char *err, size_t errlen)
{
    sqlite3 *db = es__state_db(st);
    *moved = 0;
    /* IMMEDIATE: the agent's own transaction must not interleave between
     * the copy and the delete, or a dead letter could be both. */
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK ||
        exec_count(db,
                   "INSERT INTO spool(sink, kind, record_id, record, bytes, enqueued_at)"
                   " SELECT sink, kind, record_id, record, length(CAST(record AS BLOB)), ?2"
                   " FROM dead_letters WHERE sink = ?1 ORDER BY id",
                   sink, now, moved) < 0 ||
        exec_count(db, "DELETE FROM dead_letters WHERE sink = ?1", sink, 0, NULL) < 0 ||
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db)); /* before the rollback resets it */
        es__state_rollback(st);
        return ES_EDB;
    }
    return 0;
}

int es__state_spool_drop_before(es_state_t *st, const char *sink, int64_t before, int64_t *dropped)
{
    return exec_count(es__state_db(st), "DELETE FROM spool WHERE sink = ?1 AND enqueued_at < ?2", sink, before,
                      dropped);
}
