/*
 * Fingerprint set; see idset.h.
 */
#include "idset.h"

#include <math.h>
#include <stdlib.h>
#include <xxhash.h>

#include <earshot/plugin.h>

/* A shard is full at 17/20: linear probing's misses (most lookups: new
 * ids) then cost about 23 probes, three cache lines, and 8-10 at the
 * load a shard has on average (growing by a quarter, below). */
#define FULL(cap) ((cap) / 20 * 17)
#define GROW(cap) ((cap) + (cap) / 4)
#define FIRST_CAP 16

uint64_t es__idset_hash(const char *id, size_t len)
{
    uint64_t h = XXH3_64bits(id, len);
    return h ? h : 1;
}

void es__idset_free(es_idset_t *s)
{
    for (size_t k = 0; k < ES_IDSET_SHARDS; k++)
        free(s->sh[k].slots);
    *s = (es_idset_t){0};
}

size_t es__idset_slots(const es_idset_t *s)
{
    size_t n = 0;
    for (size_t k = 0; k < ES_IDSET_SHARDS; k++)
        n += s->sh[k].cap;
    return n;
}

static inline es_idset_shard_t *shard(es_idset_t *s, uint64_t h)
{
    return &s->sh[h >> (64 - ES_IDSET_SHARD_BITS)];
}

static inline size_t next(const es_idset_shard_t *sh, size_t i) { return i + 1 == sh->cap ? 0 : i + 1; }

int es__idset_has(const es_idset_t *s, uint64_t h)
{
    h = h ? h : 1;
    const es_idset_shard_t *sh = es__idset_shard(s, h);
    if (!sh->count)
        return 0;
    for (size_t i = es__idset_home(sh, h);; i = next(sh, i)) {
        if (sh->slots[i] == h)
            return 1;
        if (!sh->slots[i])
            return 0;
    }
}

static int resize(es_idset_shard_t *sh, size_t cap)
{
    es_idset_shard_t n = {calloc(cap, sizeof(uint64_t)), cap, sh->count};
    if (!n.slots)
        return ES_ENOMEM;
    for (size_t i = 0; i < sh->cap; i++) {
        uint64_t h = sh->slots[i];
        if (!h)
            continue;
        size_t j = es__idset_home(&n, h);
        while (n.slots[j])
            j = next(&n, j);
        n.slots[j] = h;
    }
    free(sh->slots);
    *sh = n;
    return 0;
}

/* Room for n ids in the shard; grows by a quarter at least, so that a
 * run of reserves a little larger each time does not rehash each time.
 * A quarter, not double: each id is moved about 4 times in all instead
 * of 2 (a few ms for millions), and the shard is 68-85% full instead of
 * 42-85%. */
static int shard_reserve(es_idset_shard_t *sh, size_t n)
{
    if (sh->cap && n <= FULL(sh->cap))
        return 0;
    size_t cap = sh->cap ? GROW(sh->cap) : FIRST_CAP;
    while (n > FULL(cap))
        cap = GROW(cap);
    return resize(sh, cap);
}

int es__idset_reserve(es_idset_t *s, size_t n)
{
    /* Ids spread over the shards binomially: n/64 each, give or take
     * sqrt(n/64); five of those is never reached in practice, and a
     * shard that does fill grows on its own. */
    size_t each = n / ES_IDSET_SHARDS;
    each += 5 * (size_t)sqrt((double)each) + 1;
    for (size_t k = 0; k < ES_IDSET_SHARDS; k++)
        if (shard_reserve(&s->sh[k], each) < 0)
            return ES_ENOMEM;
    return 0;
}

int es__idset_add(es_idset_t *s, uint64_t h)
{
    h = h ? h : 1;
    es_idset_shard_t *sh = shard(s, h);
    if (shard_reserve(sh, sh->count + 1) < 0)
        return ES_ENOMEM;
    size_t i = es__idset_home(sh, h);
    for (; sh->slots[i]; i = next(sh, i))
        if (sh->slots[i] == h)
            return 0;
    sh->slots[i] = h;
    sh->count++;
    s->count++;
    return 1;
}

int es__idset_del(es_idset_t *s, uint64_t h)
{
    h = h ? h : 1;
    es_idset_shard_t *sh = shard(s, h);
    if (!sh->count)
        return 0;
    size_t i = es__idset_home(sh, h);
    while (sh->slots[i] != h) {
        if (!sh->slots[i])
            return 0;
        i = next(sh, i);
    }
    /* Backward shift: pull each later entry of the run into the hole
     * unless its home lies cyclically in (hole, its slot], where it would
     * no longer be found. */
    size_t hole = i;
    for (size_t j = next(sh, i); sh->slots[j]; j = next(sh, j)) {
        size_t k = es__idset_home(sh, sh->slots[j]);
        int stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
        if (!stays) {
            sh->slots[hole] = sh->slots[j];
            hole = j;
        }
    }
    sh->slots[hole] = 0;
    sh->count--;
    s->count--;
    return 1;
}
