/*
 * Spike detector evaluation: generates synthetic streams (bench/spikes/gen.c)
 * and prints precision, recall, detection delay, false alarms per week and
 * throughput. Figures, not pass/fail (tests/spike_detect.c asserts floors).
 *
 *   spike_bench [--days N] [--seed S] [--brands N] [--scale K] [--gap HOURS] [--topic-share X] [--control] [-o spike.KEY=VALUE]... [--alerts OUT] [--state-dir DIR]
 *       replay through the detector API at full speed (--alerts: every alert record as JSON lines;
 *       --state-dir: keep the detector's state DB there, as DIR/state.db)
 *   spike_bench --gen OUT.jsonl TRUTH.tsv [--days N] [--seed S] [--brands N] [--scale K] [--gap HOURS] [--topic-share X] [--control]
 *       write the stream as jsonl source input, and its spikes
 *   spike_bench --eval TRUTH.tsv ALERTS.jsonl
 *       score the alert records an `earshot run --once` wrote
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "gen.h"
#include "replay.h"

static void print_eval(const char *title, const spk_eval_t *e)
{
    printf("%s\n", title);
    printf("  alerts (spike_began)      %d  (true %d, false %d of which in volume surges %d), spike_ended %d\n",
           e->alerts, e->true_alerts, e->false_alarms, e->volume_alarms, e->ended);
    printf("  precision                 %.3f\n", e->precision);
    printf("  recall >=3x, >=2 buckets  %.3f  (%d/%d)\n", e->recall, e->qualifying_hit, e->qualifying);
    printf("    of which base >= 8/bkt  %.3f  (%d/%d)\n", e->recall_dense, e->qual_dense_hit, e->qual_dense);
    for (int b = 0; b < SPK_MAX_BRANDS; b++)
        if (e->brand_qual[b])
            printf("    %-8s                %.3f  (%d/%d, %.1f negatives/bucket expected at the start on average)\n",
                   spk_brand_name(b), (double)e->brand_hit[b] / e->brand_qual[b], e->brand_hit[b], e->brand_qual[b],
                   e->brand_base[b]);
    printf("  recall small spikes       %.3f  (%d/%d: 1.5x-2x, or one bucket)\n", e->recall_small, e->small_hit,
           e->small);
    printf("  volume surges             %d  (alerts in them: %d)\n", e->volume_spikes, e->volume_alarms);
    printf("  median delay              %.1f buckets (max %.0f); %.1f min of mention time from spike start to alert\n",
           e->median_delay, e->max_delay, e->median_latency / 60);
    printf("  false alarms per week     %.2f  (over %.1f weeks)\n", e->false_per_week, e->eval_weeks);
    printf("  true alerts naming topic  %d/%d\n", e->topic_hits, e->true_alerts);
    printf("  raised by the topic test  %d  (false %d); the rest by the count test\n", e->topic_alerts, e->topic_false);
}

static int load_cfg(char **opts, int n_opts, es_config_t **cfg, char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/earshot.conf", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "[earshot]\nstate_dir = %s\n", dir);
    for (int i = 0; i < n_opts; i++) {
        char *eq = strchr(opts[i], '=');
        if (eq)
            fprintf(f, "%.*s = %s\n", (int)(eq - opts[i]), opts[i], eq + 1);
    }
    fclose(f);
    es_diag_t d = {0};
    int rc = es__config_load(path, cfg, &d);
    for (size_t i = 0; i < d.count; i++)
        fprintf(stderr, "%s\n", d.msgs[i]);
    if (d.count)
        rc = -1;
    es__diag_free(&d);
    return rc;
}

static int run_replay(spk_cfg_t *gc, char **opts, int n_opts, const char *dump, const char *keep_dir)
{
    char dir[] = "/tmp/spike_bench.XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    es_config_t *cfg = NULL;
    if (load_cfg(opts, n_opts, &cfg, dir) < 0) {
        es__config_free(cfg);
        return 1;
    }
    spk_run_t r = {0};
    if (dump && !(r.dump = fopen(dump, "w")))
        fprintf(stderr, "%s: %s\n", dump, strerror(errno));
    int rc = spk_replay(gc, cfg, keep_dir ? keep_dir : dir, 0, &r);
    if (r.dump)
        fclose(r.dump);
    spk_gen_t *g = spk_gen_new(gc);
    size_t ns;
    const spk_spike_t *sp = spk_gen_spikes(g, &ns);
    spk_eval_t e;
    spk_evaluate(gc, sp, ns, r.alerts, r.n_alerts, &e);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("stream: %d days, %d brands, seed %llu, %s, %llu mentions, %zu injected spikes\n", gc->days,
           gc->n_brands, (unsigned long long)gc->seed, gc->control ? "control (no spikes)" : "with spikes",
           (unsigned long long)r.mentions, ns);
    print_eval("detector API replay (brand series):", &e);
    printf("  owner/network series alerts %zu\n", r.sub_alerts);
    printf("  throughput                %.0f mentions/s, %.2f us/mention inside es__spike_observe\n",
           r.mentions / r.observe_s, r.observe_s * 1e6 / (double)r.mentions);
    printf("  peak RSS                  %ld KiB (bench process, generator included)\n", ru.ru_maxrss);
    if (r.first_began) {
        char *js = json_dumps(r.first_began, JSON_COMPACT);
        printf("  first alert: %s\n", js);
        free(js);
    }
    spk_gen_free(g);
    spk_run_free(&r);
    es__config_free(cfg);
    char aux[640];
    static const char *const db_files[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; !keep_dir && i < sizeof db_files / sizeof db_files[0]; i++) {
        snprintf(aux, sizeof aux, "%s/%s", dir, db_files[i]);
        unlink(aux);
    }
    snprintf(aux, sizeof aux, "%s/earshot.conf", dir);
    unlink(aux);
    rmdir(dir);
    return rc < 0;
}

static int gen_files(const spk_cfg_t *gc, const char *out, const char *truth)
{
    FILE *fo = fopen(out, "w"), *ft = fopen(truth, "w");
    if (!fo || !ft) {
        fprintf(stderr, "%s: %s\n", !fo ? out : truth, strerror(errno));
        return 1;
    }
    spk_gen_t *g = spk_gen_new(gc);
    spk_mention_t m;
    size_t n = 0;
    while (spk_gen_next(g, &m)) {
        char when[32];
        time_t t = (time_t)m.created_at;
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", m.id, "network", m.network, "author", "synthetic",
                              "url", m.url, "text", m.text, "created_at", when);
        char *js = json_dumps(o, JSON_COMPACT);
        fprintf(fo, "%s\n", js);
        free(js);
        json_decref(o);
        n++;
    }
    size_t ns;
    const spk_spike_t *sp = spk_gen_spikes(g, &ns);
    fprintf(ft, "cfg\t%d\t%g\t%d\t%lld\t%d\n", gc->days, gc->first_spike_day, gc->bucket, (long long)gc->t0,
            gc->n_brands);
    for (size_t i = 0; i < ns; i++)
        fprintf(ft, "%d\t%lld\t%d\t%g\t%d\t%s\t%g\n", sp[i].brand, (long long)sp[i].start, sp[i].len, sp[i].mult,
                sp[i].volume, sp[i].topic, sp[i].base_neg);
    fclose(fo);
    fclose(ft);
    fprintf(stderr, "%zu mentions, %zu spikes\n", n, ns);
    spk_gen_free(g);
    return 0;
}

static int eval_files(const char *truth, const char *alerts)
{
    FILE *ft = fopen(truth, "r"), *fa = fopen(alerts, "r");
    if (!ft || !fa) {
        fprintf(stderr, "%s: %s\n", !ft ? truth : alerts, strerror(errno));
        return 1;
    }
    spk_cfg_t gc;
    spk_cfg_default(&gc);
    long long t0;
    if (fscanf(ft, "cfg\t%d\t%lf\t%d\t%lld\t%d\n", &gc.days, &gc.first_spike_day, &gc.bucket, &t0, &gc.n_brands) != 5) {
        fprintf(stderr, "%s: not a truth file\n", truth);
        return 1;
    }
    gc.t0 = t0;
    spk_spike_t *sp = NULL;
    size_t ns = 0, cap = 0;
    char topic[64];
    spk_spike_t s;
    long long start;
    static char topics[256][64];
    while (fscanf(ft, "%d\t%lld\t%d\t%lf\t%d\t%63s\t%lf\n", &s.brand, &start, &s.len, &s.mult, &s.volume, topic,
                  &s.base_neg) == 7 && ns < 256) {
        if (ns == cap)
            sp = realloc(sp, (cap = cap ? cap * 2 : 64) * sizeof *sp);
        s.start = start;
        snprintf(topics[ns], sizeof topics[ns], "%s", topic);
        s.topic = topics[ns];
        sp[ns++] = s;
    }
    spk_alert_t *al = NULL;
    size_t na = 0, acap = 0;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, fa) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        const char *kind = json_string_value(json_object_get(o, "kind"));
        const char *brand = json_string_value(json_object_get(o, "brand"));
        const char *series = json_string_value(json_object_get(o, "series"));
        const char *ev = json_string_value(json_object_get(o, "event"));
        if ((!kind || !strcmp(kind, "alert")) && brand && series && ev && !strcmp(brand, series)) {
            if (na == acap)
                al = realloc(al, (acap = acap ? acap * 2 : 64) * sizeof *al);
            spk_alert_from_json(&al[na], o);
            na++;
        }
        json_decref(o);
    }
    free(line);
    spk_eval_t e;
    spk_evaluate(&gc, sp, ns, al, na, &e);
    print_eval("earshot run --once (jsonl source, real sentiment stage):", &e);
    free(sp);
    free(al);
    fclose(ft);
    fclose(fa);
    return 0;
}

int main(int argc, char **argv)
{
    spk_cfg_t gc;
    spk_cfg_default(&gc);
    char *opts[32];
    int n_opts = 0;
    const char *gen_out = NULL, *gen_truth = NULL, *dump = NULL, *keep_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--eval") && i + 2 < argc)
            return eval_files(argv[i + 1], argv[i + 2]);
        if (!strcmp(argv[i], "--gen") && i + 2 < argc)
            gen_out = argv[i + 1], gen_truth = argv[i + 2], i += 2;
        else if (!strcmp(argv[i], "--days") && i + 1 < argc)
            gc.days = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            gc.seed = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--brands") && i + 1 < argc)
            gc.n_brands = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--state-dir") && i + 1 < argc)
            keep_dir = argv[++i];
        else if (!strcmp(argv[i], "--alerts") && i + 1 < argc)
            dump = argv[++i];
        else if (!strcmp(argv[i], "--scale") && i + 1 < argc) {
            double k = atof(argv[++i]);
            for (int b = 0; b < SPK_MAX_BRANDS; b++)
                gc.peak_total[b] *= k > 0 ? k : 1;
        } else if (!strcmp(argv[i], "--topic-share") && i + 1 < argc) {
            gc.topic_share = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--gap") && i + 1 < argc) {
            gc.spike_gap_hours = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--control"))
            gc.control = 1;
        else if (!strcmp(argv[i], "-o") && i + 1 < argc && n_opts < 32)
            opts[n_opts++] = argv[++i];
        else {
            fprintf(stderr, "usage: see the comment at the top of bench/spikes/spike_bench.c\n");
            return 2;
        }
    }
    if (gc.days < 3 || gc.days > 400 || gc.n_brands < 1 || gc.n_brands > SPK_MAX_BRANDS ||
        !(gc.spike_gap_hours >= 2) || !(gc.topic_share >= 0 && gc.topic_share <= 1)) {
        fprintf(stderr, "spike_bench: --days 3..400, --brands 1..%d, --gap >= 2, --topic-share 0..1\n", SPK_MAX_BRANDS);
        return 2;
    }
    if (gen_out)
        return gen_files(&gc, gen_out, gen_truth);
    return run_replay(&gc, opts, n_opts, dump, keep_dir);
}
