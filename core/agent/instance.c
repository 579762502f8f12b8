#include "instance.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "config_value.h"
#include "dry_run.h"
#include "http.h"
#include "log.h"
#include "log_limit.h"
#include "pipeline.h"
#include "sink_queue.h"
#include <earshot/text.h>
#include "util.h"

/* ---- lifecycle --------------------------------------------------------- */

int es__instance_new(es_agent_t *agent, es_config_t *cfg, const es_instance_cfg_t *icfg,
                    es_ctx_t **out)
{
    *out = NULL;
    es_ctx_t *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return ES_ENOMEM;
    ctx->agent = agent;
    ctx->cfg = es__config_ref(cfg);
    ctx->icfg = icfg;
    if (es__log_limit_init(ctx) < 0) {
        es__instance_free(ctx);
        return ES_ENOMEM;
    }
    char err[1024] = "out of memory";
    int rc;
    if (icfg->kind == ES_KIND_SINK && agent->opts && agent->opts->dry_run) {
        rc = (ctx->plugin = es__dry_run_sink()) ? 0 : ES_ENOMEM;
    } else {
        char *search = es__loader_search_path(cfg->plugin_dir);
        rc = search ? es__loader_open(search, icfg->plugin, icfg->kind, &ctx->plugin, err, sizeof err)
                    : ES_ENOMEM;
        free(search);
    }
    if (rc < 0) {
        es__logf(ES_LOG_ERROR, "%s %s: %s", icfg->kind == ES_KIND_SOURCE ? "source" : "sink",
                icfg->name, rc == ES_ENOMEM ? "out of memory" : err);
        es__instance_free(ctx);
        return rc;
    }
    if (icfg->kind == ES_KIND_SOURCE) {
        ctx->track = calloc(1, sizeof *ctx->track);
        if (!ctx->track || !(ctx->track->name = es__strdup(icfg->name))) {
            es__instance_free(ctx);
            return ES_ENOMEM;
        }
        ctx->track->refs = 1;
        ctx->track->agent = agent;
        ctx->track->ctx = ctx;
    } else if ((rc = es__sink_queue_new(&agent->delivery, ctx, &ctx->queue)) < 0) {
        es__instance_free(ctx);
        return rc;
    }
    *out = ctx;
    return 0;
}

int es__instance_start(es_ctx_t *ctx)
{
    const es_plugin_t *p = ctx->plugin->desc;
    if (!ctx->icfg->tls_verify)
        es_log(ctx, ES_LOG_WARN, "tls_verify = false: TLS certificates are NOT verified");
    int rc = p->init(ctx, &ctx->state);
    if (rc < 0) {
        es_log(ctx, ES_LOG_ERROR, "init failed: %s", es_strerror(rc));
        return rc;
    }
    ctx->phase = ES_PHASE_RUNNING;
    rc = p->start(ctx->state);
    if (rc < 0) {
        es_log(ctx, ES_LOG_ERROR, "start failed: %s", es_strerror(rc));
        ctx->phase = ES_PHASE_CREATED;
        p->destroy(ctx->state);
        ctx->state = NULL;
        return rc;
    }
    es_log(ctx, ES_LOG_INFO, "started (plugin %s)", p->name);
    return 0;
}

void es__instance_stop(es_ctx_t *ctx)
{
    if (ctx->phase != ES_PHASE_RUNNING)
        return;
    ctx->phase = ES_PHASE_STOPPING;
    /* Requests still pending belong to the old life of this instance. */
    if (ctx->agent->http)
        es__http_cancel_ctx(ctx->agent->http, ctx);
    ctx->plugin->desc->stop(ctx->state);
}

void es_stopped(es_ctx_t *ctx)
{
    if (ctx->phase != ES_PHASE_STOPPING)
        return;
    ctx->phase = ES_PHASE_STOPPED;
    es__agent_instance_stopped(ctx->agent, ctx);
}

void es__instance_free(es_ctx_t *ctx)
{
    if (!ctx)
        return;
    if (ctx->state && ctx->plugin)
        ctx->plugin->desc->destroy(ctx->state);
    es__log_limit_free(ctx); /* the floods' summaries, while icfg names us */
    if (ctx->queue)
        es__sink_queue_free(ctx->queue);
    if (ctx->track) {
        ctx->track->ctx = NULL; /* records in flight must not call back */
        es__track_release(ctx->track);
    }
    for (size_t i = 0; i < ctx->n_lists; i++) {
        free(ctx->lists[i].key);
        es__strv_free(ctx->lists[i].items, ctx->lists[i].n);
    }
    free(ctx->lists);
    es__loader_close(ctx->plugin);
    es__config_unref(ctx->cfg);
    free(ctx);
}

/* ---- checkpoints and emit tracking -------------------------------------- */

void es__track_release(es_source_track_t *t)
{
    if (--t->refs > 0)
        return;
    for (es_pending_cp_t *p = t->pending, *n; p; p = n) {
        n = p->next;
        free(p->key);
        free(p->value);
        free(p);
    }
    free(t->done);
    free(t->name);
    free(t);
}

static void commit_ready(es_source_track_t *t)
{
    es_pending_cp_t **pp = &t->pending;
    while (*pp) {
        es_pending_cp_t *p = *pp;
        if (p->seq <= t->base) {
            if (!t->superseded)
                es__state_checkpoint_put(t->agent->state, t->name, p->key, p->value);
            *pp = p->next;
            free(p->key);
            free(p->value);
            free(p);
        } else {
            pp = &p->next;
        }
    }
}

void es__track_done(es_source_track_t *t, uint64_t seq)
{
    if (seq < t->base)
        return;
    size_t idx = (size_t)(seq - t->base);
    if (idx < t->cap)
        t->done[(t->off + idx) % t->cap] = 1;
    /* Advance over the contiguous done prefix. */
    while (t->base < t->next_seq && t->cap && t->done[t->off]) {
        t->done[t->off] = 0;
        t->off = (t->off + 1) % t->cap;
        t->base++;
    }
    if (t->pending)
        commit_ready(t);
    es__track_release(t); /* the record's reference */
}

/* Registers a new emitted record; grows the ring as needed. */
static int track_emit(es_source_track_t *t, uint64_t *seq)
{
    size_t outstanding = (size_t)(t->next_seq - t->base);
    if (outstanding + 1 > t->cap) {
        size_t nc = t->cap ? t->cap * 2 : 1024;
        uint8_t *nd = calloc(nc, 1);
        if (!nd)
            return ES_ENOMEM;
        for (size_t i = 0; i < outstanding; i++)
            nd[i] = t->done[(t->off + i) % t->cap];
        free(t->done);
        t->done = nd;
        t->off = 0;
        t->cap = nc;
    }
    *seq = t->next_seq++;
    t->refs++;
    return 0;
}

int es_checkpoint_get(es_ctx_t *ctx, const char *key, char **value)
{
    *value = NULL;
    if (!ctx->track)
        return ES_EINVAL;
    /* The newest pending value is what the source last said. */
    const es_pending_cp_t *found = NULL;
    for (const es_pending_cp_t *p = ctx->track->pending; p; p = p->next)
        if (strcmp(p->key, key) == 0)
            found = p;
    if (found) {
        *value = es__strdup(found->value);
        return *value ? 0 : ES_ENOMEM;
    }
    return es__state_checkpoint_get(ctx->agent->state, ctx->icfg->name, key, value);
}

int es_checkpoint_set(es_ctx_t *ctx, const char *key, const char *value)
{
    es_source_track_t *t = ctx->track;
    if (!t || !key || !value)
        return ES_EINVAL;
    if (t->base == t->next_seq) {
        /* Nothing outstanding: durable at once. */
        for (es_pending_cp_t **pp = &t->pending; *pp;) {
            es_pending_cp_t *p = *pp;
            if (strcmp(p->key, key) == 0) {
                *pp = p->next;
                free(p->key);
                free(p->value);
                free(p);
            } else {
                pp = &p->next;
            }
        }
        return es__state_checkpoint_put(ctx->agent->state, t->name, key, value);
    }
    es_pending_cp_t *p = calloc(1, sizeof *p);
    if (!p || !(p->key = es__strdup(key)) || !(p->value = es__strdup(value))) {
        if (p)
            free(p->key);
        free(p);
        return ES_ENOMEM;
    }
    p->seq = t->next_seq;
    /* Append: later values for a key must commit after earlier ones. */
    es_pending_cp_t **pp = &t->pending;
    while (*pp)
        pp = &(*pp)->next;
    *pp = p;
    return 0;
}

/* ---- emit -------------------------------------------------------------- */

static int emit(es_ctx_t *ctx, const es_mention_t *m, es_ack_cb cb, void *arg)
{
    if (!ctx->track || ctx->phase != ES_PHASE_RUNNING)
        return ES_ESTATE;
    if (!m->id || !*m->id || !m->network || !*m->network || !m->text) {
        ctx->n_rejected++;
        es_log(ctx, ES_LOG_WARN, "mention %s rejected: id, network and text are required",
               m->id ? m->id : "(no id)");
        return ES_EINVAL;
    }
    es_pipeline_t *p = ctx->agent->pipeline;
    /* The dedupe lookup is a cache miss (ids are scattered over a table
     * of every id delivered lately): start it now, so it overlaps with
     * copying the mention. */
    es__dedupe_prefetch_id(p->dedupe, m->network, m->id);
    size_t repaired = 0;
    es_rec_t *rec = es__rec_from_mention(m, ctx->icfg->name, &repaired);
    if (!rec)
        return ES_ENOMEM;
    if (repaired)
        es_log(ctx, ES_LOG_DEBUG, "mention %s: %zu invalid UTF-8 sequence(s) replaced", rec->m.id,
               repaired);
    if (track_emit(ctx->track, &rec->seq) < 0) {
        es__rec_free(rec);
        return ES_ENOMEM;
    }
    rec->track = ctx->track;
    rec->ack_cb = cb;
    rec->ack_arg = arg;
    ctx->n_emitted++;
    p->n_repaired += repaired ? 1 : 0;
    int rc = es__pipeline_submit(p, rec);
    /* Taken either way: a record the pipeline refused (invalid, dedupe
     * error) was logged and already acknowledged. */
    return cb ? 0 : rc;
}

int es_emit(es_ctx_t *ctx, const es_mention_t *m) { return emit(ctx, m, NULL, NULL); }

int es_emit_acked(es_ctx_t *ctx, const es_mention_t *m, es_ack_cb cb, void *arg)
{
    return emit(ctx, m, cb, arg);
}

int es_emit_deletion(es_ctx_t *ctx, const char *network, const char *id, const char *action, int64_t at,
                     es_ack_cb cb, void *arg)
{
    if (!ctx->track || ctx->phase != ES_PHASE_RUNNING)
        return ES_ESTATE;
    if (!network || !*network || !id || !*id || !es_utf8_is_valid(network, strlen(network)) ||
        !es_utf8_is_valid(id, strlen(id)) || (action && !es_utf8_is_valid(action, strlen(action)))) {
        ctx->n_rejected++;
        es_log(ctx, ES_LOG_WARN, "deletion notice rejected: network and id are required, in UTF-8");
        return ES_EINVAL;
    }
    /* The id as the mention carried it after normalise, or the sinks
     * would look for another. */
    size_t nl = strlen(network);
    int bare = strncmp(id, network, nl) != 0 || id[nl] != ':';
    char *full = bare ? es__asprintf("%s:%s", network, id) : es__strdup(id);
    json_t *f = full ? json_pack("{s:s, s:s, s:s, s:s}", "id", full, "network", network, "source",
                                 ctx->icfg->name, "action", action && *action ? action : "delete")
                     : NULL;
    if (f && at > 0)
        json_object_set_new(f, "at", json_integer(at));
    es_rec_t *rec = f ? es__rec_from_fields(ES_RECORD_DELETION, f) : NULL;
    if (!rec || track_emit(ctx->track, &rec->seq) < 0) {
        free(full);
        es__rec_free(rec);
        return ES_ENOMEM;
    }
    rec->track = ctx->track;
    rec->ack_cb = cb;
    rec->ack_arg = arg;
    es_pipeline_t *p = ctx->agent->pipeline;
    es__dedupe_remember_id(p->dedupe, full);
    free(full);
    ctx->n_deletions++;
    int rc = es__pipeline_submit(p, rec);
    return cb ? 0 : rc;
}

void es__rec_ack(es_rec_t *rec, int accepted)
{
    es_ack_cb cb = rec->ack_cb;
    if (!cb)
        return;
    rec->ack_cb = NULL;
    if (rec->track && rec->track->ctx)
        cb(rec->track->ctx, rec->ack_arg, accepted);
}

int es_backpressure(es_ctx_t *ctx)
{
    es_agent_t *a = ctx->agent;
    if (a->life.in_flight >= (uint64_t)a->cfg->queue_max_records || es__delivery_holds_sources(&a->delivery) ||
        es__agent_spool_full(a)) {
        ctx->paused = 1;
        return 1;
    }
    return 0;
}

void es_source_progress(es_ctx_t *ctx, uint64_t bytes) { ctx->progress_bytes += bytes; }

void es_source_done(es_ctx_t *ctx)
{
    if (ctx->source_done)
        return;
    ctx->source_done = 1;
    es__agent_check_once(ctx->agent);
}

/* ---- context accessors ------------------------------------------------- */

uv_loop_t *es_ctx_loop(es_ctx_t *ctx) { return ctx->agent->loop; }
const char *es_ctx_name(es_ctx_t *ctx) { return ctx->icfg->name; }
const char *es_ctx_state_dir(es_ctx_t *ctx) { return ctx->cfg->state_dir; }
int es_ctx_once(es_ctx_t *ctx) { return ctx->agent->once; }

void es_log(es_ctx_t *ctx, es_log_level_t level, const char *fmt, ...)
{
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s %s", ctx->icfg->kind == ES_KIND_SOURCE ? "source" : "sink",
             ctx->icfg->name);
    va_list ap;
    va_start(ap, fmt);
    es__vlog_prefixed(level, prefix, fmt, ap);
    va_end(ap);
}

int es_http_request(es_ctx_t *ctx, const es_http_request_t *req, es_http_cb cb, void *arg,
                    es_http_req_t **handle)
{
    if (ctx->phase != ES_PHASE_RUNNING || !ctx->agent->http)
        return ES_ESTATE;
    return es__http_submit(ctx->agent->http, ctx, ctx->icfg->tls_verify, req, cb, arg, handle);
}

/* ---- config getters ---------------------------------------------------- */

/* The raw string for key (instance value, else default), and its key
 * entry. Unknown keys are a plugin bug: logged, NULL. */
static const char *raw(es_ctx_t *ctx, const char *key, const es_config_key_t **kout)
{
    const es_config_key_t *k = es__key_find(ctx->plugin->desc->keys, key);
    if (!k)
        k = es__key_find(es__core_instance_keys, key);
    if (!k && ctx->icfg->kind == ES_KIND_SINK)
        k = es__key_find(es__core_sink_keys, key);
    if (kout)
        *kout = k;
    if (!k) {
        es_log(ctx, ES_LOG_ERROR, "plugin asked for undeclared config key '%s'", key);
        return NULL;
    }
    const es_kv_t *kv = es__instance_cfg_get(ctx->icfg, key);
    return kv ? kv->value : k->def;
}

static es_value_t typed(es_ctx_t *ctx, const char *key)
{
    const es_config_key_t *k;
    const char *s = raw(ctx, key, &k);
    es_value_t v;
    memset(&v, 0, sizeof v);
    char err[256];
    if (s && k)
        es__value_parse(k->type, s, &v, err, sizeof err); /* validated before init */
    return v;
}

const char *es_config_str(es_ctx_t *ctx, const char *key)
{
    const char *s = raw(ctx, key, NULL);
    return s ? s : "";
}

int64_t es_config_int(es_ctx_t *ctx, const char *key) { return typed(ctx, key).i; }
double es_config_double(es_ctx_t *ctx, const char *key) { return typed(ctx, key).d; }
int es_config_bool(es_ctx_t *ctx, const char *key) { return typed(ctx, key).b; }
uint64_t es_config_duration_ms(es_ctx_t *ctx, const char *key) { return typed(ctx, key).ms; }
uint64_t es_config_size(es_ctx_t *ctx, const char *key) { return typed(ctx, key).size; }

size_t es_config_list(es_ctx_t *ctx, const char *key, const char *const **items)
{
    *items = NULL;
    for (size_t i = 0; i < ctx->n_lists; i++)
        if (strcmp(ctx->lists[i].key, key) == 0) {
            *items = (const char *const *)ctx->lists[i].items;
            return ctx->lists[i].n;
        }
    const char *s = raw(ctx, key, NULL);
    if (!s || !*s)
        return 0;
    es_list_cache_t *nl = realloc(ctx->lists, (ctx->n_lists + 1) * sizeof *nl);
    if (!nl)
        return 0;
    ctx->lists = nl;
    es_list_cache_t *c = &nl[ctx->n_lists];
    if (es__split_list(s, &c->items, &c->n) < 0 || !(c->key = es__strdup(key))) {
        es__strv_free(c->items, c->n);
        return 0;
    }
    ctx->n_lists++;
    *items = (const char *const *)c->items;
    return c->n;
}

size_t es_config_prefixed(es_ctx_t *ctx, const char *prefix,
                          void (*visit)(const char *suffix, const char *value, void *arg), void *arg)
{
    size_t n = 0, pl = strlen(prefix);
    for (size_t i = 0; i < ctx->icfg->n_kvs; i++) {
        const es_kv_t *kv = &ctx->icfg->kvs[i];
        if (strncmp(kv->key, prefix, pl) == 0 && kv->key[pl]) {
            visit(kv->key + pl, kv->value, arg);
            n++;
        }
    }
    return n;
}
