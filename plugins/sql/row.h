/*
 * One record of a batch as the parameter values of its table's insert.
 * Built on the loop thread (es_record_json is loop-thread only); the text
 * values point into the core's record, which stays valid until the batch
 * is completed, so a worker thread may bind them meanwhile.
 */
#ifndef ES_SQL_ROW_H
#define ES_SQL_ROW_H

#include <stddef.h>
#include <stdint.h>

#include <earshot/plugin.h>
#include "schema.h"

typedef enum {
    SQL_NULL = 0,
    SQL_TEXT,
    SQL_INT,
    SQL_REAL,
} sql_vtype_t;

typedef struct sql_val {
    sql_vtype_t t;
    const char *s; /* SQL_TEXT, NUL-terminated */
    int64_t i;
    double d;
} sql_val_t;

typedef struct sql_row {
    int table;     /* SQL_T_* */
    size_t index;  /* position in the batch */
    const char *id;
    sql_val_t v[SQL_MAX_COLS];
    char *own[2];  /* values this row allocated (addressed JSON, derived id) */
    const char *bad; /* why the record cannot be a row (static text) */
} sql_row_t;

/* Fills *r from rec (r must be zeroed or cleared). `now` is received_at.
 * Returns 0, ES_ENOMEM, or ES_EINVAL for a record without the fields its
 * table needs (*why: a static reason). */
int sql_row_build(sql_row_t *r, const es_record_t *rec, size_t index, int64_t now, const char **why);

/* Frees what the row owns and zeroes it. */
void sql_row_clear(sql_row_t *r);



/* The rows of the batch in flight, reused from batch to batch. */
typedef struct sql_rows {
    sql_row_t *v;
    size_t n, cap;
} sql_rows_t;

/* Builds the rows of every record of `batch`. A record that cannot become
 * a row is marked failed (es_batch_fail_record) and left out. Returns 0 or
 * ES_ENOMEM (nothing marked; the caller answers RETRY). Loop thread. */
int sql_rows_build(es_ctx_t *ctx, sql_rows_t *rows, es_batch_t *batch, int64_t now);

void sql_rows_clear(sql_rows_t *rows);
void sql_rows_free(sql_rows_t *rows);

#endif
