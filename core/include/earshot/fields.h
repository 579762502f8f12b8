/*
 * A mention's fields, once. Installed as <earshot/fields.h>.
 *
 * ES_MENTION_FIELDS (an X-macro) and es_mention_fields (the array made
 * from it) list every field of es_mention_t that leaves the core, in the order of the record JSON (es_record_json), with where it
 * lives in the struct, how it is read and written, and the column(s) the
 * sql sink stores it in. The core's JSON writer and reader, the record
 * copy of es_emit and the sql plugin's schema and rows all walk this one
 * table, so a field added here is added everywhere, and a test
 * (tests/fields_test.c) fails when one of them misses a field.
 *
 * Header-only data: nothing is exported, each user gets its own copy, and
 * the layout of es_field_t and the table's order and offsets are part of
 * ES_PLUGIN_ABI (docs/plugin-abi.md).
 */
#ifndef EARSHOT_FIELDS_H
#define EARSHOT_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include <earshot/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum es_field_kind {
    /* const char * at off; JSON string or null. */
    ES_FIELD_STRING = 0,
    /* int64_t epoch seconds at off; JSON integer (read also as RFC 3339);
     * SQL NULL when 0 (unknown). */
    ES_FIELD_TIME,
    /* const char *const * at off, its size_t count at aux; JSON array of
     * strings; SQL: the same array as JSON text. */
    ES_FIELD_LIST,
    /* int64_t[ES_METRIC_COUNT] at off, the unsigned bit set of given
     * counts at aux; JSON object of the given ones by es_metric_name;
     * SQL: one column per metric, named es_metric_name(i), NULL when not
     * given. */
    ES_FIELD_METRICS,
    /* int64_t at off, its int "given" flag at aux; JSON integer or null. */
    ES_FIELD_COUNT,
    /* The names of the LIST at off (count at aux) whose byte in the
     * const unsigned char * array at off2 is non-zero; JSON array. */
    ES_FIELD_SUBSET,
    /* The names of the LIST at off (count at aux) paired with the
     * non-NULL strings of the parallel const char *const * array at off2;
     * JSON object name -> string. */
    ES_FIELD_PAIRS,
    /* es_sentiment_t at off; JSON null when unscored (label NULL), else
     * the object of es_sentiment_parts; SQL: one column per part. */
    ES_FIELD_SENTIMENT,
} es_field_kind_t;

/* Flags of a field. */
enum {
    ES_FIELD_SOURCE = 1,   /* given by the source: es_emit copies it */
    ES_FIELD_CORE = 2,     /* set by the core (es_mention_from_object leaves it) */
    ES_FIELD_REQUIRED = 4, /* es_emit refuses a mention without it */
    ES_FIELD_STAGE = 8,    /* a stage result; aux is its stage number */
    ES_FIELD_INT_ID = 16,  /* read from JSON as a string or an integer */
};

/* The SQL type of a column. The sql sink's migrations, which existing
 * databases went through, spell it per dialect (TEXT/text,
 * INTEGER/bigint, REAL/double precision, TEXT/jsonb); tests/fields_test.c
 * checks the migrated schema against this table. */
typedef enum es_sql_type {
    ES_SQL_NONE = 0, /* not a column of the mentions table (stored in rows
                        of mention_brands / mention_topics) */
    ES_SQL_TEXT,
    ES_SQL_INT,
    ES_SQL_REAL,
    ES_SQL_JSON,
} es_sql_type_t;

typedef struct es_field {
    const char *key;      /* the record JSON's member */
    unsigned char key_len;
    unsigned char kind;   /* es_field_kind_t */
    unsigned char flags;  /* ES_FIELD_* */
    unsigned char sql_type; /* es_sql_type_t of its column(s); SENTIMENT: see its parts */
    unsigned short off;   /* offsetof(es_mention_t, ...) */
    unsigned short aux;   /* a count's or flag's offset; a stage's number */
    unsigned short off2;  /* SUBSET and PAIRS: the parallel array */
    signed char sql_pos;  /* first column in the mentions insert; -1: none */
    const char *sql_col;  /* its name (NULL for METRICS and SENTIMENT: see above) */
} es_field_t;

/* The offset of a member of es_mention_t, as the table stores it. */
#define ES_FIELD_OFF(m) ((unsigned short)offsetof(es_mention_t, m))

/* The table as an X-macro, X(key, kind, flags, sql_type, off, aux, off2,
 * sql_pos, sql_col), in record JSON order: es_mention_fields below is
 * made from it, and so is the core's JSON writer, which expands it into
 * straight-line code (keys as literals, offsets as constants: a loop over
 * the array measured 6% slower). The mentions table's columns are in
 * sql_pos order, with the sink's own received_at at ES_SQL_RECEIVED_AT. */
#define ES_MENTION_FIELDS(X) \
    X("id", ES_FIELD_STRING, ES_FIELD_SOURCE | ES_FIELD_REQUIRED | ES_FIELD_INT_ID, ES_SQL_TEXT, ES_FIELD_OFF(id), 0, 0, 0, "id") \
    X("network", ES_FIELD_STRING, ES_FIELD_SOURCE | ES_FIELD_REQUIRED, ES_SQL_TEXT, ES_FIELD_OFF(network), 0, 0, 1, "network") \
    X("source", ES_FIELD_STRING, ES_FIELD_SOURCE | ES_FIELD_CORE, ES_SQL_TEXT, ES_FIELD_OFF(source), 0, 0, 2, "source") \
    X("author", ES_FIELD_STRING, ES_FIELD_SOURCE, ES_SQL_TEXT, ES_FIELD_OFF(author), 0, 0, 3, "author") \
    X("author_name", ES_FIELD_STRING, ES_FIELD_SOURCE, ES_SQL_TEXT, ES_FIELD_OFF(author_name), 0, 0, 4, "author_name") \
    X("url", ES_FIELD_STRING, ES_FIELD_SOURCE, ES_SQL_TEXT, ES_FIELD_OFF(url), 0, 0, 5, "url") \
    X("title", ES_FIELD_STRING, ES_FIELD_SOURCE, ES_SQL_TEXT, ES_FIELD_OFF(title), 0, 0, 6, "title") \
    X("text", ES_FIELD_STRING, ES_FIELD_SOURCE | ES_FIELD_REQUIRED, ES_SQL_TEXT, ES_FIELD_OFF(text), 0, 0, 7, "text") \
    X("lang", ES_FIELD_STRING, ES_FIELD_SOURCE, ES_SQL_TEXT, ES_FIELD_OFF(lang), 0, 0, 8, "lang") \
    X("created_at", ES_FIELD_TIME, ES_FIELD_SOURCE, ES_SQL_INT, ES_FIELD_OFF(created_at), 0, 0, 9, "created_at") \
    X("in_reply_to", ES_FIELD_STRING, ES_FIELD_SOURCE, ES_SQL_TEXT, ES_FIELD_OFF(in_reply_to), 0, 0, 10, "in_reply_to") \
    X("reply_to_author", ES_FIELD_STRING, ES_FIELD_SOURCE, ES_SQL_TEXT, ES_FIELD_OFF(reply_to_author), 0, 0, 11, "reply_to_author") \
    X("addressed", ES_FIELD_LIST, ES_FIELD_SOURCE, ES_SQL_JSON, ES_FIELD_OFF(addressed), ES_FIELD_OFF(n_addressed), 0, 12, "addressed") \
    X("metrics", ES_FIELD_METRICS, ES_FIELD_SOURCE, ES_SQL_INT, ES_FIELD_OFF(metrics), ES_FIELD_OFF(metrics_given), 0, 23, NULL) \
    X("followers", ES_FIELD_COUNT, ES_FIELD_SOURCE, ES_SQL_INT, ES_FIELD_OFF(followers), ES_FIELD_OFF(followers_given), 0, 23 + ES_METRIC_COUNT, "followers") \
    X("brand", ES_FIELD_STRING, ES_FIELD_STAGE, ES_SQL_TEXT, ES_FIELD_OFF(brand), 0, 0, 13, "brand") \
    X("author_kind", ES_FIELD_STRING, ES_FIELD_STAGE, ES_SQL_TEXT, ES_FIELD_OFF(author_kind), 1, 0, 14, "author_kind") \
    X("owner", ES_FIELD_STRING, ES_FIELD_STAGE, ES_SQL_TEXT, ES_FIELD_OFF(owner), 2, 0, 15, "owner") \
    X("addressed_account", ES_FIELD_STRING, ES_FIELD_STAGE, ES_SQL_TEXT, ES_FIELD_OFF(addressed_account), 3, 0, 16, "addressed_account") \
    X("brands", ES_FIELD_LIST, 0, ES_SQL_NONE, ES_FIELD_OFF(brands), ES_FIELD_OFF(n_brands), 0, -1, NULL) \
    X("owned", ES_FIELD_SUBSET, 0, ES_SQL_NONE, ES_FIELD_OFF(brands), ES_FIELD_OFF(n_brands), ES_FIELD_OFF(brand_owned), -1, NULL) \
    X("topics", ES_FIELD_LIST, 0, ES_SQL_NONE, ES_FIELD_OFF(topics), ES_FIELD_OFF(n_topics), 0, -1, NULL) \
    X("topic_owners", ES_FIELD_PAIRS, 0, ES_SQL_NONE, ES_FIELD_OFF(topics), ES_FIELD_OFF(n_topics), ES_FIELD_OFF(topic_owners), -1, NULL) \
    X("sentiment", ES_FIELD_SENTIMENT, 0, ES_SQL_REAL, ES_FIELD_OFF(sentiment), 0, 0, 17, NULL)

#define ES_MENTION_FIELD_COUNT 24
#define ES__FIELD_ROW(k, kind, flags, st, off, aux, off2, pos, col) \
    {k, (unsigned char)(sizeof k - 1), kind, flags, st, off, aux, off2, pos, col},
static const es_field_t es_mention_fields[ES_MENTION_FIELD_COUNT] = {ES_MENTION_FIELDS(ES__FIELD_ROW)};
#undef ES__FIELD_ROW
#ifndef __cplusplus
_Static_assert(sizeof es_mention_fields / sizeof *es_mention_fields == ES_MENTION_FIELD_COUNT,
               "ES_MENTION_FIELD_COUNT is the table's length");
#endif

/* The mentions table's column of the sink's own receive time, and the
 * number of its columns (the fields' plus that one). */
#define ES_SQL_RECEIVED_AT 22
#define ES_SQL_MENTION_COLUMNS 29

/* The members of a scored sentiment, in JSON order: sql_type ES_SQL_REAL
 * is a double at off in es_sentiment_t (JSON as %.12g, jansson's real),
 * ES_SQL_TEXT the label's const char *. */
typedef struct es_sentiment_part {
    const char *key;
    unsigned char key_len;
    unsigned char sql_type;
    unsigned short off; /* offsetof(es_sentiment_t, ...) */
    const char *sql_col;
} es_sentiment_part_t;

/* X(key, sql_type, member, sql_col), in JSON order. */
#define ES_SENTIMENT_PARTS(X) \
    X("compound", ES_SQL_REAL, compound, "sentiment_compound") \
    X("pos", ES_SQL_REAL, pos, "sentiment_pos") \
    X("neu", ES_SQL_REAL, neu, "sentiment_neu") \
    X("neg", ES_SQL_REAL, neg, "sentiment_neg") \
    X("label", ES_SQL_TEXT, label, "sentiment_label")
#define ES_SENTIMENT_PART_COUNT 5
#define ES__PART_ROW(k, st, mem, col) \
    {k, (unsigned char)(sizeof k - 1), st, (unsigned short)offsetof(es_sentiment_t, mem), col},
static const es_sentiment_part_t es_sentiment_parts[ES_SENTIMENT_PART_COUNT] = {ES_SENTIMENT_PARTS(ES__PART_ROW)};
#undef ES__PART_ROW

/* Typed access to a field's members (m may be const). */
#define ES_FIELD_AT(m, o, T) (*(T *)((const char *)(m) + (o)))
static inline const char *es_field_str(const es_mention_t *m, const es_field_t *f)
{
    return ES_FIELD_AT(m, f->off, const char *const);
}
static inline const char *const *es_field_list(const es_mention_t *m, const es_field_t *f, size_t *n)
{
    *n = ES_FIELD_AT(m, f->aux, const size_t);
    return ES_FIELD_AT(m, f->off, const char *const *const);
}
/* The number of SQL columns the field fills from sql_pos. */
static inline int es_field_sql_width(const es_field_t *f)
{
    return f->sql_pos < 0 ? 0
           : f->kind == ES_FIELD_METRICS ? ES_METRIC_COUNT
           : f->kind == ES_FIELD_SENTIMENT ? ES_SENTIMENT_PART_COUNT
                                           : 1;
}


#ifdef __cplusplus
}
#endif

#endif
