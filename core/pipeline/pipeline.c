#include "pipeline.h"

#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "lifecycle.h"
#include "log.h"
#include "metrics.h"
#include "util.h"
#include "sink_queue.h"
#include "spike/spike.h"

/* The detector may raise alerts while a mention is being routed; they wait
 * here so routing is never re-entered. */
static void on_alert(void *ud, json_t *alert)
{
    es_pipeline_t *p = ud;
    /* Past alerts of an archive reach the same sinks as live ones; the
     * flag lets a sink or a reader tell them apart. */
    if (p->env.history)
        json_object_set_new(alert, "history", json_true());
    json_array_append_new(p->alerts, alert);
}

static void route_alerts(es_pipeline_t *p)
{
    while (json_array_size(p->alerts)) {
        json_t *a = json_incref(json_array_get(p->alerts, 0));
        json_array_remove(p->alerts, 0);
        es_rec_t *rec = es__rec_from_fields(ES_RECORD_ALERT, a);
        if (!rec) {
            es__logf(ES_LOG_ERROR, "spike: out of memory: an alert was not routed");
            continue;
        }
        es__pipeline_submit(p, rec);
    }
}

/* A history import gets a detector without the state database: the live
 * detector's clock is past the archive (its mentions would all be late)
 * and its baselines must not learn from, nor be moved by, the past. */
static int spike_new(es_pipeline_t *p, const es_config_t *cfg, es_spike_t **out, es_diag_t *diag)
{
    es_state_t *st = p->env.txn && !p->env.history ? es__txn_db(p->env.txn) : NULL;
    return es__spike_new(cfg, st, on_alert, p, out, diag);
}

void es__pipeline_spike_tick(es_pipeline_t *p, int64_t now_s)
{
    es__spike_tick(p->spike, now_s);
    route_alerts(p);
}

void es__pipeline_spike_flush(es_pipeline_t *p)
{
    if (es__spike_flush(p->spike) < 0)
        es__logf(ES_LOG_ERROR, "spike: cannot save the detector's state");
    route_alerts(p);
}

/* The stages' state DB: none before a start (preflight). */
static es_state_t *stage_db(const es_pipeline_t *p) { return p->env.txn ? es__txn_db(p->env.txn) : NULL; }

int es__pipeline_new(const es__pipeline_env_t *env, const es_config_t *cfg, es_pipeline_t **out,
                     es_diag_t *diag)
{
    es_pipeline_t *p = calloc(1, sizeof *p);
    if (!p || !(p->alerts = json_array())) {
        free(p);
        return ES_ENOMEM;
    }
    p->env = *env;
    p->count_owned = cfg->count_owned;
    p->spool_delay_ms = cfg->spool_delay_ms;
    int rc;
    if ((rc = es__dedupe_new(stage_db(p), cfg->dedupe_max_age_ms, &p->dedupe)) < 0 ||
        (rc = es__brands_new(cfg, &p->brands)) < 0 ||
        (rc = es__inventory_new(cfg, stage_db(p), &p->inventory, diag)) < 0 ||
        (rc = es__sentiment_stage_new(cfg, &p->sentiment, diag)) < 0 ||
        (rc = spike_new(p, cfg, &p->spike, diag)) < 0) {
        es__pipeline_free(p);
        return rc;
    }
    *out = p;
    return 0;
}

void es__pipeline_free(es_pipeline_t *p)
{
    if (!p)
        return;
    es__dedupe_free(p->dedupe);
    es__brands_free(p->brands);
    es__inventory_free(p->inventory);
    es__sentiment_stage_free(p->sentiment);
    if (p->spike && es__spike_flush(p->spike) < 0)
        es__logf(ES_LOG_ERROR, "spike: cannot save the detector's state");
    es__spike_free(p->spike);
    json_decref(p->alerts);
    for (size_t i = 0; i < p->n_labels; i++)
        free(p->labels[i].brand);
    free(p->labels);
    free(p);
}

int es__pipeline_preflight(const es_config_t *cfg, es_diag_t *diag)
{
    /* Each stage on its own, so one bad file does not hide the next. */
    size_t before = diag->count;
    es_pipeline_t p = {0};
    int rc = 0, r;
    if (!(p.alerts = json_array()))
        return ES_ENOMEM;
    if ((r = es__brands_new(cfg, &p.brands)) < 0)
        rc = r;
    if ((r = es__inventory_new(cfg, NULL, &p.inventory, diag)) < 0 && !rc)
        rc = r;
    if ((r = es__sentiment_stage_new(cfg, &p.sentiment, diag)) < 0 && !rc)
        rc = r;
    if ((r = spike_new(&p, cfg, &p.spike, diag)) < 0 && !rc)
        rc = r;
    es__brands_free(p.brands);
    es__inventory_free(p.inventory);
    es__sentiment_stage_free(p.sentiment);
    es__spike_free(p.spike);
    json_decref(p.alerts);
    return rc < 0 ? rc : diag->count > before ? ES_ECONFIG : 0;
}

int es__pipeline_reconfigure(es_pipeline_t *p, const es_config_t *cfg, es_diag_t *diag)
{
    es_brands_t *b = NULL;
    es_inventory_t *inv = NULL;
    es_sentiment_stage_t *s = NULL;
    es_spike_t *sp = NULL;
    int rc;
    /* The old detector saves its baselines first, so the new one (maybe
     * with other spike.* keys) continues from them. */
    if (es__spike_flush(p->spike) < 0)
        es__logf(ES_LOG_ERROR, "spike: cannot save the detector's state");
    if ((rc = es__brands_new(cfg, &b)) < 0 ||
        (rc = es__inventory_new(cfg, stage_db(p), &inv, diag)) < 0 ||
        (rc = es__sentiment_stage_new(cfg, &s, diag)) < 0 ||
        (rc = spike_new(p, cfg, &sp, diag)) < 0) {
        es__brands_free(b);
        es__inventory_free(inv);
        es__sentiment_stage_free(s);
        es__spike_free(sp);
        route_alerts(p);
        return rc;
    }
    es__spike_free(p->spike);
    p->spike = sp;
    route_alerts(p);
    es__brands_free(p->brands);
    es__inventory_free(p->inventory);
    es__sentiment_stage_free(p->sentiment);
    p->brands = b;
    p->count_owned = cfg->count_owned;
    p->spool_delay_ms = cfg->spool_delay_ms;
    p->inventory = inv;
    p->sentiment = s;
    return 0;
}

int es__pipeline_reload_inventory(es_pipeline_t *p, const es_config_t *cfg, int rc, struct es_accounts *accounts,
                                  const es_diag_t *diag)
{
    es_inventory_t *inv = NULL;
    for (size_t i = 0; i < diag->count; i++)
        es__logf(ES_LOG_ERROR, "%s", diag->msgs[i]);
    if (rc == 0)
        rc = es__inventory_new_from(cfg, stage_db(p), accounts, &inv);
    else
        es__accounts_free(accounts);
    if (rc < 0) {
        es__logf(ES_LOG_ERROR, "inventory %s not reloaded; keeping the previous one", cfg->inventory);
        return rc;
    }
    es__inventory_free(p->inventory);
    p->inventory = inv;
    es__logf(ES_LOG_INFO, "inventory %s reloaded: %zu account(s)", cfg->inventory, es__inventory_size(inv));
    return 0;
}

/* Hands rec to every sink whose routing accepts it. With a state DB, each
 * of those sinks gets a spool row first, in the loop turn's transaction
 * with its dedupe id; once that commits the record is accepted (its
 * source may move past it: es__life_spool, es__life_committed), whatever happens to the
 * process after. When the state DB refuses the write, the record is
 * delivered from memory the old way (its checkpoint waits) and sources
 * pause until the DB can be written again.
 *
 * A source's record whose sinks are all healthy with room skips the rows
 * (spool.delay, es__life_lazy): its checkpoint waits for its delivery,
 * and if a sink still holds it spool.delay later it gets its rows then. */
static int route(es_pipeline_t *p, es_rec_t *rec)
{
    es__txn_t *txn = p->env.txn;
    es_life_t *life = p->env.life;
    es_ctx_t *stack[64], **sinks = stack;
    size_t n = 0, cap = 64;
    for (es_ctx_t *s = es__pipeline_host_instances(p->env.host); s; s = s->next) {
        if (s->icfg->kind != ES_KIND_SINK || s->draining || s->phase != ES_PHASE_RUNNING)
            continue;
        if (!es__route_match(&s->icfg->route, rec))
            continue;
        if (n == cap) {
            es_ctx_t **ns = malloc(cap * 2 * sizeof *ns);
            if (!ns)
                break;
            memcpy(ns, sinks, n * sizeof *ns);
            if (sinks != stack)
                free(sinks);
            sinks = ns;
            cap *= 2;
        }
        sinks[n++] = s;
    }
    if (!n) {
        p->n_unrouted++;
        return 0;
    }
    int64_t sid_stack[64], *sids = n <= 64 ? sid_stack : calloc(n, sizeof *sids);
    int rc = 0;
    if (!sids) {
        rc = ES_ENOMEM;
        goto out;
    }
    memset(sids, 0, n * sizeof *sids);
    size_t len = 0;
    int spooled = 0;
    int writable = es__txn_writable(txn);
    int lazy = writable && rec->track && p->spool_delay_ms > 0 && !es__pipeline_host_closing(p->env.host);
    for (size_t i = 0; i < n && lazy; i++)
        lazy = es__sink_queue_lazy_ok(sinks[i]->queue);
    if (!lazy && writable) {
        /* A sink stopped taking records at once (failing, full): what was
         * routed without rows gets them now, so row ids, the order a
         * restart delivers the spool in, follow routing order. */
        if (rec->track && life->lazy_head)
            es__delivery_spool_lazy_all(p->env.delivery);
        const char *json = es_record_json(&rec->pub, &len);
        es__txn_open(txn);
        spooled = json != NULL && es__txn_is_open(txn);
        const char *id = rec->pub.kind == ES_RECORD_MENTION ? rec->m.id : NULL;
        for (size_t i = 0; i < n && spooled; i++) {
            sids[i] = es__state_spool_add(es__txn_db(txn), sinks[i]->icfg->name, es_record_kind_name(rec->pub.kind),
                                         id, json, len);
            if (sids[i] < 0) {
                spooled = 0;
                es__txn_fault(txn);
                /* Rows already added stay: delivery deletes them. */
                for (size_t j = i; j < n; j++)
                    sids[j] = 0;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        rec->refs++;
        if (es__sink_queue_push(sinks[i]->queue, rec, sids[i] > 0 ? sids[i] : 0, len) < 0) {
            rec->refs--;
            rc = ES_ENOMEM;
            break;
        }
    }
    /* Listed only once every sink holds it: a sink answering during the
     * pushes can make the straggler pass spool and accept what is listed, which
     * must not happen to a record some sink has yet to get. */
    if (lazy)
        es__life_lazy(life, rec, uv_now(p->env.loop));
    if (spooled && rc == 0) {
        /* Known as seen in the same transaction as its rows; the rest of
         * accepting it waits for the commit (es__life_spool). */
        if (es__life_in_dedupe(rec))
            es__dedupe_remember(p->dedupe, rec);
        es__life_spool(life, rec);
    }
out:
    if (sids != sid_stack)
        free(sids);
    if (sinks != stack)
        free(sinks);
    return rc;
}

static void count_one(es_pipeline_t *p, const char *brand, int k)
{
    for (size_t i = 0; i < p->n_labels; i++)
        if (!strcmp(p->labels[i].brand, brand)) {
            p->labels[i].n[k]++;
            return;
        }
    /* Brands come from the config, so this list stays short. */
    es_label_counts_t *nl = realloc(p->labels, (p->n_labels + 1) * sizeof *nl);
    if (!nl)
        return;
    p->labels = nl;
    es_label_counts_t *c = &nl[p->n_labels];
    memset(c, 0, sizeof *c);
    if (!(c->brand = es__strdup(brand)))
        return;
    c->n[k] = 1;
    p->n_labels++;
}

/* Per brand the mention is about; owned mentions (the brand's own posts)
 * only with count_owned. */
static void count_label(es_pipeline_t *p, const es_rec_t *rec)
{
    const char *label = rec->m.sentiment.label;
    if (!label)
        return;
    int k = !strcmp(label, "positive") ? 0 : !strcmp(label, "neutral") ? 1 : 2;
    if (!rec->m.n_brands) {
        count_one(p, "", k);
        return;
    }
    for (size_t i = 0; i < rec->m.n_brands; i++)
        if (!rec->m.brand_owned[i] || p->count_owned)
            count_one(p, rec->m.brands[i], k);
}

int es__pipeline_submit(es_pipeline_t *p, es_rec_t *rec)
{
    es_life_t *life = p->env.life;
    p->n_in++;
    /* The pipeline holds one reference while routing, so a sink that
     * completes synchronously cannot finish the record under our feet. */
    es__life_enter(life, rec);
    int rc = 0;
    json_t *event = NULL;
    if (rec->pub.kind == ES_RECORD_MENTION) {
        if ((rc = es__normalise(rec)) < 0) {
            p->n_invalid++;
            goto out;
        }
        /* Inside the turn's transaction: a lookup outside one is a read
         * transaction of its own, with its file locks (a quarter of the
         * pipeline's CPU when records skip the spool and nothing else
         * opened the transaction). */
        if (es__txn_writable(p->env.txn))
            es__txn_open(p->env.txn);
        int dup = es__dedupe_check(p->dedupe, rec);
        if (dup < 0) {
            /* Dropping it would lose it; passing it risks a duplicate. */
            es__logf(ES_LOG_ERROR, "dedupe: cannot check %s: %s; passed on", rec->m.id, es_strerror(dup));
            dup = 0;
        }
        if (dup > 0) {
            p->n_dup++;
            es__life_drop(life, rec); /* the lifecycle wakes the loop to complete it */
            return 0;
        }
        if ((rc = es__brands_apply(p->brands, rec)) < 0 ||
            (rc = es__inventory_apply(p->inventory, rec, &event)) < 0 ||
            (rc = es__sentiment_stage_apply(p->sentiment, rec)) < 0)
            goto out;
        es__spike_observe(p->spike, rec);
        count_label(p, rec);
        if (event && !strcmp(json_string_value(json_object_get(event, "event")) ?: "", "lookalike_seen"))
            p->n_lookalikes++;
    }
    rc = route(p, rec);
out:
    es__life_release(life, rec);
    /* Findings the stages made about this mention follow it. */
    if (event) {
        es_rec_t *ev = es__rec_from_fields(ES_RECORD_ACCOUNT, event);
        if (ev)
            es__pipeline_submit(p, ev);
    }
    route_alerts(p);
    return rc;
}
