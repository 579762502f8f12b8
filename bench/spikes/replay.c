#include "replay.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "spike/spike.h"
#include "state.h"

static void on_alert(void *ud, json_t *a)
{
    spk_run_t *r = ud;
    const char *ev = json_string_value(json_object_get(a, "event"));
    const char *brand = json_string_value(json_object_get(a, "brand"));
    const char *series = json_string_value(json_object_get(a, "series"));
    if (!ev || !brand || !series) {
        r->errors++;
        json_decref(a);
        return;
    }
    int ended = strcmp(ev, "spike_ended") == 0;
    if (r->dump) {
        json_dumpf(a, r->dump, JSON_COMPACT);
        fputc('\n', r->dump);
    }
    if (!ended && !r->first_began)
        r->first_began = json_incref(a);
    if (ended && !r->first_ended)
        r->first_ended = json_incref(a);
    if (strcmp(series, brand) != 0) {
        r->sub_alerts++;
        json_decref(a);
        return;
    }
    if (r->n_alerts == r->cap_alerts) {
        r->cap_alerts = r->cap_alerts ? r->cap_alerts * 2 : 64;
        r->alerts = realloc(r->alerts, r->cap_alerts * sizeof *r->alerts);
    }
    spk_alert_from_json(&r->alerts[r->n_alerts++], a);
    json_decref(a);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time: the machine may be shared */
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int open_detector(const es_config_t *cfg, const char *state_dir, es_state_t **st, es_spike_t **sp,
                         spk_run_t *r)
{
    char err[512];
    if (es__state_open(state_dir, st, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    es_diag_t diag = {0};
    int rc = es__spike_new(cfg, *st, on_alert, r, sp, &diag);
    for (size_t i = 0; i < diag.count; i++)
        fprintf(stderr, "%s\n", diag.msgs[i]);
    es__diag_free(&diag);
    return rc;
}

#define BATCH 4096

int spk_replay(const spk_cfg_t *gc, const es_config_t *cfg, const char *state_dir, int64_t restart_at,
               spk_run_t *r)
{
    FILE *dump = r->dump;
    memset(r, 0, sizeof *r);
    r->dump = dump;
    es_state_t *st = NULL;
    es_spike_t *sp = NULL;
    if (open_detector(cfg, state_dir, &st, &sp, r) < 0) {
        es__state_close(st);
        return -1;
    }
    spk_gen_t *g = spk_gen_new(gc);
    spk_mention_t *buf = malloc(BATCH * sizeof *buf);
    size_t n;
    int end = 0;
    while (!end) {
        for (n = 0; n < BATCH; n++)
            if (!spk_gen_next(g, &buf[n])) {
                end = 1;
                break;
            }
        double t0 = now_s();
        for (size_t i = 0; i < n; i++) {
            const spk_mention_t *m = &buf[i];
            if (restart_at > 0 && m->arrival >= restart_at) {
                restart_at = 0;
                if (es__spike_flush(sp) < 0)
                    r->errors++;
                es__spike_free(sp);
                es__state_close(st);
                if (open_detector(cfg, state_dir, &st, &sp, r) < 0) {
                    r->errors++;
                    end = 1;
                    break;
                }
                r->restarts++;
            }
            es_rec_t rec;
            memset(&rec, 0, sizeof rec);
            rec.m.id = m->id;
            rec.m.network = m->network;
            rec.m.url = m->url;
            rec.m.text = m->text;
            rec.m.created_at = m->created_at;
            rec.m.brand = m->brand;
            rec.m.owner = m->owner;
            rec.m.sentiment.label = m->negative ? "negative" : "positive";
            es__spike_observe(sp, &rec);
        }
        r->observe_s += now_s() - t0;
        r->mentions += n;
    }
    if (sp && es__spike_flush(sp) < 0)
        r->errors++;
    es__spike_free(sp);
    es__state_close(st);
    free(buf);
    spk_gen_free(g);
    return r->errors ? -1 : 0;
}

void spk_run_free(spk_run_t *r)
{
    free(r->alerts);
    json_decref(r->first_began);
    json_decref(r->first_ended);
    memset(r, 0, sizeof *r);
}
