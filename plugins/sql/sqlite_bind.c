#include "sqlite_bind.h"

#include "schema.h"

void sql_sqlite_bind_row(sqlite3_stmt *st, int base, const sql_row_t *r)
{
    /* Hoisted: schema.c's function is opaque here, and 30 calls a row were
     * a visible share of the writer thread. */
    const int nc = sql_table_ncols(r->table);
    for (int i = 0; i < nc; i++) {
        const sql_val_t *v = &r->v[i];
        switch (v->t) {
        case SQL_NULL: sqlite3_bind_null(st, base + i + 1); break;
        case SQL_TEXT: sqlite3_bind_text(st, base + i + 1, v->s, -1, SQLITE_STATIC); break;
        case SQL_INT: sqlite3_bind_int64(st, base + i + 1, (sqlite3_int64)v->i); break;
        case SQL_REAL: sqlite3_bind_double(st, base + i + 1, v->d); break;
        }
    }
}
