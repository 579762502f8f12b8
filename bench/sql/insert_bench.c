/*
 * The SQLite side of the sql sink without the agent: the plugin's own
 * schema (plugins/sql/schema.c, every migration) and insert statement,
 * N mention rows bound the way the plugin binds them, 1000 per
 * transaction, WAL. Prints CPU µs per row and rows/s of the writing
 * thread, for the schema as it is and with an index of every author added
 * (the schema indexes official and lookalike authors only: random
 * insertion order makes a full author index the costliest one). Built and
 * run by run.sh.
 *
 * usage: insert_bench DB N
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema.h"

static double cpu_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int run(const char *path, int n, int author_index, const char *sync)
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
    char pragma[128];
    snprintf(pragma, sizeof pragma, "PRAGMA journal_mode = WAL; PRAGMA synchronous = %s", sync);
    sqlite3_exec(db, pragma, NULL, NULL, NULL);
    for (int v = 1; v <= sql_schema_latest(); v++)
        sqlite3_exec(db, sql_schema_migration(SQL_SQLITE, v), NULL, NULL, NULL);
    /* The schema indexes the authors of official and lookalike accounts
     * only; an index of every author is what it would cost otherwise. */
    if (author_index)
        sqlite3_exec(db, "CREATE INDEX all_authors ON mentions (network, author)", NULL, NULL, NULL);
    char *sql = sql_insert_sql(SQL_SQLITE, SQL_T_MENTION);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    free(sql);
    static const char *const words[] = {"love", "hate", "support", "refund", "broken", "fast", "slow", "thanks"};
    char text[400], id[32], author[32], url[64];
    srand(7);
    double c0 = cpu_s();
    struct timespec w0, w1;
    clock_gettime(CLOCK_MONOTONIC, &w0);
    for (int b = 0; b < n; b += 1000) {
        sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        for (int i = b; i < b + 1000 && i < n; i++) {
            size_t tl = 0;
            int nw = 12 + rand() % 33;
            for (int k = 0; k < nw; k++)
                tl += (size_t)snprintf(text + tl, sizeof text - tl, "%s ", words[rand() % 8]);
            snprintf(id, sizeof id, "twitter:%d", 1700000000 + i);
            snprintf(author, sizeof author, "user%d", rand() % 50000);
            snprintf(url, sizeof url, "https://example.invalid/%d", i);
            sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 2, "twitter", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, "in", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, author, -1, SQLITE_STATIC);
            sqlite3_bind_null(st, 5);
            sqlite3_bind_text(st, 6, url, -1, SQLITE_STATIC);
            sqlite3_bind_null(st, 7);
            sqlite3_bind_text(st, 8, text, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 9, "en", -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 10, 1790000000 + i);
            sqlite3_bind_null(st, 11);
            sqlite3_bind_null(st, 12);
            sqlite3_bind_text(st, 13, "[]", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 14, i % 3 ? "acme" : "globex", -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 15, "public", -1, SQLITE_STATIC);
            sqlite3_bind_null(st, 16);
            sqlite3_bind_null(st, 17);
            for (int k = 18; k <= 21; k++)
                sqlite3_bind_double(st, k, 0.25);
            sqlite3_bind_text(st, 22, i % 2 ? "positive" : "negative", -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, 23, 1800000000);
            if (sqlite3_step(st) != SQLITE_DONE) {
                fprintf(stderr, "%s\n", sqlite3_errmsg(db));
                return 1;
            }
            sqlite3_reset(st);
        }
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    double c = cpu_s() - c0;
    clock_gettime(CLOCK_MONOTONIC, &w1);
    double w = (double)(w1.tv_sec - w0.tv_sec) + (double)(w1.tv_nsec - w0.tv_nsec) / 1e9;
    printf("  sqlite inserts, %-6s %-22s %7d rows: CPU %5.2f us/row %7.0f rows/s; wall %5.2f us/row %7.0f rows/s\n",
           sync, author_index ? "+ index of all authors" : "plugin's schema", n, c * 1e6 / n, n / c, w * 1e6 / n, n / w);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s DB N\n", argv[0]);
        return 2;
    }
    int n = atoi(argv[2]);
    return run(argv[1], n, 0, "normal") || run(argv[1], n, 0, "full") || run(argv[1], n, 1, "normal");
}
