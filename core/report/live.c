/* GET /report on the metrics listener: see live.h. */
#include "live.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_value.h"
#include <earshot/plugin.h>
#include "report.h"
#include "util.h"

#define DEFAULT_SINCE "30d"

typedef struct job {
    es_report_live_t *live;
    struct MHD_Connection *conn;
    char *dsn, *state_dir, *brand;
    int64_t since, now;
    char *body;
    size_t len;
    unsigned code;
    int done;
} job_t;

struct es_report_live {
    pthread_mutex_t lock;
    char *dsn, *state_dir;
    char **brands;
    size_t n_brands;
    int busy;          /* a worker is rendering (or its answer not yet sent) */
    int joinable;      /* worker holds a thread to join */
    int stopping;      /* es__report_live_drain: no new page */
    int cancel;        /* the same, for the worker's queries (atomic) */
    pthread_t worker;
};

static void job_free(job_t *j)
{
    free(j->dsn);
    free(j->state_dir);
    free(j->brand);
    free(j->body);
    free(j);
}

es_report_live_t *es__report_live_new(void)
{
    es_report_live_t *l = calloc(1, sizeof *l);
    if (l)
        pthread_mutex_init(&l->lock, NULL);
    return l;
}

static void free_conf(es_report_live_t *l)
{
    free(l->dsn);
    free(l->state_dir);
    for (size_t i = 0; i < l->n_brands; i++)
        free(l->brands[i]);
    free(l->brands);
    l->dsn = l->state_dir = NULL;
    l->brands = NULL;
    l->n_brands = 0;
}

void es__report_live_drain(es_report_live_t *l)
{
    if (!l)
        return;
    pthread_mutex_lock(&l->lock);
    l->stopping = 1;
    /* A page of a million mentions takes half a minute: stop its queries
     * rather than hold the daemon's exit. */
    __atomic_store_n(&l->cancel, 1, __ATOMIC_RELAXED);
    int joinable = l->joinable;
    l->joinable = 0;
    pthread_mutex_unlock(&l->lock);
    if (joinable)
        pthread_join(l->worker, NULL);
}

void es__report_live_completed(es_report_live_t *l, void **con_cls)
{
    (void)l;
    job_t *j = con_cls ? *con_cls : NULL;
    /* Only after es__report_live_drain (the daemon stopping): the worker
     * is done with the job. */
    if (j && j->done) {
        job_free(j);
        *con_cls = NULL;
    }
}

void es__report_live_free(es_report_live_t *l)
{
    if (!l)
        return;
    es__report_live_drain(l);
    free_conf(l);
    pthread_mutex_destroy(&l->lock);
    free(l);
}

int es__report_live_configure(es_report_live_t *l, const char *dsn, const char *state_dir,
                             const char *const *brands, size_t n)
{
    char **b = calloc(n ? n : 1, sizeof *b);
    char *d = es__strdup(dsn ? dsn : ""), *s = es__strdup(state_dir ? state_dir : ".");
    int oom = !b || !d || !s;
    for (size_t i = 0; !oom && i < n; i++)
        oom = !(b[i] = es__strdup(brands[i]));
    if (oom) {
        for (size_t i = 0; b && i < n; i++)
            free(b[i]);
        free(b);
        free(d);
        free(s);
        return ES_ENOMEM;
    }
    pthread_mutex_lock(&l->lock);
    free_conf(l);
    l->dsn = d, l->state_dir = s, l->brands = b, l->n_brands = n;
    pthread_mutex_unlock(&l->lock);
    return 0;
}

static enum MHD_Result answer(struct MHD_Connection *conn, unsigned code, const char *type, char *body, size_t len)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (code == MHD_HTTP_OK) {
        char csp[ES_REPORT_CSP_LEN];
        es__report_csp(csp, sizeof csp);
        MHD_add_response_header(r, "Content-Security-Policy", csp);
    }
    if (code == MHD_HTTP_SERVICE_UNAVAILABLE)
        MHD_add_response_header(r, "Retry-After", "2");
    enum MHD_Result ret = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result text(struct MHD_Connection *conn, unsigned code, const char *fmt, const char *arg)
{
    char *s = es__asprintf(fmt, arg ? arg : "");
    if (!s)
        return MHD_NO;
    return answer(conn, code, "text/plain; charset=utf-8", s, strlen(s));
}

static void *work(void *arg)
{
    job_t *j = arg;
    char *buf = NULL, err[512] = "";
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    es_report_source_t src = {.dsn = j->dsn, .state_dir = j->state_dir, .cancel = &j->live->cancel};
    es_report_opts_t o = {.since = j->since, .now = j->now, .brand = j->brand};
    int rc = f ? es__report_page_write(f, &src, &o, err, sizeof err) : ES_ENOMEM;
    if (f && fclose(f) != 0 && rc == 0)
        rc = ES_EIO;
    int stopping = __atomic_load_n(&j->live->cancel, __ATOMIC_RELAXED);
    if (rc < 0) {
        free(buf);
        buf = stopping ? es__strdup("report: the daemon is stopping\n")
                       : es__asprintf("report: %s\n", *err ? err : "cannot render the page");
        len = buf ? strlen(buf) : 0;
        j->code = stopping ? MHD_HTTP_SERVICE_UNAVAILABLE : MHD_HTTP_INTERNAL_SERVER_ERROR;
    } else {
        j->code = MHD_HTTP_OK;
    }
    es_report_live_t *l = j->live;
    pthread_mutex_lock(&l->lock);
    j->body = buf;
    j->len = len;
    j->done = 1;
    pthread_mutex_unlock(&l->lock);
    MHD_resume_connection(j->conn); /* the listener calls the handler again */
    return NULL;
}

enum MHD_Result es__report_live_request(es_report_live_t *l, struct MHD_Connection *conn, const char *method,
                                       void **con_cls)
{
    job_t *j = *con_cls;
    (void)method; /* GET or HEAD: libmicrohttpd leaves the body out of a HEAD answer */
    if (j) { /* resumed: the page is ready */
        pthread_mutex_lock(&l->lock);
        int done = j->done;
        pthread_mutex_unlock(&l->lock);
        if (!done)
            return MHD_YES;
        *con_cls = NULL;
        char *body = j->body;
        size_t len = j->len;
        unsigned code = j->code;
        j->body = NULL;
        job_free(j);
        pthread_mutex_lock(&l->lock);
        l->busy = 0;
        pthread_mutex_unlock(&l->lock);
        if (!body)
            return MHD_NO;
        return answer(conn, code, code == MHD_HTTP_OK ? "text/html; charset=utf-8" : "text/plain; charset=utf-8",
                      body, len);
    }
    const char *since_s = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "since");
    const char *brand = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "brand");
    es_value_t since;
    char err[256];
    if (!since_s || !*since_s)
        since_s = DEFAULT_SINCE;
    if (es__value_parse(ES_KEY_DURATION, since_s, &since, err, sizeof err) < 0 || since.ms < 1000 ||
        since.ms > 3660ull * 86400 * 1000)
        return text(conn, MHD_HTTP_BAD_REQUEST, "since=%s: expected a duration between 1s and 3660d (36h, 7d)\n",
                    since_s);
    if (brand && !*brand)
        brand = NULL;
    pthread_mutex_lock(&l->lock);
    int known = !brand;
    for (size_t i = 0; !known && i < l->n_brands; i++)
        known = !strcmp(l->brands[i], brand);
    if (!known) {
        pthread_mutex_unlock(&l->lock);
        /* A misspelt brand would give an empty page that looks like calm. */
        return text(conn, MHD_HTTP_NOT_FOUND, "brand=%s: no such brand in the configuration\n", brand);
    }
    if (l->busy || l->stopping || !l->state_dir) {
        pthread_mutex_unlock(&l->lock);
        return text(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "a report is being rendered; try again in a moment%s\n", "");
    }
    j = calloc(1, sizeof *j);
    if (j) {
        j->live = l;
        j->conn = conn;
        j->now = es__now_s();
        j->since = j->now - (int64_t)(since.ms / 1000);
        j->dsn = es__strdup(l->dsn);
        j->state_dir = es__strdup(l->state_dir);
        j->brand = brand ? es__strdup(brand) : NULL;
    }
    if (!j || !j->dsn || !j->state_dir || (brand && !j->brand)) {
        pthread_mutex_unlock(&l->lock);
        if (j)
            job_free(j);
        return MHD_NO;
    }
    /* The previous worker has finished (busy is 0): reap its thread. */
    if (l->joinable) {
        pthread_join(l->worker, NULL);
        l->joinable = 0;
    }
    l->busy = 1;
    *con_cls = j;
    MHD_suspend_connection(conn);
    if (pthread_create(&l->worker, NULL, work, j) != 0) {
        /* Answered when the listener calls again, like a rendered page. */
        j->body = es__strdup("report: cannot start a worker thread\n");
        j->len = j->body ? strlen(j->body) : 0;
        j->code = MHD_HTTP_SERVICE_UNAVAILABLE;
        j->done = 1;
        pthread_mutex_unlock(&l->lock);
        MHD_resume_connection(conn);
        return MHD_YES;
    }
    l->joinable = 1;
    pthread_mutex_unlock(&l->lock);
    return MHD_YES;
}
