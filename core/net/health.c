#include "health.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dbstats.h"
#include "sink_queue.h"
#include "util.h"

static const char *phase_name(es_phase_t ph)
{
    switch (ph) {
    case ES_PHASE_CREATED: return "created";
    case ES_PHASE_RUNNING: return "running";
    case ES_PHASE_STOPPING: return "stopping";
    default: return "stopped";
    }
}

static void reason(json_t *reasons, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void reason(json_t *reasons, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_array_append_new(reasons, json_string(msg));
}

/* An instance failing for at least health.failing_for degrades the agent. */
static void failing(const es_config_t *cfg, json_t *reasons, const es_ctx_t *c, int64_t since, int64_t now)
{
    if (!since || !cfg->health_failing_for_ms)
        return;
    if ((uint64_t)(now - since) * 1000 >= cfg->health_failing_for_ms)
        reason(reasons, "%s %s: failing for %" PRId64 " s (health.failing_for)",
               c->icfg->kind == ES_KIND_SOURCE ? "source" : "sink", c->icfg->name, now - since);
}

static json_t *sink_health(const es__stats_t *st, es_ctx_t *c, json_t *o, json_t *reasons, int64_t now)
{
    const es_config_t *cfg = st->cfg;
    es_sink_health_t h;
    es__sink_queue_health(c->queue, &h);
    const char *status = !h.failing_since_s ? "ok" : h.backing_off ? "backing_off" : "failing";
    json_object_set_new(o, "status", json_string(status));
    if (h.failing_since_s) {
        json_object_set_new(o, "failing_since", json_integer(h.failing_since_s));
        json_object_set_new(o, "failed_attempts", json_integer(h.failed_attempts));
        if (h.last_error)
            json_object_set_new(o, "last_error", json_string(h.last_error));
        if (h.backing_off)
            json_object_set_new(o, "retry_in_ms", json_integer((json_int_t)h.retry_in_ms));
    }
    failing(cfg, reasons, c, h.failing_since_s, now);
    double fill = es__sink_queue_spool_fill(c->queue);
    json_object_set_new(o, "spooled", json_integer(es__sink_queue_spooled(c->queue)));
    json_object_set_new(o, "spool_fill", json_real(fill));
    json_object_set_new(o, "in_memory", json_integer((json_int_t)es__sink_queue_depth(c->queue)));
    json_object_set_new(o, "delivered", json_integer((json_int_t)c->n_delivered));
    json_object_set_new(o, "dead_lettered", json_integer((json_int_t)c->n_dead));
    if (cfg->health_spool_fill > 0 && fill >= cfg->health_spool_fill)
        reason(reasons, "sink %s: spool %.0f%% full (health.spool_fill)", c->icfg->name, fill * 100);
    const es__sink_figures_t *f = es__dbstats_get(st->db, c->icfg->name);
    int64_t dl = f ? f->dead : 0;
    if (dl >= 0) {
        json_object_set_new(o, "dead_letters", json_integer(dl));
        if (cfg->health_dead_letters > 0 && dl >= cfg->health_dead_letters)
            reason(reasons, "sink %s: %" PRId64 " dead letter(s) (health.dead_letters; earshot spool retry %s)",
                   c->icfg->name, dl, c->icfg->name);
    }
    return o;
}

static void source_health(const es__stats_t *st, es_ctx_t *c, json_t *o, json_t *reasons, int64_t now)
{
    int64_t since = c->http_failing_since_s;
    json_object_set_new(o, "status", json_string(since ? "failing" : "ok"));
    if (since)
        json_object_set_new(o, "failing_since", json_integer(since));
    json_object_set_new(o, "emitted", json_integer((json_int_t)c->n_emitted));
    json_object_set_new(o, "paused", json_boolean(c->paused));
    failing(st->cfg, reasons, c, since, now);
}

char *es__health_render(const es__stats_t *st, long rss_bytes, int *healthy)
{
    int64_t now = es__now_s();
    json_t *inst = json_array(), *reasons = json_array();
    if (!inst || !reasons) {
        json_decref(inst);
        json_decref(reasons);
        return NULL;
    }
    if (!st->state_writable)
        reason(reasons, "the state database refuses writes (sources are paused)");
    for (es_ctx_t *c = st->instances; c; c = c->next) {
        json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", c->icfg->name, "plugin", c->icfg->plugin,
                              "kind", c->icfg->kind == ES_KIND_SOURCE ? "source" : "sink", "phase",
                              phase_name(c->phase));
        if (!o)
            continue;
        if (c->queue)
            sink_health(st, c, o, reasons, now);
        else
            source_health(st, c, o, reasons, now);
        if (c->last_http_ok_s)
            json_object_set_new(o, "last_fetch_ok", json_integer(c->last_http_ok_s));
        json_array_append_new(inst, o);
    }
    json_t *reload = json_null();
    if (st->last_reload_s) {
        reload = json_pack("{s:I, s:s, s:I}", "at", (json_int_t)st->last_reload_s, "result",
                           st->last_reload_ok ? "ok" : "refused", "errors", (json_int_t)st->last_reload_errors);
        if (!st->last_reload_ok && st->cfg->health_reload)
            reason(reasons, "the last reload was refused with %zu error(s): still running the previous "
                   "configuration (health.reload)", st->last_reload_errors);
    }
    int degraded = json_array_size(reasons) > 0;
    *healthy = !degraded;
    json_t *doc = json_pack("{s:s, s:o, s:s, s:I, s:b, s:I, s:o, s:o}", "status", degraded ? "degraded" : "ok",
                            "reasons", reasons, "version", PACKAGE_VERSION, "uptime_s",
                            (json_int_t)(now - st->started_s), "state_writable", st->state_writable, "rss_bytes",
                            (json_int_t)rss_bytes, "last_reload", reload ? reload : json_null(),
                            "instances", inst);
    char *s = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    return s;
}
