/*
 * Baseline of one series: what a bucket's negative count should be.
 *
 * Three tiers, the best ready one wins: an hour-of-week profile (ready after
 * two weeks of buckets in that hour), an hour-of-day profile (after one day)
 * and, before that, exponentially weighted level means. The seasonal tiers
 * are scaled by the ratio of recent non-negative volume to what their
 * profile predicted, so trends, weekends (for the hour-of-day tier) and
 * quiet days move the expectation within the hour. The bucket's own
 * non-negative volume can raise the expectation further: a surge of all
 * mentions that keeps the usual negative share is not a negative spike.
 *
 * Dispersion (variance / mean of the residuals) is tracked per tier so the
 * tail test becomes a negative binomial when counts are noisier than
 * Poisson.
 */
#include <math.h>
#include <string.h>

#include "internal.h"
#include <earshot/plugin.h>

#define HL_LEVEL 3600.0    /* level means and volume ratios */
#define HL_DISP 86400.0    /* dispersion */
#define HOW_ALPHA_MIN 0.1  /* ~ the last two weeks of an hour of the week */
#define HOD_ALPHA_MIN 0.05 /* ~ the last three days of an hour of the day */
#define DISP_INIT 1.3
#define DISP_MAX 10.0
#define RATIO_MIN 0.1
#define RATIO_MAX 10.0
#define NEG_FLOOR 0.25 /* an hour that never saw a negative still expects some */

static double keep_for(double half_life_s, int64_t len)
{
    return pow(0.5, (double)len / half_life_s);
}

static int per_hour(int64_t len)
{
    return len >= 3600 ? 1 : (int)(3600 / len);
}

/* Epoch day 0 was a Thursday: +72 h makes Monday 00:00 UTC slot 0. */
static int how_of(int64_t start)
{
    int64_t h = start >= 0 ? start / 3600 : (start - 3599) / 3600;
    return (int)(((h + 72) % ES_SPIKE_HOW + ES_SPIKE_HOW) % ES_SPIKE_HOW);
}

static int hod_of(int64_t start)
{
    return how_of(start) % ES_SPIKE_HOD;
}

const char *es__spike_tier_name(int tier)
{
    return tier == ES_TIER_HOW ? "hour_of_week" : tier == ES_TIER_HOD ? "hour_of_day" : "level";
}

void es__spike_base_init(es_spike_base_t *b)
{
    memset(b, 0, sizeof *b);
    for (int t = 0; t < 3; t++)
        b->disp[t] = DISP_INIT;
}

static const es_spike_slot_t *tier_slot(const es_spike_base_t *b, int tier, int64_t start)
{
    return tier == ES_TIER_HOW ? &b->how[how_of(start)] : &b->hod[hod_of(start)];
}

static int tier_ready(const es_spike_base_t *b, int tier, int64_t start, int64_t len)
{
    if (tier == ES_TIER_LEVEL)
        return b->n_buckets > 0;
    const es_spike_slot_t *s = tier_slot(b, tier, start);
    return s->n >= (uint32_t)(per_hour(len) * (tier == ES_TIER_HOW ? 2 : 1));
}

static void expect_tier(const es_spike_base_t *b, int tier, int64_t start, double nn_obs,
                        es_spike_expect_t *e)
{
    double pneg, pnn, r = 1;
    if (tier == ES_TIER_LEVEL) {
        pneg = b->ew_neg, pnn = b->ew_nn;
    } else {
        const es_spike_slot_t *s = tier_slot(b, tier, start);
        pneg = s->neg, pnn = s->nn;
        if (b->rden[tier] > 0) {
            r = b->rnum[tier] / b->rden[tier];
            r = r < RATIO_MIN ? RATIO_MIN : r > RATIO_MAX ? RATIO_MAX : r;
        }
    }
    memset(e, 0, sizeof *e);
    e->tier = tier;
    e->neg = pneg * r;
    e->nn = pnn * r;
    e->share = e->neg + e->nn > 0 ? e->neg / (e->neg + e->nn) : 0;
    /* Only volume clearly above the expectation (one Poisson deviation)
     * counts, so ordinary noise in the non-negative count does not blunt
     * the test. */
    if (pnn > 0) {
        double excess = nn_obs - sqrt(e->nn);
        if (excess > e->nn) {
            double vol = pneg / pnn * excess;
            if (vol > e->neg)
                e->neg = vol, e->volume_adjusted = 1;
        }
    }
    if (e->neg < NEG_FLOOR)
        e->neg = NEG_FLOOR;
    double d = b->disp[tier];
    e->disp = d < 1 ? 1 : d > DISP_MAX ? DISP_MAX : d;
}

void es__spike_base_expect(const es_spike_base_t *b, int64_t start, int64_t len, double nn_obs,
                          es_spike_expect_t *e)
{
    int tier = tier_ready(b, ES_TIER_HOW, start, len)   ? ES_TIER_HOW
               : tier_ready(b, ES_TIER_HOD, start, len) ? ES_TIER_HOD
                                                        : ES_TIER_LEVEL;
    expect_tier(b, tier, start, nn_obs, e);
}

static void slot_fold(es_spike_slot_t *s, double neg, double nn, double alpha_min)
{
    double a = 1.0 / (double)(s->n + 1);
    if (a < alpha_min)
        a = alpha_min;
    s->neg += a * (neg - s->neg);
    s->nn += a * (nn - s->nn);
    if (s->n < UINT32_MAX)
        s->n++;
}

void es__spike_base_update(es_spike_base_t *b, int64_t start, int64_t len, double neg, double nn,
                          const es_spike_expect_t *e, int anomalous)
{
    double negw = neg;
    if (anomalous) {
        /* One deviation above the expectation: a lasting new level is still
         * learnt, slowly, but an episode does not teach the baseline that
         * episodes are normal. */
        double cap = e->neg + sqrt(e->disp * e->neg);
        if (negw > cap)
            negw = cap;
    }
    if (b->n_buckets == 0)
        b->first_start = start;
    /* Dispersion of every ready tier, so a tier taking over brings its own. */
    double kd = keep_for(HL_DISP, len);
    for (int t = 0; t < 3 && !anomalous; t++) {
        if (!tier_ready(b, t, start, len))
            continue;
        es_spike_expect_t et;
        expect_tier(b, t, start, nn, &et);
        double z = (neg - et.neg) * (neg - et.neg) / (et.neg > 0.5 ? et.neg : 0.5);
        if (z > 4 * DISP_MAX)
            z = 4 * DISP_MAX; /* one wild bucket must not swamp the estimate */
        b->disp[t] = kd * b->disp[t] + (1 - kd) * z;
    }
    double kl = keep_for(HL_LEVEL, len);
    for (int t = ES_TIER_HOD; t <= ES_TIER_HOW; t++) {
        const es_spike_slot_t *s = tier_slot(b, t, start);
        if (s->n == 0)
            continue;
        b->rnum[t] = kl * b->rnum[t] + (1 - kl) * nn;
        b->rden[t] = kl * b->rden[t] + (1 - kl) * s->nn;
    }
    if (b->n_buckets == 0) {
        b->ew_neg = negw, b->ew_nn = nn;
    } else {
        b->ew_neg = kl * b->ew_neg + (1 - kl) * negw;
        b->ew_nn = kl * b->ew_nn + (1 - kl) * nn;
    }
    slot_fold(&b->how[how_of(start)], negw, nn, HOW_ALPHA_MIN);
    slot_fold(&b->hod[hod_of(start)], negw, nn, HOD_ALPHA_MIN);
    b->n_buckets++;
}

/* ---- persistence -------------------------------------------------------- */

static json_t *slots_json(const es_spike_slot_t *s, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_pack("[f,f,I]", s[i].neg, s[i].nn, (json_int_t)s[i].n));
    return a;
}

static json_t *doubles_json(const double *d, int n)
{
    json_t *a = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(a, json_real(d[i]));
    return a;
}

json_t *es__spike_base_to_json(const es_spike_base_t *b)
{
    double ew[2] = {b->ew_neg, b->ew_nn};
    return json_pack("{s:i,s:o,s:o,s:o,s:o,s:o,s:o,s:I,s:I}", "v", 1, "how",
                     slots_json(b->how, ES_SPIKE_HOW), "hod", slots_json(b->hod, ES_SPIKE_HOD), "rnum",
                     doubles_json(b->rnum, 3), "rden", doubles_json(b->rden, 3), "ew", doubles_json(ew, 2),
                     "disp", doubles_json(b->disp, 3), "n", (json_int_t)b->n_buckets, "first",
                     (json_int_t)b->first_start);
}

static int num(const json_t *v, double *out)
{
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return isfinite(*out) ? 0 : -1;
}

static int slots_from(es_spike_slot_t *s, int n, const json_t *a)
{
    if (!json_is_array(a) || (int)json_array_size(a) != n)
        return -1;
    for (int i = 0; i < n; i++) {
        const json_t *e = json_array_get(a, (size_t)i);
        double cnt;
        if (json_array_size(e) != 3 || num(json_array_get(e, 0), &s[i].neg) ||
            num(json_array_get(e, 1), &s[i].nn) || num(json_array_get(e, 2), &cnt) || cnt < 0 ||
            s[i].neg < 0 || s[i].nn < 0)
            return -1;
        s[i].n = cnt > UINT32_MAX ? UINT32_MAX : (uint32_t)cnt;
    }
    return 0;
}

static int doubles_from(double *d, int n, const json_t *a)
{
    if (!json_is_array(a) || (int)json_array_size(a) != n)
        return -1;
    for (int i = 0; i < n; i++)
        if (num(json_array_get(a, (size_t)i), &d[i]) || d[i] < 0)
            return -1;
    return 0;
}

int es__spike_base_from_json(es_spike_base_t *b, const json_t *o)
{
    es_spike_base_t t;
    es__spike_base_init(&t);
    double ew[2], n, first;
    if (!json_is_object(o) || json_integer_value(json_object_get(o, "v")) != 1 ||
        slots_from(t.how, ES_SPIKE_HOW, json_object_get(o, "how")) ||
        slots_from(t.hod, ES_SPIKE_HOD, json_object_get(o, "hod")) ||
        doubles_from(t.rnum, 3, json_object_get(o, "rnum")) ||
        doubles_from(t.rden, 3, json_object_get(o, "rden")) || doubles_from(ew, 2, json_object_get(o, "ew")) ||
        doubles_from(t.disp, 3, json_object_get(o, "disp")) || num(json_object_get(o, "n"), &n) ||
        num(json_object_get(o, "first"), &first) || n < 0) {
        es__spike_base_init(b);
        return ES_EPARSE;
    }
    t.ew_neg = ew[0], t.ew_nn = ew[1];
    t.n_buckets = (int64_t)n;
    t.first_start = (int64_t)first;
    *b = t;
    return 0;
}
