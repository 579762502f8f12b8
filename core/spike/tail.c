/*
 * Upper tail probabilities of counts. Summed term by term from the count
 * outwards with the pmf's ratio recurrence: only one lgamma per call, and
 * tiny p-values (1e-30) keep their relative precision, which 1 - CDF would
 * not.
 */
#include <math.h>

#include "internal.h"

/* log pmf and the ratio pmf(i+1)/pmf(i) of Poisson(mean) or NB(mean,
 * var = disp * mean). */
typedef struct dist {
    int nb;
    double mean, r, q; /* NB: size r, failure probability q */
} dist_t;

static double log_pmf(const dist_t *d, double i)
{
    if (!d->nb)
        return i * log(d->mean) - d->mean - lgamma(i + 1);
    return lgamma(i + d->r) - lgamma(d->r) - lgamma(i + 1) + d->r * log1p(-d->q) + i * log(d->q);
}

static double ratio_up(const dist_t *d, double i)
{
    return d->nb ? (i + d->r) / (i + 1) * d->q : d->mean / (i + 1);
}

double es__spike_tail(int64_t x, double mean, double disp)
{
    if (x <= 0)
        return 1.0;
    if (!(mean > 0))
        return 0.0; /* nothing expected, something seen */
    dist_t d = {.nb = disp > 1.0 + 1e-9, .mean = mean};
    if (d.nb) {
        d.r = mean / (disp - 1.0);
        d.q = 1.0 - 1.0 / disp;
    }
    double xi = (double)x;
    if (xi > mean) {
        /* Terms fall from x on (x is past the mode), so the sum converges
         * geometrically. */
        double t = exp(log_pmf(&d, xi)), sum = 0;
        for (int k = 0; k < 1000000 && t > 0; k++) {
            sum += t;
            if (t < sum * 1e-16)
                break;
            t *= ratio_up(&d, xi + k);
        }
        return sum > 1.0 ? 1.0 : sum;
    }
    /* x at or below the mean: the tail is large, 1 - CDF is precise. */
    double t = exp(log_pmf(&d, xi - 1)), cdf = 0;
    for (double i = xi - 1; i >= 0 && t > 0; i--) {
        cdf += t;
        if (t < cdf * 1e-16)
            break;
        if (i < 1)
            break;
        t /= ratio_up(&d, i - 1); /* pmf(i-1) = pmf(i) / ratio(i-1) */
    }
    double p = 1.0 - cdf;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}

double es__spike_binom_tail(int64_t c, int64_t n, double q)
{
    if (c <= 0)
        return 1.0;
    if (c > n || !(q > 0))
        return 0.0;
    if (q >= 1)
        return 1.0;
    /* From c upwards while the terms fall (c past the mode n*q, the only
     * case the topic test asks about), else 1 - the sum below c. */
    double lq = log(q), lq1 = log1p(-q), odds = q / (1 - q);
    double ci = (double)c, ni = (double)n;
    if (ci > ni * q) {
        double t = exp(lgamma(ni + 1) - lgamma(ci + 1) - lgamma(ni - ci + 1) + ci * lq + (ni - ci) * lq1), sum = 0;
        for (double i = ci; i <= ni && t > 0; i++) {
            sum += t;
            if (t < sum * 1e-16)
                break;
            t *= (ni - i) / (i + 1) * odds;
        }
        return sum > 1.0 ? 1.0 : sum;
    }
    double t = exp(ni * lq1), cdf = 0; /* pmf(0) */
    for (double i = 0; i < ci; i++) {
        cdf += t;
        t *= (ni - i) / (i + 1) * odds;
    }
    double p = 1.0 - cdf;
    return p < 0 ? 0 : p > 1 ? 1 : p;
}
