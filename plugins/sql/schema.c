#include "schema.h"

#include <earshot/fields.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Column order is the parameter order (see row.c). The mentions table's
 * columns are the fields of <earshot/fields.h> at their sql_pos, and the
 * sink's received_at. */
const char *sql_mention_col(int col)
{
    if (col == ES_SQL_RECEIVED_AT)
        return "received_at";
    for (int i = 0; i < ES_MENTION_FIELD_COUNT; i++) {
        const es_field_t *f = &es_mention_fields[i];
        int k = col - f->sql_pos;
        if (k < 0 || k >= es_field_sql_width(f))
            continue;
        if (f->kind == ES_FIELD_METRICS)
            return es_metric_name(k);
        if (f->kind == ES_FIELD_SENTIMENT)
            return es_sentiment_parts[k].sql_col;
        return f->sql_col;
    }
    return NULL;
}
static const char *const alert_cols[] = {
    "id", "event", "brand", "owner", "network", "series", "bucket_start", "bucket_end",
    "count", "total", "p_value", "fields", "received_at",
};
static const char *const account_cols[] = {
    "id", "event", "network", "handle", "brand", "owner", "mention_id", "fields", "received_at",
};
static const char *const mention_brand_cols[] = {"mention_id", "brand", "owned"};
static const char *const mention_topic_cols[] = {"mention_id", "topic", "owner"};
static const char *const withdrawn_cols[] = {"id", "network", "source", "action", "at", "received_at"};

static const struct {
    const char *name;
    const char *const *cols; /* NULL: sql_mention_col */
    int ncols;
    /* A re-delivered mention refreshes what the stages computed (a newer
     * lexicon or inventory may judge it differently); findings never change. */
    const char *conflict;
} tables[SQL_N_TABLES] = {
    {"mentions", NULL, ES_SQL_MENTION_COLUMNS,
     " ON CONFLICT (id) DO UPDATE SET lang = excluded.lang, brand = excluded.brand,"
     " author_kind = excluded.author_kind, owner = excluded.owner,"
     " addressed_account = excluded.addressed_account,"
     " sentiment_compound = excluded.sentiment_compound, sentiment_pos = excluded.sentiment_pos,"
     " sentiment_neu = excluded.sentiment_neu, sentiment_neg = excluded.sentiment_neg,"
     " sentiment_label = excluded.sentiment_label, updated_at = excluded.received_at,"
     /* Counts grow: a newer read refreshes them, one that gave none keeps
      * what an earlier one stored. */
     " likes = COALESCE(excluded.likes, mentions.likes),"
     " reposts = COALESCE(excluded.reposts, mentions.reposts),"
     " replies = COALESCE(excluded.replies, mentions.replies),"
     " quotes = COALESCE(excluded.quotes, mentions.quotes),"
     " views = COALESCE(excluded.views, mentions.views),"
     " followers = COALESCE(excluded.followers, mentions.followers)"},
    {"alerts", alert_cols, 13, " ON CONFLICT (id) DO NOTHING"},
    {"account_events", account_cols, 9, " ON CONFLICT (id) DO NOTHING"},
    /* A re-delivered mention's rows were deleted by its update (the
     * trigger of migration 3); a mention twice in one batch conflicts. */
    {"mention_brands", mention_brand_cols, 3, " ON CONFLICT (mention_id, brand) DO UPDATE SET owned = excluded.owned"},
    {"mention_topics", mention_topic_cols, 3, " ON CONFLICT (mention_id, topic) DO UPDATE SET owner = excluded.owner"},
    /* The first notice is the one kept; the delete is done either way. */
    {"withdrawn", withdrawn_cols, 6, " ON CONFLICT (id) DO NOTHING"},
};

/* Version 1: the three tables. */
#define MIGRATION_1(TEXT, INT, REAL, JSON)                                           \
    "CREATE TABLE mentions ("                                                         \
    " id " TEXT " PRIMARY KEY NOT NULL, network " TEXT " NOT NULL, source " TEXT ","  \
    " author " TEXT ", author_name " TEXT ", url " TEXT ", title " TEXT ","           \
    " text " TEXT " NOT NULL, lang " TEXT ", created_at " INT ","                     \
    " in_reply_to " TEXT ", reply_to_author " TEXT ", addressed " JSON ","            \
    " brand " TEXT ", author_kind " TEXT ", owner " TEXT ", addressed_account " TEXT "," \
    " sentiment_compound " REAL ", sentiment_pos " REAL ", sentiment_neu " REAL ","   \
    " sentiment_neg " REAL ", sentiment_label " TEXT ", received_at " INT " NOT NULL);" \
    "CREATE TABLE alerts ("                                                           \
    " id " TEXT " PRIMARY KEY NOT NULL, event " TEXT " NOT NULL, brand " TEXT ","     \
    " owner " TEXT ", network " TEXT ", series " TEXT ", bucket_start " INT ","       \
    " bucket_end " INT ", count " INT ", total " INT ", p_value " REAL ","            \
    " fields " JSON " NOT NULL, received_at " INT " NOT NULL);"                       \
    "CREATE TABLE account_events ("                                                   \
    " id " TEXT " PRIMARY KEY NOT NULL, event " TEXT " NOT NULL, network " TEXT ","   \
    " handle " TEXT ", brand " TEXT ", owner " TEXT ", mention_id " TEXT ","          \
    " fields " JSON " NOT NULL, received_at " INT " NOT NULL);"

/* Version 2: when a stage result was last refreshed, and the indexes the
 * summary, the report and reconciliation query by. Reconciliation looks
 * authors up only among the brand's own and lookalike accounts; an index
 * of every public author (random insertion order) halved the insert rate
 * (bench/sql: 12 vs 6 us per row), so it covers those accounts only. */
#define MIGRATION_2(INT)                                                              \
    "ALTER TABLE mentions ADD COLUMN updated_at " INT ";"                             \
    "CREATE INDEX mentions_brand_time ON mentions (brand, created_at);"               \
    "CREATE INDEX mentions_label_time ON mentions (sentiment_label, created_at);"     \
    "CREATE INDEX mentions_author ON mentions (network, author)"                      \
    " WHERE author_kind IN ('official', 'lookalike');"                                \
    "CREATE INDEX mentions_owner_time ON mentions (owner, created_at);"               \
    "CREATE INDEX alerts_brand_time ON alerts (brand, bucket_start);"                 \
    "CREATE INDEX account_events_event_time ON account_events (event, received_at);"

/* Version 3: every brand and topic of a mention (docs/queries.md), keyed
 * by mention so a brand's or topic's mentions are one index range. The
 * mentions of earlier versions get their one brand, owned when an
 * official account wrote them. The lists are replaced when a mention is
 * delivered again: its upsert's UPDATE deletes them (trigger) before its
 * new rows go in, which costs nothing for the first delivery. */
#define MIGRATION_3(TEXT, INT, WITHOUT_ROWID)                                          \
    "CREATE TABLE mention_brands (mention_id " TEXT " NOT NULL, brand " TEXT " NOT NULL," \
    " owned " INT " NOT NULL DEFAULT 0, PRIMARY KEY (mention_id, brand))" WITHOUT_ROWID ";" \
    "CREATE INDEX mention_brands_brand ON mention_brands (brand);"                      \
    "CREATE TABLE mention_topics (mention_id " TEXT " NOT NULL, topic " TEXT " NOT NULL," \
    " owner " TEXT ", PRIMARY KEY (mention_id, topic))" WITHOUT_ROWID ";"                \
    "CREATE INDEX mention_topics_topic ON mention_topics (topic);"                      \
    "INSERT INTO mention_brands (mention_id, brand, owned) SELECT id, brand,"            \
    " CASE WHEN author_kind = 'official' THEN 1 ELSE 0 END FROM mentions WHERE brand IS NOT NULL;"
#define MIGRATION_3_SQLITE                                                              \
    MIGRATION_3("TEXT", "INTEGER", " WITHOUT ROWID")                                    \
    "CREATE TRIGGER mentions_matches_reset AFTER UPDATE ON mentions BEGIN"              \
    " DELETE FROM mention_brands WHERE mention_id = NEW.id;"                            \
    " DELETE FROM mention_topics WHERE mention_id = NEW.id; END;"
#define MIGRATION_3_PG                                                                  \
    MIGRATION_3("text", "integer", "")                                                  \
    "CREATE OR REPLACE FUNCTION earshot_mention_matches_reset() RETURNS trigger LANGUAGE plpgsql AS $$" \
    " BEGIN DELETE FROM mention_brands WHERE mention_id = NEW.id;"                      \
    " DELETE FROM mention_topics WHERE mention_id = NEW.id; RETURN NULL; END $$;"       \
    "CREATE TRIGGER mentions_matches_reset AFTER UPDATE ON mentions FOR EACH ROW"       \
    " EXECUTE FUNCTION earshot_mention_matches_reset();"
/* Version 4: reach, as the source counted it when it read the post
 * (NULL: not given, which is not 0). */
#define MIGRATION_4(INT)                                                              \
    "ALTER TABLE mentions ADD COLUMN likes " INT ";"                                  \
    "ALTER TABLE mentions ADD COLUMN reposts " INT ";"                                \
    "ALTER TABLE mentions ADD COLUMN replies " INT ";"                                \
    "ALTER TABLE mentions ADD COLUMN quotes " INT ";"                                 \
    "ALTER TABLE mentions ADD COLUMN views " INT ";"                                  \
    "ALTER TABLE mentions ADD COLUMN followers " INT ";"

/* Version 5: mentions withdrawn where they were posted (deletion records,
 * docs/plugins/sql.md). A row here deletes the mention and its brand and
 * topic rows in the same transaction, by trigger, so a notice and the
 * mention it withdraws may arrive in one batch in either of the sink's
 * write paths. The row stays as the proof that it was honoured. */
#define MIGRATION_5(TEXT, INT)                                                          \
    "CREATE TABLE withdrawn (id " TEXT " PRIMARY KEY NOT NULL, network " TEXT " NOT NULL," \
    " source " TEXT ", action " TEXT " NOT NULL, at " INT ", received_at " INT " NOT NULL);"
#define WITHDRAW_BODY                                                                   \
    " DELETE FROM mention_brands WHERE mention_id = NEW.id;"                            \
    " DELETE FROM mention_topics WHERE mention_id = NEW.id;"                            \
    " DELETE FROM mentions WHERE id = NEW.id;"
#define MIGRATION_5_SQLITE                                                              \
    MIGRATION_5("TEXT", "INTEGER")                                                      \
    "CREATE TRIGGER withdrawn_apply AFTER INSERT ON withdrawn BEGIN" WITHDRAW_BODY " END;"
#define MIGRATION_5_PG                                                                  \
    MIGRATION_5("text", "bigint")                                                       \
    "CREATE OR REPLACE FUNCTION earshot_withdrawn_apply() RETURNS trigger LANGUAGE plpgsql AS $$" \
    " BEGIN" WITHDRAW_BODY " RETURN NULL; END $$;"                                      \
    "CREATE TRIGGER withdrawn_apply AFTER INSERT ON withdrawn FOR EACH ROW"             \
    " EXECUTE FUNCTION earshot_withdrawn_apply();"

static const char *const migrations[][2] = {
    {MIGRATION_1("TEXT", "INTEGER", "REAL", "TEXT"),
     MIGRATION_1("text", "bigint", "double precision", "jsonb")},
    {MIGRATION_2("INTEGER"), MIGRATION_2("bigint")},
    {MIGRATION_3_SQLITE, MIGRATION_3_PG},
    {MIGRATION_4("INTEGER"), MIGRATION_4("bigint")},
    {MIGRATION_5_SQLITE, MIGRATION_5_PG},
};

int sql_schema_latest(void)
{
    return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *sql_schema_migration(sql_dialect_t d, int version)
{
    if (version < 1 || version > sql_schema_latest())
        return NULL;
    return migrations[version - 1][d];
}

const char *sql_schema_version_table(sql_dialect_t d)
{
    return d == SQL_PG ? "CREATE TABLE IF NOT EXISTS schema_version ("
                         " version integer PRIMARY KEY, applied_at bigint NOT NULL)"
                       : "CREATE TABLE IF NOT EXISTS schema_version ("
                         " version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";
}

static const char *col(int table, int i)
{
    return tables[table].cols ? tables[table].cols[i] : sql_mention_col(i);
}

const char *sql_table_name(int table)
{
    return tables[table].name;
}

int sql_table_ncols(int table)
{
    return tables[table].ncols;
}

char *sql_insert_sql_rows(sql_dialect_t d, int table, int k)
{
    int nc = tables[table].ncols;
    /* The column list and conflict clause (under 1.6 KiB), then k rows of
     * nc parameters of at most 8 characters ("$65535, ") and "(), ". */
    size_t cap = 2048 + (size_t)k * ((size_t)nc * 8 + 4);
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int n = snprintf(s, cap, "INSERT INTO %s (", tables[table].name);
    for (int i = 0; i < nc; i++)
        n += snprintf(s + n, cap - (size_t)n, "%s%s", i ? ", " : "", col(table, i));
    n += snprintf(s + n, cap - (size_t)n, ") VALUES ");
    for (int j = 0; j < k; j++) {
        n += snprintf(s + n, cap - (size_t)n, "%s(", j ? ", " : "");
        for (int i = 0; i < nc; i++)
            n += snprintf(s + n, cap - (size_t)n, "%s%c%d", i ? ", " : "", d == SQL_PG ? '$' : '?', j * nc + i + 1);
        n += snprintf(s + n, cap - (size_t)n, ")");
    }
    snprintf(s + n, cap - (size_t)n, "%s", tables[table].conflict);
    return s;
}

char *sql_insert_sql(sql_dialect_t d, int table)
{
    return sql_insert_sql_rows(d, table, 1);
}

/* PostgreSQL's COPY path (pg_copy.c): per table, a temporary staging
 * table of the same columns, emptied by every commit, so a batch is COPY
 * into the staging tables and one INSERT ... SELECT each into the real
 * ones, with the same conflict clauses as the one-row inserts. */
static int stage_cols(char *s, size_t cap, int table)
{
    int n = 0;
    for (int i = 0; i < tables[table].ncols; i++)
        n += snprintf(s + n, cap - (size_t)n, "%s%s", i ? ", " : "", col(table, i));
    return n;
}

char *sql_pg_stage_ddl(void)
{
    size_t cap = 1024;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int n = 0;
    for (int t = 0; t < SQL_N_TABLES; t++)
        if (t != SQL_T_WITHDRAWN)
            n += snprintf(s + n, cap - (size_t)n,
                          "%sCREATE TEMP TABLE IF NOT EXISTS earshot_stage_%s (LIKE %s) ON COMMIT DELETE ROWS",
                          n ? "; " : "", tables[t].name, tables[t].name);
    return s;
}

char *sql_pg_copy_sql(int table, int staging)
{
    size_t cap = 1024;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int n = snprintf(s, cap, "COPY %s%s (", staging ? "pg_temp.earshot_stage_" : "", tables[table].name);
    n += stage_cols(s + n, cap - (size_t)n, table);
    snprintf(s + n, cap - (size_t)n, ") FROM STDIN");
    return s;
}

char *sql_pg_stage_insert_sql(int table)
{
    size_t cap = 4096;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    int n = snprintf(s, cap, "INSERT INTO %s (", tables[table].name);
    n += stage_cols(s + n, cap - (size_t)n, table);
    n += snprintf(s + n, cap - (size_t)n, ") SELECT ");
    n += stage_cols(s + n, cap - (size_t)n, table);
    snprintf(s + n, cap - (size_t)n, " FROM pg_temp.earshot_stage_%s%s", tables[table].name, tables[table].conflict);
    return s;
}
