/*
 * A batch's rows as multi-row inserts. One statement per row costs SQLite
 * a VDBE run and PostgreSQL a Bind/Execute and a plan each; k rows in one
 * INSERT pay that once. The plan sends the rows in an order whose result
 * is the batch's own row by row:
 *   - the batch is cut into segments at a deletion (its trigger must see
 *     what came before it, and nothing after it) and where a mention id,
 *     or a mention's brand or topic, comes again (an upsert must not meet
 *     its own key twice in one statement: PostgreSQL refuses that, and
 *     the brand rows of the first copy would outlive the second's update);
 *   - within a segment, the mentions first, then the brand and topic rows
 *     (a mention's own come after it either way; another mention's update
 *     deletes only its own), then alerts and findings (independent).
 * Rows of a table are then chunked into SQL_PLAN_KMAX, 8 or 1 rows a
 * statement (three prepared statements a table).
 */
#ifndef ES_SQL_PLAN_H
#define ES_SQL_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include "row.h"

/* Rows a statement, largest first: SQL_PLAN_SIZES of them. 64 mentions
 * are 1,856 parameters (PostgreSQL allows 65,535, SQLite 32,766). */
#define SQL_PLAN_KMAX 64
#define SQL_PLAN_SIZES 3
extern const int sql_plan_size[SQL_PLAN_SIZES]; /* 64, 8, 1 */

typedef struct sql_plan_stmt {
    int table;
    int size;     /* index into sql_plan_size */
    size_t at;    /* its rows are order[at .. at + k) */
} sql_plan_stmt_t;

typedef struct sql_plan {
    size_t *order;            /* row indexes in sending order */
    sql_plan_stmt_t *st;
    size_t n_order, n_st, cap;
    size_t n_cut;             /* segment cuts (withdrawn rows, repeated keys):
                                 0 when the rows could go in any order */
    /* the keys seen in the current segment: hash, and the segment they
     * were seen in (no clearing between segments) */
    uint64_t *keys;
    uint32_t *gen;
    size_t key_cap;
    uint32_t g;
} sql_plan_t;

/* Plans rows->v[0..n) into statements of at most kmax rows (64, 8 or 1;
 * the sink's rows_per_insert): rows with skip[i] set are left out, rows
 * with single[i] set get a statement of their own (both may be NULL).
 * Returns 0 or ES_ENOMEM. */
int sql_plan_build(sql_plan_t *p, const sql_rows_t *rows, int kmax, const unsigned char *skip,
                   const unsigned char *single);

void sql_plan_free(sql_plan_t *p);

#endif
