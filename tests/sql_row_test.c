/*
 * The sql sink's pure parts: DSN classification and password masking, the
 * SQL it generates, records of every kind turned into rows (alerts and
 * account findings cannot be made through the daemon in a test: the spike
 * detector needs days of data), and those rows written into an in-memory
 * SQLite database through the schema's migrations and the insert. Also
 * checks that tests/data/sql/schema-v1.sql matches migration 1.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dsn.h"
#include "mention.h"
#include "row.h"
#include "sql_insert.h"
#include "schema.h"
#include "tap.h"

static void masked(const char *in, const char *want)
{
    char *m = sql_dsn_masked(in);
    ok(m && strcmp(m, want) == 0, "masked %s -> %s", in, m ? m : "(null)");
    free(m);
}

static void dsn_tests(void)
{
    sql_dsn_kind_t k = 0;
    char *path = NULL, err[256] = "";
    ok(sql_dsn_parse("", "/var/lib/e", &k, &path, err, sizeof err) == 0 && k == SQL_DSN_SQLITE &&
           strcmp(path, "/var/lib/e/earshot.db") == 0,
       "empty dsn: STATE_DIR/earshot.db");
    free(path);
    ok(sql_dsn_parse("sqlite:x/y.db", "/s", &k, &path, err, sizeof err) == 0 && strcmp(path, "/s/x/y.db") == 0,
       "relative sqlite path under state_dir");
    free(path);
    ok(sql_dsn_parse("sqlite:/abs.db", "/s", &k, &path, err, sizeof err) == 0 && strcmp(path, "/abs.db") == 0,
       "absolute sqlite path kept");
    free(path);
    ok(sql_dsn_parse("sqlite:", "/s", &k, &path, err, sizeof err) == 0 && strcmp(path, "/s/earshot.db") == 0,
       "sqlite: alone is the default");
    free(path);
    path = NULL;
    ok(sql_dsn_parse("postgresql://u@h/db", "/s", &k, &path, err, sizeof err) == 0 && k == SQL_DSN_POSTGRESQL &&
           !path,
       "postgresql:// is PostgreSQL");
    ok(sql_dsn_parse("postgres://h", "/s", &k, &path, err, sizeof err) == 0 && k == SQL_DSN_POSTGRESQL,
       "postgres:// too");
    ok(sql_dsn_parse("mysql://h", "/s", &k, &path, err, sizeof err) == ES_ECONFIG && strstr(err, "sqlite:"),
       "another scheme is a config error: %s", err);

    masked("postgresql://u:pw@h:5432/db", "postgresql://u:***@h:5432/db");
    masked("postgresql://u@h/db", "postgresql://u@h/db");
    masked("postgresql://u:p%40ss@h/db?sslmode=require", "postgresql://u:***@h/db?sslmode=require");
    masked("postgresql://u:a@b@h/db", "postgresql://u:***@h/db");
    masked("postgresql:///db?host=/run/pg&password=x&user=u", "postgresql:///db?host=/run/pg&password=***&user=u");
    masked("postgres://u:pw@h/db?password=a&password=b", "postgres://u:***@h/db?password=***&password=***");
    masked("postgresql://h/db?sslmode=verify-full#password=x", "postgresql://h/db?sslmode=verify-full#password=x");
}

static void sql_tests(void)
{
    char *s = sql_insert_sql(SQL_SQLITE, SQL_T_MENTION);
    ok(s && strstr(s, "INSERT INTO mentions (id, network,") && strstr(s, "?29)") && !strstr(s, "?30") &&
           strstr(s, "ON CONFLICT (id) DO UPDATE SET lang = excluded.lang") &&
           strstr(s, "likes = COALESCE(excluded.likes, mentions.likes)") && strstr(s, "followers)"),
       "mention insert: 29 numbered parameters, upsert of stage fields and counts");
    free(s);
    s = sql_insert_sql(SQL_PG, SQL_T_ALERT);
    ok(s && strstr(s, "$13)") && strstr(s, "ON CONFLICT (id) DO NOTHING") && !strchr(s, '?'),
       "alert insert for PostgreSQL: $N parameters, do nothing on conflict");
    free(s);
    ok(sql_table_ncols(SQL_T_ACCOUNT) == 9 && strcmp(sql_table_name(SQL_T_ACCOUNT), "account_events") == 0,
       "account_events: 9 columns");
    ok(sql_schema_latest() == 5 && sql_schema_migration(SQL_PG, 6) == NULL && sql_schema_migration(SQL_SQLITE, 0) == NULL,
       "four migrations, nothing beyond");
    ok(sql_table_ncols(SQL_T_MENTION_BRAND) == 3 && !strcmp(sql_table_name(SQL_T_MENTION_BRAND), "mention_brands") &&
           sql_table_ncols(SQL_T_MENTION_TOPIC) == 3 && !strcmp(sql_table_name(SQL_T_MENTION_TOPIC), "mention_topics"),
       "mention_brands and mention_topics: 3 columns each");
    ok(strstr(sql_schema_migration(SQL_PG, 1), "jsonb") && !strstr(sql_schema_migration(SQL_SQLITE, 1), "jsonb"),
       "JSON columns are jsonb in PostgreSQL only");
}

static char *one(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    char *out = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        out = strdup(sqlite3_column_text(st, 0) ? (const char *)sqlite3_column_text(st, 0) : "NULL");
    sqlite3_finalize(st);
    return out ? out : strdup("(no row)");
}

static void is_sql(sqlite3 *db, const char *sql, const char *want, const char *what)
{
    char *got = one(db, sql);
    ok(strcmp(got, want) == 0, "%s", what);
    if (strcmp(got, want) != 0)
        diag("got '%s', want '%s'", got, want);
    free(got);
}

static void row_tests(void)
{
    sqlite3 *db;
    sqlite3_open(":memory:", &db);
    int rc = SQLITE_OK;
    for (int v = 1; v <= sql_schema_latest() && rc == SQLITE_OK; v++)
        rc = sqlite3_exec(db, sql_schema_migration(SQL_SQLITE, v), NULL, NULL, NULL);
    ok(rc == SQLITE_OK, "the SQLite migrations apply in order");

    /* A mention with stage results and sentiment. */
    const char *addr[] = {"acmesupport", "o\"q"};
    es_mention_t m = {.id = "t:1", .network = "t", .author = "ann", .text = "it's '); DROP TABLE x;--",
                      .lang = "en", .created_at = 1790000000, .addressed = addr, .n_addressed = 2};
    es_rec_t *rm = es__rec_from_mention(&m, "src", NULL);
    es__rec_set_stage(rm, 0, "acme");
    es__rec_set_stage(rm, 1, "public");
    rm->m.sentiment = (es_sentiment_t){.compound = -0.5, .pos = 0.1, .neu = 0.5, .neg = 0.4, .label = "negative"};
    sql_row_t r;
    memset(&r, 0, sizeof r);
    const char *why = NULL;
    ok(sql_row_build(&r, &rm->pub, 4, 1800000000, &why) == 0 && r.table == SQL_T_MENTION && r.index == 4,
       "a mention becomes a mentions row");
    ok(sql_sqlite_insert_row(db, &r) == SQLITE_DONE, "it is inserted");
    ok(sql_sqlite_insert_row(db, &r) == SQLITE_DONE, "inserting it again is no error");
    sql_row_clear(&r);
    is_sql(db, "select count(*) || '|' || text || '|' || addressed || '|' || brand || '|' || author_kind || '|' || "
               "sentiment_label || '|' || sentiment_compound || '|' || source || '|' || received_at || '|' || "
               "coalesce(owner, 'NULL') || '|' || updated_at from mentions",
           "1|it's '); DROP TABLE x;--|[\"acmesupport\",\"o\\\"q\"]|acme|public|negative|-0.5|src|1800000000|NULL|1800000000",
           "one row, every field as given, updated_at set by the second insert");

    /* An unscored mention without a date. */
    es_mention_t m2 = {.id = "t:2", .network = "t", .text = "x"};
    es_rec_t *rm2 = es__rec_from_mention(&m2, "src", NULL);
    memset(&r, 0, sizeof r);
    sql_row_build(&r, &rm2->pub, 0, 1800000000, &why);
    sql_sqlite_insert_row(db, &r);
    sql_row_clear(&r);
    is_sql(db, "select coalesce(created_at, 'NULL') || coalesce(sentiment_label, 'NULL') || "
               "coalesce(sentiment_pos, 'NULL') || addressed from mentions where id = 't:2'",
           "NULLNULLNULL[]", "unknown date and unscored sentiment are NULL; no handles is []");

    /* Reach: given counts stored, others NULL; a later read with newer
     * counts refreshes them, one that gives none keeps them. */
    es_mention_t m3 = {.id = "t:3", .network = "t", .text = "x", .followers = 1200, .followers_given = 1};
    m3.metrics[ES_METRIC_LIKES] = 5;
    m3.metrics[ES_METRIC_REPLIES] = 0;
    m3.metrics_given = 1u << ES_METRIC_LIKES | 1u << ES_METRIC_REPLIES;
    es_rec_t *rm3 = es__rec_from_mention(&m3, "src", NULL);
    memset(&r, 0, sizeof r);
    sql_row_build(&r, &rm3->pub, 0, 1800000000, &why);
    sql_sqlite_insert_row(db, &r);
    sql_row_clear(&r);
    const char *reach = "select likes || '|' || coalesce(reposts, 'NULL') || '|' || replies || '|' || "
                        "coalesce(quotes, 'NULL') || '|' || coalesce(views, 'NULL') || '|' || followers "
                        "from mentions where id = 't:3'";
    is_sql(db, reach, "5|NULL|0|NULL|NULL|1200", "likes, replies (0 is a count) and followers stored; the rest NULL");
    es__rec_free(rm3);
    m3.metrics[ES_METRIC_LIKES] = 9;
    m3.metrics[ES_METRIC_VIEWS] = 70;
    m3.metrics_given = 1u << ES_METRIC_LIKES | 1u << ES_METRIC_VIEWS;
    m3.followers_given = 0;
    rm3 = es__rec_from_mention(&m3, "src", NULL);
    memset(&r, 0, sizeof r);
    sql_row_build(&r, &rm3->pub, 0, 1800000001, &why);
    sql_sqlite_insert_row(db, &r);
    sql_row_clear(&r);
    is_sql(db, reach, "9|NULL|0|NULL|70|1200", "re-read: newer counts refresh, counts not given again are kept");
    es__rec_free(rm3);

    /* A deletion: its withdrawn row's trigger removes the mention and
     * its matches; a second copy of the notice changes nothing. */
    is_sql(db, "select count(*) from mentions where id = 't:3'", "1", "t:3 stored before its deletion");
    json_t *dj = json_pack("{s:s,s:s,s:s,s:s,s:I}", "id", "t:3", "network", "t", "source", "tw", "action",
                           "withheld", "at", (json_int_t)1790000500);
    es_rec_t *rd = es__rec_from_fields(ES_RECORD_DELETION, dj);
    memset(&r, 0, sizeof r);
    ok(sql_row_build(&r, &rd->pub, 2, 1800000002, &why) == 0 && r.table == SQL_T_WITHDRAWN,
       "a deletion becomes a withdrawn row");
    ok(sql_sqlite_insert_row(db, &r) == SQLITE_DONE && sql_sqlite_insert_row(db, &r) == SQLITE_DONE, "inserted twice without error");
    sql_row_clear(&r);
    es__rec_free(rd);
    is_sql(db, "select count(*) from mentions where id = 't:3'", "0", "the mention is deleted");
    is_sql(db, "select (select count(*) from mention_brands where mention_id = 't:3') + "
               "(select count(*) from mention_topics where mention_id = 't:3')",
           "0", "... with its brand and topic rows");
    is_sql(db, "select id || '|' || network || '|' || source || '|' || action || '|' || at || '|' || received_at from withdrawn",
           "t:3|t|tw|withheld|1790000500|1800000002", "withdrawn keeps the notice once");
    rd = es__rec_from_fields(ES_RECORD_DELETION, json_pack("{s:s}", "id", "t:4"));
    memset(&r, 0, sizeof r);
    ok(sql_row_build(&r, &rd->pub, 0, 1800000002, &why) == ES_EINVAL && why && strstr(why, "network"),
       "a deletion without network is refused with a reason");
    sql_row_clear(&r);
    es__rec_free(rd);

    /* Alerts, as the spike detector makes them. */
    json_t *a = json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:i,s:i,s:f,s:s}", "event", "spike_began", "id",
                          "spike:acme:1790000000:began", "brand", "acme", "series", "acme", "bucket_start",
                          (json_int_t)1790000000, "bucket_end", (json_int_t)1790003600, "count", 40, "total", 90,
                          "p_value", 0.0001, "owner", "care");
    es_rec_t *ra = es__rec_from_fields(ES_RECORD_ALERT, a);
    memset(&r, 0, sizeof r);
    ok(sql_row_build(&r, &ra->pub, 1, 1800000000, &why) == 0 && r.table == SQL_T_ALERT, "an alert becomes an alerts row");
    ok(sql_sqlite_insert_row(db, &r) == SQLITE_DONE && sql_sqlite_insert_row(db, &r) == SQLITE_DONE, "inserted twice without error");
    sql_row_clear(&r);
    json_t *e = json_pack("{s:s,s:s,s:s,s:I,s:i,s:f}", "event", "spike_ended", "id", "spike:acme:1790000000:ended",
                          "brand", "acme", "episode_end", (json_int_t)1790007200, "count", 55, "min_p_value", 0.00002);
    es_rec_t *re = es__rec_from_fields(ES_RECORD_ALERT, e);
    memset(&r, 0, sizeof r);
    sql_row_build(&r, &re->pub, 0, 1800000000, &why);
    sql_sqlite_insert_row(db, &r);
    sql_row_clear(&r);
    is_sql(db, "select count(*) from alerts", "2", "two alerts, no duplicate");
    is_sql(db, "select event || '|' || brand || '|' || owner || '|' || bucket_start || '|' || count || '|' || total || "
               "'|' || p_value || '|' || json_extract(fields, '$.kind') || '|' || received_at from alerts where id = "
               "'spike:acme:1790000000:began'",
           "spike_began|acme|care|1790000000|40|90|0.0001|alert|1800000000", "alert columns and the JSON record");
    is_sql(db, "select p_value || '|' || coalesce(bucket_start, 'NULL') from alerts where event = 'spike_ended'",
           "2.0e-05|NULL", "an end carries min_p_value");

    /* Account findings: keyed by their id, else by a digest. */
    json_t *f = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I}", "event", "lookalike_seen", "network", "twitter", "handle",
                          "acme_helpdesk", "brand", "acme", "mention_id", "twitter:9", "first_seen",
                          (json_int_t)1790000000);
    es_rec_t *rf = es__rec_from_fields(ES_RECORD_ACCOUNT, f);
    memset(&r, 0, sizeof r);
    ok(sql_row_build(&r, &rf->pub, 0, 1800000000, &why) == 0 && r.table == SQL_T_ACCOUNT &&
           strncmp(r.id, "sha256:", 7) == 0 && strlen(r.id) == 7 + 64,
       "a finding without id gets sha256:HEX");
    char *id1 = strdup(r.id);
    sql_sqlite_insert_row(db, &r);
    sql_row_clear(&r);
    memset(&r, 0, sizeof r);
    sql_row_build(&r, &rf->pub, 0, 1800000001, &why);
    ok(strcmp(r.id, id1) == 0, "the same finding gets the same id");
    sql_sqlite_insert_row(db, &r);
    sql_row_clear(&r);
    free(id1);
    is_sql(db, "select count(*) || '|' || event || '|' || handle || '|' || mention_id || '|' || coalesce(owner, 'NULL') "
               "from account_events",
           "1|lookalike_seen|acme_helpdesk|twitter:9|NULL", "one account_events row");

    json_t *bad = json_pack("{s:s}", "handle", "x");
    es_rec_t *rb = es__rec_from_fields(ES_RECORD_ACCOUNT, bad);
    memset(&r, 0, sizeof r);
    why = NULL;
    int brc = sql_row_build(&r, &rb->pub, 0, 0, &why);
    ok(brc == ES_EINVAL && why && strstr(why, "event"), "a finding without event is refused: %s", why ? why : "");
    sql_row_clear(&r);

    es__rec_free(rm);
    es__rec_free(rm2);
    es__rec_free(ra);
    es__rec_free(re);
    es__rec_free(rf);
    es__rec_free(rb);
    sqlite3_close(db);
}

/* tests/data/sql/schema-v1.sql must be what migration 1 made. */
static void v1_fixture_test(void)
{
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/sql/schema-v1.sql", top ? top : ".");
    FILE *fp = fopen(path, "r");
    if (!fp) {
        ok(1, "# SKIP %s not found", path);
        return;
    }
    char *text = calloc(1, 1 << 16);
    size_t n = fread(text, 1, (1 << 16) - 1, fp);
    text[n] = 0;
    fclose(fp);
    sqlite3 *a, *b;
    sqlite3_open(":memory:", &a);
    sqlite3_open(":memory:", &b);
    int ra = sqlite3_exec(a, text, NULL, NULL, NULL);
    int rb = sqlite3_exec(b, sql_schema_migration(SQL_SQLITE, 1), NULL, NULL, NULL);
    free(text);
    const char *q = "select group_concat(m.name || '.' || p.name || ':' || p.type || ':' || p.\"notnull\" || ':' || p.pk, ',')"
                    " from sqlite_master m, pragma_table_info(m.name) p where m.type = 'table' and m.name != 'schema_version'"
                    " order by m.name, p.cid";
    char *ca = one(a, q), *cb = one(b, q);
    ok(ra == SQLITE_OK && rb == SQLITE_OK && strcmp(ca, cb) == 0, "schema-v1.sql has migration 1's tables and columns");
    free(ca);
    free(cb);
    sqlite3_close(a);
    sqlite3_close(b);
}

int main(void)
{
    dsn_tests();
    sql_tests();
    row_tests();
    v1_fixture_test();
    return done_testing();
}
