/*
 * The dedupe stage's memory: the fingerprint set (against a plain
 * reference, clusters that wrap around the table included), the
 * fingerprint's stability, the rows in the state DB (encoding, flush and
 * rollback, reload, merge, the max_age sweep) and migration 5 from the
 * old keyed table.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "idset.h"
#include "stages.h"
#include "state.h"
#include "tap.h"
#include "util.h"


/* Random adds and deletes of keys from a small universe, so runs form
 * and break often; each answer is compared with a flag array. */
static void set_against_reference(const char *what, uint64_t (*key)(size_t))
{
    enum { U = 5000, OPS = 200000 };
    es_idset_t s = {0};
    unsigned char *in = calloc(U, 1);
    size_t count = 0, wrong = 0;
    for (size_t op = 0; op < OPS; op++) {
        size_t k = tap_rand() % U;
        uint64_t h = key(k);
        switch (tap_rand() % 3) {
        case 0:
            wrong += es__idset_add(&s, h) != !in[k];
            count += !in[k];
            in[k] = 1;
            break;
        case 1:
            wrong += es__idset_del(&s, h) != in[k];
            count -= in[k];
            in[k] = 0;
            break;
        default:
            wrong += es__idset_has(&s, h) != in[k];
        }
    }
    for (size_t k = 0; k < U; k++)
        wrong += es__idset_has(&s, key(k)) != in[k];
    is_int(wrong, 0, "%s: every answer of 200,000 random operations matches the reference", what);
    is_int(s.count, count, "%s: count", what);
    es__idset_free(&s);
    free(in);
}

static uint64_t key_spread(size_t k) { return es__idset_hash((const char *)&k, sizeof k); }
/* Every key is in one shard (the top bits) and homes in its last slots
 * (the next bits all ones): long runs that wrap around the end, where
 * backward shift is easiest to get wrong. */
static uint64_t key_clustered(size_t k)
{
    return (0x2bull << 58) | (((1ull << 40) - 1) << 18) | ((uint64_t)(k + 1) & ((1ull << 18) - 1));
}

typedef struct rows {
    size_t n_rows, n_ids;
} rows_t;

static int count_row(void *ud, int64_t row, int64_t at, const uint64_t *ids, size_t n)
{
    rows_t *r = ud;
    (void)row, (void)at, (void)ids;
    r->n_rows++;
    r->n_ids += n;
    return 0;
}

static rows_t rows_of(es_state_t *st)
{
    rows_t r = {0, 0};
    es__state_seen_read(st, 0, INT64_MAX, SIZE_MAX, -1, count_row, &r);
    return r;
}

static int check_id(es_dedupe_t *d, const char *id)
{
    es_rec_t rec;
    memset(&rec, 0, sizeof rec);
    rec.m.id = (char *)id;
    int rc = es__dedupe_check(d, &rec);
    if (rc == 0)
        es__dedupe_release(d, &rec, 0); /* leave nothing in flight */
    return rc;
}

static void deliver(es_dedupe_t *d, const char *id)
{
    es_rec_t rec;
    memset(&rec, 0, sizeof rec);
    rec.m.id = (char *)id;
    if (es__dedupe_check(d, &rec) == 0)
        es__dedupe_release(d, &rec, 1);
}

static int commit(es_state_t *st, es_dedupe_t *d)
{
    int ok = es__dedupe_flush(d) == 0 && es__state_commit(st) == 0;
    es__dedupe_committed(d, ok);
    return ok;
}

static int sql_int(const char *path, const char *q)
{
    sqlite3 *db;
    sqlite3_stmt *s;
    int v = -1;
    if (sqlite3_open(path, &db) == SQLITE_OK && sqlite3_prepare_v2(db, q, -1, &s, NULL) == SQLITE_OK) {
        if (sqlite3_step(s) == SQLITE_ROW)
            v = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return v;
}

static int sql_exec(const char *path, const char *q)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db) == SQLITE_OK ? sqlite3_exec(db, q, NULL, NULL, NULL) : SQLITE_ERROR;
    sqlite3_close(db);
    return rc == SQLITE_OK;
}

int main(void)
{
    /* ---- the set ---- */
    set_against_reference("spread keys", key_spread);
    set_against_reference("keys clustered at the table's end", key_clustered);
    es_idset_t s = {0};
    is_int(es__idset_has(&s, 42), 0, "an empty set has nothing");
    is_int(es__idset_del(&s, 42), 0, "... and deletes nothing");
    for (uint64_t i = 1; i <= 100000; i++)
        es__idset_add(&s, es__idset_hash((const char *)&i, sizeof i));
    ok(s.count == 100000 && s.count <= es__idset_slots(&s) / 20 * 17, "100,000 ids: at most 85%% full (%zu slots)",
       es__idset_slots(&s));
    ok(es__idset_slots(&s) * 8 <= 100000 * 12, "... at most 12 bytes an id (%.1f)", es__idset_slots(&s) * 8 / 1e5);
    es__idset_free(&s);
    /* Reserving first: one allocation a shard, room for all. */
    is_int(es__idset_reserve(&s, 2000000), 0, "room for two million ids");
    size_t before = es__idset_slots(&s);
    for (uint64_t i = 1; i <= 2000000; i++)
        es__idset_add(&s, es__idset_hash((const char *)&i, sizeof i));
    ok(s.count == 2000000 && es__idset_slots(&s) == before, "two million ids fit what was reserved (%.1f bytes an id)",
       es__idset_slots(&s) * 8 / 2e6);
    es__idset_free(&s);

    /* ---- the fingerprint is stored, so it must never change ---- */
    ok(XXH3_64bits("", 0) == 0x2D06800538D394C2ull, "XXH3 of the empty string is the published reference value");
    ok(es__idset_hash("twitter:1", 9) == 0x8e0ed9f0dbbdbb51ull, "the fingerprint of twitter:1 is pinned");
    ok(es__idset_hash("", 0) != 0, "never 0 (the empty slot)");

    /* ---- rows in the state DB ---- */
    char dir[] = "/tmp/earshot-dedupe-test.XXXXXX";
    if (!mkdtemp(dir))
        skip_all("mkdtemp failed");
    char db[256], err[256];
    snprintf(db, sizeof db, "%s/state.db", dir);
    es_state_t *st = NULL;
    is_int(es__state_open(dir, &st, err, sizeof err), 0, "state opens");
    uint64_t two[2] = {0x0102030405060708ull, 1};
    es__state_begin(st);
    ok(es__state_seen_write(st, 1000, two, 2) > 0, "a row of fingerprints is written");
    es__state_commit(st);
    is_int(sql_int(db, "select hex(ids) = '08070605040302010100000000000000' from seen_log"), 1,
           "stored as little-endian 64-bit words");
    es__state_begin(st);
    es__state_seen_delete(st, 1);
    es__state_commit(st);

    es_dedupe_t *d = NULL;
    is_int(es__dedupe_new(st, 86400000, &d), 0, "dedupe over the state DB");
    es__state_begin(st);
    is_int(check_id(d, "n:new"), 0, "a new id passes");
    es_rec_t a;
    memset(&a, 0, sizeof a);
    a.m.id = "n:a";
    is_int(es__dedupe_check(d, &a), 0, "n:a passes and is in flight");
    is_int(check_id(d, "n:a"), 1, "a second n:a while the first is in flight is a duplicate");
    es__dedupe_release(d, &a, 1);
    is_int(check_id(d, "n:a"), 1, "once delivered, n:a is a duplicate");
    deliver(d, "n:b");
    ok(commit(st, d), "the turn commits");
    rows_t r = rows_of(st);
    ok(r.n_rows == 1 && r.n_ids == 2, "one row for the turn, with both delivered ids (%zu rows, %zu ids)",
       r.n_rows, r.n_ids);

    /* A transaction that fails takes its row with it, and the ids with it. */
    es__state_begin(st);
    deliver(d, "n:lost");
    is_int(check_id(d, "n:lost"), 1, "n:lost delivered in a turn not committed yet");
    es__dedupe_flush(d);
    es__state_rollback(st);
    es__dedupe_committed(d, 0);
    is_int(check_id(d, "n:lost"), 0, "its turn rolled back: n:lost is forgotten, as its row is");
    is_int((long long)rows_of(st).n_ids, 2, "no row from the rolled-back turn");
    es__dedupe_free(d);

    /* A restart remembers what was delivered. */
    is_int(es__dedupe_new(st, 86400000, &d), 0, "a new dedupe loads the rows");
    is_int(check_id(d, "n:a"), 1, "n:a still a duplicate after a restart");
    is_int(check_id(d, "n:b"), 1, "n:b too");
    is_int(check_id(d, "n:lost"), 0, "n:lost was never remembered");
    es__dedupe_free(d);

    /* Small rows are merged; ids delivered before max_age are forgotten. */
    es__state_begin(st);
    char id[32];
    for (int i = 0; i < 40; i++) {
        uint64_t h[5];
        for (int j = 0; j < 5; j++) {
            snprintf(id, sizeof id, "n:small%d-%d", i, j);
            h[j] = es__idset_hash(id, strlen(id));
        }
        es__state_seen_write(st, es__now_s(), h, 5);
    }
    uint64_t old[3];
    for (int j = 0; j < 3; j++) {
        snprintf(id, sizeof id, "n:old%d", j);
        old[j] = es__idset_hash(id, strlen(id));
    }
    es__state_seen_write(st, es__now_s() - 2 * 86400, old, 3);
    es__state_commit(st);
    is_int(es__dedupe_new(st, 86400000, &d), 0, "dedupe over 42 small rows");
    ok(es__dedupe_busy(d), "it has rows to merge");
    es__state_begin(st);
    es__dedupe_tick(d);
    ok(commit(st, d), "the merge commits");
    r = rows_of(st);
    ok(r.n_rows == 1 && r.n_ids == 205, "one row of 205 ids (%zu rows, %zu ids)", r.n_rows, r.n_ids);
    ok(!es__dedupe_busy(d), "nothing left to merge");
    is_int(check_id(d, "n:small39-4"), 1, "a merged id is still remembered");
    is_int(check_id(d, "n:old1"), 1, "an id of a row two days old is remembered");
    es__dedupe_free(d);
    /* Each id is in one row: the sweep forgets a row's ids with it. */
    es__state_begin(st);
    for (int j = 0; j < 3; j++) {
        snprintf(id, sizeof id, "n:aged%d", j);
        old[j] = es__idset_hash(id, strlen(id));
    }
    es__state_seen_write(st, es__now_s() - 2 * 86400, old, 3);
    es__state_commit(st);
    is_int(es__dedupe_new(st, 86400000, &d), 0, "dedupe, max_age 1 day");
    is_int(check_id(d, "n:aged1"), 1, "an id delivered two days ago is remembered until the sweep");
    es__state_begin(st);
    es__dedupe_prune(d);
    while (es__dedupe_busy(d))
        es__dedupe_tick(d);
    ok(commit(st, d), "the sweep commits");
    is_int(check_id(d, "n:aged1"), 0, "the sweep forgot it");
    is_int(check_id(d, "n:small39-4"), 1, "ids of the young row are kept");
    is_int(check_id(d, "n:old2"), 1, "... old ones merged with them too: a merged row is as young as its youngest");
    is_int(sql_int(db, "select count(*) from seen_log where at < strftime('%s','now') - 86400"), 0,
           "the row older than max_age is gone");
    is_int(sql_int(db, "select sum(length(ids)) / 8 from seen_log"), 205, "the young row stays whole");
    es__dedupe_free(d);
    es__state_close(st);

    /* Migration 5: a state DB of schema 4 with the old keyed table. */
    ok(sql_exec(db, "DROP TABLE seen_log;"
                    "CREATE TABLE seen(id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID;"
                    "INSERT INTO seen VALUES ('twitter:1', strftime('%s','now')),"
                    " ('rss:x', strftime('%s','now')), ('rss:y', strftime('%s','now') - 7200);"
                    "PRAGMA user_version = 4;"),
       "a schema-4 state DB with 3 delivered ids");
    is_int(es__state_open(dir, &st, err, sizeof err), 0, "it opens (migration 5)");
    is_int(sql_int(db, "select count(*) from sqlite_master where name = 'seen'"), 0, "the keyed table is gone");
    is_int(sql_int(db, "select count(*) from seen_log"), 2, "its ids are in one row per hour of delivery");
    is_int(es__dedupe_new(st, 86400000, &d), 0, "dedupe loads them");
    is_int(check_id(d, "twitter:1"), 1, "twitter:1 delivered before the upgrade is still a duplicate");
    is_int(check_id(d, "rss:y"), 1, "rss:y too");
    is_int(check_id(d, "rss:z"), 0, "rss:z was never delivered");
    es__dedupe_free(d);
    es__state_close(st);

    unlink(db);
    char p[300];
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
    rmdir(dir);
    return done_testing();
}
