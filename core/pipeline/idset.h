/*
 * A set of 64-bit id fingerprints: open addressing, linear probing,
 * deletion by backward shift (no tombstones, so a set that sees as many
 * deletions as insertions never degrades). 8 bytes a slot, at most 3/4
 * full: 11-16 bytes an id. Single-threaded; the caller owns the set.
 */
#ifndef ES_IDSET_H
#define ES_IDSET_H

#include <stddef.h>
#include <stdint.h>

typedef struct es_idset {
    uint64_t *slots; /* 0 = empty */
    size_t cap;      /* a power of two, or 0 before the first insertion */
    size_t count;
} es_idset_t;

/* The fingerprint of an id: XXH3 (libxxhash, whose 64-bit output is
 * stable across versions and platforms since 0.8, which matters because
 * fingerprints are stored in the state DB), never 0. Two different ids
 * share one with probability 2^-64 per pair: among the 10^8 ids of a busy
 * month, about 3 in 10^4 that any two do. */
uint64_t es_idset_hash(const char *id, size_t len);

/* Zeroed memory is an empty set; es_idset_free() returns it to that. A
 * key of 0 (never a fingerprint; a damaged row) stands for 1. */
void es_idset_free(es_idset_t *s);
int es_idset_has(const es_idset_t *s, uint64_t h);
/* 1 when added, 0 when already present, ES_ENOMEM. */
int es_idset_add(es_idset_t *s, uint64_t h);
/* 1 when removed, 0 when absent. */
int es_idset_del(es_idset_t *s, uint64_t h);
/* Makes room for n ids in all (one allocation instead of log n). */
int es_idset_reserve(es_idset_t *s, size_t n);

#endif
