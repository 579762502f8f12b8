/*
 * Text helpers shared by source plugins: turning the HTML that feeds and
 * forums send into the plain text a mention carries, and a stable hash for
 * synthesising ids. All functions are reentrant (no mutable statics) and
 * callable from any thread.
 */
#ifndef EARSHOT_TEXT_H
#define EARSHOT_TEXT_H

#include <stddef.h>

/* Plain UTF-8 text from an HTML fragment or document: tags stripped,
 * script/style/head dropped, <img alt> kept (emoji are often images),
 * entities decoded (named, decimal, hex), runs of whitespace collapsed to one
 * space, block elements and <br> turned into line breaks (at most one blank
 * line in a row), leading and trailing whitespace trimmed. Invalid UTF-8 in
 * the input becomes U+FFFD; a <meta charset> inside is ignored. Never fails on
 * garbage: at worst the result is "". Returns a malloc'd NUL-terminated string
 * (*out_len, may be NULL, gets its length) or NULL on ENOMEM or input over
 * 1 GiB. */
char *es_html_to_text(const char *html, size_t len, size_t *out_len);

/* Decodes character references in text that is otherwise plain (Twitter's
 * "&amp;", doubly escaped feed titles): &name; for the HTML 4 names plus
 * &apos;, &#NNN; and &#xHHH;. References to NUL, surrogates or beyond U+10FFFF
 * become U+FFFD; unknown names and malformed references stay as written.
 * Nothing else changes. Returns a malloc'd NUL-terminated string (*out_len
 * may be NULL) or NULL on ENOMEM. */
char *es_entities_decode(const char *s, size_t len, size_t *out_len);

/* The Unicode code point of a Windows-1252 byte (Latin-1 outside
 * 0x80..0x9F). For repairing text that claimed to be UTF-8 or Latin-1. */
unsigned long es_cp1252_char(unsigned char b);

/* SHA-256 of data as 64 lowercase hex digits plus NUL in out. Returns 0 or
 * ES_ENOMEM (libcrypto could not allocate its context). */
int es_sha256_hex(const void *data, size_t len, char out[65]);

#endif
