#include "dbstats.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "state.h"
#include "util.h"

struct es__dbstats {
    uv_loop_t *loop;
    char *dir;
    void (*updated)(void *);
    void *arg;
    uv_work_t work;
    int busy, freeing, in_cb;
    /* The thread pool's while a read is under way, else the loop's. */
    es_state_t *ro;
    int open_failed_logged;
    es__sink_figures_t *job; /* the read under way */
    size_t job_n;
    es__sink_figures_t *cur; /* the last read: what renders show */
    size_t cur_n;
};

static void figures_free(es__sink_figures_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].sink);
    free(v);
}

int es__dbstats_new(uv_loop_t *loop, const char *state_dir, void (*updated)(void *), void *arg,
                    es__dbstats_t **out)
{
    es__dbstats_t *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = es__strdup(state_dir))) {
        free(s);
        return ES_ENOMEM;
    }
    s->loop = loop;
    s->updated = updated;
    s->arg = arg;
    s->work.data = s;
    *out = s;
    return 0;
}

/* Copies the names into a new job; 0 or ES_ENOMEM. */
static int job_prepare(es__dbstats_t *s, const char *const *sinks, size_t n)
{
    es__sink_figures_t *v = n ? calloc(n, sizeof *v) : NULL;
    if (n && !v)
        return ES_ENOMEM;
    for (size_t i = 0; i < n; i++)
        if (!(v[i].sink = es__strdup(sinks[i]))) {
            figures_free(v, i);
            return ES_ENOMEM;
        }
    s->job = v;
    s->job_n = n;
    return 0;
}

/* Any thread, one at a time: the read itself. The connection stays open
 * between reads; an agent's WAL makes them see its committed turns. */
static void job_run(es__dbstats_t *s)
{
    if (!s->ro) {
        char err[512];
        if (es__state_open_readonly(s->dir, &s->ro, err, sizeof err) < 0) {
            if (!s->open_failed_logged++)
                es__logf(ES_LOG_WARN, "metrics: cannot read the state database: %s", err);
            s->ro = NULL;
        }
    }
    for (size_t i = 0; i < s->job_n; i++) {
        es__sink_figures_t *f = &s->job[i];
        if (!s->ro || es__state_spool_stats(s->ro, f->sink, &f->spooled, &f->bytes, &f->oldest) < 0)
            f->spooled = f->bytes = f->oldest = 0;
        f->dead = s->ro ? es__state_dead_letter_count(s->ro, f->sink) : -1;
    }
}

static void job_publish(es__dbstats_t *s)
{
    figures_free(s->cur, s->cur_n);
    s->cur = s->job;
    s->cur_n = s->job_n;
    s->job = NULL;
    s->job_n = 0;
}

static void on_work(uv_work_t *w) { job_run(w->data); }

static void really_free(es__dbstats_t *s)
{
    es__state_close(s->ro);
    figures_free(s->job, s->job_n);
    figures_free(s->cur, s->cur_n);
    free(s->dir);
    free(s);
}

static void on_done(uv_work_t *w, int status)
{
    es__dbstats_t *s = w->data;
    s->busy = 0;
    if (s->freeing) {
        really_free(s);
        return;
    }
    if (status < 0) {
        figures_free(s->job, s->job_n);
        s->job = NULL;
        s->job_n = 0;
        return;
    }
    job_publish(s);
    s->in_cb = 1; /* a render may free s (another state_dir): after the call */
    if (s->updated)
        s->updated(s->arg);
    s->in_cb = 0;
    if (s->freeing)
        really_free(s);
}

void es__dbstats_refresh(es__dbstats_t *s, const char *const *sinks, size_t n)
{
    if (s->busy || job_prepare(s, sinks, n) < 0)
        return;
    if (uv_queue_work(s->loop, &s->work, on_work, on_done) < 0) {
        figures_free(s->job, s->job_n);
        s->job = NULL;
        s->job_n = 0;
        return;
    }
    s->busy = 1;
}

void es__dbstats_refresh_now(es__dbstats_t *s, const char *const *sinks, size_t n)
{
    if (s->busy || job_prepare(s, sinks, n) < 0)
        return;
    job_run(s);
    job_publish(s);
}

const es__sink_figures_t *es__dbstats_get(const es__dbstats_t *s, const char *sink)
{
    for (size_t i = 0; s && i < s->cur_n; i++)
        if (!strcmp(s->cur[i].sink, sink))
            return &s->cur[i];
    return NULL;
}

const char *es__dbstats_dir(const es__dbstats_t *s) { return s->dir; }

void es__dbstats_free(es__dbstats_t *s)
{
    if (!s)
        return;
    if (s->busy || s->in_cb) {
        s->freeing = 1; /* on_done frees it: the pool still holds s->work */
        return;
    }
    really_free(s);
}
