/*
 * A set of 64-bit id fingerprints: 64 shards (the top 6 bits), each an
 * open-addressing table with linear probing and deletion by backward
 * shift (no tombstones, so a set that sees as many deletions as
 * insertions never degrades). 8 bytes a slot, at most 85% full; a shard
 * grows by a quarter when full, so the set holds 9.4-11.8 bytes an id.
 *
 * Why shards: a shard grows alone (old and new slots live together for
 * 1/64 of the set, not the whole set twice as with one table, whose
 * doubling was the peak RSS of a 1 GiB archive import: 16 + 32 MiB at
 * two million ids), and growing by a quarter instead of doubling keeps
 * the tables fuller. Single-threaded; the caller owns the set.
 */
#ifndef ES_IDSET_H
#define ES_IDSET_H

#include <stddef.h>
#include <stdint.h>

#define ES_IDSET_SHARD_BITS 6
#define ES_IDSET_SHARDS (1u << ES_IDSET_SHARD_BITS)

typedef struct es__idset_shard {
    uint64_t *slots; /* 0 = empty */
    size_t cap;      /* any size; 0 before the first insertion */
    size_t count;
} es_idset_shard_t;

typedef struct es_idset {
    es_idset_shard_t sh[ES_IDSET_SHARDS];
    size_t count;
} es_idset_t;

/* The fingerprint of an id: XXH3 (libxxhash, whose 64-bit output is
 * stable across versions and platforms since 0.8, which matters because
 * fingerprints are stored in the state DB), never 0. Two different ids
 * share one with probability 2^-64 per pair: among the 10^8 ids of a busy
 * month, about 3 in 10^4 that any two do. */
uint64_t es__idset_hash(const char *id, size_t len);

/* Zeroed memory is an empty set; es__idset_free() returns it to that. A
 * key of 0 (never a fingerprint; a damaged row) stands for 1. */
void es__idset_free(es_idset_t *s);
int es__idset_has(const es_idset_t *s, uint64_t h);
/* 1 when added, 0 when already present, ES_ENOMEM. */
int es__idset_add(es_idset_t *s, uint64_t h);
/* 1 when removed, 0 when absent. */
int es__idset_del(es_idset_t *s, uint64_t h);
/* Makes room for n ids in all (one allocation a shard instead of many). */
int es__idset_reserve(es_idset_t *s, size_t n);
/* Slots allocated, all shards (8 bytes each). */
size_t es__idset_slots(const es_idset_t *s);

/* The shard of h and its home slot there: the bits below the shard's,
 * scaled to the shard's size (so any size works, not only powers of 2). */
static inline const es_idset_shard_t *es__idset_shard(const es_idset_t *s, uint64_t h)
{
    return &s->sh[h >> (64 - ES_IDSET_SHARD_BITS)];
}
static inline size_t es__idset_home(const es_idset_shard_t *sh, uint64_t h)
{
    return (size_t)(((unsigned __int128)(h << ES_IDSET_SHARD_BITS) * sh->cap) >> 64);
}
/* Starts loading h's home slot into the cache. */
static inline void es__idset_prefetch(const es_idset_t *s, uint64_t h, int rw)
{
    const es_idset_shard_t *sh = es__idset_shard(s, h ? h : 1);
    if (sh->cap) {
        if (rw)
            __builtin_prefetch(&sh->slots[es__idset_home(sh, h ? h : 1)], 1);
        else
            __builtin_prefetch(&sh->slots[es__idset_home(sh, h ? h : 1)]);
    }
}

#endif
