/*
 * Queries through the stages: every brand and topic a mention matches, a
 * topic's brand scope and owner, owned mentions (inventory), routing on
 * topics, owners and author kinds, the record JSON (writer = jansson,
 * read back from the spool), and the spike detector's series: owned
 * mentions out, one series per brand and per topic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "mention.h"
#include "record_json.h"
#include "spike/spike.h"
#include "stages.h"
#include "tap.h"
#include "util.h"

static char dir[256], conf_path[300];

static es_config_t *load(const char *text)
{
    FILE *f = fopen(conf_path, "w");
    fprintf(f, "[earshot]\nstate_dir = %s\nconf_dir = %s/none\ninventory = %s/inv.csv\n%s", dir, dir, dir, text);
    fclose(f);
    es_config_t *cfg = NULL;
    es_diag_t d = {0};
    es__config_load(conf_path, &cfg, &d);
    for (size_t i = 0; i < d.count; i++)
        diag("config: %s", d.msgs[i]);
    int bad = d.count > 0;
    es__diag_free(&d);
    if (bad) {
        es__config_free(cfg);
        return NULL;
    }
    return cfg;
}

static es_rec_t *mention(const char *id, const char *author, const char *text)
{
    es_mention_t m = {.id = id, .network = "twitter", .author = author, .text = text, .created_at = 1700000000,
                      .url = "https://x.example/1"};
    return es__rec_from_mention(&m, "src", NULL);
}

static const char *CONF =
    "[brand sky]\nquery = (raw:Sky OR @skyhelp) (broadband OR tv OR bill OR router OR sorry) -\"sky is\"\n"
    "[brand virgin]\nquery = \"virgin media\"\n"
    "[brand acme]\nkeywords = acme\n"
    "[topic pricing]\nquery = bill OR price* OR refund\nowner = sales\n"
    "[topic outage]\nquery = down OR outage OR \"no signal\"\nbrand = sky\nowner = care\n";

static void on_alert(void *ud, json_t *a)
{
    (void)ud;
    json_decref(a);
}

static int has(const char *const *v, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], want))
            return 1;
    return 0;
}

static es_route_t route(const char *kv)
{
    es_route_t r = {0};
    char *copy = strdup(kv), *eq = strchr(copy, '=');
    *eq = 0;
    char ***list = !strcmp(copy, "topic") ? &r.topics : !strcmp(copy, "owner") ? &r.owners
                 : !strcmp(copy, "brand") ? &r.brands : &r.author_kinds;
    size_t *n = !strcmp(copy, "topic") ? &r.n_topics : !strcmp(copy, "owner") ? &r.n_owners
              : !strcmp(copy, "brand") ? &r.n_brands : &r.n_author_kinds;
    es__split_list(eq + 1, list, n);
    free(copy);
    return r;
}

static void route_free(es_route_t *r)
{
    es__strv_free(r->topics, r->n_topics);
    es__strv_free(r->owners, r->n_owners);
    es__strv_free(r->brands, r->n_brands);
    es__strv_free(r->author_kinds, r->n_author_kinds);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/es-query-stage.%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(conf_path, sizeof conf_path, "%s/earshot.conf", dir);
    char inv[400];
    snprintf(inv, sizeof inv, "%s/inv.csv", dir);
    FILE *f = fopen(inv, "w");
    fprintf(f, "network,handle,brand,owner,status\ntwitter,skyhelp,sky,care,active\n");
    fclose(f);

    es_config_t *cfg = load(CONF);
    ok(cfg != NULL, "config with brands and topics loads");
    if (!cfg)
        return done_testing();
    es_brands_t *b = NULL;
    es_diag_t d = {0};
    es_inventory_t *inv_st = NULL;
    is_int(es__brands_new(cfg, &b), 0, "brand stage compiles every query");
    is_int(es__inventory_new(cfg, NULL, &inv_st, &d), 0, "inventory loads");
    es__diag_free(&d);

    /* Three brands in one mention, a topic, a scoped topic. */
    es_rec_t *r = mention("twitter:1", "bob", "Sky broadband is down again, and Virgin Media and acme are no "
                                               "better: my bill went up");
    es__brands_apply(b, r);
    json_t *ev = NULL;
    es__inventory_apply(inv_st, r, &ev);
    json_decref(ev);
    const es_mention_t *m = &r->m;
    ok(m->n_brands == 3 && has(m->brands, m->n_brands, "sky") && has(m->brands, m->n_brands, "virgin") &&
           has(m->brands, m->n_brands, "acme"),
       "a mention naming three brands gets all three (%zu)", m->n_brands);
    is_str(m->brand, "sky", "brand is the first in config order");
    ok(m->n_topics == 2 && has(m->topics, m->n_topics, "pricing") && has(m->topics, m->n_topics, "outage"),
       "both topics (%zu)", m->n_topics);
    ok(m->n_topics == 2 && m->topic_owners[0] && !strcmp(m->topic_owners[0], "sales") &&
           !strcmp(m->topic_owners[1], "care"),
       "with their owners");
    ok(!m->brand_owned[0] && !m->brand_owned[1] && !m->brand_owned[2], "a customer's mention is earned");

    /* JSON: the writer agrees with jansson, and the spool reads it back. */
    size_t len;
    char *js = es__mention_json(&r->m, &len);
    json_t *o = es__rec_to_json(r);
    char *ref = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(12));
    is_str(js, ref, "the record JSON is jansson's, byte for byte, with brands and topics");
    like(js, "\"brands\":[\"sky\",\"virgin\",\"acme\"],\"owned\":[],\"topics\":[\"pricing\",\"outage\"],"
             "\"topic_owners\":{\"pricing\":\"sales\",\"outage\":\"care\"}",
         "lists in the record JSON");
    es_rec_t *back = es__rec_from_json(js);
    ok(back && back->m.n_brands == 3 && back->m.n_topics == 2 && !strcmp(back->m.topic_owners[1], "care") &&
           !strcmp(back->m.brand, "sky"),
       "a spooled record keeps its lists");
    es__rec_free(back);
    free(js);
    free(ref);
    json_decref(o);

    /* Routing. */
    es_route_t rt = route("topic=outage");
    ok(es__route_match(&rt, r), "match.topic: any of the mention's topics");
    route_free(&rt);
    rt = route("topic=login");
    ok(!es__route_match(&rt, r), "match.topic: another topic");
    route_free(&rt);
    rt = route("owner=sales");
    ok(es__route_match(&rt, r), "match.owner: a matched topic's owner");
    route_free(&rt);
    rt = route("owner=product");
    ok(!es__route_match(&rt, r), "match.owner: no topic or account of that team");
    route_free(&rt);
    rt = route("brand=acme");
    ok(es__route_match(&rt, r), "match.brand: any of the mention's brands, not only the first");
    route_free(&rt);
    rt = route("author_kind=public");
    ok(es__route_match(&rt, r), "match.author_kind: public");
    route_free(&rt);

    /* The brand's own account: owned. */
    es_rec_t *own = mention("twitter:2", "skyhelp", "@bob sorry to hear that, DM us and we will fix your Sky router");
    es__brands_apply(b, own);
    es__inventory_apply(inv_st, own, &ev);
    json_decref(ev);
    ok(own->m.n_brands == 1 && own->m.brand_owned[0] == 1, "a post by the brand's official account is owned");
    ok(own->m.n_topics == 0, "no topic in an apology");
    js = es__mention_json(&own->m, &len);
    like(js, "\"owned\":[\"sky\"]", "owned brands in the JSON");
    back = es__rec_from_json(js);
    ok(back && back->m.brand_owned[0] == 1, "owned survives the spool");
    es__rec_free(back);
    free(js);
    rt = route("author_kind=public,lookalike");
    ok(!es__route_match(&rt, own), "match.author_kind = public,lookalike leaves owned mentions out");
    route_free(&rt);
    rt = route("author_kind=official");
    ok(es__route_match(&rt, own), "match.author_kind = official takes them");
    route_free(&rt);

    /* Scope: the outage topic only for sky. */
    es_rec_t *v = mention("twitter:3", "amy", "Virgin Media outage all evening");
    es__brands_apply(b, v);
    ok(v->m.n_brands == 1 && v->m.n_topics == 0, "a scoped topic needs its brand (%zu topics)", v->m.n_topics);
    es_rec_t *none = mention("twitter:4", "amy", "the sky is blue, no bill today");
    es__brands_apply(b, none);
    ok(none->m.n_brands == 0 && none->m.n_topics == 1 && !none->m.brand,
       "an unscoped topic without a brand; the weather is not Sky");

    /* Spike series: a series per brand and per topic; owned ones out. */
    es_config_t *scfg = load("spike.by = topic\n");
    es_state_t *db = NULL;
    char dberr[512];
    if (es__state_open(dir, &db, dberr, sizeof dberr) < 0)
        diag("%s", dberr);
    es_spike_t *sp = NULL;
    es_diag_t sd = {0};
    int src = scfg ? es__spike_new(scfg, db, on_alert, NULL, &sp, &sd) : -1;
    ok(src == 0 && sp, "detector with spike.by = topic (%d)", src);
    for (size_t i = 0; i < sd.count; i++)
        diag("spike: %s", sd.msgs[i]);
    es__diag_free(&sd);
    if (!sp)
        return done_testing();
    r->m.sentiment.label = "negative";
    own->m.sentiment.label = "negative";
    es__spike_observe(sp, r);
    es_spike_stats_t st;
    es__spike_get_stats(sp, &st);
    is_int(st.series, 9, "three brands, each with its two topics: 3 + 3 x 2 series");
    es__spike_observe(sp, own);
    es__spike_get_stats(sp, &st);
    ok(st.observed == 1 && st.ignored == 1, "the owned mention counts in no series (observed %llu, ignored %llu)",
       (unsigned long long)st.observed, (unsigned long long)st.ignored);
    es__spike_free(sp);
    es__state_close(db);
    es__config_free(scfg);

    es__rec_free(r);
    es__rec_free(own);
    es__rec_free(v);
    es__rec_free(none);
    es__brands_free(b);
    es__inventory_free(inv_st);
    es__config_free(cfg);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        diag("cleanup failed");
    return done_testing();
}
