/*
 * The spike detector: buckets by mention time, closing rules, episodes
 * and alert records. The statistics live in baseline.c and tail.c, words
 * in terms.c, persistence in store.c.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detector.h"
#include "log.h"
#include "util.h"

/* A mention dated this far past the wall clock is a bad date, not news. */
#define FUTURE_SLACK 600
#define VOCAB_HALF_LIFE (7 * 86400.0)
#define SAVE_EVERY 3600
/* A replay runs detector time thousands of times faster than the wall
 * clock: at one tweet a second an hour of it passes every 3,600 mentions,
 * and each periodic save (53 KB of JSON with the 2,000-word vocabulary,
 * its numbers printed digit by digit) took 0.9 of the detector's 2.3 us a
 * mention importing 100,000 real tweets (perf). So a periodic save also
 * waits this many seconds of wall time since the last. Episode changes
 * still save at once; a live stream, whose hour of detector time is an
 * hour, saves as before; a crash in a replay loses at most this much
 * wall time of baseline work, as it could lose an hour of detector time. */
#define SAVE_WALL_MIN 10

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* A clock jump larger than this (no mention of any brand at all) is a gap
 * in the data, a stopped daemon or a stalled source, not a quiet spell: its
 * buckets are skipped rather than fed to the baselines as zeros. */
static int64_t gap_limit(const es_spike_t *sp)
{
    return sp->bucket * 3 > 3600 ? sp->bucket * 3 : 3600;
}

/* ---- series ------------------------------------------------------------- */

static uint32_t key_hash(const char *k)
{
    uint32_t h = 2166136261u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 16777619u;
    return h;
}

static void bucket_reset(es_spike_bucket_t *b)
{
    for (uint32_t i = 0; i < b->n_urls; i++)
        free(b->urls[i]);
    free(b->urls);
    es__spike_map_free(&b->words);
    memset(b, 0, sizeof *b);
    b->idx = ES_SPIKE_NO_IDX;
}

static void series_free(es_spike_t *sp, es_spike_series_t *s)
{
    if (!s)
        return;
    for (size_t i = 0; s->ring && i < sp->ring_n; i++)
        bucket_reset(&s->ring[i]);
    free(s->ring);
    es__spike_map_free(&s->prev_words);
    es__spike_vocab_free(&s->vocab);
    free(s->key);
    free(s->brand);
    free(s->owner);
    free(s->network);
    free(s->topic);
    free(s);
}

static char *series_key(const char *brand, const char *owner, const char *network, const char *topic)
{
    if (owner)
        return es__asprintf("%s owner=%s", brand, owner);
    if (network)
        return es__asprintf("%s network=%s", brand, network);
    if (topic)
        return es__asprintf("%s topic=%s", brand, topic);
    return es__strdup(brand);
}

static int tab_grow(es_spike_t *sp)
{
    size_t nc = sp->tab_cap ? sp->tab_cap * 2 : 64;
    es_spike_series_t **nt = calloc(nc, sizeof *nt);
    if (!nt)
        return ES_ENOMEM;
    for (size_t i = 0; i < sp->n_all; i++) {
        es_spike_series_t *s = sp->all[i];
        size_t h = key_hash(s->key) & (nc - 1);
        s->hnext = nt[h];
        nt[h] = s;
    }
    free(sp->tab);
    sp->tab = nt;
    sp->tab_cap = nc;
    return 0;
}

static es_spike_series_t *lookup(const es_spike_t *sp, const char *key)
{
    if (!sp->tab_cap)
        return NULL;
    for (es_spike_series_t *s = sp->tab[key_hash(key) & (sp->tab_cap - 1)]; s; s = s->hnext)
        if (strcmp(s->key, key) == 0)
            return s;
    return NULL;
}

es_spike_series_t *es__spike_series_get(es_spike_t *sp, const char *brand, const char *owner,
                                       const char *network, const char *topic)
{
    char stackkey[256];
    int n = owner     ? snprintf(stackkey, sizeof stackkey, "%s owner=%s", brand, owner)
            : network ? snprintf(stackkey, sizeof stackkey, "%s network=%s", brand, network)
            : topic   ? snprintf(stackkey, sizeof stackkey, "%s topic=%s", brand, topic)
                      : snprintf(stackkey, sizeof stackkey, "%s", brand);
    char *key = n >= 0 && (size_t)n < sizeof stackkey ? NULL : series_key(brand, owner, network, topic);
    es_spike_series_t *s = lookup(sp, key ? key : stackkey);
    if (s) {
        free(key);
        return s;
    }
    es_spike_series_t *bs = NULL;
    if (owner || network || topic) {
        bs = es__spike_series_get(sp, brand, NULL, NULL, NULL);
        if (!bs) {
            free(key);
            return NULL;
        }
    }
    s = calloc(1, sizeof *s);
    if (!s || !(s->key = key ? key : es__strdup(stackkey)) || !(s->brand = es__strdup(brand)) ||
        (owner && !(s->owner = es__strdup(owner))) || (network && !(s->network = es__strdup(network))) ||
        (topic && !(s->topic = es__strdup(topic))) ||
        !(s->ring = calloc(sp->ring_n, sizeof *s->ring))) {
        if (s && !s->key)
            free(key);
        series_free(sp, s);
        return NULL;
    }
    for (size_t i = 0; i < sp->ring_n; i++)
        s->ring[i].idx = ES_SPIKE_NO_IDX;
    s->brand_series = bs ? bs : s;
    s->prev_idx = ES_SPIKE_NO_IDX;
    es__spike_base_init(&s->base);
    es__spike_vocab_init(&s->vocab);
    if (sp->n_all == sp->cap_all) {
        size_t nc = sp->cap_all ? sp->cap_all * 2 : 16;
        es_spike_series_t **na = realloc(sp->all, nc * sizeof *na);
        if (!na) {
            series_free(sp, s);
            return NULL;
        }
        sp->all = na;
        sp->cap_all = nc;
    }
    sp->all[sp->n_all++] = s;
    if (sp->n_all * 2 > sp->tab_cap && tab_grow(sp) < 0) {
        sp->n_all--;
        series_free(sp, s);
        return NULL;
    }
    size_t h = key_hash(s->key) & (sp->tab_cap - 1);
    s->hnext = sp->tab[h];
    sp->tab[h] = s;
    sp->st.series = sp->n_all;
    return s;
}

/* ---- alerts ------------------------------------------------------------- */

static void iso(int64_t t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, 32, "%lld", (long long)t);
}

static double round_to(double x, double unit)
{
    return round(x / unit) * unit;
}

static json_t *alert_base(const es_spike_t *sp, const es_spike_series_t *s, const char *event,
                          int64_t bucket_idx)
{
    int64_t start = bucket_idx * sp->bucket, end = start + sp->bucket;
    char a[32], b[32];
    iso(start, a);
    iso(end, b);
    char *id = es__asprintf("spike:%s:%lld:%s", s->key, (long long)(s->ep.start_idx * sp->bucket),
                           strcmp(event, "spike_began") == 0 ? "began" : "ended");
    json_t *o = json_pack("{s:s,s:s?,s:s,s:s,s:I,s:I,s:s,s:s,s:I}", "event", event, "id", id, "brand",
                          s->brand, "series", s->key, "bucket_start", (json_int_t)start, "bucket_end",
                          (json_int_t)end, "bucket_start_utc", a, "bucket_end_utc", b, "episode_start",
                          (json_int_t)(s->ep.start_idx * sp->bucket));
    free(id);
    if (o && s->owner)
        json_object_set_new(o, "owner", json_string(s->owner));
    if (o && s->network)
        json_object_set_new(o, "network", json_string(s->network));
    if (o && s->topic) /* "topic" is the word test's finding (topic.c) */
        json_object_set_new(o, "topic_name", json_string(s->topic));
    return o;
}

/* topic: NULL for a count alert, else the word that decided it (p is then
 * the topic test's, count_p the window count's). */
static void emit_began(es_spike_t *sp, es_spike_series_t *s, int64_t idx, const es_spike_bucket_t *bk,
                       uint32_t neg, uint32_t tot, const es_spike_expect_t *e, double p, int window,
                       int partial, const es_spike_topic_t *topic, double count_p)
{
    json_t *o = alert_base(sp, s, "spike_began", idx);
    if (!o)
        return;
    json_t *urls = json_array();
    for (uint32_t i = 0; bk && i < bk->n_urls; i++)
        json_array_append_new(urls, json_string(bk->urls[i]));
    static const es_spike_map_t none;
    json_t *terms = es__spike_top_terms(&s->brand_series->vocab, bk ? &bk->words : &none, neg,
                                       (int)sp->top_terms);
    json_object_set_new(o, "count", json_integer(neg));
    json_object_set_new(o, "total", json_integer(tot));
    json_object_set_new(o, "expected", json_real(round_to(e->neg, 0.01)));
    json_object_set_new(o, "p_value", json_real(p));
    double pd = p * 86400.0 / (double)sp->bucket;
    json_object_set_new(o, "p_daily", json_real(pd < 1 ? pd : 1));
    json_object_set_new(o, "window_buckets", json_integer(window));
    json_object_set_new(o, "signal", json_string(topic ? "topic" : "count"));
    if (topic)
        json_object_set_new(o, "topic",
                            json_pack("{s:s,s:I,s:I,s:f,s:f}", "term", topic->term, "count",
                                      (json_int_t)topic->count, "window_count", (json_int_t)topic->docs,
                                      "usual_share", round_to(topic->share, 0.0001), "count_p_value", count_p));
    json_object_set_new(o, "share", json_real(round_to(tot ? (double)neg / tot : 0, 0.001)));
    json_object_set_new(o, "expected_share", json_real(round_to(e->share, 0.001)));
    json_object_set_new(o, "baseline", json_string(es__spike_tier_name(e->tier)));
    json_object_set_new(o, "volume_adjusted", json_boolean(e->volume_adjusted));
    json_object_set_new(o, "partial", json_boolean(partial));
    json_object_set_new(o, "detected_at", json_integer((json_int_t)sp->clock));
    json_object_set_new(o, "terms", terms ? terms : json_array());
    json_object_set_new(o, "urls", urls ? urls : json_array());
    sp->st.began++;
    sp->emit(sp->ud, o);
}

static void emit_ended(es_spike_t *sp, es_spike_series_t *s, int64_t idx)
{
    json_t *o = alert_base(sp, s, "spike_ended", idx);
    if (!o)
        return;
    json_object_set_new(o, "episode_end", json_integer((json_int_t)((s->ep.last_idx + 1) * sp->bucket)));
    json_object_set_new(o, "buckets", json_integer(s->ep.buckets));
    json_object_set_new(o, "count", json_integer(s->ep.count));
    json_object_set_new(o, "peak_count", json_integer(s->ep.peak));
    json_object_set_new(o, "peak_bucket_start", json_integer((json_int_t)(s->ep.peak_idx * sp->bucket)));
    json_object_set_new(o, "min_p_value", json_real(s->ep.min_p));
    sp->st.ended++;
    sp->emit(sp->ud, o);
}

/* ---- closing ------------------------------------------------------------ */

/* Gate of the topic test: the window's negatives must be above normal at
 * least this clearly (one-sided, before any correction). The test's own
 * p-value, conditional on the count, carries the improbability, so the
 * gate is about meaning (complaints are up) more than about false alarms. */
#define TOPIC_GATE_P 0.05

/* The topic test (topic.c) on this bucket alone and, when the previous
 * bucket is contiguous, on the two together: does a window whose negatives
 * are above normal concentrate improbably on one word? Called for buckets
 * the count test did not flag, outside episodes. Fills topic, count_p and
 * window for the window that passed; 1 when one did. */
static int topic_check(const es_spike_t *sp, es_spike_series_t *s, const es_spike_bucket_t *bk, uint32_t neg,
                       double exp_neg, double disp, es_spike_topic_t *topic, double *count_p, int *window)
{
    if (!bk || !bk->words.count)
        return 0; /* a window's newest bucket without words adds nothing new */
    int hit = 0;
    for (int w = 1; w <= 2; w++) {
        if (w == 2 && s->prev_n < 1)
            break;
        int64_t n = (int64_t)neg + (w == 2 ? s->prev_neg[0] : 0);
        double ex = exp_neg + (w == 2 ? s->prev_exp[0] : 0);
        if (n < sp->min_count || (double)n <= ex)
            continue;
        double cp = es__spike_tail(n, ex, disp);
        if (cp >= TOPIC_GATE_P)
            continue;
        es_spike_topic_t t;
        es__spike_topic_test(&s->brand_series->vocab, &bk->words, w == 2 ? &s->prev_words : NULL, n, &t);
        if (t.p < sp->p_bucket && (!hit || t.p < topic->p)) {
            *topic = t, *count_p = cp, *window = w;
            hit = 1;
        }
    }
    return hit;
}

static void close_bucket(es_spike_t *sp, es_spike_series_t *s, int64_t idx)
{
    es_spike_bucket_t *bk = &s->ring[(size_t)(idx % (int64_t)sp->ring_n)];
    int has = bk->idx == idx;
    uint32_t neg = has ? bk->neg : 0, tot = has ? bk->tot : 0;
    int64_t start = idx * sp->bucket;
    if (!has && s->base.n_buckets == 0)
        return; /* a series' history starts with its first mention */
    es_spike_expect_t e;
    es__spike_base_expect(&s->base, start, sp->bucket, (double)(tot - neg), &e);
    int warm = s->base.n_buckets > 0 && start - s->base.first_start >= sp->warmup;
    /* The bucket alone, and, when it is above its expectation, with the
     * 1..ES_SPIKE_WINDOW-1 buckets before it (sum against sum): a spike
     * that fills several buckets is caught even when no bucket alone is
     * improbable enough, which is what decides recall for series with a
     * few negatives per bucket. The windows are nested and strongly
     * correlated, so taking the smallest p costs little in false alarms
     * (bench/spikes: about 1 per 400 series-days on control streams with
     * windows up to 6, against 1 per 700 with 2; spike.p is 1 per 1000). */
    double p1 = (double)neg > e.neg ? es__spike_tail(neg, e.neg, e.disp) : 1.0, p = p1;
    int window = 1;
    if (s->prev_idx != idx - 1)
        s->prev_n = 0; /* a gap: the history is not contiguous */
    if ((double)neg > e.neg) {
        int64_t sum = neg;
        double sum_exp = e.neg;
        for (int k = 0; k < s->prev_n; k++) {
            sum += s->prev_neg[k];
            sum_exp += s->prev_exp[k];
            if ((double)sum <= sum_exp)
                continue;
            double pk = es__spike_tail(sum, sum_exp, e.disp);
            if (pk < p)
                p = pk, window = k + 2;
        }
    }
    double share = tot ? (double)neg / tot : 0;
    int share_ok = sp->share_jump <= 0 || share >= e.share + sp->share_jump;
    int trig = warm && neg >= sp->min_count && p < sp->p_bucket && share_ok;
    es_spike_topic_t topic;
    int topic_hit = 0;
    double count_p = p;
    if (!trig && warm && share_ok && sp->topic && !s->ep.open)
        topic_hit = topic_check(sp, s, has ? bk : NULL, neg, e.neg, e.disp, &topic, &count_p, &window);
    if (topic_hit)
        trig = 1, p = topic.p;
    int anomalous = trig || s->ep.open;
    /* A bucket that alerted early (while open) belongs to its episode even
     * if the volume that came later explains it. */
    int alerted = trig || (s->ep.open && s->ep.start_idx == idx && s->ep.buckets == 0);
    if (alerted) {
        if (!s->ep.open) {
            s->ep = (es_spike_episode_t){.open = 1, .start_idx = idx, .min_p = p, .peak = -1};
            sp->episodes_changed = 1;
            emit_began(sp, s, idx, has ? bk : NULL, neg, tot, &e, p, window, 0, topic_hit ? &topic : NULL, count_p);
        }
        if (idx > s->ep.last_idx)
            s->ep.last_idx = idx; /* an early alert may have opened a later bucket */
        s->ep.buckets++;
        s->ep.count += neg;
        if ((int64_t)neg > s->ep.peak)
            s->ep.peak = neg, s->ep.peak_idx = idx;
        if (p < s->ep.min_p)
            s->ep.min_p = p;
    } else if (s->ep.open && (idx - s->ep.last_idx) * sp->bucket >= sp->cooldown) {
        emit_ended(sp, s, idx);
        s->ep.open = 0;
        sp->episodes_changed = 1;
    }
    if (s->prev_n > ES_SPIKE_WINDOW - 2)
        s->prev_n = ES_SPIKE_WINDOW - 2;
    memmove(s->prev_neg + 1, s->prev_neg, (size_t)s->prev_n * sizeof s->prev_neg[0]);
    memmove(s->prev_exp + 1, s->prev_exp, (size_t)s->prev_n * sizeof s->prev_exp[0]);
    s->prev_neg[0] = neg, s->prev_exp[0] = e.neg;
    s->prev_n++;
    s->prev_idx = idx;
    es__spike_base_update(&s->base, start, sp->bucket, neg, (double)(tot - neg), &e, anomalous);
    if (s->brand_series == s) {
        static const es_spike_map_t none;
        es__spike_vocab_fold(&s->vocab, sp->vocab_keep, has ? &bk->words : &none, neg);
    }
    es__spike_map_free(&s->prev_words);
    if (has) {
        s->prev_words = bk->words; /* moved: the reset below must not free it */
        memset(&bk->words, 0, sizeof bk->words);
        bucket_reset(bk);
    }
    sp->st.buckets++;
}

/* Early alert: a bucket still open whose negatives alone are already
 * improbable against the whole bucket's expectation (they can only grow)
 * opens its episode now rather than at end + grace. Only from the middle
 * of the bucket on (by the detector clock), so the non-negative count so far,
 * which the volume adjustment uses, has had time to show a surge of all
 * mentions; the share is taken over at least the expected total. */
static void early_check(es_spike_t *sp, es_spike_series_t *s, es_spike_bucket_t *bk)
{
    int64_t start = bk->idx * sp->bucket;
    if (!sp->early || s->ep.open || bk->neg < sp->min_count || s->base.n_buckets == 0 ||
        start - s->base.first_start < sp->warmup || sp->clock < start + sp->bucket / 2)
        return;
    es_spike_expect_t e;
    es__spike_base_expect(&s->base, start, sp->bucket, (double)(bk->tot - bk->neg), &e);
    if (bk->neg < e.neg + 3 * sqrt(e.disp * e.neg) + 1)
        return; /* not even three deviations: skip the tail sum */
    double whole = e.neg + e.nn > bk->tot ? e.neg + e.nn : bk->tot;
    double p = es__spike_tail(bk->neg, e.neg, e.disp), share = bk->neg / whole;
    if (p >= sp->p_bucket || (sp->share_jump > 0 && share < e.share + sp->share_jump))
        return;
    s->ep = (es_spike_episode_t){.open = 1, .start_idx = bk->idx, .last_idx = bk->idx, .min_p = p, .peak = -1};
    sp->episodes_changed = 1;
    emit_began(sp, s, bk->idx, bk, bk->neg, bk->tot, &e, p, 1, 1, NULL, p);
}

/* Closes bucket idx in every series: owner and network series first, so
 * their top terms are scored before the brand's vocabulary learns the
 * bucket. */
static void close_all(es_spike_t *sp, int64_t idx)
{
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < sp->n_all; i++) {
            es_spike_series_t *s = sp->all[i];
            if ((s->brand_series == s) == pass)
                close_bucket(sp, s, idx);
        }
}

static void advance(es_spike_t *sp, int64_t clock)
{
    if (clock <= sp->clock)
        return;
    int64_t target = floor_div(clock - sp->grace, sp->bucket);
    if (sp->next_close == ES_SPIKE_NO_IDX) {
        sp->next_close = target;
    } else if (sp->clock > 0 && clock - sp->clock > gap_limit(sp)) {
        /* Close what the old clock had data for, then jump. */
        int64_t upto = floor_div(sp->clock, sp->bucket) + 1;
        for (; sp->next_close < upto && sp->next_close < target; sp->next_close++)
            close_all(sp, sp->next_close);
        if (sp->next_close < target)
            sp->next_close = target;
    }
    for (; sp->next_close < target; sp->next_close++)
        close_all(sp, sp->next_close);
    sp->clock = clock;
    int64_t wall = 0;
    if (sp->episodes_changed ||
        (clock - sp->last_persist >= SAVE_EVERY && (wall = (int64_t)time(NULL)) - sp->last_save_wall >= SAVE_WALL_MIN)) {
        sp->episodes_changed = 0;
        sp->last_persist = clock;
        sp->last_save_wall = wall ? wall : (int64_t)time(NULL);
        es__spike_store_save(sp);
    }
}

/* ---- public ------------------------------------------------------------- */

static void observe_series(es_spike_t *sp, es_spike_series_t *s, int64_t idx, int neg,
                           char (*words)[ES_SPIKE_WORD_MAX], size_t nw, const es_mention_t *m)
{
    es_spike_bucket_t *bk = &s->ring[(size_t)(idx % (int64_t)sp->ring_n)];
    if (bk->idx != idx) {
        bucket_reset(bk); /* cannot hold another open bucket: the ring spans grace */
        bk->idx = idx;
    }
    bk->tot++;
    if (!neg)
        return;
    bk->neg++;
    for (size_t w = 0; w < nw; w++)
        es__spike_map_add(&bk->words, words[w], strlen(words[w]), 1);
    if (m->url && *m->url && bk->n_urls < sp->n_urls) {
        char **nu = realloc(bk->urls, (bk->n_urls + 1) * sizeof *nu);
        if (nu) {
            bk->urls = nu;
            if ((nu[bk->n_urls] = es__strdup(m->url)))
                bk->n_urls++;
        }
    }
    early_check(sp, s, bk);
}

void es__spike_observe(es_spike_t *sp, const es_rec_t *rec)
{
    const es_mention_t *m = &rec->m;
    int64_t t = m->created_at;
    if (sp && sp->disabled)
        return;
    if (!sp || !m->brand || !*m->brand || t <= 0 || t > (int64_t)time(NULL) + FUTURE_SLACK) {
        if (sp)
            sp->st.ignored++;
        return;
    }
    if (t > sp->clock)
        advance(sp, t);
    int64_t idx = floor_div(t, sp->bucket);
    if (idx < sp->next_close) {
        sp->st.late++;
        return;
    }
    int neg = m->sentiment.label && strcmp(m->sentiment.label, "negative") == 0;
    char words[ES_SPIKE_MAX_WORDS][ES_SPIKE_WORD_MAX];
    size_t nw = neg && m->text && (sp->top_terms > 0 || sp->topic) ? es__spike_words(&sp->stop, m->text, words) : 0;
    const char *owner = sp->by_owner && m->owner && *m->owner ? m->owner : NULL;
    const char *network = sp->by_network && m->network && *m->network ? m->network : NULL;
    /* Every brand the mention is about, except those whose own account
     * wrote it (owned: the brand's replies are not its customers' voice). */
    int counted = 0;
    for (size_t b = 0; b < (m->n_brands ? m->n_brands : 1); b++) {
        const char *brand = m->n_brands ? m->brands[b] : m->brand;
        if (m->n_brands && m->brand_owned[b] && !sp->count_owned)
            continue;
        counted = 1;
        es_spike_series_t *s;
        if ((s = es__spike_series_get(sp, brand, NULL, NULL, NULL)))
            observe_series(sp, s, idx, neg, words, nw, m);
        if (owner && (s = es__spike_series_get(sp, brand, owner, NULL, NULL)))
            observe_series(sp, s, idx, neg, words, nw, m);
        if (network && (s = es__spike_series_get(sp, brand, NULL, network, NULL)))
            observe_series(sp, s, idx, neg, words, nw, m);
        for (size_t t = 0; sp->by_topic && t < m->n_topics; t++)
            if ((s = es__spike_series_get(sp, brand, NULL, NULL, m->topics[t])))
                observe_series(sp, s, idx, neg, words, nw, m);
    }
    if (!counted) {
        sp->st.ignored++;
        return;
    }
    sp->st.observed++;
}

void es__spike_tick(es_spike_t *sp, int64_t now_s)
{
    if (!sp || sp->disabled || sp->clock <= 0)
        return;
    if (!sp->live && now_s - sp->clock <= sp->bucket + sp->grace)
        sp->live = 1;
    if (sp->live)
        advance(sp, now_s);
}

int es__spike_flush(es_spike_t *sp)
{
    if (!sp || sp->disabled)
        return 0;
    /* A live stream (a --once run from cron on fresh mentions) closes what
     * the wall clock allows; a replay of old mentions is left as it is, and
     * its open buckets are saved for the next run to complete. */
    es__spike_tick(sp, (int64_t)time(NULL));
    sp->episodes_changed = 0;
    sp->last_persist = sp->clock;
    return es__spike_store_save(sp);
}

void es__spike_get_stats(const es_spike_t *sp, es_spike_stats_t *out)
{
    *out = sp->st;
}

int64_t es__spike_clock(const es_spike_t *sp)
{
    return sp->clock;
}

void es__spike_free(es_spike_t *sp)
{
    if (!sp)
        return;
    for (size_t i = 0; i < sp->n_all; i++)
        series_free(sp, sp->all[i]);
    free(sp->all);
    free(sp->tab);
    es__spike_map_free(&sp->stop);
    free(sp);
}

int es__spike_new(const es_config_t *cfg, es_state_t *st, es_spike_emit_fn emit, void *ud, es_spike_t **out,
                 es_diag_t *diag)
{
    *out = NULL;
    const char *f = cfg->main_path ? cfg->main_path : "earshot.conf";
    int bad = 0;
    /* es__config_load() has reported these with their lines; a config built
     * by hand (tests, embedding) is checked here too. */
    if (cfg->spike_bucket_ms < 60000 || cfg->spike_bucket_ms > 86400000 || cfg->spike_bucket_ms % 1000)
        es__diag_add(diag, f, 0, "spike.bucket: must be whole seconds between 1m and 1d"), bad = 1;
    if (cfg->spike_grace_ms > 86400000 || cfg->spike_grace_ms % 1000)
        es__diag_add(diag, f, 0, "spike.grace: must be whole seconds, at most 1d"), bad = 1;
    if (cfg->spike_cooldown_ms < cfg->spike_bucket_ms)
        es__diag_add(diag, f, 0, "spike.cooldown: must be at least spike.bucket"), bad = 1;
    if (!(cfg->spike_p > 0 && cfg->spike_p < 1))
        es__diag_add(diag, f, 0, "spike.p: must be between 0 and 1 (exclusive)"), bad = 1;
    if (!(cfg->spike_share_jump >= 0 && cfg->spike_share_jump < 1))
        es__diag_add(diag, f, 0, "spike.share_jump: must be at least 0 and below 1"), bad = 1;
    if (cfg->spike_min_count < 1)
        es__diag_add(diag, f, 0, "spike.min_count: must be at least 1"), bad = 1;
    if (cfg->spike_top_terms < 0 || cfg->spike_top_terms > 50 || cfg->spike_example_urls < 0 ||
        cfg->spike_example_urls > 20)
        es__diag_add(diag, f, 0, "spike.top_terms / spike.example_urls: out of range"), bad = 1;
    if (!emit)
        es__diag_add(diag, f, 0, "spike detector: no emit callback"), bad = 1;
    if (bad)
        return ES_ECONFIG;
    es_spike_t *sp = calloc(1, sizeof *sp);
    if (!sp)
        return ES_ENOMEM;
    if (!cfg->spike_enabled) {
        sp->disabled = 1;
        *out = sp;
        return 0;
    }
    sp->bucket = (int64_t)(cfg->spike_bucket_ms / 1000);
    sp->grace = (int64_t)(cfg->spike_grace_ms / 1000);
    sp->warmup = (int64_t)(cfg->spike_warmup_ms / 1000);
    sp->cooldown = (int64_t)(cfg->spike_cooldown_ms / 1000);
    sp->p = cfg->spike_p;
    /* spike.p is the chance that an ordinary day of one series raises a
     * false alarm; each bucket is one of a day's tests. */
    sp->p_bucket = sp->bucket >= 86400 ? sp->p : sp->p * (double)sp->bucket / 86400.0;
    sp->share_jump = cfg->spike_share_jump;
    sp->min_count = cfg->spike_min_count;
    sp->top_terms = cfg->spike_top_terms;
    sp->n_urls = cfg->spike_example_urls;
    sp->by_owner = cfg->spike_by_owner;
    sp->by_network = cfg->spike_by_network;
    sp->by_topic = cfg->spike_by_topic;
    sp->count_owned = cfg->count_owned;
    sp->early = cfg->spike_early;
    sp->topic = cfg->spike_topic;
    sp->vocab_keep = pow(0.5, (double)sp->bucket / VOCAB_HALF_LIFE);
    sp->ring_n = (size_t)((sp->grace + sp->bucket - 1) / sp->bucket) + 3;
    sp->next_close = ES_SPIKE_NO_IDX;
    sp->state = st;
    sp->emit = emit;
    sp->ud = ud;
    int rc = es__spike_stopwords_load(&sp->stop);
    if (rc == 0 && st)
        rc = es__spike_store_load(sp);
    if (rc < 0) {
        es__diag_add(diag, f, 0, "spike detector: cannot %s: %s", st ? "load its state" : "start",
                    st && rc == ES_EDB ? es__state_errmsg(st) : es_strerror(rc));
        es__spike_free(sp);
        return rc;
    }
    sp->last_persist = sp->clock;
    *out = sp;
    return 0;
}
