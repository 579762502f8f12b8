/*
 * Account reconciliation: reads what the inventory stage recorded in the
 * state DB and lists what governance must act on. One JSON document so the
 * CLI can render it as a table, JSON or CSV, and sinks can receive it.
 */
#include "reconcile.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "state_conn.h"
#include "util.h"

static json_t *col_value(sqlite3_stmt *q, int i)
{
    switch (sqlite3_column_type(q, i)) {
    case SQLITE_INTEGER: return json_integer(sqlite3_column_int64(q, i));
    case SQLITE_FLOAT: return json_real(sqlite3_column_double(q, i));
    case SQLITE_TEXT: return json_string((const char *)sqlite3_column_text(q, i));
    default: return json_null();
    }
}

/* Runs a query with ?1 = since and appends each row as an object. */
static int rows(sqlite3 *db, const char *sql, int64_t since, json_t *arr)
{
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return ES_EDB;
    sqlite3_bind_int64(q, 1, since);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        json_t *o = json_object();
        for (int i = 0; i < sqlite3_column_count(q); i++)
            json_object_set_new(o, sqlite3_column_name(q, i), col_value(q, i));
        json_array_append_new(arr, o);
    }
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : ES_EDB;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static int64_t pct(const int64_t *v, size_t n, double p)
{
    size_t r = (size_t)(p * (double)n + 0.999999);
    if (r < 1)
        r = 1;
    return v[(r > n ? n : r) - 1];
}

/* Response rate and time to first answer, grouped by `key` (an SQL
 * expression list such as "owner" or "network, account"). */
static int responses(sqlite3 *db, const char *group, int64_t since, json_t *arr)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT %s, created_at, answered_at FROM addressed WHERE created_at >= ?1"
             " ORDER BY %s", group, group);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return ES_EDB;
    sqlite3_bind_int64(q, 1, since);
    int ncols = sqlite3_column_count(q) - 2;
    char cur[512] = "";
    json_t *o = NULL;
    int64_t *d = NULL;
    size_t nd = 0, cap = 0, total = 0;
    int rc;
    for (;;) {
        rc = sqlite3_step(q);
        char key[512] = "";
        if (rc == SQLITE_ROW)
            for (int i = 0; i < ncols; i++) {
                const char *t = (const char *)sqlite3_column_text(q, i);
                size_t l = strlen(key);
                snprintf(key + l, sizeof key - l, "%s\x1f", t ? t : "");
            }
        if (o && (rc != SQLITE_ROW || strcmp(key, cur) != 0)) {
            if (nd) /* d is NULL when nothing was answered */
                qsort(d, nd, sizeof *d, cmp_i64);
            json_object_set_new(o, "addressed", json_integer((json_int_t)total));
            json_object_set_new(o, "answered", json_integer((json_int_t)nd));
            json_object_set_new(o, "rate", json_real(total ? (double)nd / (double)total : 0));
            json_object_set_new(o, "median_s", nd ? json_integer(pct(d, nd, 0.5)) : json_null());
            json_object_set_new(o, "p90_s", nd ? json_integer(pct(d, nd, 0.9)) : json_null());
            json_array_append_new(arr, o);
            o = NULL;
            nd = total = 0;
        }
        if (rc != SQLITE_ROW)
            break;
        if (!o) {
            o = json_object();
            for (int i = 0; i < ncols; i++)
                json_object_set_new(o, sqlite3_column_name(q, i), col_value(q, i));
            snprintf(cur, sizeof cur, "%s", key);
        }
        total++;
        if (sqlite3_column_type(q, ncols + 1) != SQLITE_NULL) {
            if (nd == cap) {
                cap = cap ? cap * 2 : 64;
                int64_t *nd2 = realloc(d, cap * sizeof *d);
                if (!nd2)
                    break;
                d = nd2;
            }
            d[nd++] = sqlite3_column_int64(q, ncols + 1) - sqlite3_column_int64(q, ncols);
        }
    }
    free(d);
    json_decref(o);
    sqlite3_finalize(q);
    return rc == SQLITE_DONE ? 0 : ES_EDB;
}

int es__state_reconcile(es_state_t *st, int64_t since, int64_t now, json_t **out)
{
    sqlite3 *db = es__state_db(st);
    json_t *r = json_object();
    json_object_set_new(r, "since", json_integer(since));
    json_object_set_new(r, "generated_at", json_integer(now));
    const struct {
        const char *name, *sql;
    } q[] = {
        {"dormant",
         "SELECT i.network, i.handle, i.brand, i.owner, i.status, a.last_post FROM inventory i"
         " LEFT JOIN account_activity a USING (network, handle)"
         " WHERE i.status != 'sunset' AND (a.last_post IS NULL OR a.last_post < ?1)"
         " ORDER BY i.network, i.handle"},
        {"sunset_active",
         "SELECT i.network, i.handle, i.brand, i.owner, a.last_post, a.last_addressed FROM inventory i"
         " JOIN account_activity a USING (network, handle)"
         " WHERE i.status = 'sunset' AND (a.last_post >= ?1 OR a.last_addressed >= ?1)"
         " ORDER BY i.network, i.handle"},
        {"lookalikes",
         "SELECT network, handle, brand, like_handle AS \"like\", reason, score, count, first_seen,"
         " last_seen, example_url FROM lookalikes WHERE last_seen >= ?1 ORDER BY count DESC, network, handle"},
        {"no_owner",
         "SELECT network, handle, brand, status FROM inventory WHERE coalesce(owner, '') = ''"
         " ORDER BY network, handle"},
    };
    int rc = 0;
    for (size_t i = 0; i < sizeof q / sizeof q[0] && rc == 0; i++) {
        json_t *arr = json_array();
        rc = rows(db, q[i].sql, since, arr);
        json_object_set_new(r, q[i].name, arr);
    }
    if (rc == 0) {
        json_t *t = json_array(), *a = json_array();
        rc = responses(db, "owner", since, t);
        if (rc == 0)
            rc = responses(db, "network, account, owner", since, a);
        json_object_set_new(r, "responses_by_team", t);
        json_object_set_new(r, "responses_by_account", a);
    }
    if (rc < 0) {
        json_decref(r);
        return rc;
    }
    *out = r;
    return 0;
}
