/*
 * Fingerprint set; see idset.h.
 */
#include "idset.h"

#include <stdlib.h>
#include <xxhash.h>

#include <earshot/plugin.h>

uint64_t es_idset_hash(const char *id, size_t len)
{
    uint64_t h = XXH3_64bits(id, len);
    return h ? h : 1;
}

void es_idset_free(es_idset_t *s)
{
    free(s->slots);
    s->slots = NULL;
    s->cap = s->count = 0;
}

/* The low bits of an XXH3 value are as good as any: the home slot. */
static inline size_t home(const es_idset_t *s, uint64_t h) { return (size_t)h & (s->cap - 1); }

int es_idset_has(const es_idset_t *s, uint64_t h)
{
    h = h ? h : 1;
    if (!s->count)
        return 0;
    for (size_t i = home(s, h);; i = (i + 1) & (s->cap - 1)) {
        if (s->slots[i] == h)
            return 1;
        if (!s->slots[i])
            return 0;
    }
}

static void put(uint64_t *slots, size_t cap, uint64_t h)
{
    size_t i = (size_t)h & (cap - 1);
    while (slots[i])
        i = (i + 1) & (cap - 1);
    slots[i] = h;
}

static int resize(es_idset_t *s, size_t cap)
{
    uint64_t *ns = calloc(cap, sizeof *ns);
    if (!ns)
        return ES_ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i])
            put(ns, cap, s->slots[i]);
    free(s->slots);
    s->slots = ns;
    s->cap = cap;
    return 0;
}

int es_idset_reserve(es_idset_t *s, size_t n)
{
    if (s->cap && n <= s->cap / 4 * 3)
        return 0;
    size_t cap = s->cap ? s->cap : 64;
    while (n > cap / 4 * 3)
        cap *= 2;
    return cap == s->cap ? 0 : resize(s, cap);
}

int es_idset_add(es_idset_t *s, uint64_t h)
{
    h = h ? h : 1;
    if (es_idset_reserve(s, s->count + 1) < 0)
        return ES_ENOMEM;
    size_t i = home(s, h);
    for (; s->slots[i]; i = (i + 1) & (s->cap - 1))
        if (s->slots[i] == h)
            return 0;
    s->slots[i] = h;
    s->count++;
    return 1;
}

int es_idset_del(es_idset_t *s, uint64_t h)
{
    h = h ? h : 1;
    if (!s->count)
        return 0;
    size_t mask = s->cap - 1, i = home(s, h);
    while (s->slots[i] != h) {
        if (!s->slots[i])
            return 0;
        i = (i + 1) & mask;
    }
    /* Backward shift: pull each later entry of the run into the hole
     * unless its home lies cyclically in (hole, its slot], where it would
     * no longer be found. */
    size_t hole = i;
    for (size_t j = (i + 1) & mask; s->slots[j]; j = (j + 1) & mask) {
        size_t k = home(s, s->slots[j]);
        int stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
        if (!stays) {
            s->slots[hole] = s->slots[j];
            hole = j;
        }
    }
    s->slots[hole] = 0;
    s->count--;
    return 1;
}
