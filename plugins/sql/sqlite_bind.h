/* A row's values bound to a SQLite statement: the sink's multi-row
 * inserts and the tests that insert rows by hand bind them the one way. */
#ifndef SQL_SQLITE_BIND_H
#define SQL_SQLITE_BIND_H

#include <sqlite3.h>

#include "row.h"

/* Binds r's columns to parameters base+1 .. base+ncols of st (text as
 * SQLITE_STATIC: r must outlive the step). */
void sql_sqlite_bind_row(sqlite3_stmt *st, int base, const sql_row_t *r);

#endif
