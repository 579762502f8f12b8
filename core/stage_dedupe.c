/*
 * Dedupe: the same post arrives twice when a feed repeats items, pages
 * overlap, or a source re-reads after a restart. Ids in flight live in an
 * in-memory open-addressing set (keys borrowed from the records, which
 * outlive their membership); delivered ids live in the state DB.
 */
#include <stdlib.h>
#include <string.h>

#include "stages.h"
#include "util.h"

#define TOMB ((const char *)1)

struct es_dedupe {
    es_state_t *st;
    uint64_t max_age_ms;
    const char **slots;
    size_t cap, used, live; /* used counts tombstones too */
};

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
    if (d->st && d->max_age_ms)
        es_state_seen_prune(d->st, es_now_s() - (int64_t)(d->max_age_ms / 1000));
}
