/* JSON from the wild: jansson refuses invalid UTF-8 outright, but feeds,
 * forum pages, archives and queue messages carry Latin-1 bytes often
 * enough that refusing would lose whole documents. */
#ifndef ES_JSON_LOAD_H
#define ES_JSON_LOAD_H

#include <stddef.h>

#include <jansson.h>

/* Parses p[0..n) with jansson (flags as json_loadb's), after replacing
 * each invalid UTF-8 sequence by U+FFFD. Returns the new reference, or NULL
 * with *rc set: ES_ENOMEM (err untouched) or ES_EPARSE (err filled in by
 * jansson). A NUL byte in the input ends the document; an escaped one
 * (\u0000) in a string value becomes U+FFFD, so no string holds a NUL and
 * json_string_value() is the whole text. */
json_t *es_json_load_repaired(const char *p, size_t n, size_t flags, json_error_t *err, int *rc);

#endif
