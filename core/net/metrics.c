#include "metrics.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "dbstats.h"
#include "listen_addr.h"
#include "health.h"
#include "log.h"
#include "log_limit.h"
#include "pipeline.h"
#include "report/live.h"
#include "report/report.h"
#include "sink_queue.h"
#include "spike/spike.h"
#include "stats.h"
#include <earshot/strbuf.h>
#include "util.h"

struct es_metrics {
    void *host; /* es__stats_host_get's */
    uv_loop_t *loop;
    es__dbstats_t *db; /* NULL: no state DB (yet) */
    struct MHD_Daemon *mhd;
    uv_timer_t timer;
    pthread_mutex_t lock;
    char *text, *health; /* rendered documents, under lock */
    int healthy;
    es_report_live_t *report; /* GET /report (core/report/live.h) */
};

/* On ENOMEM the render is skipped and the previous one kept. */
typedef es_strbuf_t buf_t;
#define bprintf es_strbuf_printf

/* Label values: backslash, double quote and newline escaped (exposition
 * format); instance and brand names come from the config, but a brand
 * may hold anything. */
static const char *esc(const char *v, char *out, size_t cap)
{
    size_t o = 0;
    for (; v && *v && o + 3 < cap; v++) {
        if (*v == '\\' || *v == '"') {
            out[o++] = '\\';
            out[o++] = *v;
        } else if (*v == '\n') {
            out[o++] = '\\';
            out[o++] = 'n';
        } else {
            out[o++] = *v;
        }
    }
    out[o] = '\0';
    return out;
}

static long rss_bytes(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb < 0 ? 0 : kb * 1024;
}

#define HELP(b, name, type, help) bprintf(b, "# HELP " name " " help "\n# TYPE " name " " type "\n")

/* A counter family with one sample per sink: the uint64_t at offset off
 * of each sink's context. */
static void sink_counter(buf_t *b, const es__stats_t *st, const char *name, const char *help, size_t off)
{
    char e[256];
    bprintf(b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name);
    for (es_ctx_t *c = st->instances; c; c = c->next)
        if (c->icfg->kind == ES_KIND_SINK)
            bprintf(b, "%s{instance=\"%s\"} %" PRIu64 "\n", name, esc(c->icfg->name, e, sizeof e),
                    *(const uint64_t *)(const void *)((const char *)c + off));
}

typedef struct warn_arg {
    buf_t *b;
    const char *instance; /* escaped */
} warn_arg_t;

static void warn_sample(const char *kind, uint64_t n, void *arg)
{
    warn_arg_t *w = arg;
    char e[256];
    bprintf(w->b, "earshot_input_warnings_total{instance=\"%s\",kind=\"%s\"} %" PRIu64 "\n", w->instance,
            esc(kind, e, sizeof e), n);
}

static void render_metrics(const es__stats_t *st, buf_t *b)
{
    const es_pipeline_t *p = st->pipeline;
    char e1[256], e2[256];
    int64_t now = es__now_s();
    HELP(b, "earshot_uptime_seconds", "gauge", "Seconds since the agent started.");
    bprintf(b, "earshot_uptime_seconds %" PRId64 "\n", now - st->started_s);
    HELP(b, "earshot_process_resident_memory_bytes", "gauge", "Resident set size of the agent.");
    bprintf(b, "earshot_process_resident_memory_bytes %ld\n", rss_bytes());
    HELP(b, "earshot_state_writable", "gauge", "1 while the state database takes writes.");
    bprintf(b, "earshot_state_writable %d\n", st->state_writable);
    HELP(b, "earshot_state_commits_total", "counter",
         "State database commits (one per loop turn that wrote), each waited for by the loop thread.");
    bprintf(b, "earshot_state_commits_total %" PRIu64 "\n", st->n_commits);
    HELP(b, "earshot_state_commit_seconds_total", "counter", "Time the loop thread spent in those commits.");
    bprintf(b, "earshot_state_commit_seconds_total %.6f\n", (double)st->commit_ns / 1e9);
    HELP(b, "earshot_state_commit_max_seconds", "gauge", "The longest of those commits since the start.");
    bprintf(b, "earshot_state_commit_max_seconds %.6f\n", (double)st->commit_max_ns / 1e9);
    HELP(b, "earshot_records_in_memory", "gauge", "Records held in memory by the pipeline and sink queues.");
    bprintf(b, "earshot_records_in_memory %" PRIu64 "\n", st->in_memory);
    HELP(b, "earshot_records_spool_skipped_total", "counter",
         "Source records every sink took within spool.delay: never written to the spool.");
    bprintf(b, "earshot_records_spool_skipped_total %" PRIu64 "\n", st->spool_skipped);
    HELP(b, "earshot_records_spooled_late_total", "counter",
         "Source records a sink still held after spool.delay (or when a sink stopped taking records): spooled then.");
    bprintf(b, "earshot_records_spooled_late_total %" PRIu64 "\n", st->spooled_late);

    HELP(b, "earshot_source_mentions_total", "counter", "Mentions a source emitted.");
    for (es_ctx_t *c = st->instances; c; c = c->next)
        if (c->icfg->kind == ES_KIND_SOURCE)
            bprintf(b, "earshot_source_mentions_total{instance=\"%s\",plugin=\"%s\"} %" PRIu64 "\n",
                    esc(c->icfg->name, e1, sizeof e1), esc(c->icfg->plugin, e2, sizeof e2), c->n_emitted);
    HELP(b, "earshot_input_warnings_total", "counter",
         "Warnings about bad input (es_log_limited), logged in full or only counted, by kind.");
    for (es_ctx_t *c = st->instances; c; c = c->next) {
        warn_arg_t w = {b, esc(c->icfg->name, e1, sizeof e1)};
        es__log_limit_totals(c, warn_sample, &w);
    }
    HELP(b, "earshot_fetches_total", "counter", "HTTP requests an instance made, by result.");
    for (es_ctx_t *c = st->instances; c; c = c->next)
        if (c->n_http_ok || c->n_http_fail) {
            bprintf(b, "earshot_fetches_total{instance=\"%s\",result=\"success\"} %" PRIu64 "\n",
                    esc(c->icfg->name, e1, sizeof e1), c->n_http_ok);
            bprintf(b, "earshot_fetches_total{instance=\"%s\",result=\"failure\"} %" PRIu64 "\n", e1,
                    c->n_http_fail);
        }
    HELP(b, "earshot_fetch_last_success_timestamp_seconds", "gauge", "Unix time of the last successful HTTP request.");
    for (es_ctx_t *c = st->instances; c; c = c->next)
        if (c->last_http_ok_s)
            bprintf(b, "earshot_fetch_last_success_timestamp_seconds{instance=\"%s\"} %" PRId64 "\n",
                    esc(c->icfg->name, e1, sizeof e1), c->last_http_ok_s);
    HELP(b, "earshot_http_responses_total", "counter", "HTTP responses by status class (none: no response).");
    static const char *const cls[6] = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (es_ctx_t *c = st->instances; c; c = c->next)
        for (int k = 0; k < 6; k++)
            if (c->n_http_class[k])
                bprintf(b, "earshot_http_responses_total{instance=\"%s\",class=\"%s\"} %" PRIu64 "\n",
                        esc(c->icfg->name, e1, sizeof e1), cls[k], c->n_http_class[k]);

    HELP(b, "earshot_sink_records_delivered_total", "counter", "Records a sink answered OK for.");
    for (es_ctx_t *c = st->instances; c; c = c->next)
        if (c->icfg->kind == ES_KIND_SINK)
            bprintf(b, "earshot_sink_records_delivered_total{instance=\"%s\",plugin=\"%s\"} %" PRIu64 "\n",
                    esc(c->icfg->name, e1, sizeof e1), esc(c->icfg->plugin, e2, sizeof e2), c->n_delivered);
    sink_counter(b, st, "earshot_sink_records_retried_total", "Records whose batch a sink answered RETRY.",
                 offsetof(es_ctx_t, n_retried));
    sink_counter(b, st, "earshot_sink_records_spilled_total",
                 "Records that did not fit a sink's memory window and are read back from its spool.",
                 offsetof(es_ctx_t, n_spilled));
    sink_counter(b, st, "earshot_sink_records_dead_lettered_total", "Records dead-lettered by this run.",
                 offsetof(es_ctx_t, n_dead));
    /* Samples of one family must be contiguous: gather the spool figures
     * first, then print family by family. */
    static const struct {
        const char *name, *help;
    } fam[4] = {
        {"earshot_sink_spool_records", "Records waiting in a sink's spool."},
        {"earshot_sink_spool_bytes", "Bytes waiting in a sink's spool."},
        {"earshot_sink_spool_oldest_age_seconds", "Age of the oldest record in a sink's spool."},
        {"earshot_sink_dead_letters", "Rows in the dead-letter table for a sink."},
    };
    size_t n_sinks = 0;
    for (es_ctx_t *c = st->instances; c; c = c->next)
        n_sinks += c->icfg->kind == ES_KIND_SINK;
    int64_t(*v)[4] = n_sinks && st->db ? calloc(n_sinks, sizeof *v) : NULL;
    if (v) {
        size_t i = 0;
        for (es_ctx_t *c = st->instances; c; c = c->next) {
            if (c->icfg->kind != ES_KIND_SINK)
                continue;
            const es__sink_figures_t *f = es__dbstats_get(st->db, c->icfg->name);
            if (f) {
                v[i][0] = f->spooled;
                v[i][1] = f->bytes;
                v[i][2] = f->spooled ? now - f->oldest : 0;
                v[i][3] = f->dead;
            }
            i++;
        }
        for (int f = 0; f < 4; f++) {
            bprintf(b, "# HELP %s %s\n# TYPE %s gauge\n", fam[f].name, fam[f].help, fam[f].name);
            i = 0;
            for (es_ctx_t *c = st->instances; c; c = c->next)
                if (c->icfg->kind == ES_KIND_SINK)
                    bprintf(b, "%s{instance=\"%s\"} %" PRId64 "\n", fam[f].name, esc(c->icfg->name, e1, sizeof e1),
                            v[i++][f]);
        }
        free(v);
    }
    /* Health figures (core/net/health.c says when they degrade /health). */
    HELP(b, "earshot_reloads_total", "counter", "SIGHUP reloads, by result (refused: the previous configuration kept).");
    bprintf(b, "earshot_reloads_total{result=\"ok\"} %" PRIu64 "\n", st->n_reload_ok);
    bprintf(b, "earshot_reloads_total{result=\"refused\"} %" PRIu64 "\n", st->n_reload_refused);
    HELP(b, "earshot_last_reload_success", "gauge", "1 unless the last reload was refused.");
    bprintf(b, "earshot_last_reload_success %d\n", !st->last_reload_s || st->last_reload_ok);
    HELP(b, "earshot_instance_failing_since_timestamp_seconds", "gauge",
         "Unix time a failing source (HTTP) or sink began failing; absent while it works.");
    for (es_ctx_t *c = st->instances; c; c = c->next) {
        es_sink_health_t h = {0};
        if (c->queue)
            es__sink_queue_health(c->queue, &h);
        else
            h.failing_since_s = c->http_failing_since_s;
        if (h.failing_since_s)
            bprintf(b, "earshot_instance_failing_since_timestamp_seconds{instance=\"%s\",kind=\"%s\"} %" PRId64 "\n",
                    esc(c->icfg->name, e1, sizeof e1), c->icfg->kind == ES_KIND_SOURCE ? "source" : "sink",
                    h.failing_since_s);
    }
    HELP(b, "earshot_sink_spool_fill_ratio", "gauge", "A sink's spool over its limits (sources pause at 1).");
    for (es_ctx_t *c = st->instances; c; c = c->next)
        if (c->queue)
            bprintf(b, "earshot_sink_spool_fill_ratio{instance=\"%s\"} %.6f\n", esc(c->icfg->name, e1, sizeof e1),
                    es__sink_queue_spool_fill(c->queue));
    if (!p)
        return;
    HELP(b, "earshot_pipeline_records_total", "counter", "Records entering the pipeline, by outcome.");
    bprintf(b, "earshot_pipeline_records_total{outcome=\"in\"} %" PRIu64 "\n", p->n_in);
    bprintf(b, "earshot_pipeline_records_total{outcome=\"duplicate\"} %" PRIu64 "\n", p->n_dup);
    bprintf(b, "earshot_pipeline_records_total{outcome=\"invalid\"} %" PRIu64 "\n", p->n_invalid);
    bprintf(b, "earshot_pipeline_records_total{outcome=\"unrouted\"} %" PRIu64 "\n", p->n_unrouted);
    HELP(b, "earshot_mentions_sentiment_total", "counter", "Scored mentions per brand and sentiment label.");
    static const char *const labels[3] = {"positive", "neutral", "negative"};
    for (size_t i = 0; i < p->n_labels; i++)
        for (int k = 0; k < 3; k++)
            bprintf(b, "earshot_mentions_sentiment_total{brand=\"%s\",label=\"%s\"} %llu\n",
                    esc(p->labels[i].brand, e1, sizeof e1), labels[k], p->labels[i].n[k]);
    HELP(b, "earshot_lookalikes_seen_total", "counter", "Lookalike accounts seen for the first time.");
    bprintf(b, "earshot_lookalikes_seen_total %" PRIu64 "\n", p->n_lookalikes);
    es_spike_stats_t ss = {0};
    if (p->spike)
        es__spike_get_stats(p->spike, &ss);
    HELP(b, "earshot_alerts_total", "counter", "Negative-spike alert records raised, by event.");
    bprintf(b, "earshot_alerts_total{event=\"began\"} %" PRIu64 "\n", ss.began);
    bprintf(b, "earshot_alerts_total{event=\"ended\"} %" PRIu64 "\n", ss.ended);
    HELP(b, "earshot_spike_late_mentions_total", "counter",
         "Mentions the spike detector got after their bucket had closed (spike.grace): not counted in a bucket.");
    bprintf(b, "earshot_spike_late_mentions_total %" PRIu64 "\n", ss.late);
}

static void on_db_updated(void *arg);

/* The sinks' names and the state DB's reader for st, made (or remade
 * for another state_dir) on first need. *n = 0 without a state DB. */
static es__dbstats_t *db_for(es_metrics_t *m, const es__stats_t *st, const char **names, size_t cap, size_t *n)
{
    *n = 0;
    if (!st->state || !st->cfg || !st->cfg->state_dir)
        return NULL;
    if (m->db && strcmp(es__dbstats_dir(m->db), st->cfg->state_dir)) {
        es__dbstats_free(m->db);
        m->db = NULL;
    }
    if (!m->db && es__dbstats_new(m->loop, st->cfg->state_dir, on_db_updated, m, &m->db) < 0)
        return NULL;
    for (es_ctx_t *c = st->instances; c && *n < cap; c = c->next)
        if (c->icfg->kind == ES_KIND_SINK)
            names[(*n)++] = c->icfg->name;
    return m->db;
}

enum { READ_NONE, READ_ASYNC, READ_NOW };

/* Renders both documents from the agent's snapshot and the state DB's
 * last figures; `read` asks for new figures (READ_ASYNC: they come in
 * later and trigger a render of their own). */
static void render(es_metrics_t *m, int read)
{
    es__stats_t st;
    es__stats_host_get(m->host, &st);
    const char *names[256];
    size_t nn;
    es__dbstats_t *db = db_for(m, &st, names, 256, &nn);
    if (db && read == READ_NOW)
        es__dbstats_refresh_now(db, names, nn);
    st.db = db;
    buf_t b = {0};
    render_metrics(&st, &b);
    int healthy = 1;
    char *health = es__health_render(&st, rss_bytes(), &healthy);
    if (db && read == READ_ASYNC)
        es__dbstats_refresh(db, names, nn);
    if (b.oom || !health) {
        free(b.s);
        free(health);
        return; /* keep serving the previous render */
    }
    /* What /report reads, from the running configuration (a reload may
     * change the sink or the brands). */
    const es_config_t *cfg = st.cfg;
    if (m->report && cfg) {
        const char *bn[256];
        size_t nb = cfg->n_brands < 256 ? cfg->n_brands : 256;
        for (size_t i = 0; i < nb; i++)
            bn[i] = cfg->brands[i].name;
        es__report_live_configure(m->report, es__report_default_dsn(cfg), cfg->state_dir, bn, nb);
    }
    pthread_mutex_lock(&m->lock);
    free(m->text);
    free(m->health);
    m->text = b.s;
    m->health = health;
    m->healthy = healthy;
    pthread_mutex_unlock(&m->lock);
}

static void on_db_updated(void *arg) { render(arg, READ_NONE); }

void es__metrics_refresh(es_metrics_t *m) { render(m, READ_ASYNC); }

static void on_timer(uv_timer_t *t) { es__metrics_refresh(t->data); }

/* libmicrohttpd's thread: copies the last render, never touches the agent. */
static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_len, void **con_cls)
{
    es_metrics_t *m = cls;
    (void)version, (void)upload, (void)upload_len;
    int is_metrics = !strcmp(url, "/metrics"), is_health = !strcmp(url, "/health");
    if (m->report && !strcmp(url, "/report") && (!strcmp(method, "GET") || !strcmp(method, "HEAD")))
        return es__report_live_request(m->report, conn, method, con_cls);
    unsigned code = MHD_HTTP_OK;
    const char *type = "text/plain; charset=utf-8";
    char *body = NULL;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        code = MHD_HTTP_METHOD_NOT_ALLOWED;
        body = es__strdup("method not allowed\n");
    } else if (is_metrics || is_health) {
        pthread_mutex_lock(&m->lock);
        body = es__strdup(is_metrics ? m->text : m->health);
        if (is_health && !m->healthy)
            code = MHD_HTTP_SERVICE_UNAVAILABLE;
        pthread_mutex_unlock(&m->lock);
        type = is_metrics ? "text/plain; version=0.0.4; charset=utf-8" : "application/json";
    } else {
        code = MHD_HTTP_NOT_FOUND;
        body = es__strdup("not found: try /metrics, /health or /report\n");
    }
    if (!body)
        return MHD_NO;
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    enum MHD_Result ret = MHD_queue_response(conn, code, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode why)
{
    es_metrics_t *m = cls;
    (void)conn, (void)why;
    es__report_live_completed(m->report, con_cls);
}

int es__metrics_start(void *host, uv_loop_t *loop, const char *listen, es_metrics_t **out, char *err,
                      size_t errlen)
{
    struct sockaddr_storage ss;
    int rc = es__listen_addr_parse(listen, &ss, err, errlen);
    if (rc < 0)
        return rc;
    es_metrics_t *m = calloc(1, sizeof *m);
    if (!m)
        return ES_ENOMEM;
    m->host = host;
    m->healthy = 1;
    pthread_mutex_init(&m->lock, NULL);
    m->loop = loop;
    m->report = es__report_live_new();
    render(m, READ_NOW); /* before the loop runs: the first documents have the figures */
    /* Suspend/resume: /report answers from its own worker thread. */
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    uint16_t port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                             : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    m->mhd = MHD_start_daemon(flags, port, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                              MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, m, MHD_OPTION_END);
    if (!m->mhd) {
        snprintf(err, errlen, "metrics_listen %s: cannot listen (address in use or not local?)", listen);
        pthread_mutex_destroy(&m->lock);
        es__report_live_free(m->report);
        es__dbstats_free(m->db);
        free(m->text);
        free(m->health);
        free(m);
        return ES_EIO;
    }
    uv_timer_init(loop, &m->timer);
    m->timer.data = m;
    uv_timer_start(&m->timer, on_timer, 1000, 1000);
    uv_unref((uv_handle_t *)&m->timer);
    *out = m;
    return 0;
}

static void on_closed(uv_handle_t *h)
{
    es_metrics_t *m = h->data;
    es__report_live_free(m->report);
    es__dbstats_free(m->db); /* a read under way frees it when it ends */
    pthread_mutex_destroy(&m->lock);
    free(m->text);
    free(m->health);
    free(m);
}

void es__metrics_stop(es_metrics_t *m)
{
    if (!m)
        return;
    es__report_live_drain(m->report); /* its connection resumed before the listener stops */
    MHD_stop_daemon(m->mhd);         /* joins its thread: no request runs after */
    uv_timer_stop(&m->timer);
    uv_close((uv_handle_t *)&m->timer, on_closed);
}
