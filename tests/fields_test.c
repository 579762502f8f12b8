/*
 * The field table of <earshot/fields.h> against everything that walks it:
 * a mention with every field of the table filled (each with a value of its
 * own) goes through es_emit's copy, the record JSON writer, the spool's
 * reader, es_mention_from_object and the sql sink's row into a SQLite
 * database made by the real migrations, and each field must come out of
 * each as it went in. A field added to the table but not handled by one
 * of them fails here; so does a member of es_mention_t the table forgot.
 */
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/fields.h>
#include <earshot/json.h>

#include "mention.h"
#include "record_json.h"
#include "row.h"
#include "sql_insert.h"
#include "schema.h"
#include "tap.h"

#define AT(m, o, T) ES_FIELD_AT(m, o, T)

/* Two values of each list, distinct from every other field's. */
static char bufs[ES_MENTION_FIELD_COUNT][2][48];
static const char *lists[ES_MENTION_FIELD_COUNT][2];
static const char *owners[2];
static const unsigned char owned[2] = {0, 1};

/* Every field of the table given, each its own value. */
static void fill(es_mention_t *m)
{
    memset(m, 0, sizeof *m);
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        snprintf(bufs[i][0], sizeof bufs[i][0], "%s \"value\" é", f->key);
        snprintf(bufs[i][1], sizeof bufs[i][1], "%s-2", f->key);
        lists[i][0] = bufs[i][0];
        lists[i][1] = bufs[i][1];
        switch ((es_field_kind_t)f->kind) {
        case ES_FIELD_STRING: AT(m, f->off, const char *) = bufs[i][0]; break;
        case ES_FIELD_TIME: AT(m, f->off, int64_t) = 1796288400 + i; break;
        case ES_FIELD_LIST:
            AT(m, f->off, const char *const *) = lists[i];
            AT(m, f->aux, size_t) = 2;
            break;
        case ES_FIELD_METRICS:
            for (int k = 0; k < ES_METRIC_COUNT; k++)
                (&AT(m, f->off, int64_t))[k] = 1000 * (i + 1) + k;
            AT(m, f->aux, unsigned) = (1u << ES_METRIC_COUNT) - 1;
            break;
        case ES_FIELD_COUNT:
            AT(m, f->off, int64_t) = 7000 + i;
            AT(m, f->aux, int) = 1;
            break;
        case ES_FIELD_SUBSET: AT(m, f->off2, const unsigned char *) = owned; break;
        case ES_FIELD_PAIRS:
            owners[0] = "team-a";
            owners[1] = "team-b";
            AT(m, f->off2, const char *const *) = owners;
            break;
        case ES_FIELD_SENTIMENT: {
            es_sentiment_t *s = &AT(m, f->off, es_sentiment_t);
            *s = (es_sentiment_t){.compound = -0.25, .pos = 0.125, .neu = 0.5, .neg = 0.375, .label = "negative"};
            break;
        }
        }
    }
    m->brand = m->brands[0]; /* the brand is the first of the brands */
}

/* Field f of a and b the same. */
static int same(const es_mention_t *a, const es_mention_t *b, const es_field_t *f)
{
    size_t na, nb;
    switch ((es_field_kind_t)f->kind) {
    case ES_FIELD_STRING: {
        const char *x = es_field_str(a, f), *y = es_field_str(b, f);
        return x && y && !strcmp(x, y);
    }
    case ES_FIELD_TIME: return AT(a, f->off, const int64_t) == AT(b, f->off, const int64_t);
    case ES_FIELD_COUNT:
        return AT(a, f->aux, const int) == AT(b, f->aux, const int) && AT(a, f->off, const int64_t) == AT(b, f->off, const int64_t);
    case ES_FIELD_METRICS:
        return AT(a, f->aux, const unsigned) == AT(b, f->aux, const unsigned) &&
               !memcmp((const char *)a + f->off, (const char *)b + f->off, ES_METRIC_COUNT * sizeof(int64_t));
    case ES_FIELD_LIST:
    case ES_FIELD_SUBSET:
    case ES_FIELD_PAIRS: {
        const char *const *x = es_field_list(a, f, &na), *const *y = es_field_list(b, f, &nb);
        if (na != nb || !na)
            return 0;
        for (size_t k = 0; k < na; k++) {
            if (strcmp(x[k], y[k]))
                return 0;
            if (f->kind == ES_FIELD_SUBSET &&
                !AT(a, f->off2, const unsigned char *const)[k] != !AT(b, f->off2, const unsigned char *const)[k])
                return 0;
            if (f->kind == ES_FIELD_PAIRS) {
                const char *p = AT(a, f->off2, const char *const *const)[k], *q = AT(b, f->off2, const char *const *const)[k];
                if (!p || !q || strcmp(p, q))
                    return 0;
            }
        }
        return 1;
    }
    case ES_FIELD_SENTIMENT: {
        const es_sentiment_t *x = &AT(a, f->off, const es_sentiment_t), *y = &AT(b, f->off, const es_sentiment_t);
        return x->label && y->label && !strcmp(x->label, y->label) && x->compound == y->compound && x->pos == y->pos &&
               x->neu == y->neu && x->neg == y->neg;
    }
    }
    return 0;
}

/* The bytes of es_mention_t the table's fields hold: a whole aligned word
 * nobody holds is a member the table forgot (padding is less than one). */
static void coverage(void)
{
    unsigned char held[sizeof(es_mention_t)] = {0};
#define HOLD(o, n) memset(held + (o), 1, (n))
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        switch ((es_field_kind_t)f->kind) {
        case ES_FIELD_STRING: HOLD(f->off, sizeof(char *)); break;
        case ES_FIELD_TIME: HOLD(f->off, sizeof(int64_t)); break;
        case ES_FIELD_LIST: HOLD(f->off, sizeof(char *)); HOLD(f->aux, sizeof(size_t)); break;
        case ES_FIELD_METRICS: HOLD(f->off, ES_METRIC_COUNT * sizeof(int64_t)); HOLD(f->aux, sizeof(unsigned)); break;
        case ES_FIELD_COUNT: HOLD(f->off, sizeof(int64_t)); HOLD(f->aux, sizeof(int)); break;
        case ES_FIELD_SUBSET:
        case ES_FIELD_PAIRS: HOLD(f->off2, sizeof(void *)); break;
        case ES_FIELD_SENTIMENT: HOLD(f->off, sizeof(es_sentiment_t)); break;
        }
    }
#undef HOLD
    size_t lost = 0;
    for (size_t w = 0; w + 8 <= sizeof held; w += 8) {
        size_t k = 0;
        while (k < 8 && !held[w + k])
            k++;
        if (k == 8) {
            diag("bytes %zu..%zu of es_mention_t are in no field of the table", w, w + 7);
            lost++;
        }
    }
    ok(lost == 0, "every member of es_mention_t is in the table (%zu bytes)", sizeof(es_mention_t));
    int keys_unique = 1;
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++)
        for (int j = 0; j < i; j++)
            keys_unique &= strcmp(es_mention_fields[i].key, es_mention_fields[j].key) != 0;
    int lens = 1;
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++)
        lens &= strlen(es_mention_fields[i].key) == es_mention_fields[i].key_len;
    ok(keys_unique && lens, "keys unique, key_len their length");
}

/* A record of m as the pipeline makes it: the copy, then the stages. */
static es_rec_t *record(const es_mention_t *m)
{
    es_rec_t *r = es__rec_from_mention(m, m->source, NULL);
    if (!r)
        return NULL;
    es__rec_set_matches(r, m->brands, m->n_brands, m->topics, m->topic_owners, m->n_topics);
    for (size_t i = 0; i < m->n_brands; i++)
        if (m->brand_owned[i])
            es__rec_set_owned(r, i);
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        if (f->flags & ES_FIELD_STAGE && f->aux)
            es__rec_set_stage(r, f->aux, es_field_str(m, f));
    }
    r->m.sentiment = m->sentiment;
    return r;
}

static void each_field(const es_mention_t *want, const es_mention_t *got, int mask_flags, int skip_flags,
                       const char *what)
{
    int bad = 0;
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        if ((mask_flags && !(f->flags & mask_flags)) || f->flags & skip_flags)
            continue;
        if (!same(want, got, f)) {
            diag("%s: field %s lost or changed", what, f->key);
            bad++;
        }
    }
    ok(bad == 0, "%s: every field as it went in", what);
}

static void json_tests(const es_mention_t *m, es_rec_t *r)
{
    each_field(m, &r->m, ES_FIELD_SOURCE, 0, "es_emit's copy");
    each_field(m, &r->m, 0, 0, "the record after the stages");

    size_t len;
    const char *json = es_record_json(&r->pub, &len);
    json_t *o = json_loads(json, 0, NULL);
    ok(json_is_object(o) && json_object_size(o) == 1 + ES_MENTION_FIELD_COUNT,
       "the record JSON has \"kind\" and the table's fields, nothing else (%zu members)", json_object_size(o));
    int order = 1;
    const char *p = json;
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        char k[64];
        snprintf(k, sizeof k, ",\"%s\":", es_mention_fields[i].key);
        const char *q = strstr(p, k);
        if (!q) {
            diag("key %s missing or out of table order", es_mention_fields[i].key);
            order = 0;
            break;
        }
        p = q + 1;
    }
    ok(order, "in the table's order");
    json_t *back = es__rec_to_json(r);
    char *dumped = back ? json_dumps(back, JSON_COMPACT | JSON_REAL_PRECISION(12)) : NULL;
    ok(dumped && !strcmp(dumped, json), "the direct writer and the jansson tree agree byte for byte");
    free(dumped);
    json_decref(back);

    es_rec_t *r2 = es__rec_from_json(json);
    ok(r2 != NULL, "the spool reads it back");
    if (r2) {
        each_field(m, &r2->m, 0, 0, "the spool's reader");
        size_t len2;
        const char *json2 = es_record_json(&r2->pub, &len2);
        ok(json2 && len2 == len && !memcmp(json, json2, len), "written again byte for byte");
        es__rec_free(r2);
    }

    es_mention_t got;
    es_mention_scratch_t sc;
    const char *why = "unset";
    ok(es_mention_from_object(o, &got, &sc, &why) == 0 && !why, "es_mention_from_object reads it");
    each_field(m, &got, ES_FIELD_SOURCE, ES_FIELD_CORE, "es_mention_from_object");
    int left = 1;
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        if (f->kind == ES_FIELD_STRING && (f->flags & ES_FIELD_CORE || f->flags & ES_FIELD_STAGE))
            left &= es_field_str(&got, f) == NULL;
    }
    ok(left, "... and leaves what the core sets (source, stage results)");
    json_decref(o);
}

/* The SQLite type the migrations give a column of this type. */
static const char *sqlite_type(int t)
{
    return t == ES_SQL_INT ? "INTEGER" : t == ES_SQL_REAL ? "REAL" : "TEXT";
}

/* Column col's value in the mentions row, as SQLite gives it back, is the
 * field's (k: the column within the field). */
static int column_ok(sqlite3_stmt *st, int col, const es_mention_t *m, const es_field_t *f, int k)
{
    int t = sqlite3_column_type(st, col);
    const char *txt = (const char *)sqlite3_column_text(st, col);
    switch ((es_field_kind_t)f->kind) {
    case ES_FIELD_STRING: return t == SQLITE_TEXT && !strcmp(txt, es_field_str(m, f));
    case ES_FIELD_TIME: return t == SQLITE_INTEGER && sqlite3_column_int64(st, col) == AT(m, f->off, const int64_t);
    case ES_FIELD_COUNT: return t == SQLITE_INTEGER && sqlite3_column_int64(st, col) == AT(m, f->off, const int64_t);
    case ES_FIELD_METRICS:
        return t == SQLITE_INTEGER && sqlite3_column_int64(st, col) == (&AT(m, f->off, const int64_t))[k];
    case ES_FIELD_LIST: {
        size_t n;
        const char *const *l = es_field_list(m, f, &n);
        json_t *a = t == SQLITE_TEXT ? json_loads(txt, 0, NULL) : NULL;
        int good = json_array_size(a) == n;
        for (size_t i = 0; good && i < n; i++)
            good = !strcmp(json_string_value(json_array_get(a, i)) ? json_string_value(json_array_get(a, i)) : "", l[i]);
        json_decref(a);
        return good;
    }
    case ES_FIELD_SENTIMENT: {
        const es_sentiment_part_t *p = &es_sentiment_parts[k];
        const char *se = (const char *)m + f->off;
        if (p->sql_type == ES_SQL_TEXT)
            return t == SQLITE_TEXT && !strcmp(txt, AT(se, p->off, const char *const));
        return t == SQLITE_FLOAT && sqlite3_column_double(st, col) == AT(se, p->off, const double);
    }
    case ES_FIELD_SUBSET:
    case ES_FIELD_PAIRS: return 0;
    }
    return 0;
}

static void sql_tests(const es_mention_t *m, es_rec_t *r)
{
    /* The columns: the table's at their positions and received_at, each
     * once, and in the migrations with the table's type. */
    int cols_ok = sql_table_ncols(SQL_T_MENTION) == ES_SQL_MENTION_COLUMNS && ES_SQL_MENTION_COLUMNS <= SQL_MAX_COLS &&
                  !sql_mention_col(ES_SQL_MENTION_COLUMNS);
    for (int c = 0; c < ES_SQL_MENTION_COLUMNS; c++) {
        int owners_of_c = c == ES_SQL_RECEIVED_AT;
        for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
            const es_field_t *f = &es_mention_fields[i];
            owners_of_c += c >= f->sql_pos && c < f->sql_pos + es_field_sql_width(f);
        }
        if (owners_of_c != 1 || !sql_mention_col(c)) {
            diag("column %d belongs to %d fields", c, owners_of_c);
            cols_ok = 0;
        }
    }
    ok(cols_ok, "the mentions insert's %d columns: each from one field of the table, or received_at",
       ES_SQL_MENTION_COLUMNS);

    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    int rc = SQLITE_OK;
    for (int v = 1; v <= sql_schema_latest() && rc == SQLITE_OK; v++)
        rc = sqlite3_exec(db, sql_schema_migration(SQL_SQLITE, v), NULL, NULL, NULL);
    ok(rc == SQLITE_OK, "the SQLite migrations apply");
    int typed = 1;
    for (int c = 0; c < ES_SQL_MENTION_COLUMNS; c++) {
        sqlite3_stmt *st;
        sqlite3_prepare_v2(db, "select type from pragma_table_info('mentions') where name = ?1", -1, &st, NULL);
        sqlite3_bind_text(st, 1, sql_mention_col(c), -1, SQLITE_STATIC);
        int want = ES_SQL_INT;
        for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
            const es_field_t *f = &es_mention_fields[i];
            int k = c - f->sql_pos;
            if (k >= 0 && k < es_field_sql_width(f))
                want = f->kind == ES_FIELD_SENTIMENT ? es_sentiment_parts[k].sql_type : f->sql_type;
        }
        if (sqlite3_step(st) != SQLITE_ROW || strcmp((const char *)sqlite3_column_text(st, 0), sqlite_type(want))) {
            diag("column %s missing or not %s", sql_mention_col(c), sqlite_type(want));
            typed = 0;
        }
        sqlite3_finalize(st);
    }
    ok(typed, "every column is in the migrated schema with the table's type");

    sql_rows_t rows = {0};
    es_record_t *recs[] = {&r->pub};
    es_batch_t batch = {.records = (const es_record_t *const *)recs, .count = 1};
    int built = sql_rows_build(NULL, &rows, &batch, 1800000000) == 0;
    ok(built && rows.n == 1 + m->n_brands + m->n_topics, "the sql sink builds its row and one per brand and topic (%zu)",
       rows.n);
    int all_bound = rows.n > 0;
    for (int c = 0; all_bound && c < ES_SQL_MENTION_COLUMNS; c++)
        if (rows.v[0].v[c].t == SQL_NULL) {
            diag("column %s NULL for a mention with every field", sql_mention_col(c));
            all_bound = 0;
        }
    ok(all_bound, "no column of the full mention is NULL");
    int ins = 1;
    for (size_t i = 0; i < rows.n; i++)
        ins &= sql_sqlite_insert_row(db, &rows.v[i]) == SQLITE_DONE;
    ok(ins, "inserted into SQLite");
    sql_rows_free(&rows);

    char sql[2048];
    int n = snprintf(sql, sizeof sql, "select ");
    for (int c = 0; c < ES_SQL_MENTION_COLUMNS; c++)
        n += snprintf(sql + n, sizeof sql - (size_t)n, "%s%s", c ? ", " : "", sql_mention_col(c));
    snprintf(sql + n, sizeof sql - (size_t)n, " from mentions where id = ?1");
    sqlite3_stmt *st;
    int bad = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
                const es_field_t *f = &es_mention_fields[i];
                for (int k = 0; k < es_field_sql_width(f); k++)
                    if (!column_ok(st, f->sql_pos + k, &r->m, f, k)) {
                        diag("field %s: column %s not as given", f->key, sql_mention_col(f->sql_pos + k));
                        bad++;
                    }
            }
            bad += sqlite3_column_int64(st, ES_SQL_RECEIVED_AT) != 1800000000;
        } else {
            bad = 1;
        }
        sqlite3_finalize(st);
    } else {
        bad = 1;
    }
    ok(!bad, "every field of the table read back from its column(s)");

    /* The fields without a column of their own are the brand and topic
     * rows. */
    sqlite3_prepare_v2(db,
                       "select (select group_concat(brand || ':' || owned, ',') from mention_brands where mention_id = ?1)"
                       " || '|' || (select group_concat(topic || ':' || owner, ',') from mention_topics where mention_id = ?1)",
                       -1, &st, NULL);
    sqlite3_bind_text(st, 1, m->id, -1, SQLITE_STATIC);
    char want[512];
    snprintf(want, sizeof want, "%s:0,%s:1|%s:team-a,%s:team-b", m->brands[0], m->brands[1], m->topics[0],
             m->topics[1]);
    int rows_ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                  !strcmp((const char *)sqlite3_column_text(st, 0), want);
    if (!rows_ok)
        diag("got %s, want %s", sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "NULL", want);
    sqlite3_finalize(st);
    ok(rows_ok, "brands, owned, topics and topic owners are the mention_brands and mention_topics rows");
    sqlite3_close(db);
}

int main(void)
{
    coverage();
    es_mention_t m;
    fill(&m);
    es_rec_t *r = record(&m);
    ok(r != NULL, "a record of a mention with every field");
    if (r) {
        json_tests(&m, r);
        sql_tests(&m, r);
    }
    es__rec_free(r);
    return done_testing();
}
