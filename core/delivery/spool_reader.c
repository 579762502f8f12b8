#include "spool_reader.h"

#include <stdio.h>
#include <stdlib.h>

#include <earshot/plugin.h>

#include "state.h"
#include "util.h"

struct es__spool_reader {
    uv_loop_t *loop;
    char *dir;
    uv_work_t work;
    int busy, freeing, in_cb;
    es_state_t *ro; /* the thread pool's during a read */
    /* The read under way. */
    char *sink;
    int64_t after;
    int limit;
    es__spool_read_cb cb;
    void *arg;
    int status;
    es__spool_row_t *rows;
    size_t n, cap;
    char err[512];
};

int es__spool_reader_new(uv_loop_t *loop, const char *state_dir, es__spool_reader_t **out)
{
    es__spool_reader_t *r = calloc(1, sizeof *r);
    if (!r || !(r->dir = es__strdup(state_dir))) {
        free(r);
        return ES_ENOMEM;
    }
    r->loop = loop;
    r->work.data = r;
    *out = r;
    return 0;
}

static void rows_clear(es__spool_reader_t *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->rows[i].kind);
        free(r->rows[i].json);
    }
    r->n = 0;
}

static int keep_row(int64_t id, const char *kind, const char *json, int attempts, void *arg)
{
    es__spool_reader_t *r = arg;
    (void)attempts;
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 256;
        es__spool_row_t *nv = realloc(r->rows, nc * sizeof *nv);
        if (!nv)
            return ES_ENOMEM;
        r->rows = nv;
        r->cap = nc;
    }
    es__spool_row_t *row = &r->rows[r->n];
    row->id = id;
    row->kind = kind ? es__strdup(kind) : NULL;
    row->json = json ? es__strdup(json) : NULL;
    if ((kind && !row->kind) || (json && !row->json)) {
        free(row->kind);
        free(row->json);
        return ES_ENOMEM;
    }
    r->n++;
    return 0;
}

/* The thread pool. The connection stays open from one read to the next:
 * a backlog's drain reads every few thousand records. */
static void on_work(uv_work_t *w)
{
    es__spool_reader_t *r = w->data;
    if (!r->ro && (r->status = es__state_open_readonly(r->dir, &r->ro, r->err, sizeof r->err)) < 0) {
        r->ro = NULL;
        return;
    }
    int rc = es__state_spool_load(r->ro, r->sink, r->after, r->limit, keep_row, r);
    if (rc >= 0 && (int)r->n < rc) {
        rc = ES_ENOMEM; /* keep_row stopped the walk */
        snprintf(r->err, sizeof r->err, "out of memory");
    } else if (rc < 0) {
        snprintf(r->err, sizeof r->err, "%s", es__state_errmsg(r->ro));
    }
    r->status = rc < 0 ? rc : 0;
    if (rc < 0)
        rows_clear(r);
}

static void really_free(es__spool_reader_t *r)
{
    rows_clear(r);
    free(r->rows);
    es__state_close(r->ro);
    free(r->sink);
    free(r->dir);
    free(r);
}

static void on_done(uv_work_t *w, int status)
{
    es__spool_reader_t *r = w->data;
    r->busy = 0;
    if (r->freeing) {
        really_free(r);
        return;
    }
    if (status < 0 && r->status == 0) {
        r->status = ES_ECANCELED;
        snprintf(r->err, sizeof r->err, "%s", uv_strerror(status));
        rows_clear(r);
    }
    /* The rows leave the reader before the call: the callback may start
     * the next read (its worker fills a new array meanwhile) or free the
     * reader (its queue goes, a --once run ending). */
    es__spool_row_t *rows = r->rows;
    size_t n = r->status < 0 ? 0 : r->n, had = r->n;
    r->rows = NULL;
    r->n = r->cap = 0;
    r->in_cb = 1;
    r->cb(r->arg, r->status, rows, n);
    r->in_cb = 0;
    for (size_t i = 0; i < had; i++) {
        free(rows[i].kind);
        free(rows[i].json);
    }
    free(rows);
    if (r->freeing && !r->busy)
        really_free(r);
}

int es__spool_reader_start(es__spool_reader_t *r, const char *sink, int64_t after, int limit,
                           es__spool_read_cb cb, void *arg)
{
    if (r->busy)
        return ES_EAGAIN;
    char *s = es__strdup(sink);
    if (!s)
        return ES_ENOMEM;
    free(r->sink);
    r->sink = s;
    r->after = after;
    r->limit = limit;
    r->cb = cb;
    r->arg = arg;
    r->status = 0;
    r->err[0] = 0;
    int rc = uv_queue_work(r->loop, &r->work, on_work, on_done);
    if (rc < 0)
        return rc;
    r->busy = 1;
    return 0;
}

int es__spool_reader_busy(const es__spool_reader_t *r) { return r && r->busy; }
const char *es__spool_reader_error(const es__spool_reader_t *r) { return r->err; }

void es__spool_reader_free(es__spool_reader_t *r)
{
    if (!r)
        return;
    if (r->busy || r->in_cb) {
        r->freeing = 1; /* the pool holds r->work, or on_done's call runs: on_done frees it */
        return;
    }
    really_free(r);
}
