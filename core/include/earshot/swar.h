/*
 * Eight bytes at a time ("SIMD within a register") for the byte scans of
 * the hot path: the JSON reader's and writer's string runs, control
 * character stripping. Header-only (nothing exported), installed as
 * <earshot/swar.h> for plugins that scan bytes too.
 *
 * Each test returns a mask with the high bit of every matching byte set.
 * The subtraction tricks can also flag a byte above a real match (a
 * borrow travels upwards), never one below it, so the lowest flagged byte
 * is always exact: es_swar_first() finds the first match in memory order.
 */
#ifndef EARSHOT_SWAR_H
#define EARSHOT_SWAR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ES_SWAR_ONES 0x0101010101010101ull
#define EARSHOT_SWAR_HIGHS 0x8080808080808080ull

static inline uint64_t es_swar_load(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Bytes equal to c. */
static inline uint64_t es_swar_eq(uint64_t w, unsigned char c)
{
    uint64_t x = w ^ (ES_SWAR_ONES * c);
    return (x - ES_SWAR_ONES) & ~x & EARSHOT_SWAR_HIGHS;
}

/* Bytes below n (n <= 128). */
static inline uint64_t es_swar_below(uint64_t w, unsigned char n)
{
    return (w - ES_SWAR_ONES * n) & ~w & EARSHOT_SWAR_HIGHS;
}

/* Bytes that end a plain run of a JSON string: '"', '\\', controls. */
static inline uint64_t es_swar_json_stop(uint64_t w)
{
    return es_swar_below(w, 0x20) | es_swar_eq(w, '"') | es_swar_eq(w, '\\');
}

/* Index in memory order of the first flagged byte of a non-zero mask. */
static inline size_t es_swar_first(uint64_t mask)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (size_t)__builtin_clzll(mask) >> 3;
#else
    return (size_t)__builtin_ctzll(mask) >> 3;
#endif
}

#endif
