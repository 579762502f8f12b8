/*
 * The synthetic stream generator and the scorer of a detector's alerts
 * against the spikes it injected. See gen.h.
 */
#include "gen.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const brands[SPK_MAX_BRANDS] = {"acme", "globex", "initech", "umbrella"};
static const char *const base_topics[] = {"delivery", "price", "support", "app", "website", "queue",
                                          "invoice", "staff", "parcel", "battery", "store", "checkout"};
static const char *const spike_topics[] = {"outage", "refund", "login", "recall", "breach", "panne",
                                           "remboursement", "overcharged", "cancelled", "crash"};
static const char *const neg_adj[] = {"terrible", "awful", "horrible", "useless", "disappointing", "the worst"};
static const char *const pos_adj[] = {"great", "lovely", "excellent", "amazing", "fine"};
#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Spike sizes cycled per brand: {multiplier, buckets, volume}. */
static const struct {
    double mult;
    int len, volume;
} kinds[] = {
    {3, 2, 0}, {3, 2, 0}, {4, 2, 0}, {5, 3, 0}, {3, 4, 0}, {8, 2, 0}, {3, 6, 0}, /* qualifying */
    {2, 2, 0}, {1.5, 4, 0}, {3, 1, 0}, {5, 1, 0},                               /* small */
    {3, 3, 1},                                                                  /* volume surge */
};

struct spk_gen {
    spk_cfg_t c;
    uint64_t rng[1];
    double *dayf, *hourf; /* [brand][day], [brand][hour] */
    spk_spike_t *spikes;
    size_t n_spikes;
    int64_t minute, end;
    uint64_t counter;
    spk_mention_t *heap; /* by arrival */
    size_t n_heap, cap_heap;
};

/* ---- randomness ---------------------------------------------------------- */

static uint64_t splitmix(uint64_t *x);

/* splitmix64: passes BigCrush, one add and three multiplies. */
static uint64_t next_u64(spk_gen_t *g)
{
    return splitmix(&g->rng[0]);
}

static double unif(spk_gen_t *g)
{
    return (double)(next_u64(g) >> 11) * (1.0 / 9007199254740992.0);
}

static double normal(spk_gen_t *g)
{
    double u = unif(g), v = unif(g);
    return sqrt(-2 * log(u + 1e-300)) * cos(2 * M_PI * v);
}

static int poisson(spk_gen_t *g, double lambda)
{
    int n = 0;
    while (lambda > 20) { /* Knuth's method in slices keeps exp() from underflowing */
        n += poisson(g, 20);
        lambda -= 20;
    }
    double l = exp(-lambda), p = 1;
    for (;;) {
        p *= unif(g);
        if (p <= l)
            return n;
        n++;
    }
}

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* ---- rates --------------------------------------------------------------- */

void spk_cfg_default(spk_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    c->seed = 42;
    c->days = 35;
    c->t0 = 1767571200; /* Monday 2026-01-05 00:00 UTC */
    c->bucket = 300;
    c->n_brands = 3;
    c->peak_total[0] = 200, c->peak_total[1] = 100, c->peak_total[2] = 50, c->peak_total[3] = 25;
    c->neg_share = 0.15;
    c->late_share = 0.05;
    c->late_max = 240;
    c->first_spike_day = 2;
    c->spike_gap_hours = 20;
    c->topic_share = 1;
}

const char *spk_brand_name(int i)
{
    return brands[i];
}

/* Mentions per bucket of one brand at time t, spikes aside. */
static double rate(const spk_gen_t *g, int b, int64_t t)
{
    double h = (double)((t - g->c.t0) % 86400) / 3600.0;
    int day = (int)((t - g->c.t0) / 86400), dow = day % 7;
    double diurnal = 0.4 + 0.6 * (0.5 - 0.5 * cos(2 * M_PI * (h - 4) / 24));
    double weekly = dow >= 5 ? 0.7 : 1.0;
    double trend = 1 + 0.1 * (double)day / g->c.days;
    int hour = (int)((t - g->c.t0) / 3600);
    return g->c.peak_total[b] * diurnal * weekly * trend * g->dayf[b * g->c.days + day] *
           g->hourf[b * g->c.days * 24 + hour];
}

static void schedule(spk_gen_t *g)
{
    const spk_cfg_t *c = &g->c;
    size_t cap = 64;
    g->spikes = malloc(cap * sizeof *g->spikes);
    for (int b = 0; b < c->n_brands && !c->control; b++) {
        int order[N(kinds)];
        for (size_t i = 0; i < N(kinds); i++)
            order[i] = (int)i;
        for (size_t i = N(kinds) - 1; i > 0; i--) {
            size_t j = next_u64(g) % (i + 1);
            int t = order[i];
            order[i] = order[j], order[j] = t;
        }
        double t = (double)c->t0 + c->first_spike_day * 86400 + unif(g) * c->spike_gap_hours * 3600;
        for (int k = 0; t < (double)(c->t0 + (int64_t)(c->days - 1) * 86400); k++) {
            int kd = order[k % (int)N(kinds)];
            int64_t start = (int64_t)t / c->bucket * c->bucket;
            if (g->n_spikes == cap)
                g->spikes = realloc(g->spikes, (cap *= 2) * sizeof *g->spikes);
            spk_spike_t *s = &g->spikes[g->n_spikes++];
            *s = (spk_spike_t){b, start, kinds[kd].len, kinds[kd].mult, kinds[kd].volume,
                               spike_topics[next_u64(g) % N(spike_topics)], 0};
            s->base_neg = rate(g, b, start) * c->neg_share;
            t += c->spike_gap_hours * 3600 * (0.6 + 0.8 * unif(g));
        }
    }
}

spk_gen_t *spk_gen_new(const spk_cfg_t *c)
{
    spk_gen_t *g = calloc(1, sizeof *g);
    g->c = *c;
    g->rng[0] = c->seed * 0x2545F4914F6CDD1Dull + 1;
    g->dayf = malloc(sizeof(double) * (size_t)(c->n_brands * c->days));
    g->hourf = malloc(sizeof(double) * (size_t)(c->n_brands * c->days * 24));
    for (int i = 0; i < c->n_brands * c->days; i++)
        g->dayf[i] = exp(0.08 * normal(g));
    for (int i = 0; i < c->n_brands * c->days * 24; i++)
        g->hourf[i] = exp(0.05 * normal(g));
    schedule(g);
    g->minute = c->t0;
    g->end = c->t0 + (int64_t)c->days * 86400;
    return g;
}

void spk_gen_free(spk_gen_t *g)
{
    if (!g)
        return;
    free(g->dayf);
    free(g->hourf);
    free(g->spikes);
    free(g->heap);
    free(g);
}

const spk_spike_t *spk_gen_spikes(const spk_gen_t *g, size_t *n)
{
    *n = g->n_spikes;
    return g->spikes;
}

/* ---- the stream ---------------------------------------------------------- */

static void heap_push(spk_gen_t *g, const spk_mention_t *m)
{
    if (g->n_heap == g->cap_heap) {
        g->cap_heap = g->cap_heap ? g->cap_heap * 2 : 1024;
        g->heap = realloc(g->heap, g->cap_heap * sizeof *g->heap);
    }
    size_t i = g->n_heap++;
    g->heap[i] = *m;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (g->heap[p].arrival <= g->heap[i].arrival)
            break;
        spk_mention_t t = g->heap[p];
        g->heap[p] = g->heap[i], g->heap[i] = t;
        i = p;
    }
}

static void heap_pop(spk_gen_t *g, spk_mention_t *out)
{
    *out = g->heap[0];
    g->heap[0] = g->heap[--g->n_heap];
    for (size_t i = 0;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < g->n_heap && g->heap[l].arrival < g->heap[m].arrival)
            m = l;
        if (r < g->n_heap && g->heap[r].arrival < g->heap[m].arrival)
            m = r;
        if (m == i)
            break;
        spk_mention_t t = g->heap[m];
        g->heap[m] = g->heap[i], g->heap[i] = t;
        i = m;
    }
}

static const spk_spike_t *active(const spk_gen_t *g, int b, int64_t t)
{
    for (size_t i = 0; i < g->n_spikes; i++) {
        const spk_spike_t *s = &g->spikes[i];
        if (s->brand == b && t >= s->start && t < s->start + (int64_t)s->len * g->c.bucket)
            return s;
    }
    return NULL;
}

static void make(spk_gen_t *g, int b, int64_t t, int neg, const char *topic)
{
    spk_mention_t m;
    memset(&m, 0, sizeof m);
    g->counter++;
    snprintf(m.id, sizeof m.id, "synthetic:%llu", (unsigned long long)g->counter);
    snprintf(m.url, sizeof m.url, "https://social.example/%s/%llu", brands[b], (unsigned long long)g->counter);
    m.brand = brands[b];
    double u = unif(g);
    m.network = u < 0.6 ? "twitter" : u < 0.85 ? "forum" : "rss";
    u = unif(g);
    m.owner = u < 0.3 ? "care" : u < 0.4 ? "social" : NULL;
    m.created_at = t;
    m.negative = neg;
    const char *bt = base_topics[next_u64(g) % N(base_topics)];
    int v = (int)(next_u64(g) % 4);
    const char *br = brands[b];
    const char *na = neg_adj[next_u64(g) % N(neg_adj)], *pa = pos_adj[next_u64(g) % N(pos_adj)];
    char *o = m.text;
    size_t on = sizeof m.text;
    if (neg && topic) {
        switch (v) {
        case 0: snprintf(o, on, "@%s %s again?! this is %s #%s", br, topic, na, topic); break;
        case 1: snprintf(o, on, "%s %s for the whole afternoon, %s service", br, topic, na); break;
        case 2: snprintf(o, on, "@%s : encore une %s, c'est vraiment nul et %s #%s", br, topic, na, topic); break;
        default: snprintf(o, on, "is %s down? %s everywhere, %s", br, topic, na); break;
        }
    } else if (neg) {
        switch (v) {
        case 0: snprintf(o, on, "@%s the %s is %s, not happy", br, bt, na); break;
        case 1: snprintf(o, on, "%s %s was %s today. Never again", br, bt, na); break;
        case 2: snprintf(o, on, "@%s le %s est nul, vraiment %s", br, bt, na); break;
        default: snprintf(o, on, "my %s from #%s: %s experience", bt, br, na); break;
        }
    } else {
        switch (v) {
        case 0: snprintf(o, on, "@%s the %s is %s, thanks!", br, bt, pa); break;
        case 1: snprintf(o, on, "just used %s %s, %s", br, bt, pa); break;
        case 2: snprintf(o, on, "merci @%s pour le %s, %s", br, bt, pa); break;
        default: snprintf(o, on, "anyone know when the %s %s opens?", br, bt); break;
        }
    }
    m.arrival = t;
    if (unif(g) < g->c.late_share)
        m.arrival += 1 + (int64_t)(unif(g) * g->c.late_max);
    heap_push(g, &m);
}

static void gen_minute(spk_gen_t *g)
{
    int64_t t = g->minute;
    for (int b = 0; b < g->c.n_brands; b++) {
        double per_min = rate(g, b, t) * 60.0 / g->c.bucket;
        double lneg = per_min * g->c.neg_share, lnn = per_min - lneg;
        const spk_spike_t *s = active(g, b, t);
        double extra = 0; /* share of negatives that are the spike's */
        if (s && s->volume) {
            lneg *= s->mult, lnn *= s->mult;
        } else if (s) {
            extra = (s->mult - 1) / s->mult * g->c.topic_share;
            lneg *= s->mult;
        }
        int nneg = poisson(g, lneg), nnn = poisson(g, lnn);
        for (int i = 0; i < nneg + nnn; i++) {
            int neg = i < nneg;
            make(g, b, t + (int64_t)(unif(g) * 60), neg, neg && unif(g) < extra ? s->topic : NULL);
        }
    }
    g->minute += 60;
}

int spk_gen_next(spk_gen_t *g, spk_mention_t *m)
{
    /* Everything generated later is dated at or after the current minute,
     * so a pending mention due before it can go. */
    while (!(g->n_heap && g->heap[0].arrival < g->minute)) {
        if (g->minute >= g->end) {
            if (!g->n_heap)
                return 0;
            break;
        }
        gen_minute(g);
    }
    heap_pop(g, m);
    return 1;
}

/* ---- evaluation ---------------------------------------------------------- */

void spk_alert_from_json(spk_alert_t *al, const json_t *a)
{
    memset(al, 0, sizeof *al);
    snprintf(al->brand, sizeof al->brand, "%s", json_string_value(json_object_get(a, "brand")));
    al->bucket_start = json_integer_value(json_object_get(a, "bucket_start"));
    al->detected_at = json_integer_value(json_object_get(a, "detected_at"));
    const char *ev = json_string_value(json_object_get(a, "event"));
    al->ended = ev && strcmp(ev, "spike_ended") == 0;
    const char *sig = json_string_value(json_object_get(a, "signal"));
    al->topic = sig && strcmp(sig, "topic") == 0;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(a, "terms"), i, t)
    {
        size_t l = strlen(al->terms);
        snprintf(al->terms + l, sizeof al->terms - l, "%s%s", l ? " " : "", json_string_value(json_object_get(t, "term")));
    }
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int qualifies(const spk_spike_t *s)
{
    return !s->volume && s->mult >= 3 && s->len >= 2;
}

void spk_evaluate(const spk_cfg_t *c, const spk_spike_t *sp, size_t n, const spk_alert_t *al, size_t na,
                  spk_eval_t *e)
{
    memset(e, 0, sizeof *e);
    double *delays = malloc((n + 1) * sizeof *delays), *lat = malloc((n + 1) * sizeof *lat);
    int nd = 0;
    for (size_t i = 0; i < na; i++) {
        if (al[i].ended) {
            e->ended++;
            continue;
        }
        e->alerts++;
        e->topic_alerts += al[i].topic;
        const spk_spike_t *hit = NULL;
        for (size_t j = 0; j < n && !hit; j++)
            if (!strcmp(brands[sp[j].brand], al[i].brand) && al[i].bucket_start >= sp[j].start &&
                al[i].bucket_start < sp[j].start + (int64_t)sp[j].len * c->bucket)
                hit = &sp[j];
        if (hit && !hit->volume) {
            e->true_alerts++;
            char want[64];
            snprintf(want, sizeof want, " %s ", hit->topic);
            char have[sizeof al[i].terms + 2];
            snprintf(have, sizeof have, " %s ", al[i].terms);
            e->topic_hits += strstr(have, want) != NULL;
        } else {
            e->false_alarms++;
            e->volume_alarms += hit != NULL;
            e->topic_false += al[i].topic;
        }
    }
    for (size_t j = 0; j < n; j++) {
        const spk_spike_t *s = &sp[j];
        if (s->volume) {
            e->volume_spikes++;
            continue;
        }
        int64_t first = -1, detected = 0;
        for (size_t i = 0; i < na; i++)
            if (!al[i].ended && !strcmp(brands[s->brand], al[i].brand) && al[i].bucket_start >= s->start &&
                al[i].bucket_start < s->start + (int64_t)s->len * c->bucket &&
                (first < 0 || al[i].bucket_start < first))
                first = al[i].bucket_start, detected = al[i].detected_at;
        int hit = first >= 0;
        if (qualifies(s)) {
            e->qualifying++, e->qualifying_hit += hit;
            e->brand_qual[s->brand]++, e->brand_hit[s->brand] += hit;
            e->brand_base[s->brand] += s->base_neg;
            if (s->base_neg >= 8)
                e->qual_dense++, e->qual_dense_hit += hit;
            if (hit) {
                lat[nd] = (double)(detected - s->start);
                delays[nd++] = (double)(first - s->start) / c->bucket;
            }
        } else {
            e->small++, e->small_hit += hit;
        }
    }
    for (int b = 0; b < SPK_MAX_BRANDS; b++)
        if (e->brand_qual[b])
            e->brand_base[b] /= e->brand_qual[b];
    e->precision = e->alerts ? (double)e->true_alerts / e->alerts : 1;
    e->recall = e->qualifying ? (double)e->qualifying_hit / e->qualifying : 1;
    e->recall_dense = e->qual_dense ? (double)e->qual_dense_hit / e->qual_dense : 1;
    e->recall_small = e->small ? (double)e->small_hit / e->small : 1;
    if (nd) {
        qsort(delays, (size_t)nd, sizeof *delays, cmp_d);
        e->median_delay = nd % 2 ? delays[nd / 2] : (delays[nd / 2 - 1] + delays[nd / 2]) / 2;
        e->max_delay = delays[nd - 1];
        qsort(lat, (size_t)nd, sizeof *lat, cmp_d);
        e->median_latency = nd % 2 ? lat[nd / 2] : (lat[nd / 2 - 1] + lat[nd / 2]) / 2;
    }
    free(delays);
    free(lat);
    e->eval_weeks = (c->days - c->first_spike_day) / 7.0;
    e->false_per_week = e->eval_weeks > 0 ? e->false_alarms / e->eval_weeks : 0;
}
