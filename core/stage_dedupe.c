/*
 * Dedupe: the same post arrives twice when a feed repeats items, pages
 * overlap, or a source re-reads after a restart. Ids in flight live in an
 * in-memory open-addressing set (keys borrowed from the records, which
 * outlive their membership); delivered ids live in the state DB.
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "stages.h"
#include "util.h"

#define TOMB ((const char *)1)

struct es_dedupe {
    es_state_t *st;
    uint64_t max_age_ms;
    const char **slots;
    size_t cap, used, live; /* used counts tombstones too */
    /* The prune sweep under way: the key after which its next step starts
     * (NULL: none), the time it forgets before, what it forgot so far. */
    char *sweep;
    int64_t sweep_before;
    int64_t swept;
};

/* Ids looked at per step: a few milliseconds on the loop thread, so a
 * table of millions is swept within minutes of the hourly start. */
#define SWEEP_CHUNK 20000

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int grow(es_dedupe_t *d)
{
    size_t nc = d->live * 4 > d->cap ? d->cap * 2 : d->cap; /* else rehash to drop tombstones */
    if (nc < 64)
        nc = 64;
    const char **ns = calloc(nc, sizeof *ns);
    if (!ns)
        return ES_ENOMEM;
    for (size_t i = 0; i < d->cap; i++) {
        const char *k = d->slots[i];
        if (!k || k == TOMB)
            continue;
        size_t j = hash_str(k) & (nc - 1);
        while (ns[j])
            j = (j + 1) & (nc - 1);
        ns[j] = k;
    }
    free(d->slots);
    d->slots = ns;
    d->cap = nc;
    d->used = d->live;
    return 0;
}

/* Index of key, or of the slot to insert it into (*found = 0). */
static size_t lookup(const es_dedupe_t *d, const char *key, int *found)
{
    size_t i = hash_str(key) & (d->cap - 1), tomb = (size_t)-1;
    for (;;) {
        const char *k = d->slots[i];
        if (!k) {
            *found = 0;
            return tomb != (size_t)-1 ? tomb : i;
        }
        if (k == TOMB) {
            if (tomb == (size_t)-1)
                tomb = i;
        } else if (strcmp(k, key) == 0) {
            *found = 1;
            return i;
        }
        i = (i + 1) & (d->cap - 1);
    }
}

int es_dedupe_new(es_state_t *st, uint64_t max_age_ms, es_dedupe_t **out)
{
    es_dedupe_t *d = calloc(1, sizeof *d);
    if (!d)
        return ES_ENOMEM;
    d->st = st;
    d->max_age_ms = max_age_ms;
    if (grow(d) < 0) {
        free(d);
        return ES_ENOMEM;
    }
    *out = d;
    return 0;
}

void es_dedupe_free(es_dedupe_t *d)
{
    if (!d)
        return;
    free(d->slots);
    free(d->sweep);
    free(d);
}

int es_dedupe_check(es_dedupe_t *d, const es_rec_t *rec)
{
    const char *id = rec->m.id;
    int found;
    size_t i = lookup(d, id, &found);
    if (found)
        return 1;
    if (d->st) {
        int seen = es_state_seen_has(d->st, id);
        if (seen != 0)
            return seen; /* 1, or an error: never deliver what we cannot check */
    }
    if ((d->used + 1) * 4 > d->cap * 3) {
        if (grow(d) < 0)
            return ES_ENOMEM;
        i = lookup(d, id, &found);
    }
    if (!d->slots[i])
        d->used++;
    d->slots[i] = id;
    d->live++;
    return 0;
}

void es_dedupe_release(es_dedupe_t *d, const es_rec_t *rec, int delivered)
{
    int found;
    size_t i = lookup(d, rec->m.id, &found);
    if (found && d->slots[i] == rec->m.id) {
        d->slots[i] = TOMB;
        d->live--;
    }
    if (delivered && d->st)
        es_state_seen_add(d->st, rec->m.id, es_now_s());
}

void es_dedupe_prune(es_dedupe_t *d)
{
    if (!d->st || !d->max_age_ms || d->sweep || !(d->sweep = es_strdup("")))
        return;
    d->sweep_before = es_now_s() - (int64_t)(d->max_age_ms / 1000);
    d->swept = 0;
    es_dedupe_prune_step(d);
}

int es_dedupe_sweeping(const es_dedupe_t *d) { return d && d->sweep != NULL; }

void es_dedupe_prune_step(es_dedupe_t *d)
{
    if (!d->sweep)
        return;
    char *next = NULL;
    int64_t n = es_state_seen_prune(d->st, d->sweep_before, d->sweep, SWEEP_CHUNK, &next);
    free(d->sweep);
    d->sweep = next;
    if (n < 0) {
        /* The next hourly start tries again. */
        es_logf(ES_LOG_WARN, "dedupe: cannot forget old ids: %s", es_strerror((int)n));
        return;
    }
    d->swept += n;
    if (!d->sweep && d->swept)
        es_logf(ES_LOG_DEBUG, "dedupe: forgot %lld id(s) delivered more than dedupe.max_age ago",
                (long long)d->swept);
}
