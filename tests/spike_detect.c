/*
 * The spike detector against synthetic streams with known spikes (the
 * small, deterministic version of bench/spikes): precision, recall and delay
 * floors, a spike-free control stream that must stay silent, volume surges
 * that must not alert, alert fields, and a restart on the same state DB
 * (mid-episode) that must give exactly the alerts of an uninterrupted run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../bench/spikes/gen.h"
#include "../bench/spikes/replay.h"
#include "config.h"
#include "tap.h"

static char dir[] = "/tmp/spike_detect.XXXXXX";

static es_config_t *load(const char *extra)
{
    char path[256];
    snprintf(path, sizeof path, "%s/earshot.conf", dir);
    FILE *f = fopen(path, "w");
    fprintf(f, "[earshot]\nstate_dir = %s\n%s", dir, extra);
    fclose(f);
    es_config_t *cfg = NULL;
    es_diag_t d = {0};
    es__config_load(path, &cfg, &d);
    for (size_t i = 0; i < d.count; i++)
        diag("config: %s", d.msgs[i]);
    es__diag_free(&d);
    return cfg;
}

static void rm_db(const char *db)
{
    char p[512];
    unlink(db);
    snprintf(p, sizeof p, "%s-wal", db);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db);
    unlink(p);
}

static void show(const char *what, const spk_eval_t *e, const spk_run_t *r)
{
    diag("%s: %llu mentions, %.2f us/mention; alerts %d (true %d, false %d, in volume surges %d), ended %d",
         what, (unsigned long long)r->mentions, r->observe_s * 1e6 / (double)(r->mentions ? r->mentions : 1),
         e->alerts, e->true_alerts, e->false_alarms, e->volume_alarms, e->ended);
    diag("  precision %.3f, recall %.3f (%d/%d), recall base>=8 %.3f (%d/%d), small %.3f (%d/%d), median delay %.1f, "
         "max %.0f, false/week %.2f, topic named %d",
         e->precision, e->recall, e->qualifying_hit, e->qualifying, e->recall_dense, e->qual_dense_hit,
         e->qual_dense, e->recall_small, e->small_hit, e->small, e->median_delay, e->max_delay, e->false_per_week,
         e->topic_hits);
    diag("  raised by the topic test %d (false %d)", e->topic_alerts, e->topic_false);
}

static void check_fields(const json_t *a, const spk_cfg_t *gc)
{
    ok(a != NULL, "a spike_began record was emitted");
    if (!a)
        return;
    const char *keys[] = {"event", "id", "brand", "series", "bucket_start", "bucket_end", "bucket_start_utc",
                          "bucket_end_utc", "episode_start", "count", "total", "expected", "p_value", "p_daily",
                          "window_buckets", "share", "expected_share", "baseline", "volume_adjusted", "terms",
                          "urls", "partial", "detected_at", "signal"};
    size_t missing = 0;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!json_object_get(a, keys[i])) {
            diag("missing field %s", keys[i]);
            missing++;
        }
    is_int(missing, 0, "spike_began carries every documented field");
    const char *sig = json_string_value(json_object_get(a, "signal"));
    int topic = sig && !strcmp(sig, "topic");
    ok(sig && (topic || !strcmp(sig, "count")), "signal is count or topic");
    ok(!topic == !json_is_object(json_object_get(a, "topic")), "a topic object exactly when the signal is topic");
    is_int(json_object_size(a), sizeof keys / sizeof keys[0] + topic, "and no other (brand series: no owner/network)");
    json_int_t bs = json_integer_value(json_object_get(a, "bucket_start"));
    is_int(json_integer_value(json_object_get(a, "bucket_end")) - bs, gc->bucket, "bucket_end = start + bucket");
    is_int(bs % gc->bucket, 0, "bucket_start aligned on the bucket length");
    json_int_t n = json_integer_value(json_object_get(a, "count")), tot = json_integer_value(json_object_get(a, "total"));
    double share = json_real_value(json_object_get(a, "share"));
    ok(n >= 5 && tot >= n && fabs(share - (double)n / tot) < 0.001, "count %lld >= min_count, share %.3f = count/total",
       (long long)n, share);
    double exp = json_number_value(json_object_get(a, "expected")), p = json_real_value(json_object_get(a, "p_value"));
    ok(exp > 0 && exp < n && p > 0 && p < 0.001 * 300 / 86400, "expected %.2f below count, p %.3g below spike.p per bucket",
       exp, p);
    const json_t *terms = json_object_get(a, "terms"), *urls = json_object_get(a, "urls");
    ok(json_array_size(terms) >= 1 && json_array_size(terms) <= 5 &&
           json_is_string(json_object_get(json_array_get(terms, 0), "term")) &&
           json_integer_value(json_object_get(json_array_get(terms, 0), "count")) >= 2 &&
           json_number_value(json_object_get(json_array_get(terms, 0), "lift")) > 1.5,
       "terms: 1..5 of {term, count >= 2, lift > 1.5}");
    int stop = 0;
    size_t i;
    json_t *t;
    json_array_foreach(terms, i, t)
    {
        const char *w = json_string_value(json_object_get(t, "term"));
        stop += !strcmp(w, "the") || !strcmp(w, "est") || !strcmp(w, "vraiment") || !strcmp(w, "encore") ||
                !strcmp(w, "this") || !strcmp(w, "again");
    }
    is_int(stop, 0, "no stop word (en, fr) among the terms");
    ok(json_array_size(urls) == 3 && !strncmp(json_string_value(json_array_get(urls, 0)), "https://social.example/", 23),
       "three example URLs of negative mentions");
}

int main(void)
{
    if (!mkdtemp(dir))
        return 1;
    char db[300];
    snprintf(db, sizeof db, "%s/state.db", dir);
    es_config_t *cfg = load("");
    ok(cfg && cfg->spike_bucket_ms == 300000 && cfg->spike_p == 0.001, "defaults: 5 min buckets, spike.p 0.001");

    /* 1. Spikes of known size in a 30-day stream of two brands. */
    spk_cfg_t gc;
    spk_cfg_default(&gc);
    gc.seed = 7;
    gc.days = 30;
    gc.n_brands = 2;
    spk_run_t r = {0};
    is_int(spk_replay(&gc, cfg, dir, 0, &r), 0, "replay of 30 days at full speed");
    spk_gen_t *g = spk_gen_new(&gc);
    size_t ns;
    const spk_spike_t *sp = spk_gen_spikes(g, &ns);
    spk_eval_t e;
    spk_evaluate(&gc, sp, ns, r.alerts, r.n_alerts, &e);
    show("spikes", &e, &r);
    ok(e.qualifying >= 30 && e.small >= 15 && e.volume_spikes >= 4, "stream holds %d qualifying, %d small spikes, %d volume surges",
       e.qualifying, e.small, e.volume_spikes);
    ok(e.precision >= 0.95, "precision %.3f >= 0.95", e.precision);
    ok(e.recall_dense >= 0.95, "recall %.3f >= 0.95 for >= 3x, >= 2 buckets over >= 8 negatives/bucket",
       e.recall_dense);
    ok(e.recall >= 0.95, "recall %.3f >= 0.95 for every >= 3x, >= 2 buckets spike", e.recall);
    ok(e.recall_small >= 0.25, "small spikes: some caught (%.3f)", e.recall_small);
    ok(e.median_delay <= 1, "median delay %.1f <= 1 bucket", e.median_delay);
    ok(e.median_latency > 0 && e.median_latency <= gc.bucket, "early alerts: median %.0f s of mention time from spike start to alert, within one bucket",
       e.median_latency);
    is_int(e.volume_alarms, 0, "no alert in a volume surge that keeps the negative share");
    ok(e.ended >= e.alerts - 1 && e.ended <= e.alerts, "every episode ended (%d began, %d ended)", e.alerts, e.ended);
    ok(e.topic_hits >= e.true_alerts * 9 / 10, "the spike's topic word is among the terms (%d/%d)", e.topic_hits,
       e.true_alerts);
    check_fields(r.first_began, &gc);
    ok(r.first_ended && !strcmp(json_string_value(json_object_get(r.first_ended, "event")), "spike_ended") &&
           json_integer_value(json_object_get(r.first_ended, "episode_start")) ==
               json_integer_value(json_object_get(r.first_began, "episode_start")) &&
           json_integer_value(json_object_get(r.first_ended, "buckets")) >= 1,
       "spike_ended closes the first episode (same episode_start)");
    spk_run_free(&r);
    spk_gen_free(g);
    rm_db(db);

    /* 2. The same rhythm and noise without spikes: silence. */
    gc.control = 1;
    is_int(spk_replay(&gc, cfg, dir, 0, &r), 0, "replay of the 30-day control stream");
    spk_evaluate(&gc, NULL, 0, r.alerts, r.n_alerts, &e);
    show("control", &e, &r);
    is_int(r.n_alerts + r.sub_alerts, 0, "zero alerts on the spike-free control stream");
    spk_run_free(&r);
    rm_db(db);

    /* 2b. A third, smaller brand (initech: 2 to 7 negatives per bucket),
     * whose 3x spikes the count test alone often cannot tell from noise
     * once its threshold is spread over a day's buckets: the topic test
     * must catch them, without a false alarm. Then the same stream with
     * the spikes' complaints spread over everyday words: recall falls back
     * to what counts can do, and the topic test raises nothing false. */
    gc.control = 0;
    gc.n_brands = 3;
    gc.seed = 42;
    is_int(spk_replay(&gc, cfg, dir, 0, &r), 0, "replay of 30 days, three brands");
    g = spk_gen_new(&gc);
    sp = spk_gen_spikes(g, &ns);
    spk_evaluate(&gc, sp, ns, r.alerts, r.n_alerts, &e);
    show("three brands", &e, &r);
    ok(e.brand_qual[2] >= 10, "initech has %d qualifying spikes (%.1f negatives/bucket expected at their starts)",
       e.brand_qual[2], e.brand_base[2]);
    ok(e.recall >= 0.95, "recall %.3f >= 0.95 over the three brands", e.recall);
    ok(e.brand_hit[2] * 100 >= e.brand_qual[2] * 95, "initech recall %d/%d >= 0.95", e.brand_hit[2], e.brand_qual[2]);
    ok(e.precision >= 0.95 && e.topic_alerts > 0 && e.topic_false == 0,
       "precision %.3f; %d alerts raised by the topic test, %d false", e.precision, e.topic_alerts, e.topic_false);
    spk_run_free(&r);
    spk_gen_free(g);
    rm_db(db);
    gc.topic_share = 0;
    is_int(spk_replay(&gc, cfg, dir, 0, &r), 0, "the same stream, spikes without a shared topic");
    g = spk_gen_new(&gc);
    sp = spk_gen_spikes(g, &ns);
    spk_eval_t e0;
    spk_evaluate(&gc, sp, ns, r.alerts, r.n_alerts, &e0);
    show("three brands, no topic", &e0, &r);
    ok(e0.topic_false == 0 && e0.precision >= 0.95, "no false topic alert (%d), precision %.3f", e0.topic_false,
       e0.precision);
    ok(e0.recall < e.recall, "without a shared topic recall is the count test's: %.3f < %.3f", e0.recall, e.recall);
    spk_run_free(&r);
    spk_gen_free(g);
    rm_db(db);
    gc.topic_share = 1;

    /* 3. Restart on the same DB inside an episode: exactly the same alerts. */
    gc.days = 12;
    gc.n_brands = 1;
    gc.seed = 11;
    es__config_free(cfg);
    cfg = load("spike.by = owner, network\n");
    spk_run_t whole = {0}, split = {0};
    g = spk_gen_new(&gc);
    sp = spk_gen_spikes(g, &ns);
    int64_t at = 0;
    for (size_t i = 0; i < ns && !at; i++)
        if (!sp[i].volume && sp[i].mult >= 4 && sp[i].len >= 2 && sp[i].start > gc.t0 + 5 * 86400)
            at = sp[i].start + gc.bucket + 300 + 30; /* its first bucket closed: episode open */
    ok(at > 0, "a spike to restart in");
    is_int(spk_replay(&gc, cfg, dir, 0, &whole), 0, "uninterrupted run");
    rm_db(db);
    is_int(spk_replay(&gc, cfg, dir, at, &split), 0, "run restarted mid-episode");
    is_int(split.restarts, 1, "the detector was rebuilt once from the DB");
    int same = whole.n_alerts == split.n_alerts && whole.sub_alerts == split.sub_alerts;
    for (size_t i = 0; same && i < whole.n_alerts; i++)
        same = whole.alerts[i].bucket_start == split.alerts[i].bucket_start &&
               whole.alerts[i].ended == split.alerts[i].ended && !strcmp(whole.alerts[i].brand, split.alerts[i].brand);
    ok(same && whole.n_alerts >= 4, "same %zu brand alerts (and %zu owner/network ones) with and without the restart",
       whole.n_alerts, whole.sub_alerts);
    int ended_after = 0;
    for (size_t i = 0; i < split.n_alerts; i++)
        ended_after += split.alerts[i].ended && split.alerts[i].bucket_start > at;
    ok(ended_after >= 1, "the episode open at the restart was ended by the new detector");
    ok(whole.sub_alerts > 0, "spike.by = owner, network adds alerting series");
    spk_run_free(&whole);
    spk_run_free(&split);
    spk_gen_free(g);
    rm_db(db);

    es__config_free(cfg);
    char p[300];
    snprintf(p, sizeof p, "%s/earshot.conf", dir);
    unlink(p);
    rmdir(dir);
    return done_testing();
}
