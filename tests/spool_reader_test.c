/*
 * A sink's spool rows read back on the thread pool (core/delivery/
 * spool_reader.c): oldest first above an id, at most a limit, only what
 * the agent's connection committed, one read at a time, and a reader
 * freed mid-read calls nobody.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <earshot/plugin.h>

#include "spool_reader.h"
#include "state.h"
#include "tap.h"

typedef struct {
    int calls, status;
    size_t n;
    int64_t first, last;
    char json0[64];
} got_t;

static void on_rows(void *arg, int status, const es__spool_row_t *rows, size_t n)
{
    got_t *g = arg;
    g->calls++;
    g->status = status;
    g->n = n;
    g->first = n ? rows[0].id : 0;
    g->last = n ? rows[n - 1].id : 0;
    snprintf(g->json0, sizeof g->json0, "%s", n && rows[0].json ? rows[0].json : "");
}

int main(void)
{
    char dir[] = "/tmp/earshot-spool-reader-test.XXXXXX", err[256];
    if (!mkdtemp(dir))
        skip_all("mkdtemp failed");
    es_state_t *st = NULL;
    if (es__state_open(dir, &st, err, sizeof err) < 0)
        skip_all("state: %s", err);
    int64_t ids[5];
    es__state_begin(st);
    for (int i = 0; i < 5; i++) {
        char json[32];
        int len = snprintf(json, sizeof json, "{\"n\":%d}", i);
        ids[i] = es__state_spool_add(st, i == 2 ? "other" : "out", "mention", NULL, json, (size_t)len);
    }
    es__state_commit(st);

    uv_loop_t loop;
    uv_loop_init(&loop);
    es__spool_reader_t *r = NULL;
    is_int(es__spool_reader_new(&loop, dir, &r), 0, "new");
    got_t g = {0};
    is_int(es__spool_reader_start(r, "out", 0, 3, on_rows, &g), 0, "a read starts");
    ok(es__spool_reader_busy(r), "busy while it runs");
    is_int(es__spool_reader_start(r, "out", 0, 3, on_rows, &g), ES_EAGAIN, "a second read waits for the first");
    uv_run(&loop, UV_RUN_DEFAULT);
    ok(g.calls == 1 && g.status == 0 && g.n == 3, "the limit: three rows");
    ok(g.first == ids[0] && g.last == ids[3] && !strcmp(g.json0, "{\"n\":0}"),
       "oldest first, the sink's rows only, the record as spooled");

    es__state_begin(st);
    es__state_spool_add(st, "out", "mention", NULL, "{}", 2);
    es__spool_reader_start(r, "out", g.last, 10, on_rows, &g);
    uv_run(&loop, UV_RUN_DEFAULT);
    ok(g.calls == 2 && g.n == 1 && g.first == ids[4], "above an id; the open transaction's row is not seen");
    es__state_commit(st);
    es__spool_reader_start(r, "out", g.last, 10, on_rows, &g);
    uv_run(&loop, UV_RUN_DEFAULT);
    ok(g.calls == 3 && g.n == 1 && g.first > ids[4], "once committed it is");

    es__spool_reader_start(r, "out", 0, 10, on_rows, &g);
    es__spool_reader_free(r);
    uv_run(&loop, UV_RUN_DEFAULT);
    is_int(g.calls, 3, "freed mid-read: nobody is called");

    char empty[] = "/tmp/earshot-spool-reader-none.XXXXXX";
    if (mkdtemp(empty)) {
        es__spool_reader_new(&loop, empty, &r);
        es__spool_reader_start(r, "out", 0, 10, on_rows, &g);
        uv_run(&loop, UV_RUN_DEFAULT);
        ok(g.calls == 4 && g.status < 0 && g.n == 0 && strstr(es__spool_reader_error(r), "state.db"),
           "no database: an error naming the file");
        es__spool_reader_free(r);
        rmdir(empty);
    }
    uv_loop_close(&loop);
    es__state_close(st);
    tap_rm_state_dir(dir);
    return done_testing();
}
