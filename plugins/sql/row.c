#include "row.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <earshot/fields.h>

static sql_val_t text(const char *s)
{
    sql_val_t v = {.t = s ? SQL_TEXT : SQL_NULL, .s = s};
    return v;
}

static sql_val_t integer(int64_t i)
{
    sql_val_t v = {.t = SQL_INT, .i = i};
    return v;
}

static sql_val_t real(double d)
{
    sql_val_t v = {.t = SQL_REAL, .d = d};
    return v;
}

static const char *jstr(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

static sql_val_t jint(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    sql_val_t n = {.t = SQL_NULL};
    if (json_is_integer(v))
        return integer(json_integer_value(v));
    return n;
}

static sql_val_t jreal(const json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    sql_val_t n = {.t = SQL_NULL};
    if (json_is_number(v))
        return real(json_number_value(v));
    return n;
}

/* A list as its JSON text, in r->own[0]. Most mentions name no handle:
 * their "[]" needs no JSON built and freed (three allocations a mention
 * on the loop thread). */
static int list_json(sql_row_t *r, const char *const *l, size_t n, sql_val_t *out)
{
    if (!n) {
        *out = text("[]");
        return 0;
    }
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, json_string(l[i] ? l[i] : ""));
    free(r->own[0]);
    r->own[0] = a ? json_dumps(a, JSON_COMPACT) : NULL;
    json_decref(a);
    if (!r->own[0])
        return ES_ENOMEM;
    *out = text(r->own[0]);
    return 0;
}

/* The column(s) of one field, one binder per kind of <earshot/fields.h>
 * (c: the field's first column), all of one shape so ES_MENTION_FIELDS
 * expands into a call of each with constant offsets: a row is built per
 * mention on the loop thread. */
#define AT(o_, T) ES_FIELD_AT(m, (o_), T)
#define COLUMN(kind) \
    static inline int col_##kind(sql_row_t *r, sql_val_t *c, const es_mention_t *m, size_t off, size_t aux, int flags)

COLUMN(ES_FIELD_STRING)
{
    (void)r, (void)aux;
    const char *s = AT(off, const char *const);
    /* text is NOT NULL; id and network were checked */
    *c = text(!s && flags & ES_FIELD_REQUIRED ? "" : s);
    return 0;
}

COLUMN(ES_FIELD_TIME)
{
    (void)r, (void)aux, (void)flags;
    int64_t t = AT(off, const int64_t);
    *c = t ? integer(t) : text(NULL); /* 0 is "unknown", not 1970 */
    return 0;
}

COLUMN(ES_FIELD_LIST)
{
    (void)flags;
    return list_json(r, AT(off, const char *const *const), AT(aux, const size_t), c);
}

COLUMN(ES_FIELD_METRICS)
{
    (void)r, (void)flags;
    for (int k = 0; k < ES_METRIC_COUNT; k++)
        c[k] = AT(aux, const unsigned) & (1u << k) ? integer((&AT(off, const int64_t))[k]) : text(NULL);
    return 0;
}

COLUMN(ES_FIELD_COUNT)
{
    (void)r, (void)flags;
    *c = AT(aux, const int) ? integer(AT(off, const int64_t)) : text(NULL);
    return 0;
}

/* Brands and topics: rows of their own (build_matches). */
COLUMN(ES_FIELD_SUBSET)
{
    (void)r, (void)c, (void)m, (void)off, (void)aux, (void)flags;
    return 0;
}

COLUMN(ES_FIELD_PAIRS)
{
    (void)r, (void)c, (void)m, (void)off, (void)aux, (void)flags;
    return 0;
}

COLUMN(ES_FIELD_SENTIMENT)
{
    (void)r, (void)aux, (void)flags;
    const char *se = (const char *)m + off;
    int scored = ((const es_sentiment_t *)se)->label != NULL;
    for (int k = 0; k < ES_SENTIMENT_PART_COUNT; k++) {
        const es_sentiment_part_t *p = &es_sentiment_parts[k];
        c[k] = !scored                      ? text(NULL)
               : p->sql_type == ES_SQL_TEXT ? text(ES_FIELD_AT(se, p->off, const char *const))
                                            : real(ES_FIELD_AT(se, p->off, const double));
    }
    return 0;
}

/* Each field of <earshot/fields.h> with a column, at its sql_pos (a
 * list without one, brands and topics, is rows of its own). */
static int build_mention(sql_row_t *r, const es_mention_t *m, int64_t now)
{
    sql_val_t *v = r->v;
    r->id = m->id;
    v[ES_SQL_RECEIVED_AT] = integer(now);
    int rc = 0;
#define FIELD(k, kind, flags, st, off, aux, off2, pos, col) \
    if ((pos) >= 0 && rc == 0)                                 \
        rc = col_##kind(r, &v[(pos) < 0 ? 0 : (pos)], m, off, aux, flags);
    ES_MENTION_FIELDS(FIELD)
#undef FIELD
    return rc;
}
#undef AT

/* Findings without an id of their own are keyed by a digest of their
 * JSON, so the same finding delivered twice is one row. */
static int digest_id(sql_row_t *r, const char *json, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(json, len, md, &n, EVP_sha256(), NULL))
        return ES_ENOMEM;
    char *s = malloc(7 + 2 * (size_t)n + 1);
    if (!s)
        return ES_ENOMEM;
    memcpy(s, "sha256:", 7);
    for (unsigned i = 0; i < n; i++)
        snprintf(s + 7 + 2 * i, 3, "%02x", md[i]);
    r->own[1] = s;
    r->id = s;
    return 0;
}

static int build_finding(sql_row_t *r, const es_record_t *rec, int64_t now, const char **why)
{
    size_t len;
    const char *json = es_record_json(rec, &len);
    if (!json)
        return ES_ENOMEM;
    const json_t *f = rec->fields;
    const char *event = jstr(f, "event");
    if (!event) {
        *why = "record without \"event\"";
        return ES_EINVAL;
    }
    r->id = jstr(f, "id");
    if (!r->id) {
        int rc = digest_id(r, json, len);
        if (rc < 0)
            return rc;
    }
    sql_val_t *v = r->v;
    v[0] = text(r->id);
    v[1] = text(event);
    if (rec->kind == ES_RECORD_ALERT) {
        v[2] = text(jstr(f, "brand"));
        v[3] = text(jstr(f, "owner"));
        v[4] = text(jstr(f, "network"));
        v[5] = text(jstr(f, "series"));
        v[6] = jint(f, "bucket_start");
        v[7] = jint(f, "bucket_end");
        v[8] = jint(f, "count");
        v[9] = jint(f, "total");
        v[10] = json_object_get(f, "p_value") ? jreal(f, "p_value") : jreal(f, "min_p_value");
        v[11] = text(json);
        v[12] = integer(now);
    } else {
        v[2] = text(jstr(f, "network"));
        v[3] = text(jstr(f, "handle"));
        v[4] = text(jstr(f, "brand"));
        v[5] = text(jstr(f, "owner"));
        v[6] = text(jstr(f, "mention_id"));
        v[7] = text(json);
        v[8] = integer(now);
    }
    return 0;
}

static int build_withdrawn(sql_row_t *r, const es_record_t *rec, int64_t now, const char **why)
{
    const json_t *f = rec->fields;
    r->id = jstr(f, "id");
    if (!r->id || !jstr(f, "network")) {
        *why = "deletion without id or network";
        return ES_EINVAL;
    }
    sql_val_t *v = r->v;
    v[0] = text(r->id);
    v[1] = text(jstr(f, "network"));
    v[2] = text(jstr(f, "source"));
    v[3] = text(jstr(f, "action") ? jstr(f, "action") : "delete");
    v[4] = jint(f, "at");
    v[5] = integer(now);
    return 0;
}

int sql_row_build(sql_row_t *r, const es_record_t *rec, size_t index, int64_t now, const char **why)
{
    r->index = index;
    switch (rec->kind) {
    case ES_RECORD_MENTION:
        r->table = SQL_T_MENTION;
        if (!rec->mention || !rec->mention->id || !rec->mention->network) {
            *why = "mention without id or network";
            return ES_EINVAL;
        }
        return build_mention(r, rec->mention, now);
    case ES_RECORD_ALERT:
    case ES_RECORD_ACCOUNT:
        r->table = rec->kind == ES_RECORD_ALERT ? SQL_T_ALERT : SQL_T_ACCOUNT;
        if (!json_is_object(rec->fields)) {
            *why = "record without fields";
            return ES_EINVAL;
        }
        return build_finding(r, rec, now, why);
    case ES_RECORD_DELETION:
        r->table = SQL_T_WITHDRAWN;
        return build_withdrawn(r, rec, now, why);
    }
    *why = "unknown record kind";
    return ES_EINVAL;
}

void sql_row_clear(sql_row_t *r)
{
    free(r->own[0]);
    free(r->own[1]);
    memset(r, 0, sizeof *r);
}

/* A mention's brand and topic rows, after its own (index: the record's). */
static void build_matches(sql_row_t *out, const es_mention_t *m, size_t index)
{
    for (size_t i = 0; i < m->n_brands; i++, out++) {
        out->table = SQL_T_MENTION_BRAND;
        out->index = index;
        out->id = m->id;
        out->v[0] = text(m->id);
        out->v[1] = text(m->brands[i]);
        out->v[2] = integer(m->brand_owned[i]);
    }
    for (size_t i = 0; i < m->n_topics; i++, out++) {
        out->table = SQL_T_MENTION_TOPIC;
        out->index = index;
        out->id = m->id;
        out->v[0] = text(m->id);
        out->v[1] = text(m->topics[i]);
        out->v[2] = text(m->topic_owners[i]);
    }
}

static size_t n_match_rows(const es_record_t *rec)
{
    return rec->kind == ES_RECORD_MENTION && rec->mention ? rec->mention->n_brands + rec->mention->n_topics : 0;
}

int sql_rows_build(es_ctx_t *ctx, sql_rows_t *rows, es_batch_t *batch, int64_t now)
{
    sql_rows_clear(rows);
    size_t need = 0;
    for (size_t i = 0; i < batch->count; i++)
        need += 1 + n_match_rows(batch->records[i]);
    if (need > rows->cap) {
        sql_row_t *nv = realloc(rows->v, need * sizeof *nv);
        if (!nv)
            return ES_ENOMEM;
        memset(nv + rows->cap, 0, (need - rows->cap) * sizeof *nv);
        rows->v = nv;
        rows->cap = need;
    }
    /* Bad records are only marked once every row was built: ENOMEM half
     * way must leave the batch untouched for a clean RETRY. */
    size_t n_bad = 0;
    for (size_t i = 0; i < batch->count; i++) {
        sql_row_t *r = &rows->v[rows->n];
        const char *why = NULL;
        int rc = sql_row_build(r, batch->records[i], i, now, &why);
        rows->n++;
        if (rc == ES_EINVAL) {
            r->bad = why;
            n_bad++;
        } else if (rc < 0) {
            sql_rows_clear(rows);
            return ES_ENOMEM;
        } else if (n_match_rows(batch->records[i])) {
            build_matches(&rows->v[rows->n], batch->records[i]->mention, i);
            rows->n += n_match_rows(batch->records[i]);
        }
    }
    if (n_bad) {
        size_t k = 0;
        for (size_t i = 0; i < rows->n; i++) {
            if (rows->v[i].bad) {
                es_log(ctx, ES_LOG_WARN, "record %zu of the batch: %s", rows->v[i].index, rows->v[i].bad);
                es_batch_fail_record(ctx, batch, rows->v[i].index, rows->v[i].bad);
                sql_row_clear(&rows->v[i]);
            } else if (k != i) {
                rows->v[k++] = rows->v[i];
                memset(&rows->v[i], 0, sizeof rows->v[i]);
            } else {
                k++;
            }
        }
        rows->n = k;
    }
    return 0;
}

void sql_rows_clear(sql_rows_t *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        sql_row_clear(&rows->v[i]);
    rows->n = 0;
}

void sql_rows_free(sql_rows_t *rows)
{
    sql_rows_clear(rows);
    free(rows->v);
    rows->v = NULL;
    rows->cap = 0;
}
