/*
 * The state DB's figures for /metrics and /health (core/net/dbstats.c):
 * read on the thread pool over a connection of their own, they show what
 * the agent's connection committed, per sink; a render before the first
 * read has none; freeing with a read under way waits for it.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dbstats.h"
#include "state.h"
#include "tap.h"

static void count_update(void *arg) { (*(int *)arg)++; }

int main(void)
{
    char dir[] = "/tmp/earshot-dbstats-test.XXXXXX", err[256];
    if (!mkdtemp(dir))
        skip_all("mkdtemp failed");
    es_state_t *st = NULL;
    if (es__state_open(dir, &st, err, sizeof err) < 0)
        skip_all("state: %s", err);
    es__state_begin(st);
    for (int i = 0; i < 3; i++)
        es__state_spool_add(st, "out", "mention", "t:1", "{\"a\":1}", 7);
    es__state_dead_letter(st, "out", "mention", "t:9", "{}", "refused", 3);
    es__state_commit(st);

    uv_loop_t loop;
    uv_loop_init(&loop);
    int updates = 0;
    es__dbstats_t *db = NULL;
    is_int(es__dbstats_new(&loop, dir, count_update, &updates, &db), 0, "new");
    ok(es__dbstats_get(db, "out") == NULL, "no figures before the first read");
    const char *sinks[] = {"out", "idle"};
    es__dbstats_refresh(db, sinks, 2);
    es__dbstats_refresh(db, sinks, 2); /* under way: not a second read */
    ok(es__dbstats_get(db, "out") == NULL, "an asynchronous read is not in before the loop runs");
    uv_run(&loop, UV_RUN_DEFAULT);
    is_int(updates, 1, "one read, and the host told once");
    const es__sink_figures_t *f = es__dbstats_get(db, "out");
    ok(f && f->spooled == 3 && f->bytes == 21 && f->oldest > 0 && f->dead == 1,
       "the committed rows, bytes, oldest row and dead letters of the sink");
    f = es__dbstats_get(db, "idle");
    ok(f && f->spooled == 0 && f->bytes == 0 && f->oldest == 0 && f->dead == 0, "a sink with none");
    ok(es__dbstats_get(db, "other") == NULL, "a sink not asked about has no figures");

    /* What the agent's connection has not committed yet is not shown. */
    es__state_begin(st);
    es__state_spool_add(st, "out", "mention", "t:2", "{}", 2);
    es__dbstats_refresh_now(db, sinks, 2);
    f = es__dbstats_get(db, "out");
    ok(f && f->spooled == 3, "an open transaction's row is not counted");
    es__state_commit(st);
    es__dbstats_refresh_now(db, sinks, 2);
    f = es__dbstats_get(db, "out");
    ok(f && f->spooled == 4 && updates == 1, "once committed it is; a read on the caller's thread tells nobody");

    /* Freed with a read under way: it ends, then s goes, without a call. */
    es__dbstats_refresh(db, sinks, 1);
    es__dbstats_free(db);
    uv_run(&loop, UV_RUN_DEFAULT);
    is_int(updates, 1, "freed mid-read: the result is dropped");

    /* A state_dir without a database: figures read as unknown. */
    char empty[] = "/tmp/earshot-dbstats-none.XXXXXX";
    if (mkdtemp(empty)) {
        es__dbstats_t *none = NULL;
        es__dbstats_new(&loop, empty, NULL, NULL, &none);
        es__dbstats_refresh_now(none, sinks, 1);
        f = es__dbstats_get(none, "out");
        ok(f && f->spooled == 0 && f->dead == -1, "no database: nothing spooled, dead letters unknown");
        es__dbstats_free(none);
        rmdir(empty);
    }
    uv_loop_close(&loop);
    es__state_close(st);
    tap_rm_state_dir(dir);
    return done_testing();
}
