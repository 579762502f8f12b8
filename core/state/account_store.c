#include "account_store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "state_conn.h"
#include "util.h"

enum { Q_INV_CLEAR, Q_INV_ADD, Q_POST, Q_ADDR, Q_ADDR_COUNT, Q_REPLY_ID, Q_REPLY_AUTHOR, Q_REPLY_COUNT,
       Q_LOOK_NEW, Q_LOOK_SEEN, Q_N };

static const char *const sql[Q_N] = {
    [Q_INV_CLEAR] = "DELETE FROM inventory",
    [Q_INV_ADD] = "INSERT OR REPLACE INTO inventory(network, handle, brand, owner, status, url, notes, line)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [Q_POST] = "INSERT INTO account_activity(network, handle, first_post, last_post, n_posts)"
               " VALUES (?1, ?2, ?3, ?3, 1) ON CONFLICT(network, handle) DO UPDATE SET"
               " first_post = min(coalesce(first_post, excluded.first_post), excluded.first_post),"
               " last_post = max(coalesce(last_post, 0), excluded.last_post), n_posts = n_posts + 1",
    [Q_ADDR] = "INSERT OR IGNORE INTO addressed(mention_id, network, account, owner, author, created_at)"
               " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [Q_ADDR_COUNT] = "INSERT INTO account_activity(network, handle, n_addressed, last_addressed)"
                     " VALUES (?1, ?2, 1, ?3) ON CONFLICT(network, handle) DO UPDATE SET"
                     " n_addressed = n_addressed + 1,"
                     " last_addressed = max(coalesce(last_addressed, 0), excluded.last_addressed)",
    [Q_REPLY_ID] = "UPDATE addressed SET answered_at = ?2, answered_by = ?3"
                   " WHERE mention_id = ?1 AND answered_at IS NULL AND ?2 >= created_at",
    [Q_REPLY_AUTHOR] = "UPDATE addressed SET answered_at = ?3, answered_by = ?4 WHERE mention_id ="
                       " (SELECT mention_id FROM addressed WHERE network = ?1 AND author = ?2 COLLATE NOCASE"
                       " AND answered_at IS NULL AND created_at <= ?3 AND created_at > ?3 - 604800"
                       " ORDER BY created_at DESC LIMIT 1)",
    [Q_REPLY_COUNT] = "INSERT INTO account_activity(network, handle, n_replies) VALUES (?1, ?2, 1)"
                      " ON CONFLICT(network, handle) DO UPDATE SET n_replies = n_replies + 1",
    [Q_LOOK_NEW] = "INSERT OR IGNORE INTO lookalikes(network, handle, brand, like_handle, reason, score,"
                   " first_seen, last_seen, count, example_url) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, 1, ?8)",
    [Q_LOOK_SEEN] = "UPDATE lookalikes SET count = count + 1, last_seen = max(last_seen, ?3)"
                    " WHERE network = ?1 AND handle = ?2",
};

struct es_acct_store {
    sqlite3 *db;
    sqlite3_stmt *q[Q_N];
};

int es__acct_store_new(es_state_t *st, es_acct_store_t **out)
{
    *out = NULL;
    es_acct_store_t *s = calloc(1, sizeof *s);
    if (!s)
        return ES_ENOMEM;
    s->db = es__state_db(st);
    for (int i = 0; i < Q_N; i++)
        if (sqlite3_prepare_v3(s->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->q[i], NULL) != SQLITE_OK) {
            es__logf(ES_LOG_ERROR, "accounts: %s", sqlite3_errmsg(s->db));
            es__acct_store_free(s);
            return ES_EDB;
        }
    *out = s;
    return 0;
}

void es__acct_store_free(es_acct_store_t *s)
{
    if (!s)
        return;
    for (int i = 0; i < Q_N; i++)
        sqlite3_finalize(s->q[i]);
    free(s);
}

/* Binds (NULL-safe) and runs; returns sqlite3_changes or -1. */
static int run(es_acct_store_t *s, sqlite3_stmt *q)
{
    int rc = sqlite3_step(q);
    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    if (rc != SQLITE_DONE) {
        es__logf(ES_LOG_ERROR, "accounts: %s", sqlite3_errmsg(s->db));
        return -1;
    }
    return sqlite3_changes(s->db);
}

static void txt(sqlite3_stmt *q, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(q, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(q, i);
}

int es__acct_store_snapshot(es_acct_store_t *s, const es_accounts_t *a)
{
    sqlite3_exec(s->db, "SAVEPOINT inventory_snapshot", NULL, NULL, NULL);
    int bad = run(s, s->q[Q_INV_CLEAR]) < 0;
    for (size_t i = 0; i < a->n && !bad; i++) {
        const es_account_t *ac = &a->v[i];
        sqlite3_stmt *q = s->q[Q_INV_ADD];
        txt(q, 1, ac->network);
        txt(q, 2, ac->handle);
        txt(q, 3, ac->brand);
        txt(q, 4, ac->owner);
        txt(q, 5, es__acct_status_name(ac->status));
        txt(q, 6, ac->url);
        txt(q, 7, ac->notes);
        sqlite3_bind_int(q, 8, ac->line);
        bad = run(s, q) < 0;
    }
    sqlite3_exec(s->db, bad ? "ROLLBACK TO inventory_snapshot" : "RELEASE inventory_snapshot", NULL, NULL, NULL);
    if (bad)
        sqlite3_exec(s->db, "RELEASE inventory_snapshot", NULL, NULL, NULL);
    return bad ? ES_EDB : 0;
}

void es__acct_store_post(es_acct_store_t *s, const es_account_t *ac, int64_t at)
{
    sqlite3_stmt *q = s->q[Q_POST];
    txt(q, 1, ac->network);
    txt(q, 2, ac->handle);
    sqlite3_bind_int64(q, 3, at);
    run(s, q);
}

void es__acct_store_addressed(es_acct_store_t *s, const char *mention_id, const es_account_t *ac,
                             const char *author, int64_t at)
{
    sqlite3_stmt *q = s->q[Q_ADDR];
    txt(q, 1, mention_id);
    txt(q, 2, ac->network);
    txt(q, 3, ac->handle);
    txt(q, 4, ac->owner);
    txt(q, 5, author);
    sqlite3_bind_int64(q, 6, at);
    if (run(s, q) <= 0)
        return; /* seen before: count once */
    q = s->q[Q_ADDR_COUNT];
    txt(q, 1, ac->network);
    txt(q, 2, ac->handle);
    sqlite3_bind_int64(q, 3, at);
    run(s, q);
}

int es__acct_store_reply(es_acct_store_t *s, const es_account_t *ac, const char *in_reply_to,
                        const char *reply_to_author, int64_t at)
{
    int n = 0;
    if (in_reply_to) {
        sqlite3_stmt *q = s->q[Q_REPLY_ID];
        txt(q, 1, in_reply_to);
        sqlite3_bind_int64(q, 2, at);
        txt(q, 3, ac->handle);
        n = run(s, q);
    }
    if (n <= 0 && reply_to_author) {
        sqlite3_stmt *q = s->q[Q_REPLY_AUTHOR];
        txt(q, 1, ac->network);
        txt(q, 2, reply_to_author);
        sqlite3_bind_int64(q, 3, at);
        txt(q, 4, ac->handle);
        n = run(s, q);
    }
    if (n > 0) {
        sqlite3_stmt *q = s->q[Q_REPLY_COUNT];
        txt(q, 1, ac->network);
        txt(q, 2, ac->handle);
        run(s, q);
    }
    return n > 0;
}

int es__acct_store_lookalike(es_acct_store_t *s, const char *network, const char *handle,
                            const char *brand, const char *like, const char *reason, double score,
                            const char *url, int64_t at)
{
    sqlite3_stmt *q = s->q[Q_LOOK_NEW];
    txt(q, 1, network);
    txt(q, 2, handle);
    txt(q, 3, brand);
    txt(q, 4, like);
    txt(q, 5, reason);
    sqlite3_bind_double(q, 6, score);
    sqlite3_bind_int64(q, 7, at);
    txt(q, 8, url);
    int n = run(s, q);
    if (n < 0)
        return ES_EDB;
    if (n > 0)
        return 1;
    q = s->q[Q_LOOK_SEEN];
    txt(q, 1, network);
    txt(q, 2, handle);
    sqlite3_bind_int64(q, 3, at);
    run(s, q);
    return 0;
}

int es__acct_store_load(es_state_t *st, es_accounts_t *out)
{
    sqlite3 *db = es__state_db(st);
    sqlite3_stmt *q;
    memset(out, 0, sizeof *out);
    if (sqlite3_prepare_v2(db, "SELECT network, handle, brand, owner, status, url, notes FROM inventory"
                               " ORDER BY line, network, handle", -1, &q, NULL) != SQLITE_OK)
        return ES_EDB;
    size_t cap = 0;
    int rc = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 64;
            es_account_t *nv = realloc(out->v, cap * sizeof *nv);
            if (!nv) {
                rc = ES_ENOMEM;
                break;
            }
            out->v = nv;
        }
        es_account_t *ac = &out->v[out->n];
        memset(ac, 0, sizeof *ac);
        ac->network = es__strdup((const char *)sqlite3_column_text(q, 0));
        ac->handle = es__strdup((const char *)sqlite3_column_text(q, 1));
        ac->brand = es__strdup((const char *)sqlite3_column_text(q, 2));
        ac->owner = es__strdup((const char *)sqlite3_column_text(q, 3));
        const char *s = (const char *)sqlite3_column_text(q, 4);
        ac->status = !strcmp(s, "active") ? ES_ACCT_ACTIVE : !strcmp(s, "dormant") ? ES_ACCT_DORMANT : ES_ACCT_SUNSET;
        ac->url = es__strdup((const char *)sqlite3_column_text(q, 5));
        ac->notes = es__strdup((const char *)sqlite3_column_text(q, 6));
        ac->line = (int)out->n; /* already in file order */
        out->n++;
    }
    sqlite3_finalize(q);
    return rc;
}
