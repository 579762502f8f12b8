/*
 * A small JSON reader for tweet elements: parses one element into a tree
 * allocated in a reusable arena (no allocation per value once the arena has
 * grown, no hashing), which is what makes the twitter source several times
 * faster than building jansson objects it reads a few fields of.
 *
 * Strict RFC 8259 grammar (what jansson accepts by default), with two
 * lenient choices that keep tweets instead of dropping them: \u0000 and
 * unpaired surrogate escapes decode to U+FFFD. The input must be valid
 * UTF-8 (the caller checks). Nesting deeper than TJ_MAX_DEPTH is an error.
 */
#ifndef TW_TJSON_H
#define TW_TJSON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define TJ_MAX_DEPTH 128

typedef enum { TJ_NULL, TJ_FALSE, TJ_TRUE, TJ_NUM, TJ_STR, TJ_ARR, TJ_OBJ } tj_type_t;

typedef struct tj tj_t;
struct tj {
    tj_type_t type;
    int is_int;        /* TJ_NUM: no fraction, no exponent */
    size_t len;        /* TJ_STR: bytes; TJ_ARR/TJ_OBJ: members */
    size_t klen;       /* length of key */
    const char *key;   /* member name inside an object, else NULL */
    const char *str;   /* TJ_STR: decoded, NUL-terminated; TJ_NUM: its text */
    tj_t *first;       /* TJ_ARR/TJ_OBJ: first member */
    tj_t *next;        /* next member of the parent */
};

typedef struct tj_block tj_block_t;

/* Owns the arena; reuse one per reader, tj_reset between elements. */
typedef struct tj_doc {
    tj_block_t *blocks;
    char err[96];      /* after a failed parse */
    size_t err_at;     /* byte offset of the error in the input */
} tj_doc_t;

/* Parses p[0..n) as one JSON value (surrounding white space allowed).
 * Returns the root, valid until the next tj_reset/tj_free, or NULL with
 * d->err and d->err_at set. */
tj_t *tj_parse(tj_doc_t *d, const char *p, size_t n);
/* The same, decoding strings in place: p[0..n) is overwritten (and must
 * not be read as JSON again), and the strings of the tree point into it,
 * so p must outlive the tree. Saves a copy of every string. */
tj_t *tj_parse_insitu(tj_doc_t *d, char *p, size_t n);

/* Forgets every tree parsed so far; keeps the largest block for reuse. */
void tj_reset(tj_doc_t *d);
void tj_free(tj_doc_t *d);

/* Member `key` (klen bytes) of an object (the first one with that name),
 * or NULL. tj_get takes a C string: inline, so a literal key's length is
 * known at compile time (the reader is called some 30 times a tweet). */
tj_t *tj_getn(const tj_t *obj, const char *key, size_t klen);
static inline tj_t *tj_get(const tj_t *obj, const char *key) { return tj_getn(obj, key, strlen(key)); }
/* The string value, or NULL when v is not a string (v may be NULL). */
const char *tj_str(const tj_t *v);
/* v itself when it is an object / array, else NULL. */
tj_t *tj_obj(tj_t *v);
tj_t *tj_arr(tj_t *v);

#endif
