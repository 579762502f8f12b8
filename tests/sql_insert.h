/* One sql-sink row inserted into SQLite with its own statement, as the
 * tests of the row, the field table and the plan compare the sink with.
 * Compiled into each test that includes it. */
#ifndef TESTS_SQL_INSERT_H
#define TESTS_SQL_INSERT_H

#include <sqlite3.h>
#include <stdlib.h>

#include "row.h"
#include "schema.h"
#include "sqlite_bind.h"

/* Returns sqlite3_step's code: SQLITE_DONE on success. */
static inline int sql_sqlite_insert_row(sqlite3 *db, const sql_row_t *r)
{
    char *sql = sql_insert_sql(SQL_SQLITE, r->table);
    if (!sql)
        return SQLITE_NOMEM;
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    free(sql);
    if (rc != SQLITE_OK)
        return rc;
    sql_sqlite_bind_row(st, 0, r);
    rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc;
}

#endif
