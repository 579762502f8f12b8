/*
 * The sql sink's multi-row plan (plugins/sql/plan.c): which rows share a
 * statement, in which order, and that a batch written through the plan's
 * multi-row inserts leaves the same tables as the same batch written one
 * row at a time (a mention delivered twice with other brands, a deletion
 * between, findings), in an in-memory SQLite database.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "row.h"
#include "schema.h"
#include "sqlite_bind.h"
#include "tap.h"

static char ids[4096][24], names[4096][16];

static sql_val_t txt(const char *s)
{
    sql_val_t v = {.t = SQL_TEXT, .s = s};
    return v;
}

static sql_val_t num(int64_t i)
{
    sql_val_t v = {.t = SQL_INT, .i = i};
    return v;
}

static void add(sql_rows_t *rows, int table, int id, const char *name)
{
    sql_row_t *r = &rows->v[rows->n];
    memset(r, 0, sizeof *r);
    r->table = table;
    r->index = rows->n;
    snprintf(ids[rows->n], sizeof ids[0], "t:%d", id);
    snprintf(names[rows->n], sizeof names[0], "%s", name ? name : "");
    r->id = ids[rows->n];
    r->v[0] = txt(r->id);
    switch (table) {
    case SQL_T_MENTION:
        r->v[1] = txt("t");
        r->v[7] = txt(names[rows->n]); /* the text says which copy */
        r->v[22] = num(1);
        break;
    case SQL_T_MENTION_BRAND:
        r->v[1] = txt(names[rows->n]);
        r->v[2] = num(0);
        break;
    case SQL_T_ALERT:
        r->v[1] = txt("spike_began");
        r->v[11] = txt("{}");
        r->v[12] = num(1);
        break;
    case SQL_T_WITHDRAWN:
        r->v[1] = txt("t");
        r->v[3] = txt("delete");
        r->v[5] = num(1);
        break;
    }
    rows->n++;
}

static sqlite3 *fresh_db(void)
{
    sqlite3 *db = NULL;
    sqlite3_open(":memory:", &db);
    for (int v = 1; v <= sql_schema_latest(); v++)
        sqlite3_exec(db, sql_schema_migration(SQL_SQLITE, v), NULL, NULL, NULL);
    return db;
}

static int run(sqlite3 *db, int table, int k, const sql_rows_t *rows, const size_t *order)
{
    char *sql = sql_insert_sql_rows(SQL_SQLITE, table, k);
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK)
        return rc;
    for (int j = 0; j < k; j++)
        sql_sqlite_bind_row(st, j * sql_table_ncols(table), &rows->v[order[j]]);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

/* Every table's rows as one line each, sorted. */
static char *dump(sqlite3 *db)
{
    static const char *q =
        "SELECT 'm ' || id || ' ' || text FROM mentions UNION ALL"
        " SELECT 'b ' || mention_id || ' ' || brand FROM mention_brands UNION ALL"
        " SELECT 'a ' || id FROM alerts UNION ALL SELECT 'w ' || id FROM withdrawn ORDER BY 1";
    size_t cap = 1 << 20, n = 0;
    char *out = malloc(cap);
    out[0] = 0;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db, q, -1, &st, NULL);
    while (sqlite3_step(st) == SQLITE_ROW && n + 256 < cap)
        n += (size_t)snprintf(out + n, cap - n, "%s\n", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

static size_t count_size(const sql_plan_t *p, int table, int k)
{
    size_t c = 0;
    for (size_t i = 0; i < p->n_st; i++)
        c += p->st[i].table == table && sql_plan_size[p->st[i].size] == k;
    return c;
}

int main(void)
{
    static sql_row_t v[4096];
    sql_rows_t rows = {.v = v, .cap = 4096};
    sql_plan_t p = {0};

    /* 100 mentions with a brand row each: 64 + 32 (4 x 8) + 4 x 1. */
    for (int i = 0; i < 100; i++) {
        add(&rows, SQL_T_MENTION, i, "first");
        add(&rows, SQL_T_MENTION_BRAND, i, "acme");
    }
    ok(sql_plan_build(&p, &rows, SQL_PLAN_KMAX, NULL, NULL) == 0 && p.n_order == 200, "200 rows planned");
    is_int(p.n_cut, 0, "distinct ids: no cut (PostgreSQL may send them by COPY)");
    ok(count_size(&p, SQL_T_MENTION, 64) == 1 && count_size(&p, SQL_T_MENTION, 8) == 4 &&
           count_size(&p, SQL_T_MENTION, 1) == 4,
       "100 mentions: one 64-row, four 8-row and four 1-row inserts");
    ok(p.st[0].table == SQL_T_MENTION && p.st[p.n_st - 1].table == SQL_T_MENTION_BRAND,
       "the mentions before the brand rows");
    sql_plan_build(&p, &rows, 1, NULL, NULL);
    ok(p.n_st == 200 && count_size(&p, SQL_T_MENTION, 1) == 100, "rows_per_insert = 1: a statement a row");
    sql_plan_build(&p, &rows, 8, NULL, NULL);
    ok(count_size(&p, SQL_T_MENTION, 8) == 12 && count_size(&p, SQL_T_MENTION, 1) == 4 &&
           count_size(&p, SQL_T_MENTION, 64) == 0,
       "rows_per_insert = 8: 12 x 8 + 4 x 1");
    unsigned char skip[4096] = {0}, single[4096] = {0};
    skip[0] = 1;
    single[10] = 1;
    sql_plan_build(&p, &rows, SQL_PLAN_KMAX, skip, single);
    int left_out = 1;
    for (size_t i = 0; i < p.n_order; i++)
        left_out &= p.order[i] != 0;
    ok(p.n_order == 199 && left_out, "a skipped row is left out");
    int alone = 0;
    for (size_t i = 0; i < p.n_st; i++)
        if (p.order[p.st[i].at] == 10)
            alone = sql_plan_size[p.st[i].size] == 1;
    ok(alone, "a row marked single gets a statement of its own");

    /* A mention again with another brand, a deletion, a finding twice. */
    rows.n = 0;
    for (int i = 0; i < 20; i++) {
        add(&rows, SQL_T_MENTION, i, "first");
        add(&rows, SQL_T_MENTION_BRAND, i, "acme");
    }
    add(&rows, SQL_T_ALERT, 900, NULL);
    add(&rows, SQL_T_MENTION, 5, "second");
    add(&rows, SQL_T_MENTION_BRAND, 5, "globex");
    add(&rows, SQL_T_WITHDRAWN, 7, NULL);
    add(&rows, SQL_T_MENTION, 30, "after");
    add(&rows, SQL_T_MENTION_BRAND, 30, "acme");
    add(&rows, SQL_T_ALERT, 900, NULL);
    add(&rows, SQL_T_MENTION, 7, "back");
    ok(sql_plan_build(&p, &rows, SQL_PLAN_KMAX, NULL, NULL) == 0 && p.n_order == rows.n, "every row planned");
    is_int(p.n_cut, 2, "two cuts: the mention again and the deletion (the finding twice is none)");
    size_t at_second = 0, at_withdrawn = 0;
    for (size_t i = 0; i < p.n_order; i++) {
        if (p.order[i] == 41)
            at_second = i;
        if (p.order[i] == 43)
            at_withdrawn = i;
    }
    ok(at_second > 20 && at_withdrawn > at_second, "the second copy after the first's brands, the deletion after it");

    sqlite3 *one = fresh_db(), *multi = fresh_db();
    int err = 0;
    for (size_t i = 0; i < rows.n; i++) {
        size_t o = i;
        err |= run(one, rows.v[i].table, 1, &rows, &o) != SQLITE_DONE;
    }
    for (size_t s = 0; s < p.n_st; s++)
        err |= run(multi, p.st[s].table, sql_plan_size[p.st[s].size], &rows, p.order + p.st[s].at) != SQLITE_DONE;
    ok(!err, "both ways write without error");
    char *a = dump(one), *b = dump(multi);
    ok(strcmp(a, b) == 0, "multi-row inserts leave the tables as one row at a time does");
    if (strcmp(a, b) != 0)
        diag("one by one:\n%s\nmulti-row:\n%s", a, b);
    ok(strstr(b, "m t:5 first\n") && !strstr(b, "b t:5 acme\n") && strstr(b, "b t:5 globex\n"),
       "the second copy's brand, not the first's (the text is the first's: an upsert refreshes stage fields)");
    ok(!strstr(b, "m t:7 first") && strstr(b, "m t:7 back\n") && strstr(b, "w t:7\n"),
       "the deletion removed the mention before it, not the one after");
    free(a);
    free(b);
    sqlite3_close(one);
    sqlite3_close(multi);

    char *sql = sql_insert_sql_rows(SQL_PG, SQL_T_MENTION_BRAND, 2);
    ok(strstr(sql, "VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT") != NULL, "two rows: $1..$6 in two lists");
    free(sql);
    /* The COPY path's statements: constants, the insert's columns. */
    sql = sql_pg_copy_sql(SQL_T_MENTION_BRAND, 0);
    is_str(sql, "COPY mention_brands (mention_id, brand, owned) FROM STDIN", "COPY straight into the table");
    free(sql);
    sql = sql_pg_copy_sql(SQL_T_MENTION_BRAND, 1);
    is_str(sql, "COPY pg_temp.earshot_stage_mention_brands (mention_id, brand, owned) FROM STDIN",
           "COPY into the staging table");
    free(sql);
    sql = sql_pg_stage_insert_sql(SQL_T_MENTION_BRAND);
    is_str(sql,
           "INSERT INTO mention_brands (mention_id, brand, owned) SELECT mention_id, brand, owned FROM "
           "pg_temp.earshot_stage_mention_brands ON CONFLICT (mention_id, brand) DO UPDATE SET owned = excluded.owned",
           "the staging table's upsert has the insert's conflict clause");
    free(sql);
    sql = sql_pg_stage_ddl();
    ok(strstr(sql, "CREATE TEMP TABLE IF NOT EXISTS earshot_stage_mentions (LIKE mentions) ON COMMIT DELETE ROWS") &&
           !strstr(sql, "withdrawn"),
       "staging tables: temporary, emptied at commit, none for deletions");
    free(sql);
    sql_plan_free(&p);
    return done_testing();
}
