#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include <earshot/plugin.h>
#include "schema.h"

const int sql_plan_size[SQL_PLAN_SIZES] = {SQL_PLAN_KMAX, 8, 1};

/* Sending order of the tables within a segment (withdrawn rows are
 * segments of their own). */
static const int table_order[] = {SQL_T_MENTION, SQL_T_MENTION_BRAND, SQL_T_MENTION_TOPIC, SQL_T_ALERT,
                                  SQL_T_ACCOUNT};

static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull; /* FNV-1a */
    return (h ^ 0xff) * 0x100000001b3ull;
}

/* The key an upsert conflicts on: a mention's id, a brand or topic row's
 * (id, name). 0 for rows that never conflict in one statement (alerts
 * and findings do nothing on conflict). */
static uint64_t row_key(const sql_row_t *r)
{
    uint64_t h = 0xcbf29ce484222325ull ^ (uint64_t)r->table;
    switch (r->table) {
    case SQL_T_MENTION: return hash_str(h, r->id) | 1;
    case SQL_T_MENTION_BRAND:
    case SQL_T_MENTION_TOPIC: return hash_str(hash_str(h, r->id), r->v[1].s) | 1;
    }
    return 0;
}

/* Adds key to the segment's set; 1 when it was there already (or a hash
 * collision said so: then the segment is only cut needlessly). */
static int seen(sql_plan_t *p, uint64_t key)
{
    size_t mask = p->key_cap - 1;
    for (size_t i = (size_t)key & mask;; i = (i + 1) & mask) {
        if (p->gen[i] != p->g) {
            p->gen[i] = p->g;
            p->keys[i] = key;
            return 0;
        }
        if (p->keys[i] == key)
            return 1;
    }
}

/* A new segment: the marks of the last one no longer count. */
static void next_segment(sql_plan_t *p)
{
    if (++p->g == 0) { /* wrapped: forget every mark */
        memset(p->gen, 0, p->key_cap * sizeof *p->gen);
        p->g = 1;
    }
}

static void add_stmt(sql_plan_t *p, int table, int size, size_t at)
{
    sql_plan_stmt_t *s = &p->st[p->n_st++];
    s->table = table;
    s->size = size;
    s->at = at;
}

/* Chunks one table's rows of the segment, order[from .. n_order). */
static void chunk(sql_plan_t *p, int table, size_t from, int kmax, const unsigned char *single)
{
    size_t i = from;
    while (i < p->n_order) {
        size_t run = 0; /* rows from i that may share statements */
        while (i + run < p->n_order && !(single && single[p->order[i + run]]))
            run++;
        for (int z = 0; z < SQL_PLAN_SIZES; z++)
            for (; sql_plan_size[z] <= kmax && run >= (size_t)sql_plan_size[z]; run -= (size_t)sql_plan_size[z], i += (size_t)sql_plan_size[z])
                add_stmt(p, table, z, i);
        if (i < p->n_order) { /* a row of its own */
            add_stmt(p, table, SQL_PLAN_SIZES - 1, i);
            i++;
        }
    }
}

static void emit_segment(sql_plan_t *p, const sql_rows_t *rows, size_t a, size_t b, int kmax,
                         const unsigned char *skip, const unsigned char *single)
{
    for (size_t t = 0; t < sizeof table_order / sizeof *table_order; t++) {
        size_t from = p->n_order;
        for (size_t i = a; i < b; i++)
            if (rows->v[i].table == table_order[t] && !(skip && skip[i]))
                p->order[p->n_order++] = i;
        chunk(p, table_order[t], from, kmax, single);
    }
}

int sql_plan_build(sql_plan_t *p, const sql_rows_t *rows, int kmax, const unsigned char *skip,
                   const unsigned char *single)
{
    size_t n = rows->n;
    p->n_order = p->n_st = p->n_cut = 0;
    if (n > p->cap) {
        size_t *o = realloc(p->order, n * sizeof *o);
        if (o)
            p->order = o;
        sql_plan_stmt_t *s = realloc(p->st, n * sizeof *s);
        if (s)
            p->st = s;
        if (!o || !s)
            return ES_ENOMEM;
        p->cap = n;
    }
    size_t want = 16;
    while (want < 2 * n)
        want *= 2;
    if (want > p->key_cap) {
        free(p->keys);
        free(p->gen);
        p->keys = malloc(want * sizeof *p->keys);
        p->gen = calloc(want, sizeof *p->gen);
        if (!p->keys || !p->gen) {
            free(p->keys);
            free(p->gen);
            p->keys = NULL;
            p->gen = NULL;
            p->key_cap = 0;
            return ES_ENOMEM;
        }
        p->key_cap = want;
        p->g = 0;
    }
    next_segment(p);
    size_t seg = 0;
    for (size_t i = 0; i < n; i++) {
        if (skip && skip[i])
            continue;
        const sql_row_t *r = &rows->v[i];
        if (r->table == SQL_T_WITHDRAWN) {
            p->n_cut++;
            emit_segment(p, rows, seg, i, kmax, skip, single);
            p->order[p->n_order] = i;
            add_stmt(p, SQL_T_WITHDRAWN, SQL_PLAN_SIZES - 1, p->n_order++);
            seg = i + 1;
            next_segment(p);
            continue;
        }
        uint64_t key = row_key(r);
        if (key && seen(p, key)) {
            p->n_cut++;
            emit_segment(p, rows, seg, i, kmax, skip, single);
            seg = i;
            next_segment(p);
            seen(p, key);
        }
    }
    emit_segment(p, rows, seg, n, kmax, skip, single);
    return 0;
}

void sql_plan_free(sql_plan_t *p)
{
    free(p->order);
    free(p->st);
    free(p->keys);
    free(p->gen);
    memset(p, 0, sizeof *p);
}
