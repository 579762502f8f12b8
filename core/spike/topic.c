/*
 * The topic test: do a window's negative mentions converge on one word far
 * more than the brand's complaints usually do?
 *
 * Why a second signal: for a series with a few negatives per bucket, a real
 * 3x spike over two buckets (12 negatives where 4 were expected, say) is
 * not improbable enough as a count once the threshold is spread over the
 * 288 tests of a day; ordinary noise reaches it too often. Real episodes
 * (an outage, a botched release, a recall) are complaints about one thing,
 * and that concentration is measurable independently of the count: given
 * the window's N negative mentions, the number using a word is binomial
 * with the word's usual share of the brand's complaints. The caller only
 * asks when the count is already above normal, so an alert still needs
 * more negatives than usual; the word test supplies the improbability.
 */
#include <math.h>
#include <string.h>

#include "internal.h"

/* A word used by fewer mentions is no topic. */
#define TOPIC_MIN_COUNT 3
/* Shares below this are not trusted: a word the brand rarely or never saw
 * is taken to be in at least one complaint in fifty, so a handful of
 * mentions sharing a fresh name or a typo is not enough on its own. */
#define TOPIC_SHARE_FLOOR 0.02

static void consider(const es_spike_vocab_t *v, const char *term, int64_t count, int64_t n_docs,
                     es_spike_topic_t *best, double *best_raw)
{
    if (count < TOPIC_MIN_COUNT)
        return;
    double q = es__spike_vocab_share(v, term);
    if (q < TOPIC_SHARE_FLOOR)
        q = TOPIC_SHARE_FLOOR;
    double p = es__spike_binom_tail(count, n_docs, q);
    if (p < *best_raw || (p == *best_raw && best->term && strcmp(term, best->term) < 0)) {
        *best_raw = p;
        best->term = term, best->count = count, best->share = q;
    }
}

double es__spike_topic_test(const es_spike_vocab_t *v, const es_spike_map_t *cur, const es_spike_map_t *prev,
                           int64_t n_docs, es_spike_topic_t *out)
{
    memset(out, 0, sizeof *out);
    out->p = 1.0;
    out->docs = n_docs;
    if (n_docs < TOPIC_MIN_COUNT)
        return out->p;
    double raw = 1.0;
    size_t tested = 0;
    for (uint32_t i = 0; i < cur->cap; i++) {
        const char *t = cur->keys[i];
        if (!t)
            continue;
        const double *pv = prev ? es__spike_map_get(prev, t, strlen(t)) : NULL;
        tested++;
        consider(v, t, (int64_t)(cur->vals[i] + (pv ? *pv : 0)), n_docs, out, &raw);
    }
    for (uint32_t i = 0; prev && i < prev->cap; i++) {
        const char *t = prev->keys[i];
        if (!t || es__spike_map_get(cur, t, strlen(t)))
            continue; /* counted with cur */
        tested++;
        consider(v, t, (int64_t)prev->vals[i], n_docs, out, &raw);
    }
    /* Bonferroni over every word of the window: the most concentrated of
     * forty ordinary words is forty times likelier to look odd. */
    if (out->term) {
        double p = raw * (double)tested;
        out->p = p < 1 ? p : 1;
    }
    return out->p;
}
