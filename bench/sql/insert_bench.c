/*
 * The SQLite side of the sql sink without the agent: the plugin's own
 * schema (plugins/sql/schema.c, every migration) and insert statements,
 * N mentions bound the way the plugin binds them, each with its one
 * mention_brands row as the sink writes it for a brand match, WAL. Prints
 * CPU µs per mention and mentions/s of the writing thread for:
 *   - the schema as it is, one row a statement at 100, 1000 and 5000
 *     mentions a transaction, and as the sink writes it (1000 a
 *     transaction, 64-row inserts: plugins/sql/plan.h);
 *   - the same less each of its secondary indexes, and less the
 *     mention_brands rows, which is what each one costs;
 *   - the schema plus an index of every author (which it leaves out: its
 *     keys arrive in random order).
 * The texts are the lines of TEXTS (the bench's real-text corpus) cycled,
 * else 12-45 random words. Each variant runs REPS times (3) and the run
 * with the least CPU is printed: the machine is shared. Built and run by
 * run.sh.
 *
 * usage: insert_bench DB N [TEXTS]
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema.h"

#define ROWS 64 /* mentions a multi-row INSERT, as the sink (plan.h) */

/* schema.c names the metric columns through the core's es_metric_name;
 * the bench links schema.c without the core, so it answers for it, in
 * the order of <earshot/fields.h>'s ES_METRIC_*. */
const char *es_metric_name(int metric)
{
    static const char *const names[] = {"likes", "reposts", "replies", "quotes", "views"};
    return metric >= 0 && metric < (int)(sizeof names / sizeof names[0]) ? names[metric] : NULL;
}

static char **texts;
static size_t n_texts;

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void load_texts(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char line[8192];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        char *t = strrchr(line, '\t');
        t = t ? t + 1 : line;
        if (!*t)
            continue;
        if (n_texts == cap) {
            cap = cap ? 2 * cap : 1024;
            texts = realloc(texts, cap * sizeof *texts);
        }
        texts[n_texts++] = strdup(t);
    }
    fclose(f);
}

/* "INSERT ... VALUES (?,..), (?,..) ... ON CONFLICT ..." for k rows: the
 * plugin's one-row statement with its VALUES list repeated. */
static char *multi_sql(int table, int k)
{
    char *one = sql_insert_sql(SQL_SQLITE, table);
    char *vals = strstr(one, ") VALUES (") + 9, *end = strchr(vals, ')') + 1;
    size_t head = (size_t)(vals - one), vl = (size_t)(end - vals);
    size_t len = strlen(one) + (size_t)k * (vl + 8 * (size_t)sql_table_ncols(table)) + 16;
    char *s = malloc(len);
    memcpy(s, one, head);
    size_t n = head;
    int p = 1;
    for (int r = 0; r < k; r++) {
        s[n++] = r ? ',' : '(';
        if (r)
            s[n++] = '(';
        for (int c = 0; c < sql_table_ncols(table); c++)
            n += (size_t)snprintf(s + n, len - n, "%s?%d", c ? "," : "", p++);
        s[n++] = ')';
    }
    snprintf(s + n, len - n, "%s", end);
    free(one);
    return s;
}

typedef struct variant {
    const char *name;
    const char *sql;   /* run after the migrations */
    int per_tx;        /* mentions a transaction */
    int brands;        /* write the mention_brands row */
    int multi;         /* rows per INSERT */
    const char *pre;   /* PRAGMAs before the schema (page size) */
} variant_t;

static void bind_mention(sqlite3_stmt *st, int base, int i, char *id, char *author, char *url, char *text)
{
    if (texts) {
        snprintf(text, 4096, "%s", texts[i % n_texts]);
    } else {
        static const char *const words[] = {"love", "hate", "support", "refund", "broken", "fast", "slow", "thanks"};
        size_t tl = 0;
        int nw = 12 + rand() % 33;
        for (int k = 0; k < nw; k++)
            tl += (size_t)snprintf(text + tl, 4096 - tl, "%s ", words[rand() % 8]);
    }
    snprintf(id, 32, "twitter:%d", 1700000000 + i);
    snprintf(author, 32, "user%d", rand() % 50000);
    snprintf(url, 96, "https://twitter.com/%s/status/%d", author, 1700000000 + i);
    sqlite3_bind_text(st, base + 1, id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, base + 2, "twitter", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 3, "in", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 4, author, -1, SQLITE_TRANSIENT);
    sqlite3_bind_null(st, base + 5);
    sqlite3_bind_text(st, base + 6, url, -1, SQLITE_TRANSIENT);
    sqlite3_bind_null(st, base + 7);
    sqlite3_bind_text(st, base + 8, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, base + 9, "en", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 10, 1790000000 + i);
    sqlite3_bind_null(st, base + 11);
    sqlite3_bind_null(st, base + 12);
    sqlite3_bind_text(st, base + 13, "[]", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 14, i % 3 ? "acme" : "globex", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, base + 15, "public", -1, SQLITE_STATIC);
    sqlite3_bind_null(st, base + 16);
    sqlite3_bind_null(st, base + 17);
    for (int k = 18; k <= 21; k++)
        sqlite3_bind_double(st, base + k, 0.25);
    sqlite3_bind_text(st, base + 22, i % 2 ? "positive" : "negative", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, base + 23, 1800000000);
    for (int k = 24; k <= 29; k++)
        sqlite3_bind_null(st, base + k);
}

static int step(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_reset(st);
    return 0;
}

#define REPS 3

static int run(const char *path, int n, const variant_t *va, double *cpu, double *wall)
{
    char wal[4200], shm[4200];
    snprintf(wal, sizeof wal, "%s-wal", path);
    snprintf(shm, sizeof shm, "%s-shm", path);
    remove(path);
    remove(wal);
    remove(shm);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        return 1;
    if (va->pre)
        sqlite3_exec(db, va->pre, NULL, NULL, NULL);
    /* As the sink opens it (plugins/sql/sqlite.c): statement journals in
     * memory. */
    sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = full; PRAGMA temp_store = MEMORY", NULL, NULL,
                 NULL);
    for (int v = 1; v <= sql_schema_latest(); v++)
        sqlite3_exec(db, sql_schema_migration(SQL_SQLITE, v), NULL, NULL, NULL);
    if (va->sql && sqlite3_exec(db, va->sql, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", va->sql, sqlite3_errmsg(db));
        return 1;
    }
    int k = va->multi;
    char *sql = k > 1 ? multi_sql(SQL_T_MENTION, k) : sql_insert_sql(SQL_SQLITE, SQL_T_MENTION);
    char *bsql = k > 1 ? multi_sql(SQL_T_MENTION_BRAND, k) : sql_insert_sql(SQL_SQLITE, SQL_T_MENTION_BRAND);
    sqlite3_stmt *st, *bst;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK ||
        sqlite3_prepare_v3(db, bsql, -1, SQLITE_PREPARE_PERSISTENT, &bst, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    free(sql);
    free(bsql);
    char text[4096], id[32], author[32], url[96];
    srand(7);
    double c0 = cpu_s();
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    int per_tx = (va->per_tx + k - 1) / k * k; /* whole statements: 1024 for 1000 */
    for (int b = 0; b < n; b += per_tx) {
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        for (int i = b; i < b + per_tx && i < n; i += k) {
            for (int r = 0; r < k; r++)
                bind_mention(st, r * 29, i + r, id, author, url, text);
            if (step(db, st))
                return 1;
            if (!va->brands)
                continue;
            for (int r = 0; r < k; r++) {
                snprintf(id, sizeof id, "twitter:%d", 1700000000 + i + r);
                sqlite3_bind_text(bst, r * 3 + 1, id, -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(bst, r * 3 + 2, (i + r) % 3 ? "acme" : "globex", -1, SQLITE_STATIC);
                sqlite3_bind_int(bst, r * 3 + 3, 0);
            }
            if (step(db, bst))
                return 1;
        }
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double c = cpu_s() - c0;
    clock_gettime(CLOCK_MONOTONIC, &w1);
    double w = (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
    *cpu = c;
    *wall = w;
    sqlite3_finalize(st);
    sqlite3_finalize(bst);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s DB N [TEXTS]\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[2]) / ROWS * ROWS;
    if (argc > 3)
        load_texts(argv[3]);
    static const variant_t v[] = {
        {"schema, 100 a transaction", NULL, 100, 1, 1, NULL},
        {"schema, 1000 a transaction", NULL, 1000, 1, 1, NULL},
        {"schema, 5000 a transaction", NULL, 5000, 1, 1, NULL},
        {"schema, 1000 a tx, 64-row INSERTs (the sink)", NULL, 1000, 1, ROWS, NULL},
        {"  less mentions_brand_time", "DROP INDEX mentions_brand_time", 1000, 1, ROWS, NULL},
        {"  less mentions_label_time", "DROP INDEX mentions_label_time", 1000, 1, ROWS, NULL},
        {"  less mentions_owner_time", "DROP INDEX mentions_owner_time", 1000, 1, ROWS, NULL},
        {"  less mentions_author (official, lookalike)", "DROP INDEX mentions_author", 1000, 1, ROWS, NULL},
        {"  less mention_brands_brand", "DROP INDEX mention_brands_brand", 1000, 1, ROWS, NULL},
        {"  less the mention_brands rows", NULL, 1000, 0, ROWS, NULL},
        {"  less all of these (bare mentions table)",
         "DROP INDEX mentions_brand_time; DROP INDEX mentions_label_time; DROP INDEX mentions_owner_time;"
         " DROP INDEX mentions_author", 1000, 0, ROWS, NULL},
        {"  with 16 KiB pages", NULL, 1000, 1, ROWS, "PRAGMA page_size = 16384"},
        {"  with a WAL checkpoint every 10,000 pages", "PRAGMA wal_autocheckpoint = 10000", 1000, 1, ROWS, NULL},
        {"  plus an index of every author", "CREATE INDEX all_authors ON mentions (network, author)", 1000, 1, ROWS, NULL},
    };
    printf("the plugin's SQLite schema, %d mentions (+1 mention_brands row each), synchronous = full, %s texts\n", n,
           texts ? "real" : "random-word");
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        double c = 1e9, w = 1e9;
        for (int r = 0; r < REPS; r++) {
            double rc, rw;
            if (run(argv[1], n, &v[i], &rc, &rw))
                return 1;
            if (rc < c)
                c = rc, w = rw;
        }
        printf("  %-44s CPU %5.2f us/mention %7.0f/s; wall %5.2f us %7.0f/s\n", v[i].name, c * 1e6 / n, n / c,
               w * 1e6 / n, n / w);
    }
    return 0;
}
